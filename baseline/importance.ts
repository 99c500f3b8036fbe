// Feature importance of a fitted baseline, as the test ROC AUC lost without a feature: permutation importance
// (the feature's test values shuffled, no refit; cheap) for every model, and drop-column importance (refit
// without the feature on a seeded train sample) for the leakage check, where it names the features that carry
// a label the model reproduces almost perfectly.
import { createRng } from "../pipeline/simulator/index.ts";
import {
  type FeatureSpec,
  type Frame,
  labelOf,
  permutation,
  sampleRows,
  takeRows,
  withPermuted,
} from "./frame.ts";
import { rocAuc } from "./metrics.ts";
import { type FittedModel, fitModel } from "./model.ts";
import type { BaselineOptions, ModelKind } from "./options.ts";

export interface Importance {
  feature: string;
  /** Test ROC AUC of the full model minus the AUC without the feature (shuffled or dropped). */
  aucDrop: number;
  /** The AUC without the feature. */
  aucWithout: number;
}

/** Trees of each drop-column refit of the ensemble. */
export const DROP_COLUMN_TREES = 40;

const order = (a: Importance, b: Importance) => b.aucDrop - a.aucDrop || (a.feature < b.feature ? -1 : 1);

export function permutationImportance(
  model: FittedModel,
  test: Frame,
  features: readonly FeatureSpec[],
  label: string,
  maxRows: number,
  seed: number,
  tag: string,
): Importance[] {
  const rng = createRng(seed).fork(`permutation:${tag}`);
  const sample = takeRows(test, sampleRows(test.rows, maxRows, rng));
  const y = labelOf(sample, label);
  const base = rocAuc(y, model.predict(sample));
  return features
    .map((f) => {
      const shuffled = withPermuted(sample, f.name, permutation(sample.rows, rng.fork(f.name)));
      const without = rocAuc(y, model.predict(shuffled));
      return { feature: f.name, aucDrop: base - without, aucWithout: without };
    })
    .sort(order);
}

export function dropColumnImportance(
  kind: ModelKind,
  train: Frame,
  test: Frame,
  features: readonly FeatureSpec[],
  label: string,
  options: BaselineOptions,
  tag: string,
  candidates: readonly string[],
): Importance[] {
  const rng = createRng(options.seed).fork(`drop-column:${tag}`);
  const trainSample = takeRows(train, sampleRows(train.rows, options.leak.dropColumnRows, rng.fork("train")));
  const testSample = takeRows(test, sampleRows(test.rows, options.importance.maxRows, rng.fork("test")));
  const y = labelOf(testSample, label);
  // The refits of the trees get a smaller budget (fewer, larger steps); the full-feature refit gets the same one,
  // so every AUC drop compares like with like.
  const budget = {
    ...options,
    boosting: {
      ...options.boosting,
      trees: Math.min(options.boosting.trees, DROP_COLUMN_TREES),
      learningRate: Math.max(options.boosting.learningRate, 0.25),
    },
  };
  const score = (fs: readonly FeatureSpec[]) =>
    rocAuc(y, fitModel(kind, trainSample, fs, label, budget, `${tag}:drop`).predict(testSample));
  const base = score(features);
  return candidates
    .map((name) => {
      const without = score(features.filter((g) => g.name !== name));
      return { feature: name, aucDrop: base - without, aucWithout: without };
    })
    .sort(order);
}
