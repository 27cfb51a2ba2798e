#!/usr/bin/env python3
"""Checks the shape of the web crate (crates/web/src), as docs/ARCHITECTURE.md
states it:

- every file but lib.rs is inside a folder (a capability, `http` or `drawing`);
- `http` imports no other folder, and `drawing` none but `http`;
- no circle of imports between folders (so none between files of different
  folders either).

An import is any `crate::<folder>::` path or a `super::` path leaving its
folder. Exits 1 naming what breaks the rules. Run: python3 scripts/check-imports.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "web" / "src"
SHARED = {"http": set(), "drawing": {"http"}}

problems = []
graph = {}
for path in sorted(ROOT.rglob("*.rs")):
    rel = path.relative_to(ROOT)
    if rel.parts == ("lib.rs",):
        continue
    if len(rel.parts) < 2:
        problems.append(f"{rel}: outside every folder")
        continue
    folder = rel.parts[0]
    text = path.read_text(encoding="utf-8")
    # Leave out the unit tests: they may reach anything.
    text = text.split("#[cfg(test)]")[0]
    targets = graph.setdefault(folder, {})
    for target in re.findall(r"\bcrate::([a-z_]+)::", text):
        if target != folder:
            targets.setdefault(target, set()).add(str(rel))
    if len(rel.parts) == 2 and re.search(r"\bsuper::super::", text):
        problems.append(f"{rel}: reaches out of its folder with super::super")

for folder, allowed in SHARED.items():
    for target, files in graph.get(folder, {}).items():
        if target not in allowed:
            problems.append(f"{folder} imports {target} ({', '.join(sorted(files))})")


def circle_from(start):
    stack = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, {}):
            if nxt == start:
                return path + [start]
            if nxt not in path:
                stack.append((nxt, path + [nxt]))
    return None


seen = set()
for folder in sorted(graph):
    circle = circle_from(folder)
    if circle and frozenset(circle) not in seen:
        seen.add(frozenset(circle))
        steps = []
        for a, b in zip(circle, circle[1:]):
            steps.append(f"{a} -> {b} ({', '.join(sorted(graph[a][b]))})")
        problems.append("circle: " + "; ".join(steps))

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"crates/web/src: {len(graph)} folders, no circle; http and drawing import no capability")
