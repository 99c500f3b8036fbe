// The validator's statistics against known values (chi-square tables, closed forms, textbook intervals).
import { describe, expect, it } from "vitest";
import {
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  lnGamma,
  ratioEstimate,
  regularizedGammaQ,
  wilsonInterval,
} from "../../validation/stats.ts";

describe("lnGamma", () => {
  it.each([
    [1, 0],
    [2, 0],
    [5, Math.log(24)],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [10.5, Math.log(1133278.3889487856)],
    [0.1, Math.log(9.513507698668732)],
  ])("lnGamma(%d)", (x, expected) => {
    expect(lnGamma(x)).toBeCloseTo(expected, 10);
  });

  it("rejects x <= 0", () => {
    expect(() => lnGamma(0)).toThrow(
      expect.objectContaining({ code: "CS_BAD_INPUT", message: "lnGamma: x must be > 0, got 0" }),
    );
  });
});

describe("regularizedGammaQ", () => {
  it("Q(1, x) = exp(-x) on both the series and the continued-fraction side", () => {
    for (const x of [0.01, 0.5, 1.9, 2.1, 7, 30])
      expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 12);
  });

  it("Q(a, 0) = 1 and Q(a, Infinity) = 0", () => {
    expect(regularizedGammaQ(3.5, 0)).toBe(1);
    expect(regularizedGammaQ(3.5, Infinity)).toBe(0);
  });

  it("Q(2, x) = (1 + x) exp(-x)", () => {
    for (const x of [0.3, 2.5, 3, 12])
      expect(regularizedGammaQ(2, x)).toBeCloseTo((1 + x) * Math.exp(-x), 12);
  });
});

describe("chiSquareSurvival (the p-value)", () => {
  // Critical values from standard chi-square tables.
  it.each([
    [3.841458820694124, 1, 0.05],
    [6.6348966010212145, 1, 0.01],
    [5.991464547107979, 2, 0.05],
    [11.070497693516351, 5, 0.05],
    [20.090235029663233, 8, 0.01],
    [15.50731305586545, 8, 0.05],
    [18.307038053275146, 10, 0.05],
    [43.77297182574219, 30, 0.05],
    [124.34211340400407, 100, 0.05],
  ])("chi2 = %d, df = %d -> p = %d", (x, df, p) => {
    expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 9);
  });

  it("the rounded table values give p close to 0.05", () => {
    expect(chiSquareSurvival(3.84, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquareSurvival(11.07, 5)).toBeCloseTo(0.05, 3);
  });

  it("df = 2 is exp(-x/2) exactly; 0 gives 1; huge statistics give ~0", () => {
    expect(chiSquareSurvival(2, 2)).toBeCloseTo(Math.exp(-1), 14);
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(chiSquareSurvival(5000, 8)).toBeLessThan(1e-300 + 1e-200);
  });

  it("is decreasing in the statistic", () => {
    let last = 1;
    for (let x = 0.5; x < 40; x += 0.5) {
      const p = chiSquareSurvival(x, 8);
      expect(p).toBeLessThan(last);
      last = p;
    }
  });
});

describe("wilsonInterval", () => {
  it("matches textbook values", () => {
    const a = wilsonInterval(0.5, 100)!;
    expect(a.low).toBeCloseTo(0.40383, 4);
    expect(a.high).toBeCloseTo(0.59617, 4);
    const b = wilsonInterval(0, 10)!;
    expect(b.low).toBe(0);
    expect(b.high).toBeCloseTo(0.27753, 4);
    // The phase-1 report's conversion: 576 of 3,659 sessions.
    const c = wilsonInterval(576 / 3659, 3659)!;
    expect(c.low).toBeCloseTo(0.14598, 4);
    expect(c.high).toBeCloseTo(0.16958, 4);
  });

  it("is null for n = 0 or p outside [0, 1]", () => {
    expect(wilsonInterval(0.5, 0)).toBeNull();
    expect(wilsonInterval(1.3, 10)).toBeNull();
  });
});

describe("ratioEstimate (cluster-robust design effect)", () => {
  it("independent trials (one per cluster) have design effect ~1", () => {
    // 1,000 clusters of one trial, 300 successes.
    const s = { y: 300, x: 1000, clusters: 1000, yy: 300, xy: 300, xx: 1000 };
    const e = ratioEstimate(s);
    expect(e.value).toBeCloseTo(0.3, 12);
    expect(e.designEffect).toBeCloseTo(1, 2);
    expect(e.nEffective).toBeCloseTo(1000, -1);
  });

  it("all-or-nothing clusters of 10 have design effect ~10 and a wider interval", () => {
    // 100 clusters of 10 trials; 30 clusters all successes, 70 none.
    const s = { y: 300, x: 1000, clusters: 100, yy: 30 * 100, xy: 30 * 100, xx: 100 * 100 };
    const e = ratioEstimate(s);
    expect(e.designEffect).toBeCloseTo(10 * (100 / 99), 6);
    const plain = wilsonInterval(0.3, 1000)!;
    expect(e.ci!.high - e.ci!.low).toBeGreaterThan(3 * (plain.high - plain.low));
  });

  it("has no value without a denominator", () => {
    expect(ratioEstimate({ y: 0, x: 0, clusters: 0, yy: 0, xy: 0, xx: 0 }).value).toBeNull();
  });
});

describe("chiSquareGoodnessOfFit", () => {
  it("Pearson X² and p on a textbook example", () => {
    const r = chiSquareGoodnessOfFit({ a: 60, b: 40 }, { a: 0.5, b: 0.5 });
    expect(r.statistic).toBeCloseTo(4, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(0.0455003, 6);
  });

  it("renormalises expected weights", () => {
    const r = chiSquareGoodnessOfFit({ a: 60, b: 40 }, { a: 3, b: 3 });
    expect(r.statistic).toBeCloseTo(4, 12);
  });

  it("divides by the Rao-Scott mean design effect and the reference noise factor", () => {
    const r = chiSquareGoodnessOfFit({ a: 60, b: 40 }, { a: 0.5, b: 0.5 }, { designEffects: { a: 2, b: 2 } });
    expect(r.meanDesignEffect).toBeCloseTo(2, 12);
    expect(r.corrected).toBeCloseTo(2, 12);
    expect(r.pValue).toBeCloseTo(chiSquareSurvival(2, 1), 12);
    const ref = chiSquareGoodnessOfFit({ a: 60, b: 40 }, { a: 0.5, b: 0.5 }, { referenceN: 100 });
    expect(ref.referenceFactor).toBeCloseTo(2, 12);
    expect(ref.corrected).toBeCloseTo(2, 12);
  });

  it("a perfect fit has p = 1; an observed category that was never expected has p = 0", () => {
    expect(chiSquareGoodnessOfFit({ a: 25, b: 75 }, { a: 0.25, b: 0.75 }).pValue).toBe(1);
    const r = chiSquareGoodnessOfFit({ a: 50, b: 49, c: 1 }, { a: 0.5, b: 0.5, c: 0 });
    expect(r.statistic).toBe(Infinity);
    expect(r.pValue).toBe(0);
  });
});
