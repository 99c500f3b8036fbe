// The simulate command end to end: outputs, bad configs and bad flags.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { quoteString } from "../../pipeline/files/index.ts";
import { runCli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "cs-sim-cli-"));
afterAll(() => {});

describe("cartstream simulate", () => {
  it("writes NDJSON and a summary; the same seed gives byte-identical files", () => {
    const a = runCli(["simulate", "--seed", "9", "--duration", "120", "--out", join(dir, "a.ndjson")]);
    const b = runCli(["simulate", "--seed", "9", "--duration", "120", "--out", join(dir, "b.ndjson")]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout).toMatch(/simulated [\d,]+ events in [\d,]+ sessions/);
    expect(a.stdout).toMatch(/users per persona: window_shopper 240, intent_buyer 100, cart_abandoner 60/);
    expect(a.stdout).toMatch(/realized rate/);
    expect(a.stdout).toMatch(
      /realized rate in the first tenth [\d.]+ events\/s, in the last tenth [\d.]+ events\/s; warm start: [\d,]+ sessions open at the start/,
    );
    const fa = readFileSync(join(dir, "a.ndjson"), "utf8");
    expect(fa.length).toBeGreaterThan(1000);
    expect(fa).toBe(readFileSync(join(dir, "b.ndjson"), "utf8"));
  });

  it("writes NDJSON to stdout with '-' and the summary to stderr", () => {
    const r = runCli(["simulate", "--seed", "3", "--duration", "30", "--out", "-"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(JSON.parse(lines[0]!).event_type).toBe("session_start");
    expect(r.stderr).toMatch(/simulated [\d,]+ events/);
  });

  it("writes typed ZSTD Parquet when the file ends in .parquet", async () => {
    const out = join(dir, "events.parquet");
    const r = runCli(["simulate", "--seed", "9", "--duration", "120", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const ndjson = readFileSync(join(dir, "a.ndjson"), "utf8").trim().split("\n");
    const inst = await DuckDBInstance.create(":memory:");
    const con = await inst.connect();
    const rows = (
      await con.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, typeof(any_value(event_time)) AS t, typeof(any_value(price)) AS p FROM read_parquet(${quoteString(out)})`,
      )
    ).getRowObjectsJS();
    const meta = (
      await con.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${quoteString(out)})`)
    ).getRowObjectsJS();
    con.closeSync();
    inst.closeSync();
    expect(rows[0]).toEqual({ n: ndjson.length, t: "TIMESTAMP", p: "DECIMAL(10,2)" });
    expect(meta.map((m) => m.compression)).toEqual(["ZSTD"]);
  });

  it("rejects an unknown config key, naming it", () => {
    const cfg = join(dir, "bad-key.json");
    writeFileSync(cfg, JSON.stringify({ walk: { thinktime: 3 } }));
    const r = runCli(["simulate", "--config", cfg, "--out", join(dir, "x.ndjson")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("walk.thinktime");
    expect(r.stderr).toMatch(/unknown key/);
  });

  it("rejects a bad config value, naming the key and what is allowed", () => {
    const cfg = join(dir, "bad-value.json");
    writeFileSync(cfg, JSON.stringify({ end: "sometimes", users: 0 }));
    const r = runCli(["simulate", "--config", cfg, "--out", join(dir, "x.ndjson")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/end: not an allowed value; allowed: "drain", "cut"/);
    expect(r.stderr).toMatch(/users: Too small: expected number to be >=1/);
    const cfg2 = join(dir, "bad-think.json");
    writeFileSync(cfg2, JSON.stringify({ dwell: { max_s: 90 } }));
    const r2 = runCli(["simulate", "--config", cfg2, "--out", join(dir, "x.ndjson")]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/dwell\.max_s: must be below session_timeout_s \(60\)/);
    const cfg3 = join(dir, "bad-persona.json");
    writeFileSync(cfg3, JSON.stringify({ personas: { intent_buyer: { propensity: { mean: 1.5 } } } }));
    const r3 = runCli(["simulate", "--config", cfg3, "--out", join(dir, "x.ndjson")]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/personas\.intent_buyer\.propensity\.mean: Too big: expected number to be <1/);
  });

  it("starts cold with --warm-start off: no session open at the start, the first tenth far below the target", () => {
    const r = runCli([
      "simulate",
      "--seed",
      "9",
      "--duration",
      "120",
      "--warm-start",
      "off",
      "--out",
      join(dir, "cold.ndjson"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cold start \(no session open at the start\)/);
    const first = Number(/first tenth ([\d.]+) events\/s/.exec(r.stdout)![1]);
    expect(first).toBeLessThan(20);
  });

  it("rejects a missing or malformed config file", () => {
    const missing = runCli(["simulate", "--config", join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json.*file not found/s);
    const cfg = join(dir, "broken.json");
    writeFileSync(cfg, "{ not json");
    const broken = runCli(["simulate", "--config", cfg]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not valid JSON/);
  });

  it.each([
    [["--clock", "sundial"], /--clock: 'sundial' is not allowed; allowed: virtual, real/],
    [["--seed=-1"], /--seed: expected an integer from 0 to 4294967295/],
    [["--rate", "fast"], /--rate: expected a number above 0/],
    [["--warm-start", "maybe"], /--warm-start: 'maybe' is not allowed; allowed: on, off/],
    [["--frobnicate"], /Unknown option '--frobnicate'.*allowed options for 'simulate'/s],
  ])("rejects bad flags %j", (flags, message) => {
    const r = runCli(["simulate", ...flags, "--out", join(dir, "x.ndjson")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("explains itself with --help", () => {
    const r = runCli(["simulate", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--clock virtual\|real/);
    expect(r.stdout).toMatch(/--out FILE\|-/);
  });
});
