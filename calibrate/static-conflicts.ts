// Conflicts a profile has before anything is simulated: targets whose ranges cannot hold together on any
// dataset, because the metrics are tied by an identity of how they are counted (shares of one whole sum
// to 1, one metric is the ratio of two others, disjoint session classes cannot exceed all sessions).
import { DEVICE_TYPES, EVENT_TYPES, PERSONAS } from "../pipeline/events/index.ts";
import type { Range } from "../validation/index.ts";
import type { Target } from "./targets.ts";

export interface Conflict {
  kind: "static" | "dynamic";
  /** The metrics whose targets cannot hold together. */
  metrics: string[];
  message: string;
}

type Ranges = Map<string, Range>;

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const num = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3));

/** Shares of one whole (event types, devices, personas): the lower bounds must leave room, the upper reach 1. */
function sharesOfOne(ranges: Ranges, names: string[], what: string): Conflict[] {
  const given = names.filter((n) => ranges.has(n));
  if (given.length < 2) return [];
  const lows = given.reduce((s, n) => s + ranges.get(n)!.min, 0);
  const out: Conflict[] = [];
  if (lows > 1 + 1e-12) {
    out.push({
      kind: "static",
      metrics: given,
      message: `${what} shares cannot all reach their minimums: the minimums sum to ${pct(lows)} (over 100%)`,
    });
  }
  if (given.length === names.length) {
    const highs = given.reduce((s, n) => s + ranges.get(n)!.max, 0);
    if (highs < 1 - 1e-12) {
      out.push({
        kind: "static",
        metrics: given,
        message: `${what} shares cannot sum to 100%: every ${what} has a range and the maximums sum to ${pct(highs)}`,
      });
    }
  }
  return out;
}

/** Two names for the same quantity must have overlapping ranges. */
function same(ranges: Ranges, a: string, b: string): Conflict[] {
  const ra = ranges.get(a);
  const rb = ranges.get(b);
  if (!ra || !rb || (ra.max >= rb.min && rb.max >= ra.min)) return [];
  return [
    {
      kind: "static",
      metrics: [a, b],
      message: `${a} and ${b} are the same quantity but their ranges ${pct(ra.min)}-${pct(ra.max)} and ${pct(rb.min)}-${pct(rb.max)} do not overlap`,
    },
  ];
}

/** ratio = top / bottom: the range the other two imply must meet the ratio's own range. */
function quotient(ranges: Ranges, ratio: string, top: string, bottom: string): Conflict[] {
  const q = ranges.get(ratio);
  const t = ranges.get(top);
  const b = ranges.get(bottom);
  if (!q || !t || !b || b.max <= 0) return [];
  const low = t.min / b.max;
  const high = b.min > 0 ? t.max / b.min : Number.POSITIVE_INFINITY;
  if (high >= q.min && low <= q.max) return [];
  return [
    {
      kind: "static",
      metrics: [ratio, top, bottom],
      message: `${ratio} = ${top} / ${bottom}; their ranges imply ${num(low)}-${num(high)}, which misses ${ratio}'s range ${num(q.min)}-${num(q.max)}`,
    },
  ];
}

/** Disjoint classes of sessions: their lower bounds must not exceed all sessions. */
function disjoint(ranges: Ranges, a: string, b: string, why: string): Conflict[] {
  const ra = ranges.get(a);
  const rb = ranges.get(b);
  if (!ra || !rb || ra.min + rb.min <= 1 + 1e-12) return [];
  return [
    {
      kind: "static",
      metrics: [a, b],
      message: `${a} and ${b} count disjoint sessions (${why}), but their minimums sum to ${pct(ra.min + rb.min)}`,
    },
  ];
}

/** Every conflict the ranges have with each other, whatever the config (the targets' aimed-at ranges). */
export function staticConflicts(targets: readonly Target[]): Conflict[] {
  const ranges: Ranges = new Map(targets.map((t) => [t.metric, t.range]));
  const share = (t: string) => `event_share.${t}`;
  // mobile_share and device_share.mobile are one quantity: use whichever is narrower for the sum.
  const devices = new Map(ranges);
  const mobile = ranges.get("mobile_share");
  if (mobile && !ranges.has("device_share.mobile")) devices.set("device_share.mobile", mobile);
  return [
    ...sharesOfOne(ranges, EVENT_TYPES.map(share), "event"),
    ...sharesOfOne(
      devices,
      DEVICE_TYPES.map((d) => `device_share.${d}`),
      "device",
    ),
    ...sharesOfOne(
      ranges,
      PERSONAS.map((p) => `persona_share.${p}`),
      "persona",
    ),
    ...same(ranges, "mobile_share", "device_share.mobile"),
    ...same(ranges, "checkout_completion_rate", "funnel.checkout_to_purchase"),
    ...quotient(ranges, "checkout_completion_rate", share("purchase"), share("checkout_initiated")),
    ...quotient(ranges, "funnel.checkout_to_purchase", share("purchase"), share("checkout_initiated")),
    ...quotient(ranges, "funnel.view_to_cart", share("add_to_cart"), share("product_view")),
    ...quotient(ranges, "funnel.cart_to_checkout", share("checkout_initiated"), share("add_to_cart")),
    ...quotient(ranges, share("page_view"), "avg_page_views", "avg_events_per_session"),
    ...quotient(ranges, share("product_view"), "avg_products_viewed", "avg_events_per_session"),
    ...disjoint(ranges, "bounce_rate", "session_add_to_cart_rate", "a bounce has no cart addition"),
    ...disjoint(ranges, "bounce_rate", "session_conversion_rate", "a bounce has no purchase"),
    ...startsPerSession(ranges),
  ];
}

/** A session holds at most one session_start, so session_start's share is at most 1 / events per session. */
function startsPerSession(ranges: Ranges): Conflict[] {
  const s = ranges.get("event_share.session_start");
  const e = ranges.get("avg_events_per_session");
  if (!s || !e || e.min <= 0 || s.min <= 1 / e.min) return [];
  return [
    {
      kind: "static",
      metrics: ["event_share.session_start", "avg_events_per_session"],
      message: `a session has at most one session_start, so its share is at most 1 / events per session = ${pct(1 / e.min)} at the minimum of avg_events_per_session, below the share's minimum ${pct(s.min)}`,
    },
  ];
}
