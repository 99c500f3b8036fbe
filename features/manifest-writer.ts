// manifest.json and DATASET.md of a built dataset: per-variant split statistics and column types, label
// definitions, the split rule, source counts, SQL step hashes and the sha256 of every file written.
import { createHash } from "node:crypto";
import { createReadStream, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryScalar, quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
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
import type { ResolvedBuildOptions } from "./options.ts";
import { loadStep } from "./runner.ts";
import { describeTable, num } from "./table-info.ts";
import type {
  CheckResult,
  DatasetManifest,
  FileEntry,
  LabelBalance,
  ManifestColumn,
  SplitName,
  SplitStats,
  VariantManifest,
} from "./types.ts";

const TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%gZ";
export const SPLITS: readonly SplitName[] = ["train", "test"];

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

export async function writeManifest(
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
    const cut = await queryScalar(
      con,
      `SELECT strftime(min(start_time), ${quoteString(TIME_FORMAT)}) FROM dataset WHERE split = 'test'`,
    );
    timeCutoff = cut === null || cut === undefined ? null : String(cut);
  }
  const usersInBoth = num(
    await queryScalar(
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
    duckdb_version: String(await queryScalar(con, "SELECT version()")),
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
