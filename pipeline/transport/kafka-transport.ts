// Kafka adapter of the Transport contract, on kafkajs 2.2.4 (frozen upstream; see SPEC §9). Producing is
// batched (one Produce request per chunk, acks = all) and keyed by user_id through the project's partitioner;
// `consume` is a random-access read: one Fetch request to the partition leader, through kafkajs's internal
// Cluster/Broker API, because kafkajs has no `consumer.assign` (tulios/kafkajs#373, #1060) and a consumer group
// per read would cost a group join per page. The push-based group runner for the aggregator is
// kafka-consumer.ts.
import { createRequire } from "node:module";
import { type Admin, Kafka, logLevel, type Message, type Producer } from "kafkajs";
import { z } from "zod";
import { CartstreamError, ConfigError, ERROR_CODES, serviceUnavailable } from "../errors/index.ts";
import { partitionForKey } from "./partitioner.ts";
import type { ConsumedMessage, ConsumeResult, MessagePosition, ProducedMessage, Transport } from "./types.ts";

export const DEFAULT_KAFKA_BROKERS = "127.0.0.1:9092";
export const KAFKA_HINT = "start one with `make infra-up` (or bash scripts/kafka/kafka.sh up)";
/** Header the producer stamps with its wall clock (ms): event-to-commit latency is measured from it. */
export const PRODUCED_AT_HEADER = "produced_at";

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
  /** Bytes asked for per `consume` Fetch (default 1048576); the broker returns at least one record batch. */
  fetchMaxBytes?: number;
  /** Stamp every produced message with a `produced_at` header (ms) unless it has one (default true). */
  stampProducedAt?: boolean;
}

const kafkaOptionsShape = {
  brokers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  clientId: z.string().min(1).max(200).optional(),
  connectionTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  requestTimeoutMs: z.number().int().min(100).max(600_000).optional(),
  retries: z.number().int().min(0).max(50).optional(),
  logLevel: z.enum(KAFKA_LOG_LEVELS).optional(),
};

export const kafkaOptionsSchema = z.object(kafkaOptionsShape).strict();

export const kafkaTransportOptionsSchema = z
  .object({
    ...kafkaOptionsShape,
    maxRequestBytes: z.number().int().min(1_024).max(100_000_000).optional(),
    maxRequestMessages: z.number().int().min(1).max(1_000_000).optional(),
    fetchMaxBytes: z.number().int().min(1_024).max(100_000_000).optional(),
    stampProducedAt: z.boolean().optional(),
  })
  .strict();

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

