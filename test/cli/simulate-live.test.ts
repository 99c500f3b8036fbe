// Live output of `cartstream simulate`: the real clock writes each event as its time comes (to a pipe or a
// file), a reader that goes away (| head) ends the run quietly with exit 0, and SIGINT / SIGTERM stop any
// run cleanly with every released event in the output and the summary printed. Child processes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { quoteString } from "../../pipeline/files/index.ts";
import { spawnCli, waitUntil } from "../helpers/child.ts";
import { REPO_ROOT, runCli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "cs-sim-live-"));
const START = "2025-10-20T12:00:00.000Z";
/** Same seed, window and start time: the real clock must release exactly these events, in this order. */
const RUN = ["--seed", "5", "--duration", "300", "--start-time", START];
let virtualRun = "";

beforeAll(() => {
  const out = join(dir, "virtual.ndjson");
  const r = runCli(["simulate", ...RUN, "--out", out, "--quiet"]);
  expect(r.code, r.stderr).toBe(0);
  virtualRun = readFileSync(out, "utf8");
}, 120_000);

const lineCount = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").length - 1 : 0;

function writtenCount(summary: string, signal: string): number {
  const m = new RegExp(`stopped by ${signal} after ([\\d,]+) events written`).exec(summary);
  expect(m, summary).not.toBeNull();
  return Number(m![1]!.replaceAll(",", ""));
}

