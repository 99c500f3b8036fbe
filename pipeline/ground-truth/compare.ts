// Row-set comparison of session rows in DuckDB (EXCEPT ALL both ways), for checking any mode of the
// pipeline against the ground truth.
import type { DuckDBConnection } from "@duckdb/node-api";
import { queryOne, quoteIdent, withDuckDb } from "../duckdb/index.ts";
import { COMPARED_COLUMNS } from "../model/index.ts";
import { type ComparedColumn, type ComparedRow, kindOf, readComparedRows } from "./compared-row.ts";

export interface RowDifference {
  /** Rows in this direction of the EXCEPT ALL. */
  count: number;
  /** Up to `sampleSize` of them, ordered by session_id. */
  samples: ComparedRow[];
}

export interface SessionComparison {
  equal: boolean;
  expectedCount: number;
  actualCount: number;
  /** expected EXCEPT ALL actual: rows missing or different in actual. */
  onlyInExpected: RowDifference;
  /** actual EXCEPT ALL expected: rows extra or different in actual. */
  onlyInActual: RowDifference;
}

export interface CompareOptions {
  /** Sample rows returned each way; default 10. */
  sampleSize?: number;
  connection?: DuckDBConnection;
}

/** Loosely typed input rows: values as a store may return them (Date, numeric strings, bigint). */
export type ComparableRow = { [K in ComparedColumn]: unknown };

/** Type a column is compared as: TIMESTAMP, DECIMAL(18,2) (exact cents), BOOLEAN, VARCHAR or BIGINT. */
const COMPARED_TYPE = {
  timestamp: "TIMESTAMP",
  decimal: "DECIMAL(18, 2)",
  boolean: "BOOLEAN",
  varchar: "VARCHAR",
  integer: "BIGINT",
} as const;

/** Type a column is appended as before the cast: text for times and strings, DOUBLE for numbers. */
const STAGING_TYPE = {
  timestamp: "VARCHAR",
  decimal: "DOUBLE",
  boolean: "BOOLEAN",
  varchar: "VARCHAR",
  integer: "DOUBLE",
} as const;

function text(v: unknown, kind: string): string | null {
  if (v === null || v === undefined) return null;
  if (kind === "timestamp" && v instanceof Date) return v.toISOString();
  return String(v);
}

function bool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v === "t" || v === "true" || v === "1";
  return Boolean(v);
}

async function loadRows(con: DuckDBConnection, table: string, rows: Iterable<ComparableRow>): Promise<void> {
  const staging = quoteIdent(`${table}_input`);
  const columns = COMPARED_COLUMNS.map((c) => `${quoteIdent(c)} ${STAGING_TYPE[kindOf(c)]}`);
  await con.run(`CREATE OR REPLACE TEMP TABLE ${staging} (${columns.join(", ")})`);
  const appender = await con.createAppender(`${table}_input`);
  try {
    for (const row of rows) {
      for (const c of COMPARED_COLUMNS) {
        const kind = kindOf(c);
        const v = row[c];
        if (STAGING_TYPE[kind] === "VARCHAR") {
          const s = text(v, kind);
          if (s === null) appender.appendNull();
          else appender.appendVarchar(s);
        } else if (kind === "boolean") {
          const b = bool(v);
          if (b === null) appender.appendNull();
          else appender.appendBoolean(b);
        } else if (v === null || v === undefined) {
          appender.appendNull();
        } else {
          appender.appendDouble(Number(v));
        }
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  const select = COMPARED_COLUMNS.map((c) => {
    const id = quoteIdent(c);
    const kind = kindOf(c);
    if (kind === "timestamp") return `timezone('UTC', CAST(${id} AS TIMESTAMPTZ)) AS ${id}`;
    return `CAST(${id} AS ${COMPARED_TYPE[kind]}) AS ${id}`;
  });
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT ${select.join(", ")} FROM ${staging}`,
  );
  await con.run(`DROP TABLE ${staging}`);
}

async function difference(
  con: DuckDBConnection,
  left: string,
  right: string,
  sampleSize: number,
): Promise<RowDifference> {
  const cols = COMPARED_COLUMNS.map((c) => quoteIdent(c)).join(", ");
  await con.run(
    `CREATE OR REPLACE TEMP TABLE diff AS SELECT ${cols} FROM ${quoteIdent(left)} EXCEPT ALL SELECT ${cols} FROM ${quoteIdent(right)}`,
  );
  const count = Number((await queryOne(con, "SELECT count(*) AS n FROM diff")).n);
  const limit = Math.max(0, Math.floor(sampleSize));
  const samples = await readComparedRows(con, "diff", `ORDER BY session_id, segment LIMIT ${limit}`);
  await con.run("DROP TABLE diff");
  return { count, samples };
}

/**
 * Compares two session row sets on COMPARED_COLUMNS in DuckDB: loads both into tables and returns the
 * EXCEPT ALL differences both ways (counts and up to `sampleSize` sample rows each way). Rows may come
 * straight from a store: timestamps as Date or ISO strings, numbers as numbers, strings or bigints.
 */
export async function compareSessions(
  expected: Iterable<ComparableRow>,
  actual: Iterable<ComparableRow>,
  options: CompareOptions = {},
): Promise<SessionComparison> {
  const sampleSize = options.sampleSize ?? 10;
  return withDuckDb(async (con) => {
    await con.run("SET TimeZone = 'UTC'");
    await loadRows(con, "expected_sessions", expected);
    await loadRows(con, "actual_sessions", actual);
    const c = await queryOne(
      con,
      "SELECT (SELECT count(*) FROM expected_sessions) AS e, (SELECT count(*) FROM actual_sessions) AS a",
    );
    const onlyInExpected = await difference(con, "expected_sessions", "actual_sessions", sampleSize);
    const onlyInActual = await difference(con, "actual_sessions", "expected_sessions", sampleSize);
    await con.run("DROP TABLE expected_sessions");
    await con.run("DROP TABLE actual_sessions");
    return {
      equal: onlyInExpected.count === 0 && onlyInActual.count === 0,
      expectedCount: Number(c.e),
      actualCount: Number(c.a),
      onlyInExpected,
      onlyInActual,
    };
  }, options.connection);
}
