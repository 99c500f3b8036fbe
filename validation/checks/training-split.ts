// The split itself: session_id unique within each split file and across the two, and the split rule the
// manifest names holds: no user on both sides (user split), or every train row before the cutoff and
// every test row at or after it (time split; features/sql/140_split_by_time.sql).
import type { DuckDBConnection } from "@duckdb/node-api";
import { fmtInt } from "../format.ts";
import { count, queryOne, strings } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { examples, makeCheck } from "./result.ts";
import { TRAINING_CHECKS } from "./training-catalogue.ts";
import { type LoadedVariant, readable } from "./training-load.ts";
import type { TrainingManifest } from "./training-manifest.ts";

export async function uniqueIdCheck(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
): Promise<CheckResult> {
  readable(variants);
  const problems: string[] = [];
  let bad = 0;
  for (const v of variants) {
    const { train, test } = v.splits;
    const r = await queryOne(
      con,
      `WITH ids AS (
         SELECT session_id, 'train' AS split FROM ${train.table} UNION ALL SELECT session_id, 'test' FROM ${test.table}
       ), per_id AS (
         SELECT session_id, count(*) FILTER (WHERE split = 'train') AS tr, count(*) FILTER (WHERE split = 'test') AS te
         FROM ids GROUP BY session_id
       )
       SELECT count(*) FILTER (WHERE tr > 1) AS dup_train, count(*) FILTER (WHERE te > 1) AS dup_test,
         count(*) FILTER (WHERE tr > 0 AND te > 0) AS both_splits,
         (SELECT count(*) FROM ids WHERE session_id IS NULL) AS null_ids,
         list(session_id ORDER BY session_id) FILTER (WHERE tr > 1 OR te > 1)[1:3] AS dup_samples,
         list(session_id ORDER BY session_id) FILTER (WHERE tr > 0 AND te > 0)[1:3] AS both_samples
       FROM per_id`,
    );
    const dupTrain = count(r.dup_train);
    const dupTest = count(r.dup_test);
    const both = count(r.both_splits);
    const nulls = count(r.null_ids);
    bad += dupTrain + dupTest + both + nulls;
    if (dupTrain > 0)
      problems.push(`${fmtInt(dupTrain)} session_id value(s) appear more than once in ${train.file}`);
    if (dupTest > 0)
      problems.push(`${fmtInt(dupTest)} session_id value(s) appear more than once in ${test.file}`);
    if (dupTrain + dupTest > 0) problems[problems.length - 1] += examples(strings(r.dup_samples));
    if (both > 0)
      problems.push(
        `${fmtInt(both)} session_id value(s) are in both ${train.file} and ${test.file}${examples(strings(r.both_samples))}`,
      );
    if (nulls > 0) problems.push(`${fmtInt(nulls)} row(s) of ${v.name} have no session_id`);
  }
  return makeCheck({
    ...TRAINING_CHECKS.uniqueIds,
    severity: "error",
    status: bad === 0 ? "pass" : "fail",
    value: bad,
    message:
      bad === 0
        ? `session_id is unique within and across the splits of ${variants.map((v) => v.name).join(", ")}`
        : `session_id unique within and across splits: ${problems.join("; ")}`,
    details: { problems },
  });
}

async function usersInBoth(
  con: DuckDBConnection,
  v: LoadedVariant,
): Promise<{ n: number; samples: string[] }> {
  const { train, test } = v.splits;
  const r = await queryOne(
    con,
    `WITH both_sides AS (
       SELECT DISTINCT user_id FROM ${train.table} INTERSECT SELECT DISTINCT user_id FROM ${test.table}
     )
     SELECT count(*) AS n, list(user_id ORDER BY user_id)[1:3] AS samples FROM both_sides`,
  );
  return { n: count(r.n), samples: strings(r.samples) };
}

async function cutoffBreaches(
  con: DuckDBConnection,
  v: LoadedVariant,
  cutoff: string,
): Promise<{ late: number; early: number; samples: string[] }> {
  const { train, test } = v.splits;
  const r = await queryOne(
    con,
    `WITH c AS (SELECT CAST(CAST($cutoff AS TIMESTAMPTZ) AS TIMESTAMP) AS t)
     SELECT
       (SELECT count(*) FROM ${train.table}, c WHERE start_time >= c.t OR start_time IS NULL) AS late,
       (SELECT count(*) FROM ${test.table}, c WHERE start_time < c.t OR start_time IS NULL) AS early,
       (SELECT list(session_id ORDER BY start_time, session_id)[1:3] FROM ${train.table}, c WHERE start_time >= c.t) AS samples`,
    { cutoff },
  );
  return { late: count(r.late), early: count(r.early), samples: strings(r.samples) };
}

/** The split rule of the manifest's method, for every variant. */
export async function splitRuleCheck(
  con: DuckDBConnection,
  manifest: TrainingManifest,
  variants: readonly LoadedVariant[],
): Promise<CheckResult> {
  readable(variants);
  const method = manifest.split.method;
  const problems: string[] = [];
  let bad = 0;
  if (method === "user") {
    for (const v of variants) {
      const { n, samples } = await usersInBoth(con, v);
      bad += n;
      if (n > 0)
        problems.push(
          `${fmtInt(n)} user(s) have sessions in both ${v.splits.train.file} and ${v.splits.test.file}${examples(samples)}`,
        );
    }
    return makeCheck({
      ...TRAINING_CHECKS.noUserInBoth,
      severity: "error",
      status: bad === 0 ? "pass" : "fail",
      value: bad,
      message:
        bad === 0
          ? "no user in both splits: every user's sessions are on one side (split by user)"
          : `no user in both splits (split by user): ${problems.join("; ")}; the test set then holds users the model trained on`,
      details: { method, problems },
    });
  }
  const cutoff = manifest.split.time_cutoff;
  if (cutoff === null) {
    for (const v of variants) {
      const { n } = await countRows(con, v.splits.test.table!);
      bad += n;
    }
    if (bad > 0)
      problems.push(`manifest.json names no time_cutoff but the test files hold ${fmtInt(bad)} rows`);
  } else {
    for (const v of variants) {
      const b = await cutoffBreaches(con, v, cutoff);
      bad += b.late + b.early;
      if (b.late > 0)
        problems.push(
          `${fmtInt(b.late)} row(s) of ${v.splits.train.file} start at or after the cutoff ${cutoff}${examples(b.samples)}`,
        );
      if (b.early > 0)
        problems.push(`${fmtInt(b.early)} row(s) of ${v.splits.test.file} start before the cutoff ${cutoff}`);
    }
  }
  return makeCheck({
    ...TRAINING_CHECKS.timeCutoff,
    severity: "error",
    status: bad === 0 ? "pass" : "fail",
    value: bad,
    message:
      bad === 0
        ? `time split: every train row starts before ${cutoff ?? "(no cutoff, empty test set)"} and every test row at or after it`
        : `time split: ${problems.join("; ")}`,
    details: { method, cutoff, problems },
  });
}

async function countRows(con: DuckDBConnection, table: string): Promise<{ n: number }> {
  return { n: count((await queryOne(con, `SELECT count(*) AS n FROM ${table}`)).n) };
}
