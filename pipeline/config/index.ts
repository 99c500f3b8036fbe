// Public face of the shared configuration helpers: options parsing into ConfigError and shared defaults.

export { CALIBRATION_KEY, withoutCalibration } from "./calibration-block.ts";
export { DEFAULT_SESSION_TIMEOUT_MS, DEFAULT_SESSION_TIMEOUT_S } from "./defaults.ts";
export { definedValues, formatIssues, type IssueFormat, parseOptions } from "./parse-options.ts";
