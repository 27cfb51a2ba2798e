"""Reads Baladiya's XES export with pm4py, unmodified, and checks that it
sees the cases, events, variants and directly-follows graph Baladiya wrote.

Usage: python3 check.py LOG.xes EXPECTED.json LOG.ocel.json
"""
import json
import sys

import pm4py

path, expected_path, ocel_path = sys.argv[1], sys.argv[2], sys.argv[3]
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

ocel = pm4py.read_ocel2_json(ocel_path)
assert len(ocel.events) == len(done), (len(ocel.events), len(done))
types = ocel.objects["ocel:type"].value_counts().to_dict()
assert types == expected["objects"], types
assert set(ocel.events["ocel:activity"]) == set(done["concept:name"]), set(ocel.events["ocel:activity"])
print(f"pm4py read {len(variants)} cases and {len(log)} events; same variants and graph; OCEL {types}")
