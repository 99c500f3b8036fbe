-- Staging: the snapshotted session rows (table `sessions`, the SessionRow columns) with canonical types.
-- A store may hand over BIGINT counts, DOUBLE money or TIMESTAMPTZ times; everything downstream relies on
-- these types. `closed_at` is when the session was KNOWN to be over: session_end's time, or, for a session
-- closed by the inactivity timeout, last_activity + $timeout_ms (the sessionizer only learns that nothing
-- more will come once the timeout has passed). Open sessions (end_time NULL) have no closed_at.
CREATE OR REPLACE TEMP TABLE stg_sessions AS
SELECT
  CAST(session_id AS VARCHAR) AS session_id,
  CAST(user_id AS VARCHAR) AS user_id,
  CAST(base_session_id AS VARCHAR) AS base_session_id,
  CAST(segment AS INTEGER) AS segment,
  CAST(start_time AS TIMESTAMP) AS start_time,
  CAST(end_time AS TIMESTAMP) AS end_time,
  CAST(last_activity AS TIMESTAMP) AS last_activity,
  CASE
    WHEN end_time IS NULL THEN NULL
    WHEN ended_by = 'timeout' THEN CAST(end_time AS TIMESTAMP) + to_milliseconds(CAST($timeout_ms AS BIGINT))
    ELSE CAST(end_time AS TIMESTAMP)
  END AS closed_at,
  CAST(device_type AS VARCHAR) AS device_type,
  CAST(browser AS VARCHAR) AS browser,
  CAST(page_views AS INTEGER) AS page_views,
  CAST(products_viewed AS INTEGER) AS products_viewed,
  CAST(unique_products_viewed AS INTEGER) AS unique_products_viewed,
  CAST(searches AS INTEGER) AS searches,
  CAST(cart_additions AS INTEGER) AS cart_additions,
  CAST(cart_removals AS INTEGER) AS cart_removals,
  CAST(cart_value AS DECIMAL(10, 2)) AS cart_value,
  CAST(is_converted AS BOOLEAN) AS is_converted,
  CAST(purchase_value AS DECIMAL(10, 2)) AS purchase_value,
  CAST(session_duration_seconds AS INTEGER) AS session_duration_seconds,
  CAST(avg_time_per_page AS DECIMAL(10, 2)) AS avg_time_per_page,
  CAST(bounce AS BOOLEAN) AS bounce,
  CAST(event_count AS INTEGER) AS event_count,
  CAST(checkouts AS INTEGER) AS checkouts,
  CAST(purchases AS INTEGER) AS purchases,
  CAST(ended_by AS VARCHAR) AS ended_by,
  CAST(persona AS VARCHAR) AS persona,
  CAST(intended_outcome AS VARCHAR) AS intended_outcome,
  CAST(abandonment_reason AS VARCHAR) AS abandonment_reason,
  CAST(sequence_violations AS INTEGER) AS sequence_violations,
  -- label: a cart was left behind (SPEC section 5)
  NOT CAST(is_converted AS BOOLEAN) AND CAST(cart_value AS DECIMAL(10, 2)) > 0 AS abandoned
FROM sessions;
