// The validator's SQL files (validation/sql/*.sql) and DuckDB results read as plain numbers.
import { readSqlStatement } from "../pipeline/duckdb/index.ts";

export { queryOne, queryRows, type Row } from "../pipeline/duckdb/index.ts";

/** The text of validation/sql/<name>.sql, without its trailing `;`. */
export function sqlFile(name: string): string {
  return readSqlStatement(new URL(`./sql/${name}.sql`, import.meta.url));
}

/** A SQL result value as a number (null stays null). */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A SQL result value as a number, 0 for null. */
export function count(v: unknown): number {
  return num(v) ?? 0;
}

/** A SQL list of strings (samples) as a string array. */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
