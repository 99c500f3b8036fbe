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
import { sessionFacts } from "./session-facts.ts";

const p = () => fc.double({ min: 0, max: 1, noNaN: true });
const logit = () => fc.double({ min: -4, max: 4, noNaN: true });

/** Small random configs: the behaviour knobs varied, runs of a few thousand events. */
const smallConfig = fc
  .record({
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    users: fc.integer({ min: 1, max: 60 }),
    rate: fc.double({ min: 1, max: 30, noNaN: true }),
    duration_s: fc.integer({ min: 10, max: 200 }),
    end: fc.constantFrom("drain", "cut"),
    warm_start: fc.boolean(),
    explicit_end: p(),
    exit_after_purchase: p(),
    exit_after_checkout_decline: p(),
    multi_quantity: p(),
    resume_after_idle: fc.double({ min: 0, max: 0.5, noNaN: true }),
    deep_exit_factor: fc.double({ min: 0.2, max: 2, noNaN: true }),
    cart_exit_factor: fc.double({ min: 0.3, max: 2, noNaN: true }),
    propensity: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    bounce: p(),
    deep_visit: p(),
    cart_after_add: p(),
    exit: fc.double({ min: 0.15, max: 1, noNaN: true }),
    decisions: fc.tuple(logit(), logit(), logit(), logit()),
  })
  .map((r): SimulatorConfig => {
    const exit = { home: r.exit, category: r.exit, search: r.exit / 2, product: r.exit, cart: r.exit };
    const [add, remove, checkout, purchase] = r.decisions;
    const persona = {
      propensity: { mean: r.propensity, concentration: 8 },
      bounce: r.bounce,
      deep_visit: r.deep_visit,
      cart_after_add: r.cart_after_add,
      exit,
      decisions: { add_to_cart: add, remove_from_cart: remove, checkout, purchase },
    };
    return resolveSimulatorConfig(
      {
        personas: { window_shopper: persona, intent_buyer: persona, cart_abandoner: persona },
        walk: {
          explicit_end: r.explicit_end,
          exit_after_purchase: r.exit_after_purchase,
          exit_after_checkout_decline: r.exit_after_checkout_decline,
          multi_quantity: r.multi_quantity,
          resume_after_idle: r.resume_after_idle,
          deep_exit_factor: r.deep_exit_factor,
          cart_exit_factor: r.cart_exit_factor,
        },
      },
      {
        seed: r.seed,
        users: r.users,
        rate: r.rate,
        duration_s: r.duration_s,
        end: r.end,
        warm_start: r.warm_start,
      },
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
  }, 120_000);

  it("records the outcome each session reached (drain: every session complete)", () => {
    fc.assert(
      fc.property(smallConfig, (raw) => {
        const config = { ...raw, end: "drain" as const };
        for (const s of sessionFacts(simulate(config).events)) {
          const reached = s.purchased ? "purchase" : s.cartCents > 0 ? "abandon" : "browse";
          expect(s.outcome).toBe(reached);
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);

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
  }, 120_000);

  it("gives different events for different seeds", () => {
    const a = simulate(resolveSimulatorConfig({}, { seed: 1, duration_s: 60 })).events.map(eventToNdjson);
    const b = simulate(resolveSimulatorConfig({}, { seed: 2, duration_s: 60 })).events.map(eventToNdjson);
    expect(a.join("\n")).not.toBe(b.join("\n"));
  });

  it("reports the splits it intends (idle gap longer than the timeout, same session_id)", () => {
    const config = resolveSimulatorConfig({ walk: { resume_after_idle: 0.2 } }, { seed: 5, duration_s: 300 });
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

  it("warm start opens sessions at time zero and keeps the first tenth on target; a cold start opens none", () => {
    const warm = simulate(resolveSimulatorConfig({}, { seed: 3, duration_s: 600 })).summary;
    const cold = simulate(
      resolveSimulatorConfig({}, { seed: 3, duration_s: 600, warm_start: false }),
    ).summary;
    expect(warm.warmSessions).toBeGreaterThan(1000);
    expect(cold.warmSessions).toBe(0);
    expect(Math.abs(warm.firstTenthRate - 40) / 40).toBeLessThan(0.05);
    // Cold, the first tenth (60 s) only sees sessions that started in it: far below the target.
    expect(cold.firstTenthRate).toBeLessThan(20);
  });
});
