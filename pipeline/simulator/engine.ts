// The simulation engine: a Poisson arrival process of sessions over the run window, each session a
// planned sequence of actions separated by think times, merged in event-time order through a heap.
// Pure: no I/O, no wall clock; all randomness from the seed.
import { MinHeap } from "../collections/index.ts";
import type { ClickEvent, DeviceType, EventType, IntendedOutcome, Persona } from "../events/index.ts";
import { DEVICE_TYPES, EVENT_TYPES, PERSONAS, SCHEMA_VERSION } from "../events/index.ts";
import type { Catalog } from "./catalog.ts";
import { buildCatalog } from "./catalog.ts";
import { IsoFormatter } from "./iso-time.ts";
import type { SimulatorConfig } from "./options.ts";
import type { Rng, WeightTable } from "./rng.ts";
import { createRng, weightTable } from "./rng.ts";
import type { Action, PlanTables } from "./session-plan.ts";
import { planSession, planTables } from "./session-plan.ts";

interface LiveSession {
  time: number;
  seq: number;
  sessionId: string;
  userIndex: number;
  persona: Persona;
  outcome: IntendedOutcome;
  device: DeviceType;
  browser: string;
  actions: Action[];
  next: number;
}

export interface SimulationSummary {
  seed: number;
  events: number;
  eventsByType: Record<EventType, number>;
  sessions: number;
  sessionsByPersona: Record<Persona, number>;
  sessionsByOutcome: Record<IntendedOutcome, number>;
  sessionsByDevice: Record<DeviceType, number>;
  usersByPersona: Record<Persona, number>;
  /** Sessions the simulator split on purpose (idle longer than the timeout, same session_id). */
  intendedSplits: number;
  /** events / duration_s: the rate over the configured window. */
  realizedRate: number;
  targetRate: number;
  durationS: number;
  /** Event time of the last event minus the first, in seconds (includes the drain after the window). */
  spanS: number;
  firstEventTime: string | null;
  lastEventTime: string | null;
  peakOpenSessions: number;
  /** The largest number of sessions any one user had open at once (tabs/devices). */
  maxOpenSessionsPerUser: number;
  /** Events dropped by end=cut because they fell after the window. */
  eventsCut: number;
}

function allocatePersonas(config: SimulatorConfig, rng: Rng): Persona[] {
  // Exact allocation (largest remainder), then a seeded shuffle: user shares match the config to
  // within one user instead of drifting with sampling noise.
  const total = PERSONAS.reduce((s, p) => s + config.personas[p].share, 0);
  const exact = PERSONAS.map((p) => (config.personas[p].share / total) * config.users);
  const counts = exact.map(Math.floor);
  let left = config.users - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]! += 1;
  }
  const users: Persona[] = [];
  PERSONAS.forEach((p, i) => {
    for (let k = 0; k < counts[i]!; k++) users.push(p);
  });
  for (let i = users.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [users[i], users[j]] = [users[j]!, users[i]!];
  }
  return users;
}

/** Mean events per session under this config, estimated from plans drawn on an independent stream. */
export function meanEventsPerSession(config: SimulatorConfig, catalog: Catalog, samples = 4000): number {
  const rng = createRng(config.seed).fork("calibration");
  const tables = planTables(config);
  const personaTable = weightTable(
    Object.fromEntries(PERSONAS.map((p) => [p, config.personas[p].share])) as Record<Persona, number>,
  );
  let events = 0;
  for (let i = 0; i < samples; i++) {
    events += planSession(rng.weighted(personaTable), config, tables, catalog, rng).actions.length;
  }
  return events / samples;
}

export class Simulation {
  readonly config: SimulatorConfig;
  readonly catalog: Catalog;
  private readonly rng: Rng;
  private readonly tables: PlanTables;
  private readonly deviceTable: WeightTable<DeviceType>;
  private readonly browserTables: Record<DeviceType, WeightTable<string>>;
  private readonly userPersona: Persona[];
  private readonly userIds: string[];
  private readonly userOpen: Int32Array;
  private readonly heap = new MinHeap<LiveSession>();
  private readonly startMs: number;
  private readonly endMs: number;
  private readonly meanInterArrivalMs: number;
  private readonly thinkMinMs: number;
  private readonly thinkSpanMs: number;
  private readonly idleMinMs: number;
  private readonly idleSpanMs: number;
  private readonly idPrefix: string;
  private nextArrival: number;
  private sessionSeq = 0;
  private eventSeq = 0;
  private orderSeq = 0;
  private readonly stats: SimulationSummary;
  private readonly iso = new IsoFormatter();
  private lastTime: string | null = null;

