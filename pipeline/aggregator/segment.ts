// One open segment of a base session id: its events sorted by (event_time, event_id), their times, and its
// metrics kept up to date while events arrive in order. Every change marks the segment for both outputs
// (TrackedSegment).
import type { ClickEvent } from "../events/index.ts";
import type { SessionRow } from "../model/index.ts";
import { TrackedSegment } from "./change-tracking.ts";
import { type SegmentInfo, SessionAccumulator } from "./session-metrics.ts";

export class Segment extends TrackedSegment {
  readonly events: ClickEvent[];
  readonly times: number[];
  /** times[0] and times[times.length - 1], kept in fields: read for every event, one load instead of three. */
  start: number;
  last: number;
  /**
   * Metrics of the events, kept up to date while events are appended in order (the usual case); null after
   * an out-of-order change, rebuilt from the sorted events by the next row().
   */
  private acc: SessionAccumulator | null = null;

  constructor(events: ClickEvent[], times: number[]) {
    super();
    this.events = events;
    this.times = times;
    this.start = times[0]!;
    this.last = times[times.length - 1]!;
  }

  /** Appends when in order (the usual case), else inserts in place by (time, event_id). False if a duplicate. */
  insert(e: ClickEvent, t: number): boolean {
    const times = this.times;
    const events = this.events;
    const n = times.length;
    const lastT = times[n - 1]!;
    if (t > lastT || (t === lastT && e.event_id > events[n - 1]!.event_id)) {
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
    if (lo === 0) this.start = t;
    if (lo === n) this.last = t;
    this.changedOutOfOrder();
    return true;
  }

  /** Appends an event known to sort after every event of the segment. */
  append(e: ClickEvent, t: number): void {
    this.times.push(t);
    this.events.push(e);
    this.last = t;
    if (this.acc !== null) this.acc.add(e);
    this.touch();
  }

  /** Puts an event known to sort before every event of the segment first. */
  prepend(e: ClickEvent, t: number): void {
    this.times.unshift(t);
    this.events.unshift(e);
    this.start = t;
    this.changedOutOfOrder();
  }

  /** Appends `e` (between the two) and then every event of `next`, which follows this segment. */
  absorb(e: ClickEvent, t: number, next: Segment): void {
    this.times.push(t);
    this.events.push(e);
    for (let j = 0; j < next.times.length; j++) {
      this.times.push(next.times[j]!);
      this.events.push(next.events[j]!);
    }
    this.last = next.last;
    this.changedOutOfOrder();
  }

  row(info: SegmentInfo): SessionRow {
    let acc = this.acc;
    if (acc === null) {
      acc = new SessionAccumulator();
      const events = this.events;
      for (let i = 0; i < events.length; i++) acc.add(events[i]!);
      this.acc = acc;
    }
    return acc.toRow(info);
  }

  private changedOutOfOrder(): void {
    this.acc = null;
    this.touch();
  }
}
