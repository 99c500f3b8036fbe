// Feature values recomputed: the dataset builder's own SQL steps (features/, not a second copy of the
// feature SQL) run again over sessions.parquet + events.parquet, for every user or a seeded sample of
// users, and each variant's rows must equal the files' rows column by column. Sampling whole users keeps
// the history features exact (they read only the user's own earlier sessions).
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DATASET_STEPS, loadStep, MODEL_STEPS, runStep, VARIANTS } from "../../features/index.ts";
import { describeRelation, queryScalar, quoteIdent, quoteString } from "../../pipeline/duckdb/index.ts";
import { fmtInt } from "../format.ts";
import { count, queryOne, strings } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { examples, makeCheck } from "./result.ts";
import { TRAINING_CHECKS } from "./training-catalogue.ts";
import { type LoadedVariant, readable } from "./training-load.ts";
import { SPLITS, type TrainingManifest } from "./training-manifest.ts";

/** Relative tolerance for DOUBLE features (the same SQL on the same rows; only summation order may vary). */
const DOUBLE_TOLERANCE = 1e-9;

interface Scope {
  users: number;
  sampledUsers: number;
  sessions: number;
}

/** Shadows `sessions` and `events` with a seeded sample of users' rows on `con` when there are too many. */
async function sampleScope(con: DuckDBConnection, seed: string, maxUsers: number): Promise<Scope> {
  const db = quoteIdent(String(await queryScalar(con, "SELECT current_database()")));
  const users = count(await queryScalar(con, `SELECT count(DISTINCT user_id) FROM ${db}.main.sessions`));
  if (users > maxUsers) {
    await con.run(
      `CREATE TEMP TABLE sampled_users AS
       SELECT user_id FROM (SELECT DISTINCT CAST(user_id AS VARCHAR) AS user_id FROM ${db}.main.sessions)
       ORDER BY md5($seed || chr(31) || user_id), user_id LIMIT $n`,
      { seed, n: maxUsers },
    );
    await con.run(
      `CREATE TEMP TABLE sessions AS SELECT * FROM ${db}.main.sessions WHERE CAST(user_id AS VARCHAR) IN (SELECT user_id FROM sampled_users)`,
    );
    await con.run(
      `CREATE TEMP TABLE events AS SELECT * FROM ${db}.main.events
       WHERE CAST(session_id AS VARCHAR) IN (SELECT CAST(base_session_id AS VARCHAR) FROM sessions)`,
    );
  }
  const sessions = count(await queryScalar(con, "SELECT count(*) FROM sessions"));
  return { users, sampledUsers: Math.min(users, maxUsers), sessions };
}

/** session_split from the files: the split a session's row is in (any variant), or '(in no file)'. */
async function splitFromFiles(con: DuckDBConnection, variants: readonly LoadedVariant[]): Promise<void> {
  const parts = variants.flatMap((v) =>
    SPLITS.map((s) => `SELECT session_id, ${quoteString(s)} AS split FROM ${v.splits[s].table}`),
  );
  await con.run(
    `CREATE OR REPLACE TEMP TABLE session_split AS
     SELECT s.session_id, coalesce(min(f.split), '(in no file)') AS split
     FROM stg_sessions AS s LEFT JOIN (${parts.join(" UNION ALL ")}) AS f USING (session_id)
     GROUP BY s.session_id`,
  );
}

interface VariantDiff {
  problems: string[];
  bad: number;
  rows: number;
}

