-- One row per (consumer group, topic, partition): the next offset to read, the partition's event-time
-- watermark and its serialized sessionizer state. Committed in the same transaction as the rows, so a
-- restart resumes exactly where the last commit left off; next_offset is also the fencing token.
-- next_offset = -1 means "row locked for a first commit" and never survives a committed transaction.
CREATE TABLE stream_offsets (
    consumer_group VARCHAR(255) NOT NULL,
    topic VARCHAR(255) NOT NULL,
    kafka_partition INTEGER NOT NULL,
    next_offset BIGINT NOT NULL,
    watermark_ms BIGINT,
    state JSONB,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (consumer_group, topic, kafka_partition)
);
