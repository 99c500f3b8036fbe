// Number formatting shared by check messages and the reports.
import type { CheckRange, MetricUnit, Outcome } from "./types.ts";

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function fmtInt(n: number): string {
  return int.format(n);
}

/** A share or ratio as a percentage with one decimal ("15.7%"). */
export function fmtPct(v: number, digits = 1): string {
  return `${(100 * v).toFixed(digits)}%`;
}

/** A metric value in its unit. */
export function fmtValue(v: number | null | undefined, unit: MetricUnit | null): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "n/a";
  switch (unit) {
    case "share":
    case "ratio":
      return fmtPct(v);
    case "count":
      return fmtInt(v);
    case "minutes":
      return `${v.toFixed(2)} min`;
    case "seconds":
      return `${v.toFixed(0)} s`;
    case "currency":
      return `$${v.toFixed(2)}`;
    case "per_session":
      return v.toFixed(2);
    case "multiple":
      return `${v.toFixed(2)}x`;
    default:
      return Number.isInteger(v) ? fmtInt(v) : v.toPrecision(4);
  }
}

/** A range in a unit: "25.0-30.0%", "5.00-7.00 min"; open ranges as "at least 4.00x", "at most 10.0%". */
export function fmtRange(r: CheckRange | null | undefined, unit: MetricUnit | null): string {
  if (!r || (r.min === null && r.max === null)) return "";
  if (r.max === null) return `at least ${fmtValue(r.min, unit)}`;
  if (r.min === null) return `at most ${fmtValue(r.max, unit)}`;
  if (unit === "share" || unit === "ratio") return `${(100 * r.min).toFixed(1)}-${(100 * r.max).toFixed(1)}%`;
  if (unit === "minutes") return `${r.min}-${r.max} min`;
  if (unit === "seconds") return `${r.min}-${r.max} s`;
  return `${fmtValue(r.min, unit)}-${fmtValue(r.max, unit)}`;
}

/** A p-value: 3 significant digits, "< 1e-12" below that. */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined) return "";
  if (p < 1e-12) return "< 1e-12";
  if (p < 0.001) return p.toExponential(2);
  return p.toFixed(3);
}

export const OUTCOME_ICONS: Record<Outcome, string> = {
  ok: "✅",
  intended: "ℹ️",
  warning: "⚠️",
  error: "❌",
};
