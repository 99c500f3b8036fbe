// The streaming sessionizer core: pure (no I/O, no timers), the same code in every mode.
//
// Per partition it keeps the open segments of every base session id (events sorted by event_time, event_id),
// a watermark (max event time seen - allowedLatenessMs) and, per base id, how many segments were already
// closed and evicted, so numbering continues after eviction. add() only files an event; rows are computed
// on drain() for the sessions that changed, as whole rows (never increments), so every write is idempotent.
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ClickEvent } from "../events/index.ts";
import { type SessionRow, segmentKey } from "../model/index.ts";
import { resolveSessionizerOptions, type SessionizerOptions } from "./options.ts";
import { findSequenceViolations } from "./sequencing.ts";
import { parseEventTime, type SegmentInfo, SessionAccumulator } from "./session-metrics.ts";

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

class Segment {
  events: ClickEvent[];
  times: number[];
  rowDirty = true;
  stateDirty = true;
  /** Key of the row last emitted for this segment (null before the first drain). */
  emittedKey: string | null = null;
  /** Key under which this segment's state was last exported. */
  persistedKey: string | null = null;

  /** times[0] and times[times.length - 1], kept in fields: read for every event, one load instead of three. */
  start: number;
  last: number;
  /**
   * Metrics of the events, kept up to date while events are appended in order (the usual case); null after
   * an out-of-order change, rebuilt from the sorted events by the next row().
   */
  acc: SessionAccumulator | null = null;

  constructor(events: ClickEvent[], times: number[]) {
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
      times.push(t);
      events.push(e);
      this.last = t;
      if (this.acc !== null) this.acc.add(e);
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
    this.acc = null;
    return true;
  }

  /** Appends an event known to sort after every event of the segment. */
  append(e: ClickEvent, t: number): void {
    this.times.push(t);
    this.events.push(e);
    this.last = t;
    if (this.acc !== null) this.acc.add(e);
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
}

class Base {
  readonly id: string;
  /** Segments closed and evicted before segs[0]. */
  closed: number;
  /** Open segments in time order; gaps between them are > timeoutMs. */
  segs: Segment[] = [];
  /** Row keys of segments merged away since the last drain (delete unless reused). */
  orphanRowKeys: string[] | null = null;
  /** State keys of segments merged away or closed since the last state export. */
  orphanStateKeys: string[] | null = null;
  rowQueued = false;
  stateQueued = false;
  closedChanged = false;
  evicted = false;
  /** Expiry key of this base's live heap entry (Infinity when not scheduled). */
  scheduled = Number.POSITIVE_INFINITY;

  constructor(id: string, closed: number) {
    this.id = id;
    this.closed = closed;
  }
}

/** Min-heap of (expiry, base), lazily invalidated: an entry is live only while key === base.scheduled. */
class ExpiryHeap {
  private keys: number[] = [];
  private items: Base[] = [];

  get size(): number {
    return this.keys.length;
  }

  peekKey(): number {
    return this.keys[0]!;
  }

  push(key: number, item: Base): void {
    const keys = this.keys;
    const items = this.items;
    let i = keys.length;
    keys.push(key);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    keys[i] = key;
    items[i] = item;
  }

  /** Removes the top; returns its item (its key was peekKey()). */
  pop(): Base {
    const keys = this.keys;
    const items = this.items;
    const top = items[0]!;
    const lastKey = keys.pop()!;
    const lastItem = items.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && keys[r]! < keys[l]! ? r : l;
        if (keys[c]! >= lastKey) break;
        keys[i] = keys[c]!;
        items[i] = items[c]!;
        i = c;
      }
      keys[i] = lastKey;
      items[i] = lastItem;
    }
    return top;
  }

  clear(): void {
    this.keys = [];
    this.items = [];
  }
}

