-- Open sessions' serialized sessionizer state, opaque to the store. Rows leave when a session closes.
CREATE TABLE session_state (
    session_id VARCHAR(50) PRIMARY KEY,
    kafka_partition INTEGER NOT NULL,
    state JSONB NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX session_state_kafka_partition_idx ON session_state (kafka_partition);
