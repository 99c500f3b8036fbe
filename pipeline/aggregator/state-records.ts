// A partition's sessionizer state as session_state records with explicit kinds, and back. Pure: the
// runner passes the records between the core and the store. One record per base session id (kind
// `base`): its closed count and open segments. Records of the kinds written before are still read: an open
// segment's events (their keys are returned: the next commit writes those bases as `base` records and
// deletes them) and a closed count (kept; a `base` record of the same id is newer and wins).
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import { type JsonValue, STATE_KINDS, type StateKey, type StateRecord } from "../model/index.ts";
import type { LegacySegmentState } from "./legacy-state.ts";
import type { BaseState, PartitionState, PartitionStateChanges } from "./types.ts";

/** What to write for one partition's state changes: records to upsert and records to delete. */
export interface StateRecordChanges {
  upserts: StateRecord[];
  deletes: StateKey[];
}

/** Each changed base's state keyed by its base session id (a whole overwrite, so no deletes). */
export function stateChangesToRecords(changes: PartitionStateChanges): StateRecordChanges {
  const partition = changes.partition;
  const upserts: StateRecord[] = changes.bases.map((b) => ({
    kind: STATE_KINDS.base,
    key: b.base_session_id,
    kafka_partition: partition,
    state: { closed: b.closed, segments: b.segments } as unknown as JsonValue,
  }));
  return { upserts, deletes: [] };
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

/** A state log entry's text: the bases as a JSON array (each overwrites its base when folded). */
export function encodeStateLog(bases: readonly BaseState[]): string {
  return JSON.stringify(bases);
}

export interface LoadedState {
  state: PartitionState;
  /** Bases with no open segment that come from the log (not in a session_state record yet). */
  closedInLog: BaseState[];
  /** `segment` records (the earlier kind) that the next commit deletes; it writes their bases as `base` records. */
  legacy: StateKey[];
}

/**
 * The state to import for a partition from its stored records, its state log texts (commit order) and its
 * offset row's maxEventTimeMs: the records, then each log entry's bases overwriting theirs. The shapes are
 * checked here; the sessionizer checks their content on import.
 */
export function stateFromRecords(
  partition: number,
  maxEventTimeMs: number | null,
  records: readonly StateRecord[],
  log: readonly string[] = [],
): LoadedState {
  const bases = new Map<string, BaseState>();
  const legacySegments: LegacySegmentState[] = [];
  const legacyClosed = new Map<string, number>();
  const legacy: StateKey[] = [];
  for (const r of records) {
    const state = object(r.state);
    if (r.kind === STATE_KINDS.base) {
      if (state === null || typeof state.closed !== "number" || !Array.isArray(state.segments)) {
        throw badRecord(partition, r, "is not a base state { closed, segments }");
      }
      bases.set(r.key, {
        base_session_id: r.key,
        closed: state.closed,
        segments: state.segments as unknown as BaseState["segments"],
      });
    } else if (r.kind === STATE_KINDS.segment) {
      if (state === null || state.key !== r.key || !Array.isArray(state.events)) {
        throw badRecord(
          partition,
          r,
          "is not a segment state { key (its own), base_session_id, segment, events }",
        );
      }
      legacySegments.push(state as unknown as LegacySegmentState);
      legacy.push({ kind: r.kind, key: r.key });
    } else if (r.kind === STATE_KINDS.closedCount) {
      if (state === null || typeof state.closed !== "number") {
        throw badRecord(partition, r, "is not a closed count { closed }");
      }
      legacyClosed.set(r.key, state.closed);
    } else {
      throw badRecord(partition, r, `has an unknown kind (known: ${Object.values(STATE_KINDS).join(", ")})`);
    }
  }
  // Earlier-kind records make a base only where no `base` record (newer) exists.
  const current = new Set(bases.keys());
  const legacyBase = (id: string) => {
    let b = bases.get(id);
    if (b === undefined) {
      b = { base_session_id: id, closed: legacyClosed.get(id) ?? 0, segments: [] };
      bases.set(id, b);
    }
    return b;
  };
  for (const id of legacyClosed.keys()) if (!current.has(id)) legacyBase(id);
  for (const s of legacySegments) {
    if (current.has(s.base_session_id)) continue;
    legacyBase(s.base_session_id).segments.push({ segment: s.segment, acc: null, tail: s.events });
  }
  const closedInLog = new Map<string, BaseState>();
  for (const text of log) {
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch {
      entry = null;
    }
    if (!Array.isArray(entry)) {
      throw new CartstreamError(
        ERROR_CODES.BAD_STATE,
        `partition ${partition}: a session_state_log row is not a JSON array of base states; restore the store from a backup or rebuild the run from the raw events`,
      );
    }
    for (const b of entry as BaseState[]) {
      const id = typeof b === "object" && b !== null ? b.base_session_id : undefined;
      if (typeof id !== "string") {
        throw new CartstreamError(
          ERROR_CODES.BAD_STATE,
          `partition ${partition}: a session_state_log entry holds ${JSON.stringify(b).slice(0, 120)}, not a base state { base_session_id, closed, segments }; restore the store from a backup or rebuild the run from the raw events`,
        );
      }
      bases.set(id, b);
      if (Array.isArray(b.segments) && b.segments.length === 0) closedInLog.set(id, b);
      else closedInLog.delete(id);
    }
  }
  return {
    state: { version: 2, partition, maxEventTimeMs, bases: [...bases.values()] },
    closedInLog: [...closedInLog.values()],
    legacy,
  };
}
