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
    writeFileSync(cfg, JSON.stringify({ session: { thinktime: 3 } }));
    const r = runCli(["simulate", "--config", cfg, "--out", join(dir, "x.ndjson")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("session.thinktime");
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
    writeFileSync(cfg2, JSON.stringify({ session: { think_time_s: { min: 30, max: 90 } } }));
    const r2 = runCli(["simulate", "--config", cfg2, "--out", join(dir, "x.ndjson")]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/session\.think_time_s\.max: must be below session_timeout_s \(60\)/);
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
