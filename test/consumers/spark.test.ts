// A real consumer reads the training files: Apache Spark SQL (local mode in one JVM, no cluster or server;
// jars from Maven Central through scripts/spark/spark.sh, cached in .cache/spark) reads every split file of
// a built dataset, and its row counts, column types, class balance and aggregates agree with the manifest
// and with DuckDB. A service-style test (Java, Maven): in scripts/test.sh's SERVICE_TESTS.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetManifest } from "../../features/index.ts";
import { REPO_ROOT } from "../helpers/cli.ts";
import { removeRoot, tempRoot } from "../validation/helpers.ts";
import { buildConsumerDataset, duckdbFacts, expectedType, type FileFacts, trainingFiles } from "./helpers.ts";

// The first run resolves ~270 MB of jars from Maven Central; later runs start one JVM (~30-60 s loaded).
const SPARK_MS = 900_000;
let root: string;
let dir: string;
let manifest: DatasetManifest;

/** What the Spark reader prints per file: the same facts as DuckDB's, with Spark's column types. */
type SparkFacts = Omit<FileFacts, "types"> & { path: string; columns: { name: string; type: string }[] };

beforeAll(async () => {
  root = tempRoot("spark");
  ({ dir, manifest } = await buildConsumerDataset(root));
}, SPARK_MS);

afterAll(() => removeRoot(root));

/** How Spark SQL names the Parquet types DuckDB writes (TIMESTAMP is written without a time zone). */
const SPARK_TYPES: Record<string, string> = {
  VARCHAR: "STRING",
  INTEGER: "INT",
  BIGINT: "BIGINT",
  DOUBLE: "DOUBLE",
  BOOLEAN: "BOOLEAN",
  TIMESTAMP: "TIMESTAMP_NTZ",
};
const sparkType = (duckdb: string) => expectedType(duckdb, SPARK_TYPES, (p, s) => `DECIMAL(${p},${s})`);

describe("Apache Spark SQL reads the training files", { timeout: SPARK_MS }, () => {
  it("every split file: rows, types, class balance and aggregates equal the manifest and DuckDB", async () => {
    const files = trainingFiles(dir, manifest);
    expect(files).toHaveLength(4);
    const { stdout } = await promisify(execFile)(
      "bash",
      [join(REPO_ROOT, "scripts/spark/spark.sh"), "read", ...files.map(([, , p]) => p)],
      { maxBuffer: 16 * 1024 * 1024, timeout: SPARK_MS },
    );
    const read = stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as SparkFacts);
    expect(read.map((r) => r.path)).toEqual(files.map(([, , p]) => p));
    for (const [i, [variant, split, path]] of files.entries()) {
      const where = `${variant}/${split}`;
      const spark = read[i]!;
      const stats = manifest.variants[variant as keyof DatasetManifest["variants"]].splits[split];
      const duck = await duckdbFacts(path);
      // against the manifest
      expect(spark.rows, where).toBe(stats.rows);
      expect(spark.users, where).toBe(stats.users);
      expect(spark.isConverted, where).toBe(stats.is_converted.positives);
      expect(spark.abandoned, where).toBe(stats.abandoned.positives);
      expect(spark.rows - spark.abandoned, where).toBe(stats.abandoned.negatives);
      // against DuckDB
      expect(spark.rows, where).toBe(duck.rows);
      expect(spark.distinctSessionIds, where).toBe(duck.distinctSessionIds);
      expect(spark.purchaseValue, where).toBe(duck.purchaseValue);
      expect(spark.firstStartUs, where).toBe(duck.firstStartUs);
      expect(spark.lastStartUs, where).toBe(duck.lastStartUs);
      expect(spark.columns, where).toEqual(
        [...duck.types].map(([name, t]) => ({ name, type: sparkType(t) })),
      );
      expect(
        spark.columns.map((c) => c.name),
        where,
      ).toEqual(manifest.variants[variant as keyof DatasetManifest["variants"]].columns.map((c) => c.name));
    }
  });
});
