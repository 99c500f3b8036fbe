export { MemoryLog, type MemoryLogOptions } from "./memory-log.ts";
export { murmur2, partitionForKey, toPositive } from "./partitioner.ts";
export type {
  ConsumedMessage,
  ConsumeResult,
  MessagePosition,
  ProducedMessage,
  Transport,
} from "./types.ts";