/**
 * Closed counts of base ids with no open segment: one entry per session ever closed, so large and cold.
 * Open addressing over an Int32Array of (hash, count) pairs: a lookup for a new session id (the usual case)
 * reads one cache line and compares no string, where a Map<string, number> of this size costs several
 * cache misses per lookup and per insert.
 */
class ClosedCounts {
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

class Partition {
  readonly id: number;
  maxTime = Number.NEGATIVE_INFINITY;
  /** Open state per base session id: small and hot (one lookup per event). */
  bases = new Map<string, Base>();
  /** Closed counts of base ids with no open segment: large and cold (one lookup per new session). */
  closedCounts = new ClosedCounts();
  rowDirty: Base[] = [];
  stateDirty: Base[] = [];
  heap = new ExpiryHeap();
  accepted = 0;
  duplicates = 0;
  tooLate = 0;
  invalidTime = 0;
  closedSessions = 0;
  openSessions = 0;

  constructor(id: number) {
    this.id = id;
  }

  markDirty(base: Base): void {
    if (!base.rowQueued) {
      base.rowQueued = true;
      this.rowDirty.push(base);
    }
    if (!base.stateQueued) {
      base.stateQueued = true;
      this.stateDirty.push(base);
    }
  }

  markStateDirty(base: Base): void {
    if (!base.stateQueued) {
      base.stateQueued = true;
      this.stateDirty.push(base);
    }
  }
}

function append(list: string[] | null, key: string): string[] {
  if (list === null) return [key];
  list.push(key);
  return list;
}

function badState(partition: number, what: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.BAD_INPUT,
    `partition ${partition}: cannot import sessionizer state: ${what}; expected the output of exportPartitionState() (or the persisted state changes) of the same sessionizer options; reload the partition from its committed state or rebuild it from the raw events`,
  );
}

/**
 * Streaming sessionizer. Feed events with add(event, partition); call drain() to get the rows that changed;
 * closeAll() at the end of the stream. Partitions are independent (each has its own watermark and state).
 */
export class Sessionizer {
  readonly options: Readonly<SessionizerOptions>;
  private readonly timeoutMs: number;
  private readonly latenessMs: number;
  private readonly parts = new Map<number, Partition>();
  private lastPartitionId = Number.NaN;
  private lastPartition: Partition | null = null;

  constructor(options: Partial<SessionizerOptions> = {}) {
    this.options = Object.freeze(resolveSessionizerOptions(options));
    this.timeoutMs = this.options.timeoutMs;
    this.latenessMs = this.options.allowedLatenessMs;
  }

  private part(id: number): Partition {
    if (id === this.lastPartitionId) return this.lastPartition!;
    let p = this.parts.get(id);
    if (p === undefined) {
      if (!Number.isInteger(id) || id < 0) {
        throw new CartstreamError(
          ERROR_CODES.BAD_INPUT,
          `partition ${id} is not a non-negative integer; pass the Kafka partition number the event came from`,
        );
      }
      p = new Partition(id);
      this.parts.set(id, p);
    }
    this.lastPartitionId = id;
    this.lastPartition = p;
    return p;
  }

  /**
   * Files one event from `partition`. Returns "accepted", "duplicate" (ignored), "too_late" (event_time is
   * before the partition's watermark: not applied, the caller dead-letters it) or "invalid_time".
   */
  add(event: ClickEvent, partition: number): AddResult {
    const p = this.part(partition);
    const t = parseEventTime(event.event_time);
    if (Number.isNaN(t)) {
      p.invalidTime++;
      return ADD_RESULTS.invalidTime;
    }
    if (t < p.maxTime - this.latenessMs) {
      p.tooLate++;
      return ADD_RESULTS.tooLate;
    }
    const base = p.bases.get(event.session_id);
    if (base === undefined) {
      p.accepted++;
      if (t > p.maxTime) p.maxTime = t;
      const id = event.session_id;
      // A count stays in the table while the base is open again (no deletion in open addressing); the
      // Base's own count is the current one and overwrites it at the next eviction.
      const b = new Base(id, p.closedCounts.get(id));
      b.segs.push(new Segment([event], [t]));
      p.bases.set(id, b);
      p.openSessions++;
      b.scheduled = t + this.timeoutMs;
      p.heap.push(b.scheduled, b);
      p.markDirty(b);
      return ADD_RESULTS.accepted;
    }
    if (!this.place(p, base, event, t)) {
      p.duplicates++;
      return ADD_RESULTS.duplicate;
    }
    p.accepted++;
    if (t > p.maxTime) p.maxTime = t;
    p.markDirty(base);
    return ADD_RESULTS.accepted;
  }

