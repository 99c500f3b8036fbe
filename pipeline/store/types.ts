// Shapes of what the sink writes and the reader returns.
import type { SessionRow } from "../model/index.ts";

/** JSON-serializable state, opaque to the store (stored as JSONB: key order is not preserved). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface PartitionCommit {
  partition: number;
  /** next_offset this consumer believes is committed; null or -1 before the partition's first commit. */
  expectedOffset: number | null;
  /** Offset of the next message to read once this commit is in. */
  nextOffset: number;
  /** The partition's event-time watermark in ms since the epoch, null before any event. */
  watermarkMs: number | null;
  /** The partition's serialized sessionizer state. */
  state: JsonValue;
}

export interface SessionStateUpsert {
  session_id: string;
  kafka_partition: number;
  state: JsonValue;
}

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  reason: string;
  payload: string | null;
}

/** Everything one consumer commits atomically. */
export interface CommitBatch {
  group: string;
  topic: string;
  partitions: PartitionCommit[];
  upserts: readonly SessionRow[];
  /** session_ids of rows to delete (applied after the upserts). */
  deletes: readonly string[];
  stateUpserts: readonly SessionStateUpsert[];
  /** session_ids of state rows to delete (applied after the state upserts). */
  stateDeletes: readonly string[];
  deadLetters: readonly DeadLetter[];
}

export interface CommitResult {
  upserted: number;
  deleted: number;
  stateUpserted: number;
  stateDeleted: number;
  deadLetters: number;
  partitions: number;
}

export interface PartitionOffset {
  nextOffset: number;
  watermarkMs: number | null;
  state: JsonValue;
}

export interface SessionStateRow {
  session_id: string;
  kafka_partition: number;
  state: JsonValue;
}

export interface DeadLetterRow extends DeadLetter {
  id: number;
  group: string | null;
  createdAt: string;
}
