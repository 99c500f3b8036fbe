// The typed column layout of events in Parquet and in DuckDB: name -> DuckDB type, in event-schema order,
// from the event column catalogue (pipeline/model/event-columns.ts).
import { EVENT_COLUMN_DEFS, EVENT_COLUMN_NAMES, type EventColumn } from "../model/index.ts";

export type { EventColumn } from "../model/index.ts";

export const EVENT_COLUMNS: Readonly<Record<EventColumn, string>> = Object.fromEntries(
  EVENT_COLUMN_NAMES.map((c) => [c, EVENT_COLUMN_DEFS[c].duckdb]),
) as Record<EventColumn, string>;

/** `columns={...}` argument for DuckDB's read_json over NDJSON events (times read as TIMESTAMP). */
export function readJsonColumnsArg(): string {
  return `{${EVENT_COLUMN_NAMES.map((c) => {
    const def = EVENT_COLUMN_DEFS[c];
    return `${c}: '${def.kind === "timestamp" ? "TIMESTAMP" : def.duckdb}'`;
  }).join(", ")}}`;
}
