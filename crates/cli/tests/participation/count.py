"""Counts pabulib files with pabutools, the reference implementation of
participatory-budgeting rules, and prints each file's winners as JSON:
greedy by votes (cost satisfaction), and the Method of Equal Shares with
cost and with cardinal utilities.

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
print(json.dumps(winners))
