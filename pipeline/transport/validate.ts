// Argument checks every Transport makes the same way, with the same messages.
import { badInput, type CartstreamError } from "../errors/index.ts";
import { partitionForKey } from "./partitioner.ts";
import type { ProducedMessage } from "./types.ts";

/** createTopic's arguments. */
export function checkNewTopic(topic: string, partitions: number): void {
  if (topic.length === 0) throw badInput("topic name must not be empty");
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw badInput(`topic ${topic}: partitions must be a positive integer, got ${partitions}`);
  }
}

export function topicExists(topic: string, existing: number, asked: number): CartstreamError {
  return badInput(
    `topic ${topic} already exists with ${existing} partitions, asked for ${asked}; use a new topic name`,
  );
}

/** A partition number of a topic with `partitions` partitions. */
export function checkPartition(topic: string, partition: number, partitions: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw badInput(`topic ${topic} has partitions 0..${partitions - 1}, got partition ${partition}`);
  }
}

/** consume's arguments. */
export function checkRead(
  topic: string,
  partition: number,
  partitions: number,
  fromOffset: number,
  maxMessages: number,
): void {
  checkPartition(topic, partition, partitions);
  if (!Number.isSafeInteger(fromOffset) || fromOffset < 0) {
    throw badInput(
      `topic ${topic} partition ${partition}: fromOffset must be an integer >= 0, got ${fromOffset}`,
    );
  }
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw badInput(`maxMessages must be a positive integer, got ${maxMessages}`);
  }
}

/** The partition a message goes to: the one it names, else its key's (Kafka's default partitioner). */
export function targetPartition(topic: string, m: ProducedMessage, partitions: number): number {
  if (m.partition === undefined) return partitionForKey(m.key, partitions);
  checkPartition(topic, m.partition, partitions);
  return m.partition;
}
