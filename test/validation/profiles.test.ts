// Profile files: both shipped profiles parse, every range has a source, bad files name the bad key, and the
// phase1 reference event mix was measured on the current default simulator config.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../pipeline/errors/index.ts";
import { PERSONAS } from "../../pipeline/model/index.ts";
import { DEFAULT_CONFIG } from "../../pipeline/simulator/index.ts";
import { realismChecks } from "../../validation/checks/benchmark.ts";
import { fmtRange } from "../../validation/format.ts";
import {
  configDifferences,
  configFingerprint,
  listProfiles,
  loadProfile,
  METRIC_NAMES,
  ValidationRunError,
} from "../../validation/index.ts";
import type { MetricResult } from "../../validation/types.ts";
import { removeRoot, tempRoot } from "./helpers.ts";

let root: string;
beforeAll(() => {
  root = tempRoot("profiles");
});
afterAll(() => removeRoot(root));

function writeProfile(name: string, body: unknown): string {
  const path = join(root, `${name}.json`);
  writeFileSync(path, JSON.stringify(body));
  return path;
}

const minimal = {
  name: "mini",
  description: "one check",
  checks: [{ metric: "bounce_rate", min: 0.1, max: 0.5, source: "test" }],
};

describe("shipped profiles", () => {
  it("lists phase1 and industry-2024", () => {
    expect(listProfiles().map((p) => p.name)).toEqual(["industry-2024", "phase1"]);
  });

  it("phase1 has the phase-1 benchmark ranges, each with a source, and the intended conversion block", () => {
    const p = loadProfile("phase1");
    expect(p.checks).toHaveLength(17);
    for (const c of p.checks) {
      expect(c.source.length).toBeGreaterThan(5);
      expect(METRIC_NAMES).toContain(c.metric);
    }
    const conv = p.checks.find((c) => c.metric === "session_conversion_rate")!;
    expect([conv.min, conv.max]).toEqual([0.02, 0.05]);
    expect(conv.intended).toMatchObject({ min: 0.12, max: 0.2 });
    expect(p.checks.find((c) => c.metric === "mobile_share")).toMatchObject({ min: 0.55, max: 0.6 });
    expect(p.distributions?.event_mix?.expected.method).toBe("reference");
  });

  it("phase1 checks each persona's conversion within 5 points of 8 / 45 / 3%, as warnings", () => {
    const p = loadProfile("phase1");
    const target = { window_shopper: 0.08, intent_buyer: 0.45, cart_abandoner: 0.03 };
    for (const persona of PERSONAS) {
      const c = p.checks.find((x) => x.metric === `conversion_by_persona.${persona}`)!;
      expect(c.min).toBeCloseTo(Math.max(0, target[persona] - 0.05), 10);
      expect(c.max).toBeCloseTo(target[persona] + 0.05, 10);
      expect(c.severity).toBe("warning");
    }
  });

  it("phase1 and industry-2024 hold the realism targets, each with a source", () => {
    const phase1 = loadProfile("phase1").realism!;
    expect(Object.fromEntries(phase1.map((c) => [c.metric, [c.min ?? null, c.max ?? null]]))).toEqual({
      pages_p95_over_median: [4, null],
      converted_pages_ratio: [1.5, 2.5],
      converted_duration_ratio: [1.5, 2.5],
      single_page_share: [0.03, 0.1],
      dwell_mean_over_median: [1.01, null],
    });
    const industry = loadProfile("industry-2024").realism!;
    expect(industry.map((c) => c.metric).sort()).toEqual(
      [
        "converted_duration_ratio",
        "converted_pages_ratio",
        "dwell_mean_over_median",
        "pages_p95_over_median",
      ].sort(),
    );
    for (const c of [...phase1, ...industry]) {
      expect(c.source.length).toBeGreaterThan(20);
      expect(c.severity).toBeUndefined(); // the realism default: warning
      expect(METRIC_NAMES).toContain(c.metric);
    }
  });

  it("industry-2024 cites its sources (Baymard, Compass, Contentsquare, Dynamic Yield)", () => {
    const p = loadProfile("industry-2024");
    const sources = p.checks.map((c) => c.source).join(" ");
    for (const s of ["Baymard", "Compass", "Contentsquare", "Dynamic Yield"]) expect(sources).toContain(s);
    expect(p.checks.map((c) => c.metric).sort()).toEqual(
      [
        "bounce_rate",
        "cart_abandonment_rate",
        "checkout_completion_rate",
        "median_session_duration_s",
        "mobile_share",
        "session_add_to_cart_rate",
        "session_conversion_rate",
      ].sort(),
    );
    expect(p.notes?.join(" ")).toMatch(/30-minute/);
  });

  it("the phase1 reference event mix matches the current default simulator config (else rerun validation/reference-mix.ts)", () => {
    const mix = loadProfile("phase1").distributions!.event_mix!.expected;
    if (mix.method !== "reference") throw new Error("phase1 should use a reference run");
    expect(configFingerprint(DEFAULT_CONFIG as unknown as Record<string, unknown>)).toBe(mix.config_sha256);
    const total = Object.values(mix.shares).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 5);
  });

  it("the reference shares lie inside the phase1 ranges they stand in for", () => {
    const p = loadProfile("phase1");
    const mix = p.distributions!.event_mix!.expected;
    if (mix.method !== "reference") throw new Error("phase1 should use a reference run");
    for (const [type, share] of Object.entries(mix.shares)) {
      const range = p.checks.find((c) => c.metric === `event_share.${type}`)!;
      expect(share).toBeGreaterThanOrEqual(range.min);
      expect(share).toBeLessThanOrEqual(range.max);
    }
  });
});

