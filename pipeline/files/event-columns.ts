// The typed column layout of events in Parquet and in DuckDB, defined once (from the event schema).
import { EVENT_TYPES } from "../events/index.ts";

export const EVENT_COLUMNS = {
  event_id: "VARCHAR",
  event_type: "VARCHAR",
  event_time: "TIMESTAMP_MS",
  user_id: "VARCHAR",
  session_id: "VARCHAR",
  device_type: "VARCHAR",
  browser: "VARCHAR",
  schema_version: "INTEGER",
  product_id: "VARCHAR",
  category: "VARCHAR",
  price: "DECIMAL(10,2)",
  quantity: "INTEGER",
  cart_value: "DECIMAL(10,2)",
  search_query: "VARCHAR",
  order_id: "VARCHAR",
  order_value: "DECIMAL(10,2)",
  abandonment_reason: "VARCHAR",
  persona: "VARCHAR",
  intended_outcome: "VARCHAR",
} as const;

export type EventColumn = keyof typeof EVENT_COLUMNS;

/** `columns={...}` argument for DuckDB's read_json over NDJSON events. */
export function readJsonColumnsArg(): string {
  return `{${Object.entries(EVENT_COLUMNS)
    .map(([k, t]) => `${k}: '${t === "TIMESTAMP_MS" ? "TIMESTAMP" : t}'`)
    .join(", ")}}`;
}

export const EVENT_TYPE_LIST = EVENT_TYPES;
