// The aggregator's processing loop for the partitions one consumer owns, the same in every mode:
// transport messages in, sessionizer core in the middle, one store transaction out per flush.
//
// Exactly-once effects: session rows are whole rows (idempotent), and every commit moves the partitions'
// offsets in the same transaction as the rows and the open-session state they cover, guarded by a fencing check (the offset this consumer expects must still
// be the stored one). A consumer that lost a partition fails that check, rolls back, and drops its state.
// Messages below a partition's next offset are skipped, so redelivery by the transport cannot double count.
import type { BaseState, SessionizerOptions } from "../aggregator/index.ts";
import { encodeStateLog, Sessionizer, stateChangesToRecords, stateFromRecords } from "../aggregator/index.ts";
import { FencedError } from "../errors/index.ts";
import { isEndOfStream, parseEvent, RECORD_KINDS, recordKind } from "../events/index.ts";
import type { SessionRow } from "../model/index.ts";
import type {
  CommitBatch,
  DeadLetter,
  SessionReader,
  SessionSink,
  StateKey,
  StateLogEntry,
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
  /**
   * Rows of open sessions go to the store at most this often (ms); closed rows, state and offsets go in
   * every commit, and the live publisher gets open rows at every commit. Default DEFAULT_OPEN_ROWS_MS.
   */
  openRowsMs?: number;
  /** See DEFAULT_STATE_LOG_BYTES. */
  stateLogBytes?: number;
}

/** How often open sessions' rows are written to the store by default (ms). */
export const DEFAULT_OPEN_ROWS_MS = 2_000;

/**
 * A partition's state log gets a snapshot (and its older rows go) once it holds more than this many
 * bytes and twice its last snapshot: writing stays linear in the events, a restart reads a bounded log.
 */
