#!/usr/bin/python3
"""Every citation in the bundled scenarios resolves inside the repository.

usage: test_sources.py SOURCE_ROOT

Citations are `docs/SOURCES.md#ANCHOR` (in `sources:` strings and comments) and the short
`[s1]`, `[s1-rafah, s3]` tags of the comments, each an anchor of docs/SOURCES.md (written
there as <a id="ANCHOR">). Checks that each names an anchor that exists, that anchors are
not defined twice, that every file without extends: cites something, and that no citation still points
outside the repository (the planning notes' GAZA_LOGISTICS.md, FIGURES.md, seeds).
"""
import glob
import os
import re
import sys


def main():
    root = sys.argv[1]
    text = open(os.path.join(root, "docs", "SOURCES.md"), encoding="utf-8").read()
    ids = re.findall(r'<a id="([\w-]+)"></a>', text)
    anchors = set(ids)
    failures = [f"docs/SOURCES.md: anchor '{a}' defined twice"
                for a in sorted(anchors) if ids.count(a) > 1]
    assert len(anchors) >= 30, f"found only {len(anchors)} anchors in docs/SOURCES.md"
    # every entry's bold label repeats its anchor, so that a reader sees the ID
    for a in anchors:
        if "-" in a and f"**{a}" not in text:
            failures.append(f"docs/SOURCES.md: entry '{a}' does not show its ID")

    files = sorted(glob.glob(os.path.join(root, "scenarios", "*.yaml")) +
                   glob.glob(os.path.join(root, "scenarios", "examples", "*.yaml")))
    assert len(files) >= 8, f"found only {len(files)} scenario files"
    n_cited = 0
    for path in files:
        rel = os.path.relpath(path, root)
        cites = 0
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            found = re.findall(r"docs/SOURCES\.md#([\w-]+)", line)
            for tag in re.findall(r"\[(s\d[\w-]*(?:, *s\d[\w-]*)*)\]", line):
                found += [t.strip() for t in tag.split(",")]
            for a in found:
                cites += 1
                if a not in anchors:
                    failures.append(f"{rel}:{n}: cites '{a}', not an anchor of docs/SOURCES.md")
            for old in ("GAZA_LOGISTICS", "FIGURES.md", "[GL", "[FIG]", "seed 00", "shared/"):
                if old in line:
                    failures.append(f"{rel}:{n}: a citation outside the repository: '{old}'")
        # a file without extends states figures of its own and must cite; one with extends
        # may only change assumptions of a base that cites (default.yaml renames its base)
        if cites == 0 and not re.search(r"^extends:", open(path, encoding="utf-8").read(), re.M):
            failures.append(f"{rel}: cites nothing")
        n_cited += cites
    assert n_cited >= 100, f"found only {n_cited} citations"

    for f in failures:
        print("FAIL:", f)
    print(f"{len(files)} files, {n_cited} citations, {len(anchors)} anchors; "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