describe("simulate --clock real: live output", () => {
  it("to a pipe: the first 5 lines arrive within 3 s of the first event's time, each as its time comes; closing the pipe ends the run with exit 0 and no error", async () => {
    const sim = spawnCli(["simulate", "--clock", "real", "--out", "-"]);
    await sim.waitForLines(5, 120_000);
    const first = Date.parse(JSON.parse(sim.lines[0]!.text).event_time);
    expect(sim.lines[4]!.at - first).toBeLessThan(3000);
    for (const { text, at } of sim.lines.slice(0, 5)) {
      const due = Date.parse(JSON.parse(text).event_time);
      expect(at).toBeGreaterThanOrEqual(due - 5); // paced: never early
      expect(at - due).toBeLessThan(1000); // and not held in a buffer
    }
    sim.child.stdout!.destroy(); // the reader goes away, like head after its 5 lines
    const exit = await sim.exit;
    expect(exit, sim.stderr()).toEqual({ code: 0, signal: null });
    expect(sim.stderr()).not.toMatch(/EPIPE|rror|simulated/);
  }, 180_000);

  it("| head -n 5 in a shell: 5 lines within 3 s of the first event's time, and both ends of the pipeline exit 0", () => {
    const script = `node bin/cartstream.js simulate --clock real --out - 2>"${dir}/head.err" | head -n 5 | while IFS= read -r l; do echo "$(date +%s%3N) $l"; done; echo "status \${PIPESTATUS[*]}"`;
    const out = execFileSync("bash", ["-c", script], { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
    const lines = out.trim().split("\n");
    expect(lines.at(-1)).toBe("status 0 0 0");
    const rows = lines.slice(0, -1).map((l) => {
      const space = l.indexOf(" ");
      return { at: Number(l.slice(0, space)), event: JSON.parse(l.slice(space + 1)) };
    });
    expect(rows).toHaveLength(5);
    const first = Date.parse(rows[0]!.event.event_time);
    for (const r of rows) expect(r.at - first).toBeLessThan(3000);
    expect(readFileSync(join(dir, "head.err"), "utf8")).not.toMatch(/EPIPE|rror/);
  }, 180_000);

  it("SIGTERM to a file run: exit 0, the summary says how many events were written, and the file is exactly that prefix of the run", async () => {
    const out = join(dir, "term.ndjson");
    const sim = spawnCli(["simulate", ...RUN, "--clock", "real", "--speed", "20", "--out", out]);
    // Written as they are released: lines are in the file while the run goes on.
    await waitUntil(() => lineCount(out) >= 30, 120_000, "30 lines in the file");
    const seen = lineCount(out);
    expect(sim.child.exitCode).toBeNull();
    sim.child.kill("SIGTERM");
    const exit = await sim.exit;
    expect(exit, sim.stderr()).toEqual({ code: 0, signal: null });
    const n = writtenCount(sim.stdout(), "SIGTERM");
    expect(sim.stdout()).toMatch(/simulated [\d,]+ events in [\d,]+ sessions/);
    const text = readFileSync(out, "utf8");
    expect(lineCount(out)).toBe(n);
    expect(n).toBeGreaterThanOrEqual(seen);
    expect(n).toBeLessThan(virtualRun.split("\n").length - 1);
    expect(virtualRun.startsWith(text)).toBe(true);
    expect(text.endsWith("\n")).toBe(true);
  }, 180_000);

  it("SIGINT: the same clean stop, named SIGINT", async () => {
    const out = join(dir, "int.ndjson");
    const sim = spawnCli(["simulate", ...RUN, "--clock", "real", "--speed", "20", "--out", out]);
    await waitUntil(() => lineCount(out) >= 10, 120_000, "10 lines in the file");
    sim.child.kill("SIGINT");
    expect(await sim.exit, sim.stderr()).toEqual({ code: 0, signal: null });
    expect(lineCount(out)).toBe(writtenCount(sim.stdout(), "SIGINT"));
    expect(virtualRun.startsWith(readFileSync(out, "utf8"))).toBe(true);
  }, 180_000);

  it("kill -9 leaves every event released so far in the file, whole lines only", async () => {
    const out = join(dir, "kill.ndjson");
    const sim = spawnCli(["simulate", ...RUN, "--clock", "real", "--speed", "20", "--out", out]);
    await waitUntil(() => lineCount(out) >= 30, 120_000, "30 lines in the file");
    const seen = lineCount(out);
    sim.child.kill("SIGKILL");
    expect((await sim.exit).signal).toBe("SIGKILL");
    const text = readFileSync(out, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(lineCount(out)).toBeGreaterThanOrEqual(seen);
    expect(virtualRun.startsWith(text)).toBe(true);
  }, 180_000);

  it("SIGTERM to a .parquet run still writes the Parquet file with every released event", async () => {
    const out = join(dir, "term.parquet");
    const sim = spawnCli(["simulate", ...RUN, "--clock", "real", "--speed", "20", "--out", out]);
    // The NDJSON that becomes the Parquet file grows in the run's temporary folder.
    const staging = () => {
      const d = readdirSync(tmpdir()).find((f) => f.startsWith(`cartstream-sim-${sim.child.pid}-`));
      return d ? lineCount(join(tmpdir(), d, "events.ndjson")) : 0;
    };
    await waitUntil(() => staging() >= 10, 120_000, "10 lines in the staging NDJSON");
    sim.child.kill("SIGTERM");
    expect(await sim.exit, sim.stderr()).toEqual({ code: 0, signal: null });
    const n = writtenCount(sim.stdout(), "SIGTERM");
    expect(n).toBeGreaterThan(0);
    const inst = await DuckDBInstance.create(":memory:");
    const con = await inst.connect();
    const rows = (
      await con.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet(${quoteString(out)})`)
    ).getRowObjectsJS();
    con.closeSync();
    inst.closeSync();
    expect(rows[0]!.n).toBe(n);
  }, 180_000);
});

describe("simulate --clock virtual: a stop request", () => {
  it("SIGINT mid-run: exit 0 within seconds, every line written so far is whole, the summary counts them", async () => {
    const out = join(dir, "virtual-int.ndjson");
    // A year at 2,000 events/s: far longer than the test; only the stop ends it.
    const sim = spawnCli([
      "simulate",
      "--seed",
      "8",
      "--rate",
      "2000",
      "--duration",
      "31536000",
      "--out",
      out,
    ]);
    await waitUntil(() => lineCount(out) >= 5000, 120_000, "5,000 lines in the file");
    sim.child.kill("SIGINT");
    const stoppedAt = Date.now();
    expect(await sim.exit, sim.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    const n = writtenCount(sim.stdout(), "SIGINT");
    const text = readFileSync(out, "utf8");
    expect(lineCount(out)).toBe(n);
    expect(text.endsWith("\n")).toBe(true);
    for (const line of text.slice(-20_000).split("\n").slice(1, -1))
      expect(JSON.parse(line).event_id).toBeTruthy();
  }, 180_000);
});
