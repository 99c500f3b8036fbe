// A partition's sessionizer state as session_state records with explicit kinds, and back. Pure: the
// runner passes the records between the core and the store.
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ClickEvent } from "../events/index.ts";
import { type JsonValue, STATE_KINDS, type StateKey, type StateRecord } from "../model/index.ts";
import type { ClosedCount, PartitionState, PartitionStateChanges, SegmentState } from "./types.ts";

/** What to write for one partition's state changes: records to upsert and records to delete. */
export interface StateRecordChanges {
  upserts: StateRecord[];
  deletes: StateKey[];
}

/** Segment states keyed by their row key; closed counts keyed by their base session id. */
export function stateChangesToRecords(changes: PartitionStateChanges): StateRecordChanges {
  const partition = changes.partition;
  const upserts: StateRecord[] = changes.segments.map((s) => ({
    kind: STATE_KINDS.segment,
    key: s.key,
    kafka_partition: partition,
    state: { ...s, kind: STATE_KINDS.segment } as unknown as JsonValue,
  }));
  for (const c of changes.closedCounts) {
    upserts.push({
      kind: STATE_KINDS.closedCount,
      key: c.base_session_id,
      kafka_partition: partition,
      state: { closed: c.closed },
    });
  }
  const deletes = changes.deletedKeys.map((key) => ({ kind: STATE_KINDS.segment, key }));
  return { upserts, deletes };
}

function badRecord(partition: number, r: StateRecord, what: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.BAD_STATE,
    `partition ${partition}: session_state row (${r.kind}, ${r.key}) ${what}; it was not written by this aggregator version: restore the store from a backup or rebuild the run from the raw events`,
  );
}

function object(v: JsonValue): Record<string, JsonValue> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : null;
}

/**
 * The state to import for a partition from its stored records and its offset row's maxEventTimeMs. The
 * records' shapes are checked here; the sessionizer checks their content on import.
 */
export function stateFromRecords(
  partition: number,
  maxEventTimeMs: number | null,
  records: readonly StateRecord[],
): PartitionState {
  const segments: SegmentState[] = [];
  const closedCounts: ClosedCount[] = [];
  for (const r of records) {
    const state = object(r.state);
    if (r.kind === STATE_KINDS.segment) {
      if (state === null || state.key !== r.key || !Array.isArray(state.events)) {
        throw badRecord(
          partition,
          r,
          "is not a segment state { key (its own), base_session_id, segment, events }",
        );
      }
      segments.push({
        key: r.key,
        base_session_id: state.base_session_id as string,
        segment: state.segment as number,
        events: state.events as unknown as ClickEvent[],
      });
    } else if (r.kind === STATE_KINDS.closedCount) {
      if (state === null || typeof state.closed !== "number") {
        throw badRecord(partition, r, "is not a closed count { closed }");
      }
      closedCounts.push({ base_session_id: r.key, closed: state.closed });
    } else {
      throw badRecord(partition, r, `has an unknown kind (known: ${Object.values(STATE_KINDS).join(", ")})`);
    }
  }
  return { version: 1, partition, maxEventTimeMs, segments, closedCounts };
}
