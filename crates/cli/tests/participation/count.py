"""Counts pabulib files with pabutools, the reference implementation of
participatory-budgeting rules, and prints each file's winners as JSON:
greedy by votes (cost satisfaction), the Method of Equal Shares with cost
and with cardinal utilities, and, when the file's META `rule` names one
(`equalshares/addN`, `equalshares/cardinal/addN`), that rule completed by
raising each voter's share by N.

Usage: python3 count.py FILE...
"""
import json
import sys

from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

winners = {}
for path in sys.argv[1:]:
    instance, profile = parse_pabulib(path)
    winners[path] = {
        "greedy": sorted(
            p.name for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        ),
        "equalshares": sorted(
            p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
        ),
        "equalshares/cardinal": sorted(
            p.name
            for p in method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat)
        ),
    }
    rule = instance.meta.get("rule", "")
    if "/add" in rule:
        name, increment = rule.rsplit("/add", 1)
        sat = Cardinality_Sat if name.endswith("/cardinal") else Cost_Sat
        winners[path][rule] = sorted(
            p.name
            for p in method_of_equal_shares(
                instance, profile, sat_class=sat, voter_budget_increment=int(increment)
            )
        )
print(json.dumps(winners))
