-- Split by time: sessions starting before the (1 - $test_fraction) quantile of start_time train, the rest
-- (start_time >= cutoff) test. A user may then have sessions on both sides; the seed plays no part.
CREATE OR REPLACE TEMP TABLE session_split AS
WITH cutoff AS (
  SELECT quantile_disc(start_time, 1 - CAST($test_fraction AS DOUBLE)) AS t FROM stg_sessions
)
SELECT
  d.session_id,
  CASE WHEN d.start_time < c.t THEN 'train' ELSE 'test' END AS split
FROM stg_sessions AS d
CROSS JOIN cutoff AS c;
