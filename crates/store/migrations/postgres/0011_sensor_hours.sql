-- Hourly aggregates of numeric observations, kept up to date in the
-- transaction that writes an observation; daily figures roll them up by
-- the local day. They outlive the raw observations when retention
-- removes those (downsampling). Keep in step with ../sqlite.
CREATE TABLE sta_hours (
    datastream_id  BIGINT NOT NULL REFERENCES sta_entities(id),
    -- The UTC hour's start, in microseconds since 1970.
    hour           BIGINT NOT NULL,
    n              BIGINT NOT NULL,
    total          DOUBLE PRECISION NOT NULL,
    low            DOUBLE PRECISION NOT NULL,
    high           DOUBLE PRECISION NOT NULL,
    last_time      BIGINT NOT NULL,
    last_value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (datastream_id, hour)
);

INSERT INTO sta_hours (datastream_id, hour, n, total, low, high, last_time, last_value)
SELECT datastream_id, hour, COUNT(*), SUM(result_number), MIN(result_number), MAX(result_number),
       MAX(phenomenon_time),
       (array_agg(result_number ORDER BY phenomenon_time DESC, id DESC))[1]
FROM (SELECT id, datastream_id, phenomenon_time - phenomenon_time % 3600000000 AS hour, result_number, phenomenon_time
      FROM sta_observations WHERE result_number IS NOT NULL) AS g
GROUP BY datastream_id, hour;
