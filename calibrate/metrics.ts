// The validator's metrics computed in JS from simulated events, so a calibration round needs no DuckDB.
// Sessions come from the same pure sessionizer core every pipeline mode runs; the metric list, names and
// ratio columns come from validation's definitions (validation/metric-definitions.ts). What is written
// here a second time is how a per-user count column or a summary column is counted from a session row
// (validation/per-user-counts.ts, validation/sql/session-summary.sql and validation/sql/realism.sql say it
// in SQL);
// test/calibrate/metrics.test.ts proves both give the same value for every metric on one dataset.
import { Sessionizer } from "../pipeline/aggregator/index.ts";
import { CartstreamError, ERROR_CODES } from "../pipeline/errors/index.ts";
import { type ClickEvent, DEVICE_TYPES, EVENT_TYPES, PERSONAS } from "../pipeline/events/index.ts";
import type { SessionRow } from "../pipeline/model/index.ts";
import { METRICS } from "../validation/index.ts";

export type MetricValues = Record<string, number | null>;

/** Session rows of an event stream in event-time order (one partition, closed at the end). */
export function sessionRows(events: Iterable<ClickEvent>, timeoutS: number): SessionRow[] {
  const sz = new Sessionizer({ timeoutMs: Math.round(timeoutS * 1000) });
  const rows = new Map<string, SessionRow>();
  const take = (c: ReturnType<Sessionizer["drain"]>) => {
    for (const r of c.upserts) rows.set(r.session_id, r);
    for (const k of c.deletes) rows.delete(k);
  };
  let n = 0;
  for (const e of events) {
    sz.add(e, 0);
    if (++n % 8192 === 0) take(sz.drain(0));
  }
  take(sz.closeAll(0));
  return [...rows.values()];
}

type Counter = (row: SessionRow) => boolean;

