// The part of the dataset builder's manifest.json that the training-file checks read: which files were
// written with which sha256, the split method, and per variant the split files, their row counts and class
// balance, and the column contract. Parsed strictly enough that a check never reads a missing field.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { formatIssues } from "../../pipeline/config/index.ts";
import type { Manifest } from "../dataset.ts";

export const DATASET_FORMAT = "cartstream-dataset/1";
export const SPLITS = ["train", "test"] as const;
export type Split = (typeof SPLITS)[number];

const splitStatsSchema = z
  .object({
    rows: z.number().int(),
    users: z.number().int(),
  })
  // and one { positives, negatives, rate } per boolean label, e.g. is_converted and abandoned
  .catchall(z.unknown());
const columnSchema = z
  .object({
    name: z.string().min(1),
    type: z.string().min(1),
    role: z.string(),
    /** false: the column never holds NULL. Older manifests lack it (see notNullColumns). */
    nullable: z.boolean().optional(),
  })
  .loose();
const variantSchema = z
  .object({
    files: z.object({ train: z.string().min(1), test: z.string().min(1) }),
    splits: z.object({ train: splitStatsSchema, test: splitStatsSchema }),
    columns: z.array(columnSchema).min(1),
    labels: z.array(z.string()).min(1),
  })
  .loose();
export const trainingManifestSchema = z
  .object({
    format: z.literal(DATASET_FORMAT),
    seed: z.union([z.number(), z.string()]),
    split: z
      .object({
        method: z.enum(["user", "time"]),
        time_cutoff: z.string().nullable(),
      })
      .loose(),
    point_in_time: z.object({ timeout_ms: z.number().int().nonnegative() }).loose(),
    variants: z.record(z.string(), variantSchema),
    files: z.array(z.object({ path: z.string().min(1), bytes: z.number().int(), sha256: z.string() })),
  })
  .loose();
export type TrainingManifest = z.infer<typeof trainingManifestSchema>;
export type VariantEntry = TrainingManifest["variants"][string];
export type ColumnEntry = VariantEntry["columns"][number];

export type ManifestReading =
  | { kind: "ok"; manifest: TrainingManifest }
  /** No builder manifest and no training file: a sessions/events-only folder. */
  | { kind: "none"; reason: string }
  | { kind: "invalid"; reason: string };

/** The conventional training file names, to notice training files that no manifest describes. */
const CONVENTIONAL_FILES = ["train.parquet", "test.parquet"];

/** Reads the training part of the manifest that validation already loaded (dataset.ts). */
export function readTrainingManifest(dir: string, manifest: Manifest | null): ManifestReading {
  const stray = CONVENTIONAL_FILES.filter((f) => existsSync(join(dir, f)));
  if (manifest === null || manifest.format === undefined) {
    const why =
      manifest === null
        ? "there is no manifest.json"
        : `manifest.json has no "format": "${DATASET_FORMAT}" (it is not the dataset builder's)`;
    if (stray.length > 0) {
      return {
        kind: "invalid",
        reason: `${stray.join(" and ")} exist but ${why}, so nothing says what they should hold; rebuild the dataset with \`cartstream dataset\``,
      };
    }
    return { kind: "none", reason: why };
  }
  const parsed = trainingManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error, { root: "(manifest)" }, trainingManifestSchema);
    return {
      kind: "invalid",
      reason: `manifest.json is not a valid ${DATASET_FORMAT} manifest: ${issues.join("; ")}`,
    };
  }
  return { kind: "ok", manifest: parsed.data };
}

/** Roles whose columns are never NULL when the manifest does not say `nullable` per column. */
const NEVER_NULL_ROLES = new Set(["id", "timestamp", "label"]);

/** Columns that must not hold NULL: `nullable: false`, or (no `nullable` given) an id, timestamp or label. */
export function notNullColumns(variant: VariantEntry): string[] {
  return variant.columns
    .filter((c) => (c.nullable === undefined ? NEVER_NULL_ROLES.has(c.role) : !c.nullable))
    .map((c) => c.name);
}
