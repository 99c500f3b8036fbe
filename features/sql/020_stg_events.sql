-- Staging: raw events (table `events`, the EVENT_COLUMNS), one row per event_id (redelivered duplicates
-- dropped, as the ground truth does), typed, and attached to their session SEGMENT: an event belongs to the
-- segment of its base session_id whose [start_time, last_activity] holds its event_time (segments of one
-- base session never overlap: a gap longer than the timeout separates them). Events outside every
-- snapshotted segment (e.g. arriving after the snapshot) are dropped.
-- Event order everywhere is (event_time, event_id), as in pipeline/ground-truth/sessions.sql.
CREATE OR REPLACE TEMP TABLE stg_events AS
WITH deduped AS (
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
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_time, session_id) = 1
)
SELECT s.session_id, e.*
FROM deduped AS e
JOIN stg_sessions AS s
  ON s.base_session_id = e.base_session_id
  AND e.event_time BETWEEN s.start_time AND s.last_activity;
