// A dataset folder opened for a notebook: manifest.json, validation/report.json and the Parquet files as DuckDB
// views, queried into plain JS rows.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DatasetManifest } from "../../features/index.ts";
import { quoteIdent, quoteString } from "../../pipeline/files/index.ts";
import type { ValidationResult } from "../../validation/index.ts";

/** Where the notebooks read their dataset when CARTSTREAM_DATASET is not set (relative to the notebook folder). */
export const DEFAULT_DATASET = "../data/datasets/phase1";

/** The views every opened dataset has, and their files. */
export const DATASET_VIEWS = {
  sessions: "sessions.parquet",
  events: "events.parquet",
  train: "train.parquet",
  test: "test.parquet",
  train_prediction_point: "train_prediction_point.parquet",
  test_prediction_point: "test_prediction_point.parquet",
} as const;

export type Row = Record<string, unknown>;

export interface Dataset {
  /** Absolute path of the dataset folder. */
  dir: string;
  manifest: DatasetManifest;
  /** validation/report.json, or null when the dataset was built with --skip-validate. */
  report: ValidationResult | null;
  /** Runs SQL over the views; BIGINT and HUGEINT come back as numbers, DECIMAL as numbers, TIMESTAMP as Date. */
  query<T extends Row = Row>(sql: string, params?: Record<string, unknown> | unknown[]): Promise<T[]>;
  close(): void;
}

/** The dataset folder of a notebook: CARTSTREAM_DATASET, else DEFAULT_DATASET, resolved against `cwd`. */
export function datasetDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const dir = env.CARTSTREAM_DATASET || DEFAULT_DATASET;
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}

function toPlain(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

/** Opens a dataset folder written by `cartstream dataset` in an in-memory DuckDB. */
export async function openDataset(dir: string): Promise<Dataset> {
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new Error(
      `${manifestPath} does not exist: ${dir} is not a dataset folder. Build one with ` +
        "`node bin/cartstream.js dataset --name NAME` (or `make dataset`) and point CARTSTREAM_DATASET at it.",
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as DatasetManifest;
  const reportPath = join(dir, "validation", "report.json");
  const report = existsSync(reportPath)
    ? (JSON.parse(readFileSync(reportPath, "utf8")) as ValidationResult)
    : null;
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  await con.run("SET TimeZone = 'UTC'");
  for (const [view, file] of Object.entries(DATASET_VIEWS)) {
    const path = join(dir, file);
    if (existsSync(path)) {
      await con.run(`CREATE VIEW ${quoteIdent(view)} AS SELECT * FROM read_parquet(${quoteString(path)})`);
    }
  }
  return {
    dir: resolve(dir),
    manifest,
    report,
    async query<T extends Row = Row>(sql: string, params?: Record<string, unknown> | unknown[]) {
      const reader = await con.runAndReadAll(sql, params as never);
      return reader
        .getRowObjectsJS()
        .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toPlain(v)])) as T);
    },
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}
