// What the sessionizer core hands out: add() results, drained changes, partition state and counters.
import type { ClickEvent } from "../events/index.ts";
import type { SessionRow } from "../model/index.ts";
import type { AccumulatorState } from "./session-metrics.ts";

export const ADD_RESULTS = {
  accepted: "accepted",
  /** The same event (event_id at the same event_time) is already held for its session: ignored. */
  duplicate: "duplicate",
  /** event_time < the partition's watermark: not applied; dead-letter it with reason "too_late". */
  tooLate: "too_late",
  /** event_time is not a valid timestamp: not applied; dead-letter it. */
  invalidTime: "invalid_time",
} as const;
export type AddResult = (typeof ADD_RESULTS)[keyof typeof ADD_RESULTS];

/** Everything that changed since the last drain: whole rows to upsert and row keys to delete. */
export interface SessionChanges {
  upserts: SessionRow[];
  /** session_id keys emitted earlier that no longer exist (segments merged or renumbered away). */
  deletes: string[];
  /**
   * Events of sessions closed in this drain that break a sequencing rule (judged over the final,
   * time-ordered segment, so out-of-order delivery never misjudges). They still count in their session;
   * the caller reports them (dead-letter topic) with the rule names.
   */
  violations: ClosedViolation[];
}

/** drainSplit(): the final rows of segments closed in this drain apart from the open rows in `upserts`. */
export interface SplitChanges extends SessionChanges {
  closed: SessionRow[];
}

export interface ClosedViolation {
  partition: number;
  session_id: string;
  event: ClickEvent;
  rules: readonly string[];
}

/** One open segment's state: its number, the metrics of its folded events and the events not folded yet. */
export interface SegmentState {
  /** 1-based number within the base session id (the row key is segmentKey(base, segment)). */
  segment: number;
  /** Metrics of the folded events; null when none is folded yet. */
  acc: AccumulatorState | null;
  /** Events not folded yet, sorted by (event_time, event_id); at most the last allowedLatenessMs of the segment. */
  tail: ClickEvent[];
}

/** One base session id's state: closed segments so far and the open ones, in time order. */
export interface BaseState {
  base_session_id: string;
  /** Segments of this base id already closed and evicted (the next open one is number closed + 1). */
  closed: number;
  segments: SegmentState[];
}

/**
 * A partition's whole state, JSON-serialisable. Export it right after drain() (same transaction as the
 * rows). Version 1 (each open segment's whole event list) is still imported.
 */
export interface PartitionState {
  version: 2;
  partition: number;
  /** Largest event time seen (ms since epoch); the watermark is this minus allowedLatenessMs. */
  maxEventTimeMs: number | null;
  /** Every base id with open segments, and every one with closed segments only ({ closed, segments: [] }). */
  bases: BaseState[];
}

/** Changes since the last exportStateChanges(): overwrite each listed base's state (by base_session_id). */
export interface PartitionStateChanges {
  version: 2;
  partition: number;
  maxEventTimeMs: number | null;
  bases: BaseState[];
}

export interface PartitionCounters {
  partition: number;
  accepted: number;
  duplicates: number;
  tooLate: number;
  invalidTime: number;
  /** Segments closed (final row emitted, state evicted). */
  closedSessions: number;
  /** Segments currently held in state. */
  openSessions: number;
  /** Current watermark (ms since epoch), null before the first event. */
  watermarkMs: number | null;
}
