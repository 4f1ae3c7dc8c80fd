#!/usr/bin/python3
"""The Python module (python/aidflow) against the command line on the same scenario and seed.

daily.csv and stations.csv written by `aidflow run` must equal, text for text, the module's
DataFrames formatted the way the CSV writer formats numbers; summary.json's per-replication
metrics and its mean, sd and interval must equal the module's exactly (summary.json's numbers
read back as the same doubles). Mistakes raise ScenarioError with the file:line:col text.
The LHS example runs and its design is a Latin hypercube.

usage: test_module.py AIDFLOW LIBAIDFLOW SOURCE_ROOT SANITIZE
Prints one line per test and "N passed, N failed"; exits 77 (skipped) under a sanitizer
(ctypes cannot load an instrumented library into an uninstrumented interpreter).
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

AIDFLOW, LIB, ROOT, SANITIZE = sys.argv[1:5]
if SANITIZE not in ("", "none"):
    print(f"built with -fsanitize={SANITIZE}: skipped")
    sys.exit(77)
os.environ["AIDFLOW_LIB"] = os.path.abspath(LIB)
sys.path.insert(0, os.path.join(ROOT, "python"))
import aidflow  # noqa: E402
import numpy as np  # noqa: E402

TMP = tempfile.mkdtemp(prefix="af-py-")
NETWORK = os.path.join(ROOT, "scenarios", "examples", "small_network.yaml")
SETS = ["crossings.zikim.lanes=3"]


def csv_num(x):
    """run_output.c's csv_num: empty when not finite, %.0f for whole numbers, else %.10g."""
    if not math.isfinite(x):
        return ""
    if x == math.floor(x) and abs(x) < 1e15:
        return "%.0f" % x
    return "%.10g" % x


def as_csv_lines(df):
    cols = list(df.columns)
    text = [c for c in cols if df[c].dtype == object]
    lines = [",".join(cols)]
    for row in df.itertuples(index=False):
        lines.append(",".join(str(v) if c in text or isinstance(v, (int, np.integer)) else csv_num(v)
                              for c, v in zip(cols, row)))
    return lines


def cli_run(out, seed, reps, *extra):
    subprocess.run([AIDFLOW, "run", NETWORK, "--seed", str(seed), "--replications", str(reps),
                    "--jobs", "2", "--quiet", "--out", out, *extra], check=True)


