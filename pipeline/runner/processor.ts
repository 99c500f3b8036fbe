// The aggregator's processing loop for the partitions one consumer owns, the same in every mode:
// transport messages in, sessionizer core in the middle, one store transaction out per flush.
//
// Exactly-once effects: session rows are whole rows (idempotent), and every commit moves the partitions'
// offsets in the same transaction, guarded by a fencing check (the offset this consumer expects must still
// be the stored one). A consumer that lost a partition fails that check, rolls back, and drops its state.
// Messages below a partition's next offset are skipped, so redelivery by the transport cannot double count.
import type { SessionChanges, SessionizerOptions } from "../aggregator/index.ts";
import { Sessionizer, stateChangesToRecords, stateFromRecords } from "../aggregator/index.ts";
import { FencedError } from "../errors/index.ts";
import { isEndOfStream, parseEvent, RECORD_KINDS, recordKind } from "../events/index.ts";
import type { SessionRow } from "../model/index.ts";
import type {
  CommitBatch,
  DeadLetter,
  SessionReader,
  SessionSink,
  StateKey,
  StateRecord,
} from "../store/index.ts";
import type { ConsumedMessage } from "../transport/index.ts";
import type { ArchiveWriter } from "./archive.ts";

/** Where live (open-session) rows go after each commit: Redis in production. Must not throw. */
export interface LivePublisher {
  publish(rows: readonly SessionRow[], deletedKeys: readonly string[]): Promise<void>;
}

/** Observability hooks (metrics); all optional. */
export interface ProcessorObserver {
  /** Called after a commit with each committed event's produce time (ms) and the commit time. */
  committed?(producedAtMs: readonly number[], commitMs: number, result: FlushResult): void;
  deadLettered?(reason: string, count: number): void;
  fenced?(partitions: readonly number[]): void;
}

export interface ProcessorOptions {
  group: string;
  topic: string;
  sink: SessionSink;
  reader: SessionReader;
  sessionizer?: Partial<SessionizerOptions>;
  archive?: ArchiveWriter;
  live?: LivePublisher;
  observer?: ProcessorObserver;
  /** Extra destination for dead letters (a Kafka dead-letter topic); the store table always gets them. */
  deadLetterSink?: (letters: readonly DeadLetter[]) => Promise<void>;
  /** Header holding the produce time in ms; falls back to the message timestamp. */
  producedAtHeader?: string;
}

interface Owned {
  /** An end-of-stream marker was read: close every session of the partition at the next flush. */
  ended: boolean;
  /** ...and that closing flush has been committed. */
  closed: boolean;
  /** next_offset stored in the database (null before the first commit). */
  committed: number | null;
  /** Next offset to process. */
  next: number;
  dead: DeadLetter[];
  producedAt: number[];
}

export interface FlushResult {
  partitions: number;
  upserted: number;
  deleted: number;
  deadLetters: number;
  events: number;
}

export class PartitionProcessor {
  private readonly core: Sessionizer;
  private readonly owned = new Map<number, Owned>();
  private readonly opts: ProcessorOptions;
  private readonly producedHeader: string;
  private pendingEvents = 0;
  counters = { messages: 0, accepted: 0, duplicates: 0, deadLettered: 0, skippedRedelivered: 0, commits: 0 };

