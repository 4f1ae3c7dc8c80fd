#!/usr/bin/python3
"""The man pages cannot drift from the program.

usage: test_man.py AIDFLOW SOURCE_ROOT AIDFLOW.1 AIDFLOW-SCENARIO.5 VERSION

aidflow -V, --version and version print "aidflow VERSION" (the project's version in meson).

aidflow(1): every command `aidflow --help` lists has a section "## aidflow CMD" in
docs/man/aidflow.1.scd (or, for version, is in COMMANDS), every option `aidflow CMD --help`
prints appears in bold in that section, and every bold option of a section is one the
command's --help prints.
aidflow-scenario(5): its KEYS lists name exactly the keys of `aidflow schema --keys`, mapping
by mapping.
Both built pages render with man(1) without warnings, showing NAME and their content.
"""
import os
import re
import shutil
import subprocess
import sys


def run(*args):
    return subprocess.run(list(args), check=False, capture_output=True, text=True)


def options(help_text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])(?![\w-])", help_text))


def main():
    aidflow, root, page1, page5, version = sys.argv[1:6]
    failures = []

    for flag in ("-V", "--version", "version"):
        r = run(aidflow, flag)
        if r.returncode != 0 or r.stdout != f"aidflow {version}\n":
            failures.append(f"aidflow {flag}: exit {r.returncode}, printed {r.stdout!r}")

    # ---- aidflow(1) ----
    top = run(aidflow, "--help").stdout
    commands = re.findall(r"^  ([a-z]+)\s{2,}", top, re.M)
    assert len(commands) >= 10, f"found only {len(commands)} commands in aidflow --help"
    scd = open(os.path.join(root, "docs", "man", "aidflow.1.scd"), encoding="utf-8").read()
    sections = dict(re.findall(r"^## aidflow (\w+)\n(.*?)(?=^#)", scd, re.M | re.S))
    listed = re.search(r"^# COMMANDS\n(.*?)^# ", scd, re.M | re.S).group(1)
    n_options = 0
    for cmd in commands:
        if not re.search(rf"^\*{cmd}\*", listed, re.M):
            failures.append(f"aidflow(1): command '{cmd}' is not in COMMANDS")
        if cmd == "version":
            for o in ("-V", "--version"):
                if f"*{o}*" not in listed:
                    failures.append(f"aidflow(1): '{o}' is not in COMMANDS")
            continue
        if cmd not in sections:
            failures.append(f"aidflow(1): no section '## aidflow {cmd}'")
            continue
        text = sections[cmd]
        helped = options(run(aidflow, cmd, "--help").stdout) - {"-h", "--help"}
        bold = set(re.findall(r"\*(--?[a-zA-Z][\w-]*)\*", text))
        for o in sorted(helped):
            n_options += 1
            if o not in bold:
                failures.append(f"aidflow(1): '{o}' of aidflow {cmd} --help is not in its section")
        for o in sorted(bold - helped):
            failures.append(f"aidflow(1): section aidflow {cmd} names '{o}', which --help does not")
    for cmd in sections:
        if cmd not in commands:
            failures.append(f"aidflow(1): section '{cmd}' is not a command of aidflow --help")
    assert n_options >= 40, f"found only {n_options} options"

    # ---- aidflow-scenario(5) ----
    keys = {}
    for line in run(aidflow, "schema", "--keys").stdout.splitlines():
        mapping, key = line.split("\t")[:2]
        keys.setdefault(mapping, set()).add(key)
    assert sum(map(len, keys.values())) >= 60, "found fewer than 60 keys"
    scd5 = open(os.path.splitext(page5)[0] + ".5.scd", encoding="utf-8").read()
    keys_part = re.search(r"^# KEYS\n(.*?)^# ", scd5, re.M | re.S).group(1)
    documented = {}
    # each list: "## heading", then the scdoc comment "; mapping: NAME", then its keys
    for head, body in re.findall(r"^## ([^\n]*)\n(.*?)(?=^## |\Z)", keys_part, re.M | re.S):
        m = re.match(r"; mapping: (\w+)\n", body)
        if not m:
            failures.append(f"aidflow-scenario(5): list '{head}' names no mapping")
            continue
        documented[m.group(1)] = set(re.findall(r"^\*(\w+)\*$", body, re.M))
    for mapping, ks in keys.items():
        got = documented.get(mapping)
        if got is None:
            failures.append(f"aidflow-scenario(5): no list for mapping '{mapping}'")
            continue
        for k in sorted(ks - got):
            failures.append(f"aidflow-scenario(5): {mapping}.{k} is not documented")
        for k in sorted(got - ks):
            failures.append(f"aidflow-scenario(5): {mapping}.{k} is not a key of the schema")
    for mapping in documented:
        if mapping not in keys:
            failures.append(f"aidflow-scenario(5): '{mapping}' is not a mapping of the schema")

    # ---- both render ----
    if shutil.which("man"):
        env = dict(os.environ, MANWIDTH="100", LC_ALL="C.UTF-8")
        for page, want in ((page1, ["NAME", "aidflow sweep", "--shard"]),
                           (page5, ["NAME", "KEYS", "tonnes_per_truck", "random_closures"])):
            r = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                               env=env)
            if r.returncode or r.stderr.strip():
                failures.append(f"{os.path.basename(page)}: man -l: {r.stderr.strip()[:300]}")
            for w in want:
                if w not in r.stdout:
                    failures.append(f"{os.path.basename(page)}: rendered page lacks '{w}'")

    for f in failures:
        print("FAIL:", f)
    print(f"{len(commands)} commands, {n_options} options, "
          f"{sum(map(len, keys.values()))} keys in {len(keys)} mappings; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
