// The simulator as a stream of event batches, in the chosen clock.
import type { ClickEvent } from "../events/index.ts";
import type { ClockName, Simulation, SimulatorConfig } from "../simulator/index.ts";
import { paceRealTime, virtualBatches } from "../simulator/index.ts";

/** Events the run is expected to produce (for progress bars): rate x window. */
export function expectedEvents(config: SimulatorConfig): number {
  return Math.round(config.rate * config.duration_s);
}

/** Virtual clock: batches of 4096 as fast as they are taken; real clock: paced by the wall clock. */
export function simulationBatches(
  sim: Simulation,
  clock: ClockName,
  speed: number,
): AsyncIterable<ClickEvent[]> | Iterable<ClickEvent[]> {
  return clock === "real"
    ? paceRealTime(sim.events(), { startTimeMs: sim.startTimeMs, speed })
    : virtualBatches(sim, 4096);
}
