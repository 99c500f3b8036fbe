// Public face of the data model: the session row, the column catalogues and the closed vocabularies.
export { type ColumnDef, type ColumnKind, columnNames } from "./columns.ts";
export {
  ALWAYS_REQUIRED_EVENT_COLUMNS,
  EVENT_COLUMN_DEFS,
  EVENT_COLUMN_NAMES,
  type EventColumn,
  type EventColumnDef,
  REQUIRED_BY_EVENT_TYPE,
} from "./event-columns.ts";
export {
  COMPARED_COLUMNS,
  type ComparedColumn,
  SESSION_COLUMN_DEFS,
  SESSION_COLUMNS,
  type SessionColumn,
  type SessionColumnDef,
} from "./session-columns.ts";
export { type SessionRow, segmentKey } from "./session-row.ts";
export {
  type JsonValue,
  STATE_KINDS,
  type StateKey,
  type StateKind,
  type StateRecord,
} from "./state-record.ts";
export {
  ABANDONMENT_REASONS,
  type AbandonmentReason,
  DEVICE_TYPES,
  type DeviceType,
  ENDED_BY,
  type EndedBy,
  EVENT_TYPES,
  type EventType,
  INTENDED_OUTCOMES,
  type IntendedOutcome,
  PERSONAS,
  type Persona,
} from "./vocabulary.ts";
