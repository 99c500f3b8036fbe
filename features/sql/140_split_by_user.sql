-- Split by user, step 2: table split_test_users (k of the users the greedy assignment put in test) ->
-- one split per session. A user's sessions all land on the same side.
CREATE OR REPLACE TEMP TABLE session_split AS
SELECT
  d.session_id,
  CASE WHEN t.k IS NULL THEN 'train' ELSE 'test' END AS split
FROM stg_sessions AS d
JOIN split_candidates AS c USING (user_id)
LEFT JOIN split_test_users AS t ON t.k = c.k;