def test_same_numbers_as_cli():
    out = os.path.join(TMP, "cli")
    cli_run(out, 11, 3, *[a for s in SETS for a in ("--set", s)])
    scn = aidflow.Scenario.load(NETWORK, overrides=SETS)
    run = scn.run(replications=3, seed=11, jobs=2)
    for name, df in [("daily.csv", run.daily()), ("stations.csv", run.stations())]:
        with open(os.path.join(out, name)) as f:
            want = f.read().splitlines()
        got = as_csv_lines(df)
        assert len(want) > 10 and len(got) == len(want), (name, len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            assert g == w, f"{name} line {i + 1}: module {g!r}, CLI {w!r}"
    summary = json.load(open(os.path.join(out, "summary.json")))
    per = run.metrics()
    assert len(summary["per_replication"]) == 3
    for rep in summary["per_replication"]:
        mine = per[per.replication == rep["replication"]]
        assert list(mine.metric) == list(rep["metrics"]), "the same metrics in the same order"
        assert set(mine.seed) == {rep["seed"]}
        for m, v in zip(mine.metric, mine.value):
            w = rep["metrics"][m]
            assert (w is None and math.isnan(v)) or v == w, f"rep {rep['replication']} {m}: {v} != {w}"
    s = run.summary()
    assert list(s.index) == list(summary["metrics"])
    for m, row in s.iterrows():
        w = summary["metrics"][m]
        for k in ["mean", "sd", "ci_low", "ci_high"]:
            assert (w[k] is None and math.isnan(row[k])) or row[k] == w[k], f"{m}.{k}: {row[k]} != {w[k]}"
        assert row["n"] == w["n"]
    assert run.bottlenecks() == [r["bottleneck"] for r in summary["per_replication"]]
    assert scn.hash == summary["scenario"]["hash"]
    # jobs does not change anything.
    again = scn.run(replications=3, seed=11, jobs=1).daily()
    assert again.equals(run.daily())


def test_scenario_facts():
    scn = aidflow.Scenario.load(NETWORK)
    text = open(NETWORK).read()
    assert scn.name in text and len(scn.regions) >= 1 and len(scn.categories) >= 1
    for r in scn.regions:
        assert r in text, r
    d = scn.dates()
    assert len(d) == scn.horizon_days and re.fullmatch(r"\d{4}-\d\d-\d\d", d[0])
    # From text: the same scenario as from the file when it needs no other file.
    same = aidflow.Scenario.from_text(text, name="copy.yaml")
    assert same.hash == scn.hash


def test_errors_carry_the_place():
    bad = "name: broken\nstart: 2024-03-01\nhorizon: banana\n"
    try:
        aidflow.Scenario.from_text(bad, name="bad.yaml")
        raise AssertionError("no error")
    except aidflow.ScenarioError as e:
        assert re.search(r"^bad\.yaml:3:\d+: error: ", str(e), re.M), str(e)
        assert e.status == "AF_PARSE", e.status
    try:
        aidflow.Scenario.load(NETWORK, overrides={"crossings.zikim.lanes": "many"})
        raise AssertionError("no error")
    except aidflow.ScenarioError as e:
        assert re.search(r"^<--set>:1:\d+: error: ", str(e), re.M), str(e)
    try:
        aidflow.Scenario.from_text("extends: small_network.yaml\n", name="x.yaml")
        raise AssertionError("extends from text was not refused")
    except aidflow.ScenarioError as e:
        assert re.search(r"^x\.yaml:1:\d+: error: ", str(e), re.M), str(e)
    try:
        aidflow.Scenario.load("no_such_scenario")
        raise AssertionError("no error")
    except aidflow.Error as e:
        assert "no_such_scenario.yaml" in str(e) and e.status == "AF_NOTFOUND", str(e)


def test_find_by_name():
    path = os.path.join(ROOT, "scenarios")
    assert aidflow.Scenario.find("examples/small_network", path) == path + "/examples/small_network.yaml"
    os.environ["AIDFLOW_SCENARIO_PATH"] = path
    try:
        assert aidflow.Scenario.load("examples/what_if_no_zikim").source.endswith("what_if_no_zikim.yaml")
    finally:
        del os.environ["AIDFLOW_SCENARIO_PATH"]


def test_lhs_example():
    out = os.path.join(TMP, "lhs.csv")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"),
               AIDFLOW_SCENARIO_PATH=os.path.join(ROOT, "scenarios"))
    subprocess.run([sys.executable, os.path.join(ROOT, "python", "examples", "lhs.py"), "default",
                    "--points", "5", "--replications", "2", "--jobs", "2", "--csv", out],
                   check=True, env=env, capture_output=True, text=True)
    import pandas as pd
    t = pd.read_csv(out)
    assert len(t) == 5 and (t["n"] == 2).all(), t
    import importlib.util
    spec = importlib.util.spec_from_file_location("lhs", os.path.join(ROOT, "python", "examples", "lhs.py"))
    lhs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lhs)
    for path, lo, hi, whole in lhs.FACTORS:
        assert t[path].between(lo, hi).all(), t[path]
        assert not whole or (t[path] == t[path].round()).all(), t[path]
    u = lhs.latin_hypercube(7, 3, np.random.default_rng(1))
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 7).astype(int)) == list(range(7)), u[:, j]


def main():
    tests = [test_same_numbers_as_cli, test_scenario_facts, test_errors_carry_the_place,
             test_find_by_name, test_lhs_example]
    passed = failed = 0
    for t in tests:
        t0 = time.monotonic()
        try:
            t()
            passed += 1
            print(f"ok   {t.__name__} ({time.monotonic() - t0:.1f} s)")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {t.__name__}: {e!r}")
        sys.stdout.flush()
    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
