-- Every `eddy offsets reset`: where a partition resumed before and after, and how many of its rows were
-- dropped with it (the rows of the old offsets, which the new log would otherwise collide with).
CREATE TABLE offset_resets (
    id           INTEGER PRIMARY KEY,
    topic        TEXT    NOT NULL,
    partition    INTEGER NOT NULL,
    from_offset  INTEGER,          -- the stored next offset before; NULL when none was stored
    to_offset    INTEGER NOT NULL, -- the next offset after
    rows_dropped INTEGER NOT NULL,
    reset_at     INTEGER NOT NULL  -- unix seconds
);
