// The one ground-truth check every mode of the pipeline ends with: the DuckDB batch sessions of the raw
// event archive against the rows a store holds, and the log lines that report the outcome.
import { type ComparableRow, compareSessions, type SessionComparison } from "./compare.ts";
import type { EventSource } from "./events-table.ts";
import { groundTruthSessions } from "./ground-truth.ts";

export interface VerifyOptions {
  /** The raw events the stream accepted (the run's archive). */
  events: EventSource;
  /** The rows to check, as a store returns them (a function so the read is timed with the check). */
  actual: () => Promise<Iterable<ComparableRow>>;
  /** The sessionizer's inactivity timeout in ms. */
  timeoutMs: number;
  /** Sample rows kept each way on a mismatch; default 3. */
  sampleSize?: number;
}

export interface Verification extends SessionComparison {
  /** Ground truth, read and comparison, in seconds. */
  elapsedS: number;
}

/** Computes the ground truth of `events` and compares it row for row with `actual`. */
export async function verifySessions(options: VerifyOptions): Promise<Verification> {
  const t0 = performance.now();
  const expected = await groundTruthSessions(options.events, { timeoutMs: options.timeoutMs });
  const cmp = await compareSessions(expected, await options.actual(), {
    sampleSize: options.sampleSize ?? 3,
  });
  return { ...cmp, elapsedS: (performance.now() - t0) / 1000 };
}

/** The report of a verification: one line when equal, counts and sample rows when not. */
export function describeVerification(v: Verification, table = "user_sessions"): string {
  const secs = `${v.elapsedS.toFixed(2)} s`;
  if (v.equal) {
    return `ground truth: ${table} equals the DuckDB batch sessions row for row (${v.expectedCount.toLocaleString("en-US")} rows, ${secs})`;
  }
  const samples = { onlyInExpected: v.onlyInExpected.samples, onlyInActual: v.onlyInActual.samples };
  return (
    `ground truth MISMATCH: ${v.onlyInExpected.count} rows only in the ground truth, ${v.onlyInActual.count} only in ${table} (${secs}); samples:\n` +
    JSON.stringify(samples, null, 2)
  );
}
