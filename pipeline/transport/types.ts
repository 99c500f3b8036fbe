// The transport contract. The in-process log (memory-log.ts) implements it now; the Kafka adapter will
// implement the same interface, so the aggregator never knows which one it reads.

/** A message to append. `key` is the user_id: it picks the partition (see partitioner.ts). */
export interface ProducedMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
  /** Message timestamp in ms since the epoch (Kafka CreateTime); defaults to the time of the append. */
  timestamp?: number;
}

/** Where a produced message landed. */
export interface MessagePosition {
  partition: number;
  offset: number;
}

/** A message read back from one partition. */
export interface ConsumedMessage {
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: number;
}

export interface ConsumeResult {
  messages: ConsumedMessage[];
  /** Offset the next appended message will get (Kafka's high watermark): consumed up to here = caught up. */
  highWatermark: number;
}

/**
 * A partitioned, append-only log. Offsets are per partition, start at 0 and are contiguous; they stay
 * below 2^53 so plain numbers are exact.
 */
export interface Transport {
  /** Creates the topic; a no-op when it already exists with the same partition count. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Number of partitions of an existing topic. */
  partitionCount(topic: string): Promise<number>;
  /** Appends messages in order; one position per message, in input order. */
  produce(topic: string, messages: readonly ProducedMessage[]): Promise<MessagePosition[]>;
  /** Reads up to `maxMessages` messages of one partition starting at `fromOffset`. */
  consume(topic: string, partition: number, fromOffset: number, maxMessages: number): Promise<ConsumeResult>;
  /** High watermark of every partition, indexed by partition number. */
  endOffsets(topic: string): Promise<number[]>;
  close(): Promise<void>;
}
