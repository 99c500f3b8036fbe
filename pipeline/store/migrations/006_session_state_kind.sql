-- session_state rows get an explicit kind: 'segment' (an open segment's events, keyed by its row key) or
-- 'closed_count' (how many segments of a base session id are closed, keyed by that id). Until now a closed
-- count was told apart by a '#closed:' prefix on its key; the key column is renamed to say it is not always
-- a session_id, and the same key may exist once per kind.
ALTER TABLE session_state DROP CONSTRAINT session_state_pkey;
ALTER TABLE session_state ADD COLUMN kind VARCHAR(16);
UPDATE session_state SET kind = 'closed_count', session_id = substr(session_id, 9)
WHERE starts_with(session_id, '#closed:');
UPDATE session_state SET kind = 'segment' WHERE kind IS NULL;
ALTER TABLE session_state ALTER COLUMN kind SET NOT NULL;
ALTER TABLE session_state ADD CONSTRAINT session_state_kind_check CHECK (kind IN ('segment', 'closed_count'));
ALTER TABLE session_state RENAME COLUMN session_id TO state_key;
ALTER TABLE session_state ADD PRIMARY KEY (kind, state_key);
