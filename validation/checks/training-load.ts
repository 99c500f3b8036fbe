// Loads the training files a manifest lists into tables (one per variant and split) of the validation's
// in-memory database, so each check scans DuckDB tables instead of reading the Parquet again; they are
// plain tables so the recomputation's own connection sees them too. A file that is missing
// or unreadable is recorded, not thrown: the checks that need it fail naming it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { describeRelation, quoteIdent, quoteString } from "../../pipeline/duckdb/index.ts";
import { SPLITS, type Split, type TrainingManifest, type VariantEntry } from "./training-manifest.ts";

export interface LoadedSplit {
  variant: string;
  split: Split;
  /** The file name relative to the dataset folder. */
  file: string;
  /** The table holding its rows (a quoted identifier), or null when it could not be read. */
  table: string | null;
  /** Column name -> DuckDB type, empty when it could not be read. */
  types: Map<string, string>;
  /** Why it could not be read. */
  problem: string | null;
}

export interface LoadedVariant {
  name: string;
  entry: VariantEntry;
  splits: Record<Split, LoadedSplit>;
}

async function loadSplit(
  con: DuckDBConnection,
  dir: string,
  variant: string,
  split: Split,
  file: string,
): Promise<LoadedSplit> {
  const base = { variant, split, file };
  const path = join(dir, file);
  if (!existsSync(path)) {
    return { ...base, table: null, types: new Map(), problem: `${file} is missing` };
  }
  const table = quoteIdent(`training_${variant}_${split}`);
  try {
    await con.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_parquet(${quoteString(path)})`);
  } catch (err) {
    return {
      ...base,
      table: null,
      types: new Map(),
      problem: `${file} cannot be read as Parquet: ${(err as Error).message}`,
    };
  }
  return { ...base, table, types: await describeRelation(con, table), problem: null };
}

/** Every variant of the manifest with its two split files loaded on `con`. */
export async function loadTrainingFiles(
  con: DuckDBConnection,
  dir: string,
  manifest: TrainingManifest,
): Promise<LoadedVariant[]> {
  const out: LoadedVariant[] = [];
  for (const [name, entry] of Object.entries(manifest.variants)) {
    const splits = {} as Record<Split, LoadedSplit>;
    for (const split of SPLITS) splits[split] = await loadSplit(con, dir, name, split, entry.files[split]);
    out.push({ name, entry, splits });
  }
  return out;
}

/** The loaded splits, or throws naming the files that could not be read (the guard makes it a failure). */
export function readable(variants: readonly LoadedVariant[]): LoadedSplit[] {
  const all = variants.flatMap((v) => SPLITS.map((s) => v.splits[s]));
  const bad = all.filter((s) => s.table === null);
  if (bad.length > 0) throw new Error(bad.map((s) => s.problem).join("; "));
  return all;
}
