// Sequencing rules (SPEC section 2), counted over the raw events by sql/sequencing.sql, and the count of
// events breaking any rule compared with the sessions' own sequence_violations column.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { DatasetInput } from "../dataset.ts";
import { fmtInt } from "../format.ts";
import { count, queryOne, sqlFile, strings } from "../sql.ts";
import type { CheckResult } from "../types.ts";
import { examples, makeCheck } from "./result.ts";

/** Rule column of sql/sequencing.sql -> its wording. */
export const SEQUENCING_RULES: Record<string, string> = {
  session_start_first: "session_start comes first (and only first)",
  add_after_view: "add_to_cart only for a product viewed earlier in the session",
  remove_in_cart: "remove_from_cart only for a product in the cart",
  checkout_with_cart: "checkout_initiated only with a non-empty cart",
  purchase_after_checkout: "purchase only after checkout_initiated",
  nothing_after_end: "nothing after session_end",
};

export async function sequencingChecks(con: DuckDBConnection, input: DatasetInput): Promise<CheckResult[]> {
  const r = await queryOne(con, sqlFile("sequencing"), {
    timeout_ms: BigInt(Math.round(input.sessionTimeoutS * 1000)),
  });
  const checks = Object.entries(SEQUENCING_RULES).map(([rule, wording]) => {
    const n = count(r[rule]);
    const samples = strings(r[`${rule}_samples`]);
    return makeCheck({
      id: `quality.sequence.${rule}`,
      kind: "quality",
      title: `sequence: ${wording}`,
      severity: "error",
      status: n === 0 ? "pass" : "fail",
      value: n,
      message:
        n === 0
          ? `sequence rule "${wording}": no event breaks it`
          : `sequence rule "${wording}": ${fmtInt(n)} event(s) break it${examples(samples)}`,
      details: { events: n, samples },
    });
  });
  const any = count(r.any_rule);
  const column = count(r.sessions_sequence_violations);
  checks.push(
    makeCheck({
      id: "quality.sequence.violations_reconciled",
      kind: "quality",
      title: "sequence violations reconciled",
      severity: "error",
      status: any === column ? "pass" : "fail",
      value: column - any,
      message:
        any === column
          ? `sequence violations reconciled: ${fmtInt(any)} event(s) break a rule (SQL over events, timeout ${input.sessionTimeoutS} s) and sum(sessions.sequence_violations) is ${fmtInt(column)}`
          : `sequence violations reconciled: ${fmtInt(any)} event(s) break a rule (SQL over events, timeout ${input.sessionTimeoutS} s) but sum(sessions.sequence_violations) is ${fmtInt(column)}`,
      details: { eventsBreakingARule: any, sessionsColumnSum: column },
    }),
  );
  return checks;
}