describe("config fingerprint and differences", () => {
  it("ignore seed and description, and name the leaf keys that differ", () => {
    const base = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
    const other = structuredClone(base) as Record<string, unknown> & {
      personas: { window_shopper: { share: number } };
    };
    other.seed = 7;
    other.description = "another run";
    expect(configFingerprint(other)).toBe(configFingerprint(base));
    expect(configDifferences(base, other)).toEqual([]);
    other.duration_s = 300;
    other.personas.window_shopper.share = 0.5;
    expect(configFingerprint(other)).not.toBe(configFingerprint(base));
    expect(configDifferences(base, other)).toEqual(["duration_s", "personas.window_shopper.share"]);
  });
});

describe("realism checks", () => {
  const metric = (name: string, value: number | null): MetricResult => ({
    name,
    label: name,
    unit: "multiple",
    value,
    ci: null,
  });
  const profile = (realism: unknown) =>
    loadProfile(writeProfile(`realism-${Math.random().toString(36).slice(2)}`, { ...minimal, realism }));

  it("open ranges: at least / at most, warning by default, error when the profile says so", () => {
    const p = profile([
      { metric: "pages_p95_over_median", min: 4, source: "tail" },
      { metric: "dwell_mean_over_median", max: 3, source: "cap", severity: "error" },
      { metric: "converted_pages_ratio", min: 1.5, max: 2.5, source: "ratio" },
    ]);
    const metrics = {
      pages_p95_over_median: metric("pages_p95_over_median", 3.2),
      dwell_mean_over_median: metric("dwell_mean_over_median", 3.5),
      converted_pages_ratio: metric("converted_pages_ratio", 1.8),
    };
    const [tail, cap, ratio] = realismChecks(p, metrics);
    expect(tail).toMatchObject({
      id: "realism.pages_p95_over_median",
      kind: "realism",
      severity: "warning",
      status: "fail",
      outcome: "warning",
      range: { min: 4, max: null },
      source: "tail",
    });
    expect(tail!.message).toBe("pages_p95_over_median 3.20x is below the mini realism target at least 4.00x");
    expect(cap).toMatchObject({ severity: "error", status: "fail", outcome: "error" });
    expect(cap!.message).toMatch(/3\.50x is above the mini realism target at most 3\.00x/);
    expect(ratio).toMatchObject({ status: "pass", outcome: "ok" });
    expect(ratio!.message).toMatch(/1\.80x is inside the mini realism target 1\.50x-2\.50x/);
    metrics.pages_p95_over_median = metric("pages_p95_over_median", 4);
    expect(realismChecks(p, metrics)[0]).toMatchObject({ status: "pass" });
    expect(realismChecks(p, metrics)[0]!.message).toMatch(
      /4\.00x meets the mini realism target at least 4\.00x/,
    );
    metrics.pages_p95_over_median = metric("pages_p95_over_median", null);
    expect(realismChecks(p, metrics)[0]).toMatchObject({ status: "skipped", outcome: "warning" });
  });

  it("formats open and closed ranges", () => {
    expect(fmtRange({ min: 4, max: null }, "multiple")).toBe("at least 4.00x");
    expect(fmtRange({ min: null, max: 0.1 }, "share")).toBe("at most 10.0%");
    expect(fmtRange({ min: 0.03, max: 0.1 }, "share")).toBe("3.0-10.0%");
    expect(fmtRange({ min: null, max: null }, "share")).toBe("");
  });

  it("a profile without a realism section has no realism checks", () => {
    expect(realismChecks(loadProfile(writeProfile("no-realism", minimal)), {})).toEqual([]);
  });
});

