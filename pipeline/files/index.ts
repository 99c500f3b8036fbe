// The DuckDB quoting helpers, also reachable from here (notebooks and tests import them from pipeline/files).
export { quoteIdent, quoteString } from "../duckdb/index.ts";
export { EVENT_COLUMNS, type EventColumn, readJsonColumnsArg } from "./event-columns.ts";
export { NdjsonWriter } from "./ndjson-writer.ts";
export { eventsNdjsonToParquet } from "./parquet.ts";
