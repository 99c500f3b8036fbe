// The dataset builder: tables `sessions` + `events` on a DuckDB connection -> features (sql/*.sql) -> split
// -> Parquet (ZSTD) + manifest.json + DATASET.md. Everything written is a function of the input tables and
// the options: no wall-clock time, rows in a stable order, so the same input and seed give identical bytes.
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import { quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { COMPARED_COLUMNS } from "../pipeline/model/index.ts";
import { DATA_CHECKS } from "./checks.ts";
import {
  type ColumnSpec,
  FEATURE_RULE,
  featureList,
  featuresFor,
  LABEL_COLUMNS,
  LABEL_DEFINITIONS,
  type LabelName,
  VARIANTS,
  type VariantName,
} from "./columns.ts";
import { renderDataCard } from "./data-card.ts";
import { type BuildDatasetOptions, type ResolvedBuildOptions, resolveBuildOptions } from "./options.ts";
import { buildSteps, INTERMEDIATE_TABLES, loadStep, runStep } from "./runner.ts";
import { assignTestUsers } from "./split.ts";
import type {
  CheckResult,
  DatasetManifest,
  DatasetResult,
  FileEntry,
  LabelBalance,
  ManifestColumn,
  SplitName,
  SplitStats,
  StepTiming,
  VariantManifest,
} from "./types.ts";

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

const TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%gZ";
const SPLITS: readonly SplitName[] = ["train", "test"];

export const POINT_IN_TIME_RULE =
  "History features of a session S of user U starting at time t use only U's sessions that started strictly " +
  "before t (equal start times never see each other). Outcomes of those sessions (purchases, purchase value, " +
  "conversions, abandoned carts, last end time) count only if the session was known to be over strictly " +
  "before t: session_end's time, or last_activity + timeout_ms for a session closed by inactivity; sessions " +
  "still open at t count in prior_sessions and open_sessions_at_start only.";

const VARIANT_DESCRIPTIONS: Record<VariantName, string> = {
  full: "one row per session; features describe the whole session (post-session models, analysis)",
  prediction_point:
    "one row per session with at least one add_to_cart; features use only events up to and including the first add_to_cart (in-session purchase / abandonment prediction)",
};

function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

async function scalar(con: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await con.runAndReadAll(sql);
  return reader.getRowsJS()[0]?.[0];
}

/** Column name -> DuckDB type of a table or view, or null when it does not exist. */
async function describeTable(con: DuckDBConnection, table: string): Promise<Map<string, string> | null> {
  let reader: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
  try {
    reader = await con.runAndReadAll(`DESCRIBE ${quoteIdent(table)}`);
  } catch {
    return null;
  }
  const out = new Map<string, string>();
  for (const row of reader.getRowObjectsJS()) out.set(String(row.column_name), String(row.column_type));
  return out;
}

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
  const sessions = num(await scalar(con, "SELECT count(*) FROM sessions"));
  if (sessions === 0) {
    throw new CartstreamError(
      ERROR_CODES.EMPTY,
      "table `sessions` is empty: a dataset needs at least one session. Check that the pipeline ran and closed sessions before the snapshot (or that the snapshot read the right database)",
    );
  }
  const events = num(await scalar(con, "SELECT count(*) FROM events"));
  if (events === 0) {
    throw new CartstreamError(
      ERROR_CODES.EMPTY,
      `table \`events\` is empty but \`sessions\` has ${sessions} rows; the features need the raw events of those sessions. Load the raw event archive`,
    );
  }
  return { sessions, events };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function fileEntry(dir: string, file: string): Promise<FileEntry> {
  const path = join(dir, file);
  return { path: file, bytes: statSync(path).size, sha256: await sha256File(path) };
}

function balance(positives: number, total: number): LabelBalance {
  return {
    positives,
    negatives: total - positives,
    rate: total === 0 ? 0 : Math.round((positives / total) * 1e6) / 1e6,
  };
}

async function splitStats(con: DuckDBConnection, table: string): Promise<Record<SplitName, SplitStats>> {
  const reader = await con.runAndReadAll(
    `SELECT d.split, count(*) AS n, count(DISTINCT d.user_id) AS users,
       count(*) FILTER (WHERE d.is_converted) AS converted, count(*) FILTER (WHERE d.abandoned) AS abandoned
     FROM ${quoteIdent(table)} AS d GROUP BY d.split`,
  );
  const out = {} as Record<SplitName, SplitStats>;
  for (const split of SPLITS) {
    const row = reader.getRowObjectsJS().find((r) => r.split === split);
    const n = num(row?.n);
    out[split] = {
      rows: n,
      users: num(row?.users),
      is_converted: balance(num(row?.converted), n),
      abandoned: balance(num(row?.abandoned), n),
    };
  }
  return out;
}

async function manifestColumns(
  con: DuckDBConnection,
  table: string,
  specs: readonly ColumnSpec[],
): Promise<ManifestColumn[]> {
  const types = (await describeTable(con, table)) ?? new Map<string, string>();
  const actual = [...types.keys()].filter((c) => c !== "split");
  const declared = specs.map((c) => c.name);
  if (actual.join(",") !== declared.join(",")) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `table ${table} has columns [${actual.join(", ")}] but features/columns.ts declares [${declared.join(", ")}]; the SQL marts and the column catalogue must change together`,
    );
  }
  return specs.map((c) => ({
    name: c.name,
    type: types.get(c.name)!,
    role: c.role,
    meaning: c.meaning,
    reads: c.reads ? [...c.reads] : null,
  }));
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
    const failing = num(await scalar(con, check.sql));
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
  return String(await scalar(con, "SELECT current_setting('preserve_insertion_order')")) === "true";
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
    if (String(await scalar(con, "SELECT current_setting('preserve_insertion_order')")) !== "true")
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

