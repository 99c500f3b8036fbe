// The learnability tests' logistic regression and AUC against independent computations:
//  - AUC against a brute-force count over every positive-negative pair;
//  - the fit against a closed form: for two Gaussian classes with a shared covariance the Bayes score is
//    linear, so a logistic regression fitted on a large sample reaches the population AUC
//    Phi(Delta / sqrt 2), Delta the Mahalanobis distance between the class means;
//  - the optimum: the penalised gradient is 0 there.
import { describe, expect, it } from "vitest";
import { fitLogistic, rocAuc } from "./logistic.ts";

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** A seeded uniform source for the fixtures (mulberry32): independent of the simulator's generator. */
function createRng(seed: number): { next: () => number } {
  let a = seed >>> 0;
  return {
    next: () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

function gaussian(rng: () => number): number {
  // Box-Muller on the project's seeded generator
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Two classes, shared covariance L L^T; class 1 has mean MU1, class 0 mean 0; a third pure-noise column. */
const L = [
  [1, 0],
  [0.6, 0.8],
];
const MU1 = [0.8, 0.5];
function sample(seed: number, n: number, positiveShare: number) {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const y = rng.next() < positiveShare;
    const e = [gaussian(() => rng.next()), gaussian(() => rng.next())];
    const x = [0, 1].map((r) => L[r]![0]! * e[0]! + L[r]![1]! * e[1]! + (y ? MU1[r]! : 0));
    rows.push([x[0]! * 10 + 3, x[1]! - 50, gaussian(() => rng.next()) * 7]); // different scales on purpose
    labels.push(y);
  }
  return { rows, labels };
}

function mahalanobis(): number {
  // Sigma = L L^T; Delta^2 = mu^T Sigma^-1 mu = |L^-1 mu|^2 (forward substitution)
  const a = MU1[0]! / L[0]![0]!;
  const b = (MU1[1]! - L[1]![0]! * a) / L[1]![1]!;
  return Math.sqrt(a * a + b * b);
}

describe("rocAuc", () => {
  it("equals the pairwise count P(s+ > s-) + P(s+ = s-)/2, ties included", () => {
    const rng = createRng(3);
    const scores = Array.from({ length: 400 }, () => Math.round(rng.next() * 30)); // many ties
    const labels = scores.map((s) => rng.next() < 0.2 + s / 50);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < scores.length; i++) {
      if (!labels[i]) continue;
      for (let j = 0; j < scores.length; j++) {
        if (labels[j]) continue;
        pairs++;
        wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(() => rocAuc([1, 2], [true, true])).toThrow(/both classes/);
  });
});

describe("fitLogistic", () => {
  it("reaches the closed-form population AUC Phi(Delta / sqrt 2) of two Gaussian classes within 0.005", () => {
    const train = sample(11, 20_000, 0.3);
    const test = sample(12, 100_000, 0.3);
    const model = fitLogistic(train.rows, train.labels);
    const auc = rocAuc(
      test.rows.map((r) => model.score(r)),
      test.labels,
    );
    const expected = phi(mahalanobis() / Math.SQRT2);
    expect(expected).toBeGreaterThan(0.7); // a case where the classes overlap, as in the real tests
    expect(expected).toBeLessThan(0.8);
    expect(
      Math.abs(auc - expected),
      `AUC ${auc.toFixed(4)} vs closed form ${expected.toFixed(4)}`,
    ).toBeLessThan(0.005);
    // The noise column earns (almost) no weight; the informative ones do.
    expect(Math.abs(model.weights[2]!)).toBeLessThan(0.05);
    expect(Math.abs(model.weights[0]!)).toBeGreaterThan(0.3);
  });

  it("stops at the optimum: the penalised gradient on the standardised features is 0", () => {
    const { rows, labels } = sample(5, 3_000, 0.15);
    const l2 = 2.5;
    const m = fitLogistic(rows, labels, { l2 });
    expect(m.iterations).toBeLessThan(30);
    const grad = [0, 0, 0, 0];
    rows.forEach((r, i) => {
      const resid = m.predict(r) - (labels[i] ? 1 : 0);
      grad[0]! += resid;
      for (let j = 0; j < 3; j++) grad[j + 1]! += (resid * (r[j]! - m.mean[j]!)) / m.scale[j]!;
    });
    for (let j = 0; j < 3; j++) grad[j + 1]! += l2 * m.weights[j]!;
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
    // Standardisation: the fitted scores do not depend on the units of a feature.
    const rescaled = fitLogistic(
      rows.map((r) => [r[0]! / 1000, r[1]! * 3, r[2]!]),
      labels,
      { l2 },
    );
    expect(rescaled.score([0.003, -150, 1])).toBeCloseTo(m.score([3, -50, 1]), 8);
  });

  it("handles a constant column and perfectly separable data (the penalty keeps the weights finite)", () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i, 5]);
    const labels = rows.map((r) => r[0]! >= 100);
    const m = fitLogistic(rows, labels);
    expect(m.weights[1]).toBeCloseTo(0, 6);
    expect(Number.isFinite(m.weights[0]!)).toBe(true);
    expect(
      rocAuc(
        rows.map((r) => m.score(r)),
        labels,
      ),
    ).toBe(1);
  });
});
