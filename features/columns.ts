// The dataset's columns, declared once: name, role and meaning for each variant. The SQL marts
// (sql/200_dataset.sql, sql/210_dataset_prediction_point.sql) must produce exactly these columns in this order;
// the build checks it, the manifest and the data card are written from it, and the default feature list is
// every column whose role is "feature".

export const COLUMN_ROLES = ["id", "timestamp", "feature", "label", "metadata"] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export interface ColumnSpec {
  readonly name: string;
  readonly role: ColumnRole;
  readonly meaning: string;
}

const IDS: readonly ColumnSpec[] = [
  {
    name: "session_id",
    role: "id",
    meaning: "session (segment) id: base session id, or `<base>~<n>` for segment n > 1; unique",
  },
  { name: "user_id", role: "id", meaning: "user id; the user split keeps all of a user's sessions together" },
  { name: "base_session_id", role: "id", meaning: "the events' session_id (several segments may share it)" },
  { name: "start_time", role: "timestamp", meaning: "first event's time (UTC); the row's point in time" },
];

const AT_START: readonly ColumnSpec[] = [
  { name: "device_type", role: "feature", meaning: "mobile / desktop / tablet (first event)" },
  { name: "browser", role: "feature", meaning: "browser (first event)" },
  {
    name: "segment",
    role: "feature",
    meaning: "1 for a fresh session; n > 1 when the same session id resumed after an idle gap > timeout",
  },
  { name: "start_hour_utc", role: "feature", meaning: "hour of day of start_time, UTC (0-23)" },
  { name: "start_weekday_utc", role: "feature", meaning: "ISO weekday of start_time, UTC (1 = Monday)" },
];

const HISTORY: readonly ColumnSpec[] = [
  {
    name: "prior_sessions",
    role: "feature",
    meaning: "the user's sessions that started strictly before this one (open or closed)",
  },
  {
    name: "prior_closed_sessions",
    role: "feature",
    meaning: "the user's earlier sessions already known to be over when this one started",
  },
  {
    name: "open_sessions_at_start",
    role: "feature",
    meaning: "prior_sessions - prior_closed_sessions: the user's other sessions still open (tabs, devices)",
  },
  {
    name: "prior_converted_sessions",
    role: "feature",
    meaning: "closed earlier sessions with a purchase",
  },
  { name: "prior_purchases", role: "feature", meaning: "purchase events in closed earlier sessions" },
  { name: "prior_purchase_value", role: "feature", meaning: "order value of closed earlier sessions" },
  {
    name: "prior_abandoned_carts",
    role: "feature",
    meaning: "closed earlier sessions that left a cart behind (abandoned)",
  },
  {
    name: "seconds_since_last_session_end",
    role: "feature",
    meaning: "start_time - end_time of the user's latest closed earlier session, in seconds; NULL if none",
  },
];

const LABELS: readonly ColumnSpec[] = [
  { name: "is_converted", role: "label", meaning: "the session has at least one purchase event" },
  { name: "purchase_value", role: "label", meaning: "sum of the session's order_value (0 if none)" },
  {
    name: "abandoned",
    role: "label",
    meaning: "not is_converted and cart_value > 0: a cart was left behind",
  },
];

const LATENT: readonly ColumnSpec[] = [
  {
    name: "persona",
    role: "metadata",
    meaning:
      "simulator's latent persona (window_shopper / intent_buyer / cart_abandoner): ground truth, not a feature",
  },
  {
    name: "intended_outcome",
    role: "metadata",
    meaning: "simulator's planned outcome (purchase / abandon / browse): almost the label, never a feature",
  },
  {
    name: "abandonment_reason",
    role: "metadata",
    meaning:
      "last abandonment reason in the session; only set when a cart is left behind (leaks `abandoned`)",
  },
];

