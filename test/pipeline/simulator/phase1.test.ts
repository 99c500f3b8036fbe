// The default phase-1 run against SPEC sections 3 and 6 (ranges read from the phase1 profile file).
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClickEvent } from "../../../pipeline/events/index.ts";
import {
  resolveSimulatorConfig,
  type SimulationSummary,
  simulate,
} from "../../../pipeline/simulator/index.ts";

interface Check {
  metric: string;
  min: number;
  max: number;
}
const profile = JSON.parse(
  readFileSync(new URL("../../../validation/profiles/phase1.json", import.meta.url), "utf8"),
) as {
  checks: Check[];
};

const TARGET_CONVERSION = { window_shopper: 0.08, intent_buyer: 0.45, cart_abandoner: 0.03 } as const;

describe.each([42, 7])("phase1 default run, seed %i", (seed) => {
  let events: ClickEvent[];
  let summary: SimulationSummary;
  beforeAll(() => {
    ({ events, summary } = simulate(resolveSimulatorConfig({}, { seed })));
  });

  it("produces 60,000 events within 5% and a realized rate within 5% of 40/s", () => {
    expect(summary.events).toBeGreaterThanOrEqual(57_000);
    expect(summary.events).toBeLessThanOrEqual(63_000);
    expect(Math.abs(summary.realizedRate - 40) / 40).toBeLessThan(0.05);
    expect(events.length).toBe(summary.events);
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

  it("converts each persona's sessions within 5 points of SPEC section 3, and mobile sessions are 55-60%", () => {
    const sessions = new Map<string, { persona: string; purchased: boolean; device: string }>();
    for (const e of events) {
      const s = sessions.get(e.session_id) ?? {
        persona: e.persona!,
        purchased: false,
        device: e.device_type,
      };
      if (e.event_type === "purchase") s.purchased = true;
      sessions.set(e.session_id, s);
    }
    for (const [persona, target] of Object.entries(TARGET_CONVERSION)) {
      const mine = [...sessions.values()].filter((s) => s.persona === persona);
      const rate = mine.filter((s) => s.purchased).length / mine.length;
      expect
        .soft(Math.abs(rate - target), `${persona} conversion ${rate.toFixed(3)}`)
        .toBeLessThanOrEqual(0.05);
    }
    const mobile = [...sessions.values()].filter((s) => s.device === "mobile").length / sessions.size;
    expect(mobile).toBeGreaterThanOrEqual(0.55);
    expect(mobile).toBeLessThanOrEqual(0.6);
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
