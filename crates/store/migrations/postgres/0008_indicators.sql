-- Smart-city indicators. Keep in step with ../sqlite.

-- Reference data of a unit for a year: the denominators of indicators
-- (population, households, area), entered or imported.
CREATE TABLE unit_reference (
    unit_id     BIGINT NOT NULL REFERENCES org_units(id),
    year        BIGINT NOT NULL,
    population  BIGINT,
    households  BIGINT,
    area_km2    DOUBLE PRECISION,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- One value of an indicator for a unit (with everything below it) and a
-- period ('2026-03' for a month, '2026' for a year), kept as its numerator
-- and denominator so that it adds up the org tree.
CREATE TABLE indicator_values (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator    TEXT NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    period       TEXT NOT NULL,
    numerator    DOUBLE PRECISION NOT NULL,
    denominator  DOUBLE PRECISION NOT NULL,
    source       TEXT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT,
    -- Entered values: who entered them and who approved or returned them
    -- (maker-checker: never the same person).
    entered_by   BIGINT REFERENCES users(id),
    reviewed_by  BIGINT REFERENCES users(id),
    version      BIGINT NOT NULL DEFAULT 1,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (indicator, unit_id, period)
);
CREATE INDEX indicator_values_unit ON indicator_values(unit_id, period);

-- Monthly recomputation reads the applications submitted or completed in a
-- month and the reports closed in it.
CREATE INDEX applications_submitted ON applications(submitted_at);
CREATE INDEX applications_completed ON applications(completed_at);
CREATE INDEX reports_closed ON reports(closed_at);
