// The training-file checks' ids and titles, written once: the checks and the guard that reports a check
// that threw use the same entry.
import type { CheckKind } from "../types.ts";

const entry = (id: string, title: string) => ({ id, kind: "training" as CheckKind, title });

export const TRAINING_CHECKS = {
  manifest: entry("training.manifest", "manifest describes the training files"),
  checksums: entry("training.files.checksums", "every manifest file exists with its sha256"),
  rowCounts: entry("training.files.row_counts", "split row and user counts match the manifest"),
  classBalance: entry("training.files.class_balance", "class balance per split matches the manifest"),
  uniqueIds: entry("training.split.unique_session_id", "session_id unique within and across splits"),
  noUserInBoth: entry("training.split.no_user_in_both", "no user in both splits (user split)"),
  timeCutoff: entry("training.split.time_cutoff", "no train row after the cutoff (time split)"),
  columns: entry("training.schema.columns", "every manifest column present with its type"),
  notNull: entry("training.schema.not_null", "no NULL where the manifest says not null"),
  labels: entry(
    "training.labels.consistent",
    "labels consistent (abandoned = not converted with a cart value)",
  ),
  rowsMatchSessions: entry("training.rows.match_sessions", "split rows equal the sessions table's rows"),
  featuresRecomputed: entry(
    "training.rows.features_recomputed",
    "feature values equal a recomputation from sessions and events",
  ),
} as const;
