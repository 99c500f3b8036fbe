// What a message on the events topic is. A message is an event unless its `record_kind` header says
// otherwise: control records (the end-of-stream marker) are told apart by that header, never by looking at
// their payload, so an event can never be mistaken for one.

/** Header naming the kind of a message; absent on events (so any producer's plain JSON events work). */
export const RECORD_KIND_HEADER = "record_kind";

export const RECORD_KINDS = {
  event: "event",
  /** A message for the aggregator itself, not an event: its payload says which (END_OF_STREAM). */
  control: "control",
} as const;
export type RecordKind = (typeof RECORD_KINDS)[keyof typeof RECORD_KINDS];

/** Header the producer stamps with its wall clock (ms): event-to-commit latency is measured from it. */
export const PRODUCED_AT_HEADER = "produced_at";

/** Headers of a control record. */
export const CONTROL_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  [RECORD_KIND_HEADER]: RECORD_KINDS.control,
});

/** Payload of the control record that ends a partition's stream: close its sessions at the next flush. */
export const END_OF_STREAM = '{"control":"end_of_stream"}';

/** The kind of a message from its headers. */
export function recordKind(headers: Readonly<Record<string, string>>): RecordKind {
  return headers[RECORD_KIND_HEADER] === RECORD_KINDS.control ? RECORD_KINDS.control : RECORD_KINDS.event;
}

/** A control record's payload asks to end the stream. */
export function isEndOfStream(value: string): boolean {
  try {
    return (JSON.parse(value) as { control?: unknown }).control === "end_of_stream";
  } catch {
    return false;
  }
}
