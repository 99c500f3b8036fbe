// Public face of the dataset builder (everything after the snapshot).
export { buildDataset } from "./build-dataset.ts";
export { DATA_CHECKS, type DataCheck } from "./checks.ts";
export {
  BROWSE_EVENTS,
  CART_EVENTS,
  COLUMN_ROLES,
  type ColumnRole,
  type ColumnSpec,
  DATASET_COLUMNS,
  FEATURE_RULE,
  featureList,
  featuresFor,
  LABEL_COLUMNS,
  LABEL_DEFINITIONS,
  type LabelName,
  OUTCOME_EVENTS,
  PREDICTION_POINT_COLUMNS,
  type ReadToken,
  VARIANTS,
  type VariantName,
} from "./columns.ts";
export { renderDataCard } from "./data-card.ts";
export { type LoadedTables, loadFromParquet } from "./load-parquet.ts";
export { POINT_IN_TIME_RULE } from "./manifest-writer.ts";
export {
  type BuildDatasetOptions,
  type BuildProgress,
  buildDatasetOptionsSchema,
  DEFAULT_BUILD_OPTIONS,
  resolveBuildOptions,
  SPLIT_METHODS,
  type SplitMethod,
} from "./options.ts";
export {
  buildSteps,
  DATASET_STEPS,
  loadStep,
  MODEL_STEPS,
  runStep,
  SPLIT_STEPS,
  type SqlStep,
} from "./runner.ts";
export { loadEventsParquet, type SnapshotOptions, snapshotSessions } from "./snapshot.ts";
export { assignTestUsers, type SplitCandidate } from "./split.ts";
export type {
  CheckResult,
  DatasetManifest,
  DatasetResult,
  FileEntry,
  LabelBalance,
  ManifestColumn,
  SplitName,
  SplitStats,
  StepTiming,
  VariantManifest,
} from "./types.ts";
