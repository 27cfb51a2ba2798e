-- One-stop shop (PostgreSQL). Keep in step with ../sqlite.
CREATE TABLE service_versions (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          TEXT NOT NULL,
    version       BIGINT NOT NULL,
    country       TEXT NOT NULL,
    digest        TEXT NOT NULL,
    source        TEXT NOT NULL,
    published_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (code, version)
);

-- Per unit and year, the last tracking sequence handed out.
CREATE TABLE tracking_counters (
    unit_id  BIGINT NOT NULL REFERENCES org_units(id),
    year     BIGINT NOT NULL,
    last     BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

CREATE TABLE applications (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tracking_number     TEXT NOT NULL UNIQUE,
    service_version_id  BIGINT NOT NULL REFERENCES service_versions(id),
    unit_id             BIGINT NOT NULL REFERENCES org_units(id),
    applicant_kind      TEXT NOT NULL,
    applicant_name      TEXT NOT NULL,
    applicant_id_number TEXT NOT NULL,
    applicant_phone     TEXT NOT NULL,
    channel             TEXT NOT NULL,
    intake_user_id      BIGINT REFERENCES users(id),
    form                TEXT NOT NULL,
    status              TEXT NOT NULL,
    step                BIGINT NOT NULL,
    approvals           TEXT NOT NULL DEFAULT '',
    -- The current step's role and the departments still to act, as
    -- ',engineering,revenue,': inboxes select on these.
    step_role           TEXT NOT NULL,
    pending_departments TEXT NOT NULL,
    fee_minor           BIGINT,
    currency            TEXT NOT NULL,
    receipt_number      TEXT,
    submitted_at        TIMESTAMPTZ NOT NULL,
    step_due_on         DATE NOT NULL,
    due_on              DATE NOT NULL,
    returned_on         DATE,
    escalated           BOOLEAN NOT NULL DEFAULT FALSE,
    completed_at        TIMESTAMPTZ,
    version             BIGINT NOT NULL DEFAULT 1,
    rating              BIGINT,
    rating_comment      TEXT
);
CREATE INDEX applications_unit_status ON applications(unit_id, status, step_role);
CREATE INDEX applications_status_due ON applications(status, due_on);
CREATE INDEX applications_applicant ON applications(applicant_id_number);

CREATE TABLE application_documents (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES applications(id),
    code            TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    storage_key     TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    uploaded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX application_documents_app ON application_documents(application_id);

CREATE TABLE issuances (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id     BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    verification_code  TEXT NOT NULL UNIQUE,
    signature          TEXT NOT NULL,
    holder_masked      TEXT NOT NULL,
    issued_on          DATE NOT NULL,
    valid_until        DATE NOT NULL,
    revoked_at         TIMESTAMPTZ,
    revoke_reason      TEXT
);

-- Messages to applicants, sent by a background worker; never blocks the workflow.
CREATE TABLE notifications (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   BIGINT NOT NULL REFERENCES applications(id),
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending',
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    sent_at          TIMESTAMPTZ,
    last_error       TEXT
);
CREATE INDEX notifications_pending ON notifications(status, next_attempt_at);

-- Secrets the servers share (the license signing key).
CREATE TABLE server_keys (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
