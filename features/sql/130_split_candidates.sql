-- Split by user, step 1 (before the marts, so they are stored in split order): one row per user with the
-- user's sessions and positives (is_converted), in the order the greedy assignment (features/split.ts)
-- walks them: biggest users first, so the many small users that come last can even out the error; ties in
-- a seeded hash order, so the seed decides which of several alike users goes to test.
CREATE OR REPLACE TEMP TABLE split_candidates AS
WITH users AS (
  SELECT
    user_id,
    count(*) AS sessions,
    count(*) FILTER (WHERE is_converted) AS positives,
    md5(CAST($seed AS VARCHAR) || chr(31) || user_id) AS h
  FROM stg_sessions
  GROUP BY user_id
)
SELECT
  CAST(row_number() OVER (ORDER BY sessions DESC, positives DESC, h, user_id) AS INTEGER) AS k,
  user_id,
  CAST(sessions AS INTEGER) AS sessions,
  CAST(positives AS INTEGER) AS positives
FROM users;
