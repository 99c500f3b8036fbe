// The sequencing rules (session_start first, add after a view ..., nothing after session_end), counted
// over the raw events by sql/sequencing.sql (an implementation of its own, independent of the ground
// truth's), and the count of events breaking any rule compared with the sessions' sequence_violations.
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

export interface SequenceViolations {
  /** Events breaking each rule (keys of SEQUENCING_RULES). */
  byRule: Record<string, number>;
  /** Up to 3 sample event ids per rule. */
  samples: Record<string, string[]>;
  /** Events breaking at least one rule. */
  anyRule: number;
  /** sum(sessions.sequence_violations). */
  sessionsColumnSum: number;
}

/** Runs sql/sequencing.sql over tables `events` and `sessions` on `con`. */
export async function countSequenceViolations(
  con: DuckDBConnection,
  timeoutMs: number,
): Promise<SequenceViolations> {
  const r = await queryOne(con, sqlFile("sequencing"), { timeout_ms: BigInt(Math.round(timeoutMs)) });
  const byRule: Record<string, number> = {};
  const samples: Record<string, string[]> = {};
  for (const rule of Object.keys(SEQUENCING_RULES)) {
    byRule[rule] = count(r[rule]);
    samples[rule] = strings(r[`${rule}_samples`]);
  }
  return {
    byRule,
    samples,
    anyRule: count(r.any_rule),
    sessionsColumnSum: count(r.sessions_sequence_violations),
  };
}

export async function sequencingChecks(con: DuckDBConnection, input: DatasetInput): Promise<CheckResult[]> {
  const v = await countSequenceViolations(con, input.sessionTimeoutS * 1000);
  const checks = Object.entries(SEQUENCING_RULES).map(([rule, wording]) => {
    const n = v.byRule[rule]!;
    const samples = v.samples[rule]!;
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
  const any = v.anyRule;
  const column = v.sessionsColumnSum;
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