export const DEFAULT_STATE_LOG_BYTES = 8 * 1024 * 1024;

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
  /** Open rows drained but not written to the store yet (by session_id; the latest wins). */
  openRows: Map<string, SessionRow>;
  /** session_state records of an earlier kind to delete at the next commit (which rewrites their bases). */
  legacy: StateKey[];
  /** Bytes in the partition's state log now, and in its last snapshot. */
  logBytes: number;
  snapshotBytes: number;
  /** Bases closed since the last snapshot (only in the log): the snapshot writes them as records. */
  closedSince: Map<string, BaseState>;
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
  private readonly openRowsMs: number;
  private readonly stateLogBytes: number;
  private lastOpenRowsMs = Number.NEGATIVE_INFINITY;
  counters = { messages: 0, accepted: 0, duplicates: 0, deadLettered: 0, skippedRedelivered: 0, commits: 0 };

  constructor(opts: ProcessorOptions) {
    this.opts = opts;
    this.core = new Sessionizer(opts.sessionizer ?? {});
    this.producedHeader = opts.producedAtHeader ?? "produced_at";
    this.openRowsMs = opts.openRowsMs ?? DEFAULT_OPEN_ROWS_MS;
    this.stateLogBytes = opts.stateLogBytes ?? DEFAULT_STATE_LOG_BYTES;
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
    const { offsets, state } = await this.opts.reader.loadAssignment(
      this.opts.group,
      this.opts.topic,
      partitions,
    );
    const start = new Map<number, number>();
    for (const p of partitions) {
      this.core.dropPartition(p);
      this.opts.archive?.discard(p);
      const off = offsets.get(p);
      let legacy: StateKey[] = [];
      let logBytes = 0;
      const closedSince = new Map<string, BaseState>();
      if (off !== undefined) {
        const { records, log: entries } = state.get(p)!;
        const log = entries.map((e) => e.bases);
        const maxEventTimeMs =
          (off.state as { maxEventTimeMs?: number | null } | null)?.maxEventTimeMs ?? null;
        const loaded = stateFromRecords(p, maxEventTimeMs, records, log);
        legacy = loaded.legacy;
        for (const text of log) logBytes += text.length;
        for (const b of loaded.closedInLog) closedSince.set(b.base_session_id, b);
        this.core.importPartitionState(p, loaded.state, legacy.length > 0);
      }
      const ended = (off?.state as { ended?: boolean } | null | undefined)?.ended === true;
      this.owned.set(p, {
        ended,
        closed: ended,
        committed: off?.nextOffset ?? null,
        next: off?.nextOffset ?? 0,
        dead: [],
        producedAt: [],
        openRows: new Map(),
        legacy,
        logBytes,
        snapshotBytes: 0,
        closedSince,
      });
      start.set(p, off?.nextOffset ?? 0);
    }
    return start;
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
   * The partition's state log entry for this commit: the changed bases, or a snapshot of every open base
   * once the log is large (the bases closed since the last snapshot then go to session_state records).
   */
  private stateLogEntry(p: number, o: Owned, changed: readonly BaseState[]) {
    for (const b of changed) {
      if (b.segments.length === 0) o.closedSince.set(b.base_session_id, b);
      else o.closedSince.delete(b.base_session_id);
    }
    const delta = changed.length > 0 ? encodeStateLog(changed) : "";
    if (o.logBytes + delta.length <= Math.max(this.stateLogBytes, 2 * o.snapshotBytes)) {
      if (delta === "") return null;
      const after = { logBytes: o.logBytes + delta.length, snapshotBytes: o.snapshotBytes, snapshot: false };
      return { entry: { partition: p, snapshot: false, bases: delta }, records: [], after };
    }
    const bases = encodeStateLog(this.core.exportOpenBases(p));
    const records = stateChangesToRecords({
      version: 2,
      partition: p,
      maxEventTimeMs: null,
      bases: [...o.closedSince.values()],
    }).upserts;
    const after = { logBytes: bases.length, snapshotBytes: bases.length, snapshot: true };
    return { entry: { partition: p, snapshot: true, bases }, records, after };
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
    const now = Date.now();
    const openDue = final || now - this.lastOpenRowsMs >= this.openRowsMs;
    const drainOpen = openDue || this.opts.live !== undefined;
    const upserts: SessionRow[] = [];
    const liveRows: SessionRow[] = [];
    const deletes: string[] = [];
    const stateUpserts: StateRecord[] = [];
    const stateDeletes: StateKey[] = [];
    const stateLog: StateLogEntry[] = [];
    const logUpdates: ({ logBytes: number; snapshotBytes: number; snapshot: boolean } | null)[] = [];
    const deadLetters: DeadLetter[] = [];
    const producedAt: number[] = [];
    const partitions: CommitBatch["partitions"] = [];
    for (const p of parts) {
      const o = this.owned.get(p)!;
      const closing = final || (o.ended && !o.closed);
      const c = closing ? { ...this.core.closeAll(p), closed: [] } : this.core.drainSplit(p, drainOpen);
      const closedRows = closing ? c.upserts : c.closed;
      const openRows = closing ? [] : c.upserts;
      for (const r of openRows) {
        o.openRows.set(r.session_id, r);
        liveRows.push(r);
      }
      for (const r of closedRows) {
        o.openRows.delete(r.session_id);
        upserts.push(r);
        liveRows.push(r);
      }
      for (const k of c.deletes) {
        o.openRows.delete(k);
        deletes.push(k);
      }
      if (openDue) {
        for (const r of o.openRows.values()) upserts.push(r);
        o.openRows.clear();
      }
      const sc = this.core.exportStateChanges(p);
      const entry = this.stateLogEntry(p, o, sc.bases);
      if (entry !== null) stateLog.push(entry.entry);
      logUpdates.push(entry?.after ?? null);
      for (const r of entry?.records ?? []) stateUpserts.push(r);
      for (const k of o.legacy) stateDeletes.push(k);
      for (const d of o.dead) deadLetters.push(d);
      for (const v of c.violations) {
        deadLetters.push({
          topic: this.opts.topic,
          partition: p,
          offset: -1,
          reason: `sequence: ${v.rules.join(", ")} (session ${v.session_id}, event ${v.event.event_id}; counted in the session's sequence_violations)`,
          payload: JSON.stringify(v.event),
        });
      }
      for (const t of o.producedAt) producedAt.push(t);
      partitions.push({
        partition: p,
        expectedOffset: o.committed,
        nextOffset: o.next,
        watermarkMs: this.core.watermark(p),
        // `ended`: the end-of-stream marker was read and every session of the partition closed.
        state: { maxEventTimeMs: sc.maxEventTimeMs, ended: final || o.ended },
      });
    }
    const batch: CommitBatch = {
      group: this.opts.group,
      topic: this.opts.topic,
      partitions,
      upserts,
      deletes,
      stateUpserts,
      stateDeletes,
      stateLog,
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
    parts.forEach((p, i) => {
      const o = this.owned.get(p)!;
      const log = logUpdates[i];
      if (log) {
        o.logBytes = log.logBytes;
        o.snapshotBytes = log.snapshotBytes;
        if (log.snapshot) o.closedSince.clear();
      }
      if (final || o.ended) o.closed = true;
      o.committed = o.next;
      o.dead = [];
      o.producedAt = [];
      o.legacy = [];
    });
    if (openDue) this.lastOpenRowsMs = now;
    const events = this.pendingEvents;
    this.pendingEvents = 0;
    this.counters.commits++;
    this.counters.deadLettered += deadLetters.length;
    const result = {
      partitions: parts.length,
      upserted: upserts.length,
      deleted: deletes.length,
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
    if (this.opts.live) await this.opts.live.publish(liveRows, deletes);
    return result;
  }
}
