// Shapes of what the sink writes and the reader returns.
import type { JsonValue, SessionRow, StateKey, StateRecord } from "../model/index.ts";

export type { JsonValue, StateKey, StateRecord } from "../model/index.ts";

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

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  reason: string;
  payload: string | null;
}

/** One partition's entry in session_state_log: the changed bases, or (snapshot) every open base. */
export interface StateLogEntry {
  partition: number;
  /** A snapshot replaces the partition's earlier log rows (they are deleted in the same commit). */
  snapshot: boolean;
  /** Opaque to the store (the sessionizer's JSON). */
  bases: string;
}

/** Everything one consumer commits atomically. */
export interface CommitBatch {
  group: string;
  topic: string;
  partitions: PartitionCommit[];
  upserts: readonly SessionRow[];
  /** session_ids of rows to delete (applied after the upserts). */
  deletes: readonly string[];
  /** session_state rows to insert or overwrite (by kind and key). */
  stateUpserts: readonly StateRecord[];
  /** session_state rows to delete (applied after the state upserts). */
  stateDeletes: readonly StateKey[];
  /** session_state_log rows to append (at most one per partition of this commit). */
  stateLog?: readonly StateLogEntry[];
  deadLetters: readonly DeadLetter[];
}

export interface CommitResult {
  upserted: number;
  deleted: number;
  stateUpserted: number;
  stateDeleted: number;
  stateLogged: number;
  deadLetters: number;
  partitions: number;
}

export interface PartitionOffset {
  nextOffset: number;
  watermarkMs: number | null;
  state: JsonValue;
}

export interface DeadLetterRow extends DeadLetter {
  id: number;
  group: string | null;
  createdAt: string;
}
