-- Mart: per-session behaviour derived from the session's events (whole session, start to last activity).
-- Features read only browse and cart events (page_view, product_view, search, add_to_cart,
-- remove_from_cart) besides the start time: checkout_initiated and purchase define or nearly define the
-- labels, so no feature counts them, times them or reads the cart value they carry (features/columns.ts).
-- Ratios are DOUBLE and never NULL (0 when the denominator is 0), except seconds_to_first_cart, which is NULL
-- when the session never added to the cart.
CREATE OR REPLACE TEMP TABLE session_features AS
WITH per_session AS (
  SELECT
    session_id,
    min(event_time) FILTER (WHERE event_type = 'add_to_cart') AS first_cart_time,
    count(DISTINCT category) FILTER (WHERE event_type = 'product_view') AS distinct_categories_viewed,
    count(DISTINCT product_id) FILTER (WHERE event_type = 'add_to_cart') AS distinct_products_added,
    avg(price) FILTER (WHERE event_type = 'product_view') AS avg_price_viewed,
    max(cart_value) FILTER (WHERE event_type IN ('add_to_cart', 'remove_from_cart')) AS max_cart_value,
    max(event_time) FILTER (
      WHERE event_type IN ('page_view', 'product_view', 'search', 'add_to_cart', 'remove_from_cart')
    ) AS last_browse_time,
    count(*) FILTER (WHERE event_type = 'checkout_initiated') AS checkout_events
  FROM stg_events
  GROUP BY session_id
),
browse AS (
  SELECT
    s.session_id,
    s.page_views + s.products_viewed + s.searches + s.cart_additions + s.cart_removals AS browse_event_count,
    coalesce(epoch_ms(p.last_browse_time) - epoch_ms(s.start_time), 0) AS browse_ms
  FROM stg_sessions AS s
  LEFT JOIN per_session AS p USING (session_id)
)
SELECT
  s.session_id,
  CAST(b.browse_event_count AS INTEGER) AS browse_event_count,
  CAST(b.browse_ms / 1000 AS DOUBLE) AS browse_seconds,
  CAST(
    CASE WHEN s.page_views + s.products_viewed = 0 THEN 0
    ELSE b.browse_ms / 1000 / (s.page_views + s.products_viewed) END AS DOUBLE
  ) AS browse_seconds_per_page,
  s.page_views + s.products_viewed = 1 AND s.searches + s.cart_additions + s.cart_removals = 0 AS single_view,
  CAST(extract(hour FROM s.start_time) AS INTEGER) AS start_hour_utc,
  CAST(isodow(s.start_time) AS INTEGER) AS start_weekday_utc,
  CAST(
    CASE WHEN s.products_viewed = 0 THEN 0 ELSE s.cart_additions / s.products_viewed END AS DOUBLE
  ) AS cart_adds_per_product_view,
  CAST(
    CASE WHEN s.cart_additions = 0 THEN 0 ELSE s.cart_removals / s.cart_additions END AS DOUBLE
  ) AS removals_per_cart_add,
  CAST((epoch_ms(p.first_cart_time) - epoch_ms(s.start_time)) / 1000 AS DOUBLE) AS seconds_to_first_cart,
  CAST(coalesce(p.distinct_categories_viewed, 0) AS INTEGER) AS distinct_categories_viewed,
  CAST(coalesce(p.distinct_products_added, 0) AS INTEGER) AS distinct_products_added,
  CAST(coalesce(p.avg_price_viewed, 0) AS DECIMAL(10, 2)) AS avg_price_viewed,
  CAST(
    CASE WHEN b.browse_event_count = 0 THEN 0 ELSE s.searches / b.browse_event_count END AS DOUBLE
  ) AS search_share,
  -- per minute of browsing; shorter than one second counts as one second
  CAST(b.browse_event_count * 60000 / greatest(b.browse_ms, 1000) AS DOUBLE) AS browse_events_per_minute,
  CAST(coalesce(p.max_cart_value, 0) AS DECIMAL(10, 2)) AS max_cart_value,
  coalesce(p.checkout_events, 0) > 0 OR s.checkouts > 0 AS checkout_reached,
  p.session_id IS NOT NULL AS has_events
FROM stg_sessions AS s
LEFT JOIN per_session AS p USING (session_id)
JOIN browse AS b USING (session_id);
