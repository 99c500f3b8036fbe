// Snapshot: user_sessions (PostgreSQL server, or PGlite served on a loopback port) read through `pg` in
// keyset pages (a cursor that survives long reads without holding a transaction), appended into DuckDB
// as text and cast once to the session table's types; the raw events come from the archive's Parquet.
import type { DuckDBConnection } from "@duckdb/node-api";
import pg from "pg";
import { quoteIdent, quoteString } from "../pipeline/duckdb/index.ts";
import { CartstreamError, ERROR_CODES, serviceUnavailable } from "../pipeline/errors/index.ts";
import { SESSION_COLUMNS } from "../pipeline/model/index.ts";
import { SESSION_COLUMN_KINDS } from "../pipeline/store/index.ts";

const DUCK_TYPE = {
  varchar: "VARCHAR",
  timestamp: "TIMESTAMP",
  integer: "INTEGER",
  decimal: "DECIMAL(10,2)",
  boolean: "BOOLEAN",
} as const;

/** Text form of each column as PostgreSQL sends it (timestamps ISO with ms, booleans true/false). */
function textExpression(column: string): string {
  const kind = SESSION_COLUMN_KINDS[column as keyof typeof SESSION_COLUMN_KINDS];
  const c = `"${column}"`;
  if (kind === "timestamp") return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.MS')`;
  return `${c}::text`;
}

export interface SnapshotOptions {
  /** postgres:// URL of the server (or of a served PGlite). */
  url: string;
  /** Schema holding user_sessions (null: the server's search_path). */
  schema: string | null;
  pageSize?: number;
  onProgress?: (rows: number) => void;
}

/** Reads user_sessions into DuckDB table `sessions`; returns the row count. */
export async function snapshotSessions(con: DuckDBConnection, opts: SnapshotOptions): Promise<number> {
  const client = new pg.Client({
    connectionString: opts.url,
    options: `-c TimeZone=UTC${opts.schema ? ` -c search_path=${opts.schema}` : ""}`,
  });
  try {
    await client.connect();
  } catch (err) {
    throw serviceUnavailable(
      "PostgreSQL",
      opts.url.replace(/:[^:@/]*@/, ":***@"),
      err,
      "start the store (make infra-up) or check DATABASE_URL",
    );
  }
  const pageSize = opts.pageSize ?? 50_000;
  try {
    const exists = await client.query("SELECT to_regclass('user_sessions') IS NOT NULL AS ok");
    if (!exists.rows[0].ok) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `no user_sessions table in ${opts.schema ?? "the default schema"}: run the pipeline first (cartstream run)`,
      );
    }
    await con.run("DROP TABLE IF EXISTS sessions_text");
    await con.run(
      `CREATE TABLE sessions_text (${SESSION_COLUMNS.map((c) => `${quoteIdent(c)} VARCHAR`).join(", ")})`,
    );
    const select = `SELECT ${SESSION_COLUMNS.map(textExpression).join(", ")} FROM user_sessions
      WHERE session_id COLLATE "C" > $1 ORDER BY session_id COLLATE "C" LIMIT $2`;
    let after = "";
    let total = 0;
    const appender = await con.createAppender("sessions_text");
    for (;;) {
      const res = await client.query({ text: select, values: [after, pageSize], rowMode: "array" });
      for (const row of res.rows as (string | null)[][]) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else appender.appendVarchar(v);
        }
        appender.endRow();
      }
      total += res.rows.length;
      opts.onProgress?.(total);
      if (res.rows.length < pageSize) break;
      after = (res.rows.at(-1) as string[])[0]!;
    }
    appender.closeSync();
    await con.run("DROP TABLE IF EXISTS sessions");
    await con.run(
      `CREATE TABLE sessions AS SELECT ${SESSION_COLUMNS.map((c) => `CAST(${quoteIdent(c)} AS ${DUCK_TYPE[SESSION_COLUMN_KINDS[c]]}) AS ${quoteIdent(c)}`).join(", ")} FROM sessions_text`,
    );
    await con.run("DROP TABLE sessions_text");
    return total;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Loads the raw event archive (Parquet) into DuckDB table `events`; returns the row count. */
export async function loadEventsParquet(con: DuckDBConnection, parquetPath: string): Promise<number> {
  await con.run("DROP TABLE IF EXISTS events");
  await con.run(`CREATE TABLE events AS SELECT * FROM read_parquet(${quoteString(parquetPath)})`);
  const r = await con.runAndReadAll("SELECT count(*)::INTEGER AS n FROM events");
  return Number(r.getRowObjects()[0]!.n);
}
