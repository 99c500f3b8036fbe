// Sessions against the ground truth: the session rows recomputed from the dataset's own events by the
// project's batch SQL (pipeline/ground-truth) must equal sessions.parquet row for row.
// The comparison sits behind GroundTruthComparer so another implementation can be plugged in.
import { queryRows, quoteIdent, quoteString, withDuckDb } from "../../pipeline/duckdb/index.ts";
import {
  type ComparableRow,
  compareSessions,
  type GroundTruthRow,
  groundTruthSessions,
} from "../../pipeline/ground-truth/index.ts";
import { COMPARED_COLUMNS } from "../../pipeline/model/index.ts";
import type { DatasetInput } from "../dataset.ts";
import { fmtInt } from "../format.ts";
import type { CheckResult } from "../types.ts";
import { thrownCheck } from "./guard.ts";
import { examples, makeCheck } from "./result.ts";

export interface GroundTruthComparison {
  /** Rows recomputed from the events. */
  expectedCount: number;
  /** Rows in sessions.parquet. */
  actualCount: number;
  /** Ground-truth session_ids with no row in sessions.parquet. */
  missing: string[];
  /** sessions.parquet session_ids the ground truth does not have. */
  extra: string[];
  /** session_ids in both whose rows differ in at least one compared column. */
  different: string[];
  /** Columns that differ in the sample of different rows. */
  differingColumns: string[];
  /** Rows of sessions.parquet left over after matching ground-truth rows one to one (EXCEPT ALL). */
  unmatchedActualRows: number;
}

export interface GroundTruthComparer {
  /** Shown in the report: what the sessions were compared with. */
  readonly description: string;
  compare(input: {
    eventsPath: string;
    sessionsPath: string;
    timeoutMs: number;
  }): Promise<GroundTruthComparison>;
}

async function readSessionRows(path: string): Promise<ComparableRow[]> {
  return withDuckDb(async (con) => {
    await con.run("SET TimeZone = 'UTC'");
    const cols = COMPARED_COLUMNS.map((c) => quoteIdent(c)).join(", ");
    return (await queryRows(
      con,
      `SELECT ${cols} FROM read_parquet(${quoteString(path)})`,
    )) as ComparableRow[];
  });
}

function key(v: unknown): string {
  return v === null || v === undefined ? "(null)" : String(v);
}

/** The default comparer: pipeline/ground-truth's sessions.sql and compareSessions. */
export const projectGroundTruth: GroundTruthComparer = {
  description: "pipeline/ground-truth (sessions.sql over events.parquet, compared with compareSessions)",
  async compare({ eventsPath, sessionsPath, timeoutMs }) {
    const expected: GroundTruthRow[] = await groundTruthSessions({ parquet: eventsPath }, { timeoutMs });
    const actual = await readSessionRows(sessionsPath);
    const comparison = await compareSessions(expected, actual, { sampleSize: 50 });
    const expectedIds = new Set(expected.map((r) => r.session_id));
    const actualIds = new Set(actual.map((r) => key(r.session_id)));
    const missing = [...expectedIds].filter((id) => !actualIds.has(id)).sort();
    const extra = [...actualIds].filter((id) => !expectedIds.has(id)).sort();
    // Rows present on both sides with different values: ids of the EXCEPT ALL rows that are in both sets.
    const differentIds = new Set<string>();
    for (const r of comparison.onlyInExpected.samples) {
      if (actualIds.has(key(r.session_id))) differentIds.add(key(r.session_id));
    }
    const differingColumns = new Set<string>();
    const actualSamples = new Map(comparison.onlyInActual.samples.map((r) => [key(r.session_id), r]));
    for (const r of comparison.onlyInExpected.samples) {
      const other = actualSamples.get(key(r.session_id));
      if (!other) continue;
      for (const c of COMPARED_COLUMNS) {
        if (key(r[c]) !== key(other[c])) differingColumns.add(c);
      }
    }
    // The EXCEPT ALL count includes missing rows; the rest are different (or duplicated) rows.
    const differentCount = Math.max(differentIds.size, comparison.onlyInExpected.count - missing.length);
    const different = [...differentIds].sort();
    while (different.length < differentCount) different.push("(not sampled)");
    return {
      expectedCount: comparison.expectedCount,
      actualCount: comparison.actualCount,
      missing,
      extra,
      different,
      differingColumns: [...differingColumns].sort(),
      unmatchedActualRows: comparison.onlyInActual.count,
    };
  },
};

export async function groundTruthCheck(
  input: DatasetInput,
  comparer: GroundTruthComparer | null,
): Promise<CheckResult> {
  const base = {
    id: "quality.ground_truth.sessions_equal",
    kind: "quality" as const,
    title: "sessions equal the ground truth",
    severity: "error" as const,
    source: comparer?.description ?? null,
  };
  if (!comparer) {
    return makeCheck({
      ...base,
      status: "skipped",
      message: "sessions equal the ground truth: not run, no ground-truth comparer is configured",
    });
  }
  let c: GroundTruthComparison;
  try {
    c = await comparer.compare({
      eventsPath: input.eventsPath,
      sessionsPath: input.sessionsPath,
      timeoutMs: Math.round(input.sessionTimeoutS * 1000),
    });
  } catch (err) {
    // A comparison that throws (a broken sessions.sql, an unreadable file) fails the check: never a skip.
    return thrownCheck(base, err);
  }
  // Rows to fix: ground-truth rows with no equal row, plus sessions.parquet rows with no equal row.
  const wrong = c.missing.length + c.unmatchedActualRows;
  const counts = `${fmtInt(c.actualCount)} rows in sessions.parquet, ${fmtInt(c.expectedCount)} recomputed from events.parquet (timeout ${input.sessionTimeoutS} s)`;
  if (wrong === 0 && c.actualCount === c.expectedCount) {
    return makeCheck({
      ...base,
      status: "pass",
      value: 0,
      message: `sessions equal the ground truth: ${counts}, equal row for row`,
      details: { ...c },
    });
  }
  const parts: string[] = [];
  if (c.missing.length > 0)
    parts.push(
      `${fmtInt(c.missing.length)} ground-truth session(s) missing from sessions.parquet${examples(c.missing.slice(0, 3))}`,
    );
  if (c.extra.length > 0)
    parts.push(
      `${fmtInt(c.extra.length)} session(s) not in the ground truth${examples(c.extra.slice(0, 3))}`,
    );
  if (c.different.length > 0)
    parts.push(
      `${fmtInt(c.different.length)} session(s) with different values${c.differingColumns.length ? ` in ${c.differingColumns.join(", ")}` : ""}${examples(c.different.filter((d) => d !== "(not sampled)").slice(0, 3))}`,
    );
  const duplicated = c.unmatchedActualRows - c.extra.length - c.different.length;
  if (duplicated > 0) parts.push(`${fmtInt(duplicated)} duplicated row(s) in sessions.parquet`);
  return makeCheck({
    ...base,
    status: "fail",
    value: wrong,
    message: `sessions equal the ground truth: ${counts}; ${parts.join("; ")}`,
    details: {
      ...c,
      missing: c.missing.slice(0, 20),
      extra: c.extra.slice(0, 20),
      different: c.different.slice(0, 20),
    },
  });
}
