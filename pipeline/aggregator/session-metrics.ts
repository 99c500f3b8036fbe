// One segment's events (sorted by event_time, event_id) -> its user_sessions row.
// The DuckDB ground truth (pipeline/ground-truth/sessions.sql) implements the same definitions; keep both in step.
import type { ClickEvent } from "../events/index.ts";
import { type SessionRow, segmentKey } from "../model/index.ts";
import { SequenceChecker, type SequenceState } from "./sequencing.ts";

export interface SegmentInfo {
  base_session_id: string;
  /** 1-based segment number within the base session id. */
  segment: number;
  /** Closed segments get end_time/ended_by even without a session_end. */
  closed: boolean;
  kafka_partition: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const BAD = -100_000;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : BAD;
}
function two(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

// Events of one partition mostly share the date: remember the last date prefix and its midnight.
let cachedDate = "";
let cachedMidnight = 0;

function midnightOf(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const y = two(s, 0) * 100 + two(s, 2);
  const m = two(s, 5);
  const d = two(s, 8);
  if (y < 1000 || m < 1 || m > 12 || d < 1) return Number.NaN;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 1 : 0;
  if (d > DAYS_IN_MONTH[m - 1]! + leap) return Number.NaN;
  return Date.UTC(y, m - 1, d);
}

/**
 * Milliseconds since the epoch of an event_time. The schema's form ("2025-10-20T12:00:00.000Z") is parsed
 * by hand (about 10x faster than Date.parse); anything else falls back to Date.parse. NaN when invalid.
 */
export function parseEventTime(s: string): number {
  if (
    s.length !== 24 ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46 ||
    s.charCodeAt(23) !== 90 // Z
  ) {
    return Date.parse(s);
  }
  if (!s.startsWith(cachedDate) || cachedDate === "") {
    const midnight = midnightOf(s);
    if (Number.isNaN(midnight)) return Number.NaN;
    cachedDate = s.slice(0, 10);
    cachedMidnight = midnight;
  }
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  const ms = digit(s, 20) * 100 + two(s, 21);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return Number.NaN;
  return cachedMidnight + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}

/** The row form of an event time: the event's own string when already canonical, else re-formatted. */
function rowTime(s: string): string {
  return s.length === 24 && s.charCodeAt(23) === 90 && s.charCodeAt(10) === 84
    ? s
    : new Date(parseEventTime(s)).toISOString();
}

/** Money in integer cents (the row's DECIMAL(10,2)), rounding half up like the SQL cast. */
export function toCents(value: number): number {
  return Math.round(value * 100);
}

/** avg_time_per_page in hundredths: round-half-up of durationMs / (1000 * views), in integers (same formula in SQL). */
export function avgTimePerPageCentis(durationMs: number, views: number): number {
  return views === 0 ? 0 : Math.floor((2 * durationMs + 10 * views) / (20 * views));
}

/** A violating event and the bit mask of the rules it breaks (sequencing.ts rulesOf). */
export interface LoggedViolation {
  event: ClickEvent;
  bits: number;
}

/** The SessionAccumulator as JSON (session_state): counts, first/last times, cart and rule state. */
export interface AccumulatorState {
  count: number;
  user: string;
  first: string;
  last: string;
  device: string | null;
  browser: string | null;
  persona: string | null;
  intended: string | null;
  /** page_views, products_viewed, searches, cart_additions, cart_removals, checkouts, purchases. */
  counts: number[];
  purchaseCents: number;
  cartValue: number | null;
  abandonment: string | null;
  endTime: string | null;
  sequence: SequenceState;
  /** The violating events so far, reported when the segment closes (rare: kept whole). */
  violations: LoggedViolation[];
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/**
 * A segment's metrics, updated one event at a time in (event_time, event_id) order. It holds no events:
 * counts, the first and last times, the cart and the rule checker's state, and the (rare) violating events,
 * so an open session's state is a few hundred bytes whatever its length.
 */
export class SessionAccumulator {
  count = 0;
  user = "";
  first = "";
  last = "";
  private device: string | undefined;
  private browser: string | undefined;
  private persona: string | undefined;
  private intended: string | undefined;
  private pageViews = 0;
  private productsViewed = 0;
  private searches = 0;
  private cartAdditions = 0;
  private cartRemovals = 0;
  private checkouts = 0;
  private purchases = 0;
  private purchaseCents = 0;
  private cartValue: number | undefined;
  private abandonment: string | undefined;
  private endTime: string | undefined;
  private sequence = new SequenceChecker();
  /** Violating events in order (null until the first). */
  violationLog: LoggedViolation[] | null = null;

  add(e: ClickEvent): void {
    if (this.count === 0) {
      this.first = e.event_time;
      this.user = e.user_id;
    }
    this.last = e.event_time;
    this.count++;
    if (this.device === undefined) this.device = e.device_type;
    if (this.browser === undefined) this.browser = e.browser;
    if (this.persona === undefined) this.persona = e.persona;
    if (this.intended === undefined) this.intended = e.intended_outcome;
    if (e.cart_value !== undefined) this.cartValue = e.cart_value;
    if (e.abandonment_reason !== undefined) this.abandonment = e.abandonment_reason;
    switch (e.event_type) {
      case "page_view":
        this.pageViews++;
        break;
      case "product_view":
        this.productsViewed++;
        break;
      case "search":
        this.searches++;
        break;
      case "add_to_cart":
        this.cartAdditions++;
        break;
      case "remove_from_cart":
        this.cartRemovals++;
        break;
      case "checkout_initiated":
        this.checkouts++;
        break;
      case "purchase":
        this.purchases++;
        if (e.order_value !== undefined) this.purchaseCents += toCents(e.order_value);
        break;
      case "session_end":
        this.endTime = e.event_time;
        break;
      default:
        break;
    }
    const bits = this.sequence.step(e);
    if (bits === 0) return;
    if (this.violationLog === null) this.violationLog = [];
    this.violationLog.push({ event: e, bits });
  }

  /** An independent copy (folding an open segment's unfrozen events into it leaves this one as it was). */
  clone(): SessionAccumulator {
    const c = Object.assign(new SessionAccumulator(), this);
    c.sequence = this.sequence.clone();
    c.violationLog = this.violationLog === null ? null : this.violationLog.slice();
    return c;
  }

  toState(): AccumulatorState {
    return {
      count: this.count,
      user: this.user,
      first: this.first,
      last: this.last,
      device: orNull(this.device),
      browser: orNull(this.browser),
      persona: orNull(this.persona),
      intended: orNull(this.intended),
      counts: [
        this.pageViews,
        this.productsViewed,
        this.searches,
        this.cartAdditions,
        this.cartRemovals,
        this.checkouts,
        this.purchases,
      ],
      purchaseCents: this.purchaseCents,
      cartValue: orNull(this.cartValue),
      abandonment: orNull(this.abandonment),
      endTime: orNull(this.endTime),
      sequence: this.sequence.toState(),
      violations: this.violationLog ?? [],
    };
  }

  /** The accumulator toState() described; the shape is checked by the caller (accumulator-state.ts). */
  static fromState(s: AccumulatorState): SessionAccumulator {
    const a = new SessionAccumulator();
    a.count = s.count;
    a.user = s.user;
    a.first = s.first;
    a.last = s.last;
    a.device = orUndefined(s.device);
    a.browser = orUndefined(s.browser);
    a.persona = orUndefined(s.persona);
    a.intended = orUndefined(s.intended);
    [a.pageViews, a.productsViewed, a.searches, a.cartAdditions, a.cartRemovals, a.checkouts, a.purchases] =
      s.counts as [number, number, number, number, number, number, number];
    a.purchaseCents = s.purchaseCents;
    a.cartValue = orUndefined(s.cartValue);
    a.abandonment = orUndefined(s.abandonment);
    a.endTime = orUndefined(s.endTime);
    a.sequence = SequenceChecker.fromState(s.sequence);
    a.violationLog = s.violations.length === 0 ? null : s.violations.slice();
    return a;
  }

  /** The row of the events added so far (at least one). */
  toRow(info: SegmentInfo): SessionRow {
    const startMs = parseEventTime(this.first);
    const durationMs = parseEventTime(this.last) - startMs;
    const views = this.pageViews + this.productsViewed;
    const lastActivity = rowTime(this.last);
    const ended = this.endTime !== undefined;
    return {
      session_id: segmentKey(info.base_session_id, info.segment),
      user_id: this.user,
      start_time: rowTime(this.first),
      end_time: ended ? rowTime(this.endTime!) : info.closed ? lastActivity : null,
      last_activity: lastActivity,
      device_type: this.device ?? "",
      browser: this.browser ?? "",
      page_views: this.pageViews,
      products_viewed: this.productsViewed,
      unique_products_viewed: this.sequence.distinctViewedProducts(),
      searches: this.searches,
      cart_additions: this.cartAdditions,
      cart_removals: this.cartRemovals,
      cart_value: this.cartValue === undefined ? 0 : toCents(this.cartValue) / 100,
      is_converted: this.purchases > 0,
      purchase_value: this.purchaseCents / 100,
      session_duration_seconds: Math.floor(durationMs / 1000),
      avg_time_per_page: avgTimePerPageCentis(durationMs, views) / 100,
      bounce:
        views === 1 &&
        this.searches + this.cartAdditions + this.cartRemovals + this.checkouts + this.purchases === 0,
      base_session_id: info.base_session_id,
      segment: info.segment,
      event_count: this.count,
      checkouts: this.checkouts,
      purchases: this.purchases,
      ended_by: ended ? "session_end" : info.closed ? "timeout" : null,
      persona: this.persona ?? null,
      intended_outcome: this.intended ?? null,
      abandonment_reason: this.abandonment ?? null,
      sequence_violations: this.sequence.violations,
      kafka_partition: info.kafka_partition,
    };
  }
}

/** Computes one segment's row. `events` must be non-empty and sorted by (event_time, event_id). */
export function computeSessionRow(events: readonly ClickEvent[], info: SegmentInfo): SessionRow {
  const acc = new SessionAccumulator();
  for (let i = 0; i < events.length; i++) acc.add(events[i]!);
  return acc.toRow(info);
}
