-- Value ranges over `events`, one row: money never negative, quantities positive.
SELECT
  count(*) FILTER (
    WHERE price < 0 OR cart_value < 0 OR order_value < 0 OR quantity <= 0
  ) AS out_of_range,
  list(event_id ORDER BY event_id) FILTER (
    WHERE price < 0 OR cart_value < 0 OR order_value < 0 OR quantity <= 0
  )[1:3] AS samples
FROM events;
