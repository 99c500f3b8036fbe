// A partition's state out of the core (whole, or the bases changed since the last export) and back in.
// State is per base session id: its closed count and its open segments, each as an accumulator of folded
// events plus the few unfolded ones, so its size does not grow with the session's length. Imported state
// comes from a store, so it is checked before it is trusted: every time must parse, segments must be
// numbered, ordered and apart as the core keeps them, folded events must be before the watermark;
// anything else is a CS_BAD_STATE error.
import type { ClickEvent } from "../events/index.ts";
import { segmentKey } from "../model/index.ts";
import { accumulatorFromState, badState, isObject } from "./accumulator-state.ts";
import { BaseSession } from "./base-session.ts";
import { fromLegacyState } from "./legacy-state.ts";
import { Partition } from "./partition.ts";
import { Segment } from "./segment.ts";
import { parseEventTime, SessionAccumulator } from "./session-metrics.ts";
import type { BaseState, PartitionState, PartitionStateChanges, SegmentState } from "./types.ts";

function segmentState(base: BaseSession, seg: Segment, i: number): SegmentState {
  return {
    segment: base.closed + i + 1,
    acc: seg.acc.count === 0 ? null : seg.acc.toState(),
    tail: seg.tail.slice(),
  };
}

function baseState(base: BaseSession): BaseState {
  return {
    base_session_id: base.id,
    closed: base.closed,
    segments: base.segs.map((seg, i) => segmentState(base, seg, i)),
  };
}

/** The whole state of a partition (read-only: the change tracking of exportChanges is not reset). */
export function exportState(partition: number, p: Partition | undefined): PartitionState {
  const state: PartitionState = {
    version: 2,
    partition,
    maxEventTimeMs: p?.maxEventTimeMs ?? null,
    bases: [],
  };
  if (p === undefined) return state;
  for (const base of p.bases.values()) state.bases.push(baseState(base));
  for (const [id, closed] of p.closedCounts.entries()) {
    if (!p.bases.has(id)) state.bases.push({ base_session_id: id, closed, segments: [] });
  }
  return state;
}

/** Every base with open segments (a snapshot: the closed-only bases are not in it). */
export function exportOpenBases(p: Partition | undefined): BaseState[] {
  return p === undefined ? [] : [...p.bases.values()].map(baseState);
}

/** The bases whose state changed since the last call, each whole (it overwrites the stored one). */
export function exportChanges(partition: number, p: Partition | undefined): PartitionStateChanges {
  const changes: PartitionStateChanges = {
    version: 2,
    partition,
    maxEventTimeMs: p?.maxEventTimeMs ?? null,
    bases: [],
  };
  if (p === undefined) return changes;
  for (const base of p.state.take()) changes.bases.push(baseState(base));
  return changes;
}

/** A segment's unfolded events sorted by (time, event_id), every time checked, no event twice. */
function importTail(
  partition: number,
  key: string,
  baseId: string,
  tail: unknown,
): { e: ClickEvent; t: number }[] {
  if (!Array.isArray(tail)) throw badState(partition, `segment ${key}: tail is not an array of events`);
  const pairs = tail.map((e: unknown) => {
    if (!isObject(e) || typeof e.event_id !== "string" || typeof e.event_time !== "string") {
      throw badState(partition, `segment ${key} holds an event without a string event_id and event_time`);
    }
    const t = parseEventTime(e.event_time);
    if (Number.isNaN(t)) {
      throw badState(
        partition,
        `event ${e.event_id} of segment ${key} has event_time ${JSON.stringify(e.event_time)}, not a valid time`,
      );
    }
    if (e.session_id !== baseId) {
      throw badState(
        partition,
        `event ${e.event_id} of segment ${key} belongs to session ${JSON.stringify(e.session_id)}`,
      );
    }
    return { e: e as unknown as ClickEvent, t };
  });
  pairs.sort((a, b) => a.t - b.t || (a.e.event_id < b.e.event_id ? -1 : a.e.event_id > b.e.event_id ? 1 : 0));
  for (let j = 1; j < pairs.length; j++) {
    if (pairs[j]!.t === pairs[j - 1]!.t && pairs[j]!.e.event_id === pairs[j - 1]!.e.event_id) {
      throw badState(partition, `event ${pairs[j]!.e.event_id} appears twice in ${key}`);
    }
  }
  return pairs;
}

