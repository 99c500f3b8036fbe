export type { Catalog, Product } from "./catalog.ts";
export { CLOCKS, type ClockName, type PaceOptions, paceRealTime, virtualBatches } from "./clock.ts";
export { DEFAULT_CONFIG } from "./defaults.ts";
export { Simulation, simulate } from "./engine.ts";
export { eventToNdjson } from "./ndjson.ts";
export {
  deepMerge,
  mergeSimulatorConfig,
  type PersonaConfig,
  parseSimulatorConfig,
  type RunOverrides,
  resolveSimulatorConfig,
  type SimulatorConfig,
  simulatorConfigSchema,
} from "./options.ts";
export { createRng, type Rng } from "./rng.ts";
export type { SimulationSummary } from "./summary.ts";
