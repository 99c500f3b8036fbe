// Batch ground truth: the same session rows as the streaming core, computed by DuckDB SQL (sessions.sql)
// over the raw events. compare.ts checks any mode's rows against them.
import type { DuckDBConnection } from "@duckdb/node-api";
import { DEFAULT_SESSION_TIMEOUT_MS } from "../config/index.ts";
import { readSqlStatement, withDuckDb } from "../duckdb/index.ts";
import { CartstreamError, ERROR_CODES } from "../errors/index.ts";
import type { SessionRow } from "../model/index.ts";
import { readComparedRows } from "./compared-row.ts";
import { type EventSource, loadEvents } from "./events-table.ts";

/** A ground-truth row: every SessionRow column but kafka_partition (a transport detail, not compared). */
export type GroundTruthRow = Omit<SessionRow, "kafka_partition">;

export interface GroundTruthOptions {
  /** Inactivity timeout in ms (the sessionizer's timeoutMs); default 60000. */
  timeoutMs?: number;
  /**
   * Run on this connection instead of a fresh in-memory database. Its `events` table is replaced and its
   * TimeZone set to UTC.
   */
  connection?: DuckDBConnection;
}

/** The text of sessions.sql (one SELECT over table `events`, parameter $timeout_ms), without a trailing ';'. */
export function sessionsSqlText(): string {
  return readSqlStatement(new URL("./sessions.sql", import.meta.url));
}

/**
 * Runs sessions.sql over table `events` on `con` and returns the rows (ordered by base_session_id, segment):
 * timestamps as ISO strings with ms, money as numbers with 2 decimals, counts as numbers.
 */
export async function runSessionsSql(
  con: DuckDBConnection,
  timeoutMs = DEFAULT_SESSION_TIMEOUT_MS,
): Promise<GroundTruthRow[]> {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
    throw new CartstreamError(
      ERROR_CODES.BAD_INPUT,
      `timeoutMs ${timeoutMs} is not an integer >= 0; pass the sessionizer's timeoutMs`,
    );
  }
  return readComparedRows(con, `(\n${sessionsSqlText()}\n) AS s`, "ORDER BY base_session_id, segment", {
    timeout_ms: BigInt(timeoutMs),
  });
}

/** The ground-truth session rows of an event source (list, Parquet or NDJSON file). */
export async function groundTruthSessions(
  source: EventSource,
  options: GroundTruthOptions = {},
): Promise<GroundTruthRow[]> {
  return withDuckDb(async (con) => {
    await loadEvents(con, source);
    return runSessionsSql(con, options.timeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS);
  }, options.connection);
}
