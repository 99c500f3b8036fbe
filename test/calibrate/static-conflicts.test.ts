// Static conflicts: each identity the checker knows, on crafted profiles, and none on the shipped profiles.
import { describe, expect, it } from "vitest";
import { staticConflicts, targetsOf } from "../../calibrate/index.ts";
import { loadProfile, type ParsedProfile, profileSchema } from "../../validation/index.ts";

type Check = { metric: string; min: number; max: number };
const profile = (checks: Check[]): ParsedProfile => ({
  ...profileSchema.parse({
    name: "crafted",
    description: "crafted",
    checks: checks.map((c) => ({ ...c, source: "crafted" })),
  }),
  path: "(inline)",
});
const conflicts = (checks: Check[]) => staticConflicts(targetsOf(profile(checks), 0.2));

describe("static conflicts", () => {
  it("event shares whose minimums sum over 100%", () => {
    const c = conflicts([
      { metric: "event_share.page_view", min: 0.5, max: 0.6 },
      { metric: "event_share.product_view", min: 0.55, max: 0.6 },
    ]);
    expect(c).toHaveLength(1);
    expect(c[0]!.metrics.sort()).toEqual(["event_share.page_view", "event_share.product_view"]);
    expect(c[0]!.message).toMatch(/105\.0%/);
  });

  it("every event type ranged but the maximums below 100%", () => {
    const types = ["session_start", "page_view", "product_view", "search", "add_to_cart"];
    const rest = ["remove_from_cart", "checkout_initiated", "purchase", "session_end"];
    const c = conflicts(
      [...types, ...rest].map((t) => ({ metric: `event_share.${t}`, min: 0.01, max: 0.1 })),
    );
    expect(c.map((x) => x.message).join()).toMatch(/maximums sum to 90\.0%/);
  });

  it("one quantity under two names with disjoint ranges", () => {
    const c = conflicts([
      { metric: "mobile_share", min: 0.55, max: 0.6 },
      { metric: "device_share.mobile", min: 0.7, max: 0.8 },
    ]);
    expect(c.map((x) => x.metrics)).toContainEqual(["mobile_share", "device_share.mobile"]);
  });

  it("a ratio its parts cannot give: completion against purchase and checkout shares", () => {
    const c = conflicts([
      { metric: "checkout_completion_rate", min: 0.75, max: 0.85 },
      { metric: "event_share.purchase", min: 0.01, max: 0.02 },
      { metric: "event_share.checkout_initiated", min: 0.04, max: 0.05 },
    ]);
    expect(c).toHaveLength(1);
    expect(c[0]!.metrics).toEqual([
      "checkout_completion_rate",
      "event_share.purchase",
      "event_share.checkout_initiated",
    ]);
  });

  it("disjoint session classes over 100%, and a session_start share above 1 / events per session", () => {
    const c = conflicts([
      { metric: "bounce_rate", min: 0.6, max: 0.7 },
      { metric: "session_add_to_cart_rate", min: 0.5, max: 0.6 },
      { metric: "event_share.session_start", min: 0.2, max: 0.3 },
      { metric: "avg_events_per_session", min: 8, max: 10 },
    ]);
    expect(c.map((x) => x.metrics)).toEqual([
      ["bounce_rate", "session_add_to_cart_rate"],
      ["event_share.session_start", "avg_events_per_session"],
    ]);
  });

  it("finds none in the shipped profiles", () => {
    for (const name of ["phase1", "industry-2024"]) {
      expect(staticConflicts(targetsOf(loadProfile(name), 0.2))).toEqual([]);
    }
  });
});
