#!/usr/bin/env python3
"""The process benchmark's baseline: pm4py (PyPI) doing the discovery
Baladiya does, on the XES file Baladiya exported in the same run — import,
then (on completed events, as Baladiya) the directly-follows graph with
frequencies, the same graph with durations (mean, median and so on), and
the variants. Prints one JSON line: seconds for each phase and what was
found, so the two can be compared.

    python3 scripts/bench-pm4py.py applications.xes
"""
import json
import sys
import time

import pm4py

path = sys.argv[1]
started = time.perf_counter()
log = pm4py.read_xes(path)
imported = time.perf_counter()
done = log[log["lifecycle:transition"] == "complete"]
dfg, starts, ends = pm4py.discover_dfg(done)
performance, _, _ = pm4py.discover_performance_dfg(done)
variants = pm4py.get_variants(done)
discovered = time.perf_counter()
print(json.dumps({
    "import_seconds": imported - started,
    "discovery_seconds": discovered - imported,
    "events": len(log),
    "completed_events": len(done),
    "cases": int(done["case:concept:name"].nunique()),
    "arcs": len(dfg),
    "variants": len(variants),
}))