  private place(p: Partition, base: Base, e: ClickEvent, t: number): boolean {
    const segs = base.segs;
    const n = segs.length;
    const timeout = this.timeoutMs;
    const tail = segs[n - 1]!;
    const tailLast = tail.last;
    if (t >= tailLast) {
      if (t - tailLast <= timeout) {
        if (!tail.insert(e, t)) return false;
        tail.rowDirty = true;
        tail.stateDirty = true;
      } else {
        segs.push(new Segment([e], [t]));
        p.openSessions++;
      }
      return true;
    }
    // Out of order: find the first segment whose last event is at or after t.
    let i = n - 1;
    while (i > 0 && segs[i - 1]!.last >= t) i--;
    const s = segs[i]!;
    if (t >= s.start) {
      if (!s.insert(e, t)) return false;
      s.rowDirty = true;
      s.stateDirty = true;
      return true;
    }
    const prev = i > 0 ? segs[i - 1]! : null;
    const joinPrev = prev !== null && t - prev.last <= timeout;
    const joinNext = s.start - t <= timeout;
    if (joinPrev && joinNext) {
      // The event bridges two segments: they become one, the later one's keys are orphaned.
      prev.times.push(t);
      prev.events.push(e);
      for (let j = 0; j < s.times.length; j++) {
        prev.times.push(s.times[j]!);
        prev.events.push(s.events[j]!);
      }
      prev.last = s.last;
      prev.acc = null;
      prev.rowDirty = true;
      prev.stateDirty = true;
      if (s.emittedKey !== null) base.orphanRowKeys = append(base.orphanRowKeys, s.emittedKey);
      if (s.persistedKey !== null) base.orphanStateKeys = append(base.orphanStateKeys, s.persistedKey);
      segs.splice(i, 1);
      p.openSessions--;
      // Later segments shift down one number; drain() re-emits them under their new keys.
      for (let j = i; j < segs.length; j++) {
        segs[j]!.rowDirty = true;
        segs[j]!.stateDirty = true;
      }
    } else if (joinPrev) {
      prev.append(e, t);
      prev.rowDirty = true;
      prev.stateDirty = true;
    } else if (joinNext) {
      s.times.unshift(t);
      s.events.unshift(e);
      s.start = t;
      s.acc = null;
      s.rowDirty = true;
      s.stateDirty = true;
    } else {
      segs.splice(i, 0, new Segment([e], [t]));
      p.openSessions++;
      if (i === 0) {
        const expiry = t + timeout;
        if (expiry < base.scheduled) {
          base.scheduled = expiry;
          p.heap.push(expiry, base);
        }
      }
    }
    return true;
  }

  /** Rows (whole) and deletes for everything that changed since the last drain, for one or all partitions. */
  drain(partition?: number): SessionChanges {
    const out: SessionChanges = { upserts: [], deletes: [], violations: [] };
    if (partition === undefined) {
      for (const p of this.parts.values()) this.drainPartition(p, p.maxTime - this.latenessMs, out);
    } else {
      const p = this.parts.get(partition);
      if (p !== undefined) this.drainPartition(p, p.maxTime - this.latenessMs, out);
    }
    return out;
  }

