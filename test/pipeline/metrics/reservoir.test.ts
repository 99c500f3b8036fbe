import { describe, expect, it } from "vitest";
import { LatencyReservoir, percentileOfSorted, percentiles } from "../../../pipeline/metrics/index.ts";

describe("percentiles", () => {
  it("uses nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentiles(values, [0, 0.01, 0.5, 0.95, 0.99, 1])).toEqual([1, 1, 50, 95, 99, 100]);
    expect(percentiles([7], [0.5, 0.99])).toEqual([7, 7]);
    expect(percentileOfSorted([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentileOfSorted([1, 2, 3, 4], 0.51)).toBe(3);
    expect(Number.isNaN(percentileOfSorted([], 0.5))).toBe(true);
    expect(() => percentileOfSorted([1], 1.5)).toThrow(
      expect.objectContaining({ code: "CS_BAD_INPUT", message: "percentile must be in [0, 1], got 1.5" }),
    );
  });
});

describe("LatencyReservoir", () => {
  it("is exact up to its capacity, with exact count, min, max and mean", () => {
    const r = new LatencyReservoir(1_000);
    for (let i = 1; i <= 1_000; i++) r.add(i);
    const s = r.snapshot();
    expect(s).toMatchObject({ count: 1_000, sampled: 1_000, exact: true, min: 1, max: 1_000, mean: 500.5 });
    expect([s.p50, s.p95, s.p99]).toEqual([500, 950, 990]);
    r.add(Number.NaN);
    expect(r.count).toBe(1_000);
  });

  it("keeps a bounded uniform sample beyond capacity: percentiles within 2% on 200,000 values", () => {
    const r = new LatencyReservoir(10_000, 42);
    // A shuffled 1..200000 (deterministic LCG) so the stream is not sorted.
    const n = 200_000;
    const values = Array.from({ length: n }, (_, i) => i + 1);
    let s = 12345;
    for (let i = n - 1; i > 0; i--) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const j = s % (i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    r.addMany(values);
    const snap = r.snapshot();
    expect(snap).toMatchObject({ count: n, sampled: 10_000, exact: false, min: 1, max: n });
    expect(snap.mean).toBeCloseTo((n + 1) / 2, 6);
    expect(Math.abs(snap.p50 - 0.5 * n) / n).toBeLessThan(0.02);
    expect(Math.abs(snap.p99 - 0.99 * n) / n).toBeLessThan(0.02);
    // Same seed, same stream: same sample.
    const again = new LatencyReservoir(10_000, 42);
    again.addMany(values);
    expect(again.snapshot()).toEqual(snap);
  });

  it("reset starts a new window", () => {
    const r = new LatencyReservoir(10);
    r.addMany([5, 6, 7]);
    r.reset();
    expect(r.snapshot().count).toBe(0);
    expect(Number.isNaN(r.snapshot().p50)).toBe(true);
    r.add(3);
    expect(r.snapshot()).toMatchObject({ count: 1, p50: 3, p99: 3, min: 3, max: 3 });
  });
});
