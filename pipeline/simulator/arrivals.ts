// Session arrivals: every user is a renewal process of session starts with log-normal (heavy-tailed) gaps;
// more engaged users return more often (their mean gap is shorter), and the rates add up to the session
// rate the engine needs for its target event rate. An optional day/night and weekday shape is a time warp:
// the renewal runs in "operational time", which passes faster at busy hours. The first arrival of each user
// is a forward-recurrence time (a length-biased gap times a uniform), so arrivals are stationary from the
// first second instead of bunching one mean gap after the start.
import { MinHeap } from "../collections/index.ts";
import type { User } from "./latent.ts";
import { STREAMS } from "./latent.ts";
import type { SimulatorConfig } from "./options.ts";
import type { Rng } from "./rng.ts";
import { createRng, deriveSeed } from "./rng.ts";

const HOUR_MS = 3_600_000;

/**
 * Traffic intensity per hour of the week (mean 1), as cumulative operational time at each hour boundary
 * of the run. The phase is taken from the configured start_time, not from the wall clock, so both clocks
 * see the same arrivals.
 */
export class TrafficCycle {
  private readonly enabled: boolean;
  /** Operational ms elapsed at the start of each hour of the run, and the hour's intensity. */
  private readonly cumulative: Float64Array;
  private readonly intensity: Float64Array;

  constructor(config: SimulatorConfig, horizonMs: number) {
    const c = config.arrivals.cycle;
    this.enabled = c.enabled;
    if (!this.enabled) {
      this.cumulative = new Float64Array(0);
      this.intensity = new Float64Array(0);
      return;
    }
    const week = new Float64Array(168);
    for (let h = 0; h < 168; h++) {
      const hourOfDay = h % 24;
      const day = Math.floor(h / 24); // 0 = Monday
      const phase = (2 * Math.PI * (hourOfDay + 0.5 - c.peak_hour_utc)) / 24;
      const daily = 1 - (c.day_night_amplitude * (1 - Math.cos(phase))) / 2;
      week[h] = daily * (day >= 5 ? c.weekend_factor : 1);
    }
    const mean = week.reduce((a, b) => a + b, 0) / 168;
    const startMs = Date.parse(config.start_time);
    const start = new Date(startMs);
    // Hour of the week (Monday 00:00 UTC = 0) of the configured start, and the offset into that hour.
    const startHour = ((start.getUTCDay() + 6) % 7) * 24 + start.getUTCHours();
    const intoHour = startMs % HOUR_MS;
    const hours = Math.ceil((horizonMs + intoHour) / HOUR_MS) + 1;
    this.cumulative = new Float64Array(hours + 1);
    this.intensity = new Float64Array(hours);
    for (let i = 0; i < hours; i++) {
      this.intensity[i] = week[(startHour + i) % 168]! / mean;
      // Hour i spans [i*H - intoHour, (i+1)*H - intoHour) in run time; the first is partial.
      const span = i === 0 ? HOUR_MS - intoHour : HOUR_MS;
      this.cumulative[i + 1] = this.cumulative[i]! + span * this.intensity[i]!;
    }
    this.intoHour = intoHour;
  }

  private intoHour = 0;

  /** Intensity (mean 1) at run time `t` ms after the start. */
  at(t: number): number {
    if (!this.enabled) return 1;
    const i = Math.min(this.intensity.length - 1, Math.floor((t + this.intoHour) / HOUR_MS));
    return this.intensity[Math.max(0, i)]!;
  }

  /** Operational time elapsed at run time t. */
  warp(t: number): number {
    if (!this.enabled) return t;
    const i = Math.min(this.intensity.length - 1, Math.floor((t + this.intoHour) / HOUR_MS));
    const hourStart = Math.max(0, i * HOUR_MS - this.intoHour);
    return this.cumulative[i]! + (t - hourStart) * this.intensity[i]!;
  }

  /** Run time at which operational time reaches tau. */
  unwarp(tau: number): number {
    if (!this.enabled) return tau;
    const c = this.cumulative;
    let lo = 0;
    let hi = this.intensity.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (c[mid]! <= tau) lo = mid;
      else hi = mid - 1;
    }
    const hourStart = Math.max(0, lo * HOUR_MS - this.intoHour);
    return hourStart + (tau - c[lo]!) / Math.max(this.intensity[lo]!, 1e-9);
  }
}

interface Pending {
  time: number;
  seq: number;
  user: User;
  /** Operational time of this arrival. */
  tau: number;
  /** Sessions this user started so far. */
  count: number;
  rng: Rng;
  median: number;
}

export interface Arrival {
  time: number;
  user: User;
  /** The user's session number (0-based): names the session's random stream. */
  k: number;
}

export class Arrivals {
  private readonly heap = new MinHeap<Pending>();
  private readonly sigma: number;
  private readonly endTau: number;

  /**
   * `sessionsPerMs`: the total session start rate (operational time). Times are ms from `startMs`; arrivals
   * at or after `endMs` are never produced.
   */
  constructor(
    config: SimulatorConfig,
    users: readonly User[],
    totalWeight: number,
    sessionsPerMs: number,
    private readonly startMs: number,
    private readonly endMs: number,
    private readonly cycle: TrafficCycle,
  ) {
    const sigma = config.arrivals.gap_sigma;
    this.sigma = sigma;
    this.endTau = cycle.warp(endMs - startMs);
    for (const user of users) {
      if (user.weight <= 0 || sessionsPerMs <= 0) continue;
      const meanGap = totalWeight / (sessionsPerMs * user.weight);
      const median = meanGap * Math.exp((-sigma * sigma) / 2);
      const rng = createRng(deriveSeed(config.seed, STREAMS.arrivals, user.index));
      // Forward recurrence: a length-biased log-normal gap (median x e^sigma^2) times a uniform.
      const tau = rng.next() * rng.logNormal(median * Math.exp(sigma * sigma), sigma);
      this.schedule({ time: 0, seq: user.index, user, tau, count: 0, rng, median });
    }
  }

  private schedule(p: Pending): void {
    if (p.tau >= this.endTau) return;
    p.time = Math.min(this.endMs - 1, this.startMs + Math.round(this.cycle.unwarp(p.tau)));
    this.heap.push(p);
  }

  /** Time of the next arrival, or Infinity. */
  peekTime(): number {
    return this.heap.peek()?.time ?? Number.POSITIVE_INFINITY;
  }

  /** The next arrival; the user's following one is scheduled. */
  pop(): Arrival {
    const p = this.heap.pop()!;
    const arrival = { time: p.time, user: p.user, k: p.count };
    p.count++;
    p.tau += Math.max(1, p.rng.logNormal(p.median, this.sigma));
    this.schedule(p);
    return arrival;
  }
}
