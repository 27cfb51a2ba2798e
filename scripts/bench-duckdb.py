#!/usr/bin/env python3
"""The indicators benchmark's baseline: DuckDB (PyPI) computing the same
monthly aggregations as `baladiya indicators recompute` — online share,
returns, completed within SLA, ratings, fees, reports received, resolved on
time, reopened — for every unit and every unit above it, as a whole and by
service or report category, over the same facts exported to CSV. Prints one JSON line: seconds to load, seconds to
aggregate, groups produced.

    python3 scripts/bench-duckdb.py applications.csv reports.csv
"""
import json
import sys
import time

import duckdb

applications, reports = sys.argv[1], sys.argv[2]
db = duckdb.connect()
started = time.perf_counter()
# Types given, not sniffed: a sample of a million rows can start with
# empty timestamps and read them as text.
db.execute(f"""CREATE TABLE a AS SELECT * FROM read_csv('{applications}', header = true,
    types = {{'submitted_at': 'TIMESTAMPTZ', 'completed_at': 'TIMESTAMPTZ', 'due_on': 'DATE',
             'fee_minor': 'BIGINT', 'rating': 'INTEGER', 'returned': 'BOOLEAN'}})""")
db.execute(f"""CREATE TABLE r AS SELECT * FROM read_csv('{reports}', header = true,
    types = {{'requested_at': 'TIMESTAMPTZ', 'closed_at': 'TIMESTAMPTZ', 'expected_on': 'DATE',
             'reopened': 'BOOLEAN'}})""")
loaded = time.perf_counter()
groups = 0
for sql in [
    # Submitted in the month: online share and returns, to every unit above.
    """SELECT unit, service, strftime(submitted_at, '%Y-%m') AS month,
              sum(CASE WHEN channel = 'online' THEN 1 ELSE 0 END), count(*), sum(CAST(returned AS INTEGER))
       FROM (SELECT unnest(string_split(trim(unit_path, '/'), '/')) AS unit, * FROM a)
       GROUP BY GROUPING SETS ((unit, month), (unit, month, service))""",
    # Completed in the month: within SLA, ratings, fees of issued ones.
    """SELECT unit, service, strftime(completed_at, '%Y-%m') AS month,
              sum(CASE WHEN CAST(completed_at AS DATE) <= due_on THEN 1 ELSE 0 END), count(*),
              sum(rating), count(rating),
              sum(CASE WHEN status = 'issued' THEN coalesce(fee_minor, 0) ELSE 0 END) / 100.0
       FROM (SELECT unnest(string_split(trim(unit_path, '/'), '/')) AS unit, * FROM a
             WHERE completed_at IS NOT NULL)
       GROUP BY GROUPING SETS ((unit, month), (unit, month, service))""",
    # Reports received in the month.
    """SELECT unit, category, strftime(requested_at, '%Y-%m') AS month, count(*)
       FROM (SELECT unnest(string_split(trim(unit_path, '/'), '/')) AS unit, * FROM r)
       GROUP BY GROUPING SETS ((unit, month), (unit, month, category))""",
    # Resolved in the month: on time, reopened.
    """SELECT unit, category, strftime(closed_at, '%Y-%m') AS month,
              sum(CASE WHEN CAST(closed_at AS DATE) <= expected_on THEN 1 ELSE 0 END),
              sum(CAST(reopened AS INTEGER)), count(*)
       FROM (SELECT unnest(string_split(trim(unit_path, '/'), '/')) AS unit, * FROM r
             WHERE status = 'resolved' AND closed_at IS NOT NULL)
       GROUP BY GROUPING SETS ((unit, month), (unit, month, category))""",
]:
    groups += len(db.execute(sql).fetchall())
done = time.perf_counter()
print(json.dumps({"load_seconds": loaded - started, "aggregate_seconds": done - loaded, "groups": groups}))
