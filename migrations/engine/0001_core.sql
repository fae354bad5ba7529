-- Where each partition resumes. Written in the same transaction as the state it covers.
CREATE TABLE consumer_offsets (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (topic, partition)
) WITHOUT ROWID;

-- The retry table and dead-letter store. `payload` and `key` are the exact bytes received.
CREATE TABLE failed_messages (
    id              INTEGER PRIMARY KEY,
    topic           TEXT    NOT NULL,
    partition       INTEGER NOT NULL,
    offset          INTEGER NOT NULL,
    key             BLOB,
    payload         BLOB,             -- NULL for a tombstone
    headers         TEXT,             -- JSON array of [name, base64 value or null]; NULL when none
    error_class     TEXT    NOT NULL, -- malformed | invalid | ...
    error           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    status          TEXT    NOT NULL DEFAULT 'dead' CHECK (status IN ('retrying', 'dead', 'resolved')),
    reprocess       INTEGER NOT NULL DEFAULT 0 CHECK (reprocess IN (0, 1)),
    first_failed_at INTEGER NOT NULL, -- unix seconds
    last_attempt_at INTEGER NOT NULL,
    next_attempt_at INTEGER,
    UNIQUE (topic, partition, offset)
);
CREATE INDEX failed_messages_by_status ON failed_messages (status, error_class);
-- What the service looks for every few seconds: rows flagged by an operator, and retries that are due.
CREATE INDEX failed_messages_flagged ON failed_messages (topic, partition, offset) WHERE reprocess = 1;
CREATE INDEX failed_messages_retry_due ON failed_messages (next_attempt_at) WHERE status = 'retrying';
