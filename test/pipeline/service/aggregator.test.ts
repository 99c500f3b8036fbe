// runAggregator and produceToKafka in process, on the real broker and PostgreSQL: a short simulation is
// produced with end-of-stream markers, one aggregator drains it and stops by itself (exitWhenDone), and
// user_sessions equals the ground truth of the archive. streamFinished is the stop rule.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySessions } from "../../../pipeline/ground-truth/index.ts";
import { compactArchive } from "../../../pipeline/runner/index.ts";
import {
  dropRunSchema,
  pgSchema,
  produceToKafka,
  runAggregator,
  runPaths,
  streamFinished,
} from "../../../pipeline/service/index.ts";
import { resolveSimulatorConfig } from "../../../pipeline/simulator/index.ts";
import { openStore } from "../../../pipeline/store/index.ts";
import { KafkaTransport } from "../../../pipeline/transport/index.ts";
import { ensureKafka } from "../../helpers/kafka.ts";
import { expectSameSessions } from "../../helpers/sessions.ts";

const name = `test-agg-${randomUUID().slice(0, 8)}`;
const topic = `test-topic-${name}`;

beforeAll(() => ensureKafka(), 600_000);
afterAll(async () => {
  await dropRunSchema(name);
  rmSync(runPaths(name).dir, { recursive: true, force: true });
  const t = new KafkaTransport({});
  await t.deleteTopics([topic, `${topic}.dlq`]).catch(() => {});
  await t.close();
}, 120_000);

describe("streamFinished", () => {
  const ended = (nextOffset: number) => ({ nextOffset, state: { ended: true } });
  const open = (nextOffset: number) => ({ nextOffset, state: { ended: false } });
  // Done needs every partition's end marker committed, not only the offsets caught up.
  it.each([
    ["no partitions yet", [], [], false],
    ["a partition never committed", [10, 4], [ended(10)], false],
    ["every end marker committed", [10, 4], [ended(10), ended(4)], true],
    ["one partition behind its end", [10, 4], [ended(9), ended(4)], false],
    ["caught up but not ended", [10, 4], [ended(10), open(4)], false],
  ] as const)("%s -> %s", (_what, ends, stored, done) => {
    expect(streamFinished(ends, new Map(stored.map((o, p) => [p, o])))).toBe(done);
  });
});

describe("runAggregator + produceToKafka", () => {
  it("one aggregator drains a produced simulation, stops when done, and equals the ground truth", async () => {
    const config = resolveSimulatorConfig({}, { seed: 21, duration_s: 60, users: 40 });
    const produced = await produceToKafka({ config, topic, partitions: 3 });
    expect(produced.partitions).toBe(3);
    expect(produced.messages).toBe(produced.events + 3); // one end-of-stream marker per partition
    const lines: string[] = [];
    const result = await runAggregator(
      {
        name,
        group: `g-${name}`,
        topic,
        dlqTopic: `${topic}.dlq`,
        redis: false,
        metricsPort: -1,
        exitWhenDone: true,
        logEveryS: 60,
      },
      { log: (l) => lines.push(l) },
    );
    expect(result.code, lines.join("\n")).toBe(0);
    expect(result.accepted).toBe(produced.events);
    expect(result.deadLettered).toBe(0);
    expect(lines.join("\n")).toMatch(/assigned partitions 0,1,2/);
    const paths = runPaths(name);
    await compactArchive(paths.archiveDir, paths.eventsParquet);
    const store = await openStore({ kind: "postgres", db: { schema: pgSchema(name) } });
    try {
      const v = await verifySessions({
        events: { parquet: paths.eventsParquet },
        actual: () => store.reader.readSessions(),
        timeoutMs: 60_000,
      });
      expectSameSessions(v);
      expect(v.actualCount).toBeGreaterThan(50);
    } finally {
      await store.close();
    }
  }, 600_000);
});
