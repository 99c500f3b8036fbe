// The `learnability` key of a benchmark profile: where a baseline model's test ROC AUC should fall per
// variant and label (a warning outside), the AUC at which a label counts as derivable from the features (an
// error), and the funnel strata inside which that AUC must hold too (see baseline/options.ts).
import { z } from "zod";
import {
  BASELINE_LABELS,
  BASELINE_VARIANTS,
  type BaselineLabel,
  MODEL_KINDS,
  type ModelKind,
} from "../baseline/index.ts";
import type { VariantName } from "../features/index.ts";
import { SEVERITIES } from "./types.ts";

const variant = z.enum(BASELINE_VARIANTS as [VariantName, ...VariantName[]]);
const label = z.enum(BASELINE_LABELS as unknown as [BaselineLabel, ...BaselineLabel[]]);

const bandSchema = z
  .object({
    variant,
    label,
    model: z.enum(MODEL_KINDS as unknown as [ModelKind, ...ModelKind[]]),
    min: z.number().min(0.5).max(1),
    max: z.number().min(0.5).max(1),
    source: z.string().min(1),
  })
  .strict()
  .refine((b) => b.max >= b.min, { message: "max must be >= min", path: ["max"] });

export const learnabilitySchema = z
  .object({
    /** Test ROC AUC at or above which a label is derivable from the features (an error). */
    leak_auc: z.number().gt(0.5).max(1),
    /** Funnel strata (column > above): the leak AUC must hold inside them too; [] for none. Default: baseline's. */
    funnel: z
      .array(
        z
          .object({
            variant,
            label,
            column: z.string().min(1),
            above: z.number().finite(),
            source: z.string().min(1),
          })
          .strict(),
      )
      .optional(),
    /** Believable test ROC AUC ranges of a baseline model (outside: this severity, warning by default). */
    bands: z.array(bandSchema),
    severity: z.enum(SEVERITIES).optional(),
  })
  .strict();

export type Learnability = z.infer<typeof learnabilitySchema>;
