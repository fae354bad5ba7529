-- A changelog record may name rows of its source partition by offset range instead of carrying them
-- (the stored events, which the same transaction wrote to login_events): the relay reads the rows and
-- appends them to the record when it sends it, so each event is not written twice (docs/performance.md).
ALTER TABLE outbox ADD COLUMN row_ranges BLOB; -- the ranges (Store's RowRange), or NULL
