-- Retention prunes resolved failed rows by the time they were resolved.
CREATE INDEX failed_messages_resolved ON failed_messages (last_attempt_at) WHERE status = 'resolved';
CREATE INDEX failed_messages_dead ON failed_messages (last_attempt_at) WHERE status = 'dead';

-- Processed records waiting for the output topic, written in the same transaction as the state. The
-- source topic/partition/offset travel as headers: the dedupe key downstream.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    source_topic     TEXT    NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset    INTEGER NOT NULL,
    key              BLOB,
    value            BLOB    NOT NULL,
    created_at       INTEGER NOT NULL, -- unix seconds
    sent_at          INTEGER           -- unix seconds; NULL until the broker acknowledged it
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
