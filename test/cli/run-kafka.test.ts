// The production path on real services (issue 4 acceptance): Kafka + PostgreSQL + Redis, several
// aggregator processes, kill -9, injected bad messages and a Redis flush, each checked against the
// DuckDB ground truth row for row.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareSessions, groundTruthSessions } from "../../pipeline/ground-truth/index.ts";
import { RedisLiveStore } from "../../pipeline/live/index.ts";
import { compactArchive } from "../../pipeline/runner/index.ts";
import { pgSchema } from "../../pipeline/service/index.ts";
import { openPgDb, openStore, quoteIdent } from "../../pipeline/store/index.ts";
import { KafkaTransport } from "../../pipeline/transport/index.ts";
import { REPO_ROOT, runCli } from "../helpers/cli.ts";
import { ensureKafka } from "../helpers/kafka.ts";
import { expectSameSessions } from "../helpers/sessions.ts";

const names: string[] = [];
const topics: string[] = [];
function newName(tag: string): string {
  const name = `test-k${tag}-${randomUUID().slice(0, 8)}`;
  names.push(name);
  mkdirSync(join(REPO_ROOT, "data", "runs"), { recursive: true });
  return name;
}

beforeAll(() => ensureKafka(), 600_000);

afterAll(async () => {
  if (process.env.CS_KEEP_TEST_DATA === "1") return; // for diagnosis
  const db = await openPgDb({});
  try {
    for (const name of names) await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(pgSchema(name))} CASCADE`);
  } finally {
    await db.close();
  }
  // Aggregator logs (data/runs/NAME-aggregator-N.log) stay for diagnosis; the run data goes.
  for (const name of names) rmSync(join(REPO_ROOT, "data", "runs", name), { recursive: true, force: true });
  const t = new KafkaTransport({});
  await t.deleteTopics(topics).catch(() => {});
  await t.close();
}, 120_000);

async function expectGroundTruth(name: string) {
  const runDir = join(REPO_ROOT, "data", "runs", name);
  const parquet = join(runDir, "events.parquet");
  await compactArchive(join(runDir, "archive"), parquet);
  const store = await openStore({ kind: "postgres", db: { schema: pgSchema(name) } });
  try {
    const actual = await store.reader.readSessions();
    const expected = await groundTruthSessions({ parquet });
    const cmp = await compareSessions(expected, actual);
    if (!cmp.equal) {
      const id = (cmp.onlyInExpected.samples[0] ?? cmp.onlyInActual.samples[0])!.session_id;
      const pick = (rows: readonly { session_id: string }[]) => rows.find((r) => r.session_id === id) ?? null;
      writeFileSync(
        join(REPO_ROOT, "data", "runs", `${name}-mismatch.json`),
        JSON.stringify(
          {
            counts: [cmp.onlyInExpected.count, cmp.onlyInActual.count],
            expected: pick(expected),
            actual: pick(actual),
          },
          null,
          2,
        ),
      );
    }
    expectSameSessions(cmp);
    return { sessions: actual.length, expected };
  } finally {
    await store.close();
  }
}

let aggregatorCount = 0;
function startAggregator(
  name: string,
  topic: string,
  extra: string[] = [],
): { child: ChildProcess; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const logFile = join(REPO_ROOT, "data", "runs", `${name}-aggregator-${++aggregatorCount}.log`);
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, "bin/cartstream.js"),
      "aggregate",
      "--name",
      name,
      "--group",
      `g-${name}`,
      "--topic",
      topic,
      "--dlq-topic",
      `${topic}.dlq`,
      "--metrics-port",
      "0",
      "--exit-when-done",
      "--log-every",
      "30",
      ...extra,
    ],
    { cwd: REPO_ROOT, env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += String(d);
    appendFileSync(logFile, String(d));
  });
  child.stdout!.on("data", () => {});
  // A member that never finishes must fail the test with its log, not hang it.
  const watchdog = setTimeout(() => child.kill("SIGKILL"), 600_000);
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stderr });
    }),
  );
  return { child, exit };
}

describe("Kafka + PostgreSQL + Redis", () => {
  it("phase1 run with 2 aggregator processes equals the ground truth", async () => {
    const name = newName("phase1");
    topics.push(`ecommerce.events.${name}`, `ecommerce.events.${name}.dlq`);
    const r = runCli(["run", "--backend", "kafka", "--name", name, "--workers", "2"], { timeoutMs: 900_000 });
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(r.stderr).toMatch(/ground truth: user_sessions equals the DuckDB batch sessions row for row/);
    const { sessions } = await expectGroundTruth(name);
    expect(sessions).toBeGreaterThan(6000);
  }, 900_000);

  it("kill -9 of one aggregator mid-run, then a restart: 0 lost, 0 double-counted", async () => {
    const name = newName("kill");
    const topic = await newTopic(name);
    const a = startAggregator(name, topic, ["--flush-events", "2000"]);
    const b = startAggregator(name, topic, ["--flush-events", "2000", "--crash-after-commits", "4"]);
    // Live stream at 20x speed so the kill lands mid-stream.
    const produced = produceLive(topic, 20);
    const crashed = await b.exit;
    expect(crashed.signal).toBe("SIGKILL");
    expect(crashed.stderr).toMatch(/killing this process \(SIGKILL\)/);
    const b2 = startAggregator(name, topic, ["--flush-events", "2000"]);
    expect((await produced).code).toBe(0);
    const [ea, eb] = await Promise.all([a.exit, b2.exit]);
    expect(ea.code, ea.stderr.slice(-2000)).toBe(0);
    expect(eb.code, eb.stderr.slice(-2000)).toBe(0);
    const { expected } = await expectGroundTruth(name);
    const events = expected.reduce((s, row) => s + row.event_count, 0);
    expect(events).toBeGreaterThan(20_000);
  }, 900_000);

  it("1% malformed or rule-breaking messages: every one in the dead-letter topic with its reason; every valid event accounted for", async () => {
    const name = newName("dlq");
    const topic = `ecommerce.events.${name}`;
    topics.push(topic, `${topic}.dlq`);
    const r = runCli(
      [
        "run",
        "--backend",
        "kafka",
        "--name",
        name,
        "--duration",
        "600",
        "--inject-bad",
        "0.01",
        "--redis",
        "off",
      ],
      { timeoutMs: 900_000 },
    );
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    const injected = summary.injected as {
      malformed_json: number;
      schema_invalid: number;
      rule_breaking: number;
    };
    expect(injected.malformed_json + injected.schema_invalid + injected.rule_breaking).toBeGreaterThan(100);
    // Read the whole dead-letter topic.
    const t = new KafkaTransport({});
    // The dead-letter topic is at least once (a fenced or crashed batch is published again on replay):
    // count distinct source messages (partition:offset; the event_id for sequencing reports).
    const byKey = new Map<string, string>();
    try {
      const [end] = await t.endOffsets(`${topic}.dlq`);
      for (let off = 0; off < end!; ) {
        const { messages } = await t.consume(`${topic}.dlq`, 0, off, 10_000);
        if (messages.length === 0) break;
        for (const m of messages) {
          const offset = Number(m.headers.source_offset);
          const key =
            offset >= 0 ? `${m.headers.source_partition}:${offset}` : `event:${JSON.parse(m.value).event_id}`;
          byKey.set(key, m.headers.reason ?? "");
        }
        off = messages.at(-1)!.offset + 1;
      }
    } finally {
      await t.close();
    }
    const reasons = [...byKey.values()];
    const count = (re: RegExp) => reasons.filter((x) => re.test(x)).length;
    expect(count(/^invalid JSON/)).toBe(injected.malformed_json);
    expect(count(/^schema: .*event_type/)).toBe(injected.schema_invalid);
    expect(count(/^sequence: .*session_start/)).toBe(injected.rule_breaking);
    expect(reasons.length).toBe(injected.malformed_json + injected.schema_invalid + injected.rule_breaking);
    // Every valid event, and every schema-valid rule breaker, is in the sessions exactly once.
    const { expected } = await expectGroundTruth(name);
    const events = expected.reduce((s, row) => s + row.event_count, 0);
    expect(events).toBe(summary.events + injected.rule_breaking);
  }, 900_000);

  it("flushing Redis mid-run changes nothing in PostgreSQL", async () => {
    const name = newName("redis");
    const topic = await newTopic(name);
    const a = startAggregator(name, topic);
    const b = startAggregator(name, topic);
    const produced = produceLive(topic, 30);
    const live = await RedisLiveStore.connect({});
    let flushedWhileOpen = 0;
    try {
      for (let i = 0; i < 60 && flushedWhileOpen === 0; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const open = await live.countOpen();
        if (open > 50) {
          await live.flushAll();
          flushedWhileOpen = open;
        }
      }
    } finally {
      await live.close();
    }
    expect(flushedWhileOpen).toBeGreaterThan(50);
    expect((await produced).code).toBe(0);
    const [ea, eb] = await Promise.all([a.exit, b.exit]);
    expect(ea.code, ea.stderr.slice(-2000)).toBe(0);
    expect(eb.code, eb.stderr.slice(-2000)).toBe(0);
    await expectGroundTruth(name);
  }, 900_000);
});

/** A fresh 5-partition topic (and its dead-letter topic) for the run `name`, deleted after the tests. */
async function newTopic(name: string): Promise<string> {
  const topic = `ecommerce.events.${name}`;
  topics.push(topic, `${topic}.dlq`);
  const t = new KafkaTransport({});
  await t.createTopic(topic, 5);
  await t.close();
  return topic;
}

/** A live stream of 600 s of simulation at `speed` x the real clock, produced by the CLI. */
function produceLive(topic: string, speed: number) {
  return runCliAsync([
    "produce",
    "--topic",
    topic,
    "--duration",
    "600",
    "--clock",
    "real",
    "--speed",
    String(speed),
    "--quiet",
  ]);
}

function runCliAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "bin/cartstream.js"), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TZ: "UTC" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}
