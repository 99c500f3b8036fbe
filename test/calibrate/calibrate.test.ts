// cartstream calibrate end to end (the real CLI): a profile whose ranges contradict each other, one whose
// targets only conflict through how shopping works, and a deliberately bad base config brought to the
// phase1 profile within a bounded number of rounds. Search simulations are short (the test's budget).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "cartstream-calibrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIXTURES = "test/fixtures";
/** Rounds the bad base must need at most to reach phase1. */
const MAX_ROUNDS = 12;

interface Achieved {
  range: [number | null, number | null];
  search: number | null;
  check: (number | null)[];
  holds: boolean;
}

function calibration(path: string) {
  return JSON.parse(readFileSync(path, "utf8")).calibration as {
    profile: string;
    status: string;
    rounds: number;
    check_seeds: number[];
    achieved: Record<string, Achieved>;
    conflicts: { kind: string; metrics: string[]; message: string }[];
  };
}

describe("cartstream calibrate", () => {
  it("bad usage exits 2 and names the flag", () => {
    const noProfile = runCli(["calibrate", "--out", join(dir, "x.json")]);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toMatch(/--profile is required/);
    const badRounds = runCli([
      "calibrate",
      "--profile",
      "phase1",
      "--out",
      join(dir, "x.json"),
      "--rounds",
      "many",
    ]);
    expect(badRounds.code).toBe(2);
    expect(badRounds.stderr).toMatch(/--rounds/);
    writeFileSync(join(dir, "bad-base.json"), JSON.stringify({ walk: { explicit_end: 7 } }));
    const badBase = runCli([
      "calibrate",
      "--profile",
      "phase1",
      "--base",
      join(dir, "bad-base.json"),
      "--out",
      join(dir, "x.json"),
    ]);
    expect(badBase.code).toBe(2);
    expect(badBase.stderr).toMatch(/walk\.explicit_end/);
    const unknown = runCli(["calibrate", "--profile", "no-such-profile", "--out", join(dir, "x.json")]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown profile 'no-such-profile'/);
  });

  it("reports contradicting ranges as infeasible before simulating, naming the conflicting targets", () => {
    const out = join(dir, "static.json");
    const r = runCli(["calibrate", "--profile", `${FIXTURES}/profiles/static-conflict.json`, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/INFEASIBLE \(0 rounds, 0 evaluations/);
    expect(r.stdout).toMatch(
      /\[event_share\.session_start, event_share\.page_view, event_share\.product_view, event_share\.add_to_cart\] event shares cannot all reach their minimums: the minimums sum to 105\.0%/,
    );
    expect(r.stdout).toMatch(/\[checkout_completion_rate, funnel\.checkout_to_purchase\] .* do not overlap/);
    expect(r.stdout).not.toMatch(/mobile_share/);
    expect(existsSync(out)).toBe(false);
  });

  it("reports targets that conflict through the behaviour (conversion against the funnel) as infeasible", () => {
    const out = join(dir, "dynamic.json");
    const r = runCli(
      [
        "calibrate",
        "--profile",
        `${FIXTURES}/profiles/dynamic-conflict.json`,
        "--out",
        out,
        "--rounds",
        "10",
        "--eval-seeds",
        "1",
        "--eval-events",
        "6000",
        "--quiet",
      ],
      { timeoutMs: 900_000 },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/calibrate dynamic-conflict: INFEASIBLE/);
    const c = calibration(out);
    expect(c.status).toBe("infeasible");
    const named = new Set(c.conflicts.flatMap((x) => x.metrics));
    const crafted = ["session_conversion_rate", "funnel.view_to_cart", "avg_products_viewed"];
    expect(crafted.filter((m) => named.has(m)).length).toBeGreaterThanOrEqual(2);
    expect(c.conflicts.every((x) => x.kind === "dynamic")).toBe(true);
    expect(Object.values(c.achieved).some((a) => !a.holds)).toBe(true);
  }, 900_000);

  it(`brings a deliberately bad base config to the phase1 profile within ${MAX_ROUNDS} rounds`, () => {
    const out = join(dir, "phase1.json");
    const r = runCli(
      [
        "calibrate",
        "--profile",
        "phase1",
        "--base",
        `${FIXTURES}/configs/bad-phase1.json`,
        "--out",
        out,
        "--rounds",
        String(MAX_ROUNDS),
        "--eval-seeds",
        "2",
        "--eval-events",
        "8000",
      ],
      { timeoutMs: 1_500_000 },
    );
    expect(r.stderr).toMatch(/^round 1: \d+\/\d+ targets hold/m);
    expect(r.stdout).toMatch(/calibrate phase1: REACHED/);
    expect(r.code).toBe(0);
    const c = calibration(out);
    expect(c.status).toBe("reached");
    expect(c.rounds).toBeGreaterThan(0);
    expect(c.rounds).toBeLessThanOrEqual(MAX_ROUNDS);
    expect(c.check_seeds).toHaveLength(2);
    for (const [metric, a] of Object.entries(c.achieved)) {
      expect(a.check, metric).toHaveLength(2);
      for (const v of a.check) {
        expect(v, metric).not.toBeNull();
        if (a.range[0] !== null) expect(v!, metric).toBeGreaterThanOrEqual(a.range[0]);
        if (a.range[1] !== null) expect(v!, metric).toBeLessThanOrEqual(a.range[1]);
      }
    }
    // The written file is a config: the simulator ignores the calibration block.
    const sim = runCli([
      "simulate",
      "--config",
      out,
      "--duration",
      "20",
      "--out",
      join(dir, "e.ndjson"),
      "--quiet",
    ]);
    expect(sim.code).toBe(0);
  }, 1_500_000);
});
