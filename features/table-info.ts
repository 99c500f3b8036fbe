// Small DuckDB readings the builder and its manifest share: a number from a query value, a table's columns.
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent } from "../pipeline/duckdb/index.ts";

export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** Column name -> DuckDB type of a table or view, or null when it does not exist. */
export async function describeTable(
  con: DuckDBConnection,
  table: string,
): Promise<Map<string, string> | null> {
  let reader: Awaited<ReturnType<DuckDBConnection["runAndReadAll"]>>;
  try {
    reader = await con.runAndReadAll(`DESCRIBE ${quoteIdent(table)}`);
  } catch {
    return null;
  }
  const out = new Map<string, string>();
  for (const row of reader.getRowObjectsJS()) out.set(String(row.column_name), String(row.column_type));
  return out;
}
