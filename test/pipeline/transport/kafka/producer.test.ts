// Against the real broker (scripts/kafka/kafka.sh). Each test has its own topic, deleted in afterAll.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CartstreamError, ConfigError, ERROR_CODES } from "../../../../pipeline/errors/index.ts";
import { PRODUCED_AT_HEADER } from "../../../../pipeline/events/index.ts";
import {
  cartstreamPartitioner,
  KafkaTransport,
  partitionForKey,
  resolveKafkaOptions,
} from "../../../../pipeline/transport/index.ts";
import type { ConsumedMessage } from "../../../../pipeline/transport/types.ts";
import { ensureKafka } from "../../../helpers/kafka.ts";

/** Starts the dev broker unless it runs (idempotent); CI stops it. */

async function readAll(
  t: KafkaTransport,
  topic: string,
  partition: number,
  page = 500,
): Promise<ConsumedMessage[]> {
  const out: ConsumedMessage[] = [];
  let offset = 0;
  for (;;) {
    const { messages, highWatermark } = await t.consume(topic, partition, offset, page);
    out.push(...messages);
    if (messages.length === 0) {
      expect(offset).toBe(highWatermark);
      return out;
    }
    offset = messages[messages.length - 1]!.offset + 1;
  }
}

describe("KafkaTransport (real broker)", () => {
  let transport: KafkaTransport;
  const topics: string[] = [];
  const newTopic = () => {
    const t = `test-topic-${randomUUID()}`;
    topics.push(t);
    return t;
  };

  beforeAll(() => {
    ensureKafka();
    transport = new KafkaTransport({ clientId: "cartstream-test" });
  });

  afterAll(async () => {
    await transport?.deleteTopics(topics);
    await transport?.close();
  });

  it("creates a topic with 5 partitions, idempotently, and refuses another partition count", async () => {
    const topic = newTopic();
    await transport.createTopic(topic, 5);
    await transport.createTopic(topic, 5);
    expect(await transport.partitionCount(topic)).toBe(5);
    expect(await transport.endOffsets(topic)).toEqual([0, 0, 0, 0, 0]);
    const fresh = new KafkaTransport();
    try {
      expect(await fresh.partitionCount(topic)).toBe(5);
      await expect(fresh.createTopic(topic, 3)).rejects.toThrow(
        /already exists with 5 partitions, asked for 3/,
      );
    } finally {
      await fresh.close();
    }
  });

  it("produces 2,000 keyed messages and reads them back where the partitioner says, at the returned offsets", async () => {
    const topic = newTopic();
    await transport.createTopic(topic, 5);
    const users = Array.from({ length: 157 }, (_, i) => `user_${String(i).padStart(6, "0")}`);
    const messages = Array.from({ length: 2_000 }, (_, i) => ({
      key: users[(i * 7919) % users.length]!,
      value: JSON.stringify({ i, note: i % 50 === 0 ? "prix réduit €" : "" }),
      headers: { seq: String(i), schema_version: "1" },
      timestamp: 1_700_000_000_000 + i,
    }));
    const before = Date.now();
    const positions = await transport.produce(topic, messages);
    expect(positions).toHaveLength(2_000);
    expect(positions.map((p) => p.partition)).toEqual(messages.map((m) => partitionForKey(m.key, 5)));

    const ends = await transport.endOffsets(topic);
    expect(ends.reduce((a, b) => a + b, 0)).toBe(2_000);
    let seen = 0;
    const problems: string[] = [];
    const after = Date.now();
    for (let p = 0; p < 5; p++) {
      const read = await readAll(transport, topic, p, 333);
      expect(read).toHaveLength(ends[p]!);
      expect(read.map((m) => m.offset)).toEqual(read.map((_, i) => i));
      const lastByKey = new Map<string, number>();
      for (const m of read) {
        const { i } = JSON.parse(m.value) as { i: number };
        const sent = messages[i]!;
        seen++;
        const producedAt = Number(m.headers[PRODUCED_AT_HEADER]);
        const checks: [string, boolean][] = [
          ["partitioner", partitionForKey(m.key, 5) === p],
          ["position", positions[i]!.partition === p && positions[i]!.offset === m.offset],
          ["key/value", m.key === sent.key && m.value === sent.value],
          ["timestamp", m.timestamp === sent.timestamp],
          ["headers", m.headers.seq === String(i) && m.headers.schema_version === "1"],
          ["produced_at", producedAt >= before && producedAt <= after],
          // A user's events keep their order.
          ["key order", i > (lastByKey.get(m.key) ?? -1)],
        ];
        for (const [what, ok] of checks) if (!ok) problems.push(`message ${i} at ${p}@${m.offset}: ${what}`);
        lastByKey.set(m.key, i);
      }
    }
    expect(problems).toEqual([]);
    expect(seen).toBe(2_000);
  });

  it("splits large produces into several requests and still returns exact offsets; appends continue them", async () => {
    const topic = newTopic();
    const small = new KafkaTransport({ maxRequestMessages: 97, maxRequestBytes: 8_000 });
    try {
      await small.createTopic(topic, 5);
      const first = Array.from({ length: 600 }, (_, i) => ({
        key: `u${i % 23}`,
        value: `a${i}`.padEnd(40, "."),
      }));
      const second = Array.from({ length: 50 }, (_, i) => ({ key: `u${i % 23}`, value: `b${i}` }));
      const p1 = await small.produce(topic, first);
      const p2 = await small.produce(topic, second);
      const byPosition = new Map<string, string>();
      const all = [...first, ...second];
      for (const [i, pos] of [...p1, ...p2].entries()) {
        byPosition.set(`${pos.partition}@${pos.offset}`, all[i]!.value);
      }
      expect(byPosition.size).toBe(650);
      // Exactly once in the log, at the returned offsets: the producer is idempotent, so a request kafkajs
      // retries after a timeout or a dropped connection is not appended a second time.
      let inLog = 0;
      for (let p = 0; p < 5; p++) {
        for (const m of await readAll(small, topic, p)) {
          expect(byPosition.get(`${p}@${m.offset}`)).toBe(m.value);
          inLog++;
        }
      }
      expect(inLog).toBe(650);
    } finally {
      await small.close();
    }
  });

  it("pages reads, returns an empty page at and past the end, and reports unknown topics", async () => {
    const topic = newTopic();
    await transport.createTopic(topic, 2);
    await transport.produce(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ key: "same-user", value: String(i) })),
    );
    const p = partitionForKey("same-user", 2);
    const page = await transport.consume(topic, p, 3, 4);
    expect(page.messages.map((m) => m.value)).toEqual(["3", "4", "5", "6"]);
    expect(page.highWatermark).toBe(10);
    expect(await transport.consume(topic, p, 10, 5)).toEqual({ messages: [], highWatermark: 10 });
    expect(await transport.consume(topic, p, 500, 5)).toEqual({ messages: [], highWatermark: 10 });
    await expect(transport.consume(topic, 2, 0, 5)).rejects.toThrow(/partitions 0\.\.1, got partition 2/);
    const missing = `test-topic-missing-${randomUUID()}`;
    const err = await transport.partitionCount(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CartstreamError);
    expect((err as CartstreamError).code).toBe(ERROR_CODES.NOT_FOUND);
  });

  it("appends a message that names its partition there, whatever its key, and refuses one out of range", async () => {
    const topic = newTopic();
    await transport.createTopic(topic, 3);
    const key = "user_7";
    const own = partitionForKey(key, 3);
    const other = (own + 1) % 3;
    const positions = await transport.produce(topic, [
      { key, value: "by-key" },
      { key, value: "named", partition: other },
    ]);
    expect(positions).toEqual([
      { partition: own, offset: 0 },
      { partition: other, offset: 0 },
    ]);
    expect((await readAll(transport, topic, other)).map((m) => [m.key, m.value])).toEqual([[key, "named"]]);
    await expect(transport.produce(topic, [{ key, value: "x", partition: 3 }])).rejects.toThrow(
      /topic .* has partitions 0\.\.2, got partition 3/,
    );
  });

  it("fails fast with a clear, retriable error when no broker listens", async () => {
    const t0 = Date.now();
    const dead = new KafkaTransport({ brokers: "127.0.0.1:1" });
    const err = await dead.createTopic("whatever", 1).catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    await dead.close();
    expect(err).toBeInstanceOf(CartstreamError);
    const e = err as CartstreamError;
    expect(e.code).toBe(ERROR_CODES.SERVICE_UNAVAILABLE);
    expect(e.retriable).toBe(true);
    expect(e.message).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(e.message).toContain("bash scripts/kafka/kafka.sh up");
    expect(elapsed).toBeLessThan(15_000);
  });
});

