export { EVENT_COLUMNS, type EventColumn, readJsonColumnsArg } from "./event-columns.ts";
export { NdjsonWriter } from "./ndjson-writer.ts";
export { eventsNdjsonToParquet } from "./parquet.ts";
export { quoteIdent, quoteString } from "./sql-quote.ts";
