// The default phase-1 dataset (real simulator, seed 42, ground-truth sessions) against both profiles.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GroundTruthComparer, type ValidationResult, validateDataset } from "../../validation/index.ts";
import { phase1Config, removeRoot, tempRoot, writeDataset, writePhase1Dataset } from "./helpers.ts";

// Validation of a full dataset costs several CPU seconds (ground truth, sequencing SQL); CI machines are shared.
const HEAVY_MS = 300_000;

let root: string;
let good: string;
let phase1: ValidationResult;
let industry: ValidationResult;

beforeAll(async () => {
  root = tempRoot("phase1");
  good = await writePhase1Dataset(root);
  phase1 = await validateDataset(good);
  industry = await validateDataset(good, {
    profile: "industry-2024",
    outDir: join(root, "industry-reports"),
  });
}, HEAVY_MS);

afterAll(() => removeRoot(root));

const byId = (r: ValidationResult, id: string) => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${r.checks.map((x) => x.id).join(", ")}`);
  return c;
};

describe("default phase-1 dataset, profile phase1", { timeout: HEAVY_MS }, () => {
  it("passes honestly: exit 0 or 1, no failures, every quality check passes", () => {
    expect(phase1.error).toBeNull();
    expect([0, 1]).toContain(phase1.exitCode);
    expect(phase1.summary.error).toBe(0);
    const quality = phase1.checks.filter((c) => c.kind === "quality");
    expect(quality.length).toBeGreaterThanOrEqual(30);
    for (const c of quality) expect.soft(c.status, `${c.id}: ${c.message}`).toBe("pass");
  });

  it("shows conversion as an intended deviation with its reason, never as a plain pass", () => {
    const c = byId(phase1, "benchmark.session_conversion_rate");
    expect(c.status).toBe("intended");
    expect(c.outcome).toBe("intended");
    expect(c.value!).toBeGreaterThan(0.12);
    expect(c.value!).toBeLessThan(0.2);
    expect(c.range).toEqual({ min: 0.02, max: 0.05 });
    expect(c.intended?.reason).toMatch(/class balance/);
    expect(c.message).toMatch(/intended deviation/);
    expect(c.message).toMatch(/class balance/);
    expect(phase1.summary.intended).toBe(1);
  });

  it("checks every phase-1 range with its source and a Wilson CI for proportions", () => {
    const bench = phase1.checks.filter((c) => c.kind === "benchmark");
    expect(bench.map((c) => c.metric)).toEqual(
      expect.arrayContaining([
        "event_share.page_view",
        "event_share.session_end",
        "cart_abandonment_rate",
        "checkout_completion_rate",
        "avg_session_duration_min",
        "mobile_share",
        "session_conversion_rate",
      ]),
    );
    expect(bench).toHaveLength(17);
    for (const c of bench) {
      expect(c.source).toBeTruthy();
      if (c.unit === "share") {
        expect(c.ci, c.id).not.toBeNull();
        expect(c.ci!.low).toBeLessThanOrEqual(c.value!);
        expect(c.ci!.high).toBeGreaterThanOrEqual(c.value!);
        expect(c.ci!.designEffect).toBeGreaterThanOrEqual(1);
      }
    }
    expect(byId(phase1, "benchmark.avg_session_duration_min").ci).toBeNull();
  });

  it("computes consistent metrics", () => {
    const m = Object.fromEntries(Object.entries(phase1.metrics).map(([k, v]) => [k, v.value!]));
    expect(m.sessions_purchased! + m.sessions_abandoned! + m.sessions_browsing_only!).toBe(m.sessions_total);
    expect(m.cart_abandonment_rate).toBeCloseTo(
      m.sessions_abandoned! / (m.sessions_purchased! + m.sessions_abandoned!),
      12,
    );
    expect(m.session_conversion_rate).toBeCloseTo(m.sessions_purchased! / m.sessions_total!, 12);
    const shares = Object.keys(m).filter((k) => k.startsWith("event_share."));
    expect(shares).toHaveLength(9);
    expect(shares.reduce((s, k) => s + m[k]!, 0)).toBeCloseTo(1, 12);
    expect(m.mobile_share).toBe(m["device_share.mobile"]);
    expect(m.checkout_completion_rate).toBe(m["funnel.checkout_to_purchase"]);
    expect(m.events_total).toBeGreaterThan(55_000);
    // 400 configured users; with v2's heavy-tailed return gaps a user may make no visit in the 1,500 s window.
    expect(m.users_total).toBeLessThanOrEqual(400);
    expect(m.users_total).toBeGreaterThanOrEqual(390);
    expect(m.median_session_duration_s).toBeGreaterThan(210);
    for (const p of ["window_shopper", "intent_buyer", "cart_abandoner"]) {
      expect(m[`persona_share.${p}`]).toBeGreaterThan(0);
      expect(m[`conversion_by_persona.${p}`]).toBeGreaterThanOrEqual(0);
    }
  });

  it("tests the event mix against the reference run and devices against the config, with p-values", () => {
    const mix = byId(phase1, "distribution.event_mix");
    expect(mix.status).toBe("pass");
    expect(mix.severity).toBe("warning");
    expect(mix.pValue!).toBeGreaterThan(0.01);
    expect(mix.chiSquare!.df).toBe(8);
    expect(mix.chiSquare!.meanDesignEffect).toBeGreaterThan(1);
    expect(mix.chiSquare!.expectedFrom).toMatch(/reference run/);
    expect(mix.message).not.toMatch(/differs from the reference run's/);
    const dev = byId(phase1, "distribution.device_mix");
    expect(dev.status).toBe("pass");
    expect(dev.severity).toBe("warning");
    expect(dev.pValue!).toBeGreaterThan(0.01);
    expect(dev.chiSquare!.df).toBe(2);
    expect(dev.chiSquare!.expected.mobile).toBeCloseTo(0.575, 6);
  });

  it("checks sessions against the ground truth module", () => {
    const gt = byId(phase1, "quality.ground_truth.sessions_equal");
    expect(gt.status).toBe("pass");
    expect(gt.source).toMatch(/pipeline\/ground-truth/);
    expect(gt.message).toMatch(/equal row for row/);
  });

  it("writes report.json, report.md and report.html into <dataset>/validation", () => {
    expect(phase1.reports).toEqual({
      json: join(good, "validation", "report.json"),
      markdown: join(good, "validation", "report.md"),
      html: join(good, "validation", "report.html"),
    });
    const json = JSON.parse(readFileSync(phase1.reports!.json, "utf8")) as ValidationResult;
    expect(json.exitCode).toBe(phase1.exitCode);
    expect(json.checks).toHaveLength(phase1.checks.length);
    for (const c of json.checks) {
      for (const key of ["id", "kind", "severity", "status", "value", "range", "ci", "pValue", "message"]) {
        expect(c).toHaveProperty(key);
      }
    }
    const md = readFileSync(phase1.reports!.markdown, "utf8");
    expect(md).toMatch(/^## Dataset validation: `good` against profile `phase1`/);
    expect(md).toContain("| ℹ️ | `benchmark.session_conversion_rate` |");
    expect(md).toContain("| ✅ | `quality.unique.session_id` |");
    expect(md).toMatch(/### Known contradictions in the phase-1 report/);
    expect(md).toMatch(
      /marks mobile 50% .* as matching the 55-60% benchmark: it did not.*This dataset: mobile \d+\.\d%/,
    );
    expect(md).toMatch(/7,318 session_start events but 3,659 sessions/);
    expect(md).toMatch(/reported as an intended deviation under profile phase1/);
    const html = readFileSync(phase1.reports!.html, "utf8");
    expect(html).not.toMatch(/<script|<link|@import|url\(|https?:\/\/(?!www\.w3\.org)/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5);
  });

  it("states the known contradictions with this dataset's numbers", () => {
    const ids = phase1.contradictions.map((c) => c.id);
    expect(ids).toEqual([
      "mobile_share_claim",
      "session_start_vs_sessions",
      "page_views_vs_event_mix",
      "conversion_intended",
      "concurrency",
    ]);
    const mobile = phase1.contradictions[0]!;
    expect(mobile.claim).toMatch(/it did not/);
    expect(mobile.appliesHere).toBe(false); // this dataset's mobile share is inside 55-60%
    const starts = phase1.contradictions[1]!;
    expect(starts.appliesHere).toBe(false);
    expect(starts.finding).toMatch(/One session_start per session row: consistent/);
    const conc = phase1.contradictions[4]!;
    expect(conc.appliesHere).toBe(true);
    expect(phase1.facts!.maxOpenSessionsPerUser).toBeGreaterThan(1);
    expect(phase1.facts!.peakOpenSessions).toBeGreaterThan(400);
  });
});

describe("realism of the default phase-1 dataset", { timeout: HEAVY_MS }, () => {
  const REALISM = [
    "pages_p95_over_median",
    "converted_pages_ratio",
    "converted_duration_ratio",
    "single_page_share",
    "dwell_mean_over_median",
  ];

  it("reports every realism target as a warning-severity realism check with its source", () => {
    const realism = phase1.checks.filter((c) => c.kind === "realism");
    expect(realism.map((c) => c.metric)).toEqual(REALISM);
    for (const c of realism) {
      expect(c.severity).toBe("warning");
      expect(c.source).toBeTruthy();
      expect(c.value, c.id).not.toBeNull();
      expect(c.status === "pass" ? "ok" : "warning").toBe(c.outcome);
    }
    const tail = byId(phase1, "realism.pages_p95_over_median");
    expect(tail.range).toEqual({ min: 4, max: null });
    expect(tail.message).toMatch(/at least 4\.00x/);
    const m = phase1.metrics;
    expect(m.pages_p95_over_median!.value).toBeCloseTo(m.pages_p95!.value! / m.pages_median!.value!, 12);
    expect(m.dwell_mean_over_median!.value).toBeCloseTo(
      m.dwell_mean_s!.value! / m.dwell_median_s!.value!,
      12,
    );
    expect(m.single_page_share!.ci).not.toBeNull();
  });

  it("converts each persona within 5 points of 8 / 45 / 3%", () => {
    for (const p of ["window_shopper", "intent_buyer", "cart_abandoner"]) {
      const c = byId(phase1, `benchmark.conversion_by_persona.${p}`);
      expect.soft(c.status, c.message).toBe("pass");
    }
  });

  it("meets the realism targets: pages p95 >= 4x median, converted 1.5-2.5x the pages and duration, 3-10% single-page sessions, dwell mean > median", () => {
    const v = (name: string) => phase1.metrics[name]!.value!;
    expect.soft(v("pages_p95_over_median"), "pages p95 / median").toBeGreaterThanOrEqual(4);
    for (const name of ["converted_pages_ratio", "converted_duration_ratio"]) {
      expect.soft(v(name), name).toBeGreaterThanOrEqual(1.5);
      expect.soft(v(name), name).toBeLessThanOrEqual(2.5);
    }
    expect.soft(v("single_page_share"), "single-page share").toBeGreaterThanOrEqual(0.03);
    expect.soft(v("single_page_share"), "single-page share").toBeLessThanOrEqual(0.1);
    expect.soft(v("dwell_mean_over_median"), "dwell mean / median").toBeGreaterThan(1);
    for (const c of phase1.checks.filter((x) => x.kind === "realism")) {
      expect.soft(c.status, c.message).toBe("pass");
    }
  });
});

describe("default phase-1 dataset, profile industry-2024", { timeout: HEAVY_MS }, () => {
  it("fails (exit 2) and lists what differs from the newer figures", () => {
    expect(industry.exitCode).toBe(2);
    expect(industry.verdict).toBe("FAIL");
    const failed = industry.checks.filter((c) => c.outcome === "error").map((c) => c.id);
    expect(failed).toEqual(
      expect.arrayContaining([
        "benchmark.session_conversion_rate",
        "benchmark.median_session_duration_s",
        "benchmark.cart_abandonment_rate",
        "benchmark.bounce_rate",
        "benchmark.session_add_to_cart_rate",
      ]),
    );
    // Only benchmark ranges fail: the data itself is sound.
    expect(industry.checks.filter((c) => c.outcome === "error" && c.kind !== "benchmark")).toEqual([]);
    const conv = byId(industry, "benchmark.session_conversion_rate");
    expect(conv.status).toBe("fail");
    expect(conv.message).toMatch(/above the industry-2024 range 2\.0-5\.0%/);
    expect(byId(industry, "benchmark.median_session_duration_s").message).toMatch(
      /above the industry-2024 range 75-210 s/,
    );
    expect(industry.checks.some((c) => c.id === "distribution.event_mix")).toBe(false);
    expect(industry.contradictions.find((c) => c.id === "conversion_intended")!.finding).toMatch(
      /reported as a failure \(this profile documents no intended deviation\)/,
    );
    expect(industry.reports!.markdown).toBe(join(root, "industry-reports", "report.md"));
    expect(readFileSync(industry.reports!.markdown, "utf8")).toMatch(
      /Profile note: Published session figures use/,
    );
  });
});

describe("warnings, --strict and the ground-truth interface", { timeout: HEAVY_MS }, () => {
  it("without manifest.json the device test is skipped as a warning: exit 1, and 2 under strict", async () => {
    const dir = join(root, "no-manifest");
    await writeDataset(dir, join(root, "base-events.parquet"), phase1Config(), { manifest: false });
    const fake: GroundTruthComparer = {
      description: "test comparer: all equal",
      compare: async () => ({
        expectedCount: 1,
        actualCount: 1,
        missing: [],
        extra: [],
        different: [],
        differingColumns: [],
        unmatchedActualRows: 0,
      }),
    };
    const r = await validateDataset(dir, { reports: false, groundTruth: fake });
    expect(r.exitCode).toBe(1);
    expect(r.verdict).toBe("PASS with warnings");
    expect(r.reports).toBeNull();
    expect(existsSync(join(dir, "validation"))).toBe(false);
    const dev = byId(r, "distribution.device_mix");
    expect(dev.status).toBe("skipped");
    expect(dev.outcome).toBe("warning");
    expect(dev.message).toMatch(/no manifest\.json/);
    expect(byId(r, "distribution.event_mix").message).toMatch(/no manifest config/);
    expect(byId(r, "quality.ground_truth.sessions_equal").source).toBe("test comparer: all equal");
    const strict = await validateDataset(dir, { reports: false, strict: true, groundTruth: fake });
    expect(strict.exitCode).toBe(2);
    expect(strict.verdict).toBe("FAIL");
    expect(strict.summary.error).toBe(0);
  });

  it("a plugged-in comparer that reports missing sessions fails the check; none configured is a warning", async () => {
    const missing: GroundTruthComparer = {
      description: "test comparer: two missing",
      compare: async () => ({
        expectedCount: 3,
        actualCount: 1,
        missing: ["s1", "s2"],
        extra: [],
        different: [],
        differingColumns: [],
        unmatchedActualRows: 0,
      }),
    };
    const r = await validateDataset(good, { reports: false, groundTruth: missing });
    const gt = byId(r, "quality.ground_truth.sessions_equal");
    expect(gt.status).toBe("fail");
    expect(gt.message).toMatch(
      /2 ground-truth session\(s\) missing from sessions\.parquet \(e\.g\. s1, s2\)/,
    );
    expect(r.exitCode).toBe(2);
    const none = await validateDataset(good, { reports: false, groundTruth: null });
    expect(byId(none, "quality.ground_truth.sessions_equal").status).toBe("skipped");
    expect(none.exitCode).toBe(1);
  });
});
