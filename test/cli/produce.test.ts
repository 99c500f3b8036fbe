// `cartstream produce` on the broker: SIGINT stops a live run cleanly (every event it counted is on the
// broker, no end-of-stream marker), while a normal end appends one marker per partition. Own topics.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordKind } from "../../pipeline/events/index.ts";
import { KafkaTransport } from "../../pipeline/transport/index.ts";
import { spawnCli, waitUntil } from "../helpers/child.ts";
import { runCli } from "../helpers/cli.ts";
import { ensureKafka } from "../helpers/kafka.ts";

const topics: string[] = [];
const newTopic = () => {
  const t = `test-produce-${randomUUID().slice(0, 8)}`;
  topics.push(t);
  return t;
};

beforeAll(() => ensureKafka(), 600_000);
afterAll(async () => {
  const t = new KafkaTransport({});
  await t.deleteTopics(topics).catch(() => {});
  await t.close();
}, 60_000);

/** Every record of the topic: how many events and how many end-of-stream markers. */
async function readTopic(topic: string): Promise<{ events: number; markers: number }> {
  const t = new KafkaTransport({});
  let events = 0;
  let markers = 0;
  try {
    const ends = await t.endOffsets(topic);
    for (let p = 0; p < ends.length; p++) {
      for (let off = 0; off < ends[p]!; ) {
        const { messages } = await t.consume(topic, p, off, 10_000);
        if (messages.length === 0) break;
        for (const m of messages) recordKind(m.headers) === "event" ? events++ : markers++;
        off = messages.at(-1)!.offset + 1;
      }
    }
  } finally {
    await t.close();
  }
  return { events, markers };
}

async function sent(topic: string): Promise<number> {
  const t = new KafkaTransport({});
  try {
    return (await t.endOffsets(topic)).reduce((a, b) => a + b, 0);
  } catch {
    return 0; // the topic is not created yet
  } finally {
    await t.close();
  }
}

describe("cartstream produce", () => {
  it("SIGINT mid-run: exit 0, every counted event is on the broker, and no end-of-stream marker", async () => {
    const topic = newTopic();
    const p = spawnCli([
      "produce",
      "--topic",
      topic,
      "--partitions",
      "3",
      "--clock",
      "real",
      "--speed",
      "20",
    ]);
    await waitUntil(async () => (await sent(topic)) >= 100, 120_000, "100 events on the broker");
    p.child.kill("SIGINT");
    expect(await p.exit, p.stderr()).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(p.stdout().trim().split("\n").at(-1)!);
    expect(summary.interrupted).toBe(true);
    expect(summary.messages).toBe(summary.events);
    expect(p.stderr()).toMatch(/stopped by SIGINT, no end-of-stream marker/);
    const onBroker = await readTopic(topic);
    expect(onBroker).toEqual({ events: summary.events, markers: 0 });
    expect(summary.events).toBeGreaterThanOrEqual(100);
  }, 180_000);

  it("a normal end writes one end-of-stream marker per partition", async () => {
    const topic = newTopic();
    const r = runCli(["produce", "--topic", topic, "--partitions", "3", "--duration", "30", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(summary.interrupted).toBe(false);
    expect(await readTopic(topic)).toEqual({ events: summary.events, markers: 3 });
  }, 180_000);
});
