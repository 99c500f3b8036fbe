// Builds dataset folders for the validation tests: events.parquet from the real simulator (through the
// project's NDJSON -> Parquet adapter), sessions.parquet from the project's ground truth (sessions.sql),
// manifest.json with the simulator config. Variants are made by SQL edits of the events or the sessions.
// writeBuiltDataset adds the dataset builder's train/test files and manifest; editTrainingFile changes one
// of those files afterwards (optionally re-signing the manifest, as a buggy builder would).
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { buildDataset, type DatasetManifest, loadFromParquet } from "../../features/index.ts";
import { eventsNdjsonToParquet, quoteString } from "../../pipeline/files/index.ts";
import { loadEvents, sessionsSqlText } from "../../pipeline/ground-truth/index.ts";
import {
  eventToNdjson,
  resolveSimulatorConfig,
  type SimulatorConfig,
  simulate,
} from "../../pipeline/simulator/index.ts";

export function tempRoot(prefix: string): string {
  const dir = join(tmpdir(), `cartstream-validation-${prefix}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeRoot(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Simulates `config` and writes the events as Parquet at `path`. */
export async function simulateEventsParquet(config: SimulatorConfig, path: string): Promise<number> {
  const { events } = simulate(config);
  const ndjson = `${path}.ndjson`;
  writeFileSync(ndjson, `${events.map(eventToNdjson).join("\n")}\n`);
  try {
    return await eventsNdjsonToParquet(ndjson, path);
  } finally {
    rmSync(ndjson, { force: true });
  }
}

export interface DatasetVariant {
  /** SQL statements run against table `events` (a copy of the base events) before anything is derived. */
  editEvents?: string[];
  /** SQL statements run against table `sessions` (the ground-truth rows) before it is written. */
  editSessions?: string[];
  /** Write manifest.json (default true). */
  manifest?: boolean;
}

/**
 * Writes a dataset folder `dir` from base events (a Parquet file): events.parquet (edited), sessions.parquet
 * computed by the ground-truth SQL from the edited events (then edited), manifest.json.
 */
export async function writeDataset(
  dir: string,
  baseEvents: string,
  config: SimulatorConfig,
  variant: DatasetVariant = {},
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const eventsPath = join(dir, "events.parquet");
  const sessionsPath = join(dir, "sessions.parquet");
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    await con.run(`CREATE TABLE events AS SELECT * FROM read_parquet(${quoteString(baseEvents)})`);
    for (const sql of variant.editEvents ?? []) await con.run(sql);
    await con.run(
      `COPY (SELECT * FROM events ORDER BY event_time, event_id) TO ${quoteString(eventsPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    // Ground truth on its own connection: loadEvents replaces table `events` with its staging types.
    const gt = await instance.connect();
    try {
      await loadEvents(gt, { parquet: eventsPath });
      await gt.run(
        `CREATE TABLE sessions AS SELECT *, CAST(0 AS INTEGER) AS kafka_partition FROM (${sessionsSqlText()})`,
        { timeout_ms: BigInt(config.session_timeout_s * 1000) },
      );
      for (const sql of variant.editSessions ?? []) await gt.run(sql);
      await gt.run(
        `COPY (SELECT * FROM sessions ORDER BY session_id) TO ${quoteString(sessionsPath)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      gt.closeSync();
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  if (variant.manifest ?? true) {
    writeFileSync(
      join(dir, "manifest.json"),
      `${JSON.stringify({ seed: config.seed, config, rows: { note: "test fixture" } }, null, 2)}\n`,
    );
  }
  return dir;
}

/**
 * writeDataset, then the dataset builder over its sessions.parquet + events.parquet into the same folder:
 * train/test files of both variants, DATASET.md and the builder's manifest.json (with `config`), as
 * `cartstream dataset` writes them.
 */
export async function writeBuiltDataset(
  dir: string,
  baseEvents: string,
  config: SimulatorConfig,
  variant: Omit<DatasetVariant, "manifest"> & { split?: "user" | "time" } = {},
): Promise<string> {
  await writeDataset(dir, baseEvents, config, { ...variant, manifest: false });
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await loadFromParquet(con, join(dir, "sessions.parquet"), join(dir, "events.parquet"));
    await buildDataset(con, {
      outDir: dir,
      name: "test-fixture",
      seed: config.seed,
      split: variant.split ?? "user",
      timeoutMs: config.session_timeout_s * 1000,
      config,
    });
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return dir;
}

export function readManifest(dir: string): DatasetManifest {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as DatasetManifest;
}

/**
 * Rewrites training file `file` of a built dataset after SQL edits of table `rows` (its rows). With
 * `resign`, the manifest's sha256 and byte size of the file are updated so only the content is wrong.
 */
export async function editTrainingFile(
  dir: string,
  file: string,
  edits: string[],
  options: { resign?: boolean; compression?: "zstd" | "snappy" } = {},
): Promise<void> {
  const path = join(dir, file);
  const next = `${path}.next`;
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    await con.run(`CREATE TABLE rows AS SELECT * FROM read_parquet(${quoteString(path)})`);
    for (const sql of edits) await con.run(sql);
    await con.run(
      `COPY rows TO ${quoteString(next)} (FORMAT parquet, COMPRESSION ${options.compression ?? "zstd"})`,
    );
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  renameSync(next, path);
  if (options.resign) {
    const manifest = readManifest(dir);
    const entry = manifest.files.find((f) => f.path === file)!;
    entry.sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
    entry.bytes = statSync(path).size;
    writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** The default phase-1 config (seed 42): the run the phase-1 ranges are calibrated on. */
export function phase1Config(): SimulatorConfig {
  return resolveSimulatorConfig({});
}

/**
 * The default phase-1 dataset in `root`: base-events.parquet simulated, then root/good written from it with
 * the builder's train/test files and manifest, as `cartstream dataset` writes it.
 */
export async function writePhase1Dataset(root: string): Promise<string> {
  const config = phase1Config();
  const base = join(root, "base-events.parquet");
  await simulateEventsParquet(config, base);
  return writeBuiltDataset(join(root, "good"), base, config);
}
