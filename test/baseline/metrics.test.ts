// baseline/metrics: ROC AUC against pair counting, average precision, log loss and Brier on hand-made cases.
import { describe, expect, it } from "vitest";
import { rocAuc, scoreClassifier, singleColumnAuc } from "../../baseline/metrics.ts";
import { createRng } from "../../pipeline/simulator/index.ts";
import { pairwiseAuc } from "./synthetic.ts";

describe("baseline metrics", () => {
  it("ROC AUC equals the pair count, ties included", () => {
    const rng = createRng(3);
    const y = Array.from({ length: 500 }, () => rng.chance(0.3));
    // Scores on a coarse grid, so many ties.
    const s = y.map((v) => Math.round((v ? 0.6 : 0.4) * 10 + rng.int(-3, 3)) / 10);
    const auc = rocAuc(Uint8Array.from(y, Number), Float64Array.from(s));
    expect(auc).toBeCloseTo(pairwiseAuc(y, s), 12);
    expect(auc).toBeGreaterThan(0.6);
  });

  it("a perfect score has AUC 1 and PR AUC 1; a constant one 0.5", () => {
    const y = Uint8Array.from([0, 0, 1, 1, 0, 1]);
    const perfect = scoreClassifier(y, Float64Array.from([0.1, 0.2, 0.9, 0.8, 0.3, 0.7]));
    expect(perfect.rocAuc).toBe(1);
    expect(perfect.prAuc).toBe(1);
    expect(perfect.f1.best).toBe(1);
    expect(perfect.f1.threshold).toBe(0.7);
    expect(scoreClassifier(y, new Float64Array(6).fill(0.5)).rocAuc).toBe(0.5);
  });

  it("average precision, log loss and Brier by hand", () => {
    // Ranked: 1 (0.9), 0 (0.8), 1 (0.7), 0 (0.2): AP = 1/2 * (1/1) + 1/2 * (2/3).
    const y = Uint8Array.from([1, 0, 1, 0]);
    const p = Float64Array.from([0.9, 0.8, 0.7, 0.2]);
    const s = scoreClassifier(y, p);
    expect(s.prAuc).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(s.rocAuc).toBeCloseTo(0.75, 12);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.8)) / 4, 12);
    expect(s.brier).toBeCloseTo((0.01 + 0.64 + 0.09 + 0.04) / 4, 12);
    const bins = s.calibration.filter((b) => b.rows > 0);
    expect(bins.map((b) => [b.low, b.rows, b.observedRate])).toEqual([
      [0.2, 1, 0],
      [0.7, 1, 1],
      [0.8, 1, 0],
      [0.9, 1, 1],
    ]);
    expect(s.roc.at(-1)).toEqual({ fpr: 1, tpr: 1 });
  });

  it("a single column is oriented and its NULLs go where they separate best", () => {
    const y = Uint8Array.from([1, 1, 0, 0]);
    expect(singleColumnAuc(y, Float64Array.from([1, 2, 3, 4]))).toBe(1);
    expect(singleColumnAuc(y, Float64Array.from([Number.NaN, Number.NaN, 3, 4]))).toBe(1);
    // Against pair counting with the NULLs at either end, on random data with NULLs on both classes.
    const rng = createRng(9);
    const ys = Array.from({ length: 400 }, () => rng.chance(0.4));
    const vs = ys.map((v) => (rng.chance(0.2) ? Number.NaN : rng.int(0, 20) + (v ? 3 : 0)));
    const at = (fill: number) =>
      pairwiseAuc(
        ys,
        vs.map((v) => (Number.isNaN(v) ? fill : v)),
      );
    const expected = Math.max(...[at(-1e9), at(1e9)].flatMap((a) => [a, 1 - a]));
    expect(singleColumnAuc(Uint8Array.from(ys, Number), Float64Array.from(vs))).toBeCloseTo(expected, 12);
  });
});
