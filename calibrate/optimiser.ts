// Levenberg-Marquardt for range targets. The model is linear in the metric values (a finite-difference
// Jacobian, refreshed each round and carried between the round's steps by Broyden updates); the miss of a
// target is its distance outside its aim, so the cost is zero exactly when every aim is met. A plain
// least-squares step would only see the targets missed right now and push the met ones out, so each step
// minimises the hinge misses of every target under the linear model (accelerated projected gradient, inside
// a trust box and the knobs' bounds), plus the damping term.
//
// Hand-written because the JS optimisers that install here do not fit: fmin 0.0.4's Nelder-Mead cannot be
// imported as an ES module and throws on its shrink step (an undeclared loop variable), optimization-js
// draws from Math.random (not seedable), and ml-levenberg-marquardt fits a curve y = f(x) with plain
// least-squares residuals (no ranges). ml-matrix holds the Jacobian arithmetic.
import { Matrix } from "ml-matrix";

/** Metric values of the targets at a search point, in units of each target's scale; null: no valid config. */
export type ValuesFn = (u: readonly number[]) => number[] | null;

export interface Aims {
  low: readonly number[];
  high: readonly number[];
}

export interface LmState {
  u: number[];
  /** Scaled metric values at u. */
  w: number[];
  cost: number;
  /** d values / d search coordinates (targets x knobs), from the last round. */
  jacobian: number[][] | null;
  lambda: number;
  evaluations: number;
}

export interface LmOptions {
  /** Finite-difference step per knob (search coordinates). */
  steps: readonly number[];
  /** Clamps a search point to the knobs' bounds. */
  project: (u: readonly number[]) => number[];
  /** Largest change of one search coordinate in one step. */
  maxStep?: number;
  /** Damped steps tried per round after the Jacobian (each one evaluation). */
  stepsPerRound?: number;
}

/** Signed distance of each value outside its aim (0 inside). */
export function misses(w: readonly number[], aims: Aims): number[] {
  return w.map((v, i) => (v < aims.low[i]! ? v - aims.low[i]! : v > aims.high[i]! ? v - aims.high[i]! : 0));
}

export const costOf = (w: readonly number[], aims: Aims) =>
  0.5 * misses(w, aims).reduce((s, v) => s + v * v, 0);

export interface LinearProblem {
  S: readonly (readonly number[])[];
  w: readonly number[];
  aims: Aims;
  /** Only these targets count (default: all). */
  rows?: readonly number[];
  lambda: number;
  radius: number;
  u: readonly number[];
  project: (u: readonly number[]) => number[];
}

/** The step d minimising ½Σ miss(w + S d)² + ½λ|d|² with |d_k| <= radius and u + d inside the bounds. */
export function minimiseLinear(p: LinearProblem): { d: number[]; misses: number[] } {
  const rows = p.rows ?? p.w.map((_, i) => i);
  const S = new Matrix(rows.map((i) => [...p.S[i]!]));
  const w = rows.map((i) => p.w[i]!);
  const aims = { low: rows.map((i) => p.aims.low[i]!), high: rows.map((i) => p.aims.high[i]!) };
  const k = p.u.length;
  const lipschitz = S.norm("frobenius") ** 2 + p.lambda + 1e-12;
  const feasible = (d: readonly number[]) => {
    const box = d.map((v) => Math.max(-p.radius, Math.min(p.radius, v)));
    const at = p.project(p.u.map((v, i) => v + box[i]!));
    return at.map((v, i) => v - p.u[i]!);
  };
  const predict = (d: readonly number[]) => {
    const sd = S.mmul(Matrix.columnVector([...d])).to1DArray();
    return w.map((v, j) => v + sd[j]!);
  };
  let d = new Array<number>(k).fill(0);
  let y = [...d];
  let t = 1;
  for (let it = 0; it < 400; it++) {
    const m = misses(predict(y), aims);
    const g = S.transpose().mmul(Matrix.columnVector(m)).to1DArray();
    const next = feasible(y.map((v, c) => v - (g[c]! + p.lambda * v) / lipschitz));
    const tn = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    y = next.map((v, c) => v + ((t - 1) / tn) * (v - d[c]!));
    const moved = next.reduce((s, v, c) => s + Math.abs(v - d[c]!), 0);
    d = next;
    t = tn;
    if (moved < 1e-7) break;
  }
  return { d, misses: misses(predict(d), aims) };
}

