// Fixtures for the dataset builder: events into table `events` with the archive's column types
// (EVENT_COLUMNS), and table `sessions` from the project's ground-truth SQL over them.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { buildDataset, type DatasetResult } from "../../features/index.ts";
import type { ClickEvent } from "../../pipeline/events/index.ts";
import { EVENT_COLUMNS, quoteIdent } from "../../pipeline/files/index.ts";
import { loadEvents, sessionsSqlText } from "../../pipeline/ground-truth/index.ts";
import { resolveSimulatorConfig, simulate } from "../../pipeline/simulator/index.ts";

export async function openDb(): Promise<{
  instance: DuckDBInstance;
  con: DuckDBConnection;
  close: () => void;
}> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  return {
    instance,
    con,
    close: () => {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** Loads `events` (EVENT_COLUMNS types) and builds `sessions` (SessionRow columns) with the ground-truth SQL. */
export async function loadFixture(
  con: DuckDBConnection,
  events: Iterable<ClickEvent>,
  timeoutMs = 60_000,
): Promise<void> {
  await loadEvents(con, { events });
  const cols = Object.entries(EVENT_COLUMNS)
    .map(
      ([n, t]) => `CAST(${quoteIdent(n)} AS ${t === "TIMESTAMP_MS" ? "TIMESTAMP" : t}) AS ${quoteIdent(n)}`,
    )
    .join(", ");
  await con.run(`CREATE OR REPLACE TABLE events AS SELECT ${cols} FROM events`);
  await con.run(
    `CREATE OR REPLACE TABLE sessions AS SELECT *, CAST(0 AS INTEGER) AS kafka_partition FROM (${sessionsSqlText()})`,
    { timeout_ms: BigInt(timeoutMs) },
  );
}

export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = join(tmpdir(), `cartstream-features-${tag}-${randomUUID()}`);
  mkdirSync(dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A file's bytes as an ArrayBuffer (hyparquet's AsyncBuffer accepts one). */
export function fileArrayBuffer(path: string): ArrayBuffer {
  const buf = readFileSync(path);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

const BASE_MS = Date.parse("2025-10-20T12:00:00.000Z");

export interface EventSpec {
  id: string;
  type: ClickEvent["event_type"];
  /** seconds after 2025-10-20T12:00:00Z (may be fractional: ms precision). */
  t: number;
  product?: { id: string; category: string; price: number };
  quantity?: number;
  cart?: number;
  order?: number;
}

/** Hand-made events of one session (user, session id) for crafted fixtures. */
export function sessionEvents(user: string, session: string, specs: EventSpec[]): ClickEvent[] {
  return specs.map((s) => {
    const e: ClickEvent = {
      event_id: s.id,
      event_type: s.type,
      event_time: new Date(BASE_MS + Math.round(s.t * 1000)).toISOString(),
      user_id: user,
      session_id: session,
      device_type: "mobile",
      browser: "chrome",
      schema_version: 1,
    };
    if (s.product) {
      e.product_id = s.product.id;
      e.category = s.product.category;
      e.price = s.product.price;
    }
    if (s.quantity !== undefined) e.quantity = s.quantity;
    if (s.cart !== undefined) e.cart_value = s.cart;
    if (s.type === "search") e.search_query = "shoes";
    if (s.order !== undefined) {
      e.order_id = `o-${s.id}`;
      e.order_value = s.order;
    }
    return e;
  });
}

/** Rows of a query as plain objects (numbers for DECIMAL/BIGINT, Date for TIMESTAMP). */
export async function rows(con: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await con.runAndReadAll(sql);
  return reader
    .getRowObjectsJS()
    .map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
    );
}

/**
 * The default phase-1 dataset for one seed: data/configs/phase1.json simulated, sessions from the
 * ground-truth SQL (every pipeline mode equals it row for row), then the dataset builder into `outDir`.
 */
export async function buildPhase1Dataset(seed: number, outDir: string): Promise<DatasetResult> {
  const file = JSON.parse(readFileSync(new URL("../../data/configs/phase1.json", import.meta.url), "utf8"));
  const config = resolveSimulatorConfig(file, { seed });
  const db = await openDb();
  try {
    await loadFixture(db.con, simulate(config).events, config.session_timeout_s * 1000);
    return await buildDataset(db.con, {
      outDir,
      name: `phase1-seed-${seed}`,
      seed,
      config,
      timeoutMs: config.session_timeout_s * 1000,
    });
  } finally {
    db.close();
  }
}