async function compareVariant(
  con: DuckDBConnection,
  v: LoadedVariant,
  mart: string,
  sampled: boolean,
): Promise<VariantDiff> {
  const martTypes = await describeRelation(con, quoteIdent(mart));
  const names = v.entry.columns.map((c) => c.name);
  const problems: string[] = [];
  const notBuilt = names.filter((c) => !martTypes.has(c));
  if (notBuilt.length > 0)
    problems.push(`${v.name}: column(s) ${notBuilt.join(", ")} are not produced by the builder's SQL`);
  const cols = names.filter((c) => martTypes.has(c) && c !== "session_id");
  const scope = sampled
    ? " WHERE session_id IN (SELECT session_id FROM stg_sessions) OR user_id IN (SELECT user_id FROM stg_sessions)"
    : "";
  const files = SPLITS.map(
    (s) => `SELECT *, ${quoteString(s)} AS split FROM ${v.splits[s].table}${scope}`,
  ).join(" UNION ALL ");
  const differs = (c: string) => {
    const a = `m.${quoteIdent(c)}`;
    const b = `f.${quoteIdent(c)}`;
    const t = martTypes.get(c)!;
    return t === "DOUBLE" || t === "FLOAT"
      ? `NOT (${a} IS NOT DISTINCT FROM ${b} OR coalesce(abs(${a} - ${b}) <= ${DOUBLE_TOLERANCE} * greatest(1, abs(${a})), false))`
      : `${a} IS DISTINCT FROM ${b}`;
  };
  // One pass: an anti-join each way for missing and extra rows, one join for every column's differences.
  const r = await queryOne(
    con,
    `WITH f AS MATERIALIZED (${files}), m AS (SELECT * FROM ${quoteIdent(mart)}),
     missing AS (SELECT session_id FROM m ANTI JOIN f USING (session_id)),
     extra AS (SELECT session_id FROM f ANTI JOIN m USING (session_id)),
     diff AS (
       SELECT ${cols.length ? cols.map((c, i) => `count(*) FILTER (WHERE ${differs(c)}) AS d${i}`).join(", ") : "0 AS none"}
       FROM m JOIN f USING (session_id)
     )
     SELECT
       (SELECT count(*) FROM m) AS expected,
       (SELECT count(*) FROM missing) AS missing,
       (SELECT list(session_id ORDER BY session_id)[1:3] FROM missing) AS missing_samples,
       (SELECT count(*) FROM extra) AS extra,
       (SELECT list(session_id ORDER BY session_id)[1:3] FROM extra) AS extra_samples,
       diff.*
     FROM diff`,
  );
  const missing = count(r.missing);
  const extra = count(r.extra);
  let bad = missing + extra;
  if (missing > 0)
    problems.push(
      `${fmtInt(missing)} session(s) the builder's SQL gives a ${v.name} row are in neither ${v.splits.train.file} nor ${v.splits.test.file}${examples(strings(r.missing_samples))}`,
    );
  if (extra > 0)
    problems.push(
      `${fmtInt(extra)} row(s) of the ${v.name} files have no recomputed row${examples(strings(r.extra_samples))}`,
    );
  const differing = cols.map((c, i) => [c, count(r[`d${i}`])] as const).filter(([, n]) => n > 0);
  if (differing.length > 0) {
    bad += Math.max(...differing.map(([, n]) => n));
    problems.push(
      `${v.name} values differ from the recomputation in ${differing.map(([c, n]) => `${c} (${fmtInt(n)} rows)`).join(", ")}`,
    );
  }
  return { problems, bad, rows: count(r.expected) };
}

export async function recomputeCheck(
  instance: DuckDBInstance,
  manifest: TrainingManifest,
  variants: readonly LoadedVariant[],
  maxUsers: number,
): Promise<CheckResult> {
  readable(variants);
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    const seed = String(manifest.seed);
    const scope = await sampleScope(con, seed, maxUsers);
    const values = {
      seed,
      timeout_ms: manifest.point_in_time.timeout_ms,
      test_fraction: Number((manifest.split as { test_fraction?: unknown }).test_fraction ?? 0),
    };
    for (const f of MODEL_STEPS) await runStep(con, loadStep(f), values);
    await splitFromFiles(con, variants);
    for (const f of DATASET_STEPS) await runStep(con, loadStep(f), values);
    const problems: string[] = [];
    let bad = 0;
    let rows = 0;
    for (const v of variants) {
      const mart = VARIANTS[v.name as keyof typeof VARIANTS]?.table;
      if (mart === undefined) {
        problems.push(`variant ${v.name} is not one the builder makes (${Object.keys(VARIANTS).join(", ")})`);
        bad++;
        continue;
      }
      const d = await compareVariant(con, v, mart, scope.sampledUsers < scope.users);
      problems.push(...d.problems);
      bad += d.bad;
      rows += d.rows;
    }
    const scopeText =
      scope.sampledUsers < scope.users
        ? `a seeded sample of ${fmtInt(scope.sampledUsers)} of ${fmtInt(scope.users)} users (${fmtInt(scope.sessions)} sessions)`
        : `all ${fmtInt(scope.users)} users (${fmtInt(scope.sessions)} sessions)`;
    return makeCheck({
      ...TRAINING_CHECKS.featuresRecomputed,
      severity: "error",
      status: bad === 0 ? "pass" : "fail",
      value: bad,
      source: "features/sql (the dataset builder's steps) over sessions.parquet + events.parquet",
      message:
        bad === 0
          ? `feature values recomputed by the builder's SQL for ${scopeText} equal the files: ${fmtInt(rows)} rows, every column`
          : `feature values recomputed for ${scopeText}: ${problems.join("; ")}`,
      details: { ...scope, rows, problems },
    });
  } finally {
    con.closeSync();
  }
}
