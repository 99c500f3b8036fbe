export {
  CONTROL_HEADERS,
  END_OF_STREAM,
  isEndOfStream,
  PRODUCED_AT_HEADER,
  RECORD_KIND_HEADER,
  RECORD_KINDS,
  type RecordKind,
  recordKind,
} from "./records.ts";
export {
  ABANDONMENT_REASONS,
  type AbandonmentReason,
  type ClickEvent,
  DEVICE_TYPES,
  type DeviceType,
  EVENT_TYPES,
  type EventType,
  eventJsonSchema,
  eventSchema,
  INTENDED_OUTCOMES,
  type IntendedOutcome,
  PERSONAS,
  type Persona,
  SCHEMA_VERSION,
} from "./schema.ts";
export { type ParseResult, parseEvent } from "./validate.ts";
