-- The area of each org unit, as GeoJSON geometry in WGS84 (longitude, latitude).
CREATE TABLE unit_boundaries (
    unit_id      BIGINT PRIMARY KEY REFERENCES org_units(id),
    geometry     TEXT NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL
);
