// simulateToFile in process: the same seed gives the same bytes; the summary in words.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeSimulation, describeStop, simulateToFile } from "../../../pipeline/service/index.ts";
import { resolveSimulatorConfig } from "../../../pipeline/simulator/index.ts";

const dir = mkdtempSync(join(tmpdir(), "cs-service-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("simulateToFile", () => {
  it("writes byte-identical NDJSON for one seed, reports every event and the progress", async () => {
    const config = resolveSimulatorConfig({}, { seed: 4, duration_s: 60, users: 50 });
    const seen: number[] = [];
    const a = await simulateToFile(
      { config, clock: "virtual", speed: 1, out: join(dir, "a.ndjson") },
      { onProgress: (done) => seen.push(done) },
    );
    const b = await simulateToFile({ config, clock: "virtual", speed: 1, out: join(dir, "b.ndjson") });
    const lines = readFileSync(join(dir, "a.ndjson"), "utf8").trim().split("\n");
    expect(lines.length).toBe(a.events);
    expect(a.summary.events).toBe(a.events);
    expect(seen.at(-1)).toBe(a.events);
    expect(readFileSync(join(dir, "b.ndjson"), "utf8")).toBe(readFileSync(join(dir, "a.ndjson"), "utf8"));
    expect(b.summary).toEqual(a.summary);
    const text = describeSimulation(a.summary, "cfg.json", "a.ndjson", a.elapsedS);
    expect(text).toMatch(
      /^simulated [\d,]+ events in [\d,]+ sessions \(seed 4, config cfg\.json\) -> a\.ndjson/,
    );
    expect(text).toMatch(/most sessions one user had open at once: \d+/);
  });

  it("a stop request ends a real-clock run at once: what was released is written, and the result says why", async () => {
    const config = resolveSimulatorConfig({}, { seed: 4, duration_s: 3600, users: 50, rate: 400 });
    const out = join(dir, "stopped.ndjson");
    const stop = new AbortController();
    const t0 = Date.now();
    setTimeout(() => stop.abort("SIGTERM"), 1500);
    const r = await simulateToFile(
      { config, clock: "real", speed: 1, out, startTimeMs: t0 },
      { signal: stop.signal },
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.stopped).toBe("SIGTERM");
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines.length).toBe(r.events);
    expect(r.events).toBeGreaterThan(10);
    // At most the one event the clock was waiting for was simulated and not written.
    expect(r.summary.events - r.events).toBeLessThanOrEqual(1);
    for (const line of lines) expect(Date.parse(JSON.parse(line).event_time)).toBeLessThanOrEqual(Date.now());
    expect(describeStop(r, "x.ndjson")).toMatch(
      new RegExp(`^stopped by SIGTERM after ${r.events} events written to x.ndjson`),
    );
  }, 30_000);
});
