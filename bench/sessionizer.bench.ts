// Sessionizer core throughput on already-parsed events (no transport, no store).
// Usage: npx tsx bench/sessionizer.bench.ts [--events N] [--sessions S] [--partitions P] [--drain D] [--reps R]
//
// The script re-runs itself in child processes, once with V8's default young generation and once with
// --max-semi-space-size=64: the core holds every event of an open session, so with the default 16 MB
// semi-space the scavenger keeps copying live events that a larger nursery lets die young.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { Sessionizer } from "../pipeline/aggregator/index.ts";
import type { ClickEvent, EventType } from "../pipeline/events/index.ts";
import { createRng } from "../pipeline/simulator/index.ts";
import { machineLine, median, printTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    sessions: { type: "string", default: "120000" },
    partitions: { type: "string", default: "5" },
    drain: { type: "string", default: "10000" },
    reps: { type: "string", default: "3" },
  },
});
const targetEvents = Number(values.events);
const sessionCount = Number(values.sessions);
const partitions = Number(values.partitions);
const drainEvery = Number(values.drain);
const reps = Number(values.reps);

/** Uniform floats in [0, 1) from the project's seeded generator. */
function seeded(seed: number): () => number {
  return createRng(seed).next;
}

interface Planned {
  json: string;
  partition: number;
  t: number;
  id: string;
}

/** Synthetic phase-1-like sessions: ~events/sessions events each, 30-59 s apart, starts spread over the run. */
function plan(seed: number): Planned[] {
  const random = seeded(seed);
  const perSession = targetEvents / sessionCount;
  const T0 = Date.UTC(2025, 9, 20, 12);
  // Spread session starts so that about 1,600 sessions of ~5.5 min are open at once, as the phase-1 rate
  // (40 events/s from sessions of ~8 events) requires.
  const spanMs = Math.max(60_000, (sessionCount / 1600) * 330_000);
  const out: Planned[] = [];
  const browse: EventType[] = ["page_view", "product_view", "product_view", "search", "page_view"];
  for (let s = 0; s < sessionCount && out.length < targetEvents; s++) {
    const sid = `sess-${s}`;
    const user = `user-${s % Math.max(1, Math.floor(sessionCount / 3))}`;
    const partition = s % partitions;
    const n = Math.max(2, Math.round(perSession - 2 + random() * 4));
    let t = T0 + Math.floor(random() * spanMs);
    let product = "";
    for (let k = 0; k < n; k++) {
      let type: EventType;
      if (k === 0) type = "session_start";
      else if (k === n - 1 && random() < 0.6) type = "session_end";
      else if (product !== "" && random() < 0.25) type = "add_to_cart";
      else type = browse[Math.floor(random() * browse.length)]!;
      const event: ClickEvent = {
        event_id: `${sid}-${k}`,
        event_type: type,
        event_time: new Date(t).toISOString(),
        user_id: user,
        session_id: sid,
        device_type: "mobile",
        browser: "Chrome",
        schema_version: 1,
      };
      if (type === "product_view" || type === "add_to_cart") {
        if (type === "product_view") product = `p${Math.floor(random() * 500)}`;
        event.product_id = product;
        event.category = "shoes";
        event.price = 19.99;
      }
      if (type === "add_to_cart") {
        event.quantity = 1;
        event.cart_value = 19.99;
      }
      if (type === "search") event.search_query = "running shoes";
      out.push({ json: JSON.stringify(event), partition, t, id: event.event_id });
      t += 30_000 + Math.floor(random() * 29_000);
    }
  }
  return out;
}

/** One drain interval of events, kept as a single JSON text so the benchmark's own data stays cheap to GC. */
interface Batch {
  json: string;
  partitions: Uint8Array;
}

function toBatches(planned: Planned[]): Batch[] {
  const out: Batch[] = [];
  for (let from = 0; from < planned.length; from += drainEvery) {
    const slice = planned.slice(from, from + drainEvery);
    out.push({
      json: `[${slice.map((p) => p.json).join(",")}]`,
      partitions: Uint8Array.from(slice.map((p) => p.partition)),
    });
  }
  return out;
}

interface Scenario {
  name: string;
  order: "in-order" | "shuffled";
  state: boolean;
}

interface Measured {
  ms: number;
  cpuMs: number;
  upserts: number;
  closed: number;
}

