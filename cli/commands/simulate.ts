// cartstream simulate: run the simulator and write events as NDJSON (default) or Parquet.
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { eventsNdjsonToParquet, NdjsonWriter } from "../../pipeline/files/index.ts";
import type { SimulationSummary } from "../../pipeline/simulator/index.ts";
import { eventToNdjson, paceRealTime, Simulation, virtualBatches } from "../../pipeline/simulator/index.ts";
import type { CommandSpec } from "../args.ts";
import { choiceFlag, helpText, numberFlag, parseFlags, stringFlag } from "../args.ts";
import { fmtInt, Progress } from "../progress.ts";
import { SIM_FLAGS, simConfigFromFlags } from "../sim-config.ts";

export const spec: CommandSpec = {
  name: "simulate",
  summary: "simulate shoppers and write their clickstream events",
  usage:
    "cartstream simulate [--config FILE] [--seed N] [--users N] [--rate EPS] [--duration S] [--clock virtual|real] [--out FILE|-]",
  flags: {
    ...SIM_FLAGS,
    clock: {
      type: "string",
      arg: "virtual|real",
      help: "virtual: as fast as possible; real: paced by the wall clock",
      default: "virtual",
    },
    speed: {
      type: "string",
      arg: "X",
      help: "real clock only: simulated seconds per wall second",
      default: "1",
    },
    out: {
      type: "string",
      short: "o",
      arg: "FILE|-",
      help: "output: .ndjson/.jsonl file, .parquet file (ZSTD), or - for stdout",
      default: "data/runs/events.ndjson",
    },
    quiet: { type: "boolean", short: "q", help: "no progress and no summary" },
  },
  details: `Events come out in event-time order. The same seed gives byte-identical NDJSON in the virtual clock;
the real clock gives the same events with event_time anchored at the wall clock (unless --start-time).
The summary (events per type, sessions, users per persona, realized rate) goes to stderr when --out is -.`,
};

export async function run(argv: string[]): Promise<number> {
  const { flags, help } = parseFlags(spec, argv);
  if (help) {
    console.log(helpText(spec));
    return 0;
  }
  const { config, path } = simConfigFromFlags(flags);
  const clock = choiceFlag(flags, "clock", ["virtual", "real"] as const) ?? "virtual";
  const speed = numberFlag(flags, "speed", 0, 1_000_000, true) ?? 1;
  const out = stringFlag(flags, "out") ?? "-";
  const quiet = flags.quiet === true;
  const parquet = out.endsWith(".parquet");
  const log = out === "-" ? process.stderr : process.stdout;

  const startTimeMs =
    clock === "real" && stringFlag(flags, "start-time") === undefined ? Math.floor(Date.now()) : undefined;
  const sim = new Simulation(config, startTimeMs);
  const expected = Math.round(config.rate * config.duration_s);
  const progress = new Progress({ label: "simulate", total: expected, unit: "events", quiet });

  let ndjsonPath = out;
  let tmpDir: string | undefined;
  if (parquet) {
    tmpDir = join(tmpdir(), `cartstream-sim-${process.pid}-${Date.now()}`);
    mkdirSync(tmpDir, { recursive: true });
    ndjsonPath = join(tmpDir, "events.ndjson");
  }
  const writer = new NdjsonWriter(ndjsonPath);
  let n = 0;
  try {
    const source =
      clock === "real"
        ? paceRealTime(sim.events(), { startTimeMs: sim.startTimeMs, speed })
        : virtualBatches(sim, 4096);
    for await (const batch of source) {
      const lines = new Array<string>(batch.length);
      for (let i = 0; i < batch.length; i++) lines[i] = eventToNdjson(batch[i]!);
      await writer.writeLines(lines);
      n += batch.length;
      progress.update(n);
    }
    await writer.close();
    if (parquet) {
      mkdirSync(dirname(out), { recursive: true });
      await eventsNdjsonToParquet(ndjsonPath, out);
    }
  } finally {
    progress.done();
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
  if (!quiet) log.write(`${formatSummary(sim.summary(), path, out, progress.elapsedS)}\n`);
  return 0;
}

export function formatSummary(
  s: SimulationSummary,
  configPath: string,
  out: string,
  elapsedS: number,
): string {
  const pct = (v: number, t: number) => (t ? ((100 * v) / t).toFixed(1) : "0.0");
  const lines = [
    `simulated ${fmtInt(s.events)} events in ${fmtInt(s.sessions)} sessions (seed ${s.seed}, config ${configPath}) -> ${out}`,
    `  realized rate ${s.realizedRate.toFixed(2)} events/s over the ${s.durationS} s window (target ${s.targetRate}); event-time span ${s.spanS.toFixed(0)} s including drain`,
    `  wall time ${elapsedS.toFixed(2)} s (${fmtInt(s.events / Math.max(elapsedS, 1e-9))} events/s)`,
    "  events per type:",
    ...Object.entries(s.eventsByType).map(
      ([k, v]) => `    ${k.padEnd(20)} ${fmtInt(v).padStart(9)}  ${pct(v, s.events).padStart(5)}%`,
    ),
    `  users per persona: ${Object.entries(s.usersByPersona)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `  sessions per persona: ${Object.entries(s.sessionsByPersona)
      .map(([k, v]) => `${k} ${fmtInt(v)} (${pct(v, s.sessions)}%)`)
      .join(", ")}`,
    `  intended outcomes: ${Object.entries(s.sessionsByOutcome)
      .map(([k, v]) => `${k} ${pct(v, s.sessions)}%`)
      .join(", ")}`,
    `  devices: ${Object.entries(s.sessionsByDevice)
      .map(([k, v]) => `${k} ${pct(v, s.sessions)}%`)
      .join(", ")}`,
    `  peak open sessions ${fmtInt(s.peakOpenSessions)}; most sessions one user had open at once: ${s.maxOpenSessionsPerUser}`,
  ];
  if (s.intendedSplits) lines.push(`  sessions split on purpose (idle > timeout): ${s.intendedSplits}`);
  if (s.eventsCut) lines.push(`  events cut at the window's end (--end cut): ${fmtInt(s.eventsCut)}`);
  return lines.join("\n");
}
