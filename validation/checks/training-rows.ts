// Each split's rows against the sessions table: every row's session_id is a row of sessions.parquet, and
// every column the file shares with sessions.parquet holds the same value, column by column.
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent } from "../../pipeline/duckdb/index.ts";
import { fmtInt } from "../format.ts";
import { count, queryOne, strings } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { examples, makeCheck } from "./result.ts";
import { TRAINING_CHECKS } from "./training-catalogue.ts";
import { type LoadedVariant, readable } from "./training-load.ts";

export async function rowsMatchSessionsCheck(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
  sessionsTable: string,
  sessionTypes: Map<string, string>,
): Promise<CheckResult> {
  const problems: string[] = [];
  let bad = 0;
  let rows = 0;
  const compared = new Set<string>();
  for (const s of readable(variants)) {
    const cols = [...s.types.keys()].filter((c) => c !== "session_id" && sessionTypes.has(c));
    for (const c of cols) compared.add(c);
    const diff = cols.map(
      (c, i) =>
        `count(*) FILTER (WHERE s.session_id IS NOT NULL AND f.${quoteIdent(c)} IS DISTINCT FROM s.${quoteIdent(c)}) AS d${i}`,
    );
    const r = await queryOne(
      con,
      `SELECT count(*) AS n, count(*) FILTER (WHERE s.session_id IS NULL) AS unknown,
         list(f.session_id ORDER BY f.session_id) FILTER (WHERE s.session_id IS NULL)[1:3] AS unknown_samples
         ${diff.length ? `, ${diff.join(", ")}` : ""}
       FROM ${s.table} AS f LEFT JOIN ${sessionsTable} AS s USING (session_id)`,
    );
    rows += count(r.n);
    const unknown = count(r.unknown);
    if (unknown > 0) {
      bad += unknown;
      problems.push(
        `${s.file}: ${fmtInt(unknown)} row(s) whose session_id is not in sessions.parquet${examples(strings(r.unknown_samples))}`,
      );
    }
    const differing = cols.map((c, i) => [c, count(r[`d${i}`])] as const).filter(([, n]) => n > 0);
    if (differing.length > 0) {
      bad += Math.max(...differing.map(([, n]) => n));
      problems.push(
        `${s.file}: values differ from sessions.parquet in ${differing.map(([c, n]) => `${c} (${fmtInt(n)} rows)`).join(", ")}`,
      );
    }
  }
  return makeCheck({
    ...TRAINING_CHECKS.rowsMatchSessions,
    severity: "error",
    status: bad === 0 ? "pass" : "fail",
    value: bad,
    message:
      bad === 0
        ? `split rows equal sessions.parquet: ${fmtInt(rows)} rows, ${compared.size} shared columns compared one by one`
        : `split rows against sessions.parquet: ${problems.join("; ")}`,
    details: { rows, columns: [...compared].sort(), problems },
  });
}
