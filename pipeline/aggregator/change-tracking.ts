// One change-tracking mechanism for both outputs of the core: the session rows (drain) and the persisted
// state (exportStateChanges). Each output remembers, per segment, whether it changed since the output last
// wrote it and under which key; per base session id, whether it is queued and which written keys belong to
// segments that are gone. Writing an output walks the queued bases once, the same way for both.
import { segmentKey } from "../model/index.ts";

/** The outputs a segment is written to. */
export const OUTPUTS = { rows: 0, state: 1 } as const;
export type Output = (typeof OUTPUTS)[keyof typeof OUTPUTS];
const ALL_OUTPUTS = 0b11;
const bit = (output: Output) => 1 << output;

/**
 * Per segment: which outputs have not seen its latest events, and the key each output last wrote it under.
 * Segment extends it (fields of the segment itself rather than an object of their own: no allocation more
 * per segment on the hot path).
 */
export class TrackedSegment {
  private changed = ALL_OUTPUTS;
  private rowKey: string | null = null;
  private stateKey: string | null = null;

  /** The segment changed: every output writes it again. */
  touch(): void {
    this.changed = ALL_OUTPUTS;
  }

  isChanged(output: Output): boolean {
    return (this.changed & bit(output)) !== 0;
  }

  /** Key the output last wrote this segment under, null if never. */
  writtenKey(output: Output): string | null {
    return output === OUTPUTS.rows ? this.rowKey : this.stateKey;
  }

  written(output: Output, key: string): void {
    if (output === OUTPUTS.rows) this.rowKey = key;
    else this.stateKey = key;
    this.changed &= ~bit(output);
  }
}

/**
 * Per base session id: queued for each output, and keys written earlier whose segments are gone. BaseSession
 * extends it and provides its id, closed count and open segments in order.
 */
export abstract class TrackedBase<S extends TrackedSegment = TrackedSegment> {
  abstract readonly id: string;
  abstract readonly closed: number;
  abstract readonly segs: readonly S[];
  queued = 0;
  private rowOrphans: string[] | null = null;
  private stateOrphans: string[] | null = null;

  /**
   * The segment left the base (merged away: every output; evicted: the state only, its row is final). The
   * keys it was written under are deleted unless a current segment reuses them.
   */
  orphan(segment: TrackedSegment, only?: Output): void {
    const rowKey = only === OUTPUTS.state ? null : segment.writtenKey(OUTPUTS.rows);
    const stateKey = only === OUTPUTS.rows ? null : segment.writtenKey(OUTPUTS.state);
    if (rowKey !== null) this.rowOrphans = appendKey(this.rowOrphans, rowKey);
    if (stateKey !== null) this.stateOrphans = appendKey(this.stateOrphans, stateKey);
  }

  takeOrphans(output: Output): string[] | null {
    const keys = output === OUTPUTS.rows ? this.rowOrphans : this.stateOrphans;
    if (output === OUTPUTS.rows) this.rowOrphans = null;
    else this.stateOrphans = null;
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
 * Writes one base to `output`: every segment that changed, was renumbered, or is among the first `forced`
 * ones goes to `write` with its number and key; keys the output wrote earlier that no current segment uses
 * are appended to `deletes`.
 */
export function writeBase<B extends TrackedBase>(
  base: B,
  output: Output,
  forced: number,
  write: SegmentWriter<B>,
  deletes: string[],
): void {
  let candidates = base.takeOrphans(output);
  const segs = base.segs;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const number = base.closed + i + 1;
    const key = segmentKey(base.id, number);
    const before = seg.writtenKey(output);
    if (i < forced || seg.isChanged(output) || before !== key) {
      write(base, seg, number, key, i < forced);
      if (before !== null && before !== key) candidates = appendKey(candidates, before);
      seg.written(output, key);
    }
  }
  if (candidates !== null) pushUnused(base, candidates, deletes);
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
