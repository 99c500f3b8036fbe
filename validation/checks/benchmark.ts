// Range checks, one per profile entry. Benchmark ranges (profile `checks`, error by default): inside the
// range passes; outside it but inside a documented `intended` range is a labelled pass (intended
// deviation, with its reason); otherwise it fails with the profile's severity. Realism targets (profile
// `realism`, warning by default) work the same, with either side of the range allowed to be open.
import { fmtRange, fmtValue } from "../format.ts";
import type { ParsedProfile } from "../options.ts";
import type { CheckKind, CheckRange, CheckResult, MetricResult, Range, Severity } from "../types.ts";
import { makeCheck } from "./result.ts";

interface RangeEntry {
  metric: string;
  min?: number;
  max?: number;
  source: string;
  severity?: Severity;
  intended?: Range & { reason: string };
}

const inside = (v: number, r: CheckRange) => (r.min === null || v >= r.min) && (r.max === null || v <= r.max);

function rangeCheck(
  kind: CheckKind,
  what: string,
  defaultSeverity: Severity,
  c: RangeEntry,
  metrics: Record<string, MetricResult>,
): CheckResult {
  const m = metrics[c.metric]!;
  const range: CheckRange = { min: c.min ?? null, max: c.max ?? null };
  const severity = c.severity ?? defaultSeverity;
  const base = {
    id: `${kind}.${c.metric}`,
    kind,
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
  const where = `${what} ${fmtRange(range, m.unit)}`;
  const open = range.min === null || range.max === null;
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
    return makeCheck({
      ...base,
      status: "pass",
      message: `${m.label} ${v}${ci} ${open ? "meets" : "is inside"} the ${where}`,
    });
  }
  // Say when sampling noise alone could explain the miss: the interval reaches into the range.
  const reaches =
    m.ci && (range.min === null || m.ci.high >= range.min) && (range.max === null || m.ci.low <= range.max)
      ? "; its 95% CI reaches into the range"
      : "";
  const side = range.min !== null && m.value < range.min ? "below" : "above";
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
}

export function benchmarkChecks(
  profile: ParsedProfile,
  metrics: Record<string, MetricResult>,
): CheckResult[] {
  return profile.checks.map((c) => rangeCheck("benchmark", `${profile.name} range`, "error", c, metrics));
}

export function realismChecks(profile: ParsedProfile, metrics: Record<string, MetricResult>): CheckResult[] {
  return (profile.realism ?? []).map((c) =>
    rangeCheck("realism", `${profile.name} realism target`, "warning", c, metrics),
  );
}
