// The default phase-1 run against the phase-1 ranges (read from the phase1 profile file) and the realism
// targets of the behaviour model: long-tailed pages per session, converters browsing longer, few single-page
// sessions, right-skewed dwell times.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import {
  resolveSimulatorConfig,
  type SimulationSummary,
  simulate,
} from "../../../pipeline/simulator/index.ts";
import { quantile, type SessionFacts, sessionFacts } from "./session-facts.ts";

interface Check {
  metric: string;
  min: number;
  max: number;
  intended?: { min: number; max: number };
}
const profile = JSON.parse(
  readFileSync(new URL("../../../validation/profiles/phase1.json", import.meta.url), "utf8"),
) as {
  checks: Check[];
};
const range = (metric: string) => {
  const c = profile.checks.find((x) => x.metric === metric);
  if (!c) throw new Error(`phase1 profile has no ${metric}`);
  return c;
};

const TARGET_CONVERSION = { window_shopper: 0.08, intent_buyer: 0.45, cart_abandoner: 0.03 } as const;

const median = (xs: number[]) => quantile(xs, 0.5);

describe.each([42, 7])("phase1 default run, seed %i", (seed) => {
  let events: ClickEvent[];
  let summary: SimulationSummary;
  let sessions: SessionFacts[];
  beforeAll(() => {
    ({ events, summary } = simulate(resolveSimulatorConfig({}, { seed })));
    sessions = sessionFacts(events);
  });

  it("produces 60,000 events within 5% inside the window, at 40/s within 5% overall and in its first tenth", () => {
    expect(summary.eventsInWindow).toBeGreaterThanOrEqual(57_000);
    expect(summary.eventsInWindow).toBeLessThanOrEqual(63_000);
    expect(Math.abs(summary.realizedRate - 40) / 40).toBeLessThan(0.05);
    expect(Math.abs(summary.firstTenthRate - 40) / 40).toBeLessThan(0.05);
    // 150 s windows of clustered arrivals (a session brings ~9 events) are noisy: the last tenth within 10%.
    expect(Math.abs(summary.lastTenthRate - 40) / 40).toBeLessThan(0.1);
    expect(events.length).toBe(summary.events);
    const start = Date.parse("2025-10-20T12:00:00.000Z");
    const inWindow = events.filter((e) => Date.parse(e.event_time) < start + 1_500_000).length;
    expect(inWindow).toBe(summary.eventsInWindow);
  });

  it("assigns personas to users within 2 points of 60/25/15", () => {
    const u = summary.usersByPersona;
    expect(u.window_shopper + u.intent_buyer + u.cart_abandoner).toBe(400);
    expect(Math.abs(u.window_shopper / 400 - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(u.intent_buyer / 400 - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(u.cart_abandoner / 400 - 0.15)).toBeLessThanOrEqual(0.02);
  });

  it("keeps every event-mix share inside its phase1 range", () => {
    const shares = profile.checks.filter((c) => c.metric.startsWith("event_share."));
    expect(shares).toHaveLength(9);
    for (const c of shares) {
      const type = c.metric.slice("event_share.".length) as ClickEvent["event_type"];
      const share = events.filter((e) => e.event_type === type).length / events.length;
      expect.soft(share, `${type} share ${share.toFixed(4)}`).toBeGreaterThanOrEqual(c.min);
      expect.soft(share, `${type} share ${share.toFixed(4)}`).toBeLessThanOrEqual(c.max);
    }
  });

  it("keeps cart abandonment, checkout completion, duration and mobile share in their phase1 ranges, conversion in its intended range", () => {
    const purchased = sessions.filter((s) => s.purchased).length;
    const abandoned = sessions.filter((s) => !s.purchased && s.cartCents > 0).length;
    const count = (t: string) => events.filter((e) => e.event_type === t).length;
    const measured: Record<string, number> = {
      cart_abandonment_rate: abandoned / (purchased + abandoned),
      checkout_completion_rate: count("purchase") / count("checkout_initiated"),
      avg_session_duration_min: sessions.reduce((a, s) => a + s.durationMs, 0) / sessions.length / 60_000,
      mobile_share: sessions.filter((s) => s.device === "mobile").length / sessions.length,
    };
    for (const [metric, value] of Object.entries(measured)) {
      const r = range(metric);
      expect.soft(value, `${metric} ${value.toFixed(4)}`).toBeGreaterThanOrEqual(r.min);
      expect.soft(value, `${metric} ${value.toFixed(4)}`).toBeLessThanOrEqual(r.max);
    }
    const conversion = purchased / sessions.length;
    const intended = range("session_conversion_rate").intended!;
    expect(conversion).toBeGreaterThanOrEqual(intended.min);
    expect(conversion).toBeLessThanOrEqual(intended.max);
  });

  it("converts each persona's sessions within 5 points of 8/45/3%", () => {
    for (const [persona, target] of Object.entries(TARGET_CONVERSION)) {
      const mine = sessions.filter((s) => s.persona === persona);
      const rate = mine.filter((s) => s.purchased).length / mine.length;
      expect
        .soft(Math.abs(rate - target), `${persona} conversion ${rate.toFixed(3)}`)
        .toBeLessThanOrEqual(0.05);
    }
  });

  it("meets the realism targets: long-tailed pages, converters browse 1.5-2.5x longer, 3-10% single-page sessions, right-skewed dwell", () => {
    const pages = sessions.map((s) => s.pages);
    expect(quantile(pages, 0.95) / median(pages)).toBeGreaterThanOrEqual(4);
    const conv = sessions.filter((s) => s.purchased);
    const rest = sessions.filter((s) => !s.purchased);
    const pagesRatio = median(conv.map((s) => s.pages)) / median(rest.map((s) => s.pages));
    const durationRatio = median(conv.map((s) => s.durationMs)) / median(rest.map((s) => s.durationMs));
    for (const [name, ratio] of [
      ["pages", pagesRatio],
      ["duration", durationRatio],
    ] as const) {
      expect.soft(ratio, `converted / other median ${name}`).toBeGreaterThanOrEqual(1.5);
      expect.soft(ratio, `converted / other median ${name}`).toBeLessThanOrEqual(2.5);
    }
    const single = sessions.filter((s) => s.pages === 1).length / sessions.length;
    expect(single).toBeGreaterThanOrEqual(0.03);
    expect(single).toBeLessThanOrEqual(0.1);
    const dwell = sessions.flatMap((s) => s.dwellMs);
    const mean = dwell.reduce((a, b) => a + b, 0) / dwell.length;
    expect(mean).toBeGreaterThan(median(dwell));
    // No gap reaches the 60 s timeout: sessions never split by accident.
    expect(Math.max(...sessions.flatMap((s) => s.gapsMs))).toBeLessThan(60_000);
  });

  it("lets outcomes overlap: some buyers remove items, some abandoners browse as long as the median buyer", () => {
    const buyers = sessions.filter((s) => s.purchased);
    const abandoners = sessions.filter((s) => !s.purchased && s.cartCents > 0);
    expect(buyers.filter((s) => s.removals > 0).length / buyers.length).toBeGreaterThan(0.05);
    const buyerMedian = median(buyers.map((s) => s.pages));
    expect(abandoners.filter((s) => s.pages >= buyerMedian).length / abandoners.length).toBeGreaterThan(0.2);
  });

  it("starts warm: the stationary number of sessions is open at time zero, and the summary counts them", () => {
    // Little's law: rate / events per session x mean duration.
    const expected = (40 / summary.meanEventsPerSession) * summary.meanSessionDurationS;
    expect(Math.abs(summary.warmSessions - expected)).toBeLessThanOrEqual(1);
    const firstMinute = events.filter((e) => e.event_time < "2025-10-20T12:01:00.000Z").length;
    expect(firstMinute / 60).toBeGreaterThanOrEqual(38);
    expect(firstMinute / 60).toBeLessThanOrEqual(42);
  });

  it("lets users hold several sessions at once and reports the maximum", () => {
    const open = new Map<string, number>();
    const last = new Map<string, string>();
    for (const e of events) last.set(e.session_id, e.event_id);
    let max = 0;
    for (const e of events) {
      if (e.event_type === "session_start") {
        const n = (open.get(e.user_id) ?? 0) + 1;
        open.set(e.user_id, n);
        max = Math.max(max, n);
      }
      if (last.get(e.session_id) === e.event_id) open.set(e.user_id, open.get(e.user_id)! - 1);
    }
    expect(summary.maxOpenSessionsPerUser).toBe(max);
    expect(max).toBeGreaterThan(1);
  });
});
