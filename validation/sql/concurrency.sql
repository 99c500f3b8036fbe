-- Open sessions over event time: the peak over all users and the most one user had open at once
-- (400 users cannot produce 40 events/s of 5.5-minute sessions one session at a time).
-- A session is open on [start_time, last_activity]; at equal times a start counts before an end.
WITH edges AS (
  SELECT user_id, start_time AS t, 1 AS delta FROM sessions
  UNION ALL
  SELECT user_id, last_activity AS t, -1 AS delta FROM sessions
),
per_user AS (
  SELECT sum(delta) OVER (PARTITION BY user_id ORDER BY t, delta DESC ROWS UNBOUNDED PRECEDING) AS open_now
  FROM edges
),
overall AS (
  SELECT sum(delta) OVER (ORDER BY t, delta DESC ROWS UNBOUNDED PRECEDING) AS open_now
  FROM edges
)
SELECT
  coalesce((SELECT max(open_now) FROM per_user), 0) AS max_open_per_user,
  coalesce((SELECT max(open_now) FROM overall), 0) AS peak_open,
  coalesce((SELECT (epoch_ms(max(event_time)) - epoch_ms(min(event_time))) / 1000.0 FROM events), 0) AS span_s;
