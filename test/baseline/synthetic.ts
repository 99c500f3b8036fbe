// Generated rows with a known answer for the baseline tests (seeded, so every run sees the same rows).
import { createRng, type Rng } from "../../pipeline/simulator/index.ts";

export function normal(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export interface KnownRow extends Record<string, unknown> {
  x1: number;
  x2: number;
  x3: number;
  c: string;
  is_converted: boolean;
  abandoned: boolean;
  /** The true linear predictor (not written to the files). */
  eta: number;
}

const LEVEL_EFFECT: Record<string, number> = { a: -0.5, b: 0, c: 0.7 };

/** y ~ Bernoulli(sigmoid(-1 + 1.2 x1 - 0.8 x2 + 0.4 x3 + effect(c))) with standard normal x. */
export function knownLogisticRows(n: number, seed: number): KnownRow[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const x1 = normal(rng);
    const x2 = normal(rng);
    const x3 = normal(rng);
    const c = rng.pick(["a", "b", "c"]);
    const eta = -1 + 1.2 * x1 - 0.8 * x2 + 0.4 * x3 + LEVEL_EFFECT[c]!;
    const y = rng.next() < sigmoid(eta);
    return { x1, x2, x3, c, is_converted: y, abandoned: !y, eta };
  });
}

/** An industry-like funnel: 7% of sessions cart; only carting sessions convert, weakly predicted by x1. */
export function funnelRows(n: number, seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const cart = rng.next() < 0.07;
    const x1 = normal(rng);
    const x2 = normal(rng);
    const y = cart && rng.next() < sigmoid(-0.2 + 0.8 * x1);
    return {
      cart_additions: cart ? rng.int(1, 3) : 0,
      x1,
      x2,
      is_converted: y,
      abandoned: cart && !y,
    };
  });
}

/** ROC AUC by counting every (positive, negative) pair: ties count half. Independent of baseline/metrics.ts. */
export function pairwiseAuc(y: readonly boolean[], score: readonly number[]): number {
  const pos = score.filter((_, i) => y[i]);
  const neg = score.filter((_, i) => !y[i]);
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}
