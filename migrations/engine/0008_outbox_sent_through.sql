-- The outbox keeps a watermark per channel instead of a mark on every row: every record of the channel
-- with an id up to `sent_through` was acknowledged by the broker; those above it wait. Marking each row rewrote it and
-- moved it between two indexes, the single writer's largest cost with the output topic on
-- (docs/performance.md). Records acknowledged out of order above the watermark are sent once more
-- after a restart: the output is at-least-once, deduplicated by its eddy-source-* headers.
CREATE TABLE outbox_sent_through (
    channel      INTEGER PRIMARY KEY, -- 0: the output topic; 1: the changelog
    sent_through INTEGER NOT NULL
);
INSERT INTO outbox_sent_through (channel, sent_through)
SELECT channel, COALESCE((SELECT MIN(id) - 1 FROM outbox WHERE sent_at IS NULL AND outbox.channel = c.channel), (SELECT MAX(id) FROM outbox), 0)
FROM (SELECT 0 AS channel UNION ALL SELECT 1) AS c;

-- Ids never go back (AUTOINCREMENT): a record deleted at the end of the table must not give its id to
-- a later one, which the watermark or the relay's cursor would then skip.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    source_topic     TEXT    NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset    INTEGER NOT NULL,
    key              BLOB,
    value            BLOB    NOT NULL,
    created_at       INTEGER NOT NULL, -- unix seconds
    channel          INTEGER NOT NULL DEFAULT 0 -- 0: the output topic; 1: the changelog
);
INSERT INTO outbox_new (id, source_topic, source_partition, source_offset, key, value, created_at, channel)
SELECT id, source_topic, source_partition, source_offset, key, value, created_at, channel FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
-- Changelog records are deleted once sent (nothing reads them then); the few unsent ones are found
-- through this index.
CREATE INDEX outbox_changelog ON outbox (id) WHERE channel = 1;

-- What still waits for the broker, for people with sqlite3: `SELECT COUNT(*) FROM outbox_unsent`.
CREATE VIEW outbox_unsent AS
SELECT outbox.* FROM outbox JOIN outbox_sent_through USING (channel) WHERE outbox.id > outbox_sent_through.sent_through;