  /** End of stream: closes every open segment (ended_by "timeout" unless it saw session_end); returns the final changes. */
  closeAll(partition?: number): SessionChanges {
    const out: SessionChanges = { upserts: [], deletes: [], violations: [] };
    const close = (p: Partition) => {
      for (const base of p.bases.values()) {
        if (!base.rowQueued) {
          base.rowQueued = true;
          p.rowDirty.push(base);
        }
      }
      p.heap.clear();
      for (const base of p.bases.values()) base.scheduled = Number.POSITIVE_INFINITY;
      this.drainPartition(p, Number.POSITIVE_INFINITY, out);
    };
    if (partition === undefined) {
      for (const p of this.parts.values()) close(p);
    } else {
      const p = this.parts.get(partition);
      if (p !== undefined) close(p);
    }
    return out;
  }

  private drainPartition(p: Partition, watermark: number, out: SessionChanges): void {
    const heap = p.heap;
    const timeout = this.timeoutMs;
    // Bases whose first open segment may have expired (watermark > last + timeout).
    while (heap.size > 0 && heap.peekKey() < watermark) {
      const key = heap.peekKey();
      const base = heap.pop();
      if (base.evicted || key !== base.scheduled) continue;
      const expiry = base.segs[0]!.last + timeout;
      if (expiry >= watermark) {
        base.scheduled = expiry;
        heap.push(expiry, base);
        continue;
      }
      base.scheduled = Number.POSITIVE_INFINITY;
      if (!base.rowQueued) {
        base.rowQueued = true;
        p.rowDirty.push(base);
      }
    }
    const dirty = p.rowDirty;
    p.rowDirty = [];
    for (let i = 0; i < dirty.length; i++) {
      const base = dirty[i]!;
      base.rowQueued = false;
      this.flushBase(p, base, watermark, out);
    }
  }

