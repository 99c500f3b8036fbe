// The dataset's columns, declared once: name, role, meaning and, for features and labels, which events the
// value is computed from (`reads`). The SQL marts (sql/200_dataset.sql, sql/210_dataset_prediction_point.sql)
// must produce exactly these columns in this order; the build checks it, the manifest and the data card are
// written from it, and the feature lists are derived from the roles and the reads (featuresFor).
// A column copied from the session row takes its meaning from the session catalogue (pipeline/model); only
// what the dataset adds (why it is metadata, what it reads) is written here.
import {
  EVENT_TYPES,
  type EventType,
  SESSION_COLUMN_DEFS,
  type SessionColumn,
} from "../pipeline/model/index.ts";

export const COLUMN_ROLES = ["id", "timestamp", "feature", "label", "metadata"] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/**
 * What a value is computed from, one token per source:
 * - an event type: this session's events of that type (their presence, count, fields or times); in the
 *   prediction-point variant only those at or before the prediction point;
 * - `first_event`: the time, device or browser of the session's first event, whatever its type (known at
 *   the start);
 * - `earlier:<event type>`: that type's events in the user's earlier sessions known to be over;
 *   `earlier:times`: only the start and end times of those sessions.
 */
export type ReadToken = EventType | "first_event" | `earlier:${EventType}` | "earlier:times";

interface BaseSpec {
  readonly name: string;
  readonly meaning: string;
}
/** Features and labels must say what they read; other columns may. */
export type ColumnSpec =
  | (BaseSpec & { readonly role: "feature" | "label"; readonly reads: readonly ReadToken[] })
  | (BaseSpec & { readonly role: "id" | "timestamp" | "metadata"; readonly reads?: readonly ReadToken[] });

/** Browsing and cart events: the only events of the session a session-end feature may read. */
export const BROWSE_EVENTS = ["page_view", "product_view", "search"] as const satisfies readonly EventType[];
export const CART_EVENTS = ["add_to_cart", "remove_from_cart"] as const satisfies readonly EventType[];
const BROWSE_AND_CART: readonly EventType[] = [...BROWSE_EVENTS, ...CART_EVENTS];
/**
 * Events no feature may read from its own session, in either variant: a purchase is the label, and a
 * checkout is its last step (75-85% of checkouts complete, so having one nearly is is_converted).
 */
export const OUTCOME_EVENTS = ["checkout_initiated", "purchase"] as const satisfies readonly EventType[];
const ALL_EVENTS: readonly EventType[] = EVENT_TYPES;
const earlier = (...types: EventType[]): ReadToken[] => types.map((t) => `earlier:${t}` as const);

/** A session-row column: meaning from the session catalogue, plus what the dataset says about it. */
function fromRow(
  name: SessionColumn,
  role: "id" | "timestamp" | "metadata",
  note?: string,
  reads?: readonly ReadToken[],
): ColumnSpec;
function fromRow(
  name: SessionColumn,
  role: "feature" | "label",
  note: string | undefined,
  reads: readonly ReadToken[],
): ColumnSpec;
function fromRow(
  name: SessionColumn,
  role: ColumnRole,
  note?: string,
  reads?: readonly ReadToken[],
): ColumnSpec {
  const meaning = note ? `${SESSION_COLUMN_DEFS[name].meaning}. ${note}` : SESSION_COLUMN_DEFS[name].meaning;
  return { name, role, meaning, reads } as ColumnSpec;
}

const IDS: readonly ColumnSpec[] = [
  fromRow("session_id", "id"),
  fromRow("user_id", "id", "The user split keeps all of a user's sessions together"),
  fromRow("base_session_id", "id"),
  fromRow("start_time", "timestamp", "The row's point in time"),
];

const AT_START: readonly ColumnSpec[] = [
  fromRow("device_type", "feature", undefined, ["first_event"]),
  fromRow("browser", "feature", undefined, ["first_event"]),
  fromRow("segment", "feature", "Known at the segment's first event", ["first_event"]),
  {
    name: "start_hour_utc",
    role: "feature",
    meaning: "hour of day of start_time, UTC (0-23)",
    reads: ["first_event"],
  },
  {
    name: "start_weekday_utc",
    role: "feature",
    meaning: "ISO weekday of start_time, UTC (1 = Monday)",
    reads: ["first_event"],
  },
];

