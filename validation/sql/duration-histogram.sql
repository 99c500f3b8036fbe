-- Session duration histogram in fixed-width bins of $bin_s seconds (the report's chart).
SELECT
  CAST(floor(session_duration_seconds / $bin_s) * $bin_s AS INTEGER) AS bin_start,
  count(*) AS sessions
FROM sessions
WHERE session_duration_seconds IS NOT NULL
GROUP BY ALL
ORDER BY bin_start;
