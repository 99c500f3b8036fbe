export type { Catalog, Product } from "./catalog.ts";
export { CLOCKS, type ClockName, type PaceOptions, paceRealTime, virtualBatches } from "./clock.ts";
export { meanEventsPerSession, Simulation, type SimulationSummary, simulate } from "./engine.ts";
export { eventToNdjson } from "./ndjson.ts";
export {
  DEFAULT_CONFIG,
  deepMerge,
  type PersonaConfig,
  parseSimulatorConfig,
  resolveSimulatorConfig,
  type SimulatorConfig,
  simulatorConfigSchema,
} from "./options.ts";
export { createRng, type Rng } from "./rng.ts";
