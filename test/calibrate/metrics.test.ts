// calibrate's JS metrics against the validator's DuckDB SQL on the same dataset: every metric of
// validation's METRICS, equal to floating-point rounding.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMetrics, sessionRows } from "../../calibrate/index.ts";
import { resolveSimulatorConfig, simulate } from "../../pipeline/simulator/index.ts";
import { METRICS, validateDataset } from "../../validation/index.ts";
import { removeRoot, simulateEventsParquet, tempRoot, writeDataset } from "../validation/helpers.ts";

// Short phase-1 run with idle resumes, so some sessions are split by the timeout (two rows, one start).
const config = resolveSimulatorConfig({
  duration_s: 400,
  seed: 11,
  walk: { resume_after_idle: 0.1, idle_gap_s: { min: 90, max: 300 } },
});

describe("calibrate metrics = validation SQL", () => {
  let root = "";
  let sql: Record<string, number | null> = {};
  beforeAll(async () => {
    root = tempRoot("calibrate-metrics");
    const base = join(root, "base.parquet");
    await simulateEventsParquet(config, base);
    const dir = await writeDataset(join(root, "ds"), base, config);
    const result = await validateDataset(dir, { profile: "phase1", reports: false, groundTruth: null });
    expect(result.error).toBeNull();
    sql = Object.fromEntries(Object.entries(result.metrics).map(([k, m]) => [k, m.value]));
  }, 120_000);
  afterAll(() => removeRoot(root));

  it("computes every validation metric with the SQL's value", () => {
    const { events } = simulate(config);
    const rows = sessionRows(events, config.session_timeout_s);
    expect(rows.some((r) => r.segment > 1)).toBe(true);
    const js = computeMetrics(events, rows);
    expect(Object.keys(js).sort()).toEqual(METRICS.map((m) => m.name).sort());
    const differing = METRICS.filter((m) => {
      const a = js[m.name];
      const b = sql[m.name];
      if (a === null || b === null || a === undefined || b === undefined) return a !== b;
      return Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b));
    }).map((m) => `${m.name}: js ${js[m.name]} sql ${sql[m.name]}`);
    expect(differing).toEqual([]);
    expect(sql.sessions_total).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(500);
  });
});
