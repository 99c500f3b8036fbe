// Embedded pipeline end to end (simulate -> in-process log -> sessionizer -> store -> archive), at
// phase-1 scale and at ~1M events, with the batch ground-truth time beside it. Each row runs the real
// CLI in a child process (`cartstream run`), so the numbers include parsing, commits and the archive.
// The table puts each 1M-event run beside the phase-1 run of the same store in the same bench run (cost per
// event must not grow with the run: goal >= 0.8x) and beside the DuckDB ground truth (goal <= 3x).
// Usage: npx tsx bench/pipeline.bench.ts [--big N] [--stores pglite,postgres]
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openPgDb, quoteIdent } from "../pipeline/store/index.ts";
import { childCpuSeconds } from "./child-cpu.ts";
import { machineLine, printTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    big: { type: "string", default: "1000000" },
    stores: { type: "string", default: "pglite,postgres" },
  },
});
const big = Number(values.big);
const stores = values.stores.split(",");

interface Row {
  label: string;
  store: string;
  events: number;
  sessions: number;
  streamS: number;
  /** CPU seconds of the whole `run` process (simulate, stream, archive, verification). */
  cpuS: number | null;
  gtS: number;
}

function runOnce(label: string, store: string, extra: string[]): Row {
  const name = `bench-${store}-${process.pid}`;
  const cpu0 = childCpuSeconds();
  const r = spawnSync(
    process.execPath,
    [
      // As the aggregator README recommends: a larger nursery lets short-lived event objects die young.
      "--max-semi-space-size=64",
      "bin/cartstream.js",
      "run",
      "--name",
      name,
      "--store",
      store,
      "--flush-events",
      "20000",
      "--quiet",
      ...extra,
    ],
    {
      encoding: "utf8",
      env: { ...process.env, TZ: "UTC" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // --quiet silences progress; the ground-truth line still comes through the JSON summary's companion run below.
  if (r.status !== 0) throw new Error(`run failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const cpu1 = childCpuSeconds();
  const summary = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  // Ground truth timing: a second, verify-only pass is not available, so time it here the same way the CLI does.
  const gt = spawnSync(
    process.execPath,
    ["--import", "tsx", "bench/ground-truth-time.ts", join("data", "runs", name, "events.parquet")],
    { encoding: "utf8" },
  );
  if (gt.status !== 0) throw new Error(gt.stderr);
  const gtS = Number(gt.stdout.trim());
  rmSync(join("data", "runs", name), { recursive: true, force: true });
  rmSync(join("data", "pglite", name), { recursive: true, force: true });
  return {
    label,
    store,
    events: summary.events,
    sessions: summary.sessions,
    streamS: summary.elapsed_s,
    cpuS: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    gtS,
  };
}

console.log(`embedded pipeline benchmark; start: ${machineLine()}`);
const rows: Row[] = [];
for (const store of stores) {
  rows.push(runOnce("phase-1 (default config)", store, []));
  // ~1M events with the phase-1 behaviour: same rate and users per event, a longer window.
  rows.push(
    runOnce(`~${(big / 1e6).toFixed(1)}M events`, store, [
      "--rate",
      "400",
      "--users",
      "4000",
      "--duration",
      String(big / 400),
    ]),
  );
}
const db = await openPgDb({});
try {
  await db.query(
    `DROP SCHEMA IF EXISTS ${quoteIdent(`cs_bench-postgres-${process.pid}`.replace(/[^a-z0-9_]/g, "_"))} CASCADE`,
  );
} finally {
  await db.close();
}
const GOALS: Record<string, number> = { postgres: 100_000, pglite: 50_000 };
const rate = (r: Row) => r.events / r.streamS;
printTable(
  "end to end (stream: simulate + log + sessionize + commit + archive; ground truth: DuckDB SQL over the archive)",
  [
    "run",
    "store",
    "events",
    "sessions",
    "stream s",
    "events/s",
    "vs phase-1",
    "ground truth s",
    "stream / GT",
  ],
  rows.map((r) => {
    const phase1 = rows.find((x) => x.store === r.store && x !== r && x.label.startsWith("phase-1"));
    return [
      r.label,
      r.store,
      r.events,
      r.sessions,
      r.streamS.toFixed(1),
      rate(r),
      phase1 === undefined ? "" : `${(rate(r) / rate(phase1)).toFixed(2)}x`,
      r.gtS.toFixed(2),
      `${(r.streamS / r.gtS).toFixed(1)}x`,
      r.cpuS === null ? "n/a" : r.cpuS.toFixed(1),
      r.cpuS === null ? "n/a" : r.events / r.cpuS,
    ];
  }),
);
console.log(
  "\ngoals for the 1M-event runs: events/s >= 100,000 (postgres) / 50,000 (pglite), >= 0.8x phase-1, <= 3x GT",
);
for (const r of rows.filter((x) => !x.label.startsWith("phase-1"))) {
  const phase1 = rows.find((x) => x.store === r.store && x.label.startsWith("phase-1"))!;
  const checks = [
    `${Math.round(rate(r)).toLocaleString("en-US")} events/s ${rate(r) >= (GOALS[r.store] ?? 0) ? "reached" : "NOT reached"}`,
    `${(rate(r) / rate(phase1)).toFixed(2)}x phase-1 ${rate(r) >= 0.8 * rate(phase1) ? "reached" : "NOT reached"}`,
    `${(r.streamS / r.gtS).toFixed(1)}x GT ${r.streamS <= 3 * r.gtS ? "reached" : "NOT reached"}`,
  ];
  console.log(`  ${r.store}: ${checks.join("; ")}`);
}
console.log(`end: ${machineLine()}`);
