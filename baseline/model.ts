// One interface over the two baseline models: fit on a train frame for one label, predict probabilities on any
// frame with the same columns. The ensemble trains on a seeded sample when train is larger than its budget.
import { createRng } from "../pipeline/simulator/index.ts";
import { binFrame, fitBinner, fitBoosting, predictBoosting } from "./boosting.ts";
import { encodeLinear, fitLinearEncoder } from "./encode.ts";
import { type FeatureSpec, type Frame, labelOf, sampleRows, takeRows } from "./frame.ts";
import { fitLogistic, predictLogistic } from "./logistic.ts";
import type { BaselineOptions, ModelKind } from "./options.ts";

export interface FitSummary {
  /** Train rows the model was fitted on. */
  trainRows: number;
  /** logistic regression: Newton iterations and whether it converged. */
  iterations: number | null;
  converged: boolean | null;
  /** gradient boosting: trees grown. */
  trees: number | null;
  /** The largest standardised coefficients (logistic) or split gains (boosting), per design column or feature. */
  weights: { name: string; weight: number }[];
}

export interface FittedModel {
  kind: ModelKind;
  summary: FitSummary;
  predict(frame: Frame): Float64Array;
}

const TOP_WEIGHTS = 12;

export function fitModel(
  kind: ModelKind,
  train: Frame,
  features: readonly FeatureSpec[],
  label: string,
  options: Pick<BaselineOptions, "logistic" | "boosting" | "seed">,
  sampleTag: string,
): FittedModel {
  if (kind === "logistic_regression") {
    const encoder = fitLinearEncoder(train, features);
    const fit = fitLogistic(encodeLinear(encoder, train), labelOf(train, label), options.logistic);
    const weights = encoder.columns
      .map((c, j) => ({ name: c.name, weight: fit.coefficients[j]! }))
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.name < b.name ? -1 : 1))
      .slice(0, TOP_WEIGHTS);
    return {
      kind,
      summary: {
        trainRows: train.rows,
        iterations: fit.iterations,
        converged: fit.converged,
        trees: null,
        weights,
      },
      predict: (frame) => predictLogistic(fit, encodeLinear(encoder, frame)),
    };
  }
  const s = options.boosting;
  const sample =
    train.rows > s.maxTrainRows
      ? takeRows(
          train,
          sampleRows(train.rows, s.maxTrainRows, createRng(options.seed).fork(`boosting:${sampleTag}`)),
        )
      : train;
  const y = labelOf(sample, label);
  const binner = fitBinner(sample, features, y, s.bins);
  const fit = fitBoosting(binFrame(binner, sample), y, s);
  const weights = binner.features
    .map((f, j) => ({ name: f.name, weight: fit.gain[j]! }))
    .sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : 1))
    .slice(0, TOP_WEIGHTS);
  return {
    kind,
    summary: { trainRows: sample.rows, iterations: null, converged: null, trees: fit.trees.length, weights },
    predict: (frame) => predictBoosting(fit, binFrame(binner, frame)),
  };
}
