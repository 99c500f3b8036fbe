// Public face of calibrate: search a simulator config until a validation profile's ranges hold, on short
// seeded simulations in memory, or say which targets conflict.
export {
  CALIBRATE_DEFAULTS,
  type CalibrateHooks,
  type CalibrateOptions,
  type CalibrationResult,
  type CalibrationStatus,
  type CheckRun,
  calibrate,
  type RoundReport,
  type TargetRow,
} from "./calibrate.ts";
export { formatCheck, formatOutcome, formatRound } from "./format.ts";
export { DEFAULT_KNOBS_PATH, type Knob, loadKnobs } from "./knobs.ts";
export { computeMetrics, type MetricValues, sessionRows } from "./metrics.ts";
export { type Conflict, staticConflicts } from "./static-conflicts.ts";
export { type Target, targetsOf } from "./targets.ts";
