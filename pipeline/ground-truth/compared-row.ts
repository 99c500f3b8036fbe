// How a compared session column travels through DuckDB, by its kind in the session column catalogue:
// times as ISO text with ms, money as integer cents (exact), booleans, text, counts as BIGINT.
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent, quoteString } from "../duckdb/index.ts";
import {
  COMPARED_COLUMNS,
  type ColumnKind,
  type ComparedColumn,
  SESSION_COLUMN_DEFS,
  type SessionRow,
} from "../model/index.ts";

export type { ComparedColumn } from "../model/index.ts";
export type ComparedRow = Pick<SessionRow, ComparedColumn>;

const ROW_TIME_FORMAT = quoteString("%Y-%m-%dT%H:%M:%S.%gZ");

export function kindOf(column: ComparedColumn): ColumnKind {
  return SESSION_COLUMN_DEFS[column].kind;
}

/** SELECT of every compared column of `from`, in the exchange form (times as text, money as cents). */
export function selectCompared(from: string): string {
  const select = COMPARED_COLUMNS.map((c) => {
    const id = quoteIdent(c);
    const kind = kindOf(c);
    if (kind === "timestamp") return `strftime(${id}, ${ROW_TIME_FORMAT}) AS ${id}`;
    if (kind === "decimal") return `CAST(${id} * 100 AS BIGINT) AS ${id}`;
    return id;
  });
  return `SELECT ${select.join(", ")} FROM ${from}`;
}

/** A row read back from selectCompared(): money from cents, counts as numbers. */
export function readCompared(raw: Record<string, unknown>): ComparedRow {
  const row: Record<string, unknown> = {};
  for (const c of COMPARED_COLUMNS) {
    const v = raw[c];
    const kind = kindOf(c);
    if (v === null || v === undefined) row[c] = null;
    else if (kind === "decimal") row[c] = Number(v) / 100;
    else if (kind === "varchar" || kind === "timestamp") row[c] = String(v);
    else if (kind === "boolean") row[c] = Boolean(v);
    else row[c] = Number(v);
  }
  return row as unknown as ComparedRow;
}

/** Rows of selectCompared(from) ... `rest` (ORDER BY, LIMIT), read back. */
export async function readComparedRows(
  con: DuckDBConnection,
  from: string,
  rest: string,
  params?: Record<string, bigint>,
): Promise<ComparedRow[]> {
  const reader = await con.runAndReadAll(`${selectCompared(from)} ${rest}`, params);
  return reader.getRowObjectsJS().map(readCompared);
}
