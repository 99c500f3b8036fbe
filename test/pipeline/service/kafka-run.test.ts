// runKafka in process (its aggregators are processes of aggregator-worker.ts): a short run on Kafka +
// PostgreSQL with one aggregator, checked against the ground truth by the service itself.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropRunSchema, runKafka, runPaths } from "../../../pipeline/service/index.ts";
import { resolveSimulatorConfig } from "../../../pipeline/simulator/index.ts";
import { KafkaTransport } from "../../../pipeline/transport/index.ts";
import { ensureKafka } from "../../helpers/kafka.ts";

const name = `test-krun-${randomUUID().slice(0, 8)}`;

beforeAll(() => ensureKafka(), 600_000);
afterAll(async () => {
  await dropRunSchema(name);
  rmSync(runPaths(name).dir, { recursive: true, force: true });
  const t = new KafkaTransport({});
  await t.deleteTopics([`ecommerce.events.${name}`, `ecommerce.events.${name}.dlq`]).catch(() => {});
  await t.close();
}, 120_000);

describe("runKafka", () => {
  it("produces, drains with one aggregator process, and equals the ground truth", async () => {
    const config = resolveSimulatorConfig({}, { seed: 5, duration_s: 60, users: 40 });
    const lines: string[] = [];
    const r = await runKafka(
      { name, config, workers: 1, partitions: 2, redis: false, metricsPort: 0 },
      { log: (l) => lines.push(l) },
    );
    expect(r.topic).toBe(`ecommerce.events.${name}`);
    expect(r.verification?.equal, lines.join("\n")).toBe(true);
    expect(r.archived).toBe(r.events);
    expect(r.sessions).toBe(r.verification!.expectedCount);
    expect(lines.join("\n")).toMatch(/waiting for the aggregators to drain/);
  }, 600_000);
});