function importSegment(partition: number, baseId: string, s: SegmentState, watermark: number): Segment {
  if (!isObject(s)) throw badState(partition, `a segment of ${baseId} is not { segment, acc, tail }`);
  const key = Number.isInteger(s.segment) && s.segment >= 1 ? segmentKey(baseId, s.segment) : baseId;
  if (!Number.isInteger(s.segment) || s.segment < 1) {
    throw badState(
      partition,
      `a segment of ${baseId} has number ${JSON.stringify(s.segment)}, expected an integer >= 1`,
    );
  }
  const acc = s.acc === null ? new SessionAccumulator() : accumulatorFromState(partition, key, s.acc);
  const pairs = importTail(partition, key, baseId, s.tail);
  if (acc.count === 0 && pairs.length === 0) throw badState(partition, `segment ${key} has no events`);
  let start: number;
  if (acc.count > 0) {
    start = parseEventTime(acc.first);
    const accLast = parseEventTime(acc.last);
    if (acc.user === "" || Number.isNaN(start) || Number.isNaN(accLast) || accLast < start) {
      throw badState(
        partition,
        `segment ${key}: folded first/last times ${acc.first}, ${acc.last} do not parse`,
      );
    }
    if (!(accLast < watermark)) {
      throw badState(partition, `segment ${key} has folded events at or after the watermark`);
    }
    if (pairs.length > 0 && pairs[0]!.t < accLast) {
      throw badState(partition, `segment ${key} has unfolded events before its folded ones`);
    }
  } else {
    start = pairs[0]!.t;
  }
  const last = pairs.length > 0 ? pairs[pairs.length - 1]!.t : parseEventTime(acc.last);
  return new Segment(
    acc,
    pairs.map((x) => x.e),
    pairs.map((x) => x.t),
    start,
    last,
  );
}

function importBase(
  partition: number,
  b: BaseState,
  p: Partition,
  watermark: number,
  timeoutMs: number,
): void {
  if (
    !isObject(b) ||
    typeof b.base_session_id !== "string" ||
    !Number.isInteger(b.closed) ||
    b.closed < 0 ||
    !Array.isArray(b.segments)
  ) {
    throw badState(
      partition,
      `a base is not { base_session_id, closed >= 0, segments[] }: ${JSON.stringify(b).slice(0, 200)}`,
    );
  }
  const id = b.base_session_id;
  if (b.closed > 0) p.closedCounts.set(id, b.closed);
  if (b.segments.length === 0) return;
  const base = new BaseSession(id, b.closed);
  const max = p.maxTime;
  const hasMax = max !== Number.NEGATIVE_INFINITY;
  [...b.segments]
    .sort((x, y) => x.segment - y.segment)
    .forEach((s, i) => {
      const seg = importSegment(partition, id, s, watermark);
      const key = segmentKey(id, s.segment);
      const want = segmentKey(id, b.closed + i + 1);
      if (key !== want) {
        throw badState(
          partition,
          `segment ${key} should be ${want} (closed count ${b.closed}, position ${i + 1})`,
        );
      }
      if (hasMax && seg.last > max)
        throw badState(partition, `segment ${key} has events after maxEventTimeMs ${String(max)}`);
      const prev = base.segs[i - 1];
      if (prev !== undefined && seg.start - prev.last <= timeoutMs) {
        throw badState(partition, `segments ${segmentKey(id, b.closed + i)} and ${key} are within timeoutMs`);
      }
      seg.written(key);
      base.segs.push(seg);
    });
  p.bases.set(id, base);
  p.openSessions += base.segs.length;
}

/**
 * A partition restored from exportState() output (or persisted base states folded into that shape; version 1
 * event lists are converted). The rows of the imported segments are taken as already emitted: continuing
 * gives the same rows as an uninterrupted run. The caller schedules the bases' expiry.
 */
export function importState(
  partition: number,
  input: PartitionState,
  timeoutMs: number,
  latenessMs: number,
): Partition {
  if (!isObject(input)) throw badState(partition, "the state is not an object");
  const state = (input as { version: unknown }).version === 1 ? fromLegacyState(partition, input) : input;
  if (state.version !== 2) throw badState(partition, `unknown state version ${String(state.version)}`);
  if (!Array.isArray(state.bases)) throw badState(partition, "bases must be an array");
  const p = new Partition(partition);
  const max = state.maxEventTimeMs;
  if (max !== null) {
    if (!Number.isFinite(max)) throw badState(partition, "maxEventTimeMs is not a number");
    p.maxTime = max;
  }
  const watermark = p.maxTime - latenessMs;
  const seen = new Set<string>();
  for (const b of state.bases) {
    if (isObject(b) && typeof b.base_session_id === "string") {
      if (seen.has(b.base_session_id)) throw badState(partition, `base ${b.base_session_id} is listed twice`);
      seen.add(b.base_session_id);
    }
    importBase(partition, b, p, watermark, timeoutMs);
  }
  return p;
}
