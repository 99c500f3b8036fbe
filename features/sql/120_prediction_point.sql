-- Mart: the PREDICTION POINT of a session is its first add_to_cart (first in event order (event_time,
-- event_id)). Features here use only the session's events up to and including that event; sessions that
-- never add to the cart have no prediction point and no row. Nothing after the point is read: not the
-- final cart, checkouts, purchases, duration or the session's total counts; and before the point only browse
-- and cart events count (a segment resumed after an idle gap may hold a checkout before its first add).
CREATE OR REPLACE TEMP TABLE prediction_point AS
WITH first_cart AS (
  SELECT session_id, min({'t': event_time, 'id': event_id}) AS fc
  FROM stg_events
  WHERE event_type = 'add_to_cart'
  GROUP BY session_id
),
point AS (
  SELECT session_id, struct_extract(fc, 't') AS pp_time, struct_extract(fc, 'id') AS pp_event_id
  FROM first_cart
),
upto AS (
  SELECT e.*, p.pp_time, p.pp_event_id
  FROM stg_events AS e
  JOIN point AS p USING (session_id)
  WHERE e.event_time < p.pp_time OR (e.event_time = p.pp_time AND e.event_id <= p.pp_event_id)
),
per_session AS (
  SELECT
    session_id,
    any_value(pp_time) AS pp_time,
    count(*) FILTER (
      WHERE event_type IN ('page_view', 'product_view', 'search', 'add_to_cart', 'remove_from_cart')
    ) AS events,
    count(*) FILTER (WHERE event_type = 'page_view') AS page_views,
    count(*) FILTER (WHERE event_type = 'product_view') AS products_viewed,
    count(DISTINCT product_id) FILTER (WHERE event_type = 'product_view') AS unique_products_viewed,
    count(*) FILTER (WHERE event_type = 'search') AS searches,
    count(DISTINCT category) FILTER (WHERE event_type = 'product_view') AS distinct_categories_viewed,
    avg(price) FILTER (WHERE event_type = 'product_view') AS avg_price_viewed,
    max(price) FILTER (WHERE event_id = pp_event_id) AS first_cart_price,
    max(quantity) FILTER (WHERE event_id = pp_event_id) AS first_cart_quantity,
    max(cart_value) FILTER (WHERE event_id = pp_event_id) AS cart_value
  FROM upto
  GROUP BY session_id
)
SELECT
  p.session_id,
  CAST((epoch_ms(p.pp_time) - epoch_ms(s.start_time)) / 1000 AS DOUBLE) AS pp_seconds_to_first_cart,
  CAST(p.events AS INTEGER) AS pp_browse_event_count,
  CAST(p.page_views AS INTEGER) AS pp_page_views,
  CAST(p.products_viewed AS INTEGER) AS pp_products_viewed,
  CAST(p.unique_products_viewed AS INTEGER) AS pp_unique_products_viewed,
  CAST(p.searches AS INTEGER) AS pp_searches,
  CAST(p.distinct_categories_viewed AS INTEGER) AS pp_distinct_categories_viewed,
  CAST(coalesce(p.avg_price_viewed, 0) AS DECIMAL(10, 2)) AS pp_avg_price_viewed,
  CAST(p.searches / p.events AS DOUBLE) AS pp_search_share,
  CAST(
    p.events * 60000 / greatest(epoch_ms(p.pp_time) - epoch_ms(s.start_time), 1000) AS DOUBLE
  ) AS pp_browse_events_per_minute,
  CAST(p.first_cart_price AS DECIMAL(10, 2)) AS pp_first_cart_price,
  CAST(p.first_cart_quantity AS INTEGER) AS pp_first_cart_quantity,
  CAST(p.cart_value AS DECIMAL(10, 2)) AS pp_cart_value
FROM per_session AS p
JOIN stg_sessions AS s USING (session_id);
