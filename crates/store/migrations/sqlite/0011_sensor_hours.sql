-- Hourly aggregates of numeric observations, kept up to date in the
-- transaction that writes an observation; daily figures roll them up by
-- the local day. They outlive the raw observations when retention
-- removes those (downsampling). Keep in step with ../postgres.
CREATE TABLE sta_hours (
    datastream_id  INTEGER NOT NULL REFERENCES sta_entities(id),
    -- The UTC hour's start, in microseconds since 1970.
    hour           INTEGER NOT NULL,
    n              INTEGER NOT NULL,
    total          REAL NOT NULL,
    low            REAL NOT NULL,
    high           REAL NOT NULL,
    last_time      INTEGER NOT NULL,
    last_value     REAL NOT NULL,
    PRIMARY KEY (datastream_id, hour)
) WITHOUT ROWID;

INSERT INTO sta_hours (datastream_id, hour, n, total, low, high, last_time, last_value)
SELECT datastream_id, hour, COUNT(*), SUM(result_number), MIN(result_number), MAX(result_number),
       MAX(phenomenon_time),
       (SELECT o2.result_number FROM sta_observations o2
         WHERE o2.datastream_id = g.datastream_id AND o2.result_number IS NOT NULL
           AND o2.phenomenon_time - o2.phenomenon_time % 3600000000 = g.hour
         ORDER BY o2.phenomenon_time DESC, o2.id DESC LIMIT 1)
FROM (SELECT datastream_id, phenomenon_time - phenomenon_time % 3600000000 AS hour, result_number, phenomenon_time
      FROM sta_observations WHERE result_number IS NOT NULL) AS g
GROUP BY datastream_id, hour;
