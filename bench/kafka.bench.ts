// The real pipeline on real services: Kafka (local broker), PostgreSQL, Redis. One printed table:
//  - sustained end-to-end replay throughput (topic already filled; aggregators read, sessionize, commit),
//  - the same replay through a naive consumer that commits once per event (same code, flush every event),
//  - event-to-commit latency p50/p99 in the real clock at 40 and 2,000 events/s, with the rate the producer
//    actually reached beside the target.
// Replay throughput is given with the aggregators' process start (spawn to exit) and without it (from the
// first partition assignment to exit). Goals: >= 50,000 events/s, batched >= 20x naive, p99 <= 100 ms.
// Usage: npx tsx bench/kafka.bench.ts [--replay N] [--naive N] [--latency-seconds S]
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openPgDb, quoteIdent } from "../pipeline/store/index.ts";
import { KafkaTransport } from "../pipeline/transport/index.ts";
import { childCpuSeconds } from "./child-cpu.ts";
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
): { child: ChildProcess; done: Promise<string>; assignedAt: Promise<number> } {
  const child = spawn(
    process.execPath,
    [
      // As the aggregator README recommends: a larger nursery lets short-lived event objects die young.
      "--max-semi-space-size=64",
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
  let assigned: (t: number) => void = () => {};
  const assignedAt = new Promise<number>((resolve) => (assigned = resolve));
  child.stderr!.on("data", (d) => {
    err += String(d);
    if (err.includes("assigned partitions")) assigned(performance.now());
  });
  const done = new Promise<string>((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 ? resolve(err) : reject(new Error(`aggregator exited ${code}: ${err.slice(-2000)}`)),
    ),
  );
  return { child, done, assignedAt };
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
): Promise<{ events: number; seconds: number; afterStart: number; cpuS: number | null }> {
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
  const cpu0 = childCpuSeconds();
  const aggs = Array.from({ length: procs }, () => aggregator(name, topic, extra));
  await Promise.all(aggs.map((a) => a.done));
  const t1 = performance.now();
  const cpu1 = childCpuSeconds();
  // Without process start: from the first assignment (the group formed, state loaded) to the last exit.
  const firstAssigned = Math.min(...(await Promise.all(aggs.map((a) => a.assignedAt))));
  return {
    events: produced.events,
    seconds: (t1 - t0) / 1000,
    afterStart: (t1 - firstAssigned) / 1000,
    cpuS: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
  };
}

function latencyOf(stderr: string): { p50: number; p99: number; count: number } {
  const m = /event-to-commit latency ms (\{.*\})/.exec(stderr);
  if (!m) throw new Error(`no latency line in: ${stderr.slice(-1000)}`);
  const s = JSON.parse(m[1]!);
  return { p50: s.p50, p99: s.p99, count: s.count };
}

async function latency(rate: number): Promise<{ p50: number; p99: number; count: number; realized: number }> {
  const { name, topic } = await newTopic(`lat${rate}`);
  const agg = aggregator(name, topic, ["--flush-ms", "10"]);
  await new Promise((r) => setTimeout(r, 3000)); // let it join the group before the stream starts
  const produced = cli([
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
  const summary = JSON.parse(produced.stdout.trim().split("\n").at(-1)!);
  return { ...latencyOf(await agg.done), realized: summary.events / summary.elapsed_s };
}

console.log(`Kafka + PostgreSQL + Redis benchmark; start: ${machineLine()}`);
const rows: (string | number)[][] = [];
try {
  const fast = await replay("replay", replayEvents, [], workers);
  rows.push([
    `replay, ${workers} aggregators, batched commits (with process start)`,
    fast.events,
    fast.seconds.toFixed(1),
    fast.events / fast.seconds,
    "",
    "",
    "",
  ]);
  rows.push([
    `replay, ${workers} aggregators, batched commits (first assignment to exit)`,
    fast.events,
    fast.afterStart.toFixed(1),
    fast.events / fast.afterStart,
    "",
    "",
    "",
  ]);
  const naive = await replay("naive", naiveEvents, ["--flush-events", "1", "--flush-ms", "1000000"], 1);
  rows.push([
    "replay, naive: one commit per event (first assignment to exit)",
    naive.events,
    naive.afterStart.toFixed(1),
    naive.events / naive.afterStart,
    "",
    "",
    "",
  ]);
  const ratio = fast.events / fast.afterStart / (naive.events / naive.afterStart);
  const perCpu = (r: { events: number; cpuS: number | null }) =>
    r.cpuS === null
      ? "n/a"
      : `${Math.round(r.events / r.cpuS).toLocaleString("en-US")} events per CPU s (${r.cpuS.toFixed(1)} CPU s)`;
  for (const rate of [40, 2000]) {
    const l = await latency(rate);
    rows.push([
      `real clock, target ${rate} events/s, event-to-commit`,
      l.count,
      latencySeconds,
      "",
      l.realized.toFixed(0),
      l.p50,
      l.p99,
    ]);
  }
  printTable(
    "throughput and latency",
    ["run", "events", "seconds", "events/s", "realized events/s", "p50 ms", "p99 ms"],
    rows,
  );
  console.log(
    `\nbatched / naive throughput ratio (without process start): ${ratio.toFixed(1)}x (goal >= 20x)`,
  );
  console.log(`aggregator processes' CPU: batched ${perCpu(fast)}, naive ${perCpu(naive)}`);
  console.log(`end: ${machineLine()}`);
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
