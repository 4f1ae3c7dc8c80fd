#!/usr/bin/env bash
# CI's install pass: `meson setup` with a temporary prefix, `meson install`, then what was
# installed, used as a user would and nothing from the source tree: `aidflow run default`
# (the bundled scenario found in the installed share/aidflow/scenarios), a C program built
# with `pkg-config --cflags --libs aidflow`, and the Python module, which finds the library
# through the libdir it was installed with (no AIDFLOW_LIB). Their numbers must agree. Then the
# man pages (rendered by man from the installed mandir), the JSON Schema (validating an
# installed scenario with python3-jsonschema), the bash completion and the docs, all from the
# prefix.
#   tools/check-install.sh [BUILD_DIR]     (default build-install)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
dir=${1:-build-install}
prefix=$(mktemp -d /tmp/aidflow-prefix.XXXXXX)
work=$(mktemp -d /tmp/aidflow-user.XXXXXX)
trap 'rm -rf "$prefix" "$work"' EXIT

rm -rf "$dir"
meson setup "$dir" --prefix="$prefix" -Dtests=false >/dev/null
meson compile -C "$dir" >/dev/null
meson install -C "$dir" --quiet
echo "installed into $prefix:"
(cd "$prefix" && find . -maxdepth 4 -type d | sort | sed 's/^/  /')

pc=$(find "$prefix" -name aidflow.pc | head -1)
pyinit=$(find "$prefix" -path '*/aidflow/__init__.py' | head -1)
[ -n "$pc" ] && [ -n "$pyinit" ] || { echo "check-install: no aidflow.pc or Python module" >&2; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
unset AIDFLOW_LIB AIDFLOW_SCENARIO_PATH LD_LIBRARY_PATH
cd "$work"

echo "== aidflow run default (from the installed scenarios)"
"$prefix/bin/aidflow" run default --replications 2 --jobs 2 --out run --xlsx run.xlsx --quiet
ls run run.xlsx

echo "== a C program against the library via pkg-config: $(pkg-config --cflags --libs aidflow)"
libdir=$(pkg-config --variable=libdir aidflow)
cc -std=c17 -Wall -Wextra -Werror -o consumer "$src/tests/install/consumer.c" \
  $(pkg-config --cflags --libs aidflow) -Wl,-rpath,"$libdir"
./consumer "$prefix/share/aidflow/scenarios/default.yaml" > consumer.txt
head -1 consumer.txt

echo "== the installed Python module"
PYTHONPATH=$(dirname "$(dirname "$pyinit")") /usr/bin/python3 - <<'PY'
import json
import aidflow
scn = aidflow.Scenario.load("default")          # found in the installed scenarios
run = scn.run(replications=2, jobs=2)
cli = json.load(open("run/summary.json"))
s = run.summary()
for m, w in cli["metrics"].items():
    for k in ["mean", "ci_low", "ci_high"]:
        v = s.loc[m, k]
        assert (w[k] is None and v != v) or v == w[k], (m, k, v, w[k])
lib = {}
for line in open("consumer.txt").read().splitlines()[1:]:
    name, value = line.split()
    lib[name] = float(value)
rep0 = run.metrics().query("replication == 0")
for m, v in zip(rep0.metric, rep0.value):
    assert (v != v and lib[m] != lib[m]) or v == lib[m], (m, v, lib[m])
print(f"aidflow {aidflow.version()} from {aidflow.library()._name}: {scn.name}, "
      f"coverage.all {s.loc['coverage.all', 'mean']:.4f}; {len(s)} metrics equal the CLI's and "
      f"{len(rep0)} the C program's")
PY
echo "== the installed man pages, schema, completion and docs"
export MANPATH="$prefix/share/man"
man -P cat aidflow 2>/dev/null | grep -q 'aidflow run' || { echo "check-install: man aidflow does not render" >&2; exit 1; }
man -P cat 5 aidflow-scenario 2>/dev/null | grep -q 'crossings' || { echo "check-install: man 5 aidflow-scenario does not render" >&2; exit 1; }
man -P cat aidflow | head -3
schema=$prefix/share/aidflow/aidflow.schema.json
/usr/bin/python3 - "$schema" "$prefix/share/aidflow/scenarios/spring_2024.yaml" <<'PY'
import json, sys, yaml, jsonschema
class Loader(yaml.SafeLoader):   # dates stay text, as aidflow reads them
    pass
Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()}
schema = json.load(open(sys.argv[1]))
doc = yaml.load(open(sys.argv[2]), Loader=Loader)
jsonschema.validate(doc, schema)
bad = dict(doc, horizn=1)
try:
    jsonschema.validate(bad, schema)
    raise SystemExit("check-install: the installed schema accepts a misspelt key")
except jsonschema.ValidationError:
    pass
print(f"the installed schema validates {sys.argv[2].rsplit('/', 1)[1]} and refuses a misspelt key")
PY
comp=$prefix/share/bash-completion/completions/aidflow
PATH="$prefix/bin:$PATH" bash -c 'source "$1"; COMP_WORDS=(aidflow ru); COMP_CWORD=1; _aidflow; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" | grep -qx run ||
  { echo "check-install: the installed completion does not complete 'aidflow ru'" >&2; exit 1; }
test -s "$prefix/share/doc/aidflow/SOURCES.md" && test -s "$prefix/share/doc/aidflow/OUTPUTS.md"
echo "completion completes 'aidflow ru' to run; SOURCES.md and OUTPUTS.md installed"
echo "check-install: ok"
