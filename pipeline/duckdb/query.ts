// Small DuckDB helpers the stages share: an in-memory database for one job, rows as plain objects, one
// value, and the column types of a relation. Identifiers and strings in generated SQL are quoted with
// @duckdb/node-api's own quotedIdentifier / quotedString.
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";

export type Row = Record<string, unknown>;

/** Runs `fn` on a fresh in-memory database (or on `given`), closing what it opened. */
export async function withDuckDb<T>(
  fn: (con: DuckDBConnection) => Promise<T>,
  given?: DuckDBConnection,
): Promise<T> {
  if (given !== undefined) return fn(given);
  const instance = await DuckDBInstance.create(":memory:");
  try {
    const con = await instance.connect();
    try {
      return await fn(con);
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Rows as JS objects (BIGINT as bigint, DECIMAL as number, TIMESTAMP as Date). */
export async function queryRows(
  con: DuckDBConnection,
  sql: string,
  params?: Record<string, DuckDBValue>,
): Promise<Row[]> {
  const reader = await con.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as Row[];
}

/** The first row, or an empty object. */
export async function queryOne(
  con: DuckDBConnection,
  sql: string,
  params?: Record<string, DuckDBValue>,
): Promise<Row> {
  return (await queryRows(con, sql, params))[0] ?? {};
}

/** The first column of the first row (undefined when there is no row). */
export async function queryScalar(
  con: DuckDBConnection,
  sql: string,
  params?: Record<string, DuckDBValue>,
): Promise<unknown> {
  const reader = await con.runAndReadAll(sql, params);
  return reader.getRowsJS()[0]?.[0];
}

/** Column name -> DuckDB type of a relation (a quoted table name or a table function call), in order. */
export async function describeRelation(
  con: DuckDBConnection,
  relation: string,
): Promise<Map<string, string>> {
  const rows = await queryRows(con, `DESCRIBE SELECT * FROM ${relation}`);
  return new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}
