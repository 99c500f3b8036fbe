// Consumer-group runner against the real broker. The "app store" is a Map of next offsets per partition,
// standing in for the offsets the aggregator keeps in PostgreSQL.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CartstreamError, ERROR_CODES } from "../../../../pipeline/errors/index.ts";
import {
  type GroupConsumer,
  KafkaTransport,
  MemoryLog,
  produceDeadLetters,
  runGroupConsumer,
} from "../../../../pipeline/transport/index.ts";
import { ensureKafka } from "../../../helpers/kafka.ts";

async function waitFor(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Member {
  name: string;
  consumer: GroupConsumer;
  /** Offsets delivered per partition since this member last got it, in delivery order. */
  delivered: Map<number, number[]>;
  /** Every offset ever delivered to this member, per partition. */
  history: Map<number, number[]>;
  assignedCalls: number[][];
  revokedCalls: number[][];
  /** Problems seen inside callbacks (asserted at the end: a throw would stop the consumer). */
  problems: string[];
}

const fast = { heartbeatIntervalMs: 300, sessionTimeoutMs: 6_000, maxWaitTimeMs: 100, retries: 8 } as const;

describe("runGroupConsumer (real broker)", () => {
  let transport: KafkaTransport;
  const topics: string[] = [];
  const members: GroupConsumer[] = [];

  const newTopic = async (partitions: number) => {
    const t = `test-topic-${randomUUID()}`;
    topics.push(t);
    await transport.createTopic(t, partitions);
    return t;
  };

  const produce = async (topic: string, count: number, tag: string) => {
    await transport.produce(
      topic,
      Array.from({ length: count }, (_, i) => ({ key: `user_${i % 61}`, value: `${tag}-${i}` })),
    );
  };

  /** Starts a member whose onAssigned reads `store` and whose onBatch advances it (as a committed txn would). */
  const startMember = async (name: string, groupId: string, topic: string, store: Map<number, number>) => {
    const m: Member = {
      name,
      consumer: undefined as unknown as GroupConsumer,
      delivered: new Map(),
      history: new Map(),
      assignedCalls: [],
      revokedCalls: [],
      problems: [],
    };
    m.consumer = await runGroupConsumer({
      ...fast,
      groupId,
      topic,
      log: () => {},
      onAssigned: async (partitions) => {
        m.assignedCalls.push(partitions);
        return new Map(partitions.filter((p) => store.has(p)).map((p) => [p, store.get(p)!]));
      },
      onBatch: async (partition, messages, highWatermark) => {
        const list = m.delivered.get(partition) ?? [];
        const expectedFirst = list.length === 0 ? undefined : list[list.length - 1]! + 1;
        if (expectedFirst !== undefined && messages[0]!.offset !== expectedFirst) {
          m.problems.push(
            `${name} p${partition}: batch starts at ${messages[0]!.offset}, expected ${expectedFirst}`,
          );
        }
        for (let i = 1; i < messages.length; i++) {
          if (messages[i]!.offset !== messages[i - 1]!.offset + 1)
            m.problems.push(`${name} p${partition}: gap`);
        }
        if (highWatermark < messages[messages.length - 1]!.offset + 1)
          m.problems.push(`${name}: bad watermark`);
        list.push(...messages.map((x) => x.offset));
        m.delivered.set(partition, list);
        m.history.set(partition, [...(m.history.get(partition) ?? []), ...messages.map((x) => x.offset)]);
        store.set(partition, messages[messages.length - 1]!.offset + 1);
      },
      onRevoked: async (partitions) => {
        m.revokedCalls.push(partitions);
        // A later owner restarts this member's delivery log for the partition.
        for (const p of partitions) m.delivered.delete(p);
      },
    });
    members.push(m.consumer);
    return m;
  };

  beforeAll(() => {
    ensureKafka();
    transport = new KafkaTransport({ clientId: "cartstream-test" });
  });

  afterAll(async () => {
    await Promise.allSettled(members.map((m) => m.stop()));
    await transport?.deleteTopics(topics);
    await transport?.close();
  });

  it("seeks to the app's offsets, shares partitions between two members, and hands them over on stop", async () => {
    const topic = await newTopic(5);
    const groupId = `test-group-${randomUUID()}`;
    await produce(topic, 500, "a");
    const ends = await transport.endOffsets(topic);
    // The app already processed a prefix of every partition: nothing below these offsets may be delivered.
    const initial = new Map(ends.map((end, p) => [p, Math.min(end, 7 + 5 * p)]));
    const store = new Map(initial);
    const caughtUp = async () => {
      const now = await transport.endOffsets(topic);
      return now.every((end, p) => store.get(p) === end);
    };

    let b: Member | undefined;
    const a = await startMember("A", groupId, topic, store);
    await waitFor("A owns all 5 partitions", () => a.consumer.assignment().length === 5);
    expect(a.assignedCalls.flat().sort()).toEqual([0, 1, 2, 3, 4]);
    await waitFor("A caught up", () => ends.every((end, p) => store.get(p) === end));
    for (const [p, offsets] of a.delivered) expect(Math.min(...offsets)).toBe(initial.get(p));

    b = await startMember("B", groupId, topic, store);
    await waitFor(
      "A and B share the partitions",
      () =>
        a.consumer.assignment().length > 0 &&
        b!.consumer.assignment().length > 0 &&
        a.consumer.assignment().length + b!.consumer.assignment().length === 5,
    );
    const owners = [...a.consumer.assignment(), ...b.consumer.assignment()].sort();
    expect(owners).toEqual([0, 1, 2, 3, 4]);
    expect(a.revokedCalls.flat().sort()).toEqual(b.consumer.assignment());

    await produce(topic, 500, "b");
    let done = false;
    while (!done) {
      done = await caughtUp();
      if (!done) await new Promise((r) => setTimeout(r, 100));
    }
    // Each member delivered only its own partitions after the split.
    for (const p of b.consumer.assignment()) expect(a.delivered.has(p)).toBe(false);
    for (const p of a.consumer.assignment()) expect(b.delivered.has(p)).toBe(false);

    const bOwned = b.consumer.assignment();
    await b.consumer.stop();
    await b.consumer.done;
    expect(b.revokedCalls.at(-1)).toEqual(bOwned);
    await waitFor("A owns all 5 partitions again", () => a.consumer.assignment().length === 5, 60_000);

    await produce(topic, 300, "c");
    const finalEnds = await transport.endOffsets(topic);
    await waitFor("A caught up after the hand-over", () => finalEnds.every((end, p) => store.get(p) === end));

    // Nothing below the app's initial offsets, and everything from there to the end, was delivered.
    for (let p = 0; p < 5; p++) {
      const all = [...(a.history.get(p) ?? []), ...(b.history.get(p) ?? [])];
      const offsets = [...new Set(all)].sort((x, y) => x - y);
      const from = initial.get(p)!;
      expect(offsets[0]).toBe(from);
      expect(offsets).toEqual(Array.from({ length: finalEnds[p]! - from }, (_, i) => from + i));
    }
    expect([...a.problems, ...b.problems]).toEqual([]);
    expect(a.consumer.stats.delivered + b.consumer.stats.delivered).toBeGreaterThanOrEqual(
      finalEnds.reduce((s, e, p) => s + e - initial.get(p)!, 0),
    );
    await a.consumer.stop();
    await a.consumer.done;
  });

  it("ignores Kafka's committed offsets: the app's offsets win, also below an informational commit", async () => {
    const topic = await newTopic(3);
    const groupId = `test-group-${randomUUID()}`;
    await produce(topic, 120, "x");
    const ends = await transport.endOffsets(topic);

    // First member: processes everything and commits the end informationally.
    const store1 = new Map<number, number>();
    const first = await startMember("C", groupId, topic, store1);
    await waitFor("C caught up", () => ends.every((end, p) => store1.get(p) === end));
    for (const p of first.consumer.assignment()) {
      expect(await first.consumer.commitInformational(p, ends[p]!)).toBe(true);
    }
    expect(await first.consumer.commitInformational(99, 1)).toBe(false);
    await first.consumer.stop();

    // Second member of the same group: the app says "from 2", Kafka says "from the end"; the app wins.
    const store2 = new Map([0, 1, 2].map((p) => [p, 2]));
    const second = await startMember("D", groupId, topic, store2);
    await waitFor("D caught up", () => ends.every((end, p) => store2.get(p) === end));
    for (let p = 0; p < 3; p++) expect(second.delivered.get(p)?.[0]).toBe(2);
    expect(second.problems).toEqual([]);
    await second.consumer.stop();
  });

  it("stops with a clear error when the app's offset is beyond the log, or when a callback throws", async () => {
    const topic = await newTopic(1);
    await produce(topic, 5, "y");
    const beyond = await runGroupConsumer({
      ...fast,
      groupId: `test-group-${randomUUID()}`,
      topic,
      log: () => {},
      onAssigned: async () => new Map([[0, 999]]),
      onBatch: async () => {},
      onRevoked: async () => {},
    });
    members.push(beyond);
    const err = await beyond.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CartstreamError);
    expect((err as CartstreamError).message).toMatch(/offset 999 is beyond the log end 5/);

    const failing = await runGroupConsumer({
      ...fast,
      groupId: `test-group-${randomUUID()}`,
      topic,
      log: () => {},
      onAssigned: async () => new Map(),
      onBatch: async () => {
        throw new Error("database is gone");
      },
      onRevoked: async () => {},
    });
    members.push(failing);
    await expect(failing.done).rejects.toThrow("database is gone");
    expect(failing.stats.batches).toBe(0);
  });

  it("stops on an aborted signal and reports a missing broker clearly", async () => {
    const topic = await newTopic(2);
    const controller = new AbortController();
    const revoked: number[][] = [];
    const c = await runGroupConsumer({
      ...fast,
      groupId: `test-group-${randomUUID()}`,
      topic,
      signal: controller.signal,
      log: () => {},
      onAssigned: async () => new Map(),
      onBatch: async () => {},
      onRevoked: async (ps) => {
        revoked.push(ps);
      },
    });
    members.push(c);
    await waitFor("assignment", () => c.assignment().length === 2);
    controller.abort();
    await c.done;
    expect(revoked).toEqual([[0, 1]]);

    const t0 = Date.now();
    const err = await runGroupConsumer({
      brokers: "127.0.0.1:1",
      groupId: "g",
      topic,
      onAssigned: async () => new Map(),
      onBatch: async () => {},
      onRevoked: async () => {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CartstreamError);
    expect((err as CartstreamError).code).toBe(ERROR_CODES.SERVICE_UNAVAILABLE);
    expect((err as Error).message).toContain("kafka.sh up");
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

describe("produceDeadLetters", () => {
  it("appends keyed dead letters with string headers through any transport", async () => {
    const log = new MemoryLog({ now: () => 5 });
    await log.createTopic("dlq", 3);
    await produceDeadLetters(log, "dlq", [
      {
        key: "user_1",
        value: "{not json",
        headers: { reason: "invalid_json", source_topic: "events", source_partition: 2, source_offset: 41 },
      },
    ]);
    const ends = await log.endOffsets("dlq");
    const p = ends.indexOf(1);
    const { messages } = await log.consume("dlq", p, 0, 10);
    expect(messages).toEqual([
      {
        offset: 0,
        key: "user_1",
        value: "{not json",
        headers: {
          reason: "invalid_json",
          source_topic: "events",
          source_partition: "2",
          source_offset: "41",
        },
        timestamp: 5,
      },
    ]);
  });
});
