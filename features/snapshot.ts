// Snapshot: user_sessions (PostgreSQL server, or PGlite served on a loopback port), read by the store in
// keyset pages, appended into DuckDB as text and cast once to the catalogue's DuckDB types; the raw events
// come from the archive's Parquet.
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryScalar, quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { SESSION_COLUMN_DEFS, SESSION_COLUMNS } from "../pipeline/model/index.ts";
import { readSessionPages, type SessionPagesOptions } from "../pipeline/store/index.ts";

export interface SnapshotOptions extends SessionPagesOptions {
  onProgress?: (rows: number) => void;
}

/** Reads user_sessions into DuckDB table `sessions`; returns the row count. */
export async function snapshotSessions(con: DuckDBConnection, opts: SnapshotOptions): Promise<number> {
  const { onProgress, ...pages } = opts;
  await con.run("DROP TABLE IF EXISTS sessions_text");
  await con.run(
    `CREATE TABLE sessions_text (${SESSION_COLUMNS.map((c) => `${quoteIdent(c)} VARCHAR`).join(", ")})`,
  );
  let total = 0;
  const appender = await con.createAppender("sessions_text");
  try {
    for await (const rows of readSessionPages(pages)) {
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
      total += rows.length;
      onProgress?.(total);
    }
  } finally {
    appender.closeSync();
  }
  const casts = SESSION_COLUMNS.map(
    (c) => `CAST(${quoteIdent(c)} AS ${SESSION_COLUMN_DEFS[c].duckdb}) AS ${quoteIdent(c)}`,
  );
  await con.run("DROP TABLE IF EXISTS sessions");
  await con.run(`CREATE TABLE sessions AS SELECT ${casts.join(", ")} FROM sessions_text`);
  await con.run("DROP TABLE sessions_text");
  return total;
}

/** Loads the raw event archive (Parquet) into DuckDB table `events`; returns the row count. */
export async function loadEventsParquet(con: DuckDBConnection, parquetPath: string): Promise<number> {
  await con.run("DROP TABLE IF EXISTS events");
  await con.run(`CREATE TABLE events AS SELECT * FROM read_parquet(${quoteString(parquetPath)})`);
  return Number(await queryScalar(con, "SELECT count(*)::INTEGER AS n FROM events"));
}
