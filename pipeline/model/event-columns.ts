// The catalogue of event fields, in event-schema order: their kind, the DuckDB / Parquet type of the raw
// event archive, which event types must carry them, and what they mean. The event schema's type-specific
// rules, the archive's Parquet layout, the ground truth's events table and validation's checks derive
// from it.
import type { ColumnDef } from "./columns.ts";
import { columnNames } from "./columns.ts";
import {
  ABANDONMENT_REASONS,
  DEVICE_TYPES,
  EVENT_TYPES,
  type EventType,
  INTENDED_OUTCOMES,
  PERSONAS,
} from "./vocabulary.ts";

export interface EventColumnDef extends ColumnDef {
  /** "always", or the event types that must carry the field (it is optional on the others). */
  readonly requiredOn: "always" | readonly EventType[];
}

const PRODUCT_EVENTS = ["product_view", "add_to_cart", "remove_from_cart"] as const;
const CART_EVENTS = ["add_to_cart", "remove_from_cart"] as const;

export const EVENT_COLUMN_DEFS = {
  event_id: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: "always",
    meaning: "unique, deterministic from the seed",
  },
  event_type: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: "always",
    meaning: "what happened",
    values: EVENT_TYPES,
  },
  event_time: {
    kind: "timestamp",
    duckdb: "TIMESTAMP_MS",
    requiredOn: "always",
    meaning: "event time, UTC, millisecond precision",
  },
  user_id: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: "always",
    meaning: "the user (the Kafka message key)",
  },
  session_id: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: "always",
    meaning: "the simulator's session id",
  },
  device_type: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: "always",
    meaning: "device",
    values: DEVICE_TYPES,
  },
  browser: { kind: "varchar", duckdb: "VARCHAR", requiredOn: "always", meaning: "browser" },
  schema_version: {
    kind: "integer",
    duckdb: "INTEGER",
    requiredOn: "always",
    meaning: "event schema version",
  },
  product_id: { kind: "varchar", duckdb: "VARCHAR", requiredOn: PRODUCT_EVENTS, meaning: "product" },
  category: { kind: "varchar", duckdb: "VARCHAR", requiredOn: PRODUCT_EVENTS, meaning: "product category" },
  price: { kind: "decimal", duckdb: "DECIMAL(10,2)", requiredOn: PRODUCT_EVENTS, meaning: "unit price" },
  quantity: {
    kind: "integer",
    duckdb: "INTEGER",
    requiredOn: CART_EVENTS,
    meaning: "units added or removed",
  },
  cart_value: {
    kind: "decimal",
    duckdb: "DECIMAL(10,2)",
    requiredOn: [...CART_EVENTS, "checkout_initiated", "purchase"],
    meaning: "value of the cart after the event",
  },
  search_query: { kind: "varchar", duckdb: "VARCHAR", requiredOn: ["search"], meaning: "what was searched" },
  order_id: { kind: "varchar", duckdb: "VARCHAR", requiredOn: ["purchase"], meaning: "order" },
  order_value: { kind: "decimal", duckdb: "DECIMAL(10,2)", requiredOn: ["purchase"], meaning: "order total" },
  abandonment_reason: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: [],
    meaning: "why a cart is left behind (where one is)",
    values: ABANDONMENT_REASONS,
  },
  persona: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: [],
    meaning: "the simulator's latent persona (ground truth, never a feature)",
    values: PERSONAS,
  },
  intended_outcome: {
    kind: "varchar",
    duckdb: "VARCHAR",
    requiredOn: [],
    meaning: "the simulator's planned outcome (ground truth)",
    values: INTENDED_OUTCOMES,
  },
} as const satisfies Record<string, EventColumnDef>;

export type EventColumn = keyof typeof EVENT_COLUMN_DEFS;

/** Every event field, in schema order. */
export const EVENT_COLUMN_NAMES: readonly EventColumn[] = columnNames(EVENT_COLUMN_DEFS);

/** Fields every event carries. */
export const ALWAYS_REQUIRED_EVENT_COLUMNS: readonly EventColumn[] = EVENT_COLUMN_NAMES.filter(
  (c) => EVENT_COLUMN_DEFS[c].requiredOn === "always",
);

/** Type-specific fields: event type -> the fields it must carry, for the types that need any. */
export const REQUIRED_BY_EVENT_TYPE: Readonly<Partial<Record<EventType, readonly EventColumn[]>>> =
  Object.fromEntries(
    EVENT_TYPES.map((t) => [
      t,
      EVENT_COLUMN_NAMES.filter((c) => {
        const on = EVENT_COLUMN_DEFS[c].requiredOn;
        return on !== "always" && (on as readonly string[]).includes(t);
      }),
    ]).filter(([, fields]) => fields.length > 0),
  );
