// Table `events` for sessions.sql, filled from an in-memory list (Appender), a Parquet file or an NDJSON
// file. Its columns come from the event column catalogue; money enters as DOUBLE (the value the JSON
// held), so the SQL rounds it to cents exactly as the streaming core's toCents does.
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import { describeRelation, quoteIdent, quoteString } from "../duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { ClickEvent } from "../events/index.ts";
import { type ColumnKind, EVENT_COLUMN_DEFS, EVENT_COLUMN_NAMES, type EventColumn } from "../model/index.ts";

/** Where the raw events come from. */
export type EventSource = { events: Iterable<ClickEvent> } | { parquet: string } | { ndjson: string };

const TABLE_TYPE = {
  varchar: "VARCHAR",
  timestamp: "TIMESTAMP",
  integer: "INTEGER",
  decimal: "DOUBLE",
  boolean: "BOOLEAN",
} as const satisfies Record<ColumnKind, string>;

/** Columns of the `events` table sessions.sql reads, in event-schema order: [name, DuckDB type]. */
export const EVENT_TABLE_COLUMNS: readonly (readonly [EventColumn, string])[] = EVENT_COLUMN_NAMES.map(
  (c) => [c, TABLE_TYPE[EVENT_COLUMN_DEFS[c].kind]] as const,
);

/** Type an input column is staged as: event_time as text, so DuckDB parses it as it does for files. */
function stagingType(name: string, type: string): string {
  return name === "event_time" ? "VARCHAR" : type;
}

/** DuckDB SQL for a UTC TIMESTAMP from a source column of the given type. */
function timeExpression(column: string, sourceType: string): string {
  const c = quoteIdent(column);
  const t = sourceType.toUpperCase();
  if (t === "TIMESTAMP" || t.startsWith("TIMESTAMP(") || t === "TIMESTAMP_MS" || t === "TIMESTAMP_NS") {
    return `CAST(${c} AS TIMESTAMP)`;
  }
  if (t === "BIGINT" || t === "INTEGER" || t === "HUGEINT") return `epoch_ms(CAST(${c} AS BIGINT))`;
  // VARCHAR with an offset or 'Z', TIMESTAMP WITH TIME ZONE: convert the instant to UTC wall time.
  return `timezone('UTC', CAST(${c} AS TIMESTAMPTZ))`;
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
    if (sourceType === undefined) return `CAST(NULL AS ${type}) AS ${quoteIdent(name)}`;
    if (name === "event_time") return `${timeExpression(name, sourceType)} AS event_time`;
    return `CAST(${quoteIdent(name)} AS ${type}) AS ${quoteIdent(name)}`;
  }).join(", ");
  await con.run(`INSERT INTO events SELECT ${select} FROM ${relation}`);
}

function appendOptional(appender: DuckDBAppender, value: unknown, type: string): void {
  if (value === undefined || value === null) appender.appendNull();
  else if (type === "VARCHAR") appender.appendVarchar(String(value));
  else if (type === "INTEGER") appender.appendInteger(Number(value));
  else appender.appendDouble(Number(value));
}

async function stageEvents(con: DuckDBConnection, events: Iterable<ClickEvent>): Promise<void> {
  const staging = EVENT_TABLE_COLUMNS.map(([n, t]) => `${quoteIdent(n)} ${stagingType(n, t)}`).join(", ");
  await con.run(`CREATE OR REPLACE TEMP TABLE events_input (${staging})`);
  const appender = await con.createAppender("events_input");
  try {
    for (const e of events) {
      const record = e as unknown as Record<EventColumn, unknown>;
      for (const [name, type] of EVENT_TABLE_COLUMNS)
        appendOptional(appender, record[name], stagingType(name, type));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * Loads events into table `events` (replaced) on `con`: from an in-memory list (Appender), a Parquet file
 * or an NDJSON file. Columns missing from a file are NULL; event_time becomes a UTC TIMESTAMP.
 */
export async function loadEvents(con: DuckDBConnection, source: EventSource): Promise<void> {
  await con.run("SET TimeZone = 'UTC'");
  const columns = EVENT_TABLE_COLUMNS.map(([n, t]) => `${quoteIdent(n)} ${t}`).join(", ");
  await con.run(`CREATE OR REPLACE TABLE events (${columns})`);
  if ("events" in source) {
    await stageEvents(con, source.events);
    const types = new Map<string, string>(EVENT_TABLE_COLUMNS.map(([n, t]) => [n, stagingType(n, t)]));
    await insertEvents(con, "events_input", types);
    await con.run("DROP TABLE events_input");
    return;
  }
  let relation: string;
  if ("parquet" in source) {
    relation = `read_parquet(${quoteString(source.parquet)})`;
  } else {
    const columns = EVENT_TABLE_COLUMNS.map(
      ([n, t]) => `${quoteString(n)}: ${quoteString(stagingType(n, t))}`,
    ).join(", ");
    relation = `read_json(${quoteString(source.ndjson)}, format = 'newline_delimited', columns = {${columns}})`;
  }
  let types: Map<string, string>;
  try {
    types = await describeRelation(con, relation);
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