/** Full-session variant (train.parquet / test.parquet): everything the session did, for post-session models. */
export const DATASET_COLUMNS: readonly ColumnSpec[] = [
  ...IDS,
  ...AT_START,
  { name: "page_views", role: "feature", meaning: "page_view events" },
  { name: "products_viewed", role: "feature", meaning: "product_view events" },
  { name: "unique_products_viewed", role: "feature", meaning: "distinct products viewed" },
  { name: "searches", role: "feature", meaning: "search events" },
  { name: "cart_additions", role: "feature", meaning: "add_to_cart events" },
  { name: "cart_removals", role: "feature", meaning: "remove_from_cart events" },
  { name: "event_count", role: "feature", meaning: "events in the session" },
  { name: "session_duration_seconds", role: "feature", meaning: "floor((last_activity - start_time) / 1 s)" },
  {
    name: "avg_time_per_page",
    role: "feature",
    meaning: "duration / (page_views + products_viewed), 0 if none",
  },
  {
    name: "bounce",
    role: "feature",
    meaning: "exactly one page or product view and no other interaction",
  },
  {
    name: "cart_adds_per_product_view",
    role: "feature",
    meaning: "cart_additions / products_viewed (0 when no product view)",
  },
  {
    name: "removals_per_cart_add",
    role: "feature",
    meaning: "cart_removals / cart_additions (0 when no cart addition)",
  },
  {
    name: "seconds_to_first_cart",
    role: "feature",
    meaning: "seconds from start_time to the first add_to_cart; NULL if none",
  },
  { name: "distinct_categories_viewed", role: "feature", meaning: "distinct categories of viewed products" },
  { name: "distinct_products_added", role: "feature", meaning: "distinct products added to the cart" },
  { name: "avg_price_viewed", role: "feature", meaning: "mean price of viewed products (0 if none)" },
  { name: "search_share", role: "feature", meaning: "searches / event_count" },
  {
    name: "events_per_minute",
    role: "feature",
    meaning: "event_count per minute of session (sessions shorter than 1 s count as 1 s)",
  },
  {
    name: "max_cart_value",
    role: "feature",
    meaning: "highest cart_value reached during the session (0 if none)",
  },
  ...HISTORY,
  {
    name: "cart_value",
    role: "metadata",
    meaning: "cart value left at the end (or at purchase): half of the `abandoned` label's definition",
  },
  {
    name: "checkouts",
    role: "metadata",
    meaning: "checkout_initiated events: the funnel step right before the label (see checkout_reached)",
  },
  {
    name: "checkout_reached",
    role: "metadata",
    meaning:
      "a checkout was initiated. Excluded: every purchase needs one and 75-85% of them complete, so it nearly is is_converted",
  },
  {
    name: "purchases",
    role: "metadata",
    meaning: "purchase events: is_converted = purchases > 0 (label leak)",
  },
  {
    name: "ended_by",
    role: "metadata",
    meaning:
      "session_end or timeout (NULL while open): a sessionizer detail that depends on the snapshot time",
  },
  ...LATENT,
  {
    name: "sequence_violations",
    role: "metadata",
    meaning: "events breaking a sequencing rule (data quality; 0 for simulator output)",
  },
  ...LABELS,
];

/**
 * Prediction-point variant (train_prediction_point.parquet / test_prediction_point.parquet): sessions that add
 * to the cart, described only by what was known at their first add_to_cart (inclusive).
 */
export const PREDICTION_POINT_COLUMNS: readonly ColumnSpec[] = [
  ...IDS,
  ...AT_START,
  {
    name: "pp_seconds_to_first_cart",
    role: "feature",
    meaning: "seconds from start_time to the first add_to_cart (the prediction point)",
  },
  { name: "pp_event_count", role: "feature", meaning: "events up to and including the first add_to_cart" },
  { name: "pp_page_views", role: "feature", meaning: "page_view events before the prediction point" },
  { name: "pp_products_viewed", role: "feature", meaning: "product_view events before the prediction point" },
  { name: "pp_unique_products_viewed", role: "feature", meaning: "distinct products viewed before it" },
  { name: "pp_searches", role: "feature", meaning: "search events before the prediction point" },
  {
    name: "pp_distinct_categories_viewed",
    role: "feature",
    meaning: "distinct categories viewed before the prediction point",
  },
  { name: "pp_avg_price_viewed", role: "feature", meaning: "mean price of products viewed before it" },
  { name: "pp_search_share", role: "feature", meaning: "pp_searches / pp_event_count" },
  {
    name: "pp_events_per_minute",
    role: "feature",
    meaning: "pp_event_count per minute from start to the prediction point (at least 1 s)",
  },
  { name: "pp_first_cart_price", role: "feature", meaning: "price of the product added first" },
  { name: "pp_first_cart_quantity", role: "feature", meaning: "quantity of the first add_to_cart" },
  { name: "pp_cart_value", role: "feature", meaning: "cart value right after the first add_to_cart" },
  ...HISTORY,
  ...LATENT,
  ...LABELS,
];

export const VARIANTS = {
  full: {
    table: "dataset",
    columns: DATASET_COLUMNS,
    files: { train: "train.parquet", test: "test.parquet" },
  },
  prediction_point: {
    table: "dataset_prediction_point",
    columns: PREDICTION_POINT_COLUMNS,
    files: { train: "train_prediction_point.parquet", test: "test_prediction_point.parquet" },
  },
} as const;
export type VariantName = keyof typeof VARIANTS;

export const LABEL_COLUMNS = LABELS.map((c) => c.name);

/** The default feature list of a variant: its columns with role "feature", in column order. */
export function featureList(columns: readonly ColumnSpec[]): string[] {
  return columns.filter((c) => c.role === "feature").map((c) => c.name);
}
