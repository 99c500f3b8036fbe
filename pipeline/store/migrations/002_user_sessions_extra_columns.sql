-- cartstream's extra columns (pipeline/model/session-row.ts), after the reference columns so the
-- phase-1 DDL stays verbatim. Nullable: rows written by other phase-1 tools stay valid.
ALTER TABLE user_sessions
    ADD COLUMN base_session_id VARCHAR(50),
    ADD COLUMN segment INTEGER,
    ADD COLUMN event_count INTEGER,
    ADD COLUMN checkouts INTEGER,
    ADD COLUMN purchases INTEGER,
    ADD COLUMN ended_by VARCHAR(12),
    ADD COLUMN persona VARCHAR(20),
    ADD COLUMN intended_outcome VARCHAR(12),
    ADD COLUMN abandonment_reason VARCHAR(40),
    ADD COLUMN sequence_violations INTEGER,
    ADD COLUMN kafka_partition INTEGER;

CREATE INDEX user_sessions_kafka_partition_idx ON user_sessions (kafka_partition);
