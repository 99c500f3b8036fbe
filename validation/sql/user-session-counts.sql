-- Per-user session counts (table `sessions`, one row per session). Outcome classes as in the phase-1 report:
-- purchased = is_converted; abandoned = not converted and cart_value > 0; browsing only = the rest.
CREATE OR REPLACE TEMP TABLE user_session_counts AS
SELECT
  user_id,
  count(*) AS sessions,
  count(*) FILTER (WHERE is_converted) AS purchased,
  count(*) FILTER (WHERE NOT is_converted AND cart_value > 0) AS abandoned,
  count(*) FILTER (WHERE bounce) AS bounced,
  count(*) FILTER (WHERE cart_additions > 0) AS with_cart_additions,
  count(*) FILTER (WHERE device_type = 'mobile') AS device_mobile,
  count(*) FILTER (WHERE device_type = 'desktop') AS device_desktop,
  count(*) FILTER (WHERE device_type = 'tablet') AS device_tablet,
  count(*) FILTER (WHERE persona = 'window_shopper') AS persona_window_shopper,
  count(*) FILTER (WHERE persona = 'intent_buyer') AS persona_intent_buyer,
  count(*) FILTER (WHERE persona = 'cart_abandoner') AS persona_cart_abandoner,
  count(*) FILTER (WHERE persona = 'window_shopper' AND is_converted) AS converted_window_shopper,
  count(*) FILTER (WHERE persona = 'intent_buyer' AND is_converted) AS converted_intent_buyer,
  count(*) FILTER (WHERE persona = 'cart_abandoner' AND is_converted) AS converted_cart_abandoner
FROM sessions
GROUP BY user_id;
