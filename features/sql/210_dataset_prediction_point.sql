-- Mart: the prediction-point dataset, one row per session that adds to the cart at least once, with
-- features up to and including the first add_to_cart (120_prediction_point), start-of-session features,
-- the point-in-time history as of the session's start, and the same labels and split as the full dataset;
-- stored in file order (split, start_time, session_id).
CREATE OR REPLACE TEMP TABLE dataset_prediction_point AS
SELECT
  s.session_id,
  s.user_id,
  s.base_session_id,
  s.start_time,
  s.device_type,
  s.browser,
  s.segment,
  f.start_hour_utc,
  f.start_weekday_utc,
  p.pp_seconds_to_first_cart,
  p.pp_browse_event_count,
  p.pp_page_views,
  p.pp_products_viewed,
  p.pp_unique_products_viewed,
  p.pp_searches,
  p.pp_distinct_categories_viewed,
  p.pp_avg_price_viewed,
  p.pp_search_share,
  p.pp_browse_events_per_minute,
  p.pp_first_cart_price,
  p.pp_first_cart_quantity,
  p.pp_cart_value,
  h.prior_sessions,
  h.prior_closed_sessions,
  h.open_sessions_at_start,
  h.prior_converted_sessions,
  h.prior_purchases,
  h.prior_purchase_value,
  h.prior_abandoned_carts,
  h.seconds_since_last_session_end,
  s.persona,
  s.intended_outcome,
  s.abandonment_reason,
  s.is_converted,
  s.purchase_value,
  s.abandoned,
  -- not written: each split goes to its own file
  x.split
FROM prediction_point AS p
JOIN stg_sessions AS s USING (session_id)
JOIN session_features AS f USING (session_id)
JOIN user_history AS h USING (session_id)
JOIN session_split AS x USING (session_id)
ORDER BY x.split, s.start_time, s.session_id;
