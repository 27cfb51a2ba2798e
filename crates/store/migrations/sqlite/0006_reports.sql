-- Citizen reports (Open311 service requests). Keep in step with ../postgres.
CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    token           TEXT NOT NULL UNIQUE,
    category_code   TEXT NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES org_units(id),
    department      TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_note     TEXT,
    description     TEXT NOT NULL,
    lat             REAL NOT NULL,
    lon             REAL NOT NULL,
    address         TEXT,
    answers         TEXT NOT NULL,
    photo_key       TEXT,
    photo_type      TEXT,
    media_url       TEXT,
    channel         TEXT NOT NULL,
    api_key_id      INTEGER,
    intake_user_id  INTEGER REFERENCES users(id),
    -- Personal data: never in a public answer.
    reporter_name   TEXT,
    reporter_email  TEXT,
    reporter_phone  TEXT,
    device_id       TEXT,
    account_id      TEXT,
    duplicate_of    INTEGER REFERENCES reports(id),
    reopened        INTEGER NOT NULL DEFAULT 0,
    confirmed       INTEGER NOT NULL DEFAULT 0,
    requested_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    expected_on     TEXT NOT NULL,
    closed_at       TEXT,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX reports_requested ON reports(requested_at);
CREATE INDEX reports_category_requested ON reports(category_code, requested_at);
CREATE INDEX reports_unit_status ON reports(unit_id, status, department);
CREATE INDEX reports_nearby ON reports(category_code, lat, lon);

-- People told about every change of a report (its reporter and followers).
CREATE TABLE report_followers (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    contact     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (report_id, contact)
);

-- Keys of Open311 clients allowed to POST, stored as SHA-256 hashes, with
-- a per-minute window counter shared by every server.
CREATE TABLE api_keys (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    per_minute      INTEGER NOT NULL,
    window_start    TEXT NOT NULL,
    window_count    INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);

-- Notifications now belong to an application or to a report.
CREATE TABLE notifications_new (
    id               INTEGER PRIMARY KEY,
    application_id   INTEGER REFERENCES applications(id),
    report_id        INTEGER REFERENCES reports(id),
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    last_error       TEXT,
    CHECK ((application_id IS NULL) <> (report_id IS NULL))
);
INSERT INTO notifications_new (id, application_id, kind, recipient, payload, status, attempts,
    next_attempt_at, created_at, sent_at, last_error)
    SELECT id, application_id, kind, recipient, payload, status, attempts,
    next_attempt_at, created_at, sent_at, last_error FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_pending ON notifications(status, next_attempt_at);
