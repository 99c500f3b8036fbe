// The simulator as a stream of event batches, in the chosen clock.
import type { ClickEvent } from "../events/index.ts";
import type { ClockName, Simulation, SimulatorConfig } from "../simulator/index.ts";
import { paceRealTime, virtualBatches } from "../simulator/index.ts";

/** Events the run is expected to produce (for progress bars): rate x window. */
export function expectedEvents(config: SimulatorConfig): number {
  return Math.round(config.rate * config.duration_s);
}

/**
 * The simulation one event at a time (the same sequence as in batches): the real clock then simulates at
 * most one event ahead of the wall clock, so a run stopped early has simulated only what it released
 * plus the one event it was waiting for.
 */
function* oneAtATime(sim: Simulation): Generator<ClickEvent, void, void> {
  for (;;) {
    const [event] = sim.nextBatch(1);
    if (event === undefined) return;
    yield event;
  }
}

/**
 * Virtual clock: batches of 4096 as fast as they are taken; real clock: paced by the wall clock, and
 * `signal` ends the wait for the next event at once (the event that was not yet due is not released).
 */
export function simulationBatches(
  sim: Simulation,
  clock: ClockName,
  speed: number,
  signal?: AbortSignal,
): AsyncIterable<ClickEvent[]> | Iterable<ClickEvent[]> {
  return clock === "real"
    ? paceRealTime(oneAtATime(sim), { startTimeMs: sim.startTimeMs, speed, ...(signal ? { signal } : {}) })
    : virtualBatches(sim, 4096);
}
