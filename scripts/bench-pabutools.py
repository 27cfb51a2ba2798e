"""The participation benchmark's baseline: pabutools (PyPI), the reference
implementation of participatory-budgeting rules, counting the pabulib
files Baladiya wrote in the same run. Prints JSON: per file the seconds to
read it and to count it by each rule, and the winners (to compare).

Usage: python3 scripts/bench-pabutools.py FILE...
"""
import json
import sys
import time

from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

results = []
for path in sys.argv[1:]:
    start = time.perf_counter()
    instance, profile = parse_pabulib(path)
    read = time.perf_counter() - start
    row = {"file": path, "read_seconds": read}
    for name, count in [
        ("greedy", lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)),
        ("equalshares", lambda: method_of_equal_shares(instance, profile, sat_class=Cost_Sat)),
        (
            "equalshares/cardinal",
            lambda: method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat),
        ),
    ]:
        start = time.perf_counter()
        winners = count()
        row[name + "_seconds"] = time.perf_counter() - start
        row[name] = sorted(p.name for p in winners)
    results.append(row)
print(json.dumps(results))
