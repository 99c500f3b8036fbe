-- Mart: per-user history, POINT-IN-TIME. For a session S of user U that starts at time t:
--   * "earlier sessions" are U's sessions whose start_time is STRICTLY before t. A session starting at the
--     same instant is not earlier (ties see neither each other).
--   * OUTCOMES (purchases, purchase value, conversions, abandoned carts, last end) come only from earlier
--     sessions that were already KNOWN TO BE OVER strictly before t (closed_at < t, see 010_stg_sessions):
--     users hold several sessions at once, and a still-open earlier session's purchase would leak.
-- Implementation: one timeline per user with a START row per session (at start_time) and a CLOSE row per
-- closed session (at closed_at); running sums over a RANGE frame that ends at 1 PRECEDING on the
-- microsecond time, so every row at time t sees exactly the rows strictly before t, whatever their order.
CREATE OR REPLACE TEMP TABLE user_history AS
WITH timeline AS (
  SELECT
    user_id, session_id, epoch_us(start_time) AS t, 1 AS started, 0 AS closed,
    0 AS purchases, CAST(0 AS DECIMAL(12, 2)) AS purchase_value, 0 AS converted, 0 AS abandoned,
    CAST(NULL AS BIGINT) AS end_us
  FROM stg_sessions
  UNION ALL
  SELECT
    user_id, NULL AS session_id, epoch_us(closed_at) AS t, 0 AS started, 1 AS closed,
    purchases, CAST(purchase_value AS DECIMAL(12, 2)), CAST(is_converted AS INTEGER),
    CAST(abandoned AS INTEGER), epoch_us(end_time) AS end_us
  FROM stg_sessions
  WHERE closed_at IS NOT NULL
),
running AS (
  SELECT
    session_id,
    t,
    sum(started) OVER w AS prior_sessions,
    sum(closed) OVER w AS prior_closed_sessions,
    sum(converted) OVER w AS prior_converted_sessions,
    sum(purchases) OVER w AS prior_purchases,
    sum(purchase_value) OVER w AS prior_purchase_value,
    sum(abandoned) OVER w AS prior_abandoned_carts,
    max(end_us) OVER w AS last_end_us
  FROM timeline
  WINDOW w AS (PARTITION BY user_id ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT
  session_id,
  CAST(coalesce(prior_sessions, 0) AS INTEGER) AS prior_sessions,
  CAST(coalesce(prior_closed_sessions, 0) AS INTEGER) AS prior_closed_sessions,
  CAST(coalesce(prior_sessions, 0) - coalesce(prior_closed_sessions, 0) AS INTEGER) AS open_sessions_at_start,
  CAST(coalesce(prior_converted_sessions, 0) AS INTEGER) AS prior_converted_sessions,
  CAST(coalesce(prior_purchases, 0) AS INTEGER) AS prior_purchases,
  CAST(coalesce(prior_purchase_value, 0) AS DECIMAL(12, 2)) AS prior_purchase_value,
  CAST(coalesce(prior_abandoned_carts, 0) AS INTEGER) AS prior_abandoned_carts,
  CAST((t - last_end_us) / 1000000 AS DOUBLE) AS seconds_since_last_session_end
FROM running
WHERE session_id IS NOT NULL;
