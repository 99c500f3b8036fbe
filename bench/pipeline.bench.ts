// Embedded pipeline end to end (simulate -> in-process log -> sessionizer -> store -> archive), at
// phase-1 scale and at ~1M events, with the batch ground-truth time beside it. Each row runs the real
// CLI in a child process (`cartstream run`), so the numbers include parsing, commits and the archive.
// Usage: npx tsx bench/pipeline.bench.ts [--big N] [--stores pglite,postgres]
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openPgDb, quoteIdent } from "../pipeline/store/index.ts";
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
  gtS: number;
}

function runOnce(label: string, store: string, extra: string[]): Row {
  const name = `bench-${store}-${process.pid}`;
  const r = spawnSync(
    process.execPath,
    [
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
    gtS,
  };
}

console.log(`embedded pipeline benchmark; ${machineLine()}`);
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
printTable(
  "end to end (stream: simulate + log + sessionize + commit + archive; ground truth: DuckDB SQL over the archive)",
  ["run", "store", "events", "sessions", "stream s", "events/s", "ground truth s", "stream / GT"],
  rows.map((r) => [
    r.label,
    r.store,
    r.events,
    r.sessions,
    r.streamS.toFixed(1),
    r.events / r.streamS,
    r.gtS.toFixed(2),
    (r.streamS / r.gtS).toFixed(1),
  ]),
);
