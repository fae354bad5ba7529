-- login_events loses its index on event_time. Events arrive out of time order, so each insert landed
-- on a different page of that index: it cost 40% of consumption (measured, docs/performance.md).
-- In its place, a small map of which offsets of each partition hold the events of each minute;
-- retention deletes through it a whole minute at a time, and time-range queries can join it
-- (docs/querying.md). One row covers at most 65,536 offsets (one offset_block), so a late event
-- cannot stretch a minute over a partition's whole history.
DROP INDEX login_events_by_time;

CREATE TABLE login_event_minutes (
    minute_start INTEGER NOT NULL, -- unix seconds aligned to the minute, like login_counts.window_start
    topic        TEXT    NOT NULL,
    partition    INTEGER NOT NULL,
    offset_block INTEGER NOT NULL, -- offset / 65536
    first_offset INTEGER NOT NULL, -- the lowest offset of the block with an event in this minute
    last_offset  INTEGER NOT NULL, -- the highest; offsets between may hold events of other minutes
    PRIMARY KEY (minute_start, topic, partition, offset_block)
) WITHOUT ROWID;

INSERT INTO login_event_minutes (minute_start, topic, partition, offset_block, first_offset, last_offset)
    SELECT event_time - event_time % 60, topic, partition, offset / 65536, MIN(offset), MAX(offset)
    FROM login_events GROUP BY 1, 2, 3, 4;
