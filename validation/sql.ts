// Loads the validator's SQL files (validation/sql/*.sql) and reads DuckDB results as plain numbers.
import { readFileSync } from "node:fs";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";

const cache = new Map<string, string>();

/** The text of validation/sql/<name>.sql. */
export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), "utf8")
      .trim()
      .replace(/;\s*$/, "");
    cache.set(name, text);
  }
  return text;
}

export type Row = Record<string, unknown>;

/** Runs a query and returns its rows as JS objects (BIGINT as bigint, DECIMAL as number, TIMESTAMP as Date). */
export async function queryRows(
  con: DuckDBConnection,
  sql: string,
  params?: Record<string, DuckDBValue>,
): Promise<Row[]> {
  const reader = await con.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as Row[];
}

export async function queryOne(
  con: DuckDBConnection,
  sql: string,
  params?: Record<string, DuckDBValue>,
): Promise<Row> {
  const rows = await queryRows(con, sql, params);
  return rows[0] ?? {};
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
