-- The training center, continued: what a session costs (for the cost per
-- trainee), the competencies the center builds and those each role needs
-- (training needs), staff contacts and notifications to trainees.
-- Keep in step with the other engine.
ALTER TABLE training_sessions ADD COLUMN cost_minor BIGINT NOT NULL DEFAULT 0;
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
ALTER TABLE notifications ADD COLUMN training_session_id BIGINT REFERENCES training_sessions(id);
ALTER TABLE notifications DROP CONSTRAINT notifications_one_owner;
ALTER TABLE notifications ADD CONSTRAINT notifications_one_owner
    CHECK (num_nonnulls(application_id, report_id, training_session_id) = 1);
