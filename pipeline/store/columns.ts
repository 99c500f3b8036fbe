// The SQL type of every SessionRow column, in table order. The sink's upsert and the reader's select
// are generated from this list (names are constants, quoted anyway); `satisfies` makes a new model
// column a compile error here until it has a type and a migration.
import { SESSION_COLUMNS, type SessionRow } from "../model/index.ts";
import { quoteIdent } from "./db.ts";

export type ColumnKind = "varchar" | "timestamp" | "integer" | "decimal" | "boolean";

export const SESSION_COLUMN_KINDS = {
  session_id: "varchar",
  user_id: "varchar",
  start_time: "timestamp",
  end_time: "timestamp",
  last_activity: "timestamp",
  device_type: "varchar",
  browser: "varchar",
  page_views: "integer",
  products_viewed: "integer",
  unique_products_viewed: "integer",
  searches: "integer",
  cart_additions: "integer",
  cart_removals: "integer",
  cart_value: "decimal",
  is_converted: "boolean",
  purchase_value: "decimal",
  session_duration_seconds: "integer",
  avg_time_per_page: "decimal",
  bounce: "boolean",
  base_session_id: "varchar",
  segment: "integer",
  event_count: "integer",
  checkouts: "integer",
  purchases: "integer",
  ended_by: "varchar",
  persona: "varchar",
  intended_outcome: "varchar",
  abandonment_reason: "varchar",
  sequence_violations: "integer",
  kafka_partition: "integer",
} as const satisfies Record<keyof SessionRow, ColumnKind>;

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

const columns = SESSION_COLUMNS.map((name) => ({ name, kind: SESSION_COLUMN_KINDS[name] as ColumnKind }));

/** INSERT ... SELECT * FROM unnest($1::varchar[], ...) ON CONFLICT (session_id) DO UPDATE SET every column. */
export const UPSERT_SESSIONS_SQL = `INSERT INTO user_sessions (${columns.map((c) => quoteIdent(c.name)).join(", ")})
SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${ARRAY_TYPE[c.kind]}`).join(", ")})
ON CONFLICT (session_id) DO UPDATE SET ${columns
  .filter((c) => c.name !== "session_id")
  .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`)
  .join(", ")}, updated_at = CURRENT_TIMESTAMP`;

export const SELECT_SESSIONS_SQL = `SELECT ${columns.map((c) => readExpression(c.name, c.kind)).join(", ")}
FROM user_sessions ORDER BY session_id COLLATE "C"`;

export const SESSION_COLUMN_LIST = columns;
