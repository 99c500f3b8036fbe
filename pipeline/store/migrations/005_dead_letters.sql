-- Messages the aggregator could not use (unparseable, schema-invalid), kept with the reason.
CREATE TABLE dead_letters (
    id BIGSERIAL PRIMARY KEY,
    consumer_group VARCHAR(255),
    topic VARCHAR(255) NOT NULL,
    kafka_partition INTEGER NOT NULL,
    kafka_offset BIGINT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX dead_letters_source_idx ON dead_letters (topic, kafka_partition, kafka_offset);
