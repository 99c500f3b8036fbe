// SessionReader: what a restarting consumer loads (offsets, open-session state) and what validation
// compares with the ground truth (sessions). Values come back driver-independent: timestamps as the ISO
// strings that were written, DECIMAL and BIGINT as JS numbers.
import type { SessionRow, StateKind } from "../model/index.ts";
import { SELECT_SESSIONS_SQL } from "./columns.ts";
import { type Db, type Row, toNumber } from "./db.ts";
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
    return parseOffsets(await this.#db.query(SELECT_OFFSETS, [group, topic]));
  }

  /**
   * What a consumer taking over partitions reads, from ONE snapshot of the store (a repeatable-read
   * transaction): the group's offsets, and each partition's state records and state log. Read in separate
   * statements, a commit of the previous owner in between would pair an older offset with newer state.
   */
  async loadAssignment(
    group: string,
    topic: string,
    partitions: readonly number[],
  ): Promise<LoadedAssignment> {
    return this.#db.transaction(async (tx) => {
      await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const offsets = parseOffsets(await tx.query(SELECT_OFFSETS, [group, topic]));
      const state = new Map<number, PartitionStateRows>();
      for (const p of partitions) {
        state.set(p, {
          records: parseState(await tx.query(SELECT_STATE, [p])),
          log: parseLog(p, await tx.query(SELECT_STATE_LOG, [p])),
        });
      }
      return { offsets, state };
    });
  }

  /** Open sessions' state rows of one partition, by kind and key. */
  async loadSessionState(partition: number): Promise<StateRecord[]> {
    return parseState(await this.#db.query(SELECT_STATE, [partition]));
  }

  /** A partition's session_state_log rows in commit order (the oldest is its last snapshot, if any). */
  async loadStateLog(partition: number): Promise<StateLogEntry[]> {
    return parseLog(partition, await this.#db.query(SELECT_STATE_LOG, [partition]));
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

/** A partition's state rows as loadAssignment reads them. */
export interface PartitionStateRows {
  records: StateRecord[];
  log: StateLogEntry[];
}

export interface LoadedAssignment {
  offsets: Map<number, PartitionOffset>;
  state: Map<number, PartitionStateRows>;
}

function parseOffsets(rows: Row[]): Map<number, PartitionOffset> {
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

function parseState(rows: Row[]): StateRecord[] {
  return rows.map((r) => ({
    kind: String(r["kind"]) as StateKind,
    key: String(r["state_key"]),
    kafka_partition: toNumber(r["kafka_partition"]),
    state: parseJson(r["state"]),
  }));
}

function parseLog(partition: number, rows: Row[]): StateLogEntry[] {
  return rows.map((r) => ({ partition, snapshot: r["snapshot"] === true, bases: String(r["bases"]) }));
}
