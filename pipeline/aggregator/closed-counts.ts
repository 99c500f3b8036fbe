// How many segments of each base session id were closed and evicted, so numbering continues after
// eviction.

/**
 * Closed counts of base ids with no open segment: one entry per session ever closed, so large and cold.
 * Open addressing over an Int32Array of (hash, count) pairs: a lookup for a new session id (the usual case)
 * reads one cache line and compares no string, where a Map<string, number> of this size costs several
 * cache misses per lookup and per insert.
 */
export class ClosedCounts {
  private slots = new Int32Array(2 * 1024);
  private keys: (string | undefined)[] = new Array(1024);
  private mask = 1023;
  size = 0;

  private static hash(key: string): number {
    // FNV-1a over UTF-16 code units; never 0 (0 marks an empty slot).
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return h | 1;
  }

  private find(key: string, h: number): number {
    const slots = this.slots;
    let i = h & this.mask;
    for (;;) {
      const sh = slots[2 * i]!;
      if (sh === 0 || (sh === h && this.keys[i] === key)) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(key: string): number {
    const h = ClosedCounts.hash(key);
    const i = this.find(key, h);
    return this.slots[2 * i] === 0 ? 0 : this.slots[2 * i + 1]!;
  }

  set(key: string, closed: number): void {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const h = ClosedCounts.hash(key);
    const i = this.find(key, h);
    if (this.slots[2 * i] === 0) {
      this.slots[2 * i] = h;
      this.keys[i] = key;
      this.size++;
    }
    this.slots[2 * i + 1] = closed;
  }

  *entries(): IterableIterator<[string, number]> {
    for (let i = 0; i <= this.mask; i++) {
      if (this.slots[2 * i] !== 0) yield [this.keys[i]!, this.slots[2 * i + 1]!];
    }
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldKeys = this.keys;
    const capacity = 2 * (this.mask + 1);
    this.slots = new Int32Array(2 * capacity);
    this.keys = new Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const h = oldSlots[2 * i]!;
      if (h === 0) continue;
      let j = h & this.mask;
      while (this.slots[2 * j] !== 0) j = (j + 1) & this.mask;
      this.slots[2 * j] = h;
      this.slots[2 * j + 1] = oldSlots[2 * i + 1]!;
      this.keys[j] = oldKeys[i];
    }
  }
}
