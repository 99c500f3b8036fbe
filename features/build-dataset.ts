// The dataset builder: tables `sessions` + `events` on a DuckDB connection -> features (sql/*.sql) -> split
// -> Parquet (ZSTD) + manifest.json + DATASET.md. Everything written is a function of the input tables and
// the options: no wall-clock time, rows in a stable order, so the same input and seed give identical bytes.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { queryScalar, quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { COMPARED_COLUMNS } from "../pipeline/model/index.ts";
import { DATA_CHECKS } from "./checks.ts";
import { VARIANTS, type VariantName } from "./columns.ts";
import { SPLITS, writeManifest } from "./manifest-writer.ts";
import { type BuildDatasetOptions, type ResolvedBuildOptions, resolveBuildOptions } from "./options.ts";
import { buildSteps, INTERMEDIATE_TABLES, loadStep, runStep } from "./runner.ts";
import { assignTestUsers } from "./split.ts";
import { describeTable, num } from "./table-info.ts";
import type { CheckResult, DatasetManifest, DatasetResult, SplitName, StepTiming } from "./types.ts";

/** Event columns the feature SQL reads. */
const REQUIRED_EVENT_COLUMNS = [
  "event_id",
  "event_type",
  "event_time",
  "session_id",
  "product_id",
  "category",
  "price",
  "quantity",
  "cart_value",
] as const;

async function checkInputs(con: DuckDBConnection): Promise<{ sessions: number; events: number }> {
  const sessionCols = await describeTable(con, "sessions");
  if (sessionCols === null) {
    throw new CartstreamError(
      ERROR_CODES.EMPTY,
      "table `sessions` not found on the DuckDB connection; expected the snapshotted session rows (SessionRow columns). Run the snapshot step first, or load files with loadFromParquet(con, sessionsParquet, eventsParquet)",
    );
  }
  const eventCols = await describeTable(con, "events");
  if (eventCols === null) {
    throw new CartstreamError(
      ERROR_CODES.EMPTY,
      "table `events` not found on the DuckDB connection; expected the raw events (EVENT_COLUMNS) next to `sessions`. Load the raw event archive (snapshot step or loadFromParquet) before building a dataset",
    );
  }
  const missingSession = COMPARED_COLUMNS.filter((c) => !sessionCols.has(c));
  if (missingSession.length > 0) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `table \`sessions\` lacks column(s) ${missingSession.join(", ")}; expected the SessionRow columns of pipeline/model/session-row.ts`,
    );
  }
  const missingEvent = REQUIRED_EVENT_COLUMNS.filter((c) => !eventCols.has(c));
  if (missingEvent.length > 0) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `table \`events\` lacks column(s) ${missingEvent.join(", ")}; expected the EVENT_COLUMNS of pipeline/files/event-columns.ts`,
    );
  }
  const sessions = num(await queryScalar(con, "SELECT count(*) FROM sessions"));
  if (sessions === 0) {
    throw new CartstreamError(
      ERROR_CODES.EMPTY,
      "table `sessions` is empty: a dataset needs at least one session. Check that the pipeline ran and closed sessions before the snapshot (or that the snapshot read the right database)",
    );
  }
  const events = num(await queryScalar(con, "SELECT count(*) FROM events"));
  if (events === 0) {
    throw new CartstreamError(
      ERROR_CODES.EMPTY,
      `table \`events\` is empty but \`sessions\` has ${sessions} rows; the features need the raw events of those sessions. Load the raw event archive`,
    );
  }
  return { sessions, events };
}

