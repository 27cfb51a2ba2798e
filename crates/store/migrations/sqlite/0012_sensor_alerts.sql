-- Alert rules on datastreams and the alerts they raise. An alert opens a
-- citizen report (the work item) routed like any other; at most one alert
-- of a rule is active at a time (the partial unique index), so two
-- evaluators never open the same work twice. Keep in step with the other
-- engine's migration.
CREATE TABLE sensor_rules (
    id             INTEGER PRIMARY KEY,
    datastream_id  INTEGER NOT NULL REFERENCES sta_entities(id),
    kind           TEXT NOT NULL,
    threshold      REAL,
    minutes        INTEGER,
    -- The report category its work is filed under (and so the department).
    category       TEXT NOT NULL,
    -- Who hears of it (an e-mail address or a mobile number), if anyone.
    notify         TEXT,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TEXT NOT NULL
);
CREATE INDEX sensor_rules_datastream ON sensor_rules(datastream_id);

CREATE TABLE sensor_alerts (
    id             INTEGER PRIMARY KEY,
    rule_id        INTEGER NOT NULL REFERENCES sensor_rules(id),
    opened_at      TEXT NOT NULL,
    opening_value  REAL,
    report_id      INTEGER REFERENCES reports(id),
    closed_at      TEXT,
    closing_value  REAL
);
CREATE UNIQUE INDEX sensor_alerts_active ON sensor_alerts(rule_id) WHERE closed_at IS NULL;
CREATE INDEX sensor_alerts_opened ON sensor_alerts(opened_at);
