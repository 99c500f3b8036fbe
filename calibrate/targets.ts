// A profile's range checks as calibration targets. A check with a documented intended range is aimed at
// that range (it is what the profile says the preset deliberately runs); the search aims at the inner part
// of each range (a margin on both sides) so that the result still holds on seeds it never saw.
import { METRICS, type MetricDefinition, type ParsedProfile, type Range } from "../validation/index.ts";

export interface Target {
  metric: string;
  label: string;
  unit: MetricDefinition["unit"];
  /** The range that must hold: the intended range when the check has one, else the benchmark range. */
  range: Range;
  /** The benchmark range of the check (equal to range unless an intended range is aimed at). */
  benchmark: Range;
  intended: boolean;
  /** The inner part of range the search aims at. */
  aim: Range;
  /** The unit a residual is measured in (the range's width, or a quarter of a one-sided bound). */
  scale: number;
  source: string;
}

/** One target from a range: its aim, and the unit its misses are measured in. */
function target(
  m: MetricDefinition,
  range: Range,
  benchmark: Range,
  intended: boolean,
  source: string,
  margin: number,
): Target {
  const openLow = !Number.isFinite(range.min);
  const openHigh = !Number.isFinite(range.max);
  // A one-sided target ("at least 4") is measured in quarters of its bound.
  const scale =
    openLow || openHigh
      ? Math.max(Math.abs(openLow ? range.max : range.min) / 4, 1e-9)
      : Math.max(range.max - range.min, 1e-9);
  const inset = scale * margin;
  return {
    metric: m.name,
    label: m.label,
    unit: m.unit,
    range,
    benchmark,
    intended,
    aim: { min: openLow ? range.min : range.min + inset, max: openHigh ? range.max : range.max - inset },
    scale,
    source,
  };
}

/** The profile's range checks, then its realism targets (either side may be open). */
export function targetsOf(profile: ParsedProfile, margin: number): Target[] {
  const byName = new Map(METRICS.map((m) => [m.name, m]));
  const checks = profile.checks.map((c) => {
    const range = c.intended ? { min: c.intended.min, max: c.intended.max } : { min: c.min, max: c.max };
    return target(
      byName.get(c.metric)!,
      range,
      { min: c.min, max: c.max },
      c.intended !== undefined,
      c.source,
      margin,
    );
  });
  const realism = (profile.realism ?? []).map((c) => {
    const range = { min: c.min ?? Number.NEGATIVE_INFINITY, max: c.max ?? Number.POSITIVE_INFINITY };
    return target(byName.get(c.metric)!, range, range, false, c.source, margin);
  });
  return [...checks, ...realism];
}

export const inside = (v: number | null | undefined, r: Range): boolean =>
  v !== null && v !== undefined && v >= r.min && v <= r.max;
