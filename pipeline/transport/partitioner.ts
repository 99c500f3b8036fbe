// Kafka's default (Java client) partitioner for keyed messages: toPositive(murmur2(utf8(key))) % partitions.
// The same function as kafkajs's Partitioners.DefaultPartitioner and the Java client's
// BuiltInPartitioner.partitionForKey, so a user lands on the same partition in embedded and Kafka runs.
import { badInput } from "../errors/index.ts";

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): a signed 32-bit hash. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    // The four bytes occupy disjoint bits, so `|` equals the Java client's `+`.
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The Java switch falls through from case 3 to case 1; spelled out as ifs.
  const rest = length & 3;
  const tail = length & ~3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's toPositive: clears the sign bit (not Math.abs). */
export function toPositive(x: number): number {
  return x & 0x7fffffff;
}

/** Partition of a keyed message among `numPartitions` partitions. */
export function partitionForKey(key: string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw badInput(
      `numPartitions must be a positive integer, got ${numPartitions}; pass the topic's partition count`,
    );
  }
  return toPositive(murmur2(Buffer.from(key, "utf8"))) % numPartitions;
}
