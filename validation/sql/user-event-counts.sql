-- Per-user event counts by type (table `events`). Users are the clusters for event-level shares and the
-- funnel: their design effects come from the spread of these per-user counts.
CREATE OR REPLACE TEMP TABLE user_event_counts AS
SELECT
  user_id,
  count(*) AS events,
  count(*) FILTER (WHERE event_type = 'session_start') AS session_start,
  count(*) FILTER (WHERE event_type = 'page_view') AS page_view,
  count(*) FILTER (WHERE event_type = 'product_view') AS product_view,
  count(*) FILTER (WHERE event_type = 'search') AS search,
  count(*) FILTER (WHERE event_type = 'add_to_cart') AS add_to_cart,
  count(*) FILTER (WHERE event_type = 'remove_from_cart') AS remove_from_cart,
  count(*) FILTER (WHERE event_type = 'checkout_initiated') AS checkout_initiated,
  count(*) FILTER (WHERE event_type = 'purchase') AS purchase,
  count(*) FILTER (WHERE event_type = 'session_end') AS session_end
FROM events
GROUP BY user_id;
