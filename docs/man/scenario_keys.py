#!/usr/bin/env python3
"""Builds the scdoc source of aidflow-scenario(5): the template with its @KEYS@ line replaced
by one list per mapping of the scenario language.

usage: scenario_keys.py AIDFLOW README.md TEMPLATE.scd.in OUTPUT.scd

The keys, types, units, defaults and ranges come from `AIDFLOW schema --keys` (the loader's
own tables); the meanings and the headings from the key tables of scenarios/README.md (which
tests/unit/scenario/test_readme.c checks against the same tables). A key without a meaning
in the README, or a README table for a mapping the program does not have, stops the build.
Runs with the Python that runs meson: the standard library only.
"""
import re
import subprocess
import sys


def scd(text):
    """Markdown inline text to scdoc: `code` and **bold** to bold, *emphasis* to underline."""
    text = text.replace("\\", "\\\\")
    text = re.sub(r"\*\*([^*]+)\*\*", r"*\1*", text)
    text = re.sub(r"(?<![*\w])\*([^*]+)\*(?![*\w])", r"_\1_", text)
    text = re.sub(r"`([^`]+)`", r"*\1*", text)
    return text


def readme_tables(path):
    """{mapping: (heading, prose, {key: meaning})} from the <!-- schema: NAME --> tables."""
    lines = open(path, encoding="utf-8").read().split("\n")
    tables = {}
    heading, prose = "", []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"<!-- schema: (\w+) -->", line)
        if line.startswith("#"):
            heading, prose = line.lstrip("#").strip(), []
        elif m:
            meanings = {}
            i += 1
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                k = cells[0].strip("`")
                if k not in ("key", "") and not k.startswith("-"):
                    meanings[k] = cells[4] if len(cells) > 4 else ""
                i += 1
            tables[m.group(1)] = (heading, " ".join(prose), meanings)
            prose = []
            continue
        elif line.strip() and not line.startswith(("|", "```", "<!--")):
            prose.append(line.strip())
        elif not line.strip():
            prose = []
        i += 1
    return tables


def main():
    aidflow, readme, template, output = sys.argv[1:5]
    keys = subprocess.run([aidflow, "schema", "--keys"], check=True, capture_output=True,
                          text=True).stdout
    order, rows = [], {}
    for line in keys.splitlines():
        mapping, key, typ, unit, default, rng = line.split("\t")
        if mapping not in rows:
            order.append(mapping)
            rows[mapping] = []
        rows[mapping].append((key, typ, unit, default, rng))
    tables = readme_tables(readme)
    problems = [f"scenarios/README.md has a table for '{m}', which the program does not have"
                for m in tables if m not in rows]
    out, used = [], set()
    for mapping in order:
        if mapping not in tables:
            problems.append(f"scenarios/README.md has no table for '{mapping}'")
            continue
        heading, prose, meanings = tables[mapping]
        plain = heading.replace("`", "").replace("*", "")
        if plain in used:  # a second table under one heading: name it by its mapping
            out.append(f"## {plain}: {mapping}")
        else:
            out.append(f"## {plain}")
        used.add(plain)
        out.append(f"; mapping: {mapping}")  # a scdoc comment, for tests/docs/test_man.py
        out.append("")
        if prose:
            out.append(scd(prose))
            out.append("")
        for key, typ, unit, default, rng in rows[mapping]:
            if key not in meanings:
                problems.append(f"scenarios/README.md: no meaning for {mapping}.{key}")
                continue
            facts = [typ]
            if unit:
                facts.append(f"unit {unit}")
            facts.append("required" if default == "required" else f"default {default}")
            if rng:
                facts.append(rng)
            out.append(f"*{key}*")
            out.append("\t" + scd("; ".join(facts)) + ".")
            if meanings[key]:
                out.append("\t" + scd(meanings[key]) + ".")
            out.append("")
    if problems:
        for p in problems:
            print(f"scenario_keys.py: {p}", file=sys.stderr)
        return 1
    text = open(template, encoding="utf-8").read()
    if "@KEYS@" not in text:
        print("scenario_keys.py: the template has no @KEYS@ line", file=sys.stderr)
        return 1
    with open(output, "w", encoding="utf-8") as f:
        f.write(text.replace("@KEYS@", "\n".join(out).rstrip("\n")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
