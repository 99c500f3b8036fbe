// Every metric the validator computes, by name (the names profiles use as `metric`). Ratio metrics are
// Σ numerator / Σ denominator over per-user rows (sql/user-event-counts.sql, sql/user-session-counts.sql), so
// one query gives the value and a cluster-robust variance. Scalar metrics come from sql/session-summary.sql.
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

export interface ScalarMetric {
  kind: "scalar";
  name: string;
  label: string;
  unit: MetricUnit;
  /** Column of sql/session-summary.sql's single row. */
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

const scalar = (name: string, label: string, unit: MetricUnit, column = name): ScalarMetric => ({
  kind: "scalar",
  name,
  label,
  unit,
  column,
});

export const METRICS: readonly MetricDefinition[] = [
  // Event mix (event level)
  ...EVENT_TYPES.map((t) =>
    ratio(`event_share.${t}`, `${t} share of events`, "user_event_counts", [t], ["events"]),
  ),
  // Funnel (event level). add_to_cart / product_view is not a subset relation, so no interval is claimed.
  ratio(
    "funnel.view_to_cart",
    "add_to_cart / product_view",
    "user_event_counts",
    ["add_to_cart"],
    ["product_view"],
    "ratio",
    false,
  ),
  ratio(
    "funnel.cart_to_checkout",
    "checkout_initiated / add_to_cart",
    "user_event_counts",
    ["checkout_initiated"],
    ["add_to_cart"],
    "ratio",
    false,
  ),
  ratio(
    "funnel.checkout_to_purchase",
    "purchase / checkout_initiated",
    "user_event_counts",
    ["purchase"],
    ["checkout_initiated"],
    "ratio",
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
  ratio(
    "session_conversion_rate",
    "session conversion (purchased / sessions)",
    "user_session_counts",
    ["purchased"],
    ["sessions"],
  ),
  ratio(
    "cart_abandonment_rate",
    "cart abandonment (abandoned / (purchased + abandoned))",
    "user_session_counts",
    ["abandoned"],
    ["purchased", "abandoned"],
  ),
  ratio("bounce_rate", "bounce rate", "user_session_counts", ["bounced"], ["sessions"]),
  ratio(
    "session_add_to_cart_rate",
    "sessions with an add_to_cart / sessions",
    "user_session_counts",
    ["with_cart_additions"],
    ["sessions"],
  ),
  // Averages
  scalar("avg_session_duration_min", "average session duration", "minutes"),
  scalar("median_session_duration_s", "median session duration", "seconds"),
  scalar("avg_page_views", "average page views per session", "per_session"),
  scalar("avg_products_viewed", "average products viewed per session", "per_session"),
  scalar("avg_events_per_session", "average events per session", "per_session"),
  scalar("avg_cart_value", "average cart value (sessions ending with a non-empty cart)", "currency"),
  // Devices and personas (session level)
  ratio("mobile_share", "mobile share of sessions", "user_session_counts", ["device_mobile"], ["sessions"]),
  ...DEVICE_TYPES.map((d) =>
    ratio(
      `device_share.${d}`,
      `${d} share of sessions`,
      "user_session_counts",
      [`device_${d}`],
      ["sessions"],
    ),
  ),
  ...PERSONAS.map((p) =>
    ratio(
      `persona_share.${p}`,
      `${p} share of sessions`,
      "user_session_counts",
      [`persona_${p}`],
      ["sessions"],
    ),
  ),
  ...PERSONAS.map((p) =>
    ratio(
      `conversion_by_persona.${p}`,
      `${p} session conversion`,
      "user_session_counts",
      [`converted_${p}`],
      [`persona_${p}`],
    ),
  ),
];

export const METRIC_NAMES = METRICS.map((m) => m.name);

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

export function metricDefinition(name: string): MetricDefinition | undefined {
  return BY_NAME.get(name);
}
