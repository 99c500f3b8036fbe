// The real pipeline on real services: Kafka (local broker), PostgreSQL, Redis. One printed table:
//  - sustained end-to-end replay throughput (topic already filled; aggregators read, sessionize, commit),
//  - the same replay through a naive consumer that commits once per event (same code, flush every event),
//  - event-to-commit latency p50/p99 in the real clock at 40 and 2,000 events/s.
// Usage: npx tsx bench/kafka.bench.ts [--replay N] [--naive N] [--latency-seconds S]
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openPgDb, quoteIdent } from "../pipeline/store/index.ts";
import { KafkaTransport } from "../pipeline/transport/index.ts";
import { machineLine, printTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    replay: { type: "string", default: "300000" },
    naive: { type: "string", default: "5000" },
    "latency-seconds": { type: "string", default: "60" },
    workers: { type: "string", default: "2" },
  },
});
const replayEvents = Number(values.replay);
const naiveEvents = Number(values.naive);
const latencySeconds = Number(values["latency-seconds"]);
const workers = Number(values.workers);
const BIN = "bin/cartstream.js";
const created: { name: string; topic: string }[] = [];

function cli(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`cartstream ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

function aggregator(
  name: string,
  topic: string,
  extra: string[],
): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(
    process.execPath,
    [
      BIN,
      "aggregate",
      "--name",
      name,
      "--group",
      `bench-${name}`,
      "--topic",
      topic,
      "--dlq-topic",
      `${topic}.dlq`,
      "--metrics-port",
      "0",
      "--redis",
      "on",
      "--exit-when-done",
      "--log-every",
      "600",
      ...extra,
    ],
    {
      env: { ...process.env, TZ: "UTC" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let err = "";
  child.stderr!.on("data", (d) => (err += String(d)));
  const done = new Promise<string>((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 ? resolve(err) : reject(new Error(`aggregator exited ${code}: ${err.slice(-2000)}`)),
    ),
  );
  return { child, done };
}

async function newTopic(tag: string): Promise<{ name: string; topic: string }> {
  const name = `bench-${tag}-${process.pid}`;
  const topic = `bench.${name}`;
  const t = new KafkaTransport({});
  await t.createTopic(topic, 5);
  await t.close();
  created.push({ name, topic });
  return { name, topic };
}

/** Produce `events` (virtual clock) first, then time the aggregators draining the topic into PostgreSQL. */
async function replay(
  tag: string,
  events: number,
  extra: string[],
  procs: number,
): Promise<{ events: number; seconds: number }> {
  const { name, topic } = await newTopic(tag);
  const produced = JSON.parse(
    cli([
      "produce",
      "--topic",
      topic,
      "--rate",
      "400",
      "--users",
      "4000",
      "--duration",
      String(events / 400),
      "--quiet",
    ]).stdout.trim(),
  );
  const t0 = performance.now();
  const aggs = Array.from({ length: procs }, () => aggregator(name, topic, extra));
  await Promise.all(aggs.map((a) => a.done));
  return { events: produced.events, seconds: (performance.now() - t0) / 1000 };
}

function latencyOf(stderr: string): { p50: number; p99: number; count: number } {
  const m = /event-to-commit latency ms (\{.*\})/.exec(stderr);
  if (!m) throw new Error(`no latency line in: ${stderr.slice(-1000)}`);
  const s = JSON.parse(m[1]!);
  return { p50: s.p50, p99: s.p99, count: s.count };
}

async function latency(rate: number): Promise<{ p50: number; p99: number; count: number }> {
  const { name, topic } = await newTopic(`lat${rate}`);
  const agg = aggregator(name, topic, ["--flush-ms", "10"]);
  await new Promise((r) => setTimeout(r, 3000)); // let it join the group before the stream starts
  cli([
    "produce",
    "--topic",
    topic,
    "--clock",
    "real",
    "--rate",
    String(rate),
    "--users",
    String(Math.max(400, rate * 10)),
    "--duration",
    String(latencySeconds),
    "--end",
    "cut",
    "--quiet",
  ]);
  return latencyOf(await agg.done);
}

console.log(`Kafka + PostgreSQL + Redis benchmark; ${machineLine()}`);
const rows: (string | number)[][] = [];
try {
  const fast = await replay("replay", replayEvents, [], workers);
  rows.push([
    `replay, ${workers} aggregators, batched commits`,
    fast.events,
    fast.seconds.toFixed(1),
    fast.events / fast.seconds,
    "",
    "",
  ]);
  const naive = await replay("naive", naiveEvents, ["--flush-events", "1", "--flush-ms", "1000000"], 1);
  rows.push([
    "replay, naive: one commit per event",
    naive.events,
    naive.seconds.toFixed(1),
    naive.events / naive.seconds,
    "",
    "",
  ]);
  const ratio = fast.events / fast.seconds / (naive.events / naive.seconds);
  for (const rate of [40, 2000]) {
    const l = await latency(rate);
    rows.push([`real clock ${rate} events/s, event-to-commit`, l.count, latencySeconds, "", l.p50, l.p99]);
  }
  printTable("throughput and latency", ["run", "events", "seconds", "events/s", "p50 ms", "p99 ms"], rows);
  console.log(`\nbatched / naive throughput ratio: ${ratio.toFixed(1)}x`);
} finally {
  const db = await openPgDb({});
  const t = new KafkaTransport({});
  for (const c of created) {
    await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(`cs_${c.name}`.replace(/[^a-z0-9_]/g, "_"))} CASCADE`);
    rmSync(join("data", "runs", c.name), { recursive: true, force: true });
  }
  await t.deleteTopics(created.flatMap((c) => [c.topic, `${c.topic}.dlq`])).catch(() => {});
  await t.close();
  await db.close();
}
