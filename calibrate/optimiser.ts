// Levenberg-Marquardt on the targets' residuals with a finite-difference Jacobian, refreshed each round
// and carried between the round's steps by Broyden updates. Hand-written because the JS optimisers that
// install here do not fit: fmin 0.0.4's Nelder-Mead cannot be imported as an ES module and throws on its
// shrink step (an undeclared loop variable), optimization-js draws from Math.random (not seedable), and
// ml-levenberg-marquardt fits a curve y = f(x) with gradient steps too small for a noisy simulator.
// ml-matrix does the linear algebra. The residuals are hinge distances to each target's range, so the
// problem is a least-squares fit that reaches zero exactly when every target holds.
import { Matrix, solve } from "ml-matrix";

/** Residuals at a search point, or null when the point gives no valid config. */
export type ResidualFn = (u: readonly number[]) => number[] | null;

export interface LmState {
  u: number[];
  r: number[];
  cost: number;
  /** Jacobian of the residuals (targets x knobs) from the last round. */
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
  /** LM steps tried per round after the Jacobian (each a single evaluation). */
  stepsPerRound?: number;
}

const costOf = (r: readonly number[]) => 0.5 * r.reduce((s, v) => s + v * v, 0);

export function initialState(u0: readonly number[], f: ResidualFn, project: LmOptions["project"]): LmState {
  const u = project(u0);
  const r = f(u);
  if (r === null) throw new Error("the starting point gives no valid config");
  return { u, r, cost: costOf(r), jacobian: null, lambda: 0.01, evaluations: 1 };
}

function jacobianAt(state: LmState, f: ResidualFn, o: LmOptions): number[][] {
  const m = state.r.length;
  const cols: number[][] = [];
  state.u.forEach((_, i) => {
    let h = o.steps[i]!;
    let up = [...state.u];
    up[i]! += h;
    up = o.project(up);
    if (up[i] === state.u[i]) {
      // At the upper bound: difference backwards.
      h = -h;
      up = [...state.u];
      up[i]! += h;
      up = o.project(up);
    }
    const dh = up[i]! - state.u[i]!;
    const r = dh === 0 ? null : f(up);
    state.evaluations++;
    cols.push(r === null ? new Array(m).fill(0) : r.map((v, k) => (v - state.r[k]!) / dh));
  });
  return Array.from({ length: m }, (_, k) => cols.map((c) => c[k]!));
}

/** The damped Gauss-Newton step for residuals r and Jacobian J. */
function lmStep(J: number[][], r: readonly number[], lambda: number, maxStep: number): number[] {
  const Jm = new Matrix(J);
  const Jt = Jm.transpose();
  const A = Jt.mmul(Jm);
  const n = A.rows;
  for (let i = 0; i < n; i++) A.set(i, i, A.get(i, i) * (1 + lambda) + lambda * 1e-3 + 1e-9);
  const g = Jt.mmul(Matrix.columnVector([...r]));
  const step = solve(A, g.mul(-1)).to1DArray();
  const big = Math.max(...step.map(Math.abs));
  return big > maxStep ? step.map((s) => (s * maxStep) / big) : step;
}

/** One round: a fresh Jacobian, then up to stepsPerRound damped steps (accepted only when they lower the cost). */
export function lmRound(state: LmState, f: ResidualFn, o: LmOptions): LmState {
  const maxStep = o.maxStep ?? 2;
  let J = jacobianAt(state, f, o);
  let s = { ...state, jacobian: J };
  const tries = o.stepsPerRound ?? 4;
  for (let t = 0; t < tries && s.cost > 0; t++) {
    const delta = lmStep(J, s.r, s.lambda, maxStep);
    const u = o.project(s.u.map((v, i) => v + delta[i]!));
    const moved = u.map((v, i) => v - s.u[i]!);
    const r = f(u);
    s.evaluations++;
    if (r === null || costOf(r) >= s.cost) {
      s = { ...s, lambda: s.lambda * 4 };
      continue;
    }
    // Broyden: the Jacobian follows what the step actually did.
    const norm2 = moved.reduce((a, v) => a + v * v, 0);
    if (norm2 > 0) {
      J = J.map((row, k) => {
        const predicted = row.reduce((a, v, i) => a + v * moved[i]!, 0);
        const miss = r[k]! - s.r[k]! - predicted;
        return row.map((v, i) => v + (miss * moved[i]!) / norm2);
      });
    }
    s = { ...s, u, r, cost: costOf(r), jacobian: J, lambda: Math.max(s.lambda / 3, 1e-4) };
  }
  return s;
}
