-- The training center, continued: what a session costs (for the cost per
-- trainee), the competencies the center builds and those each role needs
-- (training needs), staff contacts and notifications to trainees.
-- Keep in step with the other engine.
ALTER TABLE training_sessions ADD COLUMN cost_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE training_sessions ADD COLUMN currency TEXT NOT NULL DEFAULT 'EGP';

CREATE TABLE training_competencies (
    code     TEXT PRIMARY KEY,
    name_ar  TEXT NOT NULL,
    name_en  TEXT NOT NULL
);

-- Competencies a role requires of whoever holds it.
CREATE TABLE training_role_needs (
    role        TEXT NOT NULL,
    competency  TEXT NOT NULL REFERENCES training_competencies(code),
    PRIMARY KEY (role, competency)
);

-- Where a staff member is told of their nominations.
ALTER TABLE users ADD COLUMN email TEXT;

-- Notifications now belong to an application, a report or a training session.
CREATE TABLE notifications_new (
    id                   INTEGER PRIMARY KEY,
    application_id       INTEGER REFERENCES applications(id),
    report_id            INTEGER REFERENCES reports(id),
    training_session_id  INTEGER REFERENCES training_sessions(id),
    kind                 TEXT NOT NULL,
    recipient            TEXT NOT NULL,
    payload              TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'pending',
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    sent_at              TEXT,
    last_error           TEXT,
    CHECK ((application_id IS NOT NULL) + (report_id IS NOT NULL)
           + (training_session_id IS NOT NULL) = 1)
);
INSERT INTO notifications_new (id, application_id, report_id, kind, recipient, payload, status,
    attempts, next_attempt_at, created_at, sent_at, last_error)
    SELECT id, application_id, report_id, kind, recipient, payload, status, attempts,
    next_attempt_at, created_at, sent_at, last_error FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_pending ON notifications(status, next_attempt_at);
