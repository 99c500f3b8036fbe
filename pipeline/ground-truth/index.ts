// Public face of the batch ground truth (DuckDB SQL over the raw events).
export {
  type ComparableRow,
  type CompareOptions,
  compareSessions,
  type RowDifference,
  type SessionComparison,
} from "./compare.ts";
export type { ComparedColumn, ComparedRow } from "./compared-row.ts";
export { EVENT_TABLE_COLUMNS, type EventSource, loadEvents } from "./events-table.ts";
export {
  type GroundTruthOptions,
  type GroundTruthRow,
  groundTruthSessions,
  runSessionsSql,
  sessionsSqlText,
} from "./ground-truth.ts";
export { describeVerification, type Verification, type VerifyOptions, verifySessions } from "./verify.ts";
