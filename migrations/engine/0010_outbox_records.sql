-- An output record may stand for a run of records instead of one: with the events stored, the
-- transaction names a batch's records of one source partition by offset range (row_ranges) rather than
-- writing each event's JSON a second time beside its login_events row, and the relay sends them from
-- memory, or reads the rows back and encodes them (docs/performance.md). `records` says how many
-- messages a row is: what `--outbox-max-pending` and `SELECT SUM(records) FROM outbox_unsent` count.
ALTER TABLE outbox ADD COLUMN records INTEGER NOT NULL DEFAULT 1;
