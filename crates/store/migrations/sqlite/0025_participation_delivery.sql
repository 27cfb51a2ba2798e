-- Accountability for what a participatory budget decided: each winning
-- project's delivery (status, progress, its budget line allocated and
-- spent), its dated milestones, and the citizens who follow it, told of
-- each change through the notification outbox. Keep in step with the
-- other engine.
CREATE TABLE participation_delivery (
    project_id  INTEGER PRIMARY KEY REFERENCES participation_projects(id),
    -- planned, in_progress, delivered or cancelled.
    status      TEXT NOT NULL,
    -- Percent done, 0 to 100.
    progress    INTEGER NOT NULL,
    -- The budget line, in whole units of the currency.
    allocated   INTEGER NOT NULL,
    spent       INTEGER NOT NULL,
    -- Public: what changed and why (the latest update).
    note        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE participation_milestones (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES participation_projects(id),
    title_ar    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done_on     TEXT
);
CREATE INDEX participation_milestones_project ON participation_milestones(project_id, due_on);

-- A citizen following a project: their verified mobile number.
CREATE TABLE participation_followers (
    project_id  INTEGER NOT NULL REFERENCES participation_projects(id),
    contact     TEXT NOT NULL,
    PRIMARY KEY (project_id, contact)
) WITHOUT ROWID;

-- Notifications now also belong to a participatory project.
CREATE TABLE notifications_new (
    id                        INTEGER PRIMARY KEY,
    application_id            INTEGER REFERENCES applications(id),
    report_id                 INTEGER REFERENCES reports(id),
    training_session_id       INTEGER REFERENCES training_sessions(id),
    participation_project_id  INTEGER REFERENCES participation_projects(id),
    kind                      TEXT NOT NULL,
    recipient                 TEXT NOT NULL,
    payload                   TEXT NOT NULL,
    status                    TEXT NOT NULL DEFAULT 'pending',
    attempts                  INTEGER NOT NULL DEFAULT 0,
    next_attempt_at           TEXT NOT NULL,
    created_at                TEXT NOT NULL,
    sent_at                   TEXT,
    last_error                TEXT,
    CHECK ((application_id IS NOT NULL) + (report_id IS NOT NULL)
           + (training_session_id IS NOT NULL) + (participation_project_id IS NOT NULL) = 1)
);
INSERT INTO notifications_new (id, application_id, report_id, training_session_id, kind,
    recipient, payload, status, attempts, next_attempt_at, created_at, sent_at, last_error)
    SELECT id, application_id, report_id, training_session_id, kind, recipient, payload, status,
    attempts, next_attempt_at, created_at, sent_at, last_error FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_pending ON notifications(status, next_attempt_at);
