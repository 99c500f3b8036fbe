// Test helpers shared by the aggregator and ground-truth tests: an event builder (valid per the event
// schema), hand-made fixtures, a random event-stream arbitrary and a sink that applies drained changes.
import fc from "fast-check";
import type { SessionChanges, Sessionizer } from "../../../pipeline/aggregator/index.ts";
import { type ClickEvent, EVENT_TYPES, type EventType, eventSchema } from "../../../pipeline/events/index.ts";
import type { SessionRow } from "../../../pipeline/model/index.ts";

export const T0 = Date.UTC(2025, 9, 20, 12, 0, 0, 0);

/** ISO time `ms` milliseconds after T0. */
export function iso(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

export type EventFields = Partial<Omit<ClickEvent, "event_type" | "event_time">>;

/**
 * One valid event of `type` at T0 + `ms`. Type-specific fields get defaults (product p1, quantity 1,
 * cart_value 0, order o1 for 10.00, query "shoes"); `fields` override anything. Default event_id:
 * `${session_id}-${ms}-${type}`.
 */
export function ev(type: EventType, ms: number, fields: EventFields = {}): ClickEvent {
  const session = fields.session_id ?? "s1";
  const base: Record<string, unknown> = {
    event_id: `${session}-${ms}-${type}`,
    event_type: type,
    event_time: iso(ms),
    user_id: "u1",
    session_id: session,
    device_type: "mobile",
    browser: "Chrome",
    schema_version: 1,
  };
  switch (type) {
    case "product_view":
      Object.assign(base, { product_id: "p1", category: "shoes", price: 10 });
      break;
    case "add_to_cart":
    case "remove_from_cart":
      Object.assign(base, { product_id: "p1", category: "shoes", price: 10, quantity: 1, cart_value: 0 });
      break;
    case "checkout_initiated":
      Object.assign(base, { cart_value: 0 });
      break;
    case "purchase":
      Object.assign(base, { cart_value: 0, order_id: "o1", order_value: 10 });
      break;
    case "search":
      Object.assign(base, { search_query: "shoes" });
      break;
    default:
      break;
  }
  return eventSchema.parse({ ...base, ...fields });
}

/** Shorthand: events of one session from [type, ms, fields?] steps. */
export function session(steps: [EventType, number, EventFields?][], common: EventFields = {}): ClickEvent[] {
  return steps.map(([type, ms, fields]) => ev(type, ms, { ...common, ...fields }));
}

/** Sorts by (event_time, event_id) like the core and the SQL. */
export function sortEvents(events: readonly ClickEvent[]): ClickEvent[] {
  return [...events].sort((a, b) =>
    a.event_time < b.event_time
      ? -1
      : a.event_time > b.event_time
        ? 1
        : a.event_id < b.event_id
          ? -1
          : a.event_id > b.event_id
            ? 1
            : 0,
  );
}

/** Hand-made event lists, each a complete stream (used by both the core tests and the ground-truth tests). */
export const FIXTURES: Record<string, ClickEvent[]> = {
  "purchase path": session(
    [
      ["session_start", 0, { persona: "intent_buyer", intended_outcome: "purchase" }],
      ["page_view", 10_000],
      ["search", 20_000],
      ["product_view", 30_000, { product_id: "p1" }],
      ["product_view", 40_000, { product_id: "p2" }],
      ["product_view", 50_000, { product_id: "p1" }],
      ["add_to_cart", 60_000, { product_id: "p1", quantity: 2, cart_value: 21.98 }],
      ["checkout_initiated", 70_000, { cart_value: 21.98 }],
      ["purchase", 80_000, { cart_value: 21.98, order_value: 21.98 }],
      ["session_end", 90_500],
    ],
    { device_type: "desktop", browser: "Firefox" },
  ),
  "abandoned cart": session(
    [
      ["session_start", 0],
      ["product_view", 5_000, { product_id: "p1" }],
      ["add_to_cart", 10_000, { product_id: "p1", cart_value: 5.5 }],
      ["product_view", 15_000, { product_id: "p2" }],
      ["add_to_cart", 20_000, { product_id: "p2", cart_value: 17.25 }],
      ["remove_from_cart", 25_000, { product_id: "p1", cart_value: 11.75, abandonment_reason: "high_price" }],
      ["page_view", 30_000, { abandonment_reason: "unexpected_shipping_costs" }],
      ["page_view", 33_333],
    ],
    { session_id: "s2", user_id: "u2" },
  ),
  bounce: session(
    [
      ["session_start", 0],
      ["page_view", 1_234],
    ],
    { session_id: "s3" },
  ),
  "no views": session(
    [
      ["session_start", 0],
      ["search", 2_000],
    ],
    { session_id: "s4" },
  ),
  "single event": session([["page_view", 7]], { session_id: "s5" }),
  "gap splits": session(
    [
      ["session_start", 0],
      ["page_view", 60_000], // gap = timeout: same segment
      ["page_view", 120_001], // gap = timeout + 1: new segment
      ["page_view", 130_000],
      ["page_view", 400_000],
    ],
    { session_id: "s6" },
  ),
  "every rule": session(
    [
      ["page_view", 0], // (a) first is not session_start
      ["session_start", 1_000], // (a) session_start not first
      ["add_to_cart", 2_000, { product_id: "p9" }], // (b) not viewed
      ["remove_from_cart", 3_000, { product_id: "p8" }], // (c) not in cart
      ["remove_from_cart", 4_000, { product_id: "p9", quantity: 5 }], // fine: p9 in cart (clamps to 0)
      ["checkout_initiated", 5_000], // (d) cart empty
      ["purchase", 6_000], // fine: checkout since start
      ["purchase", 7_000, { order_id: "o2", order_value: 0.1 }], // (e) no checkout since previous purchase
      ["session_end", 8_000],
      ["page_view", 9_000], // (f) after session_end
      ["session_end", 10_000], // (f) after session_end
    ],
    { session_id: "s7" },
  ),
  "ties by event_id": [
    ev("session_start", 0, { session_id: "s8", event_id: "b" }),
    ev("page_view", 0, { session_id: "s8", event_id: "a" }), // sorts first: (a) twice
    ev("product_view", 500, { session_id: "s8", event_id: "x10", product_id: "p1" }),
    ev("add_to_cart", 500, { session_id: "s8", event_id: "x2", product_id: "p1", cart_value: 3 }), // after x10: ok
    ev("add_to_cart", 500, { session_id: "s8", event_id: "x1", product_id: "p1", cart_value: 1 }), // before x10: (b)
  ],
  "money rounding": session(
    [
      ["session_start", 0],
      ["product_view", 1_000],
      ["add_to_cart", 2_000, { cart_value: 1.005 }],
      ["checkout_initiated", 3_000, { cart_value: 1.005 }],
      ["purchase", 4_000, { order_value: 0.285, cart_value: 2.675 }],
      ["product_view", 5_000],
      ["add_to_cart", 6_000, { cart_value: 0.145 }],
      ["checkout_initiated", 7_000, { cart_value: 0.145 }],
      ["purchase", 8_000, { order_id: "o2", order_value: 1.115, cart_value: 0.1 }],
    ],
    { session_id: "s9" },
  ),
  "avg time rounding": session(
    [
      ["session_start", 0],
      ["page_view", 1_000],
      ["page_view", 2_000],
      ["product_view", 4_015], // 4015 ms / 3 views = 1.338333 s -> 1.34
    ],
    { session_id: "s10" },
  ),
  "persona late": session(
    [
      ["session_start", 0],
      ["page_view", 1_000, { persona: "cart_abandoner" }],
      ["page_view", 2_000, { persona: "window_shopper", intended_outcome: "browse" }],
    ],
    { session_id: "s11" },
  ),
};

// ---------------------------------------------------------------------------------------------
// Random streams

export interface RandomStep {
  type: EventType;
  gapMs: number;
  product: number;
  quantity: number;
  cents: number;
  reason: number; // -1 = none
}

export interface RandomSession {
  user: number;
  startMs: number;
  persona: number; // -1 = none
  steps: RandomStep[];
}

const REASONS = ["high_price", "just_browsing", "payment_concerns"] as const;
const PERSONA_NAMES = ["window_shopper", "intent_buyer", "cart_abandoner"] as const;

/** Gaps: mostly short, sometimes exactly the timeout, sometimes just over it, sometimes far over it. */
export function gapArb(timeoutMs: number): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom(timeoutMs, timeoutMs + 1) },
    { weight: 1, arbitrary: fc.integer({ min: timeoutMs + 2, max: 4 * timeoutMs }) },
  );
}

