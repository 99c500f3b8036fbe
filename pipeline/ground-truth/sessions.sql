-- Ground truth: the user_sessions rows computed in batch from the raw events in table `events`
-- (event_time TIMESTAMP in UTC). Parameter: $timeout_ms (inactivity timeout in milliseconds).
-- Same definitions as the streaming core (pipeline/aggregator/session-metrics.ts and sequencing.ts):
-- events are ordered by (event_time, event_id); everything is closed in batch.
WITH
-- staging: redelivered duplicates (same session_id, event_time and event_id) dropped, as the core does;
-- event time in epoch milliseconds
staged AS (
  SELECT
    event_id, event_type, event_time, epoch_ms(event_time) AS t_ms, user_id,
    session_id AS base_session_id, device_type, browser, product_id, quantity, cart_value,
    order_value, abandonment_reason, persona, intended_outcome
  FROM events
  QUALIFY row_number() OVER (PARTITION BY session_id, event_time, event_id ORDER BY event_type) = 1
),
-- a gap strictly greater than the timeout starts a new segment
gaps AS (
  SELECT
    *,
    CASE
      WHEN t_ms - lag(t_ms) OVER (PARTITION BY base_session_id ORDER BY event_time, event_id) > $timeout_ms
      THEN 1 ELSE 0
    END AS starts_segment
  FROM staged
),
segmented AS (
  SELECT
    *,
    1 + sum(starts_segment) OVER (
      PARTITION BY base_session_id ORDER BY event_time, event_id ROWS UNBOUNDED PRECEDING
    ) AS segment
  FROM gaps
),
-- position in the segment, purchases and session_ends strictly before, signed cart quantity change
positioned AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY base_session_id, segment ORDER BY event_time, event_id) AS pos,
    count(*) FILTER (WHERE event_type = 'purchase') OVER (
      PARTITION BY base_session_id, segment ORDER BY event_time, event_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS purchases_before,
    count(*) FILTER (WHERE event_type = 'session_end') OVER (
      PARTITION BY base_session_id, segment ORDER BY event_time, event_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS ends_before,
    CASE event_type
      WHEN 'add_to_cart' THEN coalesce(quantity, 1)
      WHEN 'remove_from_cart' THEN -coalesce(quantity, 1)
      ELSE 0
    END AS cart_delta
  FROM segmented
),
-- per product within a purchase epoch (the cart empties at each purchase): views before, running quantity
per_product AS (
  SELECT
    *,
    count(*) FILTER (WHERE event_type = 'product_view') OVER (
      PARTITION BY base_session_id, segment, product_id ORDER BY pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS views_before,
    count(*) FILTER (WHERE event_type = 'checkout_initiated') OVER (
      PARTITION BY base_session_id, segment, purchases_before ORDER BY pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS checkouts_before,
    sum(cart_delta) OVER (
      PARTITION BY base_session_id, segment, purchases_before, product_id ORDER BY pos ROWS UNBOUNDED PRECEDING
    ) AS qty_sum
  FROM positioned
),
-- quantity in the cart never goes below 0: q_t = max(0, q_{t-1} + d_t) = S_t - min(0, min_{s<=t} S_s)
clamped AS (
  SELECT
    *,
    qty_sum - least(0, min(qty_sum) OVER (
      PARTITION BY base_session_id, segment, purchases_before, product_id ORDER BY pos ROWS UNBOUNDED PRECEDING
    )) AS qty
  FROM per_product
),
cart AS (
  SELECT
    *,
    coalesce(lag(qty) OVER (
      PARTITION BY base_session_id, segment, purchases_before, product_id ORDER BY pos
    ), 0) AS qty_before
  FROM clamped
),
cart_total AS (
  SELECT
    *,
    coalesce(sum(qty - qty_before) OVER (
      PARTITION BY base_session_id, segment, purchases_before ORDER BY pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS cart_before
  FROM cart
),
-- an event violates when it breaks at least one sequencing rule (it counts once)
flagged AS (
  SELECT
    *,
    (
      (pos = 1 AND event_type <> 'session_start')
      OR (pos > 1 AND event_type = 'session_start')
      OR ends_before > 0
      OR (event_type = 'add_to_cart' AND views_before = 0)
      OR (event_type = 'remove_from_cart' AND qty_before <= 0)
      OR (event_type = 'checkout_initiated' AND cart_before <= 0)
      OR (event_type = 'purchase' AND checkouts_before = 0)
    ) AS violation
  FROM cart_total
),
aggregated AS (
  SELECT
    base_session_id,
    segment,
    arg_min(user_id, pos) AS user_id,
    min(event_time) AS start_time,
    max(event_time) FILTER (WHERE event_type = 'session_end') AS session_end_time,
    max(event_time) AS last_activity,
    max(t_ms) - min(t_ms) AS duration_ms,
    arg_min(device_type, pos) FILTER (WHERE device_type IS NOT NULL) AS device_type,
    arg_min(browser, pos) FILTER (WHERE browser IS NOT NULL) AS browser,
    count(*) FILTER (WHERE event_type = 'page_view') AS page_views,
    count(*) FILTER (WHERE event_type = 'product_view') AS products_viewed,
    count(DISTINCT product_id) FILTER (WHERE event_type = 'product_view') AS unique_products_viewed,
    count(*) FILTER (WHERE event_type = 'search') AS searches,
    count(*) FILTER (WHERE event_type = 'add_to_cart') AS cart_additions,
    count(*) FILTER (WHERE event_type = 'remove_from_cart') AS cart_removals,
    count(*) FILTER (WHERE event_type = 'checkout_initiated') AS checkouts,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
    count(*) AS event_count,
    arg_max(CAST(cart_value AS DECIMAL(18, 2)), pos) FILTER (WHERE cart_value IS NOT NULL) AS last_cart_value,
    sum(CAST(order_value AS DECIMAL(18, 2))) FILTER (WHERE event_type = 'purchase') AS order_total,
    arg_min(persona, pos) FILTER (WHERE persona IS NOT NULL) AS persona,
    arg_min(intended_outcome, pos) FILTER (WHERE intended_outcome IS NOT NULL) AS intended_outcome,
    arg_max(abandonment_reason, pos) FILTER (WHERE abandonment_reason IS NOT NULL) AS abandonment_reason,
    count(*) FILTER (WHERE violation) AS sequence_violations
  FROM flagged
  GROUP BY base_session_id, segment
)
SELECT
  CASE WHEN segment = 1 THEN base_session_id ELSE base_session_id || '~' || segment END AS session_id,
  user_id,
  start_time,
  coalesce(session_end_time, last_activity) AS end_time,
  last_activity,
  device_type,
  browser,
  CAST(page_views AS INTEGER) AS page_views,
  CAST(products_viewed AS INTEGER) AS products_viewed,
  CAST(unique_products_viewed AS INTEGER) AS unique_products_viewed,
  CAST(searches AS INTEGER) AS searches,
  CAST(cart_additions AS INTEGER) AS cart_additions,
  CAST(cart_removals AS INTEGER) AS cart_removals,
  CAST(coalesce(last_cart_value, 0) AS DECIMAL(10, 2)) AS cart_value,
  purchases > 0 AS is_converted,
  CAST(coalesce(order_total, 0) AS DECIMAL(10, 2)) AS purchase_value,
  CAST(duration_ms // 1000 AS INTEGER) AS session_duration_seconds,
  -- round half up of duration_ms / (1000 * views) to hundredths, in integers
  CAST(
    CAST(
      CASE
        WHEN page_views + products_viewed = 0 THEN 0
        ELSE (2 * duration_ms + 10 * (page_views + products_viewed)) // (20 * (page_views + products_viewed))
      END AS DECIMAL(18, 0)
    ) * 0.01 AS DECIMAL(10, 2)
  ) AS avg_time_per_page,
  page_views + products_viewed = 1
    AND searches + cart_additions + cart_removals + checkouts + purchases = 0 AS bounce,
  base_session_id,
  CAST(segment AS INTEGER) AS segment,
  CAST(event_count AS INTEGER) AS event_count,
  CAST(checkouts AS INTEGER) AS checkouts,
  CAST(purchases AS INTEGER) AS purchases,
  CASE WHEN session_end_time IS NOT NULL THEN 'session_end' ELSE 'timeout' END AS ended_by,
  persona,
  intended_outcome,
  abandonment_reason,
  CAST(sequence_violations AS INTEGER) AS sequence_violations
FROM aggregated
ORDER BY base_session_id, segment
