// The transport contract, implemented by the in-process log (memory-log.ts) and the Kafka adapter
// (kafka/producer.ts). The aggregator reads Kafka through the consumer group (kafka/consumer.ts), the
// embedded runner the in-process log through consume().

/**
 * A message to append to partition `partition`, or, when it names none, to the partition of its key (the
 * user_id, through Kafka's default partitioner: partitioner.ts), so all of a user's events stay in order on
 * one partition. Control records (the end-of-stream marker of each partition) name their partition.
 */
export interface ProducedMessage {
  key: string;
  value: string;
  /** The partition to append to; default: partitionForKey(key, partitions). */
  partition?: number;
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
  /**
   * Appends messages in order, each to the partition it names or to its key's; one position per message,
   * in input order.
   */
  produce(topic: string, messages: readonly ProducedMessage[]): Promise<MessagePosition[]>;
  /**
   * Reads up to `maxMessages` messages of one partition starting at `fromOffset` (a pull read: the embedded
   * runner's loop; on Kafka it costs a consumer-group join, so the aggregator uses the group consumer).
   */
  consume(topic: string, partition: number, fromOffset: number, maxMessages: number): Promise<ConsumeResult>;
  /** High watermark of every partition, indexed by partition number. */
  endOffsets(topic: string): Promise<number[]>;
  close(): Promise<void>;
}