export function randomSessionArb(
  timeoutMs: number,
  maxSteps = 14,
  gaps: fc.Arbitrary<number> = gapArb(timeoutMs),
): fc.Arbitrary<RandomSession> {
  const step = fc.record({
    type: fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom(...EVENT_TYPES) },
      { weight: 1, arbitrary: fc.constantFrom<EventType>("product_view", "add_to_cart", "page_view") },
    ),
    gapMs: gaps,
    product: fc.integer({ min: 0, max: 2 }),
    quantity: fc.integer({ min: 1, max: 3 }),
    cents: fc.integer({ min: 0, max: 50_000 }),
    reason: fc.integer({ min: -3, max: 2 }),
  });
  return fc.record({
    user: fc.integer({ min: 0, max: 5 }),
    startMs: fc.integer({ min: 0, max: 300_000 }),
    persona: fc.integer({ min: -1, max: 2 }),
    steps: fc.array(step, { minLength: 1, maxLength: maxSteps }),
  });
}

/** Turns random sessions into valid events (ids `${session}-${k}`, so string order differs from numeric). */
export function buildEvents(sessions: RandomSession[]): ClickEvent[] {
  const out: ClickEvent[] = [];
  sessions.forEach((s, i) => {
    const sid = `s${i}`;
    let t = s.startMs;
    s.steps.forEach((st, k) => {
      if (k > 0) t += st.gapMs;
      const money = st.cents / 100;
      const fields: EventFields = {
        event_id: `${sid}-${k}`,
        session_id: sid,
        user_id: `u${s.user}`,
        device_type: (["mobile", "desktop", "tablet"] as const)[s.user % 3],
        browser: s.user % 2 === 0 ? "Chrome" : "Safari",
      };
      if (s.persona >= 0 && k === Math.min(1, s.steps.length - 1)) {
        fields.persona = PERSONA_NAMES[s.persona];
        fields.intended_outcome = "browse";
      }
      if (st.reason >= 0) fields.abandonment_reason = REASONS[st.reason];
      switch (st.type) {
        case "product_view":
          fields.product_id = `p${st.product}`;
          break;
        case "add_to_cart":
        case "remove_from_cart":
          fields.product_id = `p${st.product}`;
          fields.quantity = st.quantity;
          fields.cart_value = money;
          break;
        case "checkout_initiated":
          fields.cart_value = money;
          break;
        case "purchase":
          fields.cart_value = money;
          fields.order_id = `o${i}-${k}`;
          fields.order_value = money;
          break;
        default:
          break;
      }
      out.push(ev(st.type, t, fields));
    });
  });
  return out;
}

