// The streaming sessionizer core: pure (no I/O, no timers), the same code in every mode.
//
// Per partition it keeps the open segments of every base session id (each as the metrics of its folded
// events plus the few recent events not folded yet, see segment.ts),
// a watermark (max event time seen - allowedLatenessMs) and, per base id, how many segments were already
// closed and evicted, so numbering continues after eviction. add() only files an event; rows are computed
// on drain() for the sessions that changed, as whole rows (never increments), so every write is idempotent.
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ClickEvent } from "../events/index.ts";
import { BaseSession, PLACED } from "./base-session.ts";
import { type SegmentWriter, writeBase } from "./change-tracking.ts";
import { resolveSessionizerOptions, type SessionizerOptions } from "./options.ts";
import { Partition } from "./partition.ts";
import { exportChanges, exportOpenBases, exportState, importState } from "./partition-state.ts";
import { Segment } from "./segment.ts";
import { rulesOf } from "./sequencing.ts";
import { parseEventTime } from "./session-metrics.ts";
import {
  ADD_RESULTS,
  type AddResult,
  type BaseState,
  type PartitionCounters,
  type PartitionState,
  type PartitionStateChanges,
  type SessionChanges,
  type SplitChanges,
} from "./types.ts";

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
    let base = p.bases.get(event.session_id);
    if (base === undefined) {
      const id = event.session_id;
      // A count stays in the table while the base is open again (no deletion in open addressing); the
      // base's own count is the current one and overwrites it at the next eviction.
      base = new BaseSession(id, p.closedCounts.get(id));
      base.segs.push(Segment.of(event, t));
      p.bases.set(id, base);
      p.openSessions++;
      p.expiry.schedule(base, t + this.timeoutMs);
    } else {
      const placed = base.place(event, t, this.timeoutMs);
      if (placed === PLACED.duplicate) {
        p.duplicates++;
        return ADD_RESULTS.duplicate;
      }
      if (placed === PLACED.merged) p.openSessions--;
      else if (placed === PLACED.newSegment) p.openSessions++;
      else if (placed === PLACED.newFirstSegment) {
        p.openSessions++;
        const expiry = t + this.timeoutMs;
        if (expiry < base.scheduled) p.expiry.schedule(base, expiry);
      }
    }
    p.accepted++;
    if (t > p.maxTime) p.maxTime = t;
    p.changed(base);
    return ADD_RESULTS.accepted;
  }

  /** Rows (whole) and deletes for everything that changed since the last drain, for one or all partitions. */
  drain(partition?: number): SessionChanges {
    const out = emptyChanges();
    for (const p of this.selected(partition)) this.drainPartition(p, p.maxTime - this.latenessMs, true, out);
    return { upserts: [...out.closed, ...out.upserts], deletes: out.deletes, violations: out.violations };
  }

  /**
   * Like drain(), with the final rows of segments closed now in `closed` and the rows of changed open
   * segments in `upserts`; with `open` false those stay pending for a later drain (rows written at a
   * bounded rate) and `upserts` is empty.
   */
  drainSplit(partition: number, open: boolean): SplitChanges {
    const out = emptyChanges();
    for (const p of this.selected(partition)) this.drainPartition(p, p.maxTime - this.latenessMs, open, out);
    return out;
  }

  /** End of stream: closes every open segment (ended_by "timeout" unless it saw session_end); returns the final changes. */
  closeAll(partition?: number): SessionChanges {
    const out = emptyChanges();
    for (const p of this.selected(partition)) {
      for (const base of p.bases.values()) {
        p.rows.add(base);
        base.scheduled = Number.POSITIVE_INFINITY;
      }
      p.expiry.clear();
      this.drainPartition(p, Number.POSITIVE_INFINITY, true, out);
    }
    return { upserts: out.closed, deletes: out.deletes, violations: out.violations };
  }

  private selected(partition: number | undefined): Partition[] {
    if (partition === undefined) return [...this.parts.values()];
    const p = this.parts.get(partition);
    return p === undefined ? [] : [p];
  }

  private drainPartition(p: Partition, watermark: number, open: boolean, out: SplitChanges): void {
    // Bases whose first open segment may have expired (watermark > last + timeout).
    for (let base = p.expiry.popDue(watermark); base !== null; base = p.expiry.popDue(watermark)) {
      const expiry = base.segs[0]!.last + this.timeoutMs;
      if (expiry >= watermark) {
        p.expiry.schedule(base, expiry);
        continue;
      }
      base.scheduled = Number.POSITIVE_INFINITY;
      p.rows.add(base);
    }
    const writeRow: SegmentWriter<BaseSession> = (base, seg, number, key, closing) => {
      const row = seg.row({
        base_session_id: base.id,
        segment: number,
        closed: closing,
        kafka_partition: p.id,
      });
      if (!closing) {
        out.upserts.push(row);
        return;
      }
      out.closed.push(row);
      for (const v of seg.violations()) {
        out.violations.push({ partition: p.id, session_id: key, event: v.event, rules: rulesOf(v.bits) });
      }
    };
    const pending: BaseSession[] = [];
    for (const base of p.rows.take()) {
      if (this.flushBase(p, base, watermark, open, writeRow, out.deletes)) pending.push(base);
    }
    for (const base of pending) p.rows.add(base);
  }

  /**
   * Folds what is before the watermark, writes a base's changed rows (closing segments always, with their
   * violations; open ones when `open`), then evicts the closed ones. True when open rows were left pending.
   */
  private flushBase(
    p: Partition,
    base: BaseSession,
    watermark: number,
    open: boolean,
    writeRow: SegmentWriter<BaseSession>,
    deletes: string[],
  ): boolean {
    const segs = base.segs;
    let closing = 0;
    while (closing < segs.length && segs[closing]!.last + this.timeoutMs < watermark) closing++;
    for (let i = 0; i < segs.length; i++) segs[i]!.freeze(i < closing ? Number.POSITIVE_INFINITY : watermark);
    const pending = writeBase(base, closing, open, writeRow, deletes);
    if (closing === 0) return pending;
    // Evict the closed prefix; the remaining segments keep their numbers (closed grows by as much as the
    // index drops). Their rows are final; the base's state is written again without them.
    segs.splice(0, closing);
    base.closed += closing;
    p.closedSessions += closing;
    p.openSessions -= closing;
    p.state.add(base);
    if (segs.length === 0) {
      base.evicted = true;
      base.scheduled = Number.POSITIVE_INFINITY;
      p.bases.delete(base.id);
      p.closedCounts.set(base.id, base.closed);
    } else if (base.scheduled === Number.POSITIVE_INFINITY) {
      p.expiry.schedule(base, segs[0]!.last + this.timeoutMs);
    }
    return pending;
  }

  /** Current watermark of a partition (ms since epoch), null before its first event. */
  watermark(partition: number): number | null {
    const max = this.parts.get(partition)?.maxEventTimeMs ?? null;
    return max === null ? null : max - this.latenessMs;
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
    return exportState(partition, this.parts.get(partition));
  }

  /** The state of every open base of a partition (read-only, like exportPartitionState without closed-only bases). */
  exportOpenBases(partition: number): BaseState[] {
    return exportOpenBases(this.parts.get(partition));
  }

  /** State changes of a partition since the last call: segment states to upsert, keys to delete, closed counts. */
  exportStateChanges(partition: number): PartitionStateChanges {
    return exportChanges(partition, this.parts.get(partition));
  }

  /**
   * Restores a partition from exportPartitionState() output (or persisted state changes folded into that
   * shape). The rows of the imported segments are taken as already emitted. Continuing from here gives the
   * same rows as an uninterrupted run. Throws CS_BAD_STATE for state the core could not have written.
   * `rewriteState`: list every open base in the next exportStateChanges().
   */
  importPartitionState(partition: number, state: PartitionState, rewriteState = false): void {
    const p = importState(partition, state, this.timeoutMs, this.latenessMs);
    for (const base of p.bases.values()) {
      p.expiry.schedule(base, base.segs[0]!.last + this.timeoutMs);
      // The state was in another form (earlier records): the next exportStateChanges writes every base.
      if (rewriteState) p.state.add(base);
    }
    this.parts.set(partition, p);
    if (this.lastPartitionId === partition) this.lastPartition = p;
  }
}

function emptyChanges(): SplitChanges {
  return { upserts: [], closed: [], deletes: [], violations: [] };
}