/** Connection settings after defaults and environment are applied. */
export interface ResolvedKafkaOptions {
  brokers: string[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  logLevel: KafkaLogLevel;
}

/** Validates options (unknown keys rejected) and applies $KAFKA_BROKERS / $KAFKA_LOG_LEVEL and the defaults. */
export function resolveKafkaOptions(
  input: KafkaOptions,
  source = "Kafka options",
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKafkaOptions {
  const o = parseWith(kafkaOptionsSchema, pickKafkaOptions(input), source);
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

/**
 * Maps a kafkajs error to a CartstreamError: unreachable brokers -> SERVICE_UNAVAILABLE with the start hint;
 * unknown topic -> NOT_FOUND; anything else keeps kafkajs's message and retriable flag.
 */
export function kafkaError(err: unknown, brokers: readonly string[], what: string): CartstreamError {
  if (err instanceof CartstreamError) return err;
  const url = brokers.join(",");
  const chain = causeChain(err);
  if (chain.some((e) => CONNECTION_ERRORS.has(e.name))) {
    return serviceUnavailable("Kafka", url, chain[chain.length - 1] ?? err, KAFKA_HINT);
  }
  const unknownTopic = chain.find((e) => (e as { type?: string }).type === "UNKNOWN_TOPIC_OR_PARTITION");
  if (unknownTopic !== undefined) {
    return new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `${what}: the topic does not exist on Kafka at ${url} (auto-creation is off); create it first (createTopic)`,
      { cause: err },
    );
  }
  const last = chain[chain.length - 1];
  const retriable = chain.some((e) => (e as { retriable?: boolean }).retriable === true);
  return new CartstreamError(
    ERROR_CODES.SERVICE_UNAVAILABLE,
    `${what} failed on Kafka at ${url}: ${last?.message ?? String(err)}`,
    { retriable, cause: err },
  );
}

export class KafkaTransport implements Transport {
  readonly options: ResolvedKafkaOptions;
  readonly #kafka: Kafka;
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #settings: Required<Omit<KafkaTransportOptions, keyof KafkaOptions>>;
  readonly #partitionCounts = new Map<string, number>();
  #cluster: InternalCluster | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;

  constructor(options: KafkaTransportOptions = {}) {
    const o = parseWith(kafkaTransportOptionsSchema, options, "Kafka transport options");
    this.options = resolveKafkaOptions(pickKafkaOptions(o), "Kafka transport options");
    this.#settings = {
      maxRequestBytes: o.maxRequestBytes ?? KAFKA_TRANSPORT_DEFAULTS.maxRequestBytes,
      maxRequestMessages: o.maxRequestMessages ?? KAFKA_TRANSPORT_DEFAULTS.maxRequestMessages,
      fetchMaxBytes: o.fetchMaxBytes ?? KAFKA_TRANSPORT_DEFAULTS.fetchMaxBytes,
      stampProducedAt: o.stampProducedAt ?? KAFKA_TRANSPORT_DEFAULTS.stampProducedAt,
    };
    this.#kafka = createKafkaClient(this.options);
    this.#admin = this.#kafka.admin({ retry: { retries: this.options.retries } });
    this.#producer = this.#kafka.producer({
      createPartitioner: cartstreamPartitioner,
      allowAutoTopicCreation: false,
      idempotent: false, // experimental in kafkajs; duplicates are the consumer's job (event_id dedup)
    });
  }

  /** Connects the admin and producer clients; called lazily by every operation. Idempotent. */
  async connect(): Promise<void> {
    this.#checkOpen();
    this.#connecting ??= Promise.all([this.#admin.connect(), this.#producer.connect()]).then(
      () => undefined,
      async (err: unknown) => {
        this.#connecting = undefined;
        await Promise.allSettled([this.#admin.disconnect(), this.#producer.disconnect()]);
        throw kafkaError(err, this.options.brokers, "connect");
      },
    );
    return this.#connecting;
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    if (topic.length === 0) throw badInput("topic name must not be empty");
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw badInput(`topic ${topic}: partitions must be a positive integer, got ${partitions}`);
    }
    await this.connect();
    let created: boolean;
    try {
      created = await this.#admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
        timeout: this.options.requestTimeoutMs,
      });
    } catch (err) {
      throw kafkaError(err, this.options.brokers, `createTopic ${topic}`);
    }
    if (!created) {
      const existing = await this.partitionCount(topic, { refresh: true });
      if (existing !== partitions) {
        throw badInput(
          `topic ${topic} already exists with ${existing} partitions, asked for ${partitions}; use a new topic name`,
        );
      }
    }
    this.#partitionCounts.set(topic, partitions);
  }

  async partitionCount(topic: string, options: { refresh?: boolean } = {}): Promise<number> {
    const cached = this.#partitionCounts.get(topic);
    if (cached !== undefined && options.refresh !== true) return cached;
    await this.connect();
    try {
      const { topics } = await this.#admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics.find((t) => t.name === topic)?.partitions.length ?? 0;
      if (count === 0) throw notFound(topic);
      this.#partitionCounts.set(topic, count);
      return count;
    } catch (err) {
      throw kafkaError(err, this.options.brokers, `partitionCount ${topic}`);
    }
  }

  async endOffsets(topic: string): Promise<number[]> {
    return (await this.watermarks(topic)).map((w) => w.high);
  }

  /** Low (log start) and high watermark of every partition, indexed by partition number. */
  async watermarks(topic: string): Promise<{ low: number; high: number }[]> {
    await this.connect();
    try {
      const offsets = await this.#admin.fetchTopicOffsets(topic);
      const out: { low: number; high: number }[] = [];
      for (const o of offsets) out[o.partition] = { low: Number(o.low), high: Number(o.high) };
      return out;
    } catch (err) {
      throw kafkaError(err, this.options.brokers, `endOffsets ${topic}`);
    }
  }

  /**
   * Appends in input order. Each chunk is one Produce request with one record batch per partition, so a
   * message's offset = the partition's baseOffset in the response + its index within that partition's messages.
   */
  async produce(topic: string, messages: readonly ProducedMessage[]): Promise<MessagePosition[]> {
    if (messages.length === 0) return [];
    const partitions = await this.partitionCount(topic);
    const positions: MessagePosition[] = new Array(messages.length);
    const { maxRequestBytes, maxRequestMessages } = this.#settings;
    let start = 0;
    while (start < messages.length) {
      let end = start;
      let bytes = 0;
      while (end < messages.length && end - start < maxRequestMessages) {
        const size = approximateSize(messages[end]!);
        if (end > start && bytes + size > maxRequestBytes) break;
        bytes += size;
        end++;
      }
      await this.#produceChunk(topic, partitions, messages, start, end, positions);
      start = end;
    }
    return positions;
  }

  async #produceChunk(
    topic: string,
    partitions: number,
    messages: readonly ProducedMessage[],
    start: number,
    end: number,
    positions: MessagePosition[],
  ): Promise<void> {
    const producedAt = String(Date.now());
    const kafkaMessages: Message[] = [];
    // Index of each message within its partition's batch, in send order.
    const indexInPartition: number[] = [];
    const counts = new Array<number>(partitions).fill(0);
    for (let i = start; i < end; i++) {
      const m = messages[i]!;
      const partition = partitionForKey(m.key, partitions);
      indexInPartition.push(counts[partition]!);
      counts[partition]!++;
      const headers: Record<string, Buffer> = {};
      if (m.headers !== undefined) {
        for (const [k, v] of Object.entries(m.headers)) headers[k] = Buffer.from(v, "utf8");
      }
      if (this.#settings.stampProducedAt && headers[PRODUCED_AT_HEADER] === undefined) {
        headers[PRODUCED_AT_HEADER] = Buffer.from(producedAt, "utf8");
      }
      kafkaMessages.push({
        key: m.key,
        value: m.value,
        // Explicit partition = what partitionForKey says; the custom partitioner would pick the same one.
        partition,
        headers,
        ...(m.timestamp === undefined ? {} : { timestamp: String(m.timestamp) }),
      });
    }
    let metadata: Awaited<ReturnType<Producer["send"]>>;
    try {
      metadata = await this.#producer.send({
        topic,
        messages: kafkaMessages,
        acks: -1,
        timeout: this.options.requestTimeoutMs,
      });
    } catch (err) {
      throw kafkaError(err, this.options.brokers, `produce to ${topic}`);
    }
    const baseOffsets = new Map<number, number>();
    for (const r of metadata) {
      if (r.topicName !== topic) continue;
      if (r.errorCode !== 0 || r.baseOffset === undefined) {
        throw new CartstreamError(
          ERROR_CODES.SERVICE_UNAVAILABLE,
          `produce to ${topic} partition ${r.partition}: broker answered error code ${r.errorCode} without a base offset; retry the batch`,
          { retriable: true },
        );
      }
      baseOffsets.set(r.partition, Number(r.baseOffset));
    }
    for (let i = start; i < end; i++) {
      const partition = kafkaMessages[i - start]!.partition!;
      const base = baseOffsets.get(partition);
      if (base === undefined) {
        throw new CartstreamError(
          ERROR_CODES.SERVICE_UNAVAILABLE,
          `produce to ${topic}: no acknowledgement for partition ${partition}; the batch may be partly written`,
          { retriable: true },
        );
      }
      positions[i] = { partition, offset: base + indexInPartition[i - start]! };
    }
  }

  /**
   * Random-access read of one partition: a single Fetch request from `fromOffset` (no consumer group). Returns
   * up to `maxMessages` messages; fewer when the broker's response (fetchMaxBytes) holds fewer.
   */
  async consume(
    topic: string,
    partition: number,
    fromOffset: number,
    maxMessages: number,
  ): Promise<ConsumeResult> {
    if (!Number.isSafeInteger(fromOffset) || fromOffset < 0) {
      throw badInput(
        `topic ${topic} partition ${partition}: fromOffset must be an integer >= 0, got ${fromOffset}`,
      );
    }
    if (!Number.isInteger(maxMessages) || maxMessages < 1) {
      throw badInput(`maxMessages must be a positive integer, got ${maxMessages}`);
    }
    const partitions = await this.partitionCount(topic);
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
      throw badInput(`topic ${topic} has partitions 0..${partitions - 1}, got partition ${partition}`);
    }
    let offset = fromOffset;
    // A fetch returns whole record batches; control records (transactions) can leave a page empty before the
    // end, so step over them a bounded number of times.
    for (let attempt = 0; attempt < 10; attempt++) {
      const page = await this.#fetch(topic, partition, offset);
      if (page === "out-of-range") return this.#outOfRange(topic, partition, fromOffset);
      const messages: ConsumedMessage[] = [];
      let lastRaw = -1;
      for (const raw of page.messages) {
        const o = Number(raw.offset);
        lastRaw = Math.max(lastRaw, o);
        if (o < offset || raw.isControlRecord === true) continue;
        if (messages.length < maxMessages) messages.push(toConsumed(raw));
      }
      if (messages.length > 0 || offset >= page.highWatermark || lastRaw < offset) {
        return { messages, highWatermark: page.highWatermark };
      }
      offset = lastRaw + 1;
    }
    return { messages: [], highWatermark: (await this.endOffsets(topic))[partition]! };
  }

  async #outOfRange(topic: string, partition: number, fromOffset: number): Promise<ConsumeResult> {
    const w = (await this.watermarks(topic))[partition]!;
    if (fromOffset >= w.high) return { messages: [], highWatermark: w.high };
    throw new CartstreamError(
      ERROR_CODES.NOT_FOUND,
      `topic ${topic} partition ${partition}: offset ${fromOffset} is no longer in the log (it starts at ${w.low}, retention deleted the rest); read from ${w.low} or re-produce the events`,
    );
  }

  async #fetch(
    topic: string,
    partition: number,
    offset: number,
  ): Promise<{ messages: RawMessage[]; highWatermark: number } | "out-of-range"> {
    const cluster = await this.#readCluster(topic);
    try {
      const leaders = cluster.findLeaderForPartitions(topic, [partition]);
      const nodeId = Object.keys(leaders)[0];
      if (nodeId === undefined) throw notFound(topic);
      const broker = await cluster.findBroker({ nodeId: Number(nodeId) });
      const { responses } = await broker.fetch({
        maxWaitTime: 0,
        minBytes: 1,
        maxBytes: this.#settings.fetchMaxBytes,
        isolationLevel: 1, // READ_COMMITTED, as the kafkajs consumer
        topics: [
          {
            topic,
            partitions: [{ partition, fetchOffset: String(offset), maxBytes: this.#settings.fetchMaxBytes }],
          },
        ],
      });
      const data = responses
        .find((r) => r.topicName === topic)
        ?.partitions.find((p) => p.partition === partition);
      if (data === undefined) return { messages: [], highWatermark: offset };
      return { messages: data.messages, highWatermark: Number(data.highWatermark) };
    } catch (err) {
      if ((err as Error).name === "KafkaJSOffsetOutOfRange") return "out-of-range";
      if (STALE_METADATA.has((err as { type?: string }).type ?? ""))
        await cluster.refreshMetadata().catch(() => {});
      throw kafkaError(err, this.options.brokers, `consume ${topic}/${partition}`);
    }
  }

  async #readCluster(topic: string): Promise<InternalCluster> {
    await this.connect();
    if (this.#cluster === undefined) {
      this.#cluster = createInternalCluster(this.#kafka);
    }
    const cluster = this.#cluster;
    try {
      if (!cluster.isConnected()) await cluster.connect();
      await cluster.addTargetTopic(topic);
      await cluster.refreshMetadataIfNecessary();
      return cluster;
    } catch (err) {
      throw kafkaError(err, this.options.brokers, `consume ${topic}`);
    }
  }

  /** Deletes topics (tests and `cartstream reset`); missing topics are ignored. */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await this.connect();
    const { topics: existing } = await this.#admin.listTopics().then(
      (names) => ({ topics: names.filter((n) => topics.includes(n)) }),
      (err: unknown) => {
        throw kafkaError(err, this.options.brokers, "listTopics");
      },
    );
    if (existing.length === 0) return;
    try {
      await this.#admin.deleteTopics({ topics: existing, timeout: this.options.requestTimeoutMs });
    } catch (err) {
      throw kafkaError(err, this.options.brokers, `deleteTopics ${existing.join(",")}`);
    }
    for (const t of existing) this.#partitionCounts.delete(t);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([
      this.#admin.disconnect(),
      this.#producer.disconnect(),
      this.#cluster?.disconnect() ?? Promise.resolve(),
    ]);
  }

  #checkOpen(): void {
    if (this.#closed)
      throw badInput("the Kafka transport was used after close(); create a new KafkaTransport");
  }
}

