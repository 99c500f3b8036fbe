// One evaluation of a candidate config: short seeded simulations in memory, the profile's metrics from
// their events, averaged over the seeds.
import { CartstreamError } from "../pipeline/errors/index.ts";
import { resolveSimulatorConfig, type SimulatorConfig, simulate } from "../pipeline/simulator/index.ts";
import { computeMetrics, type MetricValues, sessionRows } from "./metrics.ts";

export interface EvalSpec {
  seeds: readonly number[];
  /**
   * Share of the traffic simulated: the rate is scaled, the users, the window, the warm start and everything
   * else stay as configured, so every user's latent state is still drawn (with few users the metrics would
   * follow a handful of propensity draws) and only the number of sessions shrinks.
   */
  scale: number;
}

export type Evaluation =
  | { ok: true; metrics: MetricValues; perSeed: MetricValues[]; events: number }
  | { ok: false; error: string };

/** The config a raw candidate resolves to (defaults <- candidate), or the schema's complaint. */
export function resolveCandidate(
  raw: unknown,
  overrides: { seed?: number; rate?: number } = {},
): { ok: true; config: SimulatorConfig } | { ok: false; error: string } {
  try {
    return { ok: true, config: resolveSimulatorConfig(raw, overrides, "(candidate)") };
  } catch (err) {
    if (err instanceof CartstreamError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Metrics of one full simulation of `config`. */
export function metricsOf(config: SimulatorConfig): { metrics: MetricValues; events: number } {
  const { events } = simulate(config);
  return {
    metrics: computeMetrics(events, sessionRows(events, config.session_timeout_s)),
    events: events.length,
  };
}

/** Mean of each metric over the per-seed values (null where every seed is null). */
export function averageMetrics(runs: readonly MetricValues[]): MetricValues {
  const out: MetricValues = {};
  for (const name of Object.keys(runs[0] ?? {})) {
    const vs = runs.map((r) => r[name]).filter((v): v is number => v !== null && v !== undefined);
    out[name] = vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null;
  }
  return out;
}

export function evaluate(raw: unknown, spec: EvalSpec): Evaluation {
  const full = resolveCandidate(raw);
  if (!full.ok) return full;
  const rate = full.config.rate * Math.min(1, spec.scale);
  const perSeed: MetricValues[] = [];
  let events = 0;
  for (const seed of spec.seeds) {
    const r = resolveCandidate(raw, { seed, rate });
    if (!r.ok) return r;
    const m = metricsOf(r.config);
    perSeed.push(m.metrics);
    events += m.events;
  }
  return { ok: true, metrics: averageMetrics(perSeed), perSeed, events };
}
