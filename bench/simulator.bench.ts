// Simulator throughput in the virtual clock: in memory, serialized to NDJSON, and written to a file.
// Usage: npx tsx bench/simulator.bench.ts [--events N] [--reps R]
import { rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { NdjsonWriter } from "../pipeline/files/index.ts";
import { eventToNdjson, resolveSimulatorConfig, Simulation } from "../pipeline/simulator/index.ts";
import { machineLine, median, printTable } from "./table.ts";

const { values } = parseArgs({
  options: { events: { type: "string", default: "1000000" }, reps: { type: "string", default: "3" } },
});
const target = Number(values.events);
const reps = Number(values.reps);
const config = resolveSimulatorConfig(
  {},
  { rate: 1000, duration_s: target / 1000, users: Math.max(400, target / 50) },
);

async function measure(
  mode: "memory" | "ndjson-string" | "ndjson-file",
): Promise<{ eps: number; events: number }> {
  const out = join(tmpdir(), `cartstream-bench-${process.pid}.ndjson`);
  const t0 = performance.now();
  const sim = new Simulation(config);
  let n = 0;
  let chars = 0;
  if (mode === "ndjson-file") {
    const w = new NdjsonWriter(out);
    for (let batch = sim.nextBatch(4096); batch.length > 0; batch = sim.nextBatch(4096)) {
      const lines = new Array<string>(batch.length);
      for (let i = 0; i < batch.length; i++) lines[i] = eventToNdjson(batch[i]!);
      await w.writeLines(lines);
      n += batch.length;
    }
    await w.close();
    chars = statSync(out).size;
    rmSync(out);
  } else {
    for (let batch = sim.nextBatch(4096); batch.length > 0; batch = sim.nextBatch(4096)) {
      n += batch.length;
      if (mode === "ndjson-string") for (const e of batch) chars += eventToNdjson(e).length;
    }
  }
  const s = (performance.now() - t0) / 1000;
  if (chars < 0) console.log(chars);
  return { eps: n / s, events: n };
}

console.log(
  `simulator benchmark (virtual clock, phase-1 behaviour, ~${target.toLocaleString("en-US")} events, median of ${reps}); ${machineLine()}`,
);
const rows: (string | number)[][] = [];
for (const mode of ["memory", "ndjson-string", "ndjson-file"] as const) {
  const runs: number[] = [];
  let events = 0;
  for (let r = 0; r < reps; r++) {
    const m = await measure(mode);
    runs.push(m.eps);
    events = m.events;
  }
  rows.push([mode, events, median(runs), Math.min(...runs), Math.max(...runs)]);
}
printTable("events/s, one core", ["mode", "events", "median events/s", "min", "max"], rows);
