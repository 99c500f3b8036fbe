// Public face of the batch ground truth (DuckDB SQL over the raw events).
export {
  type ComparableRow,
  type ComparedColumn,
  type ComparedRow,
  type CompareOptions,
  compareSessions,
  EVENT_TABLE_COLUMNS,
  type EventSource,
  type GroundTruthOptions,
  type GroundTruthRow,
  groundTruthSessions,
  loadEvents,
  type RowDifference,
  runSessionsSql,
  type SessionComparison,
  sessionsSqlText,
} from "./ground-truth.ts";
export { describeVerification, type Verification, type VerifyOptions, verifySessions } from "./verify.ts";
