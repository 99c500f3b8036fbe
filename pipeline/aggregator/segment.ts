// One open segment of a base session id, held compactly: the metrics of its frozen events (a
// SessionAccumulator) and, sorted by (event_time, event_id), the few recent events not folded in yet.
//
// Why that is exact: an event is accepted only at or after the partition's watermark, and the watermark
// never goes back. freeze(w) folds the events before w, so nothing accepted later can sort before a folded
// event: every insert, prepend, merge and duplicate check touches the unfolded tail only. A segment that
// starts at or after the watermark has an empty accumulator, which is what prepend and absorb rely on.
// Every change marks the segment for the rows output (TrackedSegment).
import type { ClickEvent } from "../events/index.ts";
import type { SessionRow } from "../model/index.ts";
import { TrackedSegment } from "./change-tracking.ts";
import { type LoggedViolation, type SegmentInfo, SessionAccumulator } from "./session-metrics.ts";

export class Segment extends TrackedSegment {
  /** Metrics of the folded events (every one before the last freeze line). */
  acc: SessionAccumulator;
  /** Events not folded yet, sorted by (time, event_id), and their times. */
  tail: ClickEvent[];
  tailTimes: number[];
  /** Time of the first and of the last event (ms). */
  start: number;
  last: number;

  constructor(acc: SessionAccumulator, tail: ClickEvent[], tailTimes: number[], start: number, last: number) {
    super();
    this.acc = acc;
    this.tail = tail;
    this.tailTimes = tailTimes;
    this.start = start;
    this.last = last;
  }

  static of(e: ClickEvent, t: number): Segment {
    return new Segment(new SessionAccumulator(), [e], [t], t, t);
  }

  get count(): number {
    return this.acc.count + this.tail.length;
  }

  /** Appends when in order (the usual case), else inserts in the tail by (time, event_id). False if a duplicate. */
  insert(e: ClickEvent, t: number): boolean {
    const times = this.tailTimes;
    const events = this.tail;
    const n = times.length;
    if (n === 0 || t > times[n - 1]! || (t === times[n - 1]! && e.event_id > events[n - 1]!.event_id)) {
      this.append(e, t);
      return true;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const mt = times[mid]!;
      if (mt < t || (mt === t && events[mid]!.event_id < e.event_id)) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && times[lo] === t && events[lo]!.event_id === e.event_id) return false;
    times.splice(lo, 0, t);
    events.splice(lo, 0, e);
    if (t < this.start) this.start = t;
    this.touch();
    return true;
  }

  /** Appends an event known to sort after every event of the segment. */
  append(e: ClickEvent, t: number): void {
    this.tailTimes.push(t);
    this.tail.push(e);
    this.last = t;
    this.touch();
  }

  /** Puts an event known to sort before every event of the segment (which is all unfolded) first. */
  prepend(e: ClickEvent, t: number): void {
    this.tailTimes.unshift(t);
    this.tail.unshift(e);
    this.start = t;
    this.touch();
  }

  /** Appends `e` (between the two) and then every event of `next` (all unfolded), which follows this segment. */
  absorb(e: ClickEvent, t: number, next: Segment): void {
    this.append(e, t);
    for (let j = 0; j < next.tail.length; j++) {
      this.tailTimes.push(next.tailTimes[j]!);
      this.tail.push(next.tail[j]!);
    }
    this.last = next.last;
  }

  /** Folds the unfolded events before `before` (a watermark, or Infinity when the segment closes). */
  freeze(before: number): void {
    const times = this.tailTimes;
    let k = 0;
    while (k < times.length && times[k]! < before) this.acc.add(this.tail[k++]!);
    if (k === 0) return;
    if (k === times.length) {
      this.tail = [];
      this.tailTimes = [];
    } else {
      this.tail.splice(0, k);
      times.splice(0, k);
    }
  }

  row(info: SegmentInfo): SessionRow {
    if (this.tail.length === 0) return this.acc.toRow(info);
    const acc = this.acc.clone();
    for (let i = 0; i < this.tail.length; i++) acc.add(this.tail[i]!);
    return acc.toRow(info);
  }

  /** The violating events of a closed (wholly folded) segment. */
  violations(): readonly LoggedViolation[] {
    return this.acc.violationLog ?? [];
  }
}
