// The simulation engine: users' session arrivals (renewal processes) over the run window, each session a
// walk planned at its start, merged in event-time order through a heap. The session rate is the target
// event rate over the mean events per session, so the run keeps the target rate; with warm start the
// stationary number of sessions is already open at time zero. Every user and every session draws from its
// own stream derived from the seed, so the same seed gives the same events in both clocks.
// Pure: no I/O, no wall clock.
import { MinHeap } from "../collections/index.ts";
import type { ClickEvent, DeviceType, IntendedOutcome } from "../events/index.ts";
import { SCHEMA_VERSION } from "../events/index.ts";
import { Arrivals, TrafficCycle } from "./arrivals.ts";
import type { Catalog } from "./catalog.ts";
import { buildCatalog } from "./catalog.ts";
import { DwellSampler } from "./dwell.ts";
import { IsoFormatter } from "./iso-time.ts";
import type { SessionLatent, User } from "./latent.ts";
import { Population, STREAMS } from "./latent.ts";
import type { SimulatorConfig } from "./options.ts";
import { createRng, deriveSeed } from "./rng.ts";
import type { SimulationSummary } from "./summary.ts";
import { emptySummary } from "./summary.ts";
import type { Action, SessionPlan, WalkContext } from "./walk.ts";
import { walkContext, walkSession } from "./walk.ts";
import { SessionPool } from "./warm-start.ts";

interface LiveSession {
  time: number;
  seq: number;
  sessionId: string;
  user: User;
  device: DeviceType;
  browser: string;
  outcome: IntendedOutcome;
  actions: Action[];
  next: number;
  /** Run time of action i is base + actions[i].at. */
  base: number;
}

export class Simulation {
  readonly config: SimulatorConfig;
  readonly catalog: Catalog;
  readonly population: Population;
  private readonly ctx: WalkContext;
  private readonly arrivals: Arrivals;
  private readonly userOpen: Int32Array;
  private readonly heap = new MinHeap<LiveSession>();
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly tenthMs: number;
  private readonly idPrefix: string;
  private sessionSeq = 0;
  private eventSeq = 0;
  private orderSeq = 0;
  private readonly stats: SimulationSummary;
  private readonly iso = new IsoFormatter();
  private lastTime: string | null = null;

  /** `startTimeMs` overrides config.start_time (the real clock anchors the run at the wall clock). */
  constructor(config: SimulatorConfig, startTimeMs?: number) {
    this.config = config;
    this.catalog = buildCatalog(config.catalog, createRng(config.seed).fork("catalog"));
    this.population = new Population(config, this.catalog);
    this.ctx = walkContext(config, this.catalog, new DwellSampler(config.dwell));
    this.userOpen = new Int32Array(config.users);
    this.startMs = startTimeMs ?? Date.parse(config.start_time);
    const durationMs = Math.round(config.duration_s * 1000);
    this.endMs = this.startMs + durationMs;
    this.tenthMs = durationMs / 10;
    this.idPrefix = config.seed.toString(36);
    const pool = new SessionPool(this.ctx, this.population, config);
    const cycle = new TrafficCycle(config, durationMs);
    const sessionsPerMs = config.rate / 1000 / pool.stats.meanEvents;
    this.arrivals = new Arrivals(
      config,
      this.population.users,
      this.population.totalWeight,
      sessionsPerMs,
      this.startMs,
      this.endMs,
      cycle,
    );
    this.stats = emptySummary(config, this.population.users, pool.stats);
    if (config.warm_start) {
      const open = Math.round(sessionsPerMs * cycle.at(0) * pool.stats.meanDurationMs);
      const offset = createRng(config.seed).fork("warm-start").next();
      for (const w of pool.warmSessions(open, offset)) {
        this.open(w.user, w.latent, w.plan, w.from, this.startMs + w.offsetMs);
        this.stats.warmSessions++;
      }
    }
  }

  /** Event time (ms) of the window's start; the real clock paces against it. */
  get startTimeMs(): number {
    return this.startMs;
  }

  private open(user: User, latent: SessionLatent, plan: SessionPlan, from: number, base: number): void {
    const seq = this.sessionSeq++;
    this.heap.push({
      time: base + plan.actions[from]!.at,
      seq,
      sessionId: `s${this.idPrefix}-${String(seq + 1).padStart(7, "0")}`,
      user,
      device: latent.device,
      browser: latent.browser,
      outcome: plan.outcome,
      actions: plan.actions,
      next: from,
      base,
    });
    const st = this.stats;
    st.sessions++;
    st.sessionsByPersona[user.persona]++;
    st.sessionsByOutcome[plan.outcome]++;
    st.sessionsByDevice[latent.device]++;
    if (plan.actions.some((a) => a.afterIdle)) st.intendedSplits++;
    const openNow = ++this.userOpen[user.index]!;
    if (openNow > st.maxOpenSessionsPerUser) st.maxOpenSessionsPerUser = openNow;
    if (this.heap.size > st.peakOpenSessions) st.peakOpenSessions = this.heap.size;
  }