const HISTORY: readonly ColumnSpec[] = [
  {
    name: "prior_sessions",
    role: "feature",
    meaning: "the user's sessions that started strictly before this one (open or closed)",
    reads: ["earlier:times"],
  },
  {
    name: "prior_closed_sessions",
    role: "feature",
    meaning: "the user's earlier sessions already known to be over when this one started",
    reads: ["earlier:times"],
  },
  {
    name: "open_sessions_at_start",
    role: "feature",
    meaning: "prior_sessions - prior_closed_sessions: the user's other sessions still open (tabs, devices)",
    reads: ["earlier:times"],
  },
  {
    name: "prior_converted_sessions",
    role: "feature",
    meaning: "closed earlier sessions with a purchase",
    reads: ["earlier:times", ...earlier("purchase")],
  },
  {
    name: "prior_purchases",
    role: "feature",
    meaning: "purchase events in closed earlier sessions",
    reads: ["earlier:times", ...earlier("purchase")],
  },
  {
    name: "prior_purchase_value",
    role: "feature",
    meaning: "order value of closed earlier sessions",
    reads: ["earlier:times", ...earlier("purchase")],
  },
  {
    name: "prior_abandoned_carts",
    role: "feature",
    meaning: "closed earlier sessions that left a cart behind (abandoned)",
    reads: ["earlier:times", ...earlier(...CART_EVENTS, ...OUTCOME_EVENTS)],
  },
  {
    name: "seconds_since_last_session_end",
    role: "feature",
    meaning: "start_time - end_time of the user's latest closed earlier session, in seconds; NULL if none",
    reads: ["earlier:times"],
  },
];

/** The labels, with the events that define them (`reads`). */
const LABELS: readonly ColumnSpec[] = [
  fromRow("is_converted", "label", "The label of purchase-propensity models", ["purchase"]),
  fromRow("purchase_value", "label", "A regression target (0 without a purchase)", ["purchase"]),
  {
    name: "abandoned",
    role: "label",
    meaning:
      "not is_converted and cart_value > 0: a cart was left behind. The cart value at the end is the cart_value of the session's last event carrying one (add_to_cart, remove_from_cart, checkout_initiated, purchase)",
    reads: [...CART_EVENTS, ...OUTCOME_EVENTS],
  },
];

const LATENT: readonly ColumnSpec[] = [
  fromRow("persona", "metadata", "Simulator ground truth, not a feature"),
  fromRow("intended_outcome", "metadata", "Almost the label, never a feature"),
  fromRow("abandonment_reason", "metadata", "Only set when a cart is left behind, so it leaks `abandoned`"),
];

