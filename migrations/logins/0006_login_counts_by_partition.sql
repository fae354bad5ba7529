-- login_counts says which source partition each count comes from, so that the counts move with their
-- partition to another instance (the changelog) and leave the instance that no longer owns it. A key
-- now has one row per partition it was seen in: SUM(logins) ... GROUP BY gives the totals, as before.
-- Counts written before this migration cannot be attributed: they keep topic '' and partition -1,
-- stay on this instance, and are not in the changelog.
CREATE TABLE login_counts_by_partition (
    window_start INTEGER NOT NULL,
    device_type  TEXT    NOT NULL,
    locale       TEXT    NOT NULL,
    app_version  TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    partition    INTEGER NOT NULL,
    logins       INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (window_start, device_type, locale, app_version, topic, partition)
) WITHOUT ROWID;

INSERT INTO login_counts_by_partition (window_start, device_type, locale, app_version, topic, partition, logins, updated_at)
    SELECT window_start, device_type, locale, app_version, '', -1, logins, updated_at FROM login_counts;
DROP TABLE login_counts;
ALTER TABLE login_counts_by_partition RENAME TO login_counts;
