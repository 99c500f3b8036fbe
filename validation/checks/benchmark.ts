// Benchmark range checks: one per profile entry. Inside the range passes; outside the range but inside a
// documented `intended` range is a labelled pass (intended deviation, with its reason); otherwise it fails
// with the profile's severity (error by default).
import { fmtRange, fmtValue } from "../format.ts";
import type { ParsedProfile } from "../options.ts";
import type { CheckResult, MetricResult } from "../types.ts";
import { makeCheck } from "./result.ts";

const inside = (v: number, r: { min: number; max: number }) => v >= r.min && v <= r.max;

export function benchmarkChecks(
  profile: ParsedProfile,
  metrics: Record<string, MetricResult>,
): CheckResult[] {
  return profile.checks.map((c) => {
    const m = metrics[c.metric]!;
    const range = { min: c.min, max: c.max };
    const severity = c.severity ?? "error";
    const base = {
      id: `benchmark.${c.metric}`,
      kind: "benchmark" as const,
      title: m.label,
      severity,
      metric: c.metric,
      value: m.value,
      unit: m.unit,
      range,
      intended: c.intended ?? null,
      ci: m.ci,
      source: c.source,
    };
    const where = `${profile.name} range ${fmtRange(range, m.unit)}`;
    if (m.value === null) {
      return makeCheck({
        ...base,
        status: "skipped",
        message: `${m.label}: cannot be computed on this dataset (its denominator is 0), so the ${where} is not verified`,
      });
    }
    const v = fmtValue(m.value, m.unit);
    const ci = m.ci ? ` (95% CI ${fmtRange({ min: m.ci.low, max: m.ci.high }, m.unit)})` : "";
    if (inside(m.value, range)) {
      return makeCheck({ ...base, status: "pass", message: `${m.label} ${v}${ci} is inside the ${where}` });
    }
    // Say when sampling noise alone could explain the miss: the interval reaches into the range.
    const reaches =
      m.ci && m.ci.high >= range.min && m.ci.low <= range.max ? "; its 95% CI reaches into the range" : "";
    const side = m.value < range.min ? "below" : "above";
    if (c.intended && inside(m.value, c.intended)) {
      return makeCheck({
        ...base,
        status: "intended",
        message: `${m.label} ${v}${ci} is ${side} the ${where} but inside the intended range ${fmtRange(c.intended, m.unit)}: intended deviation, ${c.intended.reason}`,
      });
    }
    const intendedNote = c.intended
      ? ` and outside the intended range ${fmtRange(c.intended, m.unit)} (${c.intended.reason})`
      : "";
    return makeCheck({
      ...base,
      status: "fail",
      message: `${m.label} ${v}${ci} is ${side} the ${where}${intendedNote}${reaches}`,
    });
  });
}
