// Options of the application services: typed interfaces, defaults in one place (the CLI's --help shows
// these). Flag syntax and ranges are checked by the CLI; the services take typed values.
import { DEFAULT_SESSIONIZER_OPTIONS } from "../aggregator/index.ts";
import { DEFAULT_METRICS_PORT } from "../metrics/index.ts";
import type { ClockName, SimulatorConfig } from "../simulator/index.ts";
import type { StoreKind } from "./run-store.ts";

/** The events topic (5 partitions by default); its dead-letter topic is `${topic}.dlq`. */
export const DEFAULT_TOPIC = "ecommerce.events";

/** What every run mode takes. */
export interface RunOptions {
  /** Run name: data/runs/NAME, data/pglite/NAME, PostgreSQL schema cs_NAME. */
  name: string;
  config: SimulatorConfig;
  /** Partitions of the events topic. */
  partitions: number;
  /** Aggregator workers (embedded: in-process processors; Kafka: processes). */
  workers: number;
  clock: ClockName;
  /** Real clock: simulated seconds per wall-clock second. */
  speed: number;
  /** Event time of the first event in ms (the real clock anchors the run at the wall clock); default config.start_time. */
  startTimeMs?: number;
  /** End with the row-for-row check against the DuckDB ground truth. */
  verify: boolean;
}

export const RUN_DEFAULTS = {
  name: "phase1",
  partitions: 5,
  workers: 2,
  clock: "virtual",
  speed: 1,
  verify: true,
} as const satisfies Partial<RunOptions>;

export interface EmbeddedRunOptions extends RunOptions {
  store: StoreKind;
  /** Continue an interrupted run from the committed offsets (same config, partitions and store). */
  resume: boolean;
  /** Commit a worker after this many events... */
  flushEvents: number;
  /** ...or this long after its last commit. */
  flushMs: number;
}

export const EMBEDDED_RUN_DEFAULTS = {
  ...RUN_DEFAULTS,
  store: "pglite",
  resume: false,
  flushEvents: 5000,
  flushMs: 500,
} as const satisfies Partial<EmbeddedRunOptions>;

export interface KafkaRunOptions extends RunOptions {
  /** Events topic (recreated); default ecommerce.events.NAME. */
  topic?: string;
  /** Fraction of bad messages to inject (fault tests), 0..0.5. */
  injectBad: number;
  /** Aggregators publish open sessions to Redis. */
  redis: boolean;
  /** The first aggregator's /metrics port (the others pick free ports; 0: any free port, -1: off). */
  metricsPort: number;
}

export const KAFKA_RUN_DEFAULTS = {
  ...RUN_DEFAULTS,
  injectBad: 0,
  redis: true,
  metricsPort: DEFAULT_METRICS_PORT,
} as const satisfies Partial<KafkaRunOptions>;

export interface AggregatorOptions {
  /** Run name: PostgreSQL schema cs_NAME, archive data/runs/NAME/archive. */
  name: string;
  /** Consumer group id (also the offsets' owner in stream_offsets). */
  group: string;
  topic: string;
  /** Dead-letter topic (reason in the 'reason' header). */
  dlqTopic: string;
  timeoutMs: number;
  latenessMs: number;
  flushEvents: number;
  flushMs: number;
  /** Publish open sessions to Redis ($REDIS_URL); a cache, never required. */
  redis: boolean;
  /** Prometheus /metrics on 127.0.0.1:PORT (0: any free port, -1: off). */
  metricsPort: number;
  /** Seconds between progress lines. */
  logEveryS: number;
  /** Stop once every partition's end-of-stream marker is processed and committed. */
  exitWhenDone: boolean;
}

export const AGGREGATOR_DEFAULTS = {
  name: RUN_DEFAULTS.name,
  group: "cartstream-aggregator",
  topic: DEFAULT_TOPIC,
  dlqTopic: `${DEFAULT_TOPIC}.dlq`,
  timeoutMs: DEFAULT_SESSIONIZER_OPTIONS.timeoutMs,
  latenessMs: DEFAULT_SESSIONIZER_OPTIONS.allowedLatenessMs,
  flushEvents: 5000,
  flushMs: 100,
  redis: true,
  metricsPort: DEFAULT_METRICS_PORT,
  logEveryS: 5,
  exitWhenDone: false,
} as const satisfies AggregatorOptions;

/** Hooks a caller (the CLI, a test) passes to a service: where lines go, progress, a commit counter. */
export interface ServiceHooks {
  /** One line of progress or outcome (the CLI writes it to stderr). */
  log?(line: string): void;
  /** Events done out of an expected total. */
  onProgress?(done: number, total: number, detail: string): void;
  /** After every commit with the running count (the CLI's --crash-after-commits test hook). */
  afterCommit?(commits: number): void;
  /** Stops a long-running service (the aggregator) cleanly. */
  signal?: AbortSignal;
}

/** Defaults <- given, ignoring keys given as undefined. */
export function withDefaults<T extends object>(defaults: Partial<T>, given: Partial<T>): T {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...defaults, ...defined } as T;
}