  private flushBase(p: Partition, base: Base, watermark: number, out: SessionChanges): void {
    const segs = base.segs;
    const timeout = this.timeoutMs;
    let closing = 0;
    while (closing < segs.length && segs[closing]!.last + timeout < watermark) closing++;
    let candidates = base.orphanRowKeys;
    base.orphanRowKeys = null;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const number = base.closed + i + 1;
      const key = segmentKey(base.id, number);
      const isClosing = i < closing;
      if (isClosing || seg.rowDirty || seg.emittedKey !== key) {
        const row = seg.row({
          base_session_id: base.id,
          segment: number,
          closed: isClosing,
          kafka_partition: p.id,
        });
        out.upserts.push(row);
        if (isClosing && row.sequence_violations > 0) {
          for (const v of findSequenceViolations(seg.events)) {
            out.violations.push({
              partition: p.id,
              session_id: key,
              event: seg.events[v.index]!,
              rules: v.rules,
            });
          }
        }
        if (seg.emittedKey !== null && seg.emittedKey !== key)
          candidates = append(candidates, seg.emittedKey);
        seg.emittedKey = key;
        seg.rowDirty = false;
      }
    }
    if (candidates !== null) this.pushUnused(base, segs.length, candidates, out.deletes);
    if (closing === 0) return;
    // Evict the closed prefix; the remaining segments keep their numbers (closed grows by as much as the index drops).
    for (let i = 0; i < closing; i++) {
      const seg = segs[i]!;
      if (seg.persistedKey !== null) base.orphanStateKeys = append(base.orphanStateKeys, seg.persistedKey);
    }
    segs.splice(0, closing);
    base.closed += closing;
    base.closedChanged = true;
    p.closedSessions += closing;
    p.openSessions -= closing;
    p.markStateDirty(base);
    if (segs.length === 0) {
      base.evicted = true;
      base.scheduled = Number.POSITIVE_INFINITY;
      p.bases.delete(base.id);
      p.closedCounts.set(base.id, base.closed);
    } else if (base.scheduled === Number.POSITIVE_INFINITY) {
      base.scheduled = segs[0]!.last + timeout;
      p.heap.push(base.scheduled, base);
    }
  }

  /** Pushes the candidate keys that no current segment of `base` uses (numbers closed+1 .. closed+count). */
  private pushUnused(base: Base, count: number, candidates: string[], into: string[]): void {
    const live = new Set<string>();
    for (let i = 0; i < count; i++) live.add(segmentKey(base.id, base.closed + i + 1));
    const done = new Set<string>();
    for (const key of candidates) {
      if (!live.has(key) && !done.has(key)) {
        done.add(key);
        into.push(key);
      }
    }
  }

  /** Current watermark of a partition (ms since epoch), null before its first event. */
  watermark(partition: number): number | null {
    const p = this.parts.get(partition);
    return p === undefined || p.maxTime === Number.NEGATIVE_INFINITY ? null : p.maxTime - this.latenessMs;
  }

  /** Partitions that have state, ascending. */
  partitions(): number[] {
    return [...this.parts.keys()].sort((a, b) => a - b);
  }

  counters(partition: number): PartitionCounters {
    const p = this.parts.get(partition);
    return {
      partition,
      accepted: p?.accepted ?? 0,
      duplicates: p?.duplicates ?? 0,
      tooLate: p?.tooLate ?? 0,
      invalidTime: p?.invalidTime ?? 0,
      closedSessions: p?.closedSessions ?? 0,
      openSessions: p?.openSessions ?? 0,
      watermarkMs: this.watermark(partition),
    };
  }

  allCounters(): PartitionCounters[] {
    return this.partitions().map((p) => this.counters(p));
  }

  /** Forgets a partition (e.g. revoked in a rebalance); its new owner imports the persisted state. */
  dropPartition(partition: number): void {
    this.parts.delete(partition);
    if (this.lastPartitionId === partition) {
      this.lastPartitionId = Number.NaN;
      this.lastPartition = null;
    }
  }

  /** The whole state of a partition (read-only: does not reset the change tracking of exportStateChanges). */
  exportPartitionState(partition: number): PartitionState {
    const p = this.parts.get(partition);
    const state: PartitionState = {
      version: 1,
      partition,
      maxEventTimeMs: p === undefined || p.maxTime === Number.NEGATIVE_INFINITY ? null : p.maxTime,
      segments: [],
      closedCounts: [],
    };
    if (p === undefined) return state;
    for (const base of p.bases.values()) {
      base.segs.forEach((seg, i) => {
        const number = base.closed + i + 1;
        state.segments.push({
          key: segmentKey(base.id, number),
          base_session_id: base.id,
          segment: number,
          events: seg.events.slice(),
        });
      });
      if (base.closed > 0) state.closedCounts.push({ base_session_id: base.id, closed: base.closed });
    }
    for (const [id, closed] of p.closedCounts.entries()) {
      if (!p.bases.has(id)) state.closedCounts.push({ base_session_id: id, closed });
    }
    return state;
  }

  /** State changes of a partition since the last call: segment states to upsert, keys to delete, closed counts. */
  exportStateChanges(partition: number): PartitionStateChanges {
    const p = this.parts.get(partition);
    const changes: PartitionStateChanges = {
      version: 1,
      partition,
      maxEventTimeMs: p === undefined || p.maxTime === Number.NEGATIVE_INFINITY ? null : p.maxTime,
      segments: [],
      deletedKeys: [],
      closedCounts: [],
    };
    if (p === undefined) return changes;
    const dirty = p.stateDirty;
    p.stateDirty = [];
    for (const base of dirty) {
      base.stateQueued = false;
      let candidates = base.orphanStateKeys;
      base.orphanStateKeys = null;
      const segs = base.segs;
      for (let i = 0; i < segs.length; i++) {
        const seg = segs[i]!;
        const number = base.closed + i + 1;
        const key = segmentKey(base.id, number);
        if (seg.stateDirty || seg.persistedKey !== key) {
          changes.segments.push({
            key,
            base_session_id: base.id,
            segment: number,
            events: seg.events.slice(),
          });
          if (seg.persistedKey !== null && seg.persistedKey !== key)
            candidates = append(candidates, seg.persistedKey);
          seg.persistedKey = key;
          seg.stateDirty = false;
        }
      }
      if (candidates !== null) this.pushUnused(base, segs.length, candidates, changes.deletedKeys);
      if (base.closedChanged) {
        base.closedChanged = false;
        changes.closedCounts.push({ base_session_id: base.id, closed: base.closed });
      }
    }
    return changes;
  }

  /**
   * Restores a partition from exportPartitionState() output (or persisted state changes folded into that
   * shape). The rows of the imported segments are taken as already emitted. Continuing from here gives the
   * same rows as an uninterrupted run.
   */
  importPartitionState(partition: number, state: PartitionState): void {
    if (state.version !== 1) throw badState(partition, `unknown state version ${String(state.version)}`);
    const p = new Partition(partition);
    if (state.maxEventTimeMs !== null) {
      if (!Number.isFinite(state.maxEventTimeMs)) throw badState(partition, "maxEventTimeMs is not a number");
      p.maxTime = state.maxEventTimeMs;
    }
    for (const c of state.closedCounts) {
      if (!Number.isInteger(c.closed) || c.closed < 0) {
        throw badState(partition, `closed count of ${c.base_session_id} is ${c.closed}`);
      }
      if (c.closed > 0) p.closedCounts.set(c.base_session_id, c.closed);
    }
    const byBase = new Map<string, { seg: Segment; state: SegmentState }[]>();
    for (const s of state.segments) {
      if (s.events.length === 0) throw badState(partition, `segment ${s.key} has no events`);
      const pairs = s.events.map((e) => ({ e, t: parseEventTime(e.event_time) }));
      pairs.sort(
        (a, b) => a.t - b.t || (a.e.event_id < b.e.event_id ? -1 : a.e.event_id > b.e.event_id ? 1 : 0),
      );
      const seg = new Segment(
        pairs.map((x) => x.e),
        pairs.map((x) => x.t),
      );
      const list = byBase.get(s.base_session_id);
      if (list === undefined) byBase.set(s.base_session_id, [{ seg, state: s }]);
      else list.push({ seg, state: s });
    }
    for (const [id, list] of byBase) {
      list.sort((a, b) => a.seg.start - b.seg.start);
      const closed = p.closedCounts.get(id);
      const base = new Base(id, closed);
      list.forEach(({ seg, state: s }, i) => {
        const key = segmentKey(id, closed + i + 1);
        if (s.key !== key || s.segment !== closed + i + 1) {
          throw badState(
            partition,
            `segment ${s.key} should be ${key} (closed count ${closed}, position ${i + 1})`,
          );
        }
        if (i > 0 && seg.start - list[i - 1]!.seg.last <= this.timeoutMs) {
          throw badState(partition, `segments ${list[i - 1]!.state.key} and ${s.key} are within timeoutMs`);
        }
        for (let j = 1; j < seg.events.length; j++) {
          if (seg.times[j] === seg.times[j - 1] && seg.events[j]!.event_id === seg.events[j - 1]!.event_id) {
            throw badState(partition, `event ${seg.events[j]!.event_id} appears twice in ${s.key}`);
          }
        }
        seg.rowDirty = false;
        seg.stateDirty = false;
        seg.emittedKey = key;
        seg.persistedKey = key;
        base.segs.push(seg);
      });
      p.bases.set(id, base);
      p.openSessions += base.segs.length;
      base.scheduled = base.segs[0]!.last + this.timeoutMs;
      p.heap.push(base.scheduled, base);
    }
    this.parts.set(partition, p);
    if (this.lastPartitionId === partition) this.lastPartition = p;
  }
}
