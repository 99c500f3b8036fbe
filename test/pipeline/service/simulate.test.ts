// simulateToFile in process: the same seed gives the same bytes; the summary in words.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeSimulation, simulateToFile } from "../../../pipeline/service/index.ts";
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
});