async function userSplit(con: DuckDBConnection, testFraction: number): Promise<void> {
  const reader = await con.runAndReadAll("SELECT sessions, positives FROM split_candidates ORDER BY k");
  const [sessions, positives] = reader.getColumnsJS() as [number[], number[]];
  const users = sessions.map((n, i) => ({ sessions: n, positives: positives[i]! }));
  const test = assignTestUsers(users, testFraction);
  await con.run("CREATE OR REPLACE TEMP TABLE split_test_users (k INTEGER)");
  const appender = await con.createAppender("split_test_users");
  try {
    for (let i = 0; i < test.length; i++) {
      if (test[i]) {
        appender.appendInteger(i + 1);
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

async function runChecks(con: DuckDBConnection, opts: ResolvedBuildOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const failed: string[] = [];
  for (const check of DATA_CHECKS) {
    if (check.only !== undefined && check.only !== opts.split) continue;
    const failing = num(await queryScalar(con, check.sql));
    results.push({ name: check.name, severity: check.severity, failing });
    if (failing > 0 && check.severity === "error")
      failed.push(`${check.name}: ${failing} rows (${check.hint})`);
  }
  if (failed.length > 0) {
    throw new CartstreamError(ERROR_CODES.BAD_INPUT, `dataset checks failed:\n  - ${failed.join("\n  - ")}`);
  }
  return results;
}

/**
 * The rows of one split of a variant in file order. The marts are stored in (split, start_time, session_id)
 * order, so with insertion order preserved a filtered scan already yields that order; otherwise sort.
 */
function variantSelect(variant: VariantName, split: SplitName, keepsOrder: boolean): string {
  const v = VARIANTS[variant];
  const cols = v.columns.map((c) => quoteIdent(c.name)).join(", ");
  // `split` is one of two constants, never input data
  return `SELECT ${cols} FROM ${quoteIdent(v.table)} WHERE split = ${quoteString(split)}${
    keepsOrder ? "" : " ORDER BY start_time, session_id"
  }`;
}

async function preservesInsertionOrder(con: DuckDBConnection): Promise<boolean> {
  return String(await queryScalar(con, "SELECT current_setting('preserve_insertion_order')")) === "true";
}

async function copyParquet(con: DuckDBConnection, select: string, path: string): Promise<void> {
  await con.run(`COPY (${select}) TO ${quoteString(path)} (FORMAT parquet, COMPRESSION zstd)`);
}

/**
 * True when table `table` is already in `keys` order (no NULL keys, rowids contiguous) and DuckDB keeps
 * insertion order, so a plain scan writes the same rows in the same order as ORDER BY would. Checking takes
 * one join on rowid; sorting millions of wide event rows costs several times more, and the usual inputs
 * (the archive's Parquet, the snapshot's keyset pages) arrive in order. Views or anything unexpected: false.
 */
async function alreadySorted(
  con: DuckDBConnection,
  table: string,
  keys: readonly string[],
): Promise<boolean> {
  try {
    if (String(await queryScalar(con, "SELECT current_setting('preserve_insertion_order')")) !== "true")
      return false;
    const t = quoteIdent(table);
    const row = (k: string) => `(${keys.map((c) => `${k}.${quoteIdent(c)}`).join(", ")})`;
    const nulls = keys.map((c) => `a.${quoteIdent(c)} IS NULL OR b.${quoteIdent(c)} IS NULL`).join(" OR ");
    const reader = await con.runAndReadAll(
      `SELECT count(*) AS pairs, count(*) FILTER (WHERE ${row("b")} < ${row("a")} OR ${nulls}) AS bad,
         (SELECT count(*) FROM ${t}) AS n
       FROM ${t} AS a JOIN ${t} AS b ON b.rowid = a.rowid + 1`,
    );
    const r = reader.getRowObjectsJS()[0]!;
    return num(r.bad) === 0 && num(r.pairs) === Math.max(0, num(r.n) - 1);
  } catch {
    return false;
  }
}

/** COPY a whole input table to Parquet in `keys` order, skipping the sort when it is already in order. */
async function copyTableSorted(
  con: DuckDBConnection,
  table: string,
  keys: readonly string[],
  path: string,
): Promise<void> {
  const order = (await alreadySorted(con, table, keys)) ? "" : ` ORDER BY ${keys.map(quoteIdent).join(", ")}`;
  await copyParquet(con, `SELECT * FROM ${quoteIdent(table)}${order}`, path);
}

/**
 * Builds a dataset from tables `sessions` and `events` on `con` into `opts.outDir`. Creates temp tables on
 * the connection (dropped at the end unless keepIntermediate) and sets its TimeZone to UTC.
 * Throws CartstreamError CS_EMPTY when a table is missing or empty, CS_BAD_INPUT when columns are missing
 * or a data check fails, CS_BAD_CONFIG for bad options.
 */
export async function buildDataset(
  con: DuckDBConnection,
  options: BuildDatasetOptions,
): Promise<DatasetResult> {
  const opts = resolveBuildOptions(options);
  const t0 = performance.now();
  await con.run("SET TimeZone = 'UTC'");
  const input = await checkInputs(con);
  mkdirSync(opts.outDir, { recursive: true });

  const values: Record<string, DuckDBValue> = {
    seed: String(opts.seed),
    test_fraction: opts.testFraction,
    timeout_ms: opts.timeoutMs,
  };
  const sqlFiles = buildSteps(opts.split);
  const files = {
    train: VARIANTS.full.files.train,
    test: VARIANTS.full.files.test,
    trainPredictionPoint: VARIANTS.prediction_point.files.train,
    testPredictionPoint: VARIANTS.prediction_point.files.test,
    sessions: "sessions.parquet",
    events: "events.parquet",
    manifest: "manifest.json",
    dataCard: "DATASET.md",
  } as const;
  let checks: CheckResult[] = [];

  const steps: { name: string; run: () => Promise<void> }[] = [];
  for (const file of sqlFiles) {
    const step = loadStep(file);
    steps.push({ name: file, run: () => runStep(con, step, values) });
    if (file === "130_split_candidates.sql") {
      steps.push({ name: "split (features/split.ts)", run: () => userSplit(con, opts.testFraction) });
    }
  }
  steps.push({
    name: "checks",
    run: async () => {
      checks = await runChecks(con, opts);
    },
  });
  for (const variant of Object.keys(VARIANTS) as VariantName[]) {
    for (const split of SPLITS) {
      const file = VARIANTS[variant].files[split];
      steps.push({
        name: `write ${file}`,
        run: async () =>
          copyParquet(
            con,
            variantSelect(variant, split, await preservesInsertionOrder(con)),
            join(opts.outDir, file),
          ),
      });
    }
  }
  steps.push({
    name: `write ${files.sessions}`,
    run: () => copyTableSorted(con, "sessions", ["session_id"], join(opts.outDir, files.sessions)),
  });
  steps.push({
    name: `write ${files.events}`,
    run: () =>
      copyTableSorted(
        con,
        "events",
        ["event_time", "event_id", "session_id"],
        join(opts.outDir, files.events),
      ),
  });
  let manifest: DatasetManifest | undefined;
  steps.push({
    name: "manifest and data card",
    run: async () => {
      manifest = await writeManifest(con, opts, input, checks, sqlFiles, files);
    },
  });

  const timings: StepTiming[] = [];
  try {
    for (let i = 0; i < steps.length; i++) {
      const s = performance.now();
      const cpu = process.cpuUsage();
      await steps[i]!.run();
      const ms = performance.now() - s;
      const used = process.cpuUsage(cpu);
      timings.push({ step: steps[i]!.name, ms, cpuMs: (used.user + used.system) / 1000 });
      opts.onProgress?.({ step: steps[i]!.name, index: i + 1, total: steps.length, ms });
    }
  } finally {
    if (!opts.keepIntermediate) {
      for (const t of INTERMEDIATE_TABLES) await con.run(`DROP TABLE IF EXISTS temp.${quoteIdent(t)}`);
    }
  }
  const m = manifest!;
  const full = m.variants.full.splits;
  const pp = m.variants.prediction_point.splits;
  return {
    name: opts.name,
    outDir: opts.outDir,
    paths: Object.fromEntries(
      Object.entries(files).map(([k, f]) => [k, join(opts.outDir, f)]),
    ) as DatasetResult["paths"],
    rows: {
      sessions: input.sessions,
      events: input.events,
      train: full.train.rows,
      test: full.test.rows,
      trainPredictionPoint: pp.train.rows,
      testPredictionPoint: pp.test.rows,
    },
    timings,
    totalMs: performance.now() - t0,
    manifest: m,
  };
}
