// Dataset builder speed: synthetic `sessions` + `events` tables (generated in DuckDB SQL, not timed) ->
// buildDataset (features + split + Parquet + manifest, timed). Goal: <= 30 s for 1M sessions.
// The tables arrive in the order the snapshot delivers them (events by event_time, event_id as in the
// archive; sessions by session_id); --shuffled loads them in hash order instead (the worst case: the
// input copies must be sorted). CPU time (all DuckDB threads) is printed next to wall time because the
// machine is shared: wall time grows with other people's load, CPU time much less.
// Usage: npx tsx bench/dataset.bench.ts [--sizes 10000,100000,1000000] [--reps 3] [--threads N] [--shuffled]
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { buildDataset, type StepTiming } from "../features/index.ts";
import { machineLine, median, printTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    reps: { type: "string", default: "3" },
    threads: { type: "string" },
    shuffled: { type: "boolean", default: false },
  },
});
const sizes = values.sizes.split(",").map(Number);
const reps = Number(values.reps);

// Deterministic pseudo-random integers from (session, position): hash() is DuckDB's 64-bit hash.
// Sessions: 1 user per 4 sessions on average, a start every 400 ms, 5-12 events 40 s apart; 16% purchase,
// 30% abandon (add to cart and leave), the rest browse. Sessions are aggregated from the events, so the two
// tables agree the way the snapshot's do.
const SYNTH_EVENTS = `
CREATE OR REPLACE TABLE events AS
WITH s AS (
  SELECT
    i,
    'u' || (hash(i, 'user') % $users) AS user_id,
    's' || i AS session_id,
    TIMESTAMP '2025-10-20 12:00:00' + to_milliseconds(i * 400 + hash(i, 'jitter') % 400) AS start_time,
    5 + CAST(hash(i, 'len') % 8 AS INTEGER) AS k,
    CASE WHEN hash(i, 'out') % 100 < 16 THEN 'purchase' WHEN hash(i, 'out') % 100 < 46 THEN 'abandon' ELSE 'browse' END AS outcome,
    ['mobile', 'desktop', 'tablet'][1 + CAST(hash(i, 'dev') % 3 AS INTEGER)] AS device_type
  FROM range($n) AS t(i)
),
e AS (
  SELECT s.*, unnest(range(s.k)) AS j FROM s
),
typed AS (
  SELECT
    *,
    CASE
      WHEN j = 0 THEN 'session_start'
      WHEN outcome = 'purchase' AND j = k - 1 THEN 'purchase'
      WHEN outcome = 'purchase' AND j = k - 2 THEN 'checkout_initiated'
      WHEN outcome <> 'browse' AND j = k - 3 THEN 'add_to_cart'
      WHEN outcome <> 'browse' AND j = k - 4 THEN 'product_view'
      WHEN hash(i, j) % 10 < 4 THEN 'page_view'
      WHEN hash(i, j) % 10 < 8 THEN 'product_view'
      ELSE 'search'
    END AS event_type,
    CAST(5 + hash(i, 'price') % 200 AS DECIMAL(10, 2)) AS cart_price
  FROM e
)
SELECT
  session_id || '-' || j AS event_id,
  event_type,
  start_time + to_seconds(40 * j) AS event_time,
  user_id,
  session_id,
  device_type,
  'chrome' AS browser,
  1 AS schema_version,
  CASE WHEN event_type IN ('product_view', 'add_to_cart') THEN 'p' || (hash(i, j, 'p') % 1000) END AS product_id,
  CASE WHEN event_type IN ('product_view', 'add_to_cart') THEN 'c' || (hash(i, j, 'p') % 20) END AS category,
  CASE WHEN event_type = 'add_to_cart' THEN cart_price
       WHEN event_type = 'product_view' THEN CAST(5 + hash(i, j, 'p') % 200 AS DECIMAL(10, 2)) END AS price,
  CASE WHEN event_type = 'add_to_cart' THEN 1 END AS quantity,
  CASE WHEN event_type IN ('add_to_cart', 'checkout_initiated', 'purchase') THEN cart_price END AS cart_value,
  CASE WHEN event_type = 'search' THEN 'query' END AS search_query,
  CASE WHEN event_type = 'purchase' THEN 'o' || i END AS order_id,
  CASE WHEN event_type = 'purchase' THEN cart_price END AS order_value,
  CASE WHEN outcome = 'abandon' AND j = k - 1 THEN 'high_price' END AS abandonment_reason,
  'window_shopper' AS persona,
  outcome AS intended_outcome
FROM typed`;