/** Full-session variant (train.parquet / test.parquet): what the session did, for post-session models. */
export const DATASET_COLUMNS: readonly ColumnSpec[] = [
  ...IDS,
  ...AT_START,
  fromRow("page_views", "feature", undefined, ["page_view"]),
  fromRow("products_viewed", "feature", undefined, ["product_view"]),
  fromRow("unique_products_viewed", "feature", undefined, ["product_view"]),
  fromRow("searches", "feature", undefined, ["search"]),
  fromRow("cart_additions", "feature", undefined, ["add_to_cart"]),
  fromRow("cart_removals", "feature", undefined, ["remove_from_cart"]),
  {
    name: "browse_event_count",
    role: "feature",
    meaning: "browse and cart events: page_view, product_view, search, add_to_cart, remove_from_cart",
    reads: BROWSE_AND_CART,
  },
  {
    name: "browse_seconds",
    role: "feature",
    meaning:
      "seconds from start_time to the session's last browse or cart event (0 if none); checkout and purchase time is not in it",
    reads: ["first_event", ...BROWSE_AND_CART],
  },
  {
    name: "browse_seconds_per_page",
    role: "feature",
    meaning: "browse_seconds / (page_views + products_viewed), 0 without views",
    reads: ["first_event", ...BROWSE_AND_CART],
  },
  {
    name: "single_view",
    role: "feature",
    meaning:
      "exactly one page or product view and no search, add_to_cart or remove_from_cart (the bounce test without reading checkout or purchase events)",
    reads: BROWSE_AND_CART,
  },
  {
    name: "cart_adds_per_product_view",
    role: "feature",
    meaning: "cart_additions / products_viewed (0 when no product view)",
    reads: ["product_view", "add_to_cart"],
  },
  {
    name: "removals_per_cart_add",
    role: "feature",
    meaning: "cart_removals / cart_additions (0 when no cart addition)",
    reads: [...CART_EVENTS],
  },
  {
    name: "seconds_to_first_cart",
    role: "feature",
    meaning: "seconds from start_time to the first add_to_cart; NULL if none",
    reads: ["first_event", "add_to_cart"],
  },
  {
    name: "distinct_categories_viewed",
    role: "feature",
    meaning: "distinct categories of viewed products",
    reads: ["product_view"],
  },
  {
    name: "distinct_products_added",
    role: "feature",
    meaning: "distinct products added to the cart",
    reads: ["add_to_cart"],
  },
  {
    name: "avg_price_viewed",
    role: "feature",
    meaning: "mean price of viewed products (0 if none)",
    reads: ["product_view"],
  },
  {
    name: "search_share",
    role: "feature",
    meaning: "searches / browse_event_count (0 if none)",
    reads: BROWSE_AND_CART,
  },
  {
    name: "browse_events_per_minute",
    role: "feature",
    meaning: "browse_event_count per minute of browse_seconds (shorter than 1 s counts as 1 s)",
    reads: ["first_event", ...BROWSE_AND_CART],
  },
  {
    name: "max_cart_value",
    role: "feature",
    meaning:
      "highest cart_value after an add_to_cart or remove_from_cart (0 if none); the cart value at checkout or purchase is not read",
    reads: [...CART_EVENTS],
  },
  ...HISTORY,
  fromRow(
    "event_count",
    "metadata",
    "Counts session_start, checkout_initiated, purchase and session_end too: event_count minus the browse counts gives the outcome away (see browse_event_count)",
    ALL_EVENTS,
  ),
  fromRow(
    "session_duration_seconds",
    "metadata",
    "Runs to the last event, often the purchase or the checkout: longer exactly when the session converts (see browse_seconds)",
    ALL_EVENTS,
  ),
  fromRow(
    "avg_time_per_page",
    "metadata",
    "Uses the whole duration, checkout and purchase included (see browse_seconds_per_page)",
    ALL_EVENTS,
  ),
  fromRow(
    "bounce",
    "metadata",
    "Its 'no other interaction' reads checkout_initiated and purchase events (see single_view)",
    ALL_EVENTS,
  ),
  fromRow(
    "cart_value",
    "metadata",
    "Read at the last event carrying one (often the purchase); half of the `abandoned` label's definition",
    [...CART_EVENTS, ...OUTCOME_EVENTS],
  ),
  fromRow("checkouts", "metadata", "The funnel step right before the label (see checkout_reached)", [
    "checkout_initiated",
  ]),
  {
    name: "checkout_reached",
    role: "metadata",
    meaning:
      "a checkout was initiated. Excluded: every purchase needs one and 75-85% of them complete, so it nearly is is_converted",
    reads: ["checkout_initiated"],
  },
  fromRow("purchases", "metadata", "is_converted = purchases > 0 (label leak)", ["purchase"]),
  fromRow("ended_by", "metadata", "A sessionizer detail that depends on the snapshot time", ALL_EVENTS),
  ...LATENT,
  fromRow("sequence_violations", "metadata", "Data quality; 0 for simulator output", ALL_EVENTS),
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
    reads: ["first_event", "add_to_cart"],
  },
  {
    name: "pp_browse_event_count",
    role: "feature",
    meaning: "browse and cart events up to and including the first add_to_cart",
    reads: [...BROWSE_EVENTS, "add_to_cart"],
  },
  {
    name: "pp_page_views",
    role: "feature",
    meaning: "page_view events before the prediction point",
    reads: ["page_view"],
  },
  {
    name: "pp_products_viewed",
    role: "feature",
    meaning: "product_view events before the prediction point",
    reads: ["product_view"],
  },
  {
    name: "pp_unique_products_viewed",
    role: "feature",
    meaning: "distinct products viewed before it",
    reads: ["product_view"],
  },
  {
    name: "pp_searches",
    role: "feature",
    meaning: "search events before the prediction point",
    reads: ["search"],
  },
  {
    name: "pp_distinct_categories_viewed",
    role: "feature",
    meaning: "distinct categories viewed before the prediction point",
    reads: ["product_view"],
  },
  {
    name: "pp_avg_price_viewed",
    role: "feature",
    meaning: "mean price of products viewed before it",
    reads: ["product_view"],
  },
  {
    name: "pp_search_share",
    role: "feature",
    meaning: "pp_searches / pp_browse_event_count",
    reads: [...BROWSE_EVENTS, "add_to_cart"],
  },
  {
    name: "pp_browse_events_per_minute",
    role: "feature",
    meaning: "pp_browse_event_count per minute from start to the prediction point (at least 1 s)",
    reads: ["first_event", ...BROWSE_EVENTS, "add_to_cart"],
  },
  {
    name: "pp_first_cart_price",
    role: "feature",
    meaning: "price of the product added first",
    reads: ["add_to_cart"],
  },
  {
    name: "pp_first_cart_quantity",
    role: "feature",
    meaning: "quantity of the first add_to_cart",
    reads: ["add_to_cart"],
  },
  {
    name: "pp_cart_value",
    role: "feature",
    meaning: "cart value right after the first add_to_cart",
    reads: ["add_to_cart"],
  },
  ...HISTORY,
  ...LATENT,
  ...LABELS,
];

