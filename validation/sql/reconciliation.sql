-- Events against sessions, one row: each counted column summed over sessions, the events per type (the
-- checks pair them: page_views with page_view events ...), and the coverage both ways (events ->
-- sessions.base_session_id, sessions -> events).
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
by_type AS (
  SELECT event_type, count(*) AS n FROM events GROUP BY event_type
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
  s.page_views AS s_page_views,
  s.products_viewed AS s_products_viewed,
  s.searches AS s_searches,
  s.cart_additions AS s_cart_additions,
  s.cart_removals AS s_cart_removals,
  s.checkouts AS s_checkouts,
  s.purchases AS s_purchases,
  s.event_count AS s_event_count,
  s.purchase_value AS s_purchase_value,
  (SELECT list({'type': event_type, 'n': n}) FROM by_type) AS events_by_type,
  (SELECT count(*) FROM events) AS events_total,
  (SELECT CAST(coalesce(sum(order_value) FILTER (WHERE event_type = 'purchase'), 0) AS DOUBLE) FROM events)
    AS e_purchase_value,
  (SELECT count(*) FROM orphan_events) AS orphan_events,
  (SELECT count(DISTINCT session_id) FROM orphan_events) AS orphan_event_sessions,
  (SELECT list(DISTINCT session_id ORDER BY session_id)[1:3] FROM orphan_events) AS orphan_samples,
  (SELECT count(*) FROM sessions_without_events) AS sessions_without_events,
  (SELECT list(session_id ORDER BY session_id)[1:3] FROM sessions_without_events) AS empty_samples
FROM s;
