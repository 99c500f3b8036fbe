// Shared by the store test files (not a test file itself).
import type { SessionRow } from "../../../pipeline/model/index.ts";

/** user_sessions as the reference report defines it: name, information_schema type, nullable, default. */
export const REFERENCE_COLUMNS = [
  ["session_id", "character varying(50)", "NO", null],
  ["user_id", "character varying(50)", "NO", null],
  ["start_time", "timestamp without time zone", "NO", null],
  ["end_time", "timestamp without time zone", "YES", null],
  ["last_activity", "timestamp without time zone", "NO", null],
  ["device_type", "character varying(20)", "YES", null],
  ["browser", "character varying(50)", "YES", null],
  ["page_views", "integer", "YES", "0"],
  ["products_viewed", "integer", "YES", "0"],
  ["unique_products_viewed", "integer", "YES", "0"],
  ["searches", "integer", "YES", "0"],
  ["cart_additions", "integer", "YES", "0"],
  ["cart_removals", "integer", "YES", "0"],
  ["cart_value", "numeric(10,2)", "YES", "0.00"],
  ["is_converted", "boolean", "YES", "false"],
  ["purchase_value", "numeric(10,2)", "YES", "0.00"],
  ["session_duration_seconds", "integer", "YES", "0"],
  ["avg_time_per_page", "numeric(10,2)", "YES", "0.00"],
  ["bounce", "boolean", "YES", "false"],
  ["created_at", "timestamp without time zone", "YES", "CURRENT_TIMESTAMP"],
  ["updated_at", "timestamp without time zone", "YES", "CURRENT_TIMESTAMP"],
] as const;

export const EXTRA_COLUMNS = [
  ["base_session_id", "character varying(50)"],
  ["segment", "integer"],
  ["event_count", "integer"],
  ["checkouts", "integer"],
  ["purchases", "integer"],
  ["ended_by", "character varying(12)"],
  ["persona", "character varying(20)"],
  ["intended_outcome", "character varying(12)"],
  ["abandonment_reason", "character varying(40)"],
  ["sequence_violations", "integer"],
  ["kafka_partition", "integer"],
] as const;

/** A deterministic, varied session row; `i` picks the variations. */
export function makeRow(i: number, overrides: Partial<SessionRow> = {}): SessionRow {
  const base = `s_${String(i).padStart(6, "0")}`;
  const start = Date.UTC(2025, 9, 20, 12, 0, 0) + i * 1_237;
  const closed = i % 5 !== 0;
  const last = start + (i % 400) * 1_000 + (i % 1000);
  const segment = (i % 3) + 1;
  return {
    session_id: segment === 1 ? base : `${base}~${segment}`,
    user_id: `user_${i % 97}`,
    start_time: new Date(start).toISOString(),
    end_time: closed ? new Date(last).toISOString() : null,
    last_activity: new Date(last).toISOString(),
    device_type: ["mobile", "desktop", "tablet"][i % 3]!,
    browser: i % 11 === 0 ? "Sämsung Ïnternet 😀" : "Chrome",
    page_views: i % 9,
    products_viewed: i % 7,
    unique_products_viewed: i % 5,
    searches: i % 4,
    cart_additions: i % 6,
    cart_removals: i % 2,
    cart_value: [0, 0.01, 0.1, 19.99, 1234.5, 99999999.99][i % 6]!,
    is_converted: i % 6 === 0,
    purchase_value: i % 6 === 0 ? (i % 1000) + 0.07 : 0,
    session_duration_seconds: Math.floor((last - start) / 1000),
    avg_time_per_page: [0, 12.34, 0.5, 300.99][i % 4]!,
    bounce: i % 8 === 0,
    base_session_id: base,
    segment,
    event_count: (i % 30) + 1,
    checkouts: i % 3,
    purchases: i % 6 === 0 ? 1 : 0,
    ended_by: closed ? (i % 2 === 0 ? "session_end" : "timeout") : null,
    persona: i % 10 === 0 ? null : ["window_shopper", "intent_buyer", "cart_abandoner"][i % 3]!,
    intended_outcome: i % 10 === 0 ? null : ["purchase", "abandon", "browse"][i % 3]!,
    abandonment_reason: i % 4 === 0 ? "unexpected_shipping_costs" : null,
    sequence_violations: i % 13 === 0 ? 2 : 0,
    kafka_partition: i % 4,
    ...overrides,
  };
}

export function byId(rows: readonly SessionRow[]): SessionRow[] {
  return [...rows].sort((a, b) => (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0));
}
