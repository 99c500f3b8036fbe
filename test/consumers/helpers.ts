// A small built dataset for the consumer tests (simulator -> ground truth -> dataset builder), and what
// DuckDB reads from each of its training files: the reference the other readers must agree with.
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DatasetManifest } from "../../features/index.ts";
import { describeRelation, queryOne, quoteString } from "../../pipeline/duckdb/index.ts";
import { resolveSimulatorConfig } from "../../pipeline/simulator/index.ts";
import { readManifest, simulateEventsParquet, writeBuiltDataset } from "../validation/helpers.ts";

export interface FileFacts {
  rows: number;
  distinctSessionIds: number;
  users: number;
  isConverted: number;
  abandoned: number;
  /** sum(purchase_value) as DECIMAL text, e.g. "1234.50". */
  purchaseValue: string;
  firstStartUs: number;
  lastStartUs: number;
  /** Column name -> DuckDB type, in file order. */
  types: Map<string, string>;
}

/** Builds the dataset in `root`/dataset (a short run of the default config) and returns its manifest. */
export async function buildConsumerDataset(
  root: string,
): Promise<{ dir: string; manifest: DatasetManifest }> {
  const config = resolveSimulatorConfig({ users: 150, duration_s: 600, seed: 11 });
  const base = join(root, "base-events.parquet");
  await simulateEventsParquet(config, base);
  const dir = await writeBuiltDataset(join(root, "dataset"), base, config);
  return { dir, manifest: readManifest(dir) };
}

/** The split files of every variant: [variant, split, path]. */
export function trainingFiles(dir: string, manifest: DatasetManifest): [string, "train" | "test", string][] {
  return Object.entries(manifest.variants).flatMap(([name, v]) =>
    (["train", "test"] as const).map(
      (split) => [name, split, join(dir, v.files[split])] as [string, "train" | "test", string],
    ),
  );
}

export async function duckdbFacts(path: string): Promise<FileFacts> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    await con.run("SET TimeZone = 'UTC'");
    const src = `read_parquet(${quoteString(path)})`;
    const r = await queryOne(
      con,
      `SELECT count(*) AS n, count(DISTINCT session_id) AS ids, count(DISTINCT user_id) AS users,
         count(*) FILTER (WHERE is_converted) AS converted, count(*) FILTER (WHERE abandoned) AS abandoned,
         CAST(sum(purchase_value) AS VARCHAR) AS purchase_value,
         epoch_us(min(start_time)) AS first_us, epoch_us(max(start_time)) AS last_us
       FROM ${src}`,
    );
    return {
      rows: Number(r.n),
      distinctSessionIds: Number(r.ids),
      users: Number(r.users),
      isConverted: Number(r.converted),
      abandoned: Number(r.abandoned),
      purchaseValue: String(r.purchase_value),
      firstStartUs: Number(r.first_us),
      lastStartUs: Number(r.last_us),
      types: await describeRelation(con, src),
    };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** The type a reader should report for a DuckDB column type, from `map` (DECIMAL(p,s) through `decimal`). */
export function expectedType(
  duckdb: string,
  map: Record<string, string>,
  decimal: (p: number, s: number) => string,
): string {
  const d = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(duckdb);
  if (d) return decimal(Number(d[1]), Number(d[2]));
  const t = map[duckdb];
  if (t === undefined)
    throw new Error(`no expected reader type for DuckDB type ${duckdb}; add it to the test's map`);
  return t;
}
