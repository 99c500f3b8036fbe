// Reads a dataset folder for the baselines: manifest.json (feature lists, column types, files) and each
// variant's train/test Parquet through DuckDB into typed columns. Every problem with the folder is a coded
// CartstreamError naming the file and what was expected (the CLI turns it into exit 1).
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { z } from "zod";
import type { VariantName } from "../features/index.ts";
import { quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import type { FeatureSpec, Frame } from "./frame.ts";

const manifestSchema = z
  .object({
    seed: z.union([z.number(), z.string()]).optional(),
    variants: z.record(
      z.string(),
      z
        .object({
          files: z.object({ train: z.string().min(1), test: z.string().min(1) }).loose(),
          features: z.array(z.string().min(1)),
          columns: z.array(z.object({ name: z.string(), type: z.string() }).loose()),
        })
        .loose(),
    ),
  })
  .loose();
export type BaselineManifest = z.infer<typeof manifestSchema>;

export const MANIFEST_FILE = "manifest.json";

function broken(message: string, cause?: unknown): CartstreamError {
  return new CartstreamError(ERROR_CODES.BAD_INPUT, message, cause === undefined ? {} : { cause });
}

/** manifest.json of a dataset folder; throws NOT_FOUND / BAD_INPUT naming the problem. */
export function readBaselineManifest(dir: string): BaselineManifest {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `dataset folder ${abs} does not exist; pass a folder written by \`cartstream dataset\` (data/datasets/<name>/)`,
    );
  const path = join(abs, MANIFEST_FILE);
  if (!existsSync(path))
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `${path} is missing; the baselines read the feature lists and file names from the dataset builder's manifest (rebuild with \`cartstream dataset\`)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw broken(
      `cannot read ${path}: ${(err as Error).message}; expected the dataset builder's JSON manifest`,
      err,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    throw broken(
      `${path} has no usable variants: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(manifest)"}: ${i.message}`).join("; ")}; expected variants.<name>.{files.train, files.test, features, columns}`,
    );
  return parsed.data;
}

/** True when the manifest describes training files (a folder from `cartstream dataset`, not only sessions/events). */
export function hasTrainingFiles(dir: string): boolean {
  const path = join(resolve(dir), MANIFEST_FILE);
  if (!existsSync(path)) return false;
  try {
    const raw = JSON.parse(readFileSync(path, "utf8")) as { variants?: unknown };
    return typeof raw.variants === "object" && raw.variants !== null;
  } catch {
    return false;
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The features of a variant with their kind: VARCHAR columns are categorical, everything else numeric. */
export function featureSpecs(manifest: BaselineManifest, variant: VariantName): FeatureSpec[] {
  const v = manifest.variants[variant];
  if (!v)
    throw broken(
      `manifest.json has no variant '${variant}' (it has: ${Object.keys(manifest.variants).join(", ")})`,
    );
  const types = new Map(v.columns.map((c) => [c.name, c.type.toUpperCase()]));
  return v.features.map((name) => {
    const type = types.get(name);
    if (type === undefined)
      throw broken(
        `manifest.json lists feature ${name} of variant ${variant} without a column type in variants.${variant}.columns`,
      );
    return { name, kind: type === "VARCHAR" ? "categorical" : "numeric" };
  });
}

export interface SplitFile {
  /** Relative to the dataset folder. */
  file: string;
  path: string;
  sha256: string;
}

/**
 * Loads one split file: the features, the labels as 0/1, and the `extra` numeric columns (funnel strata) that
 * the file has (a stratum whose column is absent does not apply: the stricter leak rule holds).
 */
export async function loadSplit(
  con: DuckDBConnection,
  dir: string,
  file: string,
  features: readonly FeatureSpec[],
  extra: readonly string[],
  labels: readonly string[],
): Promise<{ frame: Frame; source: SplitFile }> {
  const path = join(resolve(dir), file);
  if (!existsSync(path))
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `${path} is missing although manifest.json lists it; rebuild the dataset with \`cartstream dataset\``,
    );
  const rel = `read_parquet(${quoteString(path)})`;
  let present: Set<string>;
  try {
    const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${rel}`);
    present = new Set(described.getRowObjectsJS().map((r) => String(r.column_name)));
  } catch (err) {
    throw broken(`cannot read ${path} as Parquet: ${(err as Error).message}; rebuild the dataset`, err);
  }
  const numeric = [
    ...features.filter((f) => f.kind === "numeric").map((f) => f.name),
    ...extra.filter((c) => present.has(c)),
  ];
  const uniqueNumeric = [...new Set(numeric)];
  const categorical = features.filter((f) => f.kind === "categorical").map((f) => f.name);
  const missing = [...uniqueNumeric, ...categorical, ...labels].filter((c) => !present.has(c));
  if (missing.length > 0)
    throw broken(
      `${path} lacks column(s) ${missing.join(", ")} that manifest.json promises (features and labels); rebuild the dataset`,
    );
  const select = [
    ...uniqueNumeric.map((c) => `CAST(${quoteIdent(c)} AS DOUBLE) AS ${quoteIdent(c)}`),
    ...categorical.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR) AS ${quoteIdent(c)}`),
    ...labels.map((c) => `CAST(${quoteIdent(c)} AS INTEGER) AS ${quoteIdent(c)}`),
  ];
  let columns: Record<string, unknown[]>;
  try {
    // Row order as stored (session_id order from the builder): the figures depend on it only through ties.
    const reader = await con.runAndReadAll(`SELECT ${select.join(", ")} FROM ${rel}`);
    columns = reader.getColumnsObjectJS() as Record<string, unknown[]>;
  } catch (err) {
    throw broken(`cannot read the feature columns of ${path}: ${(err as Error).message}`, err);
  }
  const rows = (columns[labels[0] ?? uniqueNumeric[0] ?? categorical[0]!] ?? []).length;
  const frame: Frame = { rows, numeric: new Map(), categorical: new Map(), labels: new Map() };
  for (const c of uniqueNumeric)
    frame.numeric.set(
      c,
      Float64Array.from(columns[c]!, (v) => (v === null || v === undefined ? Number.NaN : Number(v))),
    );
  for (const c of categorical)
    frame.categorical.set(
      c,
      columns[c]!.map((v) => (v === null ? null : String(v))),
    );
  for (const c of labels) {
    const col = columns[c]!;
    const nulls = col.filter((v) => v === null).length;
    if (nulls > 0)
      throw broken(`${path}: label ${c} is NULL in ${nulls} row(s); labels must be set in every row`);
    frame.labels.set(
      c,
      Uint8Array.from(col, (v) => (Number(v) > 0 ? 1 : 0)),
    );
  }
  return { frame, source: { file, path, sha256: await sha256File(path) } };
}
