-- Citizen reports (Open311 service requests). Keep in step with ../sqlite.
CREATE TABLE reports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token           TEXT NOT NULL UNIQUE,
    category_code   TEXT NOT NULL,
    unit_id         BIGINT NOT NULL REFERENCES org_units(id),
    department      TEXT NOT NULL,
    status          TEXT NOT NULL,
    status_note     TEXT,
    description     TEXT NOT NULL,
    lat             DOUBLE PRECISION NOT NULL,
    lon             DOUBLE PRECISION NOT NULL,
    address         TEXT,
    answers         TEXT NOT NULL,
    photo_key       TEXT,
    photo_type      TEXT,
    media_url       TEXT,
    channel         TEXT NOT NULL,
    api_key_id      BIGINT,
    intake_user_id  BIGINT REFERENCES users(id),
    -- Personal data: never in a public answer.
    reporter_name   TEXT,
    reporter_email  TEXT,
    reporter_phone  TEXT,
    device_id       TEXT,
    account_id      TEXT,
    duplicate_of    BIGINT REFERENCES reports(id),
    reopened        BOOLEAN NOT NULL DEFAULT FALSE,
    confirmed       BOOLEAN NOT NULL DEFAULT FALSE,
    requested_at    TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    expected_on     DATE NOT NULL,
    closed_at       TIMESTAMPTZ,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX reports_requested ON reports(requested_at, id);
CREATE INDEX reports_category_requested ON reports(category_code, requested_at, id);
CREATE INDEX reports_unit_status ON reports(unit_id, status, department);
CREATE INDEX reports_nearby ON reports(category_code, lat, lon);

-- People told about every change of a report (its reporter and followers).
CREATE TABLE report_followers (
    report_id   BIGINT NOT NULL REFERENCES reports(id),
    contact     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (report_id, contact)
);

-- Keys of Open311 clients allowed to POST, stored as SHA-256 hashes, with
-- a per-minute window counter shared by every server.
CREATE TABLE api_keys (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT NOT NULL,
    key_hash        TEXT NOT NULL UNIQUE,
    per_minute      BIGINT NOT NULL,
    window_start    TIMESTAMPTZ NOT NULL,
    window_count    BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ
);

-- Notifications now belong to an application or to a report.
ALTER TABLE notifications ALTER COLUMN application_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN report_id BIGINT REFERENCES reports(id);
ALTER TABLE notifications ADD CONSTRAINT notifications_one_owner
    CHECK ((application_id IS NULL) <> (report_id IS NULL));
