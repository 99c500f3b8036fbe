// Batch ground truth: the same session rows as the streaming core, computed by DuckDB SQL (sessions.sql)
// over the raw events, plus a row-set comparison that any mode of the pipeline can be checked with.
import { readFileSync } from "node:fs";
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  quotedIdentifier,
  quotedString,
} from "@duckdb/node-api";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ClickEvent } from "../events/index.ts";
import { COMPARED_COLUMNS, type SessionRow } from "../model/index.ts";

/** A ground-truth row: every SessionRow column but kafka_partition (a transport detail, not compared). */
export type GroundTruthRow = Omit<SessionRow, "kafka_partition">;
export type ComparedColumn = (typeof COMPARED_COLUMNS)[number];
export type ComparedRow = Pick<SessionRow, ComparedColumn>;

/** Where the raw events come from. */
export type EventSource = { events: Iterable<ClickEvent> } | { parquet: string } | { ndjson: string };

export interface GroundTruthOptions {
  /** Inactivity timeout in ms (the sessionizer's timeoutMs); default 60000. */
  timeoutMs?: number;
  /**
   * Run on this connection instead of a fresh in-memory database. Its `events` table is replaced and its
   * TimeZone set to UTC.
   */
  connection?: DuckDBConnection;
}

/** Columns of the `events` table sessions.sql reads, in event-schema order. */
export const EVENT_TABLE_COLUMNS = [
  ["event_id", "VARCHAR"],
  ["event_type", "VARCHAR"],
  ["event_time", "TIMESTAMP"],
  ["user_id", "VARCHAR"],
  ["session_id", "VARCHAR"],
  ["device_type", "VARCHAR"],
  ["browser", "VARCHAR"],
  ["schema_version", "INTEGER"],
  ["product_id", "VARCHAR"],
  ["category", "VARCHAR"],
  ["price", "DOUBLE"],
  ["quantity", "INTEGER"],
  ["cart_value", "DOUBLE"],
  ["search_query", "VARCHAR"],
  ["order_id", "VARCHAR"],
  ["order_value", "DOUBLE"],
  ["abandonment_reason", "VARCHAR"],
  ["persona", "VARCHAR"],
  ["intended_outcome", "VARCHAR"],
] as const;
type EventColumn = (typeof EVENT_TABLE_COLUMNS)[number][0];

const ROW_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%gZ";
const TIME_COLUMNS = new Set<string>(["start_time", "end_time", "last_activity"]);
const MONEY_COLUMNS = new Set<string>(["cart_value", "purchase_value", "avg_time_per_page"]);
const BOOL_COLUMNS = new Set<string>(["is_converted", "bounce"]);
const TEXT_COLUMNS = new Set<string>([
  "session_id",
  "user_id",
  "device_type",
  "browser",
  "base_session_id",
  "ended_by",
  "persona",
  "intended_outcome",
  "abandonment_reason",
]);

let sessionsSql: string | null = null;

/** The text of sessions.sql (one SELECT over table `events`, parameter $timeout_ms), without a trailing ';'. */
export function sessionsSqlText(): string {
  if (sessionsSql === null) {
    const text = readFileSync(new URL("./sessions.sql", import.meta.url), "utf8");
    sessionsSql = text.trim().replace(/;\s*$/, "");
  }
  return sessionsSql;
}

/** DuckDB SQL for a UTC TIMESTAMP from a source column of the given type. */
function timeExpression(column: string, sourceType: string): string {
  const c = quotedIdentifier(column);
  const t = sourceType.toUpperCase();
  if (t === "TIMESTAMP" || t.startsWith("TIMESTAMP(") || t === "TIMESTAMP_MS" || t === "TIMESTAMP_NS") {
    return `CAST(${c} AS TIMESTAMP)`;
  }
  if (t === "BIGINT" || t === "INTEGER" || t === "HUGEINT") return `epoch_ms(CAST(${c} AS BIGINT))`;
  // VARCHAR with an offset or 'Z', TIMESTAMP WITH TIME ZONE: convert the instant to UTC wall time.
  return `timezone('UTC', CAST(${c} AS TIMESTAMPTZ))`;
}

async function createEventsTable(con: DuckDBConnection): Promise<void> {
  const columns = EVENT_TABLE_COLUMNS.map(([n, t]) => `${quotedIdentifier(n)} ${t}`).join(", ");
  await con.run(`CREATE OR REPLACE TABLE events (${columns})`);
}