const SYNTH_SESSIONS = `
CREATE OR REPLACE TABLE sessions AS
SELECT
  session_id,
  any_value(user_id) AS user_id,
  min(event_time) AS start_time,
  max(event_time) AS end_time,
  max(event_time) AS last_activity,
  any_value(device_type) AS device_type,
  any_value(browser) AS browser,
  CAST(count(*) FILTER (WHERE event_type = 'page_view') AS INTEGER) AS page_views,
  CAST(count(*) FILTER (WHERE event_type = 'product_view') AS INTEGER) AS products_viewed,
  CAST(count(DISTINCT product_id) FILTER (WHERE event_type = 'product_view') AS INTEGER) AS unique_products_viewed,
  CAST(count(*) FILTER (WHERE event_type = 'search') AS INTEGER) AS searches,
  CAST(count(*) FILTER (WHERE event_type = 'add_to_cart') AS INTEGER) AS cart_additions,
  0 AS cart_removals,
  coalesce(max(cart_value), 0) AS cart_value,
  count(*) FILTER (WHERE event_type = 'purchase') > 0 AS is_converted,
  CAST(coalesce(sum(order_value), 0) AS DECIMAL(10, 2)) AS purchase_value,
  CAST(epoch(max(event_time) - min(event_time)) AS INTEGER) AS session_duration_seconds,
  CAST(0 AS DECIMAL(10, 2)) AS avg_time_per_page,
  false AS bounce,
  session_id AS base_session_id,
  1 AS segment,
  CAST(count(*) AS INTEGER) AS event_count,
  CAST(count(*) FILTER (WHERE event_type = 'checkout_initiated') AS INTEGER) AS checkouts,
  CAST(count(*) FILTER (WHERE event_type = 'purchase') AS INTEGER) AS purchases,
  'timeout' AS ended_by,
  any_value(persona) AS persona,
  any_value(intended_outcome) AS intended_outcome,
  max(abandonment_reason) AS abandonment_reason,
  0 AS sequence_violations,
  0 AS kafka_partition
FROM events
GROUP BY session_id`;

async function synthesize(con: DuckDBConnection, n: number, shuffled: boolean): Promise<number> {
  await con.run(SYNTH_EVENTS, { n, users: Math.max(1, Math.floor(n / 4)) });
  await con.run(SYNTH_SESSIONS);
  const eventOrder = shuffled ? "hash(event_id)" : "event_time, event_id";
  const sessionOrder = shuffled ? "hash(session_id)" : "session_id";
  await con.run(`CREATE OR REPLACE TABLE events AS SELECT * FROM events ORDER BY ${eventOrder}`);
  await con.run(`CREATE OR REPLACE TABLE sessions AS SELECT * FROM sessions ORDER BY ${sessionOrder}`);
  const r = await con.runAndReadAll("SELECT count(*) FROM events");
  return Number(r.getRowsJS()[0]![0]);
}

function stage(timings: StepTiming[], pick: (step: string) => boolean): number {
  return timings.filter((t) => pick(t.step)).reduce((a, t) => a + t.ms, 0);
}

function cpu(timings: StepTiming[]): number {
  return timings.reduce((a, t) => a + t.cpuMs, 0);
}

const rows: (string | number)[][] = [];
for (const n of sizes) {
  const instance = await DuckDBInstance.create(
    ":memory:",
    values.threads ? { threads: values.threads } : undefined,
  );
  const con = await instance.connect();
  const tg = performance.now();
  const events = await synthesize(con, n, values.shuffled);
  const genMs = performance.now() - tg;
  const totals: number[] = [];
  const features: number[] = [];
  const split: number[] = [];
  const parquet: number[] = [];
  const manifest: number[] = [];
  const cpus: number[] = [];
  const r = n >= 1_000_000 ? Math.min(reps, 2) : reps;
  for (let rep = 0; rep < r; rep++) {
    const outDir = join(tmpdir(), `cartstream-bench-dataset-${process.pid}-${n}`);
    const res = await buildDataset(con, { outDir, name: `bench-${n}`, seed: 42 });
    totals.push(res.totalMs);
    features.push(stage(res.timings, (s) => /^[0-2]\d\d_/.test(s)));
    split.push(stage(res.timings, (s) => /^3\d\d_|^split|^checks/.test(s)));
    parquet.push(stage(res.timings, (s) => s.startsWith("write ")));
    manifest.push(stage(res.timings, (s) => s.startsWith("manifest")));
    cpus.push(cpu(res.timings));
    rmSync(outDir, { recursive: true, force: true });
  }
  rows.push([
    n.toLocaleString("en-US"),
    events,
    (genMs / 1000).toFixed(1),
    (median(features) / 1000).toFixed(2),
    (median(split) / 1000).toFixed(2),
    (median(parquet) / 1000).toFixed(2),
    (median(manifest) / 1000).toFixed(2),
    (median(totals) / 1000).toFixed(2),
    (median(cpus) / 1000).toFixed(2),
    n / (median(totals) / 1000),
  ]);
  con.closeSync();
  instance.closeSync();
}

printTable(
  `buildDataset on synthetic tables${values.shuffled ? " in shuffled order" : ""} (median of ${reps} reps, 2 for 1M; seconds; cpu = all threads)`,
  [
    "sessions",
    "events",
    "synth s",
    "features s",
    "split+checks s",
    "parquet s",
    "manifest s",
    "total s",
    "cpu s",
    "sessions/s",
  ],
  rows,
);
console.log(`\n${machineLine()}`);
