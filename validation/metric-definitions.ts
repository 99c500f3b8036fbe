// Every metric the validator computes, by name (the names profiles use as `metric`). Ratio metrics are
// Σ numerator / Σ denominator over per-user rows (per-user-counts.ts), so one query gives the value and a
// cluster-robust variance. Scalar metrics come from one-row queries: sql/session-summary.sql, and
// sql/realism.sql for the realism metrics (published properties of real clickstream).
import { DEVICE_TYPES, EVENT_TYPES, PERSONAS } from "../pipeline/events/index.ts";
import type { MetricUnit } from "./types.ts";

export type PerUserTable = "user_event_counts" | "user_session_counts";

export interface RatioMetric {
  kind: "ratio";
  name: string;
  label: string;
  unit: MetricUnit;
  table: PerUserTable;
  /** Columns of `table` summed for the numerator / denominator (identifiers, quoted when used). */
  numerator: readonly string[];
  denominator: readonly string[];
  /** A proportion (numerator events are a subset of the denominator's): gets a Wilson interval. */
  proportion: boolean;
}

/** The one-row queries scalar metrics read (validation/sql/<name>.sql). */
export const SCALAR_QUERIES = ["session-summary", "realism"] as const;
export type ScalarQuery = (typeof SCALAR_QUERIES)[number];

export interface ScalarMetric {
  kind: "scalar";
  name: string;
  label: string;
  unit: MetricUnit;
  /** The query whose single row holds it. */
  query: ScalarQuery;
  /** Column of that row. */
  column: string;
}

export type MetricDefinition = RatioMetric | ScalarMetric;

const ratio = (
  name: string,
  label: string,
  table: PerUserTable,
  numerator: readonly string[],
  denominator: readonly string[],
  unit: MetricUnit = "share",
  proportion = true,
): RatioMetric => ({ kind: "ratio", name, label, unit, table, numerator, denominator, proportion });

/** Σ numerator events / Σ denominator events over users. */
const eventRatio = (
  name: string,
  label: string,
  numerator: string,
  denominator: string,
  proportion = true,
): RatioMetric => ratio(name, label, "user_event_counts", [numerator], [denominator], "ratio", proportion);

/** A share of sessions: Σ column / Σ sessions over users. */
const sessionShare = (name: string, label: string, column: string): RatioMetric =>
  ratio(name, label, "user_session_counts", [column], ["sessions"]);

const scalar = (
  name: string,
  label: string,
  unit: MetricUnit,
  query: ScalarQuery = "session-summary",
): ScalarMetric => ({ kind: "scalar", name, label, unit, query, column: name });

/** A realism metric from sql/realism.sql. */
const realism = (name: string, label: string, unit: MetricUnit): ScalarMetric =>
  scalar(name, label, unit, "realism");

export const METRICS: readonly MetricDefinition[] = [
  // Event mix (event level)
  ...EVENT_TYPES.map((t) =>
    ratio(`event_share.${t}`, `${t} share of events`, "user_event_counts", [t], ["events"]),
  ),
  // Funnel (event level). add_to_cart / product_view is not a subset relation, so no interval is claimed.
  eventRatio("funnel.view_to_cart", "add_to_cart / product_view", "add_to_cart", "product_view", false),
  eventRatio(
    "funnel.cart_to_checkout",
    "checkout_initiated / add_to_cart",
    "checkout_initiated",
    "add_to_cart",
    false,
  ),
  eventRatio(
    "funnel.checkout_to_purchase",
    "purchase / checkout_initiated",
    "purchase",
    "checkout_initiated",
  ),
  ratio(
    "checkout_completion_rate",
    "checkout completion (purchase / checkout_initiated events)",
    "user_event_counts",
    ["purchase"],
    ["checkout_initiated"],
  ),
  // Sessions
  scalar("sessions_total", "sessions", "count"),
  scalar("sessions_purchased", "purchased sessions (is_converted)", "count"),
  scalar("sessions_abandoned", "abandoned sessions (not converted, cart_value > 0)", "count"),
  scalar("sessions_browsing_only", "browsing-only sessions", "count"),
  scalar("events_total", "events", "count"),
  scalar("users_total", "users", "count"),
  sessionShare("session_conversion_rate", "session conversion (purchased / sessions)", "purchased"),
  ratio(
    "cart_abandonment_rate",
    "cart abandonment (abandoned / (purchased + abandoned))",
    "user_session_counts",
    ["abandoned"],
    ["purchased", "abandoned"],
  ),
  sessionShare("bounce_rate", "bounce rate", "bounced"),
  sessionShare("session_add_to_cart_rate", "sessions with an add_to_cart / sessions", "with_cart_additions"),
  // Averages
  scalar("avg_session_duration_min", "average session duration", "minutes"),
  scalar("median_session_duration_s", "median session duration", "seconds"),
  scalar("avg_page_views", "average page views per session", "per_session"),
  scalar("avg_products_viewed", "average products viewed per session", "per_session"),
  scalar("avg_events_per_session", "average events per session", "per_session"),
  scalar("avg_cart_value", "average cart value (sessions ending with a non-empty cart)", "currency"),
  // Devices and personas (session level)
  sessionShare("mobile_share", "mobile share of sessions", "device_mobile"),
  ...DEVICE_TYPES.map((d) => sessionShare(`device_share.${d}`, `${d} share of sessions`, `device_${d}`)),
  ...PERSONAS.map((p) => sessionShare(`persona_share.${p}`, `${p} share of sessions`, `persona_${p}`)),
  ...PERSONAS.map((p) =>
    ratio(
      `conversion_by_persona.${p}`,
      `${p} session conversion`,
      "user_session_counts",
      [`converted_${p}`],
      [`persona_${p}`],
    ),
  ),
  // Realism: pages = page_view + product_view events of a session; dwell = time from a view to the next event
  realism("pages_median", "median pages per session", "per_session"),
  realism("pages_p95", "95th percentile of pages per session", "per_session"),
  realism("pages_p95_over_median", "pages per session: p95 / median (tail length)", "multiple"),
  realism("converted_pages_ratio", "median pages of converted / of non-converted sessions", "multiple"),
  realism("converted_duration_ratio", "median duration of converted / of non-converted sessions", "multiple"),
  sessionShare("single_page_share", "single-page sessions (exactly one page or product view)", "single_page"),
  realism("dwell_median_s", "median dwell time on a page or product view", "seconds"),
  realism("dwell_mean_s", "mean dwell time on a page or product view", "seconds"),
  realism("dwell_mean_over_median", "dwell time: mean / median (right skew when > 1)", "multiple"),
];

export const METRIC_NAMES = METRICS.map((m) => m.name);
