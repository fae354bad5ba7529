-- The user-login workload: one row per valid event.
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
CREATE INDEX login_events_by_time ON login_events (event_time);

-- Logins per minute. window_start is unix seconds aligned to the minute; a missing dimension is 'unknown'.
CREATE TABLE login_counts (
    window_start INTEGER NOT NULL,
    device_type  TEXT    NOT NULL,
    locale       TEXT    NOT NULL,
    app_version  TEXT    NOT NULL,
    logins       INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL, -- unix seconds
    PRIMARY KEY (window_start, device_type, locale, app_version)
) WITHOUT ROWID;
