// Dynamic conflicts: at the search's best point, which targets hold each other back. For every target still
// outside its range, take the least-norm step (search coordinates, linearised model of the metric values)
// that brings it to its aim; the targets that step pushes out of their own aims are in tension with it.
// A target no knob moves is unreachable with this knob list.
import type { Conflict } from "./static-conflicts.ts";
import { inside, type Target } from "./targets.ts";

const fmt = (v: number | null | undefined) =>
  v === null || v === undefined ? "n/a" : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3);

/** How far a value is outside the aim, signed, in units of the target's scale (0 inside). */
function outside(t: Target, v: number): number {
  if (v < t.aim.min) return (v - t.aim.min) / t.scale;
  if (v > t.aim.max) return (v - t.aim.max) / t.scale;
  return 0;
}

/**
 * `values` are the metric values at the best point; `sensitivity[i][k]` is the change of target i's value,
 * in units of its scale, per unit of search coordinate k.
 */
export function dynamicConflicts(
  targets: readonly Target[],
  values: Record<string, number | null>,
  sensitivity: readonly (readonly number[])[],
): Conflict[] {
  const out: Conflict[] = [];
  targets.forEach((t, i) => {
    const v = values[t.metric];
    if (inside(v, t.range)) return;
    const row = sensitivity[i]!;
    const g2 = row.reduce((s, x) => s + x * x, 0);
    const where = `${t.metric} (achieved ${fmt(v)}, range ${fmt(t.range.min)}-${fmt(t.range.max)})`;
    if (v === null || v === undefined || !(g2 > 1e-12)) {
      out.push({
        kind: "dynamic",
        metrics: [t.metric],
        message: `${where}: no knob moves it within its bounds`,
      });
      return;
    }
    const need = -outside(t, v);
    const d = row.map((x) => (need * x) / g2);
    const pushed: string[] = [];
    targets.forEach((u, j) => {
      const vj = values[u.metric];
      if (j === i || vj === null || vj === undefined) return;
      const after = vj + u.scale * sensitivity[j]!.reduce((s, x, k) => s + x * d[k]!, 0);
      const before = Math.abs(outside(u, vj));
      const now = outside(u, after);
      if (Math.abs(now) > before + 0.02) {
        pushed.push(`${u.metric} ${now > 0 ? "above" : "below"} its range (to ${fmt(after)})`);
      }
    });
    out.push({
      kind: "dynamic",
      metrics: [t.metric, ...pushed.map((p) => p.split(" ")[0]!)],
      message: pushed.length
        ? `${where} cannot move into its range without pushing ${pushed.join(", ")}`
        : `${where}: the knobs' linear response says it can move, but the search found no point that lowers the total miss; try more --rounds or other knobs`,
    });
  });
  return out;
}
