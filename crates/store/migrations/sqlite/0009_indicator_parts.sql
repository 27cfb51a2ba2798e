-- Indicators broken down by service (applications) or by category
-- (reports), per unit and period. Keep in step with ../postgres.

-- A computed indicator's value for one part of a unit's activity: the same
-- numerator and denominator as indicator_values, for one service or one
-- report category. Replaced with the period's computed values.
CREATE TABLE indicator_parts (
    indicator    TEXT NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES org_units(id),
    period       TEXT NOT NULL,
    part         TEXT NOT NULL,
    numerator    REAL NOT NULL,
    denominator  REAL NOT NULL,
    PRIMARY KEY (indicator, unit_id, period, part)
);
CREATE INDEX indicator_parts_period ON indicator_parts(period);

-- Whether an application was returned for completion is read from its
-- events: the action in the index answers without reading the rows.
CREATE INDEX events_entity_action ON events(entity, entity_id, action);
DROP INDEX events_entity;

-- When each period's computed values were last replaced, and the last
-- event they took into account: the scheduled recomputation skips a
-- period no event has touched since.
CREATE TABLE indicator_periods (
    period         TEXT PRIMARY KEY,
    through_event  INTEGER NOT NULL,
    computed_at    TEXT NOT NULL
);

-- How many times an application was returned for completion, kept with
-- the return itself (in the same transaction as its event): the monthly
-- returned-for-completion rate counts it without a lookup in the events.
ALTER TABLE applications ADD COLUMN times_returned INTEGER NOT NULL DEFAULT 0;
UPDATE applications SET times_returned = (
    SELECT COUNT(*) FROM events e WHERE e.entity = 'application' AND e.entity_id = applications.id
    AND e.action = 'application.return_for_completion'
);

-- The working days from submission to completion (in the unit's calendar,
-- UTC days), kept when an application is completed: the monthly processing
-- times group by it instead of by pairs of days.
ALTER TABLE applications ADD COLUMN working_days INTEGER;

-- The monthly readings answered from the indexes alone: each holds the
-- columns its query counts by, after the time it is read by (a million
-- applications were a million lookups in the table).
DROP INDEX applications_submitted;
DROP INDEX applications_completed;
DROP INDEX reports_closed;
DROP INDEX reports_requested;
CREATE INDEX applications_submitted ON applications(submitted_at, unit_id, service_version_id, channel, times_returned);
CREATE INDEX applications_completed ON applications(completed_at, unit_id, service_version_id, working_days, due_on, status, rating, fee_minor);
CREATE INDEX reports_received ON reports(requested_at, unit_id, category_code);
CREATE INDEX reports_closed ON reports(closed_at, status, unit_id, category_code, requested_at, expected_on, reopened);
-- Applications completed before their working days were kept.
CREATE INDEX applications_without_days ON applications(completed_at) WHERE working_days IS NULL AND completed_at IS NOT NULL;