/** INSERT INTO events from a relation whose columns are described by `types` (name -> DuckDB type). */
async function insertEvents(
  con: DuckDBConnection,
  relation: string,
  types: Map<string, string>,
): Promise<void> {
  if (!types.has("event_id") || !types.has("event_time") || !types.has("session_id")) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `events source ${relation} has columns [${[...types.keys()].join(", ")}]; expected at least event_id, event_time and session_id (the event schema of pipeline/events)`,
    );
  }
  const select = EVENT_TABLE_COLUMNS.map(([name, type]) => {
    const sourceType = types.get(name);
    if (sourceType === undefined) return `CAST(NULL AS ${type}) AS ${quotedIdentifier(name)}`;
    if (name === "event_time") return `${timeExpression(name, sourceType)} AS event_time`;
    return `CAST(${quotedIdentifier(name)} AS ${type}) AS ${quotedIdentifier(name)}`;
  }).join(", ");
  await con.run(`INSERT INTO events SELECT ${select} FROM ${relation}`);
}

async function describe(con: DuckDBConnection, relation: string): Promise<Map<string, string>> {
  const reader = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  const out = new Map<string, string>();
  for (const row of reader.getRowObjectsJS()) out.set(String(row.column_name), String(row.column_type));
  return out;
}

function appendOptional(appender: DuckDBAppender, value: unknown, type: string): void {
  if (value === undefined || value === null) {
    appender.appendNull();
  } else if (type === "VARCHAR") {
    appender.appendVarchar(String(value));
  } else if (type === "INTEGER") {
    appender.appendInteger(Number(value));
  } else {
    appender.appendDouble(Number(value));
  }
}

/**
 * Loads events into table `events` (replaced) on `con`: from an in-memory list (Appender), a Parquet file
 * or an NDJSON file. Columns missing from a file are NULL; event_time becomes a UTC TIMESTAMP.
 */
export async function loadEvents(con: DuckDBConnection, source: EventSource): Promise<void> {
  await con.run("SET TimeZone = 'UTC'");
  await createEventsTable(con);
  if ("events" in source) {
    // event_time goes in as text so DuckDB parses it exactly as it does for files.
    const staging = EVENT_TABLE_COLUMNS.map(
      ([n, t]) => `${quotedIdentifier(n)} ${n === "event_time" ? "VARCHAR" : t}`,
    ).join(", ");
    await con.run(`CREATE OR REPLACE TEMP TABLE events_input (${staging})`);
    const appender = await con.createAppender("events_input");
    try {
      for (const e of source.events) {
        const record = e as unknown as Record<EventColumn, unknown>;
        for (const [name, type] of EVENT_TABLE_COLUMNS) {
          appendOptional(appender, record[name], name === "event_time" ? "VARCHAR" : type);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const types = new Map<string, string>(EVENT_TABLE_COLUMNS.map(([n, t]) => [n, t]));
    types.set("event_time", "VARCHAR");
    await insertEvents(con, "events_input", types);
    await con.run("DROP TABLE events_input");
    return;
  }
  let relation: string;
  if ("parquet" in source) {
    relation = `read_parquet(${quotedString(source.parquet)})`;
  } else {
    const columns = EVENT_TABLE_COLUMNS.map(
      ([n, t]) => `${quotedString(n)}: ${quotedString(n === "event_time" ? "VARCHAR" : t)}`,
    ).join(", ");
    relation = `read_json(${quotedString(source.ndjson)}, format = 'newline_delimited', columns = {${columns}})`;
  }
  let types: Map<string, string>;
  try {
    types = await describe(con, relation);
  } catch (err) {
    const path = "parquet" in source ? source.parquet : source.ndjson;
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `cannot read events from ${path}: ${(err as Error).message}; expected a readable ${"parquet" in source ? "Parquet" : "NDJSON"} file of events`,
      { cause: err },
    );
  }
  await insertEvents(con, relation, types);
}

function toNumber(value: unknown): number {
  return Number(value);
}

/**
 * Runs sessions.sql over table `events` on `con` and returns the rows (ordered by base_session_id, segment):
 * timestamps as ISO strings with ms, money as numbers with 2 decimals, counts as numbers.
 */
export async function runSessionsSql(con: DuckDBConnection, timeoutMs = 60_000): Promise<GroundTruthRow[]> {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `timeoutMs ${timeoutMs} is not an integer >= 0; pass the sessionizer's timeoutMs`,
    );
  }
  const fmt = quotedString(ROW_TIME_FORMAT);
  const select = COMPARED_COLUMNS.map((c) => {
    const id = quotedIdentifier(c);
    if (TIME_COLUMNS.has(c)) return `strftime(${id}, ${fmt}) AS ${id}`;
    if (MONEY_COLUMNS.has(c)) return `CAST(${id} * 100 AS BIGINT) AS ${id}`;
    return id;
  }).join(", ");
  const sql = `SELECT ${select} FROM (\n${sessionsSqlText()}\n) AS s ORDER BY base_session_id, segment`;
  const reader = await con.runAndReadAll(sql, { timeout_ms: BigInt(timeoutMs) });
  return reader.getRowObjectsJS().map((raw) => {
    const row: Record<string, unknown> = {};
    for (const c of COMPARED_COLUMNS) {
      const v = raw[c];
      if (v === null || v === undefined) row[c] = null;
      else if (MONEY_COLUMNS.has(c)) row[c] = toNumber(v) / 100;
      else if (TEXT_COLUMNS.has(c) || TIME_COLUMNS.has(c)) row[c] = String(v);
      else if (BOOL_COLUMNS.has(c)) row[c] = Boolean(v);
      else row[c] = toNumber(v);
    }
    return row as unknown as GroundTruthRow;
  });
}

