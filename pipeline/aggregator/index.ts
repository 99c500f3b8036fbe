// Public face of the sessionizer core (pure: no I/O).
export {
  DEFAULT_SESSIONIZER_OPTIONS,
  resolveSessionizerOptions,
  type SessionizerOptions,
  sessionizerOptionsSchema,
} from "./options.ts";
export {
  countSequenceViolations,
  findSequenceViolations,
  SEQUENCE_RULES,
  type SequenceRule,
  type SequenceViolation,
} from "./sequencing.ts";
export {
  avgTimePerPageCentis,
  computeSessionRow,
  parseEventTime,
  type SegmentInfo,
  toCents,
} from "./session-metrics.ts";
export { Sessionizer } from "./sessionizer.ts";
export {
  encodeStateLog,
  type LoadedState,
  type StateRecordChanges,
  stateChangesToRecords,
  stateFromRecords,
} from "./state-records.ts";
export {
  ADD_RESULTS,
  type AddResult,
  type BaseState,
  type ClosedViolation,
  type PartitionCounters,
  type PartitionState,
  type PartitionStateChanges,
  type SegmentState,
  type SessionChanges,
  type SplitChanges,
} from "./types.ts";
