// Public face of the baselines: fit reference models on a dataset's train files, score them on test, write
// baseline/report.{json,md,html} and the model card; the validation gate's leakage check reads the same figures.
export type { FeatureSpec, Frame } from "./frame.ts";
export type { Importance } from "./importance.ts";
export { hasTrainingFiles, readBaselineManifest } from "./load.ts";
export { rocAuc, type Scores, scoreClassifier } from "./metrics.ts";
export { DATA_CARD_FILE, renderModelCard } from "./model-card.ts";
export {
  BASELINE_LABELS,
  BASELINE_VARIANTS,
  type BaselineLabel,
  type BaselineOptions,
  baselineOptionsSchema,
  DEFAULT_BASELINE_OPTIONS,
  type FunnelStratum,
  MODEL_KINDS,
  type ModelKind,
} from "./options.ts";
export {
  BASELINE_DIR,
  type BaselinePaths,
  baselineCharts,
  metricsTable,
  renderBaselineHtml,
  renderBaselineMarkdown,
  writeBaselineReports,
} from "./report/index.ts";
export { currentBaseline, readCurrentReport } from "./reuse.ts";
export { type BaselineHooks, resolveBaselineOptions, runBaseline } from "./run.ts";
export type {
  BaselineInput,
  BaselineReport,
  LabelResult,
  ModelResult,
  StratumScores,
  UnivariateResult,
} from "./types.ts";
