-- Mart: the full-session dataset, one row per session, stored in file order (split, start_time, session_id)
-- so writing a split is a filtered scan, not a sort. Column order and roles are declared in
-- features/columns.ts (DATASET_COLUMNS); the build checks that this SELECT matches them (plus `split`).
CREATE OR REPLACE TEMP TABLE dataset AS
SELECT
  -- ids and time
  s.session_id,
  s.user_id,
  s.base_session_id,
  s.start_time,
  -- features known at the session's start
  s.device_type,
  s.browser,
  s.segment,
  f.start_hour_utc,
  f.start_weekday_utc,
  -- behaviour over the whole session (snapshot columns)
  s.page_views,
  s.products_viewed,
  s.unique_products_viewed,
  s.searches,
  s.cart_additions,
  s.cart_removals,
  -- behaviour derived from the browse and cart events
  f.browse_event_count,
  f.browse_seconds,
  f.browse_seconds_per_page,
  f.single_view,
  f.cart_adds_per_product_view,
  f.removals_per_cart_add,
  f.seconds_to_first_cart,
  f.distinct_categories_viewed,
  f.distinct_products_added,
  f.avg_price_viewed,
  f.search_share,
  f.browse_events_per_minute,
  f.max_cart_value,
  -- point-in-time user history
  h.prior_sessions,
  h.prior_closed_sessions,
  h.open_sessions_at_start,
  h.prior_converted_sessions,
  h.prior_purchases,
  h.prior_purchase_value,
  h.prior_abandoned_carts,
  h.seconds_since_last_session_end,
  -- metadata: kept for analysis, excluded from the default feature list (see columns.ts for why)
  s.event_count,
  s.session_duration_seconds,
  s.avg_time_per_page,
  s.bounce,
  s.cart_value,
  s.checkouts,
  f.checkout_reached,
  s.purchases,
  s.ended_by,
  s.persona,
  s.intended_outcome,
  s.abandonment_reason,
  s.sequence_violations,
  -- labels
  s.is_converted,
  s.purchase_value,
  s.abandoned,
  -- not written: each split goes to its own file
  x.split
FROM stg_sessions AS s
JOIN session_features AS f USING (session_id)
JOIN user_history AS h USING (session_id)
JOIN session_split AS x USING (session_id)
ORDER BY x.split, s.start_time, s.session_id;
