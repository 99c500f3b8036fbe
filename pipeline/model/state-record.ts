// The rows of session_state: the open sessions' persisted sessionizer state, each row with an explicit kind.
// The store keeps them opaque (JSON); the aggregator encodes and decodes them (pipeline/aggregator/
// state-records.ts).

/** JSON-serializable state, opaque to the store (stored as JSONB: key order is not preserved). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const STATE_KINDS = {
  /** A base session id's closed count and open segments (accumulators); keyed by the base session id. */
  base: "base",
  /** Before migration 007: an open segment's events; keyed by the segment's row key (its session_id). */
  segment: "segment",
  /** How many segments of a base session id are closed; keyed by the base session id. */
  closedCount: "closed_count",
} as const;
export type StateKind = (typeof STATE_KINDS)[keyof typeof STATE_KINDS];

/** Identifies one session_state row: the same key may exist once per kind. */
export interface StateKey {
  kind: StateKind;
  key: string;
}

export interface StateRecord extends StateKey {
  kafka_partition: number;
  state: JsonValue;
}
