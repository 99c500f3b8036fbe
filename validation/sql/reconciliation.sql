-- Events against sessions, one row: each counted column summed over sessions next to the count of the
-- events it counts, and the coverage both ways (events -> sessions.base_session_id, sessions -> events).
WITH
s AS (
  SELECT
    sum(page_views) AS page_views,
    sum(products_viewed) AS products_viewed,
    sum(searches) AS searches,
    sum(cart_additions) AS cart_additions,
    sum(cart_removals) AS cart_removals,
    sum(checkouts) AS checkouts,
    sum(purchases) AS purchases,
    sum(event_count) AS event_count,
    CAST(sum(purchase_value) AS DOUBLE) AS purchase_value
  FROM sessions
),
e AS (
  SELECT
    count(*) FILTER (WHERE event_type = 'page_view') AS page_views,
    count(*) FILTER (WHERE event_type = 'product_view') AS products_viewed,
    count(*) FILTER (WHERE event_type = 'search') AS searches,
    count(*) FILTER (WHERE event_type = 'add_to_cart') AS cart_additions,
    count(*) FILTER (WHERE event_type = 'remove_from_cart') AS cart_removals,
    count(*) FILTER (WHERE event_type = 'checkout_initiated') AS checkouts,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
    count(*) AS event_count,
    CAST(coalesce(sum(order_value) FILTER (WHERE event_type = 'purchase'), 0) AS DOUBLE) AS purchase_value
  FROM events
),
orphan_events AS (
  SELECT e.event_id, e.session_id
  FROM events AS e ANTI JOIN (SELECT DISTINCT base_session_id FROM sessions) AS b
    ON e.session_id = b.base_session_id
),
sessions_without_events AS (
  SELECT s.session_id
  FROM sessions AS s ANTI JOIN (SELECT DISTINCT session_id FROM events) AS d
    ON s.base_session_id = d.session_id
)
SELECT
  s.page_views AS s_page_views, e.page_views AS e_page_views,
  s.products_viewed AS s_products_viewed, e.products_viewed AS e_products_viewed,
  s.searches AS s_searches, e.searches AS e_searches,
  s.cart_additions AS s_cart_additions, e.cart_additions AS e_cart_additions,
  s.cart_removals AS s_cart_removals, e.cart_removals AS e_cart_removals,
  s.checkouts AS s_checkouts, e.checkouts AS e_checkouts,
  s.purchases AS s_purchases, e.purchases AS e_purchases,
  s.event_count AS s_event_count, e.event_count AS e_event_count,
  s.purchase_value AS s_purchase_value, e.purchase_value AS e_purchase_value,
  (SELECT count(*) FROM orphan_events) AS orphan_events,
  (SELECT count(DISTINCT session_id) FROM orphan_events) AS orphan_event_sessions,
  (SELECT list(DISTINCT session_id ORDER BY session_id)[1:3] FROM orphan_events) AS orphan_samples,
  (SELECT count(*) FROM sessions_without_events) AS sessions_without_events,
  (SELECT list(session_id ORDER BY session_id)[1:3] FROM sessions_without_events) AS empty_samples
FROM s, e;