async function writeManifest(
  con: DuckDBConnection,
  opts: ResolvedBuildOptions,
  input: { sessions: number; events: number },
  checks: CheckResult[],
  sqlFiles: readonly string[],
  files: Record<
    | "train"
    | "test"
    | "trainPredictionPoint"
    | "testPredictionPoint"
    | "sessions"
    | "events"
    | "manifest"
    | "dataCard",
    string
  >,
): Promise<DatasetManifest> {
  const variants = {} as Record<VariantName, VariantManifest>;
  for (const name of Object.keys(VARIANTS) as VariantName[]) {
    const v = VARIANTS[name];
    variants[name] = {
      description: VARIANT_DESCRIPTIONS[name],
      files: { ...v.files },
      splits: await splitStats(con, v.table),
      columns: await manifestColumns(con, v.table, v.columns),
      features: featureList(v.columns),
      labels: [...LABEL_COLUMNS],
      features_by_label: Object.fromEntries(LABEL_COLUMNS.map((l) => [l, featuresFor(name, l)])) as Record<
        LabelName,
        string[]
      >,
    };
  }
  const src = (
    await con.runAndReadAll(
      `SELECT (SELECT count(*) FROM stg_events) AS attached, count(DISTINCT user_id) AS users,
         strftime(min(start_time), ${quoteString(TIME_FORMAT)}) AS first_start,
         strftime(max(start_time), ${quoteString(TIME_FORMAT)}) AS last_start
       FROM stg_sessions`,
    )
  ).getRowObjectsJS()[0]!;
  let timeCutoff: string | null = null;
  if (opts.split === "time") {
    const cut = await scalar(
      con,
      `SELECT strftime(min(start_time), ${quoteString(TIME_FORMAT)}) FROM dataset WHERE split = 'test'`,
    );
    timeCutoff = cut === null || cut === undefined ? null : String(cut);
  }
  const usersInBoth = num(
    await scalar(
      con,
      "SELECT count(*) FROM (SELECT user_id FROM dataset GROUP BY user_id HAVING count(DISTINCT split) > 1)",
    ),
  );
  const dataFiles = [
    files.train,
    files.test,
    files.trainPredictionPoint,
    files.testPredictionPoint,
    files.sessions,
    files.events,
  ];
  const entries: FileEntry[] = [];
  for (const f of dataFiles) entries.push(await fileEntry(opts.outDir, f));

  const manifest: DatasetManifest = {
    format: "cartstream-dataset/1",
    name: opts.name,
    description:
      "Simulated e-commerce sessions (cartstream simulator personas), labelled for purchase-propensity and cart-abandonment models. Not real user data.",
    deterministic: true,
    seed: opts.seed,
    split: {
      method: opts.split,
      test_fraction: opts.testFraction,
      stratified_by: opts.split === "user" ? "is_converted" : null,
      time_cutoff: timeCutoff,
      users_in_both: usersInBoth,
    },
    point_in_time: { timeout_ms: opts.timeoutMs, rule: POINT_IN_TIME_RULE },
    label_definitions: Object.fromEntries(
      Object.entries(LABEL_DEFINITIONS).map(([l, d]) => [l, { events: [...d.events], meaning: d.meaning }]),
    ) as DatasetManifest["label_definitions"],
    feature_rule: FEATURE_RULE,
    command: opts.command ?? null,
    config: opts.config === undefined ? null : JSON.parse(JSON.stringify(opts.config)),
    duckdb_version: String(await scalar(con, "SELECT version()")),
    source: {
      sessions_rows: input.sessions,
      events_rows: input.events,
      events_attached: num(src.attached),
      users: num(src.users),
      first_start_time: src.first_start === null ? null : String(src.first_start),
      last_start_time: src.last_start === null ? null : String(src.last_start),
    },
    variants,
    sql_steps: sqlFiles.map((f) => ({ file: f, sha256: loadStep(f).sha256 })),
    checks,
    files: entries,
  };
  writeFileSync(join(opts.outDir, files.dataCard), renderDataCard(manifest));
  manifest.files.push(await fileEntry(opts.outDir, files.dataCard));
  writeFileSync(join(opts.outDir, files.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