/** Per-session predicates of the session count columns (validation/per-user-counts.ts, same names). */
const SESSION_COLUMNS: Record<string, Counter> = {
  sessions: () => true,
  purchased: (r) => r.is_converted,
  abandoned: (r) => !r.is_converted && r.cart_value > 0,
  bounced: (r) => r.bounce,
  with_cart_additions: (r) => r.cart_additions > 0,
  single_page: (r) => r.page_views + r.products_viewed === 1,
  ...Object.fromEntries(DEVICE_TYPES.map((d) => [`device_${d}`, (r: SessionRow) => r.device_type === d])),
  ...Object.fromEntries(PERSONAS.map((p) => [`persona_${p}`, (r: SessionRow) => r.persona === p])),
  ...Object.fromEntries(
    PERSONAS.map((p) => [`converted_${p}`, (r: SessionRow) => r.persona === p && r.is_converted]),
  ),
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** DuckDB's quantile_cont: linear interpolation between the order statistics around (n - 1) q. */
function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = Float64Array.from(xs).sort();
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const median = (xs: number[]) => quantile(xs, 0.5);
const ratioOf = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
const ms = (iso: string) => Date.parse(iso);

/** Dwell times (s) of page and product views: to the next event of the same session row. */
function pageDwells(rows: SessionRow[], events: ClickEvent[]): number[] {
  const segments = new Map<string, { key: number; start: number; last: number }[]>();
  rows.forEach((r, key) => {
    const seg = { key, start: ms(r.start_time), last: ms(r.last_activity) };
    const list = segments.get(r.base_session_id);
    if (list) list.push(seg);
    else segments.set(r.base_session_id, [seg]);
  });
  const bySegment: number[][] = rows.map(() => []);
  const times = new Float64Array(events.length);
  events.forEach((e, i) => {
    const t = ms(e.event_time);
    times[i] = t;
    for (const seg of segments.get(e.session_id) ?? []) {
      if (t >= seg.start && t <= seg.last) bySegment[seg.key]!.push(i);
    }
  });
  const out: number[] = [];
  for (const list of bySegment) {
    list.sort((a, b) => times[a]! - times[b]! || cmp(events[a]!.event_id, events[b]!.event_id));
    for (let j = 0; j + 1 < list.length; j++) {
      const t = events[list[j]!]!.event_type;
      if (t === "page_view" || t === "product_view")
        out.push((times[list[j + 1]!]! - times[list[j]!]!) / 1000);
    }
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The columns of sql/realism.sql's one row. */
function realismColumns(rows: SessionRow[], events: ClickEvent[]): MetricValues {
  const pages = (r: SessionRow) => r.page_views + r.products_viewed;
  const duration = (r: SessionRow) => (ms(r.last_activity) - ms(r.start_time)) / 1000;
  const converted = rows.filter((r) => r.is_converted);
  const other = rows.filter((r) => !r.is_converted);
  const pagesMedian = median(rows.map(pages));
  const pagesP95 = quantile(rows.map(pages), 0.95);
  const dwells = pageDwells(rows, events);
  const dwellMedian = median(dwells);
  const dwellMean = mean(dwells);
  return {
    pages_median: pagesMedian,
    pages_p95: pagesP95,
    pages_p95_over_median: ratioOf(pagesP95, pagesMedian),
    converted_pages_ratio: ratioOf(median(converted.map(pages)), median(other.map(pages))),
    converted_duration_ratio: ratioOf(median(converted.map(duration)), median(other.map(duration))),
    dwell_median_s: dwellMedian,
    dwell_mean_s: dwellMean,
    dwell_mean_over_median: ratioOf(dwellMean, dwellMedian),
  };
}

/** The columns of sql/session-summary.sql's one row. */
function summaryColumns(rows: SessionRow[], events: ClickEvent[]): MetricValues {
  const purchased = rows.filter((r) => r.is_converted).length;
  const abandoned = rows.filter((r) => !r.is_converted && r.cart_value > 0).length;
  const carts = rows.filter((r) => r.cart_value > 0).map((r) => r.cart_value);
  const durations = rows.map((r) => r.session_duration_seconds);
  const avgDuration = mean(durations);
  return {
    sessions_total: rows.length,
    sessions_purchased: purchased,
    sessions_abandoned: abandoned,
    sessions_browsing_only: rows.length - purchased - abandoned,
    events_total: events.length,
    users_total: new Set(events.map((e) => e.user_id)).size,
    avg_session_duration_min: avgDuration === null ? null : avgDuration / 60,
    median_session_duration_s: median(durations),
    avg_page_views: mean(rows.map((r) => r.page_views)),
    avg_products_viewed: mean(rows.map((r) => r.products_viewed)),
    avg_events_per_session: mean(rows.map((r) => r.event_count)),
    avg_cart_value: mean(carts),
  };
}

/** Every metric of validation's METRICS for these events and their session rows. */
export function computeMetrics(events: ClickEvent[], rows: SessionRow[]): MetricValues {
  const totals = new Map<string, number>([["events", events.length]]);
  for (const t of EVENT_TYPES) totals.set(t, 0);
  for (const e of events) totals.set(e.event_type, totals.get(e.event_type)! + 1);
  for (const [column, counts] of Object.entries(SESSION_COLUMNS)) {
    let n = 0;
    for (const r of rows) if (counts(r)) n++;
    totals.set(column, n);
  }
  const summary = { ...summaryColumns(rows, events), ...realismColumns(rows, events) };
  const column = (name: string, metric: string): number => {
    const v = totals.get(name);
    if (v === undefined) throw missing(metric, `count column ${name}`);
    return v;
  };
  const out: MetricValues = {};
  for (const m of METRICS) {
    if (m.kind === "scalar") {
      if (!(m.column in summary)) throw missing(m.name, `summary column ${m.column}`);
      out[m.name] = summary[m.column]!;
      continue;
    }
    const y = m.numerator.reduce((s, c) => s + column(c, m.name), 0);
    const x = m.denominator.reduce((s, c) => s + column(c, m.name), 0);
    out[m.name] = x > 0 ? y / x : null;
  }
  return out;
}

function missing(metric: string, what: string): CartstreamError {
  return new CartstreamError(
    ERROR_CODES.BAD_INPUT,
    `metric ${metric}: calibrate has no JS counterpart of validation's ${what}; add it to calibrate/metrics.ts (test/calibrate/metrics.test.ts checks it against the SQL)`,
  );
}
