// Prints the `distributions.event_mix.expected` block of a profile: the pooled event mix of reference runs of
// the default simulator config (seeds 101-110 unless given), with the config's fingerprint so validation can
// tell when a dataset was simulated with a different config. Run: npx tsx validation/reference-mix.ts [seeds...]
// The simulator config cannot give the event mix analytically (it emerges from persona plans, cart rules and
// session ends), so the expectation is measured; ten runs (~600k events) keep the reference's own noise small.
import { EVENT_TYPES } from "../pipeline/events/index.ts";
import { resolveSimulatorConfig, simulate } from "../pipeline/simulator/index.ts";
import { configFingerprint } from "./config-fingerprint.ts";

export interface ReferenceMix {
  method: "reference";
  shares: Record<string, number>;
  events: number;
  sessions: number;
  seeds: number[];
  config_sha256: string;
  source: string;
}

export function referenceMix(seeds: readonly number[]): ReferenceMix {
  const counts: Record<string, number> = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]));
  let events = 0;
  let sessions = 0;
  let fingerprint = "";
  for (const seed of seeds) {
    const config = resolveSimulatorConfig({}, { seed });
    fingerprint = configFingerprint(config as unknown as Record<string, unknown>);
    const { summary } = simulate(config);
    for (const t of EVENT_TYPES) counts[t]! += summary.eventsByType[t];
    events += summary.events;
    sessions += summary.sessions;
  }
  const shares = Object.fromEntries(EVENT_TYPES.map((t) => [t, Number((counts[t]! / events).toFixed(6))]));
  return {
    method: "reference",
    shares,
    events,
    sessions,
    seeds: [...seeds],
    config_sha256: fingerprint,
    source: `pooled event mix of ${seeds.length} runs of the default phase-1 simulator config (seeds ${seeds[0]}-${seeds[seeds.length - 1]}), measured by validation/reference-mix.ts`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2).map(Number);
  const seeds = args.length > 0 ? args : Array.from({ length: 10 }, (_, i) => 101 + i);
  console.log(JSON.stringify(referenceMix(seeds), null, 2));
}
