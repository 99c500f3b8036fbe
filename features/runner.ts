// A tiny dbt-like runner: each step is one SQL file in features/sql that creates one temp table. Steps run
// in file-name order; values go in as named parameters ($seed, $test_fraction, $timeout_ms), and a step
// receives only the parameters its text uses (DuckDB rejects unused ones).
import { createHash } from "node:crypto";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { readSqlFile } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import type { SplitMethod } from "./options.ts";

export interface SqlStep {
  /** File name inside features/sql, e.g. `100_session_features.sql`. */
  file: string;
  text: string;
  sha256: string;
  /** Named parameters the step uses, without the `$`. */
  params: string[];
}

/** Feature steps before the split: staging, then per-session marts. */
export const MODEL_STEPS = [
  "010_stg_sessions.sql",
  "020_stg_events.sql",
  "100_session_features.sql",
  "110_user_history.sql",
  "120_prediction_point.sql",
] as const;

/** Split steps per method (they need only stg_sessions). The user split runs features/split.ts in between. */
export const SPLIT_STEPS = {
  user: ["130_split_candidates.sql", "140_split_by_user.sql"],
  time: ["140_split_by_time.sql"],
} as const satisfies Record<SplitMethod, readonly string[]>;

/** The two dataset marts, stored in file order (split, start_time, session_id). */
export const DATASET_STEPS = ["200_dataset.sql", "210_dataset_prediction_point.sql"] as const;

/** Every step of a build, in run order. */
export function buildSteps(split: SplitMethod): string[] {
  return [...MODEL_STEPS, ...SPLIT_STEPS[split], ...DATASET_STEPS];
}

/** Temp tables the steps create (dropped after a build unless keepIntermediate). */
export const INTERMEDIATE_TABLES = [
  "stg_sessions",
  "stg_events",
  "session_features",
  "user_history",
  "prediction_point",
  "dataset",
  "dataset_prediction_point",
  "split_candidates",
  "split_test_users",
  "session_split",
] as const;

const cache = new Map<string, SqlStep>();

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''");
}

export function loadStep(file: string): SqlStep {
  const hit = cache.get(file);
  if (hit) return hit;
  const text = readSqlFile(new URL(`./sql/${file}`, import.meta.url));
  const params = [...new Set([...stripComments(text).matchAll(/\$([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!))];
  const step = { file, text, sha256: createHash("sha256").update(text).digest("hex"), params };
  cache.set(file, step);
  return step;
}

/** Runs one step with the parameters it uses, taken from `values`. */
export async function runStep(
  con: DuckDBConnection,
  step: SqlStep,
  values: Record<string, DuckDBValue>,
): Promise<void> {
  const bound: Record<string, DuckDBValue> = {};
  for (const p of step.params) {
    if (!(p in values)) {
      throw new CartstreamError(
        ERROR_CODES.BAD_INPUT,
        `features/sql/${step.file} uses $${p}, which the builder does not bind; bind it in runStep's values or remove it from the step`,
      );
    }
    bound[p] = values[p]!;
  }
  try {
    await con.run(step.text, step.params.length ? bound : undefined);
  } catch (err) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `features/sql/${step.file} failed: ${(err as Error).message}; expected tables sessions and events with the SessionRow and event columns (see features/README.md)`,
      { cause: err },
    );
  }
}
