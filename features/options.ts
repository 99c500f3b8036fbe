// Dataset builder options: a typed interface, one strict schema, defaults in one place.
import { z } from "zod";
import { DEFAULT_SESSION_TIMEOUT_MS, definedValues, parseOptions } from "../pipeline/config/index.ts";

export const SPLIT_METHODS = ["user", "time"] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

export interface BuildProgress {
  /** Step name: a SQL file (`100_session_features.sql`) or a stage (`split`, `write train.parquet`...). */
  step: string;
  /** 1-based index of the step and the number of steps. */
  index: number;
  total: number;
  /** Milliseconds the step took. */
  ms: number;
}

export interface BuildDatasetOptions {
  /** Directory the dataset is written to (created if missing), e.g. `data/datasets/<name>`. */
  outDir: string;
  /** Dataset name, recorded in the manifest and the data card. */
  name: string;
  /** Seed of the split (also recorded): same input + same seed = byte-identical files. */
  seed: number | string;
  /** Share of sessions in test, 0 < f < 1; default 0.2. */
  testFraction?: number;
  /** `user` (default): by user, stratified by is_converted. `time`: by start_time quantile. */
  split?: SplitMethod;
  /**
   * The sessionizer's inactivity timeout in ms (default 60000). A session closed by timeout is known to be
   * over only this long after its last activity; history features wait for that.
   */
  timeoutMs?: number;
  /** The run's configuration (any JSON value), recorded in the manifest and the data card. */
  config?: unknown;
  /** The command that built the dataset, for the data card (e.g. `cartstream dataset --seed 42`). */
  command?: string;
  /** Keep the intermediate tables (stg_sessions, dataset, ...) on the connection; default false. */
  keepIntermediate?: boolean;
  /** Called after every step. */
  onProgress?: (progress: BuildProgress) => void;
}

export type ResolvedBuildOptions = Required<Omit<BuildDatasetOptions, "config" | "command" | "onProgress">> &
  Pick<BuildDatasetOptions, "config" | "command" | "onProgress">;

export const DEFAULT_BUILD_OPTIONS = {
  testFraction: 0.2,
  split: "user",
  timeoutMs: DEFAULT_SESSION_TIMEOUT_MS,
  keepIntermediate: false,
} as const satisfies Partial<BuildDatasetOptions>;

function isJsonSerialisable(v: unknown): boolean {
  try {
    return JSON.stringify(v) !== undefined;
  } catch {
    return false; // cycles, BigInt
  }
}

const jsonValue = z.unknown().superRefine((v, ctx) => {
  if (v !== undefined && !isJsonSerialisable(v)) {
    ctx.addIssue({ code: "custom", message: "must be a JSON-serialisable value" });
  }
});

export const buildDatasetOptionsSchema = z.strictObject({
  outDir: z.string().min(1),
  name: z.string().min(1).max(200),
  seed: z.union([z.number().int().safe(), z.string().min(1).max(200)]),
  testFraction: z.number().gt(0).lt(1),
  split: z.enum(SPLIT_METHODS),
  timeoutMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  config: jsonValue.optional(),
  command: z.string().optional(),
  keepIntermediate: z.boolean(),
  onProgress: z.custom<(p: BuildProgress) => void>((v) => typeof v === "function").optional(),
});

const ALLOWED: Record<string, string> = {
  outDir: "a non-empty directory path",
  name: "a non-empty string",
  seed: "an integer or a non-empty string",
  testFraction: "a number with 0 < testFraction < 1",
  split: SPLIT_METHODS.join(" | "),
  timeoutMs: "an integer number of milliseconds >= 0",
  config: "any JSON value",
  command: "a string",
  keepIntermediate: "true or false",
  onProgress: "a function",
};

/** Defaults <- given options, validated. Throws ConfigError naming every bad option. */
export function resolveBuildOptions(options: BuildDatasetOptions): ResolvedBuildOptions {
  return parseOptions(
    buildDatasetOptionsSchema,
    { ...DEFAULT_BUILD_OPTIONS, ...definedValues(options) },
    "dataset options",
    { noun: "option", root: "(options)", expected: ALLOWED },
  ) as ResolvedBuildOptions;
}
