// Public face of the application services: what each command does, callable without a subprocess.
export { type AggregatorResult, runAggregator } from "./aggregator.ts";
export { AggregatorLoop, streamFinished } from "./aggregator-loop.ts";
export { type EmbeddedRunInput, type EmbeddedRunResult, runEmbedded } from "./embedded-run.ts";
export { fmtInt } from "./format.ts";
export { type KafkaRunInput, type KafkaRunResult, runKafka } from "./kafka-run.ts";
export {
  AGGREGATOR_DEFAULTS,
  type AggregatorOptions,
  DEFAULT_TOPIC,
  EMBEDDED_RUN_DEFAULTS,
  type EmbeddedRunOptions,
  KAFKA_RUN_DEFAULTS,
  type KafkaRunOptions,
  RUN_DEFAULTS,
  type RunOptions,
  type ServiceHooks,
  withDefaults,
} from "./options.ts";
export { PRODUCE_DEFAULTS, type ProduceOptions, type ProduceResult, produceToKafka } from "./produce.ts";
export { isRunName, RUN_NAME_RULE, type RunPaths, runPaths } from "./run-files.ts";
export {
  dropRunSchema,
  openRunStore,
  pgliteDir,
  pgSchema,
  STORE_KINDS,
  type StoreKind,
} from "./run-store.ts";
export {
  describeSimulation,
  describeStop,
  type SimulateOptions,
  type SimulateResult,
  simulateToFile,
} from "./simulate.ts";
export { expectedEvents, simulationBatches } from "./simulation-source.ts";
