-- Staging: raw events (table `events`, the EVENT_COLUMNS), one row per event_id (redelivered duplicates
-- dropped, as the ground truth does), typed, and attached to their session SEGMENT: an event belongs to the
-- segment of its base session_id whose [start_time, last_activity] holds its event_time (segments of one
-- base session never overlap: a gap longer than the timeout separates them). Events outside every
-- snapshotted segment (e.g. arriving after the snapshot) are dropped.
-- Event order everywhere is (event_time, event_id), as in pipeline/ground-truth/sessions.sql.
-- Deduplication only sorts the (usually few or no) duplicated ids: a window over every event would cost
-- several times the hash aggregate that finds them. NOT MATERIALIZED: re-scanning `events` is cheaper than
-- DuckDB copying the typed CTE once per reference.
CREATE OR REPLACE TEMP TABLE stg_events AS
WITH typed AS NOT MATERIALIZED (
  SELECT
    CAST(event_id AS VARCHAR) AS event_id,
    CAST(event_type AS VARCHAR) AS event_type,
    CAST(event_time AS TIMESTAMP) AS event_time,
    CAST(session_id AS VARCHAR) AS base_session_id,
    CAST(product_id AS VARCHAR) AS product_id,
    CAST(category AS VARCHAR) AS category,
    CAST(price AS DECIMAL(10, 2)) AS price,
    CAST(quantity AS INTEGER) AS quantity,
    CAST(cart_value AS DECIMAL(10, 2)) AS cart_value
  FROM events
),
duplicated AS NOT MATERIALIZED (
  SELECT event_id FROM typed GROUP BY event_id HAVING count(*) > 1
),
deduped AS NOT MATERIALIZED (
  SELECT * FROM typed ANTI JOIN duplicated USING (event_id)
  UNION ALL
  (
    SELECT * FROM typed SEMI JOIN duplicated USING (event_id)
    QUALIFY row_number() OVER (
      PARTITION BY event_id
      ORDER BY event_time, base_session_id, event_type, product_id, cart_value, price, quantity, category
    ) = 1
  )
)
SELECT
  s.session_id, e.event_id, e.event_type, e.event_time, e.product_id, e.category, e.price, e.quantity,
  e.cart_value
FROM deduped AS e
JOIN stg_sessions AS s
  ON s.base_session_id = e.base_session_id
  AND e.event_time BETWEEN s.start_time AND s.last_activity;
