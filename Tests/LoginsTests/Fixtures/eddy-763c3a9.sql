-- A database made by eddy 763c3a9, the last version whose Store applied every migration itself:
--   eddy migrate --db old.db, then rows inserted into every table with sqlite3, then sqlite3 old.db .dump
-- Never regenerate it with a newer eddy: it stands for the databases already out there.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
INSERT INTO grdb_migrations VALUES('0001_core');
INSERT INTO grdb_migrations VALUES('0002_logins');
INSERT INTO grdb_migrations VALUES('0003_retention_outbox');
INSERT INTO grdb_migrations VALUES('0004_login_event_minutes');
CREATE TABLE consumer_offsets (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (topic, partition)
) WITHOUT ROWID;
INSERT INTO consumer_offsets VALUES('legacy-login',0,3,1700000100);
INSERT INTO consumer_offsets VALUES('legacy-login',1,2,1700000100);
CREATE TABLE failed_messages (
    id              INTEGER PRIMARY KEY,
    topic           TEXT    NOT NULL,
    partition       INTEGER NOT NULL,
    offset          INTEGER NOT NULL,
    key             BLOB,
    payload         BLOB,             -- NULL for a tombstone
    headers         TEXT,             -- JSON array of [name, base64 value or null]; NULL when none
    error_class     TEXT    NOT NULL, -- malformed | invalid | ...
    error           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    status          TEXT    NOT NULL DEFAULT 'dead' CHECK (status IN ('retrying', 'dead', 'resolved')),
    reprocess       INTEGER NOT NULL DEFAULT 0 CHECK (reprocess IN (0, 1)),
    first_failed_at INTEGER NOT NULL, -- unix seconds
    last_attempt_at INTEGER NOT NULL,
    next_attempt_at INTEGER,
    UNIQUE (topic, partition, offset)
);
INSERT INTO failed_messages VALUES(1,'legacy-login',0,1,X'0102',X'7b00fffe22','[["trace","CQ=="],["empty",null]]','malformed','not UTF-8',1,'dead',0,1700000010,1700000010,NULL);
INSERT INTO failed_messages VALUES(2,'legacy-login',0,3,NULL,NULL,NULL,'malformed','tombstone (null value)',1,'dead',1,1700000011,1700000011,NULL);
INSERT INTO failed_messages VALUES(3,'legacy-login',1,2,NULL,X'7b22757365725f6964223a2278227d',NULL,'unavailable','the dependency is down',2,'retrying',0,1700000012,1700000072,1700000132);
INSERT INTO failed_messages VALUES(4,'legacy-login',1,3,NULL,X'7b22757365725f6964223a22227d',NULL,'invalid','user_id is empty',3,'resolved',0,1700000013,1700000200,NULL);
CREATE TABLE login_events (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    offset      INTEGER NOT NULL,
    user_id     TEXT    NOT NULL,
    app_version TEXT,
    device_type TEXT,
    locale      TEXT,
    ip          TEXT,
    device_id   TEXT,
    event_time  INTEGER NOT NULL, -- unix seconds, from the event's timestamp
    PRIMARY KEY (topic, partition, offset)
) WITHOUT ROWID;
INSERT INTO login_events VALUES('legacy-login',0,0,'424cdd21-063a-43a7-b91b-7ca1a833afae','2.3.0','android','RU','199.172.111.135','593-47-5928',1699999990);
INSERT INTO login_events VALUES('legacy-login',0,2,'5d1b3c10-9f2e-4a41-8b7e-2f0c1d9e8a77','1.0.0','ios','US','2001:db8::1',NULL,1700000030);
INSERT INTO login_events VALUES('legacy-login',1,0,'9e8f7a6b-5c4d-4e3f-8a1b-0c9d8e7f6a5b',NULL,'web',NULL,NULL,NULL,1700000045);
INSERT INTO login_events VALUES('legacy-login',1,1,'424cdd21-063a-43a7-b91b-7ca1a833afae','2.3.0','android','RU','199.172.111.135','593-47-5928',1700000050);
CREATE TABLE login_counts (
    window_start INTEGER NOT NULL,
    device_type  TEXT    NOT NULL,
    locale       TEXT    NOT NULL,
    app_version  TEXT    NOT NULL,
    logins       INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (window_start, device_type, locale, app_version)
) WITHOUT ROWID;
INSERT INTO login_counts VALUES(1699999980,'android','RU','2.3.0',1,1700000100);
INSERT INTO login_counts VALUES(1699999980,'ios','US','1.0.0',1,1700000100);
INSERT INTO login_counts VALUES(1700000040,'android','RU','2.3.0',1,1700000100);
INSERT INTO login_counts VALUES(1700000040,'web','unknown','unknown',1,1700000100);
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    source_topic     TEXT    NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset    INTEGER NOT NULL,
    key              BLOB,
    value            BLOB    NOT NULL,
    created_at       INTEGER NOT NULL, -- unix seconds
    sent_at          INTEGER           -- unix seconds; NULL until the broker acknowledged it
);
INSERT INTO outbox VALUES(1,'legacy-login',0,0,X'34323463',X'7b22757365725f6964223a2234323463646432312d303633612d343361372d623931622d376361316138333361666165222c226465766963655f74797065223a22616e64726f6964227d',1700000100,1700000101);
INSERT INTO outbox VALUES(2,'legacy-login',1,1,NULL,X'7b22757365725f6964223a2234323463646432312d303633612d343361372d623931622d376361316138333361666165222c226465766963655f74797065223a22616e64726f6964227d',1700000100,NULL);
CREATE TABLE login_event_minutes (
    minute_start INTEGER NOT NULL, -- unix seconds aligned to the minute, like login_counts.window_start
    topic        TEXT    NOT NULL,
    partition    INTEGER NOT NULL,
    offset_block INTEGER NOT NULL, -- offset / 65536
    first_offset INTEGER NOT NULL, -- the lowest offset of the block with an event in this minute
    last_offset  INTEGER NOT NULL, -- the highest; offsets between may hold events of other minutes
    PRIMARY KEY (minute_start, topic, partition, offset_block)
) WITHOUT ROWID;
INSERT INTO login_event_minutes VALUES(1699999980,'legacy-login',0,0,0,2);
INSERT INTO login_event_minutes VALUES(1700000040,'legacy-login',1,0,0,1);
CREATE INDEX failed_messages_by_status ON failed_messages (status, error_class);
CREATE INDEX failed_messages_flagged ON failed_messages (topic, partition, offset) WHERE reprocess = 1;
CREATE INDEX failed_messages_retry_due ON failed_messages (next_attempt_at) WHERE status = 'retrying';
CREATE INDEX failed_messages_resolved ON failed_messages (last_attempt_at) WHERE status = 'resolved';
CREATE INDEX failed_messages_dead ON failed_messages (last_attempt_at) WHERE status = 'dead';
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
COMMIT;