// ---- kafkajs internals used by `consume` (kafkajs 2.2.4 is frozen, so these do not move) ----

interface RawMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, Buffer | Buffer[] | undefined>;
  isControlRecord?: boolean;
}

interface InternalBroker {
  fetch(request: {
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{
    responses: {
      topicName: string;
      partitions: { partition: number; highWatermark: string; messages: RawMessage[] }[];
    }[];
  }>;
}

/** The slice of kafkajs's Cluster (src/cluster/index.js) that a random-access read needs. */
interface InternalCluster {
  isConnected(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: number }): Promise<InternalBroker>;
}

/**
 * A kafkajs Cluster built by the client's own (private) factory, so it shares the client's brokers, timeouts,
 * retry and logger. Fails loudly if a kafkajs other than 2.2.x changes the factory.
 */
function createInternalCluster(kafka: Kafka): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === "private:Kafka:createCluster",
  );
  const factory = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== "function") {
    throw new CartstreamError(
      ERROR_CODES.BAD_CONFIG,
      `kafkajs ${kafkajsVersion()} has no private cluster factory; KafkaTransport.consume needs kafkajs 2.2.4 (package.json pins it)`,
    );
  }
  return (factory as (o: object) => InternalCluster)({
    metadataMaxAge: 300_000,
    allowAutoTopicCreation: false,
    maxInFlightRequests: null,
    isolationLevel: 1,
  });
}

