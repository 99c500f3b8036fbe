// One row of `user_sessions`: the sessionizer's output, the store's input and the ground truth's shape.
// Column order = table order: the phase-1 reference columns first, cartstream's extra columns after them.
// Types, meanings and the column order live in the catalogue (session-columns.ts).
import type { EndedBy } from "./vocabulary.ts";

export interface SessionRow {
  // --- phase-1 reference columns (names and SQL types exactly as in the reference report) ---
  session_id: string; // VARCHAR(50) PK: base session_id for segment 1, `${base}~${n}` for segment n > 1
  user_id: string; // VARCHAR(50)
  start_time: string; // TIMESTAMP, ISO UTC with ms ("2025-10-20T12:00:00.000Z")
  end_time: string | null; // TIMESTAMP: session_end's time, or last_activity once closed by timeout; null while open
  last_activity: string; // TIMESTAMP
  device_type: string; // VARCHAR(20), from the first event
  browser: string; // VARCHAR(50), from the first event
  page_views: number;
  products_viewed: number;
  unique_products_viewed: number;
  searches: number;
  cart_additions: number;
  cart_removals: number;
  cart_value: number; // DECIMAL(10,2): cart_value of the last event (by time) that carries one, else 0
  is_converted: boolean;
  purchase_value: number; // DECIMAL(10,2): sum of order_value
  session_duration_seconds: number; // INTEGER: floor((last_activity - start_time) / 1000)
  avg_time_per_page: number; // DECIMAL(10,2): duration / (page_views + products_viewed), 0 when no views
  bounce: boolean;
  // created_at / updated_at are set by the database (wall-clock), never compared.
  // --- cartstream extra columns ---
  base_session_id: string; // the event's session_id
  segment: number; // 1-based segment number within base_session_id (gap > timeout starts a new one)
  event_count: number;
  checkouts: number;
  purchases: number;
  ended_by: EndedBy | null; // null while open
  persona: string | null; // latent ground truth (metadata, not a feature)
  intended_outcome: string | null; // latent ground truth
  abandonment_reason: string | null; // last abandonment_reason seen in the segment
  sequence_violations: number; // events in this segment that break a sequencing rule
  kafka_partition: number; // partition the session's events arrived on
}

/** Segment n of a base session id -> the row's session_id. */
export function segmentKey(baseSessionId: string, segment: number): string {
  return segment === 1 ? baseSessionId : `${baseSessionId}~${segment}`;
}
