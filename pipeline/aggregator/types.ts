// What the sessionizer core hands out: add() results, drained changes, partition state and counters.
import type { ClickEvent } from "../events/index.ts";
import type { SessionRow } from "../model/index.ts";

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

export interface ClosedViolation {
  partition: number;
  session_id: string;
  event: ClickEvent;
  rules: readonly string[];
}

/** One open segment's state, keyed like its row. */
export interface SegmentState {
  key: string;
  base_session_id: string;
  segment: number;
  /** Sorted by (event_time, event_id). */
  events: ClickEvent[];
}

export interface ClosedCount {
  base_session_id: string;
  /** Segments of this base id already closed and evicted (the next one is number closed + 1). */
  closed: number;
}

/** A partition's whole state, JSON-serialisable. Export it right after drain() (same transaction as the rows). */
export interface PartitionState {
  version: 1;
  partition: number;
  /** Largest event time seen (ms since epoch); the watermark is this minus allowedLatenessMs. */
  maxEventTimeMs: number | null;
  segments: SegmentState[];
  closedCounts: ClosedCount[];
}

/** Changes to a partition's state since the last exportStateChanges(): apply them to the persisted state. */
export interface PartitionStateChanges {
  version: 1;
  partition: number;
  maxEventTimeMs: number | null;
  /** Segment states to insert or overwrite (by key). */
  segments: SegmentState[];
  /** Segment state keys to delete (closed, merged or renumbered away). */
  deletedKeys: string[];
  /** Closed counts to insert or overwrite (by base_session_id). */
  closedCounts: ClosedCount[];
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