function kafkajsVersion(): string {
  try {
    return (createRequire(import.meta.url)("kafkajs/package.json") as { version: string }).version;
  } catch {
    return "(unknown version)";
  }
}

// ---- helpers ----

const LOG_LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

const CONNECTION_ERRORS = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSRequestTimeoutError",
]);

const STALE_METADATA = new Set([
  "UNKNOWN_TOPIC_OR_PARTITION",
  "NOT_LEADER_FOR_PARTITION",
  "LEADER_NOT_AVAILABLE",
]);

function causeChain(err: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = err;
  while (current instanceof Error && chain.length < 10) {
    chain.push(current);
    const next = (current as { cause?: unknown; originalError?: unknown }).cause;
    current = next ?? (current as { originalError?: unknown }).originalError;
  }
  return chain;
}

function toConsumed(raw: RawMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  if (raw.headers !== undefined) {
    for (const [k, v] of Object.entries(raw.headers)) {
      // kafkajs turns repeated header keys into an array; the contract keeps one value per key (the last).
      const b = Array.isArray(v) ? v[v.length - 1] : v;
      if (b !== undefined) headers[k] = b.toString("utf8");
    }
  }
  return {
    offset: Number(raw.offset),
    key: raw.key === null ? "" : raw.key.toString("utf8"),
    value: raw.value === null ? "" : raw.value.toString("utf8"),
    headers,
    timestamp: Number(raw.timestamp),
  };
}

