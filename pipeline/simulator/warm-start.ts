// Session statistics of a config, and the warm start. A pool of sessions drawn like real ones (users in
// proportion to their session rate) gives the mean events and the mean duration per session; the engine
// turns the target event rate into a session rate with them. Warm start: by Little's law about
// rate / events per session x mean duration sessions are open at any moment of the stationary state; a
// session open at a random moment is picked in proportion to its duration (length-biased) and is at a
// uniform point of its life. So the pool is sampled systematically along its cumulative duration, and each
// pick shows only its events after that point (the first of them becomes its session_start).
import type { Population, SessionLatent, User } from "./latent.ts";
import { STREAMS } from "./latent.ts";
import type { SimulatorConfig } from "./options.ts";
import { createRng, deriveSeed } from "./rng.ts";
import type { SessionPlan, WalkContext } from "./walk.ts";
import { walkSession } from "./walk.ts";

export interface SessionStats {
  meanEvents: number;
  meanDurationMs: number;
}

export interface WarmSession {
  user: User;
  latent: SessionLatent;
  plan: SessionPlan;
  /** Index of the first visible action (a session_start). */
  from: number;
  /** Run time of action i is offsetMs + plan.actions[i].at. */
  offsetMs: number;
}

interface PoolEntry {
  seed: number;
  durationMs: number;
  /** Time of each action (ms after the first): where a warm session's visible part begins. */
  times: Float64Array;
}

/**
 * Sessions in the pool: about a quarter of the run's events (at least 1,000, at most 10,000), so the
 * estimate's noise stays below the run's own and a small run does not pay for a large pool.
 */
export function poolSize(config: SimulatorConfig): number {
  return Math.min(10_000, Math.max(1_000, Math.ceil((config.rate * config.duration_s) / 4)));
}

function draw(ctx: WalkContext, population: Population, seed: number, resetAt?: number) {
  const rng = createRng(seed);
  const user = population.pickUser(rng);
  const latent = population.sessionLatent(user, ctx.config, rng);
  const plan = walkSession(ctx, user, latent, rng, { resetAt, idleSplits: false });
  return { user, latent, plan };
}

export class SessionPool {
  readonly stats: SessionStats;
  private readonly entries: PoolEntry[];

  constructor(
    private readonly ctx: WalkContext,
    private readonly population: Population,
    config: SimulatorConfig,
  ) {
    this.entries = [];
    let events = 0;
    let duration = 0;
    const size = poolSize(config);
    for (let j = 0; j < size; j++) {
      const seed = deriveSeed(config.seed, STREAMS.warm, j);
      const { plan } = draw(ctx, population, seed);
      events += plan.actions.length;
      duration += plan.durationMs;
      this.entries.push({
        seed,
        durationMs: plan.durationMs,
        times: Float64Array.from(plan.actions, (a) => a.at),
      });
    }
    this.stats = { meanEvents: events / size, meanDurationMs: duration / size };
  }

  /** `count` sessions in progress at time zero, at a length-biased random point of their lives. */
  warmSessions(count: number, offset: number): WarmSession[] {
    const total = this.entries.reduce((s, e) => s + e.durationMs, 0);
    if (count <= 0 || total <= 0) return [];
    const step = total / count;
    const out: WarmSession[] = [];
    let j = 0;
    let before = 0;
    for (let i = 0; i < count; i++) {
      const target = (offset + i) * step;
      while (j < this.entries.length - 1 && before + this.entries[j]!.durationMs <= target) {
        before += this.entries[j]!.durationMs;
        j++;
      }
      const entry = this.entries[j]!;
      const age = Math.min(entry.durationMs, Math.max(0, Math.round(target - before)));
      let from = entry.times.findIndex((at) => at > age);
      if (from < 1) from = entry.times.length - 1;
      // Walked again with the same stream: identical up to `from`, a fresh session from there on.
      const { user, latent, plan } = draw(this.ctx, this.population, entry.seed, from);
      out.push({ user, latent, plan, from, offsetMs: -age });
    }
    return out;
  }
}
