// A real consumer reads the training files: nodejs-polars (the Rust Polars engine) reads every split file
// of a built dataset, and its row counts, column types, class balance and aggregates agree with the
// manifest and with DuckDB.
import pl from "nodejs-polars";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetManifest } from "../../features/index.ts";
import { removeRoot, tempRoot } from "../validation/helpers.ts";
import { buildConsumerDataset, duckdbFacts, expectedType, trainingFiles } from "./helpers.ts";

const HEAVY_MS = 300_000;
let root: string;
let dir: string;
let manifest: DatasetManifest;

beforeAll(async () => {
  root = tempRoot("polars");
  ({ dir, manifest } = await buildConsumerDataset(root));
}, HEAVY_MS);

afterAll(() => removeRoot(root));

/** How Polars names the Parquet types DuckDB writes. */
const POLARS_TYPES: Record<string, string> = {
  VARCHAR: "String",
  INTEGER: "Int32",
  BIGINT: "Int64",
  DOUBLE: "Float64",
  BOOLEAN: "Bool",
  TIMESTAMP: "Datetime(us,)",
};
const polarsType = (duckdb: string) => expectedType(duckdb, POLARS_TYPES, (p, s) => `Decimal(${p},${s})`);

describe("nodejs-polars reads the training files", { timeout: HEAVY_MS }, () => {
  it("every split file: rows, types, class balance and aggregates equal the manifest and DuckDB", async () => {
    const files = trainingFiles(dir, manifest);
    expect(files).toHaveLength(4);
    for (const [variant, split, path] of files) {
      const where = `${variant}/${split}`;
      const df = pl.readParquet(path);
      const stats = manifest.variants[variant as keyof DatasetManifest["variants"]].splits[split];
      const duck = await duckdbFacts(path);
      const count = (label: string) => df.filter(pl.col(label)).height;
      // against the manifest
      expect(df.height, where).toBe(stats.rows);
      expect(df.getColumn("user_id").nUnique(), where).toBe(stats.users);
      expect(count("is_converted"), where).toBe(stats.is_converted.positives);
      expect(count("abandoned"), where).toBe(stats.abandoned.positives);
      expect(df.height - count("abandoned"), where).toBe(stats.abandoned.negatives);
      // against DuckDB
      expect(df.height, where).toBe(duck.rows);
      expect(df.getColumn("session_id").nUnique(), where).toBe(duck.distinctSessionIds);
      expect(count("is_converted"), where).toBe(duck.isConverted);
      expect(Number(df.getColumn("start_time").min()), where).toBe(duck.firstStartUs);
      expect(Number(df.getColumn("start_time").max()), where).toBe(duck.lastStartUs);
      const cents = df
        .select(pl.col("purchase_value").cast(pl.Float64).sum().mul(100).round(0))
        .getColumn("purchase_value");
      expect(cents.get(0), where).toBe(Math.round(Number(duck.purchaseValue) * 100));
      // column names in file order, and each type as Polars names the Parquet type DuckDB wrote
      expect(df.columns, where).toEqual([...duck.types.keys()]);
      const types = Object.fromEntries(
        Object.entries(df.schema).map(([c, t]) => [c, String(t).replace(/^DataType\((.*)\)$/, "$1")]),
      );
      const expected = Object.fromEntries([...duck.types].map(([c, t]) => [c, polarsType(t)]));
      expect(types, where).toEqual(expected);
      // and the manifest's column contract
      expect(df.columns, where).toEqual(
        manifest.variants[variant as keyof DatasetManifest["variants"]].columns.map((c) => c.name),
      );
    }
  });
});
