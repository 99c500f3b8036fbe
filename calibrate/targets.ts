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

/** Ranges with a bound this large are one-sided ("at least 4"). */
const OPEN = 1e6;

export function targetsOf(profile: ParsedProfile, margin: number): Target[] {
  const byName = new Map(METRICS.map((m) => [m.name, m]));
  return profile.checks.map((c) => {
    const m = byName.get(c.metric)!;
    const range = c.intended ? { min: c.intended.min, max: c.intended.max } : { min: c.min, max: c.max };
    const openLow = range.min <= -OPEN;
    const openHigh = range.max >= OPEN;
    const width = range.max - range.min;
    const scale =
      openLow || openHigh
        ? Math.max(Math.abs(openLow ? range.max : range.min) / 4, 1e-9)
        : Math.max(width, 1e-9);
    const inset = openLow || openHigh ? scale * margin : width * margin;
    return {
      metric: c.metric,
      label: m.label,
      unit: m.unit,
      range,
      benchmark: { min: c.min, max: c.max },
      intended: c.intended !== undefined,
      aim: {
        min: openLow ? range.min : range.min + inset,
        max: openHigh ? range.max : range.max - inset,
      },
      scale,
      source: c.source,
    };
  });
}

export const inside = (v: number | null | undefined, r: Range): boolean =>
  v !== null && v !== undefined && v >= r.min && v <= r.max;

/** Residual of a value against the target's aim, in units of its scale (0 inside the aim). */
export function residual(t: Target, v: number | null | undefined): number {
  if (v === null || v === undefined || !Number.isFinite(v)) return 2;
  if (v < t.aim.min) return (v - t.aim.min) / t.scale;
  if (v > t.aim.max) return (v - t.aim.max) / t.scale;
  return 0;
}