export function initialState(u0: readonly number[], f: ValuesFn, o: LmOptions, aims: Aims): LmState {
  const u = o.project(u0);
  const w = f(u);
  if (w === null) throw new Error("the starting point gives no valid config");
  return { u, w, cost: costOf(w, aims), jacobian: null, lambda: 0.01, evaluations: 1 };
}

interface Probe {
  u: number[];
  w: number[];
}

/** Forward differences (backward at an upper bound); the probes are candidate points too. */
function jacobianAt(state: LmState, f: ValuesFn, o: LmOptions): { J: number[][]; probes: Probe[] } {
  const cols: number[][] = [];
  const probes: Probe[] = [];
  state.u.forEach((_, i) => {
    let up = [...state.u];
    up[i]! += o.steps[i]!;
    up = o.project(up);
    if (up[i] === state.u[i]) {
      up = [...state.u];
      up[i]! -= o.steps[i]!;
      up = o.project(up);
    }
    const dh = up[i]! - state.u[i]!;
    const w = dh === 0 ? null : f(up);
    state.evaluations++;
    if (w !== null) probes.push({ u: up, w });
    cols.push(w === null ? new Array(state.w.length).fill(0) : w.map((v, k) => (v - state.w[k]!) / dh));
  });
  return { J: state.w.map((_, k) => cols.map((c) => c[k]!)), probes };
}

/**
 * One round: a fresh Jacobian, then up to stepsPerRound damped steps, each accepted only when it lowers
 * the cost. A finite-difference probe that already lowered the cost becomes the round's starting point:
 * the simulator's noise can hide a knob's effect from the model but not from the cost.
 */
export function lmRound(state: LmState, f: ValuesFn, o: LmOptions, aims: Aims): LmState {
  const { J: J0, probes } = jacobianAt(state, f, o);
  let J = J0;
  // A fresh Jacobian is trusted again: damping a stalled round built up is reset.
  let s: LmState = { ...state, jacobian: J, lambda: Math.min(state.lambda, 0.01) };
  for (const p of probes) {
    const c = costOf(p.w, aims);
    if (c < s.cost) s = { ...s, u: p.u, w: p.w, cost: c };
  }
  const tries = o.stepsPerRound ?? 4;
  for (let t = 0; t < tries && s.cost > 0; t++) {
    const { d } = minimiseLinear({
      S: J,
      w: s.w,
      aims,
      lambda: s.lambda,
      radius: o.maxStep ?? 2,
      u: s.u,
      project: o.project,
    });
    const u = o.project(s.u.map((v, i) => v + d[i]!));
    const moved = u.map((v, i) => v - s.u[i]!);
    if (moved.every((v) => v === 0)) break;
    const w = f(u);
    s.evaluations++;
    if (w === null || costOf(w, aims) >= s.cost) {
      s = { ...s, lambda: Math.max(s.lambda, 1e-3) * 4 };
      continue;
    }
    // Broyden: the Jacobian follows what the step actually did.
    const norm2 = moved.reduce((a, v) => a + v * v, 0);
    J = J.map((row, k) => {
      const predicted = row.reduce((a, v, i) => a + v * moved[i]!, 0);
      const missBy = w[k]! - s.w[k]! - predicted;
      return row.map((v, i) => v + (missBy * moved[i]!) / norm2);
    });
    s = { ...s, u, w, cost: costOf(w, aims), jacobian: J, lambda: s.lambda / 3 };
  }
  return s;
}
