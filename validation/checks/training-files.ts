// The files people train on: the checks of the train/test files the dataset builder wrote, against its
// manifest.json and against sessions.parquet + events.parquet. Each check is guarded on its own: one that
// throws fails (error) naming the error, and the others still run.
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { queryScalar, quoteIdent } from "../../pipeline/duckdb/index.ts";
import type { DatasetInput } from "../dataset.ts";
import type { CheckResult } from "../types.ts";
import { type GuardedCheck, guardOne } from "./guard.ts";
import { makeCheck } from "./result.ts";
import { TRAINING_CHECKS } from "./training-catalogue.ts";
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

/** The training-file checks over the validation's open database (tables `sessions` and `events` loaded). */
export async function trainingFileChecks(
  instance: DuckDBInstance,
  con: DuckDBConnection,
  input: DatasetInput,
  options: TrainingCheckOptions,
): Promise<CheckResult[]> {
  const reading = readTrainingManifest(input.dir, input.manifest);
  const manifestCheck = { ...TRAINING_CHECKS.manifest, severity: "error" as const };
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
  checks.push(await guardOne(TRAINING_CHECKS.checksums, () => checksumCheck(input.dir, manifest)));
  const variants = await loadTrainingFiles(con, input.dir, manifest);
  const C = TRAINING_CHECKS;
  const guarded: [GuardedCheck, () => CheckResult | Promise<CheckResult>][] = [
    [C.rowCounts, () => rowCountCheck(con, variants)],
    [C.classBalance, () => classBalanceCheck(con, variants)],
    [C.uniqueIds, () => uniqueIdCheck(con, variants)],
    [
      manifest.split.method === "user" ? C.noUserInBoth : C.timeCutoff,
      () => splitRuleCheck(con, manifest, variants),
    ],
    [C.columns, () => schemaCheck(variants)],
    [C.notNull, () => notNullCheck(con, variants)],
    [C.labels, () => labelCheck(con, variants, sessionsTable)],
    [C.rowsMatchSessions, () => rowsMatchSessionsCheck(con, variants, sessionsTable, input.sessionTypes)],
    [C.featuresRecomputed, () => recomputeCheck(instance, manifest, variants, options.recomputeUsers)],
  ];
  for (const [check, run] of guarded) checks.push(await guardOne(check, run));
  return checks;
}
