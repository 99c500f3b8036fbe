// A partition's state out of the core (whole, or the changes since the last export) and back in. Imported
// state comes from a store, so it is checked before it is trusted: every time must parse, segments must be
// numbered, ordered and apart as the core keeps them; anything else is a CS_BAD_STATE error.
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ClickEvent } from "../events/index.ts";
import { segmentKey } from "../model/index.ts";
import { BaseSession } from "./base-session.ts";
import { OUTPUTS, writeBase } from "./change-tracking.ts";
import { Partition } from "./partition.ts";
import { Segment } from "./segment.ts";
import { parseEventTime } from "./session-metrics.ts";
import type { PartitionState, PartitionStateChanges, SegmentState } from "./types.ts";

function segmentState(base: BaseSession, seg: Segment, number: number, key: string): SegmentState {
  return { key, base_session_id: base.id, segment: number, events: seg.events.slice() };
}

/** The fields a full export and a change export share, with empty lists. */
function header(partition: number, p: Partition | undefined) {
  return {
    version: 1 as const,
    partition,
    maxEventTimeMs: p?.maxEventTimeMs ?? null,
    segments: [],
    closedCounts: [],
  };
}

/** The whole state of a partition (read-only: the change tracking of exportChanges is not reset). */
export function exportState(partition: number, p: Partition | undefined): PartitionState {
  const state: PartitionState = header(partition, p);
  if (p === undefined) return state;
  for (const base of p.bases.values()) {
    base.segs.forEach((seg, i) => {
      const number = base.closed + i + 1;
      state.segments.push(segmentState(base, seg, number, segmentKey(base.id, number)));
    });
    if (base.closed > 0) state.closedCounts.push({ base_session_id: base.id, closed: base.closed });
  }
  for (const [id, closed] of p.closedCounts.entries()) {
    if (!p.bases.has(id)) state.closedCounts.push({ base_session_id: id, closed });
  }
  return state;
}

/** State changes of a partition since the last call: segment states to upsert, keys to delete, closed counts. */
export function exportChanges(partition: number, p: Partition | undefined): PartitionStateChanges {
  const changes: PartitionStateChanges = { ...header(partition, p), deletedKeys: [] };
  if (p === undefined) return changes;
  for (const base of p.state.take()) {
    writeBase(
      base,
      OUTPUTS.state,
      0,
      (b, seg, number, key) => changes.segments.push(segmentState(b, seg, number, key)),
      changes.deletedKeys,
    );
    if (base.closedChanged) {
      base.closedChanged = false;
      changes.closedCounts.push({ base_session_id: base.id, closed: base.closed });
    }
  }
  return changes;
}

function badState(partition: number, what: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.BAD_STATE,
    `partition ${partition}: cannot import sessionizer state: ${what}; expected the output of exportPartitionState() (or the persisted state changes) of the same sessionizer options; reload the partition from its committed state or rebuild it from the raw events`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A segment's events sorted by (time, event_id), every time checked. */
function importSegment(partition: number, s: SegmentState): Segment {
  if (!isObject(s) || typeof s.key !== "string" || typeof s.base_session_id !== "string") {
    throw badState(
      partition,
      `a segment is not { key, base_session_id, segment, events }: ${JSON.stringify(s)}`,
    );
  }
  if (!Number.isInteger(s.segment) || s.segment < 1) {
    throw badState(
      partition,
      `segment ${s.key} has number ${JSON.stringify(s.segment)}, expected an integer >= 1`,
    );
  }
  if (!Array.isArray(s.events) || s.events.length === 0)
    throw badState(partition, `segment ${s.key} has no events`);
  const pairs = s.events.map((e: ClickEvent) => {
    if (!isObject(e) || typeof e.event_id !== "string" || typeof e.event_time !== "string") {
      throw badState(partition, `segment ${s.key} holds an event without a string event_id and event_time`);
    }
    const t = parseEventTime(e.event_time);
    if (Number.isNaN(t)) {
      throw badState(
        partition,
        `event ${e.event_id} of segment ${s.key} has event_time ${JSON.stringify(e.event_time)}, not a valid time`,
      );
    }
    if (e.session_id !== s.base_session_id) {
      throw badState(
        partition,
        `event ${e.event_id} of segment ${s.key} belongs to session ${JSON.stringify(e.session_id)}`,
      );
    }
    return { e, t };
  });
  pairs.sort((a, b) => a.t - b.t || (a.e.event_id < b.e.event_id ? -1 : a.e.event_id > b.e.event_id ? 1 : 0));
  for (let j = 1; j < pairs.length; j++) {
    if (pairs[j]!.t === pairs[j - 1]!.t && pairs[j]!.e.event_id === pairs[j - 1]!.e.event_id) {
      throw badState(partition, `event ${pairs[j]!.e.event_id} appears twice in ${s.key}`);
    }
  }
  return new Segment(
    pairs.map((x) => x.e),
    pairs.map((x) => x.t),
  );
}

/**
 * A partition restored from exportState() output (or persisted state changes folded into that shape). The
 * rows of the imported segments are taken as already emitted: continuing gives the same rows as an
 * uninterrupted run. The caller schedules the bases' expiry.
 */
export function importState(partition: number, state: PartitionState, timeoutMs: number): Partition {
  if (!isObject(state)) throw badState(partition, "the state is not an object");
  if (state.version !== 1) throw badState(partition, `unknown state version ${String(state.version)}`);
  if (!Array.isArray(state.segments) || !Array.isArray(state.closedCounts)) {
    throw badState(partition, "segments and closedCounts must be arrays");
  }
  const p = new Partition(partition);
  const max = state.maxEventTimeMs;
  if (max !== null) {
    if (!Number.isFinite(max)) throw badState(partition, "maxEventTimeMs is not a number");
    p.maxTime = max;
  }
  for (const c of state.closedCounts) {
    if (
      !isObject(c) ||
      typeof c.base_session_id !== "string" ||
      !Number.isInteger(c.closed) ||
      c.closed < 0
    ) {
      throw badState(partition, `closed count ${JSON.stringify(c)} is not { base_session_id, closed >= 0 }`);
    }
    if (c.closed > 0) p.closedCounts.set(c.base_session_id, c.closed);
  }
  const byBase = new Map<string, { seg: Segment; state: SegmentState }[]>();
  for (const s of state.segments) {
    const seg = importSegment(partition, s);
    if (max !== null && seg.last > max) {
      throw badState(partition, `segment ${s.key} has events after maxEventTimeMs ${String(max)}`);
    }
    const list = byBase.get(s.base_session_id);
    if (list === undefined) byBase.set(s.base_session_id, [{ seg, state: s }]);
    else list.push({ seg, state: s });
  }
  for (const [id, list] of byBase) {
    list.sort((a, b) => a.seg.start - b.seg.start);
    const closed = p.closedCounts.get(id);
    const base = new BaseSession(id, closed);
    list.forEach(({ seg, state: s }, i) => {
      const key = segmentKey(id, closed + i + 1);
      if (s.key !== key || s.segment !== closed + i + 1) {
        throw badState(
          partition,
          `segment ${s.key} should be ${key} (closed count ${closed}, position ${i + 1})`,
        );
      }
      if (i > 0 && seg.start - list[i - 1]!.seg.last <= timeoutMs) {
        throw badState(partition, `segments ${list[i - 1]!.state.key} and ${s.key} are within timeoutMs`);
      }
      seg.written(OUTPUTS.rows, key);
      seg.written(OUTPUTS.state, key);
      base.segs.push(seg);
    });
    p.bases.set(id, base);
    p.openSessions += base.segs.length;
  }
  return p;
}
