// SessionSink: commits one consumer's output (session rows, open-session state, dead letters) and its
// partitions' offsets in ONE transaction, fenced on the stored offsets. A consumer that lost its
// partitions (its expectedOffset is stale) gets a FencedError and changes nothing.
import { parseOptions } from "../config/index.ts";
import { badInput, FencedError } from "../errors/index.ts";
import { type SessionRow, STATE_KINDS, type StateKey } from "../model/index.ts";
import { SESSION_COLUMN_LIST, UPSERT_SESSIONS_SQL } from "./columns.ts";
import { arrayLiteral, type Db, toNumber } from "./db.ts";
import { SINK_DEFAULTS, type SinkOptions, sinkOptionsSchema } from "./options.ts";
import type { CommitBatch, CommitResult, PartitionCommit } from "./types.ts";

/** next_offset of a row created for a first commit; never visible after a committed transaction. */
const NO_OFFSET = -1;

const INSERT_MISSING_OFFSETS = `INSERT INTO stream_offsets (consumer_group, topic, kafka_partition, next_offset)
SELECT $1, $2, p, ${NO_OFFSET} FROM unnest($3::int4[]) AS p
ON CONFLICT (consumer_group, topic, kafka_partition) DO NOTHING`;

const LOCK_OFFSETS = `SELECT kafka_partition, next_offset FROM stream_offsets
WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = ANY($3::int4[])
ORDER BY kafka_partition FOR UPDATE`;

const UPDATE_OFFSETS = `UPDATE stream_offsets AS o
SET next_offset = u.next_offset, watermark_ms = u.watermark_ms, state = u.state::jsonb, updated_at = CURRENT_TIMESTAMP
FROM unnest($3::int4[], $4::int8[], $5::int8[], $6::text[]) AS u(kafka_partition, next_offset, watermark_ms, state)
WHERE o.consumer_group = $1 AND o.topic = $2 AND o.kafka_partition = u.kafka_partition`;

const DELETE_SESSIONS = "DELETE FROM user_sessions WHERE session_id = ANY($1::varchar[])";

const UPSERT_STATE = `INSERT INTO session_state (kind, state_key, kafka_partition, state)
SELECT k, s, p, j::jsonb FROM unnest($1::varchar[], $2::varchar[], $3::int4[], $4::text[]) AS u(k, s, p, j)
ON CONFLICT (kind, state_key) DO UPDATE
SET kafka_partition = EXCLUDED.kafka_partition, state = EXCLUDED.state, updated_at = CURRENT_TIMESTAMP`;

const DELETE_STATE = `DELETE FROM session_state AS t USING unnest($1::varchar[], $2::varchar[]) AS d(k, s)
WHERE t.kind = d.k AND t.state_key = d.s`;

const CLEAR_STATE_LOG = "DELETE FROM session_state_log WHERE kafka_partition = ANY($1::int4[])";

/** One multi-row insert; the JSON goes as plain text parameters (no array-literal escaping of megabytes). */
function appendStateLogSql(rows: number): string {
  const values = Array.from(
    { length: rows },
    (_, i) => `($${3 * i + 1}::int4, $${3 * i + 2}::bool, $${3 * i + 3}::text)`,
  );
  return `INSERT INTO session_state_log (kafka_partition, snapshot, bases) VALUES ${values.join(", ")}`;
}

const KINDS: readonly string[] = Object.values(STATE_KINDS);

