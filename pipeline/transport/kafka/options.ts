// Options of the Kafka adapter: typed interfaces, strict runtime schemas (unknown keys rejected, every
// issue reported with its path), defaults in one place, and the environment ($KAFKA_BROKERS,
// $KAFKA_LOG_LEVEL) applied once, in resolveKafkaOptions.
import { z } from "zod";
import { parseOptions } from "../../config/index.ts";
import { ConfigError } from "../../errors/index.ts";

export const DEFAULT_KAFKA_BROKERS = "127.0.0.1:9092";

export const KAFKA_LOG_LEVELS = ["nothing", "error", "warn", "info", "debug"] as const;
export type KafkaLogLevel = (typeof KAFKA_LOG_LEVELS)[number];

/** Connection options shared by the transport and the group consumer. */
export interface KafkaOptions {
  /** Bootstrap brokers, "host:port" or a comma-separated list; default $KAFKA_BROKERS, else 127.0.0.1:9092. */
  brokers?: string | readonly string[];
  /** Client id shown in broker logs and quotas (default "cartstream"). */
  clientId?: string;
  /** TCP connect timeout per attempt in ms (default 1500). */
  connectionTimeoutMs?: number;
  /** Request timeout in ms (default 30000). */
  requestTimeoutMs?: number;
  /** kafkajs retries per operation (default 5: a missing broker fails in about 5 to 10 s, not minutes). */
  retries?: number;
  /**
   * kafkajs's own log level; default $KAFKA_LOG_LEVEL, else "nothing": kafkajs logs handled conditions (topic
   * exists, offset out of range) at ERROR, and every failure reaches the caller as a CartstreamError anyway.
   */
  logLevel?: KafkaLogLevel;
}

export interface KafkaTransportOptions extends KafkaOptions {
  /** Upper bound of the serialized size of one Produce request (default 900000, under the broker's 1 MiB). */
  maxRequestBytes?: number;
  /** Upper bound of messages per Produce request (default 5000; kafkajs groups messages in O(n^2) per partition). */
  maxRequestMessages?: number;
  /** Bytes fetched per partition by `consume` (default 1048576); the broker returns at least one record batch. */
  fetchMaxBytes?: number;
  /** Stamp every produced message with a `produced_at` header (ms) unless it has one (default true). */
  stampProducedAt?: boolean;
}

/** What the consumer-group runner needs besides the connection (the callbacks are checked separately). */
export interface GroupConsumerSettings {
  groupId: string;
  topic: string;
  /** Session timeout in ms (default 10000; a crashed member's partitions move after this). */
  sessionTimeoutMs?: number;
  /** Heartbeat interval in ms (default 1000). */
  heartbeatIntervalMs?: number;
  /** Rebalance timeout in ms (default 30000). */
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits for new data, in ms (default 250; kafkajs's 5000 would delay stop and latency). */
  maxWaitTimeMs?: number;
  /** Bytes fetched per partition per request (default 1048576). */
  maxBytesPerPartition?: number;
}

const kafkaOptionsShape = {
  brokers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  clientId: z.string().min(1).max(200).optional(),
  connectionTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  requestTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  retries: z.number().int().min(0).max(50).optional(),
  logLevel: z.enum(KAFKA_LOG_LEVELS).optional(),
};

export const kafkaOptionsSchema = z.strictObject(kafkaOptionsShape);

export const kafkaTransportOptionsSchema = z.strictObject({
  ...kafkaOptionsShape,
  maxRequestBytes: z.number().int().min(1_024).max(100_000_000).optional(),
  maxRequestMessages: z.number().int().min(1).max(1_000_000).optional(),
  fetchMaxBytes: z.number().int().min(1_024).max(100_000_000).optional(),
  stampProducedAt: z.boolean().optional(),
});

export const groupConsumerOptionsSchema = z.strictObject({
  ...kafkaOptionsShape,
  groupId: z.string().min(1).max(255),
  topic: z.string().min(1).max(249),
  sessionTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
  heartbeatIntervalMs: z.number().int().min(50).max(60_000).optional(),
  rebalanceTimeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
  maxWaitTimeMs: z.number().int().min(0).max(60_000).optional(),
  maxBytesPerPartition: z.number().int().min(1_024).max(100_000_000).optional(),
});

export const KAFKA_DEFAULTS = {
  clientId: "cartstream",
  connectionTimeoutMs: 1_500,
  requestTimeoutMs: 30_000,
  retries: 5,
  logLevel: "nothing",
} as const satisfies Required<Omit<KafkaOptions, "brokers">>;

export const KAFKA_TRANSPORT_DEFAULTS = {
  maxRequestBytes: 900_000,
  maxRequestMessages: 5_000,
  fetchMaxBytes: 1_048_576,
  stampProducedAt: true,
} as const satisfies Required<Omit<KafkaTransportOptions, keyof KafkaOptions>>;

export const GROUP_CONSUMER_DEFAULTS = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
  maxWaitTimeMs: 250,
  maxBytesPerPartition: 1_048_576,
} as const satisfies Required<Omit<GroupConsumerSettings, "groupId" | "topic">>;

/** Connection settings after defaults and environment are applied. */
export interface ResolvedKafkaOptions {
  brokers: string[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  logLevel: KafkaLogLevel;
}

/** The connection options of `o` (the KafkaOptions keys that are set). */
export function pickKafkaOptions(o: KafkaOptions): KafkaOptions {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(kafkaOptionsShape) as (keyof KafkaOptions)[]) {
    if (o[key] !== undefined) out[key] = o[key];
  }
  return out as KafkaOptions;
}

function isLogLevel(s: string | undefined): s is KafkaLogLevel {
  return s !== undefined && (KAFKA_LOG_LEVELS as readonly string[]).includes(s);
}

function parseBrokers(brokers: string | readonly string[], source: string): string[] {
  const list = (typeof brokers === "string" ? brokers.split(",") : [...brokers])
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const bad = list.filter((b) => !/^[A-Za-z0-9_.\-[\]:]+:\d{1,5}$/.test(b));
  if (list.length === 0 || bad.length > 0) {
    throw new ConfigError(source, [
      `brokers: expected host:port[,host:port...] (or $KAFKA_BROKERS), got ${JSON.stringify(brokers)}`,
    ]);
  }
  return list;
}

/** Validates options (unknown keys rejected) and applies $KAFKA_BROKERS / $KAFKA_LOG_LEVEL and the defaults. */
export function resolveKafkaOptions(
  input: KafkaOptions,
  source = "Kafka options",
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKafkaOptions {
  const o = parseOptions(kafkaOptionsSchema, pickKafkaOptions(input), source);
  const envLevel = env.KAFKA_LOG_LEVEL;
  if (envLevel !== undefined && envLevel !== "" && !isLogLevel(envLevel)) {
    throw new ConfigError("environment", [
      `KAFKA_LOG_LEVEL: expected one of ${KAFKA_LOG_LEVELS.join(", ")}, got ${JSON.stringify(envLevel)}`,
    ]);
  }
  const brokers = parseBrokers(o.brokers ?? (env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS), source);
  return {
    brokers,
    clientId: o.clientId ?? KAFKA_DEFAULTS.clientId,
    connectionTimeoutMs: o.connectionTimeoutMs ?? KAFKA_DEFAULTS.connectionTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs ?? KAFKA_DEFAULTS.requestTimeoutMs,
    retries: o.retries ?? KAFKA_DEFAULTS.retries,
    logLevel: o.logLevel ?? (isLogLevel(envLevel) ? envLevel : KAFKA_DEFAULTS.logLevel),
  };
}
