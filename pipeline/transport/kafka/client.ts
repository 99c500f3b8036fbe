// The kafkajs client as cartstream configures it, and kafkajs messages in the transport's shape.
import { Kafka, type KafkaMessage, logLevel, type Message } from "kafkajs";
import { CartstreamError, ERROR_CODES } from "../../errors/index.ts";
import { partitionForKey } from "../partitioner.ts";
import type { ConsumedMessage } from "../types.ts";
import type { KafkaLogLevel, ResolvedKafkaOptions } from "./options.ts";

const LOG_LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** A kafkajs client for resolved options: plaintext, short retries, the chosen log level. */
export function createKafkaClient(o: ResolvedKafkaOptions): Kafka {
  return new Kafka({
    brokers: o.brokers,
    clientId: o.clientId,
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    // Backoff 150, 300, 600, 1200, 2400 ms (+-20%): a missing broker surfaces in seconds.
    retry: { retries: o.retries, initialRetryTime: 150, maxRetryTime: 3_000 },
    logLevel: LOG_LEVELS[o.logLevel],
  });
}

/** kafkajs partitioner = the project's partitioner, so embedded and Kafka runs place a user on the same partition. */
export function cartstreamPartitioner() {
  return ({ partitionMetadata, message }: { partitionMetadata: readonly unknown[]; message: Message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const key = message.key;
    if (key === undefined || key === null) {
      throw new CartstreamError(ERROR_CODES.BAD_INPUT, "every cartstream message needs a key (the user_id)");
    }
    return partitionForKey(typeof key === "string" ? key : key.toString("utf8"), partitionMetadata.length);
  };
}

/** A consumed kafkajs message; repeated header keys keep their last value (the contract has one per key). */
export function toConsumedMessage(m: KafkaMessage, offset: number): ConsumedMessage {
  const headers: Record<string, string> = {};
  if (m.headers !== undefined) {
    for (const [k, v] of Object.entries(m.headers)) {
      const b = Array.isArray(v) ? v[v.length - 1] : v;
      if (b !== undefined) headers[k] = typeof b === "string" ? b : b.toString("utf8");
    }
  }
  return {
    offset,
    key: m.key === null || m.key === undefined ? "" : m.key.toString("utf8"),
    value: m.value === null ? "" : m.value.toString("utf8"),
    headers,
    timestamp: Number(m.timestamp),
  };
}
