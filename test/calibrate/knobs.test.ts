// Knobs: transforms, `*` paths, set/scale/shift, range repair, and the shipped knob list against the
// simulator's current config schema.
import { describe, expect, it } from "vitest";
import {
  applyKnobs,
  expandPath,
  fromSearch,
  type Knob,
  loadKnobs,
  readKnobs,
  toSearch,
} from "../../calibrate/knobs.ts";
import { DEFAULT_CONFIG, parseSimulatorConfig } from "../../pipeline/simulator/index.ts";

const knob = (k: Partial<Knob>): Knob => ({ path: "x", min: 0, max: 1, transform: "linear", ...k });

describe("knobs", () => {
  it("maps config values to search coordinates and back, inside the bounds", () => {
    for (const k of [
      knob({ transform: "logit", min: 0.01, max: 0.9 }),
      knob({ transform: "log", min: 0.1, max: 10 }),
      knob({ transform: "linear", min: -6, max: 6 }),
    ]) {
      for (const x of [k.min + 0.05, (k.min + k.max) / 2, k.max - 0.05]) {
        expect(fromSearch(k, toSearch(k, x))).toBeCloseTo(x, 4);
      }
      expect(fromSearch(k, 1e6)).toBeLessThanOrEqual(k.max);
      expect(fromSearch(k, -1e6)).toBeGreaterThanOrEqual(k.min);
    }
    expect(fromSearch(knob({ max: 10, integer: true }), 3.6)).toBe(4);
  });

  it("expands * over every key at its level, numbers only", () => {
    expect(expandPath(DEFAULT_CONFIG, "personas.*.propensity.mean")).toEqual([
      "personas.window_shopper.propensity.mean",
      "personas.intent_buyer.propensity.mean",
      "personas.cart_abandoner.propensity.mean",
    ]);
    expect(expandPath(DEFAULT_CONFIG, "personas.*.no_such_key")).toEqual([]);
    expect(expandPath(DEFAULT_CONFIG, "devices.*")).toEqual([]);
  });

  it("sets, scales and shifts from the base values; a min moved above its max pulls the max along", () => {
    const base = { a: { b: 2, c: 4 }, d: 1, r: { min: 1, max: 3 } };
    const out = applyKnobs(
      base,
      [
        knob({ path: "a.*", mode: "scale", min: 0.1, max: 10, transform: "log" }),
        knob({ path: "d", mode: "shift", min: -5, max: 5 }),
        knob({ path: "r.min", min: 0, max: 10 }),
      ],
      [1.5, -2, 5],
    );
    expect(out).toEqual({ a: { b: 3, c: 6 }, d: -1, r: { min: 5, max: 5 } });
    expect(base.a.b).toBe(2);
  });

  it("names a knob path that is not a number of the config", () => {
    expect(() => readKnobs([knob({ path: "walk.no_such_knob" })], DEFAULT_CONFIG)).toThrow(
      /walk\.no_such_knob/,
    );
  });

  it("the shipped knob list names keys of the current config, and its starting point is a valid config", () => {
    const knobs = loadKnobs();
    const start = readKnobs(knobs, DEFAULT_CONFIG);
    expect(start).toHaveLength(knobs.length);
    expect(() => parseSimulatorConfig(applyKnobs(DEFAULT_CONFIG, knobs, start))).not.toThrow();
    const moved = applyKnobs(
      DEFAULT_CONFIG,
      knobs,
      knobs.map((k, i) => fromSearch(k, toSearch(k, start[i]!) + 0.1)),
    );
    expect(moved).not.toEqual(DEFAULT_CONFIG);
  });
});
