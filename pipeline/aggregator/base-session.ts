// The open segments of one base session id (the events' session_id), in time order: a gap longer than the
// timeout between two segments keeps them apart. place() files one event: into a segment, as a new segment,
// or bridging two segments into one.
import type { ClickEvent } from "../events/index.ts";
import { TrackedBase } from "./change-tracking.ts";
import { Segment } from "./segment.ts";

/** What place() did with an event. */
export const PLACED = {
  /** The same event is already held: nothing changed. */
  duplicate: "duplicate",
  /** Into an existing segment. */
  joined: "joined",
  /** As a new segment after the first one. */
  newSegment: "new_segment",
  /** As a new segment before every other: the base's expiry may now be earlier. */
  newFirstSegment: "new_first_segment",
  /** It bridged two segments, which became one (the later one's keys are orphaned). */
  merged: "merged",
} as const;
export type Placed = (typeof PLACED)[keyof typeof PLACED];

export class BaseSession extends TrackedBase<Segment> {
  readonly id: string;
  /** Segments closed and evicted before segs[0]. */
  closed: number;
  /** Open segments in time order; gaps between them are > timeoutMs. */
  readonly segs: Segment[] = [];
  /** No open segment left: removed from its partition. */
  evicted = false;
  /** Expiry of this base's live expiry-queue entry (Infinity when not scheduled). */
  scheduled = Number.POSITIVE_INFINITY;

  constructor(id: string, closed: number) {
    super();
    this.id = id;
    this.closed = closed;
  }

  /** Files event `e` at time `t` (ms) among the segments; see PLACED. */
  place(e: ClickEvent, t: number, timeoutMs: number): Placed {
    const segs = this.segs;
    const n = segs.length;
    const tail = segs[n - 1]!;
    if (t >= tail.last) {
      if (t - tail.last > timeoutMs) {
        segs.push(Segment.of(e, t));
        return PLACED.newSegment;
      }
      return tail.insert(e, t) ? PLACED.joined : PLACED.duplicate;
    }
    // Out of order: find the first segment whose last event is at or after t.
    let i = n - 1;
    while (i > 0 && segs[i - 1]!.last >= t) i--;
    const s = segs[i]!;
    if (t >= s.start) return s.insert(e, t) ? PLACED.joined : PLACED.duplicate;
    const prev = i > 0 ? segs[i - 1]! : null;
    const joinPrev = prev !== null && t - prev.last <= timeoutMs;
    const joinNext = s.start - t <= timeoutMs;
    if (joinPrev && joinNext) {
      prev.absorb(e, t, s);
      this.orphan(s);
      segs.splice(i, 1);
      // Later segments shift down one number; the outputs write them again under their new keys.
      for (let j = i; j < segs.length; j++) segs[j]!.touch();
      return PLACED.merged;
    }
    if (joinPrev) {
      prev.append(e, t);
      return PLACED.joined;
    }
    if (joinNext) {
      s.prepend(e, t);
      return PLACED.joined;
    }
    segs.splice(i, 0, Segment.of(e, t));
    return i === 0 ? PLACED.newFirstSegment : PLACED.newSegment;
  }
}
