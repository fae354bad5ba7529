-- Retention prunes resolved failed rows by the time they were resolved.
CREATE INDEX failed_messages_resolved ON failed_messages (last_attempt_at) WHERE status = 'resolved';
CREATE INDEX failed_messages_dead ON failed_messages (last_attempt_at) WHERE status = 'dead';

-- Processed records waiting for the output topic, written in the same transaction as the state.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    key        BLOB,
    value      BLOB    NOT NULL,
    headers    TEXT,             -- JSON array of [name, base64 value or null]
    created_at INTEGER NOT NULL, -- unix seconds
    sent_at    INTEGER           -- unix seconds; NULL until the broker acknowledged it
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
