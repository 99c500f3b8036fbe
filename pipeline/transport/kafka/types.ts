// The consumer-group runner's public shapes: its options (callbacks included), its handle and its stats.
import type { ConsumedMessage } from "../types.ts";
import type { GroupConsumerSettings, KafkaOptions } from "./options.ts";

export interface GroupConsumerOptions extends KafkaOptions, GroupConsumerSettings {
  /**
   * Newly assigned partitions. Resolve with the next offset to read for each (the app's committed position);
   * a partition missing from the map starts at the log start. Nothing of these partitions is delivered
   * before this resolves.
   */
  onAssigned(partitions: number[]): Promise<ReadonlyMap<number, number>>;
  /**
   * Messages of one owned partition, contiguous from the expected offset, in offset order. The next batch
   * of that partition starts after the last message of this one. A throw stops the consumer (done rejects).
   */
  onBatch(partition: number, messages: ConsumedMessage[], highWatermark: number): Promise<void>;
  /** Partitions this member no longer owns (rebalance or stop); no onBatch for them follows. */
  onRevoked(partitions: number[]): Promise<void>;
  /** Aborting it stops the consumer gracefully (like stop()). */
  signal?: AbortSignal;
  /** Receives rebalance and crash notices (default: warnings to console.warn, info dropped). */
  log?: (level: "info" | "warn", message: string) => void;
}

export interface GroupConsumerStats {
  /** onBatch calls. */
  batches: number;
  /** Messages passed to onBatch. */
  delivered: number;
  /** Messages dropped by the guard (below the expected offset, or of a partition not owned or not ready). */
  dropped: number;
  /** Seeks issued because kafkajs's fetch position was ahead of the expected offset. */
  reseeks: number;
  /** GROUP_JOIN events seen. */
  joins: number;
}

export interface GroupConsumer {
  readonly groupId: string;
  readonly topic: string;
  /** Partitions handed to onAssigned and not revoked since, ascending. */
  assignment(): number[];
  /** Next offset to deliver for each owned, ready partition. */
  positions(): Map<number, number>;
  readonly stats: Readonly<GroupConsumerStats>;
  /**
   * Commits `nextOffset` for `partition` to Kafka, for monitoring tools only (lag in kafka-consumer-groups).
   * Call it after the app's own transaction committed. Never throws; false when not owned or refused.
   */
  commitInformational(partition: number, nextOffset: number): Promise<boolean>;
  /**
   * Asks the app again where owned partitions start: they are paused, onAssigned is called for them (after
   * the callbacks already queued), and delivery resumes from the offsets it returns. For an app whose
   * store refused a commit (fencing: it loaded its offsets before the previous owner's last commit).
   */
  reload(partitions: readonly number[]): void;
  /** Graceful stop: waits for the running callback, calls onRevoked, leaves the group, disconnects. */
  stop(): Promise<void>;
  /** Resolves after a graceful stop; rejects with the error that stopped the consumer. */
  readonly done: Promise<void>;
}
