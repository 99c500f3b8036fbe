export type { Catalog, Product } from "./catalog.ts";
export { meanEventsPerSession, Simulation, type SimulationSummary, simulate } from "./engine.ts";
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
