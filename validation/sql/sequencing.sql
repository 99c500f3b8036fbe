-- The sequencing rules checked over the raw events, one row: events breaking each rule, events
-- breaking at least one (comparable with sum(sessions.sequence_violations)), and up to 3 sample event ids per
-- rule. Parameter $timeout_ms: a gap longer than the inactivity timeout starts a new session (segment), and
-- rules apply within a segment. Events are ordered by (event_time, event_id); duplicate event_ids count once.
-- Cart state is tracked per purchase (a purchase empties the cart); a product's quantity never goes below 0.
WITH
staged AS (
  SELECT
    event_id, event_type, event_time, epoch_ms(event_time) AS t_ms, session_id, product_id,
    coalesce(quantity, 1) AS quantity
  FROM events
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_time, session_id) = 1
),
gapped AS (
  SELECT *, lag(t_ms) OVER (PARTITION BY session_id ORDER BY event_time, event_id) AS prev_ms
  FROM staged
),
segmented AS (
  SELECT
    *,
    1 + sum(CASE WHEN t_ms - prev_ms > $timeout_ms THEN 1 ELSE 0 END) OVER (
      PARTITION BY session_id ORDER BY event_time, event_id ROWS UNBOUNDED PRECEDING
    ) AS segment
  FROM gapped
),
ordered AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY session_id, segment ORDER BY event_time, event_id) AS pos,
    count(*) FILTER (WHERE event_type = 'session_end') OVER (
      PARTITION BY session_id, segment ORDER BY event_time, event_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS ends_before,
    count(*) FILTER (WHERE event_type = 'purchase') OVER (
      PARTITION BY session_id, segment ORDER BY event_time, event_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS cart_epoch,
    CASE event_type
      WHEN 'add_to_cart' THEN quantity
      WHEN 'remove_from_cart' THEN -quantity
      ELSE 0
    END AS delta
  FROM segmented
),
history AS (
  SELECT
    *,
    count(*) FILTER (WHERE event_type = 'product_view') OVER (
      PARTITION BY session_id, segment, product_id ORDER BY pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS product_views_before,
    count(*) FILTER (WHERE event_type = 'checkout_initiated') OVER (
      PARTITION BY session_id, segment, cart_epoch ORDER BY pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS checkouts_in_epoch_before,
    sum(delta) OVER (
      PARTITION BY session_id, segment, cart_epoch, product_id ORDER BY pos ROWS UNBOUNDED PRECEDING
    ) AS running_qty
  FROM ordered
),
line_qty AS (
  -- clamp at 0: q_t = max(0, q_{t-1} + d_t) = S_t - min(0, min over s <= t of S_s)
  SELECT
    *,
    running_qty - least(0, min(running_qty) OVER (
      PARTITION BY session_id, segment, cart_epoch, product_id ORDER BY pos ROWS UNBOUNDED PRECEDING
    )) AS qty_after
  FROM history
),
line_before AS (
  SELECT
    *,
    coalesce(lag(qty_after) OVER (
      PARTITION BY session_id, segment, cart_epoch, product_id ORDER BY pos
    ), 0) AS qty_before
  FROM line_qty
),
cart_before AS (
  SELECT
    *,
    coalesce(sum(qty_after - qty_before) OVER (
      PARTITION BY session_id, segment, cart_epoch ORDER BY pos
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS cart_items_before
  FROM line_before
),
flags AS (
  SELECT
    event_id,
    event_time,
    (pos = 1 AND event_type <> 'session_start') OR (pos > 1 AND event_type = 'session_start') AS r_start_first,
    event_type = 'add_to_cart' AND product_views_before = 0 AS r_add_after_view,
    event_type = 'remove_from_cart' AND qty_before <= 0 AS r_remove_in_cart,
    event_type = 'checkout_initiated' AND cart_items_before <= 0 AS r_checkout_with_cart,
    event_type = 'purchase' AND checkouts_in_epoch_before = 0 AS r_purchase_after_checkout,
    ends_before > 0 AS r_nothing_after_end
  FROM cart_before
)
SELECT
  count(*) FILTER (WHERE r_start_first) AS session_start_first,
  count(*) FILTER (WHERE r_add_after_view) AS add_after_view,
  count(*) FILTER (WHERE r_remove_in_cart) AS remove_in_cart,
  count(*) FILTER (WHERE r_checkout_with_cart) AS checkout_with_cart,
  count(*) FILTER (WHERE r_purchase_after_checkout) AS purchase_after_checkout,
  count(*) FILTER (WHERE r_nothing_after_end) AS nothing_after_end,
  count(*) FILTER (
    WHERE r_start_first OR r_add_after_view OR r_remove_in_cart OR r_checkout_with_cart
       OR r_purchase_after_checkout OR r_nothing_after_end
  ) AS any_rule,
  list(event_id ORDER BY event_time, event_id) FILTER (WHERE r_start_first)[1:3] AS session_start_first_samples,
  list(event_id ORDER BY event_time, event_id) FILTER (WHERE r_add_after_view)[1:3] AS add_after_view_samples,
  list(event_id ORDER BY event_time, event_id) FILTER (WHERE r_remove_in_cart)[1:3] AS remove_in_cart_samples,
  list(event_id ORDER BY event_time, event_id) FILTER (WHERE r_checkout_with_cart)[1:3] AS checkout_with_cart_samples,
  list(event_id ORDER BY event_time, event_id) FILTER (WHERE r_purchase_after_checkout)[1:3]
    AS purchase_after_checkout_samples,
  list(event_id ORDER BY event_time, event_id) FILTER (WHERE r_nothing_after_end)[1:3] AS nothing_after_end_samples,
  (SELECT coalesce(sum(sequence_violations), 0) FROM sessions) AS sessions_sequence_violations
FROM flags;
