// The files people train on: the checks of the train/test files the dataset builder wrote, against its
// manifest.json and against sessions.parquet + events.parquet. Each check is guarded on its own: one that
// throws fails (error) naming the error, and the others still run.
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { queryScalar, quoteIdent } from "../../pipeline/duckdb/index.ts";
import type { DatasetInput } from "../dataset.ts";
import type { CheckResult } from "../types.ts";
import { guardOne } from "./guard.ts";
import { makeCheck } from "./result.ts";
import { checksumCheck, classBalanceCheck, rowCountCheck } from "./training-integrity.ts";
import { loadTrainingFiles } from "./training-load.ts";
import { readTrainingManifest } from "./training-manifest.ts";
import { recomputeCheck } from "./training-recompute.ts";
import { rowsMatchSessionsCheck } from "./training-rows.ts";
import { labelCheck, notNullCheck, schemaCheck } from "./training-schema.ts";
import { splitRuleCheck, uniqueIdCheck } from "./training-split.ts";

export interface TrainingCheckOptions {
  /** Recompute the features of every user up to this many users, else of a seeded sample of this size. */
  recomputeUsers: number;
}

const kind = "training" as const;

/** The training-file checks over the validation's open database (tables `sessions` and `events` loaded). */
export async function trainingFileChecks(
  instance: DuckDBInstance,
  con: DuckDBConnection,
  input: DatasetInput,
  options: TrainingCheckOptions,
): Promise<CheckResult[]> {
  const reading = readTrainingManifest(input.dir, input.manifest);
  const manifestCheck = {
    id: "training.manifest",
    kind,
    title: "manifest describes the training files",
    severity: "error" as const,
  };
  if (reading.kind === "none") {
    return [
      makeCheck({
        ...manifestCheck,
        status: "skipped",
        message: `training files not checked: ${reading.reason}; only sessions.parquet and events.parquet were validated (build with \`cartstream dataset\` to get train/test files and their manifest)`,
      }),
    ];
  }
  if (reading.kind === "invalid") {
    return [makeCheck({ ...manifestCheck, status: "fail", message: `training files: ${reading.reason}` })];
  }
  const manifest = reading.manifest;
  const db = quoteIdent(String(await queryScalar(con, "SELECT current_database()")));
  const sessionsTable = `${db}.main.sessions`;
  const checks: CheckResult[] = [
    makeCheck({
      ...manifestCheck,
      status: "pass",
      message: `manifest.json describes ${Object.keys(manifest.variants).length} variant(s) (${Object.keys(manifest.variants).join(", ")}), split by ${manifest.split.method}, ${manifest.files.length} files`,
    }),
  ];
  checks.push(
    await guardOne(
      { id: "training.files.checksums", kind, title: "every manifest file exists with its sha256" },
      () => checksumCheck(input.dir, manifest),
    ),
  );
  const variants = await loadTrainingFiles(con, input.dir, manifest);
  const guarded: [string, string, () => CheckResult | Promise<CheckResult>][] = [
    [
      "training.files.row_counts",
      "split row and user counts match the manifest",
      () => rowCountCheck(con, variants),
    ],
    [
      "training.files.class_balance",
      "class balance per split matches the manifest",
      () => classBalanceCheck(con, variants),
    ],
    [
      "training.split.unique_session_id",
      "session_id unique within and across splits",
      () => uniqueIdCheck(con, variants),
    ],
    [
      manifest.split.method === "user" ? "training.split.no_user_in_both" : "training.split.time_cutoff",
      manifest.split.method === "user"
        ? "no user in both splits (user split)"
        : "no train row after the cutoff (time split)",
      () => splitRuleCheck(con, manifest, variants),
    ],
    ["training.schema.columns", "every manifest column present with its type", () => schemaCheck(variants)],
    [
      "training.schema.not_null",
      "no NULL where the manifest says not null",
      () => notNullCheck(con, variants),
    ],
    [
      "training.labels.consistent",
      "labels consistent (abandoned = not converted with a cart value)",
      () => labelCheck(con, variants, sessionsTable),
    ],
    [
      "training.rows.match_sessions",
      "split rows equal the sessions table's rows",
      () => rowsMatchSessionsCheck(con, variants, sessionsTable, input.sessionTypes),
    ],
    [
      "training.rows.features_recomputed",
      "feature values equal a recomputation from sessions and events",
      () => recomputeCheck(instance, manifest, variants, options.recomputeUsers),
    ],
  ];
  for (const [id, title, run] of guarded) checks.push(await guardOne({ id, kind, title }, run));
  return checks;
}
