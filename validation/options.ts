// Options of validateDataset and the strict schema of benchmark profile files (validation/profiles/*.json).
import { z } from "zod";
import type { IssueFormat } from "../pipeline/config/index.ts";
import { EVENT_TYPES } from "../pipeline/events/index.ts";
import type { GroundTruthComparer } from "./checks/ground-truth.ts";
import { learnabilitySchema } from "./learnability-profile.ts";
import { METRIC_NAMES } from "./metric-definitions.ts";
import { SEVERITIES } from "./types.ts";

export interface ValidateOptions {
  /** Profile name (validation/profiles/<name>.json) or a path to a profile file; default "phase1". */
  profile?: string;
  /** Warnings fail the run (exit 2 instead of 1). */
  strict?: boolean;
  /** Write report.json, report.md and report.html; default true. */
  reports?: boolean;
  /** Where the reports go; default <dataset>/validation. */
  outDir?: string;
  /**
   * How sessions are compared with the ground truth recomputed from the events; default: the project's
   * pipeline/ground-truth module. null skips the check (it is reported as skipped).
   */
  groundTruth?: GroundTruthComparer | null;
  /**
   * The training-file check recomputes the features of every user when the dataset has at most this many
   * users, else of a seeded sample (manifest seed) of this many users.
   */
  recomputeUsers?: number;
  /**
   * Run the baseline models for the leakage and learnability checks when the manifest lists training files
   * (default true; a current baseline/report.json is reused instead of refitting).
   */
  baseline?: boolean;
}

export const DEFAULT_OPTIONS = {
  profile: "phase1",
  strict: false,
  reports: true,
  recomputeUsers: 50,
} as const satisfies ValidateOptions;

/** Default significance level of the distribution checks. */
export const DEFAULT_ALPHA = 0.01;

const finite = z.number().finite();

const intendedSchema = z
  .object({ min: finite, max: finite, reason: z.string().min(1) })
  .strict()
  .refine((r) => r.max >= r.min, { message: "max must be >= min", path: ["max"] });

const rangeCheckSchema = z
  .object({
    /** A metric name from validation/metric-definitions.ts. */
    metric: z.enum(METRIC_NAMES as [string, ...string[]]),
    min: finite,
    max: finite,
    /** Where the range comes from (a publication, a report section); shown next to the check. */
    source: z.string().min(1),
    /** error (default) fails the run when the value is outside the range; warning does not. */
    severity: z.enum(SEVERITIES).optional(),
    /** A documented deliberate deviation: outside [min, max] but inside this range is a labelled pass. */
    intended: intendedSchema.optional(),
  })
  .strict()
  .refine((c) => c.max >= c.min, { message: "max must be >= min", path: ["max"] });

/**
 * A realism target (a published property of real clickstream): like a range check, but either side may be
 * open ("at least 4x") and the severity defaults to warning.
 */
const realismCheckSchema = z
  .object({
    metric: z.enum(METRIC_NAMES as [string, ...string[]]),
    min: finite.optional(),
    max: finite.optional(),
    source: z.string().min(1),
    /** warning (default) passes the run with a warning when the target is missed; error fails it. */
    severity: z.enum(SEVERITIES).optional(),
  })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined, {
    message: "needs min, max or both",
    path: ["min"],
  })
  .refine((c) => c.min === undefined || c.max === undefined || c.max >= c.min, {
    message: "max must be >= min",
    path: ["max"],
  });

export type RealismCheck = z.infer<typeof realismCheckSchema>;

const eventShares = z
  .object(
    Object.fromEntries(EVENT_TYPES.map((t) => [t, z.number().min(0).finite()])) as Record<
      (typeof EVENT_TYPES)[number],
      z.ZodNumber
    >,
  )
  .strict();

const referenceMixSchema = z
  .object({
    method: z.literal("reference"),
    /** Event shares of the reference run(s). */
    shares: eventShares,
    /** Events in the reference sample (its own sampling noise enters the test as 1 + N/N_ref). */
    events: z.number().int().positive(),
    sessions: z.number().int().positive(),
    seeds: z.array(z.number().int().min(0)).min(1),
    /** sha256 of the reference simulator config without seed and description (validation/reference-mix.ts). */
    config_sha256: z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex sha256"),
    source: z.string().min(1),
  })
  .strict();

const midpointMixSchema = z
  .object({
    method: z.literal("range_midpoints"),
    source: z.string().min(1),
  })
  .strict();

const distributionBase = {
  /** p below alpha fails the check. */
  alpha: z.number().gt(0).lt(1).optional(),
  severity: z.enum(SEVERITIES).optional(),
};

export const profileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    /** Caveats shown with the report (e.g. how the published figures were measured differently). */
    notes: z.array(z.string().min(1)).optional(),
    checks: z.array(rangeCheckSchema).min(1),
    /** Realism targets, reported as kind "realism" (severity warning unless set). */
    realism: z.array(realismCheckSchema).optional(),
    distributions: z
      .object({
        /** Chi-square of the event mix against an expected mix (none: not tested). */
        event_mix: z
          .object({
            ...distributionBase,
            expected: z.discriminatedUnion("method", [referenceMixSchema, midpointMixSchema]),
          })
          .strict()
          .optional(),
        /** Chi-square of device shares against manifest.config.devices (on by default). */
        device_mix: z
          .object({ ...distributionBase, enabled: z.boolean().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** Baseline-model learnability and the leakage rule (validation/checks/leakage.ts). */
    learnability: learnabilitySchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.checks.forEach((c, i) => {
      const first = seen.get(c.metric);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["checks", i, "metric"],
          message: `'${c.metric}' is already checked at checks.${first}; one range per metric`,
        });
      }
      seen.set(c.metric, i);
    });
    const seenRealism = new Map<string, number>();
    p.realism?.forEach((c, i) => {
      const first = seenRealism.get(c.metric);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["realism", i, "metric"],
          message: `'${c.metric}' is already checked at realism.${first}; one target per metric`,
        });
      }
      seenRealism.set(c.metric, i);
    });
    const mix = p.distributions?.event_mix?.expected;
    if (mix?.method === "range_midpoints") {
      const missing = EVENT_TYPES.filter((t) => !seen.has(`event_share.${t}`));
      if (missing.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["distributions", "event_mix", "expected", "method"],
          message: `range_midpoints needs an event_share range for every event type; missing: ${missing.join(", ")}`,
        });
      }
    }
  });

export type Profile = z.infer<typeof profileSchema>;
export type ParsedProfile = Profile & { path: string };

/** Profile issues in the shared format; an unknown metric lists the known ones. */
export const PROFILE_ISSUE_FORMAT: IssueFormat = {
  root: "(profile)",
  describe: (issue, path) =>
    issue.code === "invalid_value" && "values" in issue && issue.path.at(-1) === "metric"
      ? `${path}: unknown metric; known metrics: ${(issue.values as unknown[]).join(", ")}`
      : undefined,
};
