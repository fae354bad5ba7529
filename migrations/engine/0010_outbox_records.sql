-- An output record may stand for a run of records instead of one: with the events stored, the
-- transaction names a batch's records of one source partition by offset range (row_ranges) rather than
-- writing each event's JSON a second time beside its login_events row, and the relay sends them from
-- memory, or reads the rows back and encodes them (docs/performance.md). `records` says how many
-- messages a row is: what `--outbox-max-pending` and `SELECT SUM(records) FROM outbox_unsent` count.
ALTER TABLE outbox ADD COLUMN records INTEGER NOT NULL DEFAULT 1;

-- The view read every row of the outbox, the sent output rows kept for --retain-sent too (retention now
-- asks it which stored rows unsent records name): it starts at the lower watermark, by id.
DROP VIEW outbox_unsent;
CREATE VIEW outbox_unsent AS
SELECT outbox.* FROM outbox JOIN outbox_sent_through USING (channel)
WHERE outbox.id > outbox_sent_through.sent_through AND outbox.id > (SELECT MIN(sent_through) FROM outbox_sent_through);
