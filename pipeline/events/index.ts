// Public face of the event schema: the zod schema and its JSON Schema, parsing, the message records of the
// events topic, and the closed vocabularies (event types, devices, personas ...) of pipeline/model.
export * from "../model/vocabulary.ts";
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
export { type ClickEvent, eventJsonSchema, eventSchema, SCHEMA_VERSION } from "./schema.ts";
export { type ParseResult, parseEvent } from "./validate.ts";
