-- login_counts' rows of one minute and one source partition now sit together. Keyed by minute and
-- then by dimensions, a partition's rows were spread over every page of their minute, so a batch
-- from a few partitions dirtied (and wrote to the WAL) nearly all of the current minute's pages; now
-- it writes the few pages of its partitions (measured, docs/performance.md). Queries are unchanged:
-- the key is the same set of columns, and time ranges still use its first column.
CREATE TABLE login_counts_clustered (
    window_start INTEGER NOT NULL,
    device_type  TEXT    NOT NULL,
    locale       TEXT    NOT NULL,
    app_version  TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    partition    INTEGER NOT NULL,
    logins       INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (window_start, topic, partition, device_type, locale, app_version)
) WITHOUT ROWID;

INSERT INTO login_counts_clustered (window_start, device_type, locale, app_version, topic, partition, logins, updated_at)
    SELECT window_start, device_type, locale, app_version, topic, partition, logins, updated_at FROM login_counts;
DROP TABLE login_counts;
ALTER TABLE login_counts_clustered RENAME TO login_counts;
