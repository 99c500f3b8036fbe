// Public face of the Kafka adapter (kafkajs 2.2.4, public API only).
export { cartstreamPartitioner, createKafkaClient } from "./client.ts";
export { runGroupConsumer } from "./consumer.ts";
export { KAFKA_HINT, kafkaError } from "./errors.ts";
export {
  DEFAULT_KAFKA_BROKERS,
  GROUP_CONSUMER_DEFAULTS,
  type GroupConsumerSettings,
  KAFKA_DEFAULTS,
  KAFKA_LOG_LEVELS,
  KAFKA_TRANSPORT_DEFAULTS,
  type KafkaLogLevel,
  type KafkaOptions,
  type KafkaTransportOptions,
  type ResolvedKafkaOptions,
  resolveKafkaOptions,
} from "./options.ts";
export { KafkaTransport } from "./producer.ts";
export type { GroupConsumer, GroupConsumerOptions, GroupConsumerStats } from "./types.ts";
