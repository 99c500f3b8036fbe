// Options of the baseline models: which labels and variants, the seed, and each model's settings, with the
// defaults in one place and a strict schema (unknown keys rejected, every error with its path).
import { z } from "zod";
import { VARIANTS, type VariantName } from "../features/index.ts";

export const BASELINE_LABELS = ["is_converted", "abandoned"] as const;
export type BaselineLabel = (typeof BASELINE_LABELS)[number];

export const BASELINE_VARIANTS = Object.keys(VARIANTS) as VariantName[];

export const MODEL_KINDS = ["logistic_regression", "gradient_boosting"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/**
 * A funnel stratum: the rows where `column > above`. When every positive of a label lies inside it (is_converted
 * and abandoned both need a cart), the stratum indicator alone ranks the label almost perfectly whenever few
 * sessions cart: that part of a model's AUC is the funnel's structure, not a leak. The leak rule looks at the
 * AUC inside the stratum too.
 */
const stratumSchema = z
  .object({
    variant: z.enum(BASELINE_VARIANTS as [VariantName, ...VariantName[]]),
    label: z.enum(BASELINE_LABELS),
    column: z.string().min(1),
    above: z.number().finite(),
  })
  .strict();
export type FunnelStratum = z.infer<typeof stratumSchema>;

const int = (min: number) => z.number().int().min(min);

export const baselineOptionsSchema = z
  .object({
    labels: z.array(z.enum(BASELINE_LABELS)).min(1),
    variants: z.array(z.enum(BASELINE_VARIANTS as [VariantName, ...VariantName[]])).min(1),
    seed: z.number().int(),
    logistic: z
      .object({
        /** L2 penalty on the standardised coefficients (sum-of-log-loss scale; 1 = scikit-learn's C = 1). */
        l2: z.number().positive(),
        maxIterations: int(1),
        /** Newton stops when the largest coefficient change falls below this. */
        tolerance: z.number().positive(),
        /** The Hessian is accumulated on at most this many rows (every k-th); the gradient uses every row. */
        hessianRows: int(1000),
      })
      .strict(),
    boosting: z
      .object({
        trees: int(1),
        learningRate: z.number().gt(0).max(1),
        maxDepth: int(1).max(12),
        minLeafRows: int(1),
        /** Histogram bins per feature (one more holds NULLs). */
        bins: int(4).max(255),
        l2: z.number().min(0),
        /** Training rows the ensemble sees at most: a seeded sample of train above this. */
        maxTrainRows: int(1000),
      })
      .strict(),
    /** Permutation importance on a seeded sample of test rows. */
    importance: z.object({ maxRows: int(100), top: int(1) }).strict(),
    leak: z
      .object({
        /** Any model at or above this test AUC: the label is derivable from the features. */
        auc: z.number().gt(0.5).max(1),
        /** Drop-column refits (only for a model at or above `auc`) on a seeded sample of this many train rows, */
        dropColumnRows: int(500),
        /** for this many features: the ones with the largest permutation importance. */
        dropColumnFeatures: int(1),
        strata: z.array(stratumSchema),
      })
      .strict(),
  })
  .strict();

export type BaselineOptions = z.infer<typeof baselineOptionsSchema>;

export const DEFAULT_BASELINE_OPTIONS = {
  labels: [...BASELINE_LABELS],
  variants: [...BASELINE_VARIANTS],
  seed: 42,
  logistic: { l2: 1, maxIterations: 50, tolerance: 1e-6, hessianRows: 100_000 },
  boosting: {
    trees: 100,
    learningRate: 0.1,
    maxDepth: 5,
    minLeafRows: 20,
    bins: 64,
    l2: 1,
    maxTrainRows: 100_000,
  },
  importance: { maxRows: 20_000, top: 10 },
  leak: {
    auc: 0.97,
    dropColumnRows: 20_000,
    dropColumnFeatures: 8,
    strata: [
      { variant: "full" as const, label: "is_converted" as const, column: "cart_additions", above: 0 },
      { variant: "full" as const, label: "abandoned" as const, column: "cart_additions", above: 0 },
    ],
  },
} satisfies BaselineOptions;
