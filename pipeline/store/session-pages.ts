// user_sessions read in keyset pages over one plain connection (a server, or PGlite served on a loopback
// port): no transaction is held between pages, so a long read never blocks the writers. Values come as
// PostgreSQL's text (timestamps ISO with ms, no zone; booleans true/false), columns in catalogue order, for
// readers that cast them themselves (the dataset snapshot into DuckDB).
import pg from "pg";
import { CartstreamError, ERROR_CODES, serviceUnavailable } from "../errors/index.ts";
import { SESSION_COLUMN_DEFS, SESSION_COLUMNS } from "../model/index.ts";
import { checkSchemaName, quoteIdent } from "./db.ts";
import { redactUrl } from "./pg-db.ts";

export interface SessionPagesOptions {
  /** postgres:// URL of the server (or of a served PGlite). */
  url: string;
  /** Schema holding user_sessions (null: the server's search_path). */
  schema: string | null;
  /** Rows per page (default 50000). */
  pageSize?: number;
}

/** Text form of each column as PostgreSQL sends it. */
function textExpression(column: (typeof SESSION_COLUMNS)[number]): string {
  const c = quoteIdent(column);
  if (SESSION_COLUMN_DEFS[column].kind === "timestamp") return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.MS')`;
  return `${c}::text`;
}

const SELECT_PAGE = `SELECT ${SESSION_COLUMNS.map(textExpression).join(", ")} FROM user_sessions
WHERE session_id COLLATE "C" > $1 ORDER BY session_id COLLATE "C" LIMIT $2`;

const TABLE_EXISTS = "SELECT to_regclass('user_sessions') IS NOT NULL AS ok";

/** Pages of user_sessions rows (one text value or null per SESSION_COLUMNS entry), by session_id. */
export async function* readSessionPages(opts: SessionPagesOptions): AsyncGenerator<(string | null)[][]> {
  const schema = opts.schema === null ? null : checkSchemaName(opts.schema);
  const client = new pg.Client({
    connectionString: opts.url,
    options: `-c TimeZone=UTC${schema === null ? "" : ` -c search_path=${schema}`}`,
  });
  try {
    await client.connect();
  } catch (err) {
    throw serviceUnavailable(
      "PostgreSQL",
      redactUrl(opts.url),
      err,
      "start the store (make infra-up) or check DATABASE_URL",
    );
  }
  const pageSize = opts.pageSize ?? 50_000;
  try {
    const exists = await client.query(TABLE_EXISTS);
    if (!exists.rows[0].ok) {
      throw new CartstreamError(
        ERROR_CODES.NOT_FOUND,
        `no user_sessions table in ${schema ?? "the default schema"}: run the pipeline first (cartstream run)`,
      );
    }
    let after = "";
    for (;;) {
      const res = await client.query({ text: SELECT_PAGE, values: [after, pageSize], rowMode: "array" });
      const rows = res.rows as (string | null)[][];
      yield rows;
      if (rows.length < pageSize) return;
      after = rows.at(-1)![0]!;
    }
  } finally {
    await client.end().catch(() => {});
  }
}
