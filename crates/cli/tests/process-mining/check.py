"""Reads Baladiya's XES export with pm4py, unmodified, and checks that it
sees the cases, events, variants and directly-follows graph Baladiya wrote.

Usage: python3 check.py LOG.xes EXPECTED.json
"""
import json
import sys

import pm4py

path, expected_path = sys.argv[1], sys.argv[2]
with open(expected_path, encoding="utf-8") as f:
    expected = json.load(f)

log = pm4py.read_xes(path)
assert log["case:concept:name"].nunique() == expected["cases"], log["case:concept:name"].nunique()
assert len(log) == expected["events"], len(log)
assert set(log["org:resource"]) <= set(expected["resources"]), set(log["org:resource"])
assert {"case:service", "case:unit", "case:channel", "case:outcome"} <= set(log.columns), log.columns

done = log[log["lifecycle:transition"] == "complete"]
variants = {
    case: list(group.sort_values("time:timestamp", kind="stable")["concept:name"])
    for case, group in done.groupby("case:concept:name")
}
assert variants == expected["variants"], variants

dfg, _, _ = pm4py.discover_dfg(done)
seen = sorted([a, b, n] for (a, b), n in dfg.items())
assert seen == sorted(expected["dfg"]), seen
print(f"pm4py read {len(variants)} cases and {len(log)} events; same variants and graph")
