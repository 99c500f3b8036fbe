// Simulate to a file (`cartstream simulate`): NDJSON (or stdout), or typed ZSTD Parquet through DuckDB;
// the run's summary in words. The real clock writes each event as it is released; a stop request (the
// CLI's SIGINT/SIGTERM) or a reader that closes stdout ends the run early with every released event written.
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { eventsNdjsonToParquet, NdjsonWriter } from "../files/index.ts";
import type { ClockName, SimulationSummary, SimulatorConfig } from "../simulator/index.ts";
import { eventToNdjson, Simulation } from "../simulator/index.ts";
import { fmtInt } from "./format.ts";
import type { ServiceHooks } from "./options.ts";
import { expectedEvents, simulationBatches } from "./simulation-source.ts";

export interface SimulateOptions {
  config: SimulatorConfig;
  clock: ClockName;
  speed: number;
  startTimeMs?: number;
  /** .ndjson/.jsonl file, .parquet file, or "-" for stdout. */
  out: string;
}

/** Longest time an event waits in the writer's buffer with the virtual clock (the real clock: none). */
const VIRTUAL_FLUSH_MS = 100;

export interface SimulateResult {
  summary: SimulationSummary;
  /** Events written (with a stop: every event released before it). */
  events: number;
  elapsedS: number;
  /**
   * Set when the run ended early: the abort reason (the CLI passes the signal's name, e.g. SIGINT) or
   * EPIPE (stdout's reader went away). `summary` then covers the events simulated so far.
   */
  stopped?: string;
}

export async function simulateToFile(
  o: SimulateOptions,
  hooks: Pick<ServiceHooks, "onProgress" | "signal"> = {},
): Promise<SimulateResult> {
  const t0 = performance.now();
  const sim = new Simulation(o.config, o.startTimeMs);
  const total = expectedEvents(o.config);
  const stop = new AbortController();
  const onAbort = () => stop.abort(abortReason(hooks.signal?.reason));
  if (hooks.signal?.aborted) onAbort();
  hooks.signal?.addEventListener("abort", onAbort, { once: true });
  const parquet = o.out.endsWith(".parquet");
  const tmpDir = parquet ? join(tmpdir(), `cartstream-sim-${process.pid}-${Date.now()}`) : undefined;
  if (tmpDir) mkdirSync(tmpDir, { recursive: true });
  const ndjsonPath = tmpDir ? join(tmpDir, "events.ndjson") : o.out;
  const writer = new NdjsonWriter(ndjsonPath, {
    flushMs: o.clock === "real" ? 0 : VIRTUAL_FLUSH_MS,
    onBroken: () => stop.abort("EPIPE"),
  });
  let n = 0;
  try {
    for await (const batch of simulationBatches(sim, o.clock, o.speed, stop.signal)) {
      if (stop.signal.aborted) break;
      const lines = new Array<string>(batch.length);
      for (let i = 0; i < batch.length; i++) lines[i] = eventToNdjson(batch[i]!);
      await writer.writeLines(lines);
      n += batch.length;
      hooks.onProgress?.(n, total, "");
      // The virtual clock never waits: give a signal handler its turn between batches.
      if (o.clock === "virtual") await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await writer.close();
    if (parquet) {
      mkdirSync(dirname(o.out), { recursive: true });
      await eventsNdjsonToParquet(ndjsonPath, o.out);
    }
  } finally {
    hooks.signal?.removeEventListener("abort", onAbort);
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const result: SimulateResult = { summary: sim.summary(), events: n, elapsedS };
  if (stop.signal.aborted) result.stopped = String(stop.signal.reason);
  return result;
}

function abortReason(reason: unknown): string {
  return typeof reason === "string" ? reason : "a stop request";
}

/** The line that says a run was stopped early and how much of it was written. */
export function describeStop(r: SimulateResult, out: string): string {
  const ahead = r.summary.events - r.events;
  return `stopped by ${r.stopped} after ${fmtInt(r.events)} events written to ${out}${ahead > 0 ? ` (the summary also counts the ${fmtInt(ahead)} simulated but not written)` : ""}`;
}

/** The summary in words: events per type, sessions, users per persona, realized rate, peak concurrency. */
export function describeSimulation(
  s: SimulationSummary,
  configPath: string,
  out: string,
  elapsedS: number,
): string {
  const pct = (v: number, t: number) => (t ? ((100 * v) / t).toFixed(1) : "0.0");
  const shares = (o: Record<string, number>, f: (k: string, v: number) => string) =>
    Object.entries(o)
      .map(([k, v]) => f(k, v))
      .join(", ");
  const lines = [
    `simulated ${fmtInt(s.events)} events in ${fmtInt(s.sessions)} sessions (seed ${s.seed}, config ${configPath}) -> ${out}`,
    `  realized rate ${s.realizedRate.toFixed(2)} events/s over the ${s.durationS} s window (target ${s.targetRate}); ${fmtInt(s.eventsInWindow)} events inside it; event-time span ${s.spanS.toFixed(0)} s including drain`,
    `  realized rate in the first tenth ${s.firstTenthRate.toFixed(2)} events/s, in the last tenth ${s.lastTenthRate.toFixed(2)} events/s; ${s.warmSessions ? `warm start: ${fmtInt(s.warmSessions)} sessions open at the start` : "cold start (no session open at the start)"}`,
    `  mean per session (the config's session pool): ${s.meanEventsPerSession.toFixed(2)} events, ${s.meanSessionDurationS.toFixed(0)} s`,
    `  wall time ${elapsedS.toFixed(2)} s (${fmtInt(s.events / Math.max(elapsedS, 1e-9))} events/s)`,
    "  events per type:",
    ...Object.entries(s.eventsByType).map(
      ([k, v]) => `    ${k.padEnd(20)} ${fmtInt(v).padStart(9)}  ${pct(v, s.events).padStart(5)}%`,
    ),
    `  users per persona: ${shares(s.usersByPersona, (k, v) => `${k} ${v}`)}`,
    `  sessions per persona: ${shares(s.sessionsByPersona, (k, v) => `${k} ${fmtInt(v)} (${pct(v, s.sessions)}%)`)}`,
    `  outcomes the sessions reached: ${shares(s.sessionsByOutcome, (k, v) => `${k} ${pct(v, s.sessions)}%`)}`,
    `  devices: ${shares(s.sessionsByDevice, (k, v) => `${k} ${pct(v, s.sessions)}%`)}`,
    `  peak open sessions ${fmtInt(s.peakOpenSessions)}; most sessions one user had open at once: ${s.maxOpenSessionsPerUser}`,
  ];
  if (s.intendedSplits) lines.push(`  sessions split on purpose (idle > timeout): ${s.intendedSplits}`);
  if (s.eventsCut) lines.push(`  events cut at the window's end (--end cut): ${fmtInt(s.eventsCut)}`);
  return lines.join("\n");
}
