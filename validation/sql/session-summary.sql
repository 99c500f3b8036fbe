-- Session-level scalar metrics, one row. Durations use the table's session_duration_seconds column.
-- avg_cart_value averages sessions that end with a non-empty cart (purchased or abandoned), the phase-1
-- report's "average cart value"; an average over all sessions would mostly average zeros.
SELECT
  count(*) AS sessions_total,
  count(*) FILTER (WHERE is_converted) AS sessions_purchased,
  count(*) FILTER (WHERE NOT is_converted AND cart_value > 0) AS sessions_abandoned,
  count(*) - count(*) FILTER (WHERE is_converted)
    - count(*) FILTER (WHERE NOT is_converted AND cart_value > 0) AS sessions_browsing_only,
  (SELECT count(*) FROM events) AS events_total,
  (SELECT count(DISTINCT user_id) FROM events) AS users_total,
  avg(session_duration_seconds) / 60.0 AS avg_session_duration_min,
  CAST(median(session_duration_seconds) AS DOUBLE) AS median_session_duration_s,
  avg(page_views) AS avg_page_views,
  avg(products_viewed) AS avg_products_viewed,
  avg(event_count) AS avg_events_per_session,
  CAST(avg(cart_value) FILTER (WHERE cart_value > 0) AS DOUBLE) AS avg_cart_value
FROM sessions;
