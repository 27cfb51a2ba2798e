-- OGC SensorThings API (Sensing part). Keep in step with ../postgres.

-- Things, Locations, HistoricalLocations, Datastreams, Sensors,
-- ObservedProperties and FeaturesOfInterest: a few thousand at most, each
-- its own properties as a JSON document, with the references the
-- specification makes mandatory as columns.
CREATE TABLE sta_entities (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    doc          TEXT NOT NULL,
    thing_id     INTEGER REFERENCES sta_entities(id),
    sensor_id    INTEGER REFERENCES sta_entities(id),
    property_id  INTEGER REFERENCES sta_entities(id),
    -- A private datastream is read only with a credential.
    private      INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);
CREATE INDEX sta_entities_kind ON sta_entities(kind, id);
CREATE INDEX sta_entities_thing ON sta_entities(thing_id);
CREATE INDEX sta_entities_sensor ON sta_entities(sensor_id);
CREATE INDEX sta_entities_property ON sta_entities(property_id);

-- Many-to-many: a Thing's Locations ('thing'), a HistoricalLocation's
-- Locations ('historical').
CREATE TABLE sta_links (
    relation  TEXT NOT NULL,
    from_id   INTEGER NOT NULL REFERENCES sta_entities(id),
    to_id     INTEGER NOT NULL REFERENCES sta_entities(id),
    PRIMARY KEY (relation, from_id, to_id)
);
CREATE INDEX sta_links_to ON sta_links(relation, to_id);

-- Observations, compactly: times in microseconds since 1970 (UTC), a
-- numeric result as a number, anything else as JSON; the rare optional
-- properties together as JSON.
CREATE TABLE sta_observations (
    id               INTEGER PRIMARY KEY,
    datastream_id    INTEGER NOT NULL REFERENCES sta_entities(id),
    feature_id       INTEGER REFERENCES sta_entities(id),
    phenomenon_time  INTEGER NOT NULL,
    phenomenon_end   INTEGER,
    result_time      INTEGER,
    result_number    REAL,
    result           TEXT,
    extra            TEXT
);
CREATE INDEX sta_observations_stream ON sta_observations(datastream_id, phenomenon_time);
CREATE INDEX sta_observations_feature ON sta_observations(feature_id);

-- Credentials of devices and integrators that write (HTTP Basic, or the
-- secret as a bearer token; MQTT user and password).
CREATE TABLE sta_credentials (
    id           INTEGER PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