const INSERT_DEAD_LETTERS = `INSERT INTO dead_letters (consumer_group, topic, kafka_partition, kafka_offset, reason, payload)
SELECT $1::varchar, t, p, o, r, d FROM unnest($2::varchar[], $3::int4[], $4::int8[], $5::text[], $6::text[])
AS u(t, p, o, r, d)`;

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export class SessionSink {
  readonly #db: Db;
  readonly #chunkSize: number;

  constructor(db: Db, options: SinkOptions = {}) {
    const o = parseOptions(sinkOptionsSchema, options, "session sink options");
    this.#db = db;
    this.#chunkSize = o.chunkSize ?? SINK_DEFAULTS.chunkSize;
  }

  /**
   * Commits the batch atomically: lock the partitions' offset rows, check every stored next_offset
   * equals its expectedOffset (else FencedError, nothing written), upsert rows, delete rows, upsert and
   * delete state, append to the state log (a snapshot first clears its partition's log), add dead
   * letters, move the offsets. Duplicate session_ids in upserts: the last wins.
   */
  async commit(batch: CommitBatch): Promise<CommitResult> {
    const partitions = checkPartitions(batch);
    const upserts = lastById(batch.upserts, (r) => r.session_id);
    for (const row of upserts) checkRow(row);
    for (const s of [...batch.stateUpserts, ...batch.stateDeletes]) checkStateKey(s);
    const stateUpserts = lastById(batch.stateUpserts, (s) => `${s.kind}\u0000${s.key}`).map((s) => ({
      ...s,
      json: toJson(s.state, `${s.kind} state ${s.key}`),
    }));
    const partitionIds = partitions.map((p) => p.partition);
    for (const s of stateUpserts) {
      if (!Number.isInteger(s.kafka_partition))
        throw badInput(`${s.kind} state ${s.key}: kafka_partition must be an integer`);
    }
    const stateLog = batch.stateLog ?? [];
    const logged = new Set<number>();
    for (const e of stateLog) {
      if (!partitionIds.includes(e.partition) || logged.has(e.partition) || typeof e.bases !== "string") {
        throw badInput(
          `state log entry of partition ${e.partition}: one per partition of the commit, with the bases as a string`,
        );
      }
      logged.add(e.partition);
    }
    for (const d of batch.deadLetters) {
      if (!Number.isInteger(d.partition) || !Number.isSafeInteger(d.offset)) {
        throw badInput(
          `dead letter ${d.topic}/${d.partition}@${d.offset}: partition and offset must be integers`,
        );
      }
    }

    return this.#db.transaction(async (tx) => {
      // Rows exist for partitions committed before (a missing one fails the fencing check below).
      if (partitions.some((p) => (p.expectedOffset ?? NO_OFFSET) === NO_OFFSET)) {
        await tx.query(INSERT_MISSING_OFFSETS, [batch.group, batch.topic, arrayLiteral(partitionIds)]);
      }
      const stored = new Map(
        (await tx.query(LOCK_OFFSETS, [batch.group, batch.topic, arrayLiteral(partitionIds)])).map((r) => [
          toNumber(r["kafka_partition"]),
          toNumber(r["next_offset"]),
        ]),
      );
      for (const p of partitions) {
        const expected = p.expectedOffset ?? NO_OFFSET;
        const actual = stored.get(p.partition) ?? NO_OFFSET;
        if (actual !== expected)
          throw new FencedError(p.partition, expected, actual === NO_OFFSET ? null : actual);
      }

      for (const chunk of chunks(upserts, this.#chunkSize)) {
        await tx.query(
          UPSERT_SESSIONS_SQL,
          SESSION_COLUMN_LIST.map((c) => arrayLiteral(chunk.map((row) => row[c.name]))),
        );
      }
      for (const chunk of chunks(batch.deletes, this.#chunkSize))
        await tx.query(DELETE_SESSIONS, [arrayLiteral(chunk)]);
      for (const chunk of chunks(stateUpserts, this.#chunkSize)) {
        await tx.query(UPSERT_STATE, [
          arrayLiteral(chunk.map((s) => s.kind)),
          arrayLiteral(chunk.map((s) => s.key)),
          arrayLiteral(chunk.map((s) => s.kafka_partition)),
          arrayLiteral(chunk.map((s) => s.json)),
        ]);
      }
      for (const chunk of chunks(batch.stateDeletes, this.#chunkSize))
        await tx.query(DELETE_STATE, [
          arrayLiteral(chunk.map((s) => s.kind)),
          arrayLiteral(chunk.map((s) => s.key)),
        ]);
      const snapshots = stateLog.filter((e) => e.snapshot).map((e) => e.partition);
      if (snapshots.length > 0) await tx.query(CLEAR_STATE_LOG, [arrayLiteral(snapshots)]);
      if (stateLog.length > 0) {
        await tx.query(
          appendStateLogSql(stateLog.length),
          stateLog.flatMap((e) => [e.partition, e.snapshot, e.bases]),
        );
      }
      for (const chunk of chunks(batch.deadLetters, this.#chunkSize)) {
        await tx.query(INSERT_DEAD_LETTERS, [
          batch.group,
          arrayLiteral(chunk.map((d) => d.topic)),
          arrayLiteral(chunk.map((d) => d.partition)),
          arrayLiteral(chunk.map((d) => d.offset)),
          arrayLiteral(chunk.map((d) => d.reason)),
          arrayLiteral(chunk.map((d) => d.payload)),
        ]);
      }
      await tx.query(UPDATE_OFFSETS, [
        batch.group,
        batch.topic,
        arrayLiteral(partitionIds),
        arrayLiteral(partitions.map((p) => p.nextOffset)),
        arrayLiteral(partitions.map((p) => p.watermarkMs)),
        arrayLiteral(partitions.map((p) => toJson(p.state, `state of partition ${p.partition}`))),
      ]);
      return {
        upserted: upserts.length,
        deleted: batch.deletes.length,
        stateUpserted: stateUpserts.length,
        stateDeleted: batch.stateDeletes.length,
        stateLogged: stateLog.length,
        deadLetters: batch.deadLetters.length,
        partitions: partitions.length,
      };
    });
  }
}

/** Partitions sorted ascending (a fixed lock order, so two committers cannot deadlock), validated. */
function checkPartitions(batch: CommitBatch): PartitionCommit[] {
  if (batch.group.length === 0 || batch.topic.length === 0)
    throw badInput("commit: group and topic must be set");
  if (batch.partitions.length === 0) {
    throw badInput("commit: at least one partition is required (its offset is the fencing token)");
  }
  const sorted = [...batch.partitions].sort((a, b) => a.partition - b.partition);
  for (const [i, p] of sorted.entries()) {
    const where = `commit ${batch.group}/${batch.topic} partition ${p.partition}`;
    if (!Number.isInteger(p.partition) || p.partition < 0)
      throw badInput(`${where}: partition must be an integer >= 0`);
    if (i > 0 && sorted[i - 1]!.partition === p.partition) throw badInput(`${where}: listed twice`);
    const expected = p.expectedOffset ?? NO_OFFSET;
    if (!Number.isSafeInteger(expected) || expected < NO_OFFSET) {
      throw badInput(`${where}: expectedOffset must be null, -1 or an integer >= 0, got ${p.expectedOffset}`);
    }
    if (!Number.isSafeInteger(p.nextOffset) || p.nextOffset < Math.max(0, expected)) {
      throw badInput(
        `${where}: nextOffset must be an integer >= expectedOffset (${expected}), got ${p.nextOffset}`,
      );
    }
    if (p.watermarkMs !== null && !Number.isSafeInteger(p.watermarkMs)) {
      throw badInput(`${where}: watermarkMs must be null or an integer (ms), got ${p.watermarkMs}`);
    }
  }
  return sorted;
}

/** Rejects values PostgreSQL would silently alter (a time zone on a TIMESTAMP, NaN in a DECIMAL). */
function checkRow(row: SessionRow): void {
  for (const { name, kind } of SESSION_COLUMN_LIST) {
    const v: unknown = row[name];
    if (v === null) continue;
    const ok =
      kind === "timestamp"
        ? typeof v === "string" && ISO_UTC_MS.test(v)
        : kind === "varchar"
          ? typeof v === "string"
          : kind === "integer"
            ? Number.isSafeInteger(v)
            : kind === "decimal"
              ? typeof v === "number" && Number.isFinite(v)
              : typeof v === "boolean";
    if (!ok) {
      const want =
        kind === "timestamp" ? "an ISO UTC string with ms (2025-10-20T12:00:00.000Z)" : `a ${kind} value`;
      throw badInput(
        `session row ${row.session_id}: ${name} must be ${want} or null, got ${JSON.stringify(v)}`,
      );
    }
  }
}

function checkStateKey(s: StateKey): void {
  if (!KINDS.includes(s.kind) || typeof s.key !== "string" || s.key.length === 0) {
    throw badInput(
      `session state ${JSON.stringify({ kind: s.kind, key: s.key })}: kind must be one of ${KINDS.join(", ")} and key a non-empty string`,
    );
  }
}

function toJson(value: unknown, what: string): string {
  const text = JSON.stringify(value ?? null);
  if (text === undefined) throw badInput(`${what} is not JSON-serializable`);
  return text;
}

function lastById<T>(items: readonly T[], id: (item: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const key = id(item);
    byId.delete(key); // keep the position of the last occurrence
    byId.set(key, item);
  }
  return [...byId.values()];
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
