#!/usr/bin/env python3
"""Compares two `baladiya bench` results and prints the change of each
ratio (every figure measured against its baseline of the same run, the
keys named `…_vs_…`), so a regression shows in review.

Usage: scripts/bench-compare.py BEFORE.json AFTER.json [--fail-below PCT]

Ratios are compared, not raw rates: two runs on a shared machine differ in
speed, but a figure's ratio to the baseline measured beside it travels.
With --fail-below, exits 1 when a ratio fell by more than PCT percent.
"""
import argparse
import json
import sys


def ratios(result):
    """(suite, engine, key) -> value for every ratio of a result file."""
    found = {}
    for suite, runs in result.items():
        if not isinstance(runs, list):
            continue
        for run in runs:
            if not isinstance(run, dict):
                continue
            engine = run.get("engine", "?")
            for key, value in run.items():
                if "_vs_" in key and isinstance(value, (int, float)):
                    found[(suite, engine, key)] = float(value)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--fail-below", type=float, default=None, metavar="PCT")
    args = parser.parse_args()
    with open(args.before, encoding="utf-8") as f:
        before = json.load(f)
    with open(args.after, encoding="utf-8") as f:
        after = json.load(f)
    for name, result in (("before", before), ("after", after)):
        machine = result.get("machine")
        if machine:
            print(f"{name}: {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores, "
                  f"SQLite {machine.get('sqlite', '?')}, PostgreSQL {machine.get('postgres', '-')}")
    old, new = ratios(before), ratios(after)
    keys = sorted(set(old) | set(new))
    if not keys:
        print("no ratios in common")
        return 0
    width = max(len(f"{s}/{e}/{k}") for s, e, k in keys)
    worst = 0.0
    print(f"{'ratio':<{width}}  {'before':>9}  {'after':>9}  change")
    for key in keys:
        label = "/".join(key)
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            shown = "new" if a is None else "gone"
            cell = lambda v: f"{v:9.4f}" if v is not None else " " * 9
            print(f"{label:<{width}}  {cell(a)}  {cell(b)}  {shown}")
            continue
        change = (b - a) / a * 100 if a else 0.0
        worst = min(worst, change)
        print(f"{label:<{width}}  {a:9.4f}  {b:9.4f}  {change:+6.1f}%")
    if args.fail_below is not None and worst < -args.fail_below:
        print(f"a ratio fell by {-worst:.1f}% (more than {args.fail_below}%)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
