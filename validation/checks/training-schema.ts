// The column contract of the training files: every manifest column present with its type (and nothing the
// manifest does not list), no NULL in a column that must be set, and labels that agree with each other and
// with the session: abandoned = not is_converted and the session's final cart_value > 0.
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteIdent } from "../../pipeline/duckdb/index.ts";
import { fmtInt } from "../format.ts";
import { count, queryOne, strings } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { examples, makeCheck } from "./result.ts";
import { TRAINING_CHECKS } from "./training-catalogue.ts";
import { type LoadedVariant, readable } from "./training-load.ts";
import { notNullColumns, SPLITS } from "./training-manifest.ts";

export function schemaCheck(variants: readonly LoadedVariant[]): CheckResult {
  const problems: string[] = [];
  for (const s of readable(variants)) {
    const v = variants.find((x) => x.name === s.variant)!;
    const missing: string[] = [];
    const wrongType: string[] = [];
    for (const c of v.entry.columns) {
      const actual = s.types.get(c.name);
      if (actual === undefined) missing.push(c.name);
      else if (actual.toUpperCase() !== c.type.toUpperCase())
        wrongType.push(`${c.name} is ${actual}, not ${c.type}`);
    }
    const declared = new Set(v.entry.columns.map((c) => c.name));
    const extra = [...s.types.keys()].filter((c) => !declared.has(c));
    if (missing.length > 0) problems.push(`${s.file} lacks column(s) ${missing.join(", ")}`);
    if (wrongType.length > 0) problems.push(`${s.file}: ${wrongType.join(", ")}`);
    if (extra.length > 0)
      problems.push(`${s.file} has column(s) manifest.json does not list: ${extra.join(", ")}`);
  }
  return makeCheck({
    ...TRAINING_CHECKS.columns,
    severity: "error",
    status: problems.length === 0 ? "pass" : "fail",
    value: problems.length,
    message:
      problems.length === 0
        ? `every manifest column is present with its type in ${variants.length * SPLITS.length} files`
        : `training file columns: ${problems.join("; ")}`,
    details: { problems },
  });
}

export async function notNullCheck(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
): Promise<CheckResult> {
  const problems: string[] = [];
  let bad = 0;
  const checked = new Set<string>();
  for (const s of readable(variants)) {
    const v = variants.find((x) => x.name === s.variant)!;
    const cols = notNullColumns(v.entry).filter((c) => s.types.has(c));
    if (cols.length === 0) continue;
    for (const c of cols) checked.add(c);
    const r = await queryOne(
      con,
      `SELECT ${cols.map((c, i) => `count(*) FILTER (WHERE ${quoteIdent(c)} IS NULL) AS n${i}`).join(", ")} FROM ${s.table}`,
    );
    const nulls = cols.map((c, i) => [c, count(r[`n${i}`])] as const).filter(([, n]) => n > 0);
    for (const [c, n] of nulls) {
      bad += n;
      problems.push(`${s.file}.${c} ${fmtInt(n)}`);
    }
  }
  return makeCheck({
    ...TRAINING_CHECKS.notNull,
    severity: "error",
    status: bad === 0 ? "pass" : "fail",
    value: bad,
    message:
      bad === 0
        ? `no NULL in the ${checked.size} not-null columns (ids, timestamps, labels, and columns marked nullable: false)`
        : `NULL values in not-null columns: ${problems.join(", ")}`,
    details: { columns: [...checked].sort(), problems },
  });
}

/** abandoned iff (not is_converted and the session's final cart_value > 0), joined to sessions.parquet. */
export async function labelCheck(
  con: DuckDBConnection,
  variants: readonly LoadedVariant[],
  sessionsTable: string,
): Promise<CheckResult> {
  const problems: string[] = [];
  let bad = 0;
  for (const s of readable(variants)) {
    for (const c of ["is_converted", "abandoned"]) {
      if (!s.types.has(c)) throw new Error(`${s.file} has no label column ${c}`);
    }
    const r = await queryOne(
      con,
      `SELECT
         count(*) FILTER (WHERE f.abandoned AND f.is_converted) AS both_labels,
         count(*) FILTER (WHERE f.abandoned AND NOT coalesce(s.cart_value > 0, false)) AS no_cart,
         count(*) FILTER (WHERE NOT f.abandoned AND NOT f.is_converted AND s.cart_value > 0) AS unlabelled,
         list(f.session_id ORDER BY f.session_id) FILTER (WHERE f.abandoned IS DISTINCT FROM
           (NOT f.is_converted AND coalesce(s.cart_value > 0, false)))[1:3] AS samples
       FROM ${s.table} AS f LEFT JOIN ${sessionsTable} AS s USING (session_id)`,
    );
    const both = count(r.both_labels);
    const noCart = count(r.no_cart);
    const unlabelled = count(r.unlabelled);
    const samples = examples(strings(r.samples));
    bad += both + noCart + unlabelled;
    if (both > 0)
      problems.push(`${s.file}: ${fmtInt(both)} row(s) both abandoned and is_converted${samples}`);
    if (noCart > 0)
      problems.push(
        `${s.file}: ${fmtInt(noCart)} abandoned row(s) whose session has no cart value${samples}`,
      );
    if (unlabelled > 0)
      problems.push(
        `${s.file}: ${fmtInt(unlabelled)} row(s) not converted with a cart value but not abandoned${samples}`,
      );
  }
  return makeCheck({
    ...TRAINING_CHECKS.labels,
    severity: "error",
    status: bad === 0 ? "pass" : "fail",
    value: bad,
    message:
      bad === 0
        ? "labels consistent: abandoned rows are exactly the unconverted sessions with a cart value (sessions.parquet cart_value)"
        : `labels inconsistent: ${problems.join("; ")}`,
    details: { problems },
  });
}
