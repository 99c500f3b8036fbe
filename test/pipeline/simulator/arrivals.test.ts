// Session arrivals: per-user renewal processes that add up to the session rate, and the optional traffic
// cycle (a time warp with mean 1 over the week).
import { describe, expect, it } from "vitest";
import { Arrivals, TrafficCycle } from "../../../pipeline/simulator/arrivals.ts";
import { buildCatalog } from "../../../pipeline/simulator/catalog.ts";
import { resolveSimulatorConfig } from "../../../pipeline/simulator/index.ts";
import { Population } from "../../../pipeline/simulator/latent.ts";
import { createRng } from "../../../pipeline/simulator/rng.ts";

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;

function countArrivals(cycleOn: boolean, durationMs: number, sessionsPerMs: number) {
  const config = resolveSimulatorConfig(
    { arrivals: { cycle: { enabled: cycleOn } } },
    { seed: 12, users: 2000, duration_s: durationMs / 1000, start_time: "2025-10-20T00:00:00.000Z" },
  );
  const population = new Population(config, buildCatalog(config.catalog, createRng(12).fork("catalog")));
  const cycle = new TrafficCycle(config, durationMs);
  const arrivals = new Arrivals(
    config,
    population.users,
    population.totalWeight,
    sessionsPerMs,
    0,
    durationMs,
    cycle,
  );
  const perHour = new Array<number>(Math.ceil(durationMs / HOUR)).fill(0);
  const perUser = new Map<number, number>();
  let earliest = Number.POSITIVE_INFINITY;
  for (let t = arrivals.peekTime(); t < durationMs; t = arrivals.peekTime()) {
    const a = arrivals.pop();
    earliest = Math.min(earliest, a.time);
    perHour[Math.floor(a.time / HOUR)]!++;
    perUser.set(a.user.index, (perUser.get(a.user.index) ?? 0) + 1);
  }
  expect(earliest).toBeGreaterThanOrEqual(0);
  return { perHour, perUser, population, cycle };
}

describe("traffic cycle", () => {
  it("warps time with a mean intensity of 1 over a week, and unwarp inverts warp", () => {
    const config = resolveSimulatorConfig({ arrivals: { cycle: { enabled: true } } });
    const cycle = new TrafficCycle(config, 2 * WEEK);
    // A week of run time is a week of operational time (the shape is normalised), up to the partial hour.
    expect(Math.abs(cycle.warp(WEEK) - WEEK) / WEEK).toBeLessThan(1e-3);
    for (const t of [0, 1234, 5 * HOUR + 17, 3.5 * 24 * HOUR, WEEK + 99_999]) {
      expect(cycle.unwarp(cycle.warp(t))).toBeCloseTo(t, 3);
    }
    // Busiest around the configured peak hour (20:00 UTC), quietest twelve hours away.
    const monday = Date.parse(config.start_time) % (24 * HOUR);
    const at = (hourUtc: number) =>
      cycle.at((((hourUtc * HOUR - monday) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR));
    expect(at(20)).toBeGreaterThan(at(8) * 2);
  });

  it("is the identity when disabled", () => {
    const cycle = new TrafficCycle(resolveSimulatorConfig({}), WEEK);
    expect(cycle.warp(12_345)).toBe(12_345);
    expect(cycle.unwarp(12_345)).toBe(12_345);
    expect(cycle.at(99)).toBe(1);
  });
});

describe("arrivals", () => {
  it("add up to the session rate; more engaged users return more", () => {
    const durationMs = 20 * HOUR;
    const rate = 0.5 / 1000; // a session every two seconds over all users
    const { perHour, perUser, population } = countArrivals(false, durationMs, rate);
    const total = perHour.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - durationMs * rate) / (durationMs * rate)).toBeLessThan(0.03);
    const ranked = [...population.users].sort((a, b) => a.engagement - b.engagement);
    const mean = (us: typeof ranked) => us.reduce((s, u) => s + (perUser.get(u.index) ?? 0), 0) / us.length;
    const quarter = Math.floor(ranked.length / 4);
    expect(mean(ranked.slice(-quarter))).toBeGreaterThan(1.5 * mean(ranked.slice(0, quarter)));
  });

  it("follow the day/night shape when the cycle is on, with the same total over whole days", () => {
    const durationMs = 7 * 24 * HOUR;
    const rate = 0.05 / 1000;
    const on = countArrivals(true, durationMs, rate);
    const off = countArrivals(false, durationMs, rate);
    const total = (h: number[]) => h.reduce((a, b) => a + b, 0);
    expect(Math.abs(total(on.perHour) - total(off.perHour)) / total(off.perHour)).toBeLessThan(0.05);
    // Start is Monday 00:00 UTC: hour 20 of each weekday is the peak, hour 8 the trough.
    const sumAt = (h: number[], hour: number) => [0, 1, 2, 3, 4].reduce((s, d) => s + h[d * 24 + hour]!, 0);
    expect(sumAt(on.perHour, 20)).toBeGreaterThan(2 * sumAt(on.perHour, 8));
    expect(sumAt(off.perHour, 20)).toBeLessThan(1.5 * sumAt(off.perHour, 8));
  });
});
