// The sink's upsert and the reader's select, generated from the session column catalogue
// (pipeline/model/session-columns.ts): one array parameter per column, typed by the column's kind.
import { type ColumnKind, SESSION_COLUMN_DEFS, SESSION_COLUMNS, type SessionColumn } from "../model/index.ts";
import { quoteIdent } from "./db.ts";

/** Array type each column's values are sent as (one parameter per column). */
const ARRAY_TYPE = {
  varchar: "varchar[]",
  timestamp: "timestamp[]",
  integer: "int4[]",
  decimal: "numeric[]",
  boolean: "bool[]",
} as const satisfies Record<ColumnKind, string>;

/** Read-side expression: timestamps back as the exact ISO strings written, decimals as JS numbers. */
function readExpression(column: string, kind: ColumnKind): string {
  const c = quoteIdent(column);
  if (kind === "timestamp") return `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${c}`;
  if (kind === "decimal") return `${c}::float8 AS ${c}`;
  return c;
}

/** Every column with its kind, in table order. */
export const SESSION_COLUMN_LIST: readonly { name: SessionColumn; kind: ColumnKind }[] = SESSION_COLUMNS.map(
  (name) => ({ name, kind: SESSION_COLUMN_DEFS[name].kind }),
);

const columns = SESSION_COLUMN_LIST;

/** INSERT ... SELECT * FROM unnest($1::varchar[], ...) ON CONFLICT (session_id) DO UPDATE SET every column. */
export const UPSERT_SESSIONS_SQL = `INSERT INTO user_sessions (${columns.map((c) => quoteIdent(c.name)).join(", ")})
SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${ARRAY_TYPE[c.kind]}`).join(", ")})
ON CONFLICT (session_id) DO UPDATE SET ${columns
  .filter((c) => c.name !== "session_id")
  .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`)
  .join(", ")}, updated_at = CURRENT_TIMESTAMP`;

export const SELECT_SESSIONS_SQL = `SELECT ${columns.map((c) => readExpression(c.name, c.kind)).join(", ")}
FROM user_sessions ORDER BY session_id COLLATE "C"`;
