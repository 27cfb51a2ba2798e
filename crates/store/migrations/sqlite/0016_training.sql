-- The local-development training center: centers (each belongs to an org
-- unit), partners, the course catalog, the annual plan's sessions with
-- their seats per unit, the roster of each session, attendance per day,
-- test scores and evaluations. Keep in step with the other engine.
CREATE TABLE training_centers (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    unit_id    INTEGER NOT NULL REFERENCES org_units(id),
    name_ar    TEXT NOT NULL,
    name_en    TEXT NOT NULL
);

CREATE TABLE training_partners (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_ar    TEXT NOT NULL,
    name_en    TEXT NOT NULL
);

CREATE TABLE training_courses (
    id              INTEGER PRIMARY KEY,
    center_id       INTEGER NOT NULL REFERENCES training_centers(id),
    code            TEXT NOT NULL,
    name_ar         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    objectives_ar   TEXT NOT NULL,
    objectives_en   TEXT NOT NULL,
    -- Who it is for, as people read it, and the roles it targets (,a,b,).
    audience_ar     TEXT NOT NULL,
    audience_en     TEXT NOT NULL,
    roles           TEXT NOT NULL,
    hours           INTEGER NOT NULL,
    mode            TEXT NOT NULL,
    partner_id      INTEGER REFERENCES training_partners(id),
    -- Competencies it builds (,a,b,).
    competencies    TEXT NOT NULL,
    min_attendance  INTEGER NOT NULL,
    pass_score      INTEGER,
    UNIQUE (center_id, code)
);

CREATE TABLE training_sessions (
    id           INTEGER PRIMARY KEY,
    course_id    INTEGER NOT NULL REFERENCES training_courses(id),
    -- The plan it belongs to, such as 2025/2026.
    plan_year    TEXT NOT NULL,
    first_day    TEXT NOT NULL,
    last_day     TEXT NOT NULL,
    venue        TEXT NOT NULL,
    capacity     INTEGER NOT NULL,
    trainer_id   INTEGER REFERENCES users(id),
    -- Changed by every roster change: two writers never both win.
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX training_sessions_course ON training_sessions(course_id, first_day);

CREATE TABLE training_quotas (
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    seats       INTEGER NOT NULL,
    PRIMARY KEY (session_id, unit_id)
);

CREATE TABLE training_seats (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES training_sessions(id),
    trainee_id    INTEGER NOT NULL REFERENCES users(id),
    unit_id       INTEGER NOT NULL REFERENCES org_units(id),
    status        TEXT NOT NULL,
    reason        TEXT,
    -- Nomination order: the wait list is served first come, first served.
    queue         INTEGER NOT NULL,
    pre_score     INTEGER,
    post_score    INTEGER,
    UNIQUE (session_id, trainee_id)
);
CREATE INDEX training_seats_trainee ON training_seats(trainee_id, status);

CREATE TABLE training_attendance (
    session_id   INTEGER NOT NULL REFERENCES training_sessions(id),
    trainee_id   INTEGER NOT NULL REFERENCES users(id),
    day          TEXT NOT NULL,
    recorded_by  INTEGER REFERENCES users(id),
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, trainee_id, day)
);

CREATE TABLE training_evaluations (
    session_id    INTEGER NOT NULL REFERENCES training_sessions(id),
    trainee_id    INTEGER NOT NULL REFERENCES users(id),
    satisfaction  INTEGER NOT NULL,
    trainer       INTEGER NOT NULL,
    relevance     INTEGER NOT NULL,
    comment       TEXT,
    given_at      TEXT NOT NULL,
    PRIMARY KEY (session_id, trainee_id)
);
