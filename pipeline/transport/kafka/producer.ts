// Kafka adapter of the Transport contract, on kafkajs 2.2.4's public API. Producing is batched (one Produce
// request per chunk, acks = all), each message to the partition it names or to its key's through the
// project's partitioner. consume() is a random-access read through a one-off consumer group (reader.ts).
import type { Admin, Kafka, Message, Producer } from "kafkajs";
import { parseOptions } from "../../config/index.ts";
import { badInput } from "../../errors/index.ts";
import { PRODUCED_AT_HEADER } from "../../events/index.ts";
import type { ConsumeResult, MessagePosition, ProducedMessage, Transport } from "../types.ts";
import { checkNewTopic, checkRead, targetPartition, topicExists } from "../validate.ts";
import { cartstreamPartitioner, createKafkaClient } from "./client.ts";
import { kafkaError, notAcknowledged, topicNotFound } from "./errors.ts";
import {
  KAFKA_TRANSPORT_DEFAULTS,
  type KafkaOptions,
  type KafkaTransportOptions,
  kafkaTransportOptionsSchema,
  pickKafkaOptions,
  type ResolvedKafkaOptions,
  resolveKafkaOptions,
} from "./options.ts";
import { fetchWatermarks, readPartition } from "./reader.ts";

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

export class KafkaTransport implements Transport {
  readonly options: ResolvedKafkaOptions;
  readonly #kafka: Kafka;
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #settings: Required<Omit<KafkaTransportOptions, keyof KafkaOptions>>;
  readonly #partitionCounts = new Map<string, number>();
  #connecting: Promise<void> | undefined;
  #closed = false;

  constructor(options: KafkaTransportOptions = {}) {
    const o = parseOptions(kafkaTransportOptionsSchema, options, "Kafka transport options");
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
      // kafkajs retries a Produce request that failed without an answer (a request timeout, a dropped
      // connection). Without idempotence the broker may already have appended the first attempt: the
      // messages would then be in the log twice, once at offsets produce() never returned. With it the
      // broker recognises the retried batch (producer id + sequence) and answers with the first attempt's
      // offsets. It needs one request in flight, which produce() does anyway (chunks are sent in turn).
      idempotent: true,
      maxInFlightRequests: 1,
    });
  }

  /** Connects the admin and producer clients; called lazily by every operation. Idempotent. */
  async connect(): Promise<void> {
    if (this.#closed)
      throw badInput("the Kafka transport was used after close(); create a new KafkaTransport");
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
    checkNewTopic(topic, partitions);
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
      if (existing !== partitions) throw topicExists(topic, existing, partitions);
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
      if (count === 0) throw topicNotFound(topic);
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
    return fetchWatermarks(this.#admin, topic, this.options.brokers);
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
      await this.#produceChunk(topic, partitions, messages.slice(start, end), start, positions);
      start = end;
    }
    return positions;
  }

  async #produceChunk(
    topic: string,
    partitions: number,
    chunk: readonly ProducedMessage[],
    first: number,
    positions: MessagePosition[],
  ): Promise<void> {
    const producedAt = String(Date.now());
    const kafkaMessages: Message[] = [];
    // Index of each message within its partition's batch, in send order.
    const indexInPartition: number[] = [];
    const counts = new Array<number>(partitions).fill(0);
    for (const m of chunk) {
      const partition = targetPartition(topic, m, partitions);
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
        throw notAcknowledged(
          `produce to ${topic} partition ${r.partition}: broker answered error code ${r.errorCode} without a base offset; retry the batch`,
        );
      }
      baseOffsets.set(r.partition, Number(r.baseOffset));
    }
    kafkaMessages.forEach((m, i) => {
      const base = baseOffsets.get(m.partition!);
      if (base === undefined) {
        throw notAcknowledged(
          `produce to ${topic}: no acknowledgement for partition ${m.partition}; the batch may be partly written`,
        );
      }
      positions[first + i] = { partition: m.partition!, offset: base + indexInPartition[i]! };
    });
  }

  /**
   * Random-access read of one partition from offset `from`: up to `max` messages of the first batch the
   * broker returns, through a consumer group of its own (reader.ts: one group join per call).
   */
  async consume(topic: string, partition: number, from: number, max: number): Promise<ConsumeResult> {
    checkRead(topic, partition, await this.partitionCount(topic), from, max);
    await this.connect();
    return readPartition(
      this.#kafka,
      this.#admin,
      { topic, partition, fromOffset: from, maxMessages: max },
      {
        clientId: this.options.clientId,
        brokers: this.options.brokers,
        fetchMaxBytes: this.#settings.fetchMaxBytes,
        timeoutMs: this.options.requestTimeoutMs,
      },
    );
  }

  /** Deletes topics (tests); missing topics are ignored. */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await this.connect();
    let existing: string[];
    try {
      existing = (await this.#admin.listTopics()).filter((n) => topics.includes(n));
    } catch (err) {
      throw kafkaError(err, this.options.brokers, "listTopics");
    }
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
    await Promise.allSettled([this.#admin.disconnect(), this.#producer.disconnect()]);
  }
}
