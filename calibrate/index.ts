// Public face of calibrate: search a simulator config until a validation profile's ranges hold.
export { computeMetrics, type MetricValues, sessionRows } from "./metrics.ts";