describe("bad profiles name the key", () => {
  it("loads a profile by path", () => {
    const p = loadProfile(writeProfile("mini", minimal));
    expect(p.name).toBe("mini");
    expect(p.checks[0]!.severity).toBeUndefined();
  });

  it.each([
    [{ ...minimal, extra: 1 }, /extra: unknown key \(not allowed at the top level\)/],
    [{ ...minimal, checks: [{ ...minimal.checks[0], metric: "nope" }] }, /checks\.0\.metric: unknown metric/],
    [{ ...minimal, checks: [{ ...minimal.checks[0], min: 0.9 }] }, /checks\.0\.max: max must be >= min/],
    [{ ...minimal, checks: [{ ...minimal.checks[0], source: "" }] }, /checks\.0\.source:/],
    [
      { ...minimal, checks: [{ ...minimal.checks[0], severity: "fatal" }] },
      /checks\.0\.severity: not an allowed value; allowed: "error", "warning"/,
    ],
    [
      { ...minimal, checks: [minimal.checks[0], minimal.checks[0]] },
      /checks\.1\.metric: 'bounce_rate' is already checked at checks\.0/,
    ],
    [
      { ...minimal, checks: [{ ...minimal.checks[0], intended: { min: 0.2, max: 0.3 } }] },
      /checks\.0\.intended\.reason:/,
    ],
    [
      { ...minimal, distributions: { event_mix: { expected: { method: "range_midpoints", source: "x" } } } },
      /distributions\.event_mix\.expected\.method: range_midpoints needs an event_share range for every event type/,
    ],
    [{ ...minimal, distributions: { device_mix: { alpha: 2 } } }, /distributions\.device_mix\.alpha:/],
    [
      { ...minimal, realism: [{ metric: "pages_p95_over_median", source: "x" }] },
      /realism\.0\.min: needs min, max or both/,
    ],
    [
      { ...minimal, realism: [{ metric: "single_page_share", min: 0.2, max: 0.1, source: "x" }] },
      /realism\.0\.max: max must be >= min/,
    ],
    [
      {
        ...minimal,
        realism: [
          { metric: "single_page_share", min: 0.01, source: "x" },
          { metric: "single_page_share", max: 0.1, source: "y" },
        ],
      },
      /realism\.1\.metric: 'single_page_share' is already checked at realism\.0/,
    ],
    [{ ...minimal, checks: [{ metric: "bounce_rate", min: 0.1, source: "x" }] }, /checks\.0\.max:/],
  ])("%#", (body, message) => {
    const path = writeProfile(`bad-${Math.random().toString(36).slice(2)}`, body);
    let err: unknown;
    try {
      loadProfile(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(path);
  });

  it("invalid JSON and unknown names", () => {
    const path = join(root, "broken.json");
    writeFileSync(path, "{");
    expect(() => loadProfile(path)).toThrow(/not valid JSON/);
    expect(() => loadProfile("nope")).toThrow(ValidationRunError);
    expect(() => loadProfile("nope")).toThrow(
      /unknown profile 'nope'; known profiles: industry-2024, phase1/,
    );
    expect(() => loadProfile(join(root, "missing.json"))).toThrow(
      /profile file .*missing\.json does not exist/,
    );
  });
});
