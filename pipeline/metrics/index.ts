export {
  DEFAULT_METRICS_PORT,
  type HealthStatus,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from "./http.ts";
export {
  LATENCY_BUCKETS_SECONDS,
  type MetricsTotals,
  PIPELINE_METRICS_DEFAULTS,
  PipelineMetrics,
  type PipelineMetricsOptions,
  PRODUCED_AT_HEADER,
  producedAtMs,
} from "./metrics.ts";
export { type PeriodicLog, type PeriodicLogOptions, periodicLog } from "./periodic-log.ts";
export { LatencyReservoir, type LatencySnapshot, percentileOfSorted, percentiles } from "./reservoir.ts";
