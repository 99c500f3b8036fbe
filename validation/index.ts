// Public face of validation: check a dataset folder against a benchmark profile and write the reports.
export {
  type GroundTruthComparer,
  type GroundTruthComparison,
  projectGroundTruth,
} from "./checks/ground-truth.ts";
export { configDifferences, configFingerprint } from "./config-fingerprint.ts";
export { DATASET_FILES } from "./dataset.ts";
export { ValidationRunError } from "./errors.ts";
export { fmtRange, fmtValue } from "./format.ts";
export { METRIC_NAMES, METRICS, type MetricDefinition } from "./metric-definitions.ts";
export {
  DEFAULT_ALPHA,
  DEFAULT_OPTIONS,
  type ParsedProfile,
  type Profile,
  profileSchema,
  type ValidateOptions,
} from "./options.ts";
export { listProfiles, loadProfile, PROFILES_DIR, type ProfileInfo } from "./profiles.ts";
export { chartSpecs, renderHtml, renderMarkdown, renderSvg, writeReports } from "./report/index.ts";
export { chiSquareGoodnessOfFit, chiSquareSurvival, regularizedGammaQ, wilsonInterval } from "./stats.ts";
export { formatSummary } from "./summary.ts";
export type {
  CheckKind,
  CheckResult,
  Contradiction,
  ExitCode,
  MetricResult,
  Outcome,
  Range,
  Severity,
  Status,
  ValidationResult,
  Verdict,
} from "./types.ts";
export { exitCodeOf, validateDataset } from "./validate.ts";