  /** `startTimeMs` overrides config.start_time (the real clock anchors the run at the wall clock). */
  constructor(config: SimulatorConfig, startTimeMs?: number) {
    this.config = config;
    this.rng = createRng(config.seed);
    this.catalog = buildCatalog(config.catalog, this.rng.fork("catalog"));
    this.tables = planTables(config);
    this.deviceTable = weightTable(
      Object.fromEntries(DEVICE_TYPES.map((d) => [d, config.devices[d].share])) as Record<DeviceType, number>,
    );
    this.browserTables = Object.fromEntries(
      DEVICE_TYPES.map((d) => [d, weightTable(config.devices[d].browsers)]),
    ) as Record<DeviceType, WeightTable<string>>;
    this.userPersona = allocatePersonas(config, this.rng.fork("users"));
    const width = Math.max(4, String(config.users).length);
    this.userIds = this.userPersona.map((_, i) => `u${String(i + 1).padStart(width, "0")}`);
    this.userOpen = new Int32Array(config.users);
    this.startMs = startTimeMs ?? Date.parse(config.start_time);
    this.endMs = this.startMs + Math.round(config.duration_s * 1000);
    const perSession = meanEventsPerSession(config, this.catalog);
    this.meanInterArrivalMs = (1000 * perSession) / config.rate;
    const s = config.session;
    this.thinkMinMs = Math.round(s.think_time_s.min * 1000);
    this.thinkSpanMs = Math.round(s.think_time_s.max * 1000) - this.thinkMinMs;
    this.idleMinMs = Math.round(s.idle_gap_s.min * 1000);
    this.idleSpanMs = Math.round(s.idle_gap_s.max * 1000) - this.idleMinMs;
    this.idPrefix = config.seed.toString(36);
    this.nextArrival = this.startMs;
    const zero = <K extends string>(keys: readonly K[]) =>
      Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    const usersByPersona = zero(PERSONAS);
    for (const p of this.userPersona) usersByPersona[p]++;
    this.stats = {
      seed: config.seed,
      events: 0,
      eventsByType: zero(EVENT_TYPES),
      sessions: 0,
      sessionsByPersona: zero(PERSONAS),
      sessionsByOutcome: zero(["purchase", "abandon", "browse"] as const),
      sessionsByDevice: zero(DEVICE_TYPES),
      usersByPersona,
      intendedSplits: 0,
      realizedRate: 0,
      targetRate: config.rate,
      durationS: config.duration_s,
      spanS: 0,
      firstEventTime: null,
      lastEventTime: null,
      peakOpenSessions: 0,
      maxOpenSessionsPerUser: 0,
      eventsCut: 0,
    };
  }

  /** Event time (ms) of the first event; the real clock paces against it. */
  get startTimeMs(): number {
    return this.startMs;
  }

  private spawn(time: number): void {
    const userIndex = Math.floor(this.rng.next() * this.userIds.length);
    const persona = this.userPersona[userIndex]!;
    const device = this.rng.weighted(this.deviceTable);
    const browser = this.rng.weighted(this.browserTables[device]);
    const { outcome, actions } = planSession(persona, this.config, this.tables, this.catalog, this.rng);
    const seq = this.sessionSeq++;
    this.heap.push({
      time,
      seq,
      sessionId: `s${this.idPrefix}-${String(seq + 1).padStart(7, "0")}`,
      userIndex,
      persona,
      outcome,
      device,
      browser,
      actions,
      next: 0,
    });
    const st = this.stats;
    st.sessions++;
    st.sessionsByPersona[persona]++;
    st.sessionsByOutcome[outcome]++;
    st.sessionsByDevice[device]++;
    if (actions.some((a) => a.afterIdle)) st.intendedSplits++;
    const open = ++this.userOpen[userIndex]!;
    if (open > st.maxOpenSessionsPerUser) st.maxOpenSessionsPerUser = open;
    if (this.heap.size > st.peakOpenSessions) st.peakOpenSessions = this.heap.size;
  }

  private build(s: LiveSession, a: Action, time: number): ClickEvent {
    const e: ClickEvent = {
      event_id: `e${this.idPrefix}-${String(++this.eventSeq).padStart(9, "0")}`,
      event_type: a.type,
      event_time: this.iso.format(time),
      user_id: this.userIds[s.userIndex]!,
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
    e.persona = s.persona;
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
    const out: ClickEvent[] = [];
    while (out.length < max) {
      const head = this.heap.peek();
      if (this.nextArrival < this.endMs && (head === undefined || this.nextArrival <= head.time)) {
        this.spawn(this.nextArrival);
        this.nextArrival += Math.max(1, Math.round(this.rng.exp(this.meanInterArrivalMs)));
        continue;
      }
      if (head === undefined) break;
      const s = head;
      if (cut && s.time >= this.endMs) {
        this.heap.pop();
        st.eventsCut += s.actions.length - s.next;
        this.userOpen[s.userIndex]!--;
        continue;
      }
      const action = s.actions[s.next++]!;
      const event = this.build(s, action, s.time);
      st.events++;
      st.eventsByType[action.type]++;
      if (s.next < s.actions.length) {
        const following = s.actions[s.next]!;
        s.time +=
          this.thinkMinMs +
          Math.floor(this.rng.next() * (this.thinkSpanMs + 1)) +
          (following.afterIdle ? this.idleMinMs + Math.floor(this.rng.next() * (this.idleSpanMs + 1)) : 0);
        // The session stays in the heap: one sift instead of a pop and a push.
        this.heap.replaceTop(s);
      } else {
        this.heap.pop();
        this.userOpen[s.userIndex]!--;
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
    st.realizedRate = st.events / this.config.duration_s;
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
