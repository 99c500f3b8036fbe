export {
  type DeadLetterRecord,
  GROUP_CONSUMER_DEFAULTS,
  type GroupConsumer,
  type GroupConsumerOptions,
  type GroupConsumerStats,
  produceDeadLetters,
  runGroupConsumer,
} from "./kafka-consumer.ts";
export {
  cartstreamPartitioner,
  DEFAULT_KAFKA_BROKERS,
  type KafkaOptions,
  KafkaTransport,
  type KafkaTransportOptions,
  kafkaError,
  PRODUCED_AT_HEADER,
  resolveKafkaOptions,
} from "./kafka-transport.ts";
export { MemoryLog, type MemoryLogOptions } from "./memory-log.ts";
export { murmur2, partitionForKey, toPositive } from "./partitioner.ts";
export type {
  ConsumedMessage,
  ConsumeResult,
  MessagePosition,
  ProducedMessage,
  Transport,
} from "./types.ts";
