#!/usr/bin/env python3
"""Every relative link `](path)` and `](path#anchor)` in README.md and docs/*.md points to an existing file
(and, into a markdown file, to one of its headings, by GitHub's anchor rule). Links inside code fences and
links with a scheme (https://...) are skipped. Usage: python3 scripts/check-doc-links.py [ROOT]; exit 0 when
every link resolves, else one line per broken link and exit 1. Not run by ctest (yet): run it after moving text.
"""
import re, os, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else "."
def anchors(path):
    out, fence = set(), False
    counts = {}
    for l in open(path, encoding="utf-8"):
        if l.startswith("```"):
            fence = not fence; continue
        if fence or not l.startswith("#"): continue
        t = l.lstrip("#").strip().lower()
        t = re.sub(r"[^\w\- ]", "", t).replace(" ", "-")
        n = counts.get(t, 0); counts[t] = n + 1
        out.add(t if n == 0 else f"{t}-{n}")
    return out
bad = 0
for f in [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
    text = open(f, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for m in re.finditer(r"\]\(([^)\s]+)\)", text):
        target = m.group(1)
        if re.match(r"[a-z]+://", target): continue
        path, _, anchor = target.partition("#")
        full = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(full):
            print(f"{f}: {target}: no such file"); bad += 1
        elif anchor and full.endswith(".md") and anchor not in anchors(full):
            print(f"{f}: {target}: no such anchor"); bad += 1
print(f"{bad} broken link(s)")
sys.exit(1 if bad else 0)
