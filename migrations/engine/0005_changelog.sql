-- Where each partition stands in the changelog: the line of history this database continues (a
-- random token claimed by the instance that took the partition over), its epoch, and the last change
-- set written in it. Updated in the same transaction as the state and the offsets. A line continues
-- another one at a given change set (parent_line, parent_seq), or starts from a snapshot or nothing.
CREATE TABLE changelog_lines (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    epoch       INTEGER NOT NULL,
    seq         INTEGER NOT NULL, -- the last change set of the line written here; 0 right after the claim
    parent_line INTEGER,          -- NULL when the line starts from nothing or from its own snapshot
    parent_seq  INTEGER,
    claimed_at  INTEGER NOT NULL, -- unix seconds
    snapshot_at INTEGER NOT NULL, -- unix seconds: when the snapshot (or the start) the state is built on was written
    PRIMARY KEY (topic, partition)
) WITHOUT ROWID;

-- Outbox rows for the changelog topic travel with those for the output topic, in one id order.
ALTER TABLE outbox ADD COLUMN channel INTEGER NOT NULL DEFAULT 0; -- 0: the output topic; 1: the changelog
CREATE INDEX outbox_unsent_changelog ON outbox (source_topic, source_partition) WHERE sent_at IS NULL AND channel = 1;
