// The pipeline's Prometheus metrics (prom-client, one Registry per instance so tests and several pipelines
// in one process do not collide) and plain-number mirrors of them for the periodic log line and the
// benchmark tables, which must not wait for an async registry read.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { z } from "zod";
import { parseOptions } from "../config/index.ts";
import { PRODUCED_AT_HEADER } from "../events/index.ts";
import { LatencyReservoir, type LatencySnapshot } from "./reservoir.ts";

export { PRODUCED_AT_HEADER } from "../events/index.ts";

/** Buckets of cartstream_event_to_commit_latency_seconds: 1 ms to 10 s, 1-2-5 steps. */
export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10,
] as const;

export interface PipelineMetricsOptions {
  /** Metric name prefix (default "cartstream_"). */
  prefix?: string;
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag); default false. */
  defaultMetrics?: boolean;
  /** Latency samples kept per window for exact percentiles (default 100000). */
  reservoirSize?: number;
  /** Seed of the reservoir's sampling once a window overflows (default fixed). */
  seed?: number;
}

export const pipelineMetricsOptionsSchema = z
  .object({
    prefix: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "a Prometheus metric name prefix")
      .optional(),
    defaultMetrics: z.boolean().optional(),
    reservoirSize: z.number().int().min(1).max(10_000_000).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict();

export const PIPELINE_METRICS_DEFAULTS = {
  prefix: "cartstream_",
  defaultMetrics: false,
  reservoirSize: 100_000,
  seed: 0x9e3779b9,
} as const satisfies Required<PipelineMetricsOptions>;

/** Plain totals since start, read synchronously. */
export interface MetricsTotals {
  consumed: number;
  accepted: number;
  duplicates: number;
  tooLate: number;
  deadLettered: number;
  deadLetteredByReason: Record<string, number>;
  sessionsUpserted: number;
  commits: number;
  fencedCommits: number;
  redisFailures: number;
  /** Sum of the lag gauges over partitions. */
  lag: number;
  openSessions: number;
}

/** Totals that only ever grow, each mirroring one counter. */
type CountedTotal = Exclude<keyof MetricsTotals, "deadLetteredByReason" | "lag" | "openSessions">;

/** When a consumed message was produced (ms): the producer's `produced_at` header, else its timestamp. */
export function producedAtMs(message: {
  headers: Readonly<Record<string, string>>;
  timestamp: number;
}): number {
  const header = message.headers[PRODUCED_AT_HEADER];
  if (header !== undefined) {
    const ms = Number(header);
    if (Number.isFinite(ms)) return ms;
  }
  return message.timestamp;
}

export class PipelineMetrics {
  readonly registry: Registry;
  readonly eventsConsumed: Counter;
  readonly eventsAccepted: Counter;
  readonly eventsDuplicate: Counter;
  readonly eventsTooLate: Counter;
  readonly eventsDeadLettered: Counter<"reason">;
  readonly sessionsUpserted: Counter;
  readonly commits: Counter;
  readonly commitsFenced: Counter;
  readonly redisFailures: Counter;
  readonly consumerLag: Gauge<"partition">;
  readonly openSessions: Gauge;
  readonly watermark: Gauge<"partition">;
  readonly eventToCommitLatency: Histogram;
  /** Latency samples (ms) of the whole run: the benchmark's p50/p95/p99. */
  readonly latencyRun: LatencyReservoir;
  /** Latency samples (ms) since the last takeWindow(): the periodic log line. */
  readonly latencyWindow: LatencyReservoir;
  readonly #totals: Omit<MetricsTotals, "lag" | "deadLetteredByReason"> = {
    consumed: 0,
    accepted: 0,
    duplicates: 0,
    tooLate: 0,
    deadLettered: 0,
    sessionsUpserted: 0,
    commits: 0,
    fencedCommits: 0,
    redisFailures: 0,
    openSessions: 0,
  };
  readonly #deadByReason = new Map<string, number>();
  readonly #lag = new Map<number, number>();

  constructor(options: PipelineMetricsOptions = {}) {
    const o = {
      ...PIPELINE_METRICS_DEFAULTS,
      ...parseOptions(pipelineMetricsOptionsSchema, options, "metrics options"),
    };
    const p = o.prefix;
    this.registry = new Registry();
    const registers = [this.registry];
    if (o.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: p });
    const counter = (name: string, help: string, labelNames: string[] = []) =>
      new Counter({ name: `${p}${name}`, help, labelNames, registers });
    const gauge = (name: string, help: string, labelNames: string[] = []) =>
      new Gauge({ name: `${p}${name}`, help, labelNames, registers });
    this.eventsConsumed = counter("events_consumed_total", "Events read from the transport");
    this.eventsAccepted = counter("events_accepted_total", "Events applied to a session");
    this.eventsDuplicate = counter("events_duplicate_total", "Events dropped as duplicates (event_id seen)");
    this.eventsTooLate = counter(
      "events_too_late_total",
      "Events older than the watermark allows (their session was already closed)",
    );
    this.eventsDeadLettered = counter(
      "events_dead_lettered_total",
      "Events sent to the dead-letter topic, by reason",
      ["reason"],
    );
    this.sessionsUpserted = counter("sessions_upserted_total", "Session rows written to the store");
    this.commits = counter("commits_total", "Store transactions committed (sessions + offsets)");
    this.commitsFenced = counter(
      "commits_fenced_total",
      "Commits refused because another consumer owns the partition now",
    );
    this.redisFailures = counter("redis_failures_total", "Live-state publishes to Redis that failed");
    this.consumerLag = gauge(
      "consumer_lag_messages",
      "High watermark minus the next offset to process, per partition",
      ["partition"],
    );
    this.openSessions = gauge("open_sessions", "Sessions open in the sessionizer");
    this.watermark = gauge(
      "watermark_seconds",
      "Event-time watermark per partition, seconds since the epoch",
      ["partition"],
    );
    this.eventToCommitLatency = new Histogram({
      name: `${p}event_to_commit_latency_seconds`,
      help: "Time from an event's production (produced_at header, else message timestamp) to the commit that stored its session",
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers,
    });
    this.latencyRun = new LatencyReservoir(o.reservoirSize, o.seed);
    this.latencyWindow = new LatencyReservoir(o.reservoirSize, o.seed ^ 0x5bd1e995);
  }

  /** Counts on the Prometheus counter and on its plain-number mirror. */
  #count(counter: Counter, total: CountedTotal, n: number): void {
    counter.inc(n);
    this.#totals[total] += n;
  }

  consumed(n = 1): void {
    this.#count(this.eventsConsumed, "consumed", n);
  }

  accepted(n = 1): void {
    this.#count(this.eventsAccepted, "accepted", n);
  }

  duplicates(n = 1): void {
    this.#count(this.eventsDuplicate, "duplicates", n);
  }

  tooLate(n = 1): void {
    this.#count(this.eventsTooLate, "tooLate", n);
  }

  deadLettered(reason: string, n = 1): void {
    this.eventsDeadLettered.inc({ reason }, n);
    this.#totals.deadLettered += n;
    this.#deadByReason.set(reason, (this.#deadByReason.get(reason) ?? 0) + n);
  }

  upserted(n = 1): void {
    this.#count(this.sessionsUpserted, "sessionsUpserted", n);
  }

  committed(): void {
    this.#count(this.commits, "commits", 1);
  }

  fenced(): void {
    this.#count(this.commitsFenced, "fencedCommits", 1);
  }

  redisFailure(): void {
    this.#count(this.redisFailures, "redisFailures", 1);
  }

  setLag(partition: number, lag: number): void {
    this.consumerLag.set({ partition: String(partition) }, lag);
    this.#lag.set(partition, lag);
  }

  setOpenSessions(n: number): void {
    this.openSessions.set(n);
    this.#totals.openSessions = n;
  }

  /** Event-time watermark of a partition, in ms since the epoch. */
  setWatermark(partition: number, watermarkMs: number): void {
    this.watermark.set({ partition: String(partition) }, watermarkMs / 1_000);
  }

  /**
   * Records the event-to-commit latency of the events a commit stored: one histogram observation and one
   * reservoir sample per event. `producedAt` are ms since the epoch (see producedAtMs).
   */
  observeCommit(producedAt: Iterable<number>, commitTimeMs: number = Date.now()): void {
    for (const t of producedAt) {
      const ms = Math.max(0, commitTimeMs - t);
      this.eventToCommitLatency.observe(ms / 1_000);
      this.latencyRun.add(ms);
      this.latencyWindow.add(ms);
    }
  }

  /** Latency snapshot of the current window, then a new window starts. */
  takeWindow(): LatencySnapshot {
    const s = this.latencyWindow.snapshot();
    this.latencyWindow.reset();
    return s;
  }

  totals(): MetricsTotals {
    let lag = 0;
    for (const v of this.#lag.values()) lag += v;
    return { ...this.#totals, lag, deadLetteredByReason: Object.fromEntries(this.#deadByReason) };
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
