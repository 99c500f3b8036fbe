// Change tracking for the two outputs of the core: the session rows (drain) and the persisted state
// (exportStateChanges). Rows are written per segment: each remembers whether it changed since its row was
// last written and under which key; each base session id remembers the written keys of segments that are
// gone. State is written per base session id (the whole base), so it needs only the queue.
import { segmentKey } from "../model/index.ts";

/** The outputs a base is queued for. */
export const OUTPUTS = { rows: 0, state: 1 } as const;
export type Output = (typeof OUTPUTS)[keyof typeof OUTPUTS];
const bit = (output: Output) => 1 << output;

/**
 * Per segment: whether its row has not seen its latest events, and the key its row was last written
 * under. Segment extends it (fields of the segment itself: no allocation more per segment on the hot path).
 */
export class TrackedSegment {
  private changed = true;
  private rowKey: string | null = null;

  /** The segment changed: its row is written again. */
  touch(): void {
    this.changed = true;
  }

  isChanged(): boolean {
    return this.changed;
  }

  /** Key the row was last written under, null if never. */
  writtenKey(): string | null {
    return this.rowKey;
  }

  written(key: string): void {
    this.rowKey = key;
    this.changed = false;
  }
}

/**
 * Per base session id: queued for each output, and row keys written earlier whose segments are gone.
 * BaseSession extends it and provides its id, closed count and open segments in order.
 */
export abstract class TrackedBase<S extends TrackedSegment = TrackedSegment> {
  abstract readonly id: string;
  abstract readonly closed: number;
  abstract readonly segs: readonly S[];
  queued = 0;
  private rowOrphans: string[] | null = null;

  /** The segment merged away: its row key is deleted unless a current segment reuses it. */
  orphan(segment: TrackedSegment): void {
    const rowKey = segment.writtenKey();
    if (rowKey !== null) this.rowOrphans = appendKey(this.rowOrphans, rowKey);
  }

  takeOrphans(): string[] | null {
    const keys = this.rowOrphans;
    this.rowOrphans = null;
    return keys;
  }
}

/** The bases of one partition waiting to be written to one output, each queued at most once. */
export class ChangeQueue<B extends TrackedBase> {
  private bases: B[] = [];
  readonly output: Output;

  constructor(output: Output) {
    this.output = output;
  }

  add(base: B): void {
    const b = bit(this.output);
    if ((base.queued & b) !== 0) return;
    base.queued |= b;
    this.bases.push(base);
  }

  /** The queued bases, in queue order; the queue is empty afterwards. */
  take(): B[] {
    const bases = this.bases;
    this.bases = [];
    const b = ~bit(this.output);
    for (const base of bases) base.queued &= b;
    return bases;
  }
}

/** Receives one segment to write: its base, number and key; `forced` for the first `forced` segments. */
export type SegmentWriter<B extends TrackedBase> = (
  base: B,
  segment: B["segs"][number],
  number: number,
  key: string,
  forced: boolean,
) => void;

/**
 * Writes one base's rows: every segment among the first `forced`, and (when `open`) every other one that
 * changed or was renumbered, goes to `write` with its number and key; keys written earlier that no current
 * segment uses are appended to `deletes`. Returns true when changed rows were left unwritten (`open` false).
 */
export function writeBase<B extends TrackedBase>(
  base: B,
  forced: number,
  open: boolean,
  write: SegmentWriter<B>,
  deletes: string[],
): boolean {
  let candidates = base.takeOrphans();
  let pending = false;
  const segs = base.segs;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const number = base.closed + i + 1;
    const key = segmentKey(base.id, number);
    const before = seg.writtenKey();
    if (i < forced || seg.isChanged() || before !== key) {
      if (i >= forced && !open) {
        pending = true;
        continue;
      }
      write(base, seg, number, key, i < forced);
      if (before !== null && before !== key) candidates = appendKey(candidates, before);
      seg.written(key);
    }
  }
  if (candidates !== null) pushUnused(base, candidates, deletes);
  return pending;
}

function appendKey(list: string[] | null, key: string): string[] {
  if (list === null) return [key];
  list.push(key);
  return list;
}

/** Pushes the candidate keys that no current segment of `base` uses (numbers closed+1 .. closed+count). */
function pushUnused(base: TrackedBase, candidates: readonly string[], into: string[]): void {
  const live = new Set<string>();
  for (let i = 0; i < base.segs.length; i++) live.add(segmentKey(base.id, base.closed + i + 1));
  const done = new Set<string>();
  for (const key of candidates) {
    if (!live.has(key) && !done.has(key)) {
      done.add(key);
      into.push(key);
    }
  }
}