/** Serialized size estimate (UTF-16 length is an upper bound for ASCII-heavy JSON, plus record overhead). */
function approximateSize(m: ProducedMessage): number {
  let size = 70 + m.key.length + m.value.length * (isAscii(m.value) ? 1 : 3);
  if (m.headers !== undefined)
    for (const [k, v] of Object.entries(m.headers)) size += 8 + k.length + v.length * 3;
  return size;
}

function isAscii(s: string): boolean {
  // Cheap check on a prefix: event JSON is ASCII apart from rare product names.
  for (let i = 0; i < Math.min(s.length, 256); i++) if (s.charCodeAt(i) > 127) return false;
  return true;
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

function pickKafkaOptions(o: KafkaOptions): KafkaOptions {
  const out: KafkaOptions = {};
  if (o.brokers !== undefined) out.brokers = o.brokers;
  if (o.clientId !== undefined) out.clientId = o.clientId;
  if (o.connectionTimeoutMs !== undefined) out.connectionTimeoutMs = o.connectionTimeoutMs;
  if (o.requestTimeoutMs !== undefined) out.requestTimeoutMs = o.requestTimeoutMs;
  if (o.retries !== undefined) out.retries = o.retries;
  if (o.logLevel !== undefined) out.logLevel = o.logLevel;
  return out;
}

function isLogLevel(s: string | undefined): s is KafkaLogLevel {
  return s !== undefined && (KAFKA_LOG_LEVELS as readonly string[]).includes(s);
}

/** Validates against a strict schema; a ConfigError lists every issue with its path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ConfigError(
    source,
    result.error.issues.map((issue) => {
      const path = issue.path.length === 0 ? "(root)" : issue.path.join(".");
      return `${path}: ${issue.message}`;
    }),
  );
}

function badInput(message: string): CartstreamError {
  return new CartstreamError(ERROR_CODES.BAD_INPUT, message);
}

function notFound(topic: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.NOT_FOUND,
    `topic ${topic} does not exist on Kafka (auto-creation is off); call createTopic(${JSON.stringify(topic)}, partitions) first`,
  );
}
