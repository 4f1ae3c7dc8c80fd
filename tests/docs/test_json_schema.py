#!/usr/bin/python3
"""The JSON Schema of the scenario language (aidflow schema) against the bundled scenarios.

usage: test_json_schema.py AIDFLOW SOURCE_ROOT

- scenarios/aidflow.schema.json, the copy editors read, is byte for byte what
  `aidflow schema` prints;
- every bundled scenario and example (scenarios/*.yaml, scenarios/examples/*.yaml) is valid
  against it, and each carries the yaml-language-server modeline pointing at the copy; so
  are their resolved forms (aidflow show) and the complete examples of scenarios/README.md,
  and so is every default the schema offers;
- a misspelt key, a value of the wrong type, a wrong unit, an unknown enum value and a
  missing required key are each refused, while a file with extends: that gives only what
  differs is accepted.

YAML is read as a YAML 1.2 editor reads it: dates and times stay text.
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # meson counts exit status 77 as a skipped test
    print(f"skipped: {e} (Debian: python3-jsonschema python3-yaml; tools/install-deps.sh test)")
    sys.exit(77)


class Loader(yaml.SafeLoader):
    """SafeLoader without the YAML 1.1 timestamp resolver (2024-03-01 stays text)."""


Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)


def main():
    aidflow, root = sys.argv[1], sys.argv[2]
    printed = subprocess.run([aidflow, "schema"], check=True, capture_output=True).stdout
    copy_path = os.path.join(root, "scenarios", "aidflow.schema.json")
    with open(copy_path, "rb") as f:
        checked_in = f.read()
    failures = []
    if printed != checked_in:
        failures.append("scenarios/aidflow.schema.json differs from `aidflow schema`: "
                        "regenerate it with `aidflow schema > scenarios/aidflow.schema.json`")
    schema = json.loads(printed)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    files = sorted(glob.glob(os.path.join(root, "scenarios", "*.yaml")) +
                   glob.glob(os.path.join(root, "scenarios", "examples", "*.yaml")))
    assert len(files) >= 8, f"found only {len(files)} bundled scenarios"
    n_extends = 0
    for path in files:
        rel = os.path.relpath(path, root)
        doc = load(path)
        n_extends += "extends" in doc
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors[:5]:
            failures.append(f"{rel}: {'.'.join(map(str, e.absolute_path))}: {e.message[:200]}")
        schema_rel = os.path.relpath(copy_path, os.path.dirname(path))
        with open(path, encoding="utf-8") as f:
            head = f.readline().strip()
        want = f"# yaml-language-server: $schema={schema_rel}"
        if head != want:
            failures.append(f"{rel}: first line should be '{want}', is '{head}'")
    assert n_extends >= 3, f"found only {n_extends} scenarios with extends"

    # The resolved form of each (aidflow show: every key written, defaults included) is a
    # complete scenario without extends, and valid too.
    for path in files:
        rel = os.path.relpath(path, root)
        shown = subprocess.run([aidflow, "show", path], check=True, capture_output=True,
                               text=True).stdout
        doc = yaml.load(shown, Loader=Loader)
        assert "extends" not in doc
        for e in list(validator.iter_errors(doc))[:5]:
            failures.append(f"aidflow show {rel}: {'.'.join(map(str, e.absolute_path))}: "
                            f"{e.message[:200]}")

    # So is every complete example of scenarios/README.md (```yaml blocks, not fragments).
    readme = open(os.path.join(root, "scenarios", "README.md"), encoding="utf-8").read()
    blocks = re.findall(r"^```yaml\n(.*?)^```", readme, re.M | re.S)
    assert len(blocks) >= 3, f"found only {len(blocks)} yaml blocks in scenarios/README.md"
    for i, block in enumerate(blocks):
        for e in list(validator.iter_errors(yaml.load(block, Loader=Loader)))[:5]:
            failures.append(f"scenarios/README.md block {i + 1}: "
                            f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}")

    # Every default the schema offers an editor is itself a valid value of its key.
    n_defaults = 0
    for name, d in schema["definitions"].items():
        for key, prop in d.get("properties", {}).items():
            if "default" in prop:
                n_defaults += 1
                v = jsonschema.Draft7Validator({**prop, "definitions": schema["definitions"]})
                if not v.is_valid(prop["default"]):
                    failures.append(f"{name}.{key}: default {prop['default']!r} is not valid")
    assert n_defaults >= 30, f"found only {n_defaults} defaults"

    # Mistakes the schema must refuse, each made on a valid complete scenario.
    base = load(os.path.join(root, "scenarios", "spring_2024.yaml"))
    assert "extends" not in base and validator.is_valid(base)

    def refused(what, edit):
        doc = copy.deepcopy(base)
        edit(doc)
        if validator.is_valid(doc):
            failures.append(f"the schema accepts {what}")

    def misspell(d):
        d["crossings"][0]["lanse"] = d["crossings"][0].pop("lanes")
    refused("a misspelt key (lanse)", misspell)
    refused("a misspelt top-level key (horizn)", lambda d: d.update(horizn=d.pop("horizon")))
    refused("text where a whole number goes (lanes: many)",
            lambda d: d["crossings"][0].update(lanes="many"))
    refused("a list where a number goes (replications: [1])",
            lambda d: d.update(replications=[1]))
    refused("a wrong unit (horizon: 61 kg)", lambda d: d.update(horizon="61 kg"))
    refused("a number out of range (lanes: 0)", lambda d: d["crossings"][0].update(lanes=0))
    refused("an unknown enum value (routing.policy: fastest)",
            lambda d: d.update(routing={"policy": "fastest"}))
    refused("a missing required key (no start)", lambda d: d.pop("start"))
    refused("an unknown distribution (service: {normal: 3})",
            lambda d: d["crossings"][0].update(service={"normal": 3}))
    refused("remove: in a file without extends",
            lambda d: d["crossings"][0].update(remove=True))

    # A file with extends holds only what differs; a misspelling there is still refused.
    partial = {"extends": "spring_2024.yaml", "name": "six lanes",
               "crossings": [{"name": "kerem_shalom", "lanes": 6}, {"name": "rafah", "remove": True}]}
    if not validator.is_valid(partial):
        failures.append("the schema refuses an extends file holding only what differs")
    partial["crossings"][0]["lane"] = 6
    if validator.is_valid(partial):
        failures.append("the schema accepts a misspelt key in an extends file")

    for f in failures:
        print("FAIL:", f)
    print(f"{len(files)} scenarios checked ({n_extends} with extends), {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
