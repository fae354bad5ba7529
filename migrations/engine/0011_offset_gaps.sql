-- Messages the broker deleted before Eddy read them (its retention ran ahead of a consumer that was
-- behind or stopped, or the topic was recreated): Eddy goes on from the log's start and records the
-- range here, in the transaction of the first batch after it, so that a gap is never silent.
CREATE TABLE offset_gaps (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    from_offset INTEGER NOT NULL, -- the first offset lost
    to_offset   INTEGER NOT NULL, -- the first offset after the gap: the log's start when it was found
    detected_at INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (topic, partition, from_offset)
) WITHOUT ROWID;
