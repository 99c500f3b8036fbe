// Property tests over random seeds and configs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventSchema } from "../../../pipeline/events/index.ts";
import type { SimulatorConfig } from "../../../pipeline/simulator/index.ts";
import {
  eventToNdjson,
  resolveSimulatorConfig,
  Simulation,
  simulate,
} from "../../../pipeline/simulator/index.ts";
import { sequencingViolations } from "../../helpers/sequencing-oracle.ts";

/** Small random configs: every behaviour knob varied, runs of a few thousand events. */
const smallConfig = fc
  .record({
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    users: fc.integer({ min: 1, max: 60 }),
    rate: fc.double({ min: 1, max: 30, noNaN: true }),
    duration_s: fc.integer({ min: 10, max: 200 }),
    end: fc.constantFrom("drain", "cut"),
    explicit_end: fc.double({ min: 0, max: 1, noNaN: true }),
    remove_item: fc.double({ min: 0, max: 1, noNaN: true }),
    repeat_purchase: fc.double({ min: 0, max: 1, noNaN: true }),
    browse_cart: fc.double({ min: 0, max: 1, noNaN: true }),
    abandon_at_checkout: fc.double({ min: 0, max: 1, noNaN: true }),
    resume_after_idle: fc.double({ min: 0, max: 0.5, noNaN: true }),
    outcomes: fc.tuple(
      fc.double({ min: 0.01, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    cartMax: fc.integer({ min: 1, max: 5 }),
  })
  .map((r): SimulatorConfig => {
    const outcomes = { purchase: r.outcomes[0], abandon: r.outcomes[1], browse: r.outcomes[2] };
    const persona = { outcomes, cart_items: { min: 1, max: r.cartMax } };
    return resolveSimulatorConfig(
      {
        personas: { window_shopper: persona, intent_buyer: persona, cart_abandoner: persona },
        session: {
          explicit_end: r.explicit_end,
          remove_item: r.remove_item,
          repeat_purchase: r.repeat_purchase,
          browse_cart: r.browse_cart,
          abandon_at_checkout: r.abandon_at_checkout,
          resume_after_idle: r.resume_after_idle,
        },
      },
      { seed: r.seed, users: r.users, rate: r.rate, duration_s: r.duration_s, end: r.end },
    );
  });

describe("simulator properties", () => {
  it("never breaks a sequencing rule, and every event matches the schema", () => {
    fc.assert(
      fc.property(smallConfig, (config) => {
        const { events } = simulate(config);
        expect(sequencingViolations(events)).toEqual([]);
        for (const e of events) expect(eventSchema.safeParse(e).success).toBe(true);
        for (let i = 1; i < events.length; i++)
          expect(events[i]!.event_time >= events[i - 1]!.event_time).toBe(true);
        expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
      }),
      { numRuns: 40 },
    );
  });

  it("gives byte-identical NDJSON for the same seed, identical to JSON.stringify", () => {
    fc.assert(
      fc.property(smallConfig, (config) => {
        const a = simulate(config).events.map(eventToNdjson).join("\n");
        const b = [...new Simulation(config).events()].map(eventToNdjson).join("\n");
        expect(a).toBe(b);
        expect(a).toBe(
          simulate(config)
            .events.map((e) => JSON.stringify(e))
            .join("\n"),
        );
      }),
      { numRuns: 25 },
    );
  });

  it("gives different events for different seeds", () => {
    const a = simulate(resolveSimulatorConfig({}, { seed: 1, duration_s: 60 })).events.map(eventToNdjson);
    const b = simulate(resolveSimulatorConfig({}, { seed: 2, duration_s: 60 })).events.map(eventToNdjson);
    expect(a.join("\n")).not.toBe(b.join("\n"));
  });

  it("reports the splits it intends (idle gap longer than the timeout, same session_id)", () => {
    const config = resolveSimulatorConfig(
      { session: { resume_after_idle: 0.2 } },
      { seed: 5, duration_s: 300 },
    );
    const { events, summary } = simulate(config);
    const timeoutMs = config.session_timeout_s * 1000;
    const last = new Map<string, number>();
    let splits = 0;
    for (const e of events) {
      const t = Date.parse(e.event_time);
      const prev = last.get(e.session_id);
      if (prev !== undefined && t - prev > timeoutMs) splits++;
      last.set(e.session_id, t);
    }
    expect(summary.intendedSplits).toBeGreaterThan(0);
    expect(splits).toBe(summary.intendedSplits);
  });
});