  private spawn(): void {
    const { time, user, k } = this.arrivals.pop();
    const rng = createRng(deriveSeed(this.config.seed, STREAMS.session, user.index, k));
    const latent = this.population.sessionLatent(user, this.config, rng);
    const plan = walkSession(this.ctx, user, latent, rng);
    this.open(user, latent, plan, 0, time);
  }

  private build(s: LiveSession, a: Action, time: number): ClickEvent {
    const e: ClickEvent = {
      event_id: `e${this.idPrefix}-${String(++this.eventSeq).padStart(9, "0")}`,
      event_type: a.type,
      event_time: this.iso.format(time),
      user_id: s.user.id,
      session_id: s.sessionId,
      device_type: s.device,
      browser: s.browser,
      schema_version: SCHEMA_VERSION,
    };
    if (a.product !== undefined) {
      e.product_id = a.product.product_id;
      e.category = a.product.category;
      e.price = a.product.priceCents / 100;
    }
    if (a.quantity !== undefined) e.quantity = a.quantity;
    if (a.cartCents !== undefined) e.cart_value = a.cartCents / 100;
    if (a.searchQuery !== undefined) e.search_query = a.searchQuery;
    if (a.type === "purchase") {
      e.order_id = `o${this.idPrefix}-${String(++this.orderSeq).padStart(7, "0")}`;
      e.order_value = a.cartCents! / 100;
    }
    if (a.reason !== undefined) e.abandonment_reason = a.reason;
    e.persona = s.user.persona;
    e.intended_outcome = s.outcome;
    return e;
  }

  /** All events in event-time order (ties: session creation order). */
  *events(): Generator<ClickEvent, SimulationSummary, void> {
    for (;;) {
      const batch = this.nextBatch(4096);
      if (batch.length === 0) break;
      for (const e of batch) yield e;
    }
    return this.summary();
  }

  /** The next events in order, at most `max`; an empty array when the run is over. */
  nextBatch(max: number): ClickEvent[] {
    const st = this.stats;
    const cut = this.config.end === "cut";
    const firstTenthEnd = this.startMs + this.tenthMs;
    const lastTenthStart = this.endMs - this.tenthMs;
    const out: ClickEvent[] = [];
    while (out.length < max) {
      const head = this.heap.peek();
      const arrival = this.arrivals.peekTime();
      if (arrival < this.endMs && (head === undefined || arrival <= head.time)) {
        this.spawn();
        continue;
      }
      if (head === undefined) break;
      const s = head;
      if (cut && s.time >= this.endMs) {
        this.heap.pop();
        st.eventsCut += s.actions.length - s.next;
        this.userOpen[s.user.index]!--;
        continue;
      }
      const action = s.actions[s.next++]!;
      const time = s.time;
      const event = this.build(s, action, time);
      st.events++;
      st.eventsByType[action.type]++;
      if (time < this.endMs && time >= this.startMs) {
        st.eventsInWindow++;
        if (time < firstTenthEnd) st.eventsFirstTenth++;
        if (time >= lastTenthStart) st.eventsLastTenth++;
      }
      if (s.next < s.actions.length) {
        s.time = s.base + s.actions[s.next]!.at;
        // The session stays in the heap: one sift instead of a pop and a push.
        this.heap.replaceTop(s);
      } else {
        this.heap.pop();
        this.userOpen[s.user.index]!--;
      }
      out.push(event);
    }
    if (out.length > 0) {
      if (st.firstEventTime === null) st.firstEventTime = out[0]!.event_time;
      this.lastTime = out[out.length - 1]!.event_time;
    }
    return out;
  }

  summary(): SimulationSummary {
    const st = this.stats;
    st.lastEventTime = this.lastTime;
    const d = this.config.duration_s;
    st.realizedRate = st.eventsInWindow / d;
    st.firstTenthRate = st.eventsFirstTenth / (d / 10);
    st.lastTenthRate = st.eventsLastTenth / (d / 10);
    st.spanS =
      st.firstEventTime && st.lastEventTime
        ? (Date.parse(st.lastEventTime) - Date.parse(st.firstEventTime)) / 1000
        : 0;
    return structuredClone(st);
  }
}

/** Convenience: the whole run as an array (tests and small runs). */
export function simulate(
  config: SimulatorConfig,
  startTimeMs?: number,
): { events: ClickEvent[]; summary: SimulationSummary } {
  const sim = new Simulation(config, startTimeMs);
  const events = [...sim.events()];
  return { events, summary: sim.summary() };
}