async function withConnection<T>(
  given: DuckDBConnection | undefined,
  fn: (con: DuckDBConnection) => Promise<T>,
): Promise<T> {
  if (given !== undefined) return fn(given);
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const con = await instance.connect();
    try {
      return await fn(con);
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** The ground-truth session rows of an event source (list, Parquet or NDJSON file). */
export async function groundTruthSessions(
  source: EventSource,
  options: GroundTruthOptions = {},
): Promise<GroundTruthRow[]> {
  return withConnection(options.connection, async (con) => {
    await loadEvents(con, source);
    return runSessionsSql(con, options.timeoutMs ?? 60_000);
  });
}

// ---------------------------------------------------------------------------------------------
// Row-set comparison

export interface RowDifference {
  /** Rows in this direction of the EXCEPT ALL. */
  count: number;
  /** Up to `sampleSize` of them, ordered by session_id. */
  samples: ComparedRow[];
}

export interface SessionComparison {
  equal: boolean;
  expectedCount: number;
  actualCount: number;
  /** expected EXCEPT ALL actual: rows missing or different in actual. */
  onlyInExpected: RowDifference;
  /** actual EXCEPT ALL expected: rows extra or different in actual. */
  onlyInActual: RowDifference;
}

export interface CompareOptions {
  /** Sample rows returned each way; default 10. */
  sampleSize?: number;
  connection?: DuckDBConnection;
}

/** Loosely typed input rows: values as a store may return them (Date, numeric strings, bigint). */
export type ComparableRow = { [K in ComparedColumn]: unknown };

function timeText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return toNumber(v);
}

function boolOrNull(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v === "t" || v === "true" || v === "1";
  return Boolean(v);
}

function comparedType(c: string): string {
  if (TIME_COLUMNS.has(c)) return "TIMESTAMP";
  if (MONEY_COLUMNS.has(c)) return "DECIMAL(18, 2)";
  if (BOOL_COLUMNS.has(c)) return "BOOLEAN";
  if (TEXT_COLUMNS.has(c)) return "VARCHAR";
  return "BIGINT";
}

async function loadRows(con: DuckDBConnection, table: string, rows: Iterable<ComparableRow>): Promise<void> {
  const staging = `${table}_input`;
  const stagingColumns = COMPARED_COLUMNS.map((c) => {
    const type =
      TIME_COLUMNS.has(c) || TEXT_COLUMNS.has(c) ? "VARCHAR" : BOOL_COLUMNS.has(c) ? "BOOLEAN" : "DOUBLE";
    return `${quotedIdentifier(c)} ${type}`;
  }).join(", ");
  await con.run(`CREATE OR REPLACE TEMP TABLE ${quotedIdentifier(staging)} (${stagingColumns})`);
  const appender = await con.createAppender(staging);
  try {
    for (const row of rows) {
      for (const c of COMPARED_COLUMNS) {
        const v = row[c];
        if (TIME_COLUMNS.has(c) || TEXT_COLUMNS.has(c)) {
          const s = TIME_COLUMNS.has(c) ? timeText(v) : v === null || v === undefined ? null : String(v);
          if (s === null) appender.appendNull();
          else appender.appendVarchar(s);
        } else if (BOOL_COLUMNS.has(c)) {
          const b = boolOrNull(v);
          if (b === null) appender.appendNull();
          else appender.appendBoolean(b);
        } else {
          const n = numberOrNull(v);
          if (n === null) appender.appendNull();
          else appender.appendDouble(n);
        }
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const select = COMPARED_COLUMNS.map((c) => {
    const id = quotedIdentifier(c);
    const type = comparedType(c);
    if (type === "TIMESTAMP") return `timezone('UTC', CAST(${id} AS TIMESTAMPTZ)) AS ${id}`;
    return `CAST(${id} AS ${type}) AS ${id}`;
  }).join(", ");
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${quotedIdentifier(table)} AS SELECT ${select} FROM ${quotedIdentifier(staging)}`,
  );
  await con.run(`DROP TABLE ${quotedIdentifier(staging)}`);
}

async function difference(
  con: DuckDBConnection,
  left: string,
  right: string,
  sampleSize: number,
): Promise<RowDifference> {
  const cols = COMPARED_COLUMNS.map((c) => quotedIdentifier(c)).join(", ");
  const diff = `SELECT ${cols} FROM ${quotedIdentifier(left)} EXCEPT ALL SELECT ${cols} FROM ${quotedIdentifier(right)}`;
  await con.run(`CREATE OR REPLACE TEMP TABLE diff AS ${diff}`);
  const countReader = await con.runAndReadAll("SELECT count(*) AS n FROM diff");
  const count = toNumber(countReader.getRowObjectsJS()[0]!.n);
  const fmt = quotedString(ROW_TIME_FORMAT);
  const select = COMPARED_COLUMNS.map((c) => {
    const id = quotedIdentifier(c);
    if (TIME_COLUMNS.has(c)) return `strftime(${id}, ${fmt}) AS ${id}`;
    if (MONEY_COLUMNS.has(c)) return `CAST(${id} * 100 AS BIGINT) AS ${id}`;
    return id;
  }).join(", ");
  const reader = await con.runAndReadAll(
    `SELECT ${select} FROM diff ORDER BY session_id, segment LIMIT ${Math.max(0, Math.floor(sampleSize))}`,
  );
  const samples = reader.getRowObjectsJS().map((raw) => {
    const row: Record<string, unknown> = {};
    for (const c of COMPARED_COLUMNS) {
      const v = raw[c];
      if (v === null || v === undefined) row[c] = null;
      else if (MONEY_COLUMNS.has(c)) row[c] = toNumber(v) / 100;
      else if (typeof v === "bigint") row[c] = Number(v);
      else row[c] = v;
    }
    return row as unknown as ComparedRow;
  });
  await con.run("DROP TABLE diff");
  return { count, samples };
}

/**
 * Compares two session row sets on COMPARED_COLUMNS in DuckDB: loads both into tables and returns the
 * EXCEPT ALL differences both ways (counts and up to `sampleSize` sample rows each way). Rows may come
 * straight from a store: timestamps as Date or ISO strings, numbers as numbers, strings or bigints.
 */
export async function compareSessions(
  expected: Iterable<ComparableRow>,
  actual: Iterable<ComparableRow>,
  options: CompareOptions = {},
): Promise<SessionComparison> {
  const sampleSize = options.sampleSize ?? 10;
  return withConnection(options.connection, async (con) => {
    await con.run("SET TimeZone = 'UTC'");
    await loadRows(con, "expected_sessions", expected);
    await loadRows(con, "actual_sessions", actual);
    const counts = await con.runAndReadAll(
      "SELECT (SELECT count(*) FROM expected_sessions) AS e, (SELECT count(*) FROM actual_sessions) AS a",
    );
    const c = counts.getRowObjectsJS()[0]!;
    const onlyInExpected = await difference(con, "expected_sessions", "actual_sessions", sampleSize);
    const onlyInActual = await difference(con, "actual_sessions", "expected_sessions", sampleSize);
    await con.run("DROP TABLE expected_sessions");
    await con.run("DROP TABLE actual_sessions");
    return {
      equal: onlyInExpected.count === 0 && onlyInActual.count === 0,
      expectedCount: toNumber(c.e),
      actualCount: toNumber(c.a),
      onlyInExpected,
      onlyInActual,
    };
  });
}
