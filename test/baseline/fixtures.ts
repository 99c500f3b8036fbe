// Dataset folders for the baseline tests: synthetic ones with a known answer (manifest + train/test Parquet
// written by DuckDB from generated rows), the phase-1 dataset built by the real builder from simulated events,
// and crafted copies whose train/test files were edited by SQL (manifest checksums refreshed).
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { sha256File } from "../../baseline/load.ts";
import { buildDataset, loadFromParquet } from "../../features/index.ts";
import { quoteString } from "../../pipeline/duckdb/index.ts";
import { phase1Config, simulateEventsParquet, writeDataset } from "../validation/helpers.ts";

export interface SyntheticColumn {
  name: string;
  type: "DOUBLE" | "VARCHAR" | "BOOLEAN";
}

/** Writes `rows` (objects with the columns, labels as booleans) to `file` as Parquet. */
async function writeParquet(path: string, columns: SyntheticColumn[], rows: Record<string, unknown>[]) {
  const json = `${path}.json`;
  writeFileSync(json, rows.map((r) => JSON.stringify(r)).join("\n"));
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    const cols = columns.map((c) => `${c.name}: '${c.type}'`).join(", ");
    await con.run(
      `COPY (SELECT * FROM read_json(${quoteString(json)}, format = 'newline_delimited', columns = {${cols}})) TO ${quoteString(path)} (FORMAT parquet)`,
    );
  } finally {
    con.closeSync();
    instance.closeSync();
    rmSync(json, { force: true });
  }
}

/**
 * A dataset folder with one variant (full): features `features` (plus both labels) in train.parquet and
 * test.parquet, and the manifest keys the baselines read.
 */
export async function writeSyntheticDataset(
  dir: string,
  features: SyntheticColumn[],
  train: Record<string, unknown>[],
  test: Record<string, unknown>[],
  seed = 7,
): Promise<string> {
  const columns = [
    ...features,
    { name: "is_converted", type: "BOOLEAN" as const },
    { name: "abandoned", type: "BOOLEAN" as const },
  ];
  mkdirSync(dir, { recursive: true });
  await writeParquet(join(dir, "train.parquet"), columns, train);
  await writeParquet(join(dir, "test.parquet"), columns, test);
  const manifest = {
    seed,
    variants: {
      full: {
        files: { train: "train.parquet", test: "test.parquet" },
        features: features.map((f) => f.name),
        columns: columns.map((c) => ({
          name: c.name,
          type: c.type,
          role: c.name in LABEL_ROLE ? "label" : "feature",
        })),
      },
    },
  };
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
const LABEL_ROLE = { is_converted: 1, abandoned: 1 };

/** The phase-1 dataset (default config, seed 42) built by the real dataset builder into `dir`. */
export async function buildPhase1Dataset(root: string, dir: string): Promise<string> {
  const config = phase1Config();
  const base = join(root, "base-events.parquet");
  await simulateEventsParquet(config, base);
  await writeDataset(dir, base, config);
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await loadFromParquet(con, join(dir, "sessions.parquet"), join(dir, "events.parquet"));
    await buildDataset(con, {
      outDir: dir,
      name: "phase1-test",
      seed: config.seed,
      timeoutMs: config.session_timeout_s * 1000,
      config,
    });
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return dir;
}

/**
 * A copy of dataset `src` at `dst` whose `files` were edited by SQL statements on table `t` (one file at a
 * time), with manifest.json's sizes and checksums refreshed and no baseline report, so the edit is the only
 * thing wrong with it.
 */
export async function craftDataset(
  src: string,
  dst: string,
  files: string[],
  statements: string[],
): Promise<string> {
  cpSync(src, dst, { recursive: true });
  rmSync(join(dst, "baseline"), { recursive: true, force: true });
  rmSync(join(dst, "validation"), { recursive: true, force: true });
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    for (const file of files) {
      const path = join(dst, file);
      await con.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet(${quoteString(path)})`);
      for (const sql of statements) await con.run(sql);
      await con.run(`COPY t TO ${quoteString(path)} (FORMAT parquet, COMPRESSION zstd)`);
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  const manifestPath = join(dst, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    files: { path: string; bytes: number; sha256: string }[];
  };
  for (const entry of manifest.files) {
    if (!files.includes(entry.path)) continue;
    entry.bytes = statSync(join(dst, entry.path)).size;
    entry.sha256 = await sha256File(join(dst, entry.path));
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return dst;
}
