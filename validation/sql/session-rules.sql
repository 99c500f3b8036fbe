-- Value-range and consistency rules over `sessions`, one row: the number of rows breaking each rule.
SELECT
  count(*) FILTER (
    WHERE least(page_views, products_viewed, unique_products_viewed, searches, cart_additions, cart_removals,
                event_count, checkouts, purchases, sequence_violations, session_duration_seconds) < 0
       OR cart_value < 0 OR purchase_value < 0 OR avg_time_per_page < 0
  ) AS negative_values,
  count(*) FILTER (
    WHERE end_time < start_time OR last_activity < start_time OR end_time > last_activity
  ) AS time_order,
  count(*) FILTER (
    WHERE session_duration_seconds <> (epoch_ms(last_activity) - epoch_ms(start_time)) // 1000
  ) AS duration_mismatch,
  count(*) FILTER (
    WHERE is_converted IS DISTINCT FROM (purchases > 0)
       OR unique_products_viewed > products_viewed
       OR bounce IS DISTINCT FROM (page_views + products_viewed = 1
            AND searches + cart_additions + cart_removals + checkouts + purchases = 0)
  ) AS label_mismatch,
  list(session_id ORDER BY session_id) FILTER (
    WHERE end_time < start_time OR last_activity < start_time OR end_time > last_activity
  )[1:3] AS time_order_samples,
  list(session_id ORDER BY session_id) FILTER (
    WHERE session_duration_seconds <> (epoch_ms(last_activity) - epoch_ms(start_time)) // 1000
  )[1:3] AS duration_samples,
  list(session_id ORDER BY session_id) FILTER (
    WHERE is_converted IS DISTINCT FROM (purchases > 0)
       OR unique_products_viewed > products_viewed
       OR bounce IS DISTINCT FROM (page_views + products_viewed = 1
            AND searches + cart_additions + cart_removals + checkouts + purchases = 0)
  )[1:3] AS label_samples
FROM sessions;