/** A random stream: 1..maxSessions sessions. */
export function streamArb(
  timeoutMs: number,
  maxSessions = 10,
  gaps: fc.Arbitrary<number> = gapArb(timeoutMs),
): fc.Arbitrary<ClickEvent[]> {
  return fc
    .array(randomSessionArb(timeoutMs, 14, gaps), { minLength: 1, maxLength: maxSessions })
    .map(buildEvents);
}

/** Gaps in (timeout/2, timeout]: any event delivered after both neighbours bridges two segments. */
export function bridgingGapArb(timeoutMs: number): fc.Arbitrary<number> {
  return fc.integer({ min: Math.floor(timeoutMs / 2) + 1, max: timeoutMs });
}

export function timeMs(e: ClickEvent): number {
  return Date.parse(e.event_time);
}

/** mulberry32: a tiny seeded generator of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Delivery order: sorted by event time + a seeded jitter in [0, spreadMs]. With spreadMs <= allowedLatenessMs
 * no event is too late (an event is delivered only after events at most spreadMs later than it).
 */
export function deliveryOrder(events: readonly ClickEvent[], seed: number, spreadMs: number): ClickEvent[] {
  const random = seededRandom(seed);
  const keyed = events.map((e, i) => ({ e, k: timeMs(e) + Math.floor(random() * (spreadMs + 1)), i }));
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return keyed.map((x) => x.e);
}

/** Partition of a user (stable, like a key hash). */
export function partitionOf(e: ClickEvent, partitions = 3): number {
  let h = 0;
  for (let i = 0; i < e.user_id.length; i++) h = (h * 31 + e.user_id.charCodeAt(i)) >>> 0;
  return h % partitions;
}

/** A store stand-in: applies drained changes by key, checking a drain never deletes and upserts one key. */
export class Sink {
  readonly rows = new Map<string, SessionRow>();

  apply(changes: SessionChanges): void {
    const up = new Set(changes.upserts.map((r) => r.session_id));
    if (up.size !== changes.upserts.length) throw new Error("a drain upserted one key twice");
    for (const k of changes.deletes) {
      if (up.has(k)) throw new Error(`a drain both deleted and upserted ${k}`);
      this.rows.delete(k);
    }
    for (const r of changes.upserts) this.rows.set(r.session_id, r);
  }

  sorted(): SessionRow[] {
    return [...this.rows.values()].sort((a, b) => (a.session_id < b.session_id ? -1 : 1));
  }
}

/** Feeds `events` (in the given order), draining every `drainEvery` events; returns accepted events. */
export function feed(
  sz: Sessionizer,
  sink: Sink,
  events: readonly ClickEvent[],
  drainEvery: number,
  partitions = 3,
): { accepted: ClickEvent[]; tooLate: ClickEvent[]; duplicates: number } {
  const accepted: ClickEvent[] = [];
  const tooLate: ClickEvent[] = [];
  let duplicates = 0;
  events.forEach((e, i) => {
    const r = sz.add(e, partitionOf(e, partitions));
    if (r === "accepted") accepted.push(e);
    else if (r === "too_late") tooLate.push(e);
    else if (r === "duplicate") duplicates++;
    if ((i + 1) % drainEvery === 0) sink.apply(sz.drain());
  });
  return { accepted, tooLate, duplicates };
}

/** Rows without the transport column, ordered by (base_session_id, segment) like the ground truth. */
export function withoutPartition(rows: readonly SessionRow[]): Omit<SessionRow, "kafka_partition">[] {
  return [...rows]
    .sort((a, b) =>
      a.base_session_id < b.base_session_id
        ? -1
        : a.base_session_id > b.base_session_id
          ? 1
          : a.segment - b.segment,
    )
    .map(({ kafka_partition: _p, ...rest }) => rest);
}
