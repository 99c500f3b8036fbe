// Binary min-heap ordered by (time, seq): the simulator's queue of sessions waiting for their next event and
// the sessionizer's queue of sessions waiting to expire. seq breaks ties, so the order is deterministic.

export interface Scheduled {
  time: number;
  seq: number;
}

export class MinHeap<T extends Scheduled> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    // Sift up with a hole instead of swaps.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (!less(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) this.siftDown(last);
    return top;
  }

  /** Replaces the top with `item` (pop + push in one sift). */
  replaceTop(item: T): void {
    this.siftDown(item);
  }

  /** Places `item` at the root's hole and sifts it down. */
  private siftDown(item: T): void {
    const a = this.items;
    const n = a.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      let child = a[l]!;
      if (r < n && less(a[r]!, child)) {
        m = r;
        child = a[r]!;
      }
      if (!less(child, item)) break;
      a[i] = child;
      i = m;
    }
    a[i] = item;
  }
}

function less(x: Scheduled, y: Scheduled): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}
