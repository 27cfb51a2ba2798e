-- Smart-city indicators. Keep in step with ../postgres.

-- Reference data of a unit for a year: the denominators of indicators
-- (population, households, area), entered or imported.
CREATE TABLE unit_reference (
    unit_id     INTEGER NOT NULL REFERENCES org_units(id),
    year        INTEGER NOT NULL,
    population  INTEGER,
    households  INTEGER,
    area_km2    REAL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- One value of an indicator for a unit (with everything below it) and a
-- period ('2026-03' for a month, '2026' for a year), kept as its numerator
-- and denominator so that it adds up the org tree.
CREATE TABLE indicator_values (
    id           INTEGER PRIMARY KEY,
    indicator    TEXT NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES org_units(id),
    period       TEXT NOT NULL,
    numerator    REAL NOT NULL,
    denominator  REAL NOT NULL,
    source       TEXT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT,
    -- Entered values: who entered them and who approved or returned them
    -- (maker-checker: never the same person).
    entered_by   INTEGER REFERENCES users(id),
    reviewed_by  INTEGER REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1,
    updated_at   TEXT NOT NULL,
    UNIQUE (indicator, unit_id, period)
);
CREATE INDEX indicator_values_unit ON indicator_values(unit_id, period);

-- Monthly recomputation reads the applications submitted or completed in a
-- month and the reports closed in it.
CREATE INDEX applications_submitted ON applications(submitted_at);
CREATE INDEX applications_completed ON applications(completed_at);
CREATE INDEX reports_closed ON reports(closed_at);