describe("Kafka options and partitioner (no broker)", () => {
  it("the kafkajs partitioner is the project's partitioner", () => {
    const partitioner = cartstreamPartitioner();
    const partitionMetadata = Array.from({ length: 5 }, (_, partitionId) => ({ partitionId }));
    for (let i = 0; i < 1_000; i++) {
      const key = `user_${i}`;
      expect(partitioner({ partitionMetadata, message: { key, value: "" } })).toBe(partitionForKey(key, 5));
    }
    expect(partitioner({ partitionMetadata, message: { key: "x", value: "", partition: 3 } })).toBe(3);
  });

  it("reads brokers and log level from the environment and rejects bad values with the key named", () => {
    expect(resolveKafkaOptions({}, "t", {}).brokers).toEqual(["127.0.0.1:9092"]);
    expect(resolveKafkaOptions({}, "t", { KAFKA_BROKERS: "a:1, b:2" }).brokers).toEqual(["a:1", "b:2"]);
    expect(resolveKafkaOptions({ brokers: ["c:3"] }, "t", { KAFKA_BROKERS: "a:1" }).brokers).toEqual(["c:3"]);
    expect(resolveKafkaOptions({}, "t", { KAFKA_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(() => resolveKafkaOptions({ brokers: "no-port" }, "t", {})).toThrow(ConfigError);
    expect(() => resolveKafkaOptions({}, "t", { KAFKA_LOG_LEVEL: "loud" })).toThrow(/KAFKA_LOG_LEVEL/);
    expect(() => new KafkaTransport({ retries: -1 })).toThrow(/retries/);
    expect(() => new KafkaTransport({ bogus: 1 } as never)).toThrow(/bogus|Unrecognized/);
  });
});
