// Public face of the transports: the contract, the in-process log, the Kafka adapter, and producing a
// simulation or dead letters through any of them.
export { type DeadLetterRecord, produceDeadLetters } from "./dead-letters.ts";
export {
  cartstreamPartitioner,
  DEFAULT_KAFKA_BROKERS,
  GROUP_CONSUMER_DEFAULTS,
  type GroupConsumer,
  type GroupConsumerOptions,
  type GroupConsumerStats,
  type KafkaOptions,
  KafkaTransport,
  type KafkaTransportOptions,
  kafkaError,
  resolveKafkaOptions,
  runGroupConsumer,
} from "./kafka/index.ts";
export { MemoryLog, type MemoryLogOptions } from "./memory-log.ts";
export { murmur2, partitionForKey, toPositive } from "./partitioner.ts";
export {
  type InjectedCounts,
  type ProduceOptions,
  type ProduceResult,
  produceSimulation,
} from "./produce-events.ts";
export type {
  ConsumedMessage,
  ConsumeResult,
  MessagePosition,
  ProducedMessage,
  Transport,
} from "./types.ts";