export const VARIANTS = {
  full: {
    table: "dataset",
    columns: DATASET_COLUMNS,
    files: { train: "train.parquet", test: "test.parquet" },
    /** Features read the whole session. */
    point: null,
  },
  prediction_point: {
    table: "dataset_prediction_point",
    columns: PREDICTION_POINT_COLUMNS,
    files: { train: "train_prediction_point.parquet", test: "test_prediction_point.parquet" },
    /** Features read the session up to and including its first event of this type, which every row has. */
    point: "add_to_cart",
  },
} as const satisfies Record<
  string,
  { table: string; columns: readonly ColumnSpec[]; files: object; point: EventType | null }
>;
export type VariantName = keyof typeof VARIANTS;

export type LabelName = "is_converted" | "purchase_value" | "abandoned";
export const LABEL_COLUMNS = LABELS.map((c) => c.name) as LabelName[];

/** Each label and the event types of the session that define it. */
export const LABEL_DEFINITIONS = Object.fromEntries(
  LABELS.map((c) => [c.name, { events: (c.reads ?? []) as readonly EventType[], meaning: c.meaning }]),
) as Record<LabelName, { events: readonly EventType[]; meaning: string }>;

export const FEATURE_RULE =
  "No feature reads its own session's checkout_initiated or purchase events (the purchase is the label; a checkout is its last step, 75-85% of them complete), the cart value they carry, or anything timed by them (duration to the last event). A model of a label uses features_by_label: the features that read none of the session events defining that label; in the prediction-point variant the first add_to_cart itself is allowed, since every row has it and nothing after it is read.";

/** The default feature list of a variant: its columns with role "feature", in column order. */
export function featureList(columns: readonly ColumnSpec[]): string[] {
  return columns.filter((c) => c.role === "feature").map((c) => c.name);
}

/**
 * The features of a variant a model of `label` may use: those that read none of the session events defining
 * the label. In the prediction-point variant the point event itself is allowed: every row has it at the
 * point, and features read nothing after it. (A session-end `abandoned` model therefore gets no feature
 * that reads add_to_cart or remove_from_cart: with no purchase, additions and removals decide whether a cart
 * is left.)
 */
export function featuresFor(variant: VariantName, label: LabelName): string[] {
  const v = VARIANTS[variant];
  const defining = new Set<ReadToken>(LABEL_DEFINITIONS[label].events.filter((t) => t !== v.point));
  return v.columns
    .filter((c) => c.role === "feature" && !c.reads.some((r) => defining.has(r)))
    .map((c) => c.name);
}
