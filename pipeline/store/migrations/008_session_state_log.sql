-- The open-session state as a log: each commit appends ONE row per partition holding the bases that
-- changed (a JSON array, opaque to the store), instead of one session_state row per changed session. Now
-- and then a commit writes a snapshot row (every open base of the partition) and deletes the partition's
-- older log rows, so a restart reads at most a bounded amount. Rows are ordered by id: commits on one
-- partition are serialized by the fenced offset lock.
CREATE TABLE session_state_log (
    id BIGSERIAL PRIMARY KEY,
    kafka_partition INTEGER NOT NULL,
    snapshot BOOLEAN NOT NULL,
    bases TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX session_state_log_partition_idx ON session_state_log (kafka_partition, id);

-- Large, already compact JSON: stored out of line without compression (cheaper to write than pglz).
ALTER TABLE session_state_log ALTER COLUMN bases SET STORAGE EXTERNAL;
