// notebooks/lib: the pure helpers behind the leakage check and the ROI notebook.
import { describe, expect, it } from "vitest";
import {
  auc,
  contactAllModel,
  htmlTable,
  leakFlag,
  reportModel,
  separation,
} from "../../notebooks/lib/index.ts";

describe("auc", () => {
  it("is 1 for a perfect score, 0 for a reversed one, 0.5 when all scores tie", () => {
    expect(auc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(auc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(auc([7, 7, 7, 7], [false, true, false, true])).toBe(0.5);
  });

  it("counts a tie between a positive and a negative as half (Mann-Whitney)", () => {
    // pairs (pos, neg): (2,1) win, (2,2) tie, (3,1) win, (3,2) win -> 3.5 / 4
    expect(auc([1, 2, 2, 3], [false, false, true, true])).toBe(0.875);
  });

  it("is NaN when a class is empty", () => {
    expect(auc([1, 2], [true, true])).toBeNaN();
  });
});

describe("separation", () => {
  it("puts NULLs at the end that separates better", () => {
    // NULL = never added to the cart: all negatives; at the low end the column separates perfectly.
    const s = separation([null, null, 5, 9], [false, false, true, true]);
    expect(s).toEqual({ auc: 1, kind: "numeric", nulls: 2 });
  });

  it("scores categories by their positive rate and orients the AUC to >= 0.5", () => {
    const s = separation(["a", "a", "b", "b"], [true, true, false, false]);
    expect(s.kind).toBe("category");
    expect(s.auc).toBe(1);
    expect(separation([3, 2, 1], [true, false, false]).auc).toBe(1);
  });

  it("flags near-perfect separation", () => {
    expect(leakFlag(0.97)).toBe("suspicious");
    expect(leakFlag(0.92)).toBe("strong");
    expect(leakFlag(0.85)).toBe("ok");
  });
});

describe("ROI models", () => {
  const inputs = { abandonedCarts: 873, avgCartValue: 45, recoveryRate: 0.15, costPerIntervention: 50 };

  it("report model: cost per recovered cart, net = N r (V - c), no break-even recovery rate", () => {
    const m = reportModel(inputs);
    expect(m.recoveredCarts).toBeCloseTo(130.95, 10);
    expect(m.recoveredRevenue).toBeCloseTo(5892.75, 10);
    expect(m.interventionCost).toBeCloseTo(6547.5, 10);
    expect(m.netImpact).toBeCloseTo(-654.75, 10);
    expect(m.breakEvenRecoveryRate).toBeNull();
    expect(m.breakEvenCost).toBe(45);
    // The sign does not change with the recovery rate.
    for (const r of [0.05, 0.2, 0.5, 1])
      expect(reportModel({ ...inputs, recoveryRate: r }).netImpact).toBeLessThan(0);
  });

  it("contact-all model: cost per abandoned cart, zero net at r = c / V", () => {
    const m = contactAllModel(inputs);
    expect(m.interventionCost).toBe(873 * 50);
    expect(m.breakEvenRecoveryRate).toBeCloseTo(50 / 45, 12); // above 1: cannot pay for itself
    const v = contactAllModel({ ...inputs, avgCartValue: 80 });
    expect(
      contactAllModel({ ...inputs, avgCartValue: 80, recoveryRate: v.breakEvenRecoveryRate! }).netImpact,
    ).toBeCloseTo(0, 9);
    expect(contactAllModel({ ...inputs, costPerIntervention: m.breakEvenCost }).netImpact).toBeCloseTo(0, 9);
  });
});

describe("htmlTable", () => {
  it("escapes cells, right-aligns numbers and tags rows", () => {
    const html = htmlTable(
      [{ k: "a<b", n: 1234 }],
      [
        { label: "k", value: "k" },
        { label: "n", value: "n" },
      ],
      { rowKey: (r) => `row.${r.k}` },
    );
    expect(html).toContain(
      '<tr data-key="row.a&lt;b"><td style="text-align:left">a&lt;b</td><td style="text-align:right">1,234</td></tr>',
    );
  });
});
