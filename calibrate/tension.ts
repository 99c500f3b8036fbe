// Dynamic conflicts: which targets hold each other back at the search's best point. Around that point the
// metrics respond to the knobs about linearly (the Jacobian the last round measured), so "can these targets
// hold together nearby" is a small problem: move the knobs within a trust region and their bounds to
// minimise the squared misses under the linear model. When even that cannot meet every target, a deletion
// filter shrinks the set to an irreducible one: drop a target, and if the rest still cannot hold, it was not
// needed for the conflict. What remains is a set of targets in tension.
import { type Aims, minimiseLinear } from "./optimiser.ts";
import type { Conflict } from "./static-conflicts.ts";
import { inside, type Target } from "./targets.ts";

/** Trust region of the linear model, in search coordinates: the neighbourhood where it is roughly right. */
const RADIUS = 1;
/** A miss below this (in units of a target's scale) counts as met by the linear model. */
const TOLERANCE = 0.02;

export interface LinearModel {
  /** Metric values at the best point. */
  values: Record<string, number | null>;
  /** Scaled values (value / scale) at the best point, their aims, and d scaled value / d search coordinate. */
  w: readonly number[];
  aims: Aims;
  jacobian: readonly (readonly number[])[];
  u: readonly number[];
  project: (u: readonly number[]) => number[];
}

const fmt = (v: number | null | undefined) =>
  v === null || v === undefined
    ? "n/a"
    : !Number.isFinite(v)
      ? v > 0
        ? "+inf"
        : "-inf"
      : Math.abs(v) >= 10
        ? v.toFixed(1)
        : v.toPrecision(3);

function leftOver(subset: readonly number[], m: LinearModel): number {
  const r = minimiseLinear({
    S: m.jacobian,
    w: m.w,
    aims: m.aims,
    rows: subset,
    lambda: 0,
    radius: RADIUS,
    u: m.u,
    project: m.project,
  });
  return Math.max(0, ...r.misses.map(Math.abs));
}

/** Targets (indices) that cannot hold together under the linear model, shrunk to an irreducible set. */
function irreducible(targets: readonly Target[], universe: number[], m: LinearModel): number[] | null {
  if (leftOver(universe, m) <= TOLERANCE) return null;
  const met = (i: number) => inside(m.values[targets[i]!.metric], targets[i]!.range);
  // Targets met at the best point are tried first, so the set keeps the ones that were missed.
  const order = [...universe.filter(met), ...universe.filter((i) => !met(i))];
  let set = [...universe];
  for (const i of order) {
    const without = set.filter((j) => j !== i);
    if (without.length && leftOver(without, m) > TOLERANCE) set = without;
  }
  return set;
}

export function dynamicConflicts(targets: readonly Target[], m: LinearModel): Conflict[] {
  const out: Conflict[] = [];
  const describe = (i: number) => {
    const t = targets[i]!;
    return `${t.metric} ${fmt(m.values[t.metric])} (range ${fmt(t.range.min)} to ${fmt(t.range.max)})`;
  };
  const stuck = targets
    .map((_, i) => i)
    .filter((i) => !inside(m.values[targets[i]!.metric], targets[i]!.range))
    .filter((i) => !(m.jacobian[i]!.reduce((s, x) => s + x * x, 0) > 1e-12));
  for (const i of stuck) {
    out.push({
      kind: "dynamic",
      metrics: [targets[i]!.metric],
      message: `${describe(i)}: no knob moves it within its bounds (add a knob that changes it, or widen the bounds)`,
    });
  }
  let universe = targets.map((_, i) => i).filter((i) => !stuck.includes(i));
  for (let n = 0; n < 3 && universe.length; n++) {
    const set = irreducible(targets, universe, m);
    if (set === null) break;
    out.push({
      kind: "dynamic",
      metrics: set.map((i) => targets[i]!.metric),
      message: `these targets cannot all hold near the best point the search found (the knobs' measured response cannot meet them together): ${set.map(describe).join("; ")}`,
    });
    universe = universe.filter((i) => !set.includes(i));
  }
  return out;
}
