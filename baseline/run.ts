// runBaseline: for each variant and label, fit the logistic regression and the gradient-boosted trees on
// train, score them on test, and collect importances, the funnel-stratum figures and the single-column AUCs.
import { basename, resolve } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { VariantName } from "../features/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { type FeatureSpec, type Frame, labelOf } from "./frame.ts";
import { dropColumnImportance, permutationImportance } from "./importance.ts";
import { type BaselineManifest, featureSpecs, loadSplit, readBaselineManifest } from "./load.ts";
import { rocAuc, scoreClassifier, singleColumnAuc } from "./metrics.ts";
import { fitModel } from "./model.ts";
import {
  type BaselineLabel,
  type BaselineOptions,
  baselineOptionsSchema,
  DEFAULT_BASELINE_OPTIONS,
  type FunnelStratum,
  MODEL_KINDS,
} from "./options.ts";
import type {
  BaselineInput,
  BaselineReport,
  LabelResult,
  ModelResult,
  StratumScores,
  UnivariateResult,
} from "./types.ts";

export interface BaselineHooks {
  /** One line per step ("full / is_converted: gradient_boosting"), with the step number and count. */
  onStep?: (step: { index: number; total: number; what: string }) => void;
}

/** Options over the defaults; the seed defaults to the manifest's. Throws BAD_CONFIG naming a bad key. */
export function resolveBaselineOptions(
  input: Partial<BaselineOptions>,
  manifest: Pick<BaselineManifest, "seed"> | null,
): BaselineOptions {
  const seed =
    input.seed ?? (typeof manifest?.seed === "number" ? manifest.seed : DEFAULT_BASELINE_OPTIONS.seed);
  const parsed = baselineOptionsSchema.safeParse({ ...DEFAULT_BASELINE_OPTIONS, ...input, seed });
  if (!parsed.success)
    throw new CartstreamError(
      ERROR_CODES.BAD_CONFIG,
      `invalid baseline options: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

function positives(y: Uint8Array): number {
  let n = 0;
  for (const v of y) n += v;
  return n;
}

function stratumMask(frame: Frame, s: FunnelStratum): Uint8Array {
  const col = frame.numeric.get(s.column)!;
  return Uint8Array.from(col, (v) => (v > s.above ? 1 : 0));
}

function within(mask: Uint8Array, values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out.push(values[i]!);
  return Float64Array.from(out);
}

function withinLabels(mask: Uint8Array, y: Uint8Array): Uint8Array {
  return Uint8Array.from(within(mask, y));
}

function stratumScores(s: FunnelStratum, mask: Uint8Array, y: Uint8Array, p: Float64Array): StratumScores {
  const ys = withinLabels(mask, y);
  const auc = rocAuc(ys, within(mask, p));
  return {
    column: s.column,
    above: s.above,
    rows: ys.length,
    positives: positives(ys),
    positivesOutside: positives(y) - positives(ys),
    indicatorAuc: rocAuc(y, mask),
    rocAuc: Number.isNaN(auc) ? null : auc,
  };
}

/** The feature as a score: its numeric values, or a category's train positive rate. */
function featureScore(train: Frame, test: Frame, f: FeatureSpec, label: string): Float64Array {
  if (f.kind === "numeric") return test.numeric.get(f.name)!;
  const y = labelOf(train, label);
  const rate = new Map<string, { n: number; pos: number }>();
  train.categorical.get(f.name)!.forEach((v, i) => {
    const r = rate.get(v ?? "") ?? { n: 0, pos: 0 };
    r.n++;
    r.pos += y[i]!;
    rate.set(v ?? "", r);
  });
  return Float64Array.from(test.categorical.get(f.name)!, (v) => {
    const r = rate.get(v ?? "");
    return r ? r.pos / r.n : Number.NaN;
  });
}

function isDerivable(auc: number, stratumAuc: number | null | undefined, threshold: number): boolean {
  if (!(auc >= threshold)) return false;
  // With a funnel stratum, the AUC must be that high among the stratum's rows too: the step itself is not a leak.
  return stratumAuc === undefined || stratumAuc === null || stratumAuc >= threshold;
}

async function runLabel(
  variant: VariantName,
  label: BaselineLabel,
  split: { train: Frame; test: Frame; trainFile: string; testFile: string },
  features: FeatureSpec[],
  options: BaselineOptions,
  step: (what: string, counted?: boolean) => void,
): Promise<LabelResult> {
  const { train, test } = split;
  const yTrain = labelOf(train, label);
  const yTest = labelOf(test, label);
  for (const [what, file, y] of [
    ["train", split.trainFile, yTrain],
    ["test", split.testFile, yTest],
  ] as const) {
    const pos = positives(y);
    if (pos === 0 || pos === y.length)
      throw new CartstreamError(
        ERROR_CODES.BAD_INPUT,
        `${file} (${what}) has ${pos === 0 ? "no positive" : "only positive"} ${label} rows out of ${y.length}; a baseline needs both classes in train and test (a larger run, or another --label)`,
      );
  }
  const stratum =
    options.leak.strata.find(
      (s) => s.variant === variant && s.label === label && test.numeric.has(s.column),
    ) ?? null;
  const mask = stratum ? stratumMask(test, stratum) : null;
  const tag = `${variant}:${label}`;
  const models: ModelResult[] = [];
  for (const kind of MODEL_KINDS) {
    step(`${variant} / ${label}: ${kind}`);
    const model = fitModel(kind, train, features, label, options, tag);
    const p = model.predict(test);
    const scores = scoreClassifier(yTest, p);
    const strat = stratum && mask ? stratumScores(stratum, mask, yTest, p) : null;
    const derivable = isDerivable(scores.rocAuc, strat?.rocAuc, options.leak.auc);
    const perm = permutationImportance(
      model,
      test,
      features,
      label,
      options.importance.maxRows,
      options.seed,
      `${tag}:${kind}`,
    );
    let drop = null;
    if (derivable) {
      step(`${variant} / ${label}: ${kind} drop-column importance (AUC ${scores.rocAuc.toFixed(3)})`, false);
      const candidates = perm.slice(0, options.leak.dropColumnFeatures).map((i) => i.feature);
      drop = dropColumnImportance(kind, train, test, features, label, options, `${tag}:${kind}`, candidates);
    }
    models.push({
      model: kind,
      fit: model.summary,
      test: scores,
      stratum: strat,
      derivable,
      permutationImportance: perm.slice(0, options.importance.top),
      dropColumnImportance: drop,
    });
  }
  const univariate: UnivariateResult[] = features
    .map((f) => {
      const score = featureScore(train, test, f, label);
      const auc = singleColumnAuc(yTest, score);
      const stratumAuc =
        mask && auc >= options.leak.auc
          ? singleColumnAuc(withinLabels(mask, yTest), within(mask, score))
          : null;
      const clean = Number.isNaN(stratumAuc ?? 0) ? null : stratumAuc;
      return {
        feature: f.name,
        rocAuc: auc,
        stratumAuc: clean,
        derivable: isDerivable(auc, mask ? clean : undefined, options.leak.auc),
      };
    })
    .sort((a, b) => b.rocAuc - a.rocAuc || (a.feature < b.feature ? -1 : 1));
  return {
    variant,
    label,
    train: { file: split.trainFile, rows: train.rows, positives: positives(yTrain) },
    test: { file: split.testFile, rows: test.rows, positives: positives(yTest) },
    features: features.map((f) => f.name),
    models,
    univariate,
  };
}

async function withConnection<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    return await fn(con);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** Fits and scores the baselines of dataset folder `dir`. Throws a coded CartstreamError for a missing or broken dataset. */
export async function runBaseline(
  dir: string,
  input: Partial<BaselineOptions> = {},
  hooks: BaselineHooks = {},
): Promise<BaselineReport> {
  const started = Date.now();
  const abs = resolve(dir);
  const manifest = readBaselineManifest(abs);
  const options = resolveBaselineOptions(input, manifest);
  const total = options.variants.length * (1 + options.labels.length * MODEL_KINDS.length);
  let index = 0;
  /** A counted step advances the step number; a sub-step (drop-column refits) repeats it. */
  const step = (what: string, counted = true) => {
    if (counted) index++;
    hooks.onStep?.({ index, total, what });
  };
  const inputs: BaselineInput[] = [];
  const results: LabelResult[] = [];
  await withConnection(async (con) => {
    for (const variant of options.variants) {
      const features = featureSpecs(manifest, variant);
      const files = manifest.variants[variant]!.files;
      const extra = options.leak.strata.filter((s) => s.variant === variant).map((s) => s.column);
      step(`${variant}: read ${files.train} and ${files.test}`);
      const train = await loadSplit(con, abs, files.train, features, extra, options.labels);
      const test = await loadSplit(con, abs, files.test, features, extra, options.labels);
      inputs.push(
        { file: train.source.file, sha256: train.source.sha256 },
        { file: test.source.file, sha256: test.source.sha256 },
      );
      for (const label of options.labels) {
        const split = { train: train.frame, test: test.frame, trainFile: files.train, testFile: files.test };
        results.push(await runLabel(variant, label, split, features, options, step));
      }
    }
  });
  return {
    format: "cartstream-baseline/1",
    dataset: basename(abs),
    seed: options.seed,
    options,
    inputs,
    results,
    generatedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
  };
}