  constructor(opts: ProcessorOptions) {
    this.opts = opts;
    this.core = new Sessionizer(opts.sessionizer ?? {});
    this.producedHeader = opts.producedAtHeader ?? "produced_at";
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Events processed since the last flush. */
  get pending(): number {
    return this.pendingEvents;
  }

  nextOffset(partition: number): number | undefined {
    return this.owned.get(partition)?.next;
  }

  openSessions(): number {
    return this.core.allCounters().reduce((s, c) => s + c.openSessions, 0);
  }

  /**
   * Takes ownership of partitions: loads each one's committed offset and open-session state from the
   * store. Returns the offset to start reading at, per partition.
   */
  async assign(partitions: readonly number[]): Promise<Map<number, number>> {
    const start = new Map<number, number>();
    for (const p of partitions) {
      this.core.dropPartition(p);
      this.opts.archive?.discard(p);
      const { off, records } = await this.loadCommitted(p);
      if (off !== undefined) {
        const maxEventTimeMs =
          (off.state as { maxEventTimeMs?: number | null } | null)?.maxEventTimeMs ?? null;
        this.core.importPartitionState(p, stateFromRecords(p, maxEventTimeMs, records));
      }
      const ended = (off?.state as { ended?: boolean } | null | undefined)?.ended === true;
      this.owned.set(p, {
        ended,
        closed: ended,
        committed: off?.nextOffset ?? null,
        next: off?.nextOffset ?? 0,
        dead: [],
        producedAt: [],
      });
      start.set(p, off?.nextOffset ?? 0);
    }
    return start;
  }

  /**
   * A partition's offset and open-session state as of one commit. They are two queries: when another
   * consumer commits in between (the previous owner's last flush during a rebalance), the fencing token
   * next_offset has moved, and the pair is read again.
   */
  private async loadCommitted(p: number) {
    const { reader, group, topic } = this.opts;
    let off = (await reader.loadOffsets(group, topic)).get(p);
    for (;;) {
      const records = off === undefined ? [] : await reader.loadSessionState(p);
      const again = (await reader.loadOffsets(group, topic)).get(p);
      if (again?.nextOffset === off?.nextOffset) return { off, records };
      off = again;
    }
  }

  /** Gives partitions up without committing (another consumer will reload them from the store). */
  revoke(partitions: readonly number[]): void {
    for (const p of partitions) {
      this.owned.delete(p);
      this.core.dropPartition(p);
      this.opts.archive?.discard(p);
    }
  }

  /** Processes messages of one owned partition, in offset order. */
  process(partition: number, messages: readonly ConsumedMessage[]): void {
    const o = this.owned.get(partition);
    if (o === undefined) return;
    const archive = this.opts.archive;
    for (const m of messages) {
      if (m.offset < o.next) {
        this.counters.skippedRedelivered++;
        continue;
      }
      this.counters.messages++;
      this.pendingEvents++;
      o.next = m.offset + 1;
      if (recordKind(m.headers) === RECORD_KINDS.control) {
        if (isEndOfStream(m.value)) o.ended = true;
        continue;
      }
      const produced = Number(m.headers[this.producedHeader] ?? m.timestamp);
      if (Number.isFinite(produced)) o.producedAt.push(produced);
      const parsed = parseEvent(m.value);
      if (!parsed.ok) {
        o.dead.push({
          topic: this.opts.topic,
          partition,
          offset: m.offset,
          reason: parsed.reason,
          payload: m.value,
        });
        continue;
      }
      const result = this.core.add(parsed.event, partition);
      if (result === "accepted") {
        this.counters.accepted++;
        archive?.add(partition, m.value);
      } else if (result === "duplicate") {
        this.counters.duplicates++;
      } else {
        o.dead.push({
          topic: this.opts.topic,
          partition,
          offset: m.offset,
          reason: result,
          payload: m.value,
        });
      }
    }
  }

  /**
   * Commits everything processed since the last flush in one transaction. `final` closes every open
   * session first (end of stream). Throws FencedError when another consumer took over, or the error of a
   * failed commit; either way the partitions are dropped first and must be assigned again (reloaded from
   * the last commit) before they are processed further.
   */
  async flush(final = false): Promise<FlushResult> {
    const parts = this.ownedPartitions();
    if (parts.length === 0) return { partitions: 0, upserted: 0, deleted: 0, deadLetters: 0, events: 0 };
    const changes: SessionChanges = { upserts: [], deletes: [], violations: [] };
    for (const p of parts) {
      const o = this.owned.get(p)!;
      const c = final || (o.ended && !o.closed) ? this.core.closeAll(p) : this.core.drain(p);
      changes.upserts.push(...c.upserts);
      changes.deletes.push(...c.deletes);
      changes.violations.push(...c.violations);
    }
    const stateUpserts: StateRecord[] = [];
    const stateDeletes: StateKey[] = [];
    const deadLetters: DeadLetter[] = [];
    const producedAt: number[] = [];
    const partitions: CommitBatch["partitions"] = [];
    for (const p of parts) {
      const o = this.owned.get(p)!;
      const sc = this.core.exportStateChanges(p);
      const records = stateChangesToRecords(sc);
      stateUpserts.push(...records.upserts);
      stateDeletes.push(...records.deletes);
      deadLetters.push(...o.dead);
      for (const v of changes.violations) {
        if (v.partition !== p) continue;
        deadLetters.push({
          topic: this.opts.topic,
          partition: p,
          offset: -1,
          reason: `sequence: ${v.rules.join(", ")} (session ${v.session_id}, event ${v.event.event_id}; counted in the session's sequence_violations)`,
          payload: JSON.stringify(v.event),
        });
      }
      producedAt.push(...o.producedAt);
      const watermark = this.core.watermark(p);
      partitions.push({
        partition: p,
        expectedOffset: o.committed,
        nextOffset: o.next,
        watermarkMs: watermark,
        // `ended`: the end-of-stream marker was read and every session of the partition closed.
        state: { maxEventTimeMs: sc.maxEventTimeMs, ended: final || o.ended },
      });
    }
    const batch: CommitBatch = {
      group: this.opts.group,
      topic: this.opts.topic,
      partitions,
      upserts: changes.upserts,
      deletes: changes.deletes,
      stateUpserts,
      stateDeletes,
      deadLetters,
    };
    try {
      // The archive and the dead-letter topic must hold everything a commit covers: write them first
      // (at least once; a replay after a crash may repeat some, compaction and readers dedupe).
      this.opts.archive?.writePending();
      if (deadLetters.length) await this.opts.deadLetterSink?.(deadLetters);
      await this.opts.sink.commit(batch);
    } catch (err) {
      // Fenced or not (PostgreSQL restarting, Kafka away), the changes drained above are gone from the
      // core: the only state to continue from is the last commit, so the partitions must be reloaded.
      if (err instanceof FencedError) this.opts.observer?.fenced?.(parts);
      this.revoke(parts);
      throw err;
    }
    const commitMs = Date.now();
    for (const p of parts) {
      const o = this.owned.get(p)!;
      if (final || o.ended) o.closed = true;
      o.committed = o.next;
      o.dead = [];
      o.producedAt = [];
    }
    const events = this.pendingEvents;
    this.pendingEvents = 0;
    this.counters.commits++;
    this.counters.deadLettered += deadLetters.length;
    const result = {
      partitions: parts.length,
      upserted: changes.upserts.length,
      deleted: changes.deletes.length,
      deadLetters: deadLetters.length,
      events,
    };
    if (deadLetters.length) {
      const byReason = new Map<string, number>();
      for (const d of deadLetters) {
        const reason = d.reason.split(":")[0]!;
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      }
      for (const [reason, n] of byReason) this.opts.observer?.deadLettered?.(reason, n);
    }
    this.opts.observer?.committed?.(producedAt, commitMs, result);
    if (this.opts.live) await this.opts.live.publish(changes.upserts, changes.deletes);
    return result;
  }
}