/** CPU time of the process (all threads, incl. GC helpers) in ms: robust to other load on a shared machine. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Each batch is parsed (untimed) right before the core sees it, as a consumer does: the event objects are
 * young and allocated in processing order.
 */
function runOnce(batches: Batch[], scenario: Scenario): Measured {
  const sz = new Sessionizer();
  let upserts = 0;
  let stateRows = 0;
  let ms = 0;
  let cpuMs = 0;
  for (const batch of batches) {
    const events = JSON.parse(batch.json) as ClickEvent[];
    const parts = batch.partitions;
    const t0 = performance.now();
    const c0 = cpuNow();
    for (let i = 0; i < events.length; i++) sz.add(events[i]!, parts[i]!);
    upserts += sz.drain().upserts.length;
    if (scenario.state) {
      for (let p = 0; p < partitions; p++) stateRows += sz.exportStateChanges(p).bases.length;
    }
    ms += performance.now() - t0;
    cpuMs += cpuNow() - c0;
  }
  const t0 = performance.now();
  const c0 = cpuNow();
  upserts += sz.closeAll().upserts.length;
  ms += performance.now() - t0;
  cpuMs += cpuNow() - c0;
  const closed = sz.allCounters().reduce((n, c) => n + c.closedSessions, 0);
  if (stateRows < 0) console.log(stateRows);
  return { ms, cpuMs, upserts, closed };
}

const planned = plan(42).sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
const eventCount = planned.length;
const inOrder = toBatches(planned);
// Delivered out of order by up to the default allowed lateness (5 s): nothing is too late.
const jitter = seeded(7);
const shuffled = toBatches(
  planned
    .map((d) => ({ d, k: d.t + Math.floor(jitter() * 5_000) }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.d),
);
planned.length = 0;

const scenarios: Scenario[] = [
  { name: "in order, drain every N", order: "in-order", state: false },
  { name: "in order, drain + state changes every N", order: "in-order", state: true },
  { name: "shuffled within 5 s lateness, drain every N", order: "shuffled", state: false },
];

const YOUNG_GEN = [
  { label: "default young gen", flags: [] as string[] },
  { label: "--max-semi-space-size=64", flags: ["--max-semi-space-size=64"] },
];
const child = process.env.SESSIONIZER_BENCH_CHILD;

if (child === undefined) {
  console.log(
    `sessionizer core: ${eventCount.toLocaleString("en-US")} events, ${sessionCount.toLocaleString("en-US")} sessions, ${partitions} partitions, drain every ${drainEvery.toLocaleString("en-US")} events, median of ${reps}`,
  );
  console.log(machineLine());
  console.log("events/s (CPU) = events / process CPU time of the timed sections (robust to other load)");
  const rows: (string | number)[][] = [];
  for (const gen of YOUNG_GEN) {
    const res = spawnSync(process.execPath, [...process.execArgv, ...gen.flags, ...process.argv.slice(1)], {
      env: { ...process.env, SESSIONIZER_BENCH_CHILD: gen.label },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 20,
    });
    if (res.status !== 0) throw new Error(`benchmark child (${gen.label}) failed with status ${res.status}`);
    rows.push(...(JSON.parse(res.stdout) as (string | number)[][]));
  }
  printTable(
    "Sessionizer throughput (events already parsed)",
    [
      "scenario",
      "V8 heap",
      "events/s (wall)",
      "events/s (CPU)",
      "wall ms",
      "CPU ms",
      "row upserts",
      "closed",
    ],
    rows,
  );
} else {
  // Warm-up (JIT) on the in-order stream.
  runOnce(inOrder, scenarios[0]!);
  const rows: (string | number)[][] = [];
  for (const scenario of scenarios) {
    const events = scenario.order === "in-order" ? inOrder : shuffled;
    const runs: Measured[] = [];
    for (let r = 0; r < reps; r++) runs.push(runOnce(events, scenario));
    const ms = median(runs.map((x) => x.ms));
    const cpuMs = median(runs.map((x) => x.cpuMs));
    const last = runs[runs.length - 1]!;
    rows.push([
      scenario.name,
      child,
      (eventCount / ms) * 1000,
      (eventCount / cpuMs) * 1000,
      ms,
      cpuMs,
      last.upserts,
      last.closed,
    ]);
  }
  process.stdout.write(JSON.stringify(rows));
}
