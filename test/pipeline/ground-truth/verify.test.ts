// verifySessions: the one check every run mode ends with, equal and unequal, and how it is reported.
import { describe, expect, it } from "vitest";
import {
  describeVerification,
  groundTruthSessions,
  verifySessions,
} from "../../../pipeline/ground-truth/index.ts";
import { resolveSimulatorConfig, simulate } from "../../../pipeline/simulator/index.ts";

const { events } = simulate(resolveSimulatorConfig({}, { seed: 11, duration_s: 120, users: 30 }));
// The rows a store would hold (core = SQL is tested in core-vs-sql.property.test.ts): ISO times as Date.
const storeRows = async () =>
  (await groundTruthSessions({ events })).map((r) => ({ ...r, start_time: new Date(r.start_time) }));

describe("verifySessions", () => {
  it("is equal for the same sessions as a store returns them, and says so in one line", async () => {
    const rows = await storeRows();
    const v = await verifySessions({ events: { events }, actual: async () => rows, timeoutMs: 60_000 });
    expect(v.equal).toBe(true);
    expect(v.expectedCount).toBe(rows.length);
    expect(v.actualCount).toBe(rows.length);
    expect(v.elapsedS).toBeGreaterThan(0);
    expect(describeVerification(v)).toMatch(
      new RegExp(
        `^ground truth: user_sessions equals the DuckDB batch sessions row for row \\(${rows.length.toLocaleString("en-US")} rows, [\\d.]+ s\\)$`,
      ),
    );
  });

  it("reports a changed and a missing row both ways, with at most sampleSize samples", async () => {
    const rows = await storeRows();
    const changed = { ...rows[0]!, page_views: rows[0]!.page_views + 1 };
    const actual = [changed, ...rows.slice(2)];
    const v = await verifySessions({
      events: { events },
      actual: async () => actual,
      timeoutMs: 60_000,
      sampleSize: 1,
    });
    expect(v.equal).toBe(false);
    expect(v.onlyInExpected.count).toBe(2);
    expect(v.onlyInActual.count).toBe(1);
    expect(v.onlyInExpected.samples).toHaveLength(1);
    expect(v.onlyInActual.samples[0]!.page_views).toBe(changed.page_views);
    const text = describeVerification(v, "cs_x.user_sessions");
    expect(text).toMatch(
      /^ground truth MISMATCH: 2 rows only in the ground truth, 1 only in cs_x\.user_sessions/,
    );
    expect(JSON.parse(text.slice(text.indexOf("\n") + 1)).onlyInActual).toHaveLength(1);
  });
});
