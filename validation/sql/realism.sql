-- Realism metrics: published properties of real clickstream, one row (validation/metric-definitions.ts).
-- Pages of a session = page_view + product_view events. Converted vs not: medians of each class (NULL when a
-- class is empty). Dwell = time from a page_view or product_view to the next event of the same session
-- segment, in event order (event_time, event_id); a session's last event has no dwell. Events are attached
-- to their segment as the dataset builder does: base session id and [start_time, last_activity].
WITH per_session AS (
  SELECT
    page_views + products_viewed AS pages,
    is_converted,
    CAST(epoch_ms(last_activity) - epoch_ms(start_time) AS DOUBLE) / 1000 AS duration_s
  FROM sessions
),
attached AS (
  SELECT s.session_id, e.event_type, e.event_time, e.event_id
  FROM events AS e
  JOIN sessions AS s
    ON s.base_session_id = e.session_id
    AND e.event_time BETWEEN s.start_time AND s.last_activity
),
dwell AS (
  SELECT
    event_type,
    CAST(
      epoch_ms(lead(event_time) OVER (PARTITION BY session_id ORDER BY event_time, event_id))
        - epoch_ms(event_time) AS DOUBLE
    ) / 1000 AS dwell_s
  FROM attached
),
page_dwell AS (
  SELECT avg(dwell_s) AS mean_s, median(dwell_s) AS median_s
  FROM dwell
  WHERE event_type IN ('page_view', 'product_view') AND dwell_s IS NOT NULL
),
pages AS (
  SELECT
    CAST(median(pages) AS DOUBLE) AS median_pages,
    CAST(quantile_cont(pages, 0.95) AS DOUBLE) AS p95_pages,
    CAST(median(pages) FILTER (WHERE is_converted) AS DOUBLE) AS median_pages_converted,
    CAST(median(pages) FILTER (WHERE NOT is_converted) AS DOUBLE) AS median_pages_other,
    median(duration_s) FILTER (WHERE is_converted) AS median_duration_converted,
    median(duration_s) FILTER (WHERE NOT is_converted) AS median_duration_other
  FROM per_session
)
SELECT
  median_pages AS pages_median,
  p95_pages AS pages_p95,
  p95_pages / nullif(median_pages, 0) AS pages_p95_over_median,
  median_pages_converted / nullif(median_pages_other, 0) AS converted_pages_ratio,
  median_duration_converted / nullif(median_duration_other, 0) AS converted_duration_ratio,
  d.median_s AS dwell_median_s,
  d.mean_s AS dwell_mean_s,
  d.mean_s / nullif(d.median_s, 0) AS dwell_mean_over_median
FROM pages
CROSS JOIN page_dwell AS d;
