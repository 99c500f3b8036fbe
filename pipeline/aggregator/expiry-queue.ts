// When each base session id's first open segment may expire: a min-heap of (expiry, base) entries on the
// shared MinHeap, lazily invalidated (an entry is live only while its expiry is the base's `scheduled`).
import { MinHeap } from "../collections/index.ts";

export interface Schedulable {
  /** Expiry of the live entry (Infinity when not scheduled). */
  scheduled: number;
  /** Gone from the partition: its entries are dead. */
  evicted: boolean;
}

interface Entry<B> {
  time: number;
  seq: number;
  base: B;
}

/** Popped entries kept for reuse: a base is rescheduled every few drains while its session runs. */
const SPARE_ENTRIES = 4096;

export class ExpiryQueue<B extends Schedulable> {
  private heap = new MinHeap<Entry<B>>();
  private seq = 0;
  private readonly spare: Entry<B>[] = [];

  /** Schedules `base` at `expiry`; an earlier entry of it becomes dead. */
  schedule(base: B, expiry: number): void {
    base.scheduled = expiry;
    const entry = this.spare.pop();
    if (entry === undefined) {
      this.heap.push({ time: expiry, seq: this.seq++, base });
    } else {
      entry.time = expiry;
      entry.seq = this.seq++;
      entry.base = base;
      this.heap.push(entry);
    }
  }

  /** The next live base whose expiry is before `watermark`, removed from the queue; null when none. */
  popDue(watermark: number): B | null {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.time >= watermark) return null;
      this.heap.pop();
      const base = top.base;
      const live = !base.evicted && top.time === base.scheduled;
      if (this.spare.length < SPARE_ENTRIES) this.spare.push(top);
      if (live) return base;
    }
  }

  /** Drops every entry (the caller resets the bases' `scheduled`). */
  clear(): void {
    this.heap = new MinHeap<Entry<B>>();
  }
}
