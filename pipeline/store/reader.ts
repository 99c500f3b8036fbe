// SessionReader: what a restarting consumer loads (offsets, open-session state) and what validation
// compares with the ground truth (sessions). Values come back driver-independent: timestamps as the ISO
// strings that were written, DECIMAL and BIGINT as JS numbers.
import type { SessionRow, StateKind } from "../model/index.ts";
import { SELECT_SESSIONS_SQL } from "./columns.ts";
import { type Db, toNumber } from "./db.ts";
import type { DeadLetterRow, JsonValue, PartitionOffset, StateLogEntry, StateRecord } from "./types.ts";

const SELECT_OFFSETS = `SELECT kafka_partition, next_offset::text AS next_offset, watermark_ms::text AS watermark_ms,
state::text AS state FROM stream_offsets
WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 0 ORDER BY kafka_partition`;

const SELECT_STATE = `SELECT kind, state_key, kafka_partition, state::text AS state FROM session_state
WHERE kafka_partition = $1 ORDER BY kind COLLATE "C", state_key COLLATE "C"`;

const SELECT_STATE_LOG = `SELECT snapshot, bases FROM session_state_log WHERE kafka_partition = $1 ORDER BY id`;

const COUNT_SESSIONS = "SELECT count(*)::int AS n FROM user_sessions";

const SELECT_DEAD_LETTERS = `SELECT id::text AS id, consumer_group, topic, kafka_partition, kafka_offset::text AS kafka_offset,
reason, payload, to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM dead_letters ORDER BY id`;

function parseJson(text: unknown): JsonValue {
  return text === null || text === undefined ? null : (JSON.parse(String(text)) as JsonValue);
}

export class SessionReader {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Committed offsets of a consumer group on a topic: partition -> next offset, watermark, state. */
  async loadOffsets(group: string, topic: string): Promise<Map<number, PartitionOffset>> {
    return offsetsFrom(await this.#db.query(SELECT_OFFSETS, [group, topic]));
  }

  /** Open sessions' state rows of one partition, by kind and key. */
  async loadSessionState(partition: number): Promise<StateRecord[]> {
    return stateFrom(await this.#db.query(SELECT_STATE, [partition]));
  }

  /**
   * The committed offsets and the state rows of `partitions`, read in one REPEATABLE READ transaction: one
   * snapshot, so a commit by the partition's previous owner that lands in between cannot pair an older offset
   * row with newer state (reading them apart made an aggregator reject its own store's state on a rebalance).
   */
  async loadPartitions(
    group: string,
    topic: string,
    partitions: readonly number[],
  ): Promise<{
    offsets: Map<number, PartitionOffset>;
    state: Map<number, StateRecord[]>;
    log: Map<number, StateLogEntry[]>;
  }> {
    return this.#db.transaction(async (tx) => {
      await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const offsets = offsetsFrom(await tx.query(SELECT_OFFSETS, [group, topic]));
      const state = new Map<number, StateRecord[]>();
      const log = new Map<number, StateLogEntry[]>();
      for (const p of partitions) {
        state.set(p, stateFrom(await tx.query(SELECT_STATE, [p])));
        log.set(p, logFrom(p, await tx.query(SELECT_STATE_LOG, [p])));
      }
      return { offsets, state, log };
    });
  }

  /** A partition's session_state_log rows in commit order (the oldest is its last snapshot, if any). */
  async loadStateLog(partition: number): Promise<StateLogEntry[]> {
    return logFrom(partition, await this.#db.query(SELECT_STATE_LOG, [partition]));
  }

  /** Every row of user_sessions, ordered by session_id (byte order, the same on every server). */
  async readSessions(): Promise<SessionRow[]> {
    return this.#db.query<SessionRow & Record<string, unknown>>(SELECT_SESSIONS_SQL);
  }

  async countSessions(): Promise<number> {
    const [row] = await this.#db.query(COUNT_SESSIONS);
    return toNumber(row!["n"]);
  }

  async readDeadLetters(): Promise<DeadLetterRow[]> {
    const rows = await this.#db.query(SELECT_DEAD_LETTERS);
    return rows.map((r) => ({
      id: toNumber(r["id"]),
      group: r["consumer_group"] === null ? null : String(r["consumer_group"]),
      topic: String(r["topic"]),
      partition: toNumber(r["kafka_partition"]),
      offset: toNumber(r["kafka_offset"]),
      reason: String(r["reason"]),
      payload: r["payload"] === null ? null : String(r["payload"]),
      createdAt: String(r["created_at"]),
    }));
  }
}

function offsetsFrom(rows: Record<string, unknown>[]): Map<number, PartitionOffset> {
  return new Map(
    rows.map((r) => [
      toNumber(r["kafka_partition"]),
      {
        nextOffset: toNumber(r["next_offset"]),
        watermarkMs: r["watermark_ms"] === null ? null : toNumber(r["watermark_ms"]),
        state: parseJson(r["state"]),
      },
    ]),
  );
}

function stateFrom(rows: Record<string, unknown>[]): StateRecord[] {
  return rows.map((r) => ({
    kind: String(r["kind"]) as StateKind,
    key: String(r["state_key"]),
    kafka_partition: toNumber(r["kafka_partition"]),
    state: parseJson(r["state"]),
  }));
}

function logFrom(partition: number, rows: Record<string, unknown>[]): StateLogEntry[] {
  return rows.map((r) => ({ partition, snapshot: r["snapshot"] === true, bases: String(r["bases"]) }));
}
