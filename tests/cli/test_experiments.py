#!/usr/bin/env python3
"""End-to-end tests of `aidflow run` (as an experiment: shards, merge, MPI), `sweep`,
`compare`, `target` and `merge`.

usage: test_experiments.py AIDFLOW DATA_DIR [--mpirun MPIRUN]

With --mpirun, runs only the MPI tests: `mpirun -n 2 aidflow sweep ...` and `mpirun -n 2
aidflow run ...` must give the same files as the single-process runs. Prints one line per test and "N passed, N failed"; exits 1
when any failed.
"""
import csv
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

AIDFLOW = os.path.abspath(sys.argv[1])
DATA = os.path.abspath(sys.argv[2])
MPIRUN = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--mpirun" else None
SCN = os.path.join(DATA, "exp_small.yaml")
SCN_B = os.path.join(DATA, "exp_small_more_lanes.yaml")
OUTPUTS = ["sweep.csv", "replications.csv", "provenance.json"]
RUN_OUTPUTS = ["daily.csv", "stations.csv", "positions.csv", "summary.json", "metrics.csv"]
TMP = tempfile.mkdtemp(prefix="af-cli-exp-")


def run(*args, expect=0, env=None):
    p = subprocess.run([AIDFLOW, *args], capture_output=True, text=True, env=env, timeout=300)
    if expect is not None and p.returncode != expect:
        raise AssertionError(f"aidflow {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def out(name):
    return os.path.join(TMP, name)


def same_files(a, b, names=OUTPUTS):
    for n in names:
        with open(os.path.join(a, n), "rb") as fa, open(os.path.join(b, n), "rb") as fb:
            da, db = fa.read(), fb.read()
        if da != db:
            i = next((k for k in range(min(len(da), len(db))) if da[k] != db[k]), min(len(da), len(db)))
            raise AssertionError(f"{a}/{n} and {b}/{n} differ at byte {i}")


def jobs_in_store(d):
    path = os.path.join(d, "results.sqlite")
    if not os.path.exists(path):
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM jobs").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0  # the store is being created


def wait_for_rows(proc, d, n):
    """Polls the store until it holds n jobs (no fixed sleeps: the store's own count)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if jobs_in_store(d) >= n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"aidflow ended (exit {proc.returncode}) before {n} jobs were stored")
        time.sleep(0.002)
    raise AssertionError("timed out waiting for the store")


GRID = ["--vary", "inspections.screening.lanes=2:12:2", "--vary", "crossings.gate.lanes=2,6"]


def test_same_bytes_whatever_jobs():
    run("sweep", SCN, *GRID, "--jobs", "1", "--out", out("j1"), "--quiet")
    run("sweep", SCN, *GRID, "--jobs", "2", "--out", out("j2"), "--quiet")
    same_files(out("j1"), out("j2"))
    with open(os.path.join(out("j1"), "sweep.csv")) as f:
        head = f.readline()
        rows = f.readlines()
    assert head == "run_id,point,inspections.screening.lanes,crossings.gate.lanes,metric,mean,sd,ci_low,ci_high,n\n", head
    # Every row starts with its point's run_id, the one points.csv gives the point.
    with open(os.path.join(out("j1"), "points.csv")) as f:
        ids = {int(r.split(",")[1]): r.split(",")[0] for r in f.readlines()[1:]}
    assert len(ids) == 12 and all(i.endswith("-7") for i in ids.values()), ids
    assert any(r.startswith(ids[0] + ",0,2,2,coverage.food,") for r in rows)
    assert any(r.startswith(ids[11] + ",11,12,6,coverage.food,") for r in rows)
    assert all(r.split(",")[0] == ids[int(r.split(",")[1])] for r in rows)


def test_table_and_provenance():
    p = run("sweep", SCN, "--vary", "inspections.screening.lanes=2,8", "--replications", "3",
            "--show", "coverage.food", "--out", out("table"))
    assert "2 design points x 3 replications = 6 jobs (6 run now, 0 found in the store), seed 7" in p.stdout, p.stdout
    assert "coverage.food, mean and 95% confidence interval" in p.stdout, p.stdout
    # plain progress lines off a terminal: the start first, the end last
    lines = p.stderr.splitlines()
    assert lines[0] == "sweep: 6 jobs to run", p.stderr
    assert re.fullmatch(r"sweep: 6/6 jobs, \S+ jobs/s, took .+", lines[-1]), p.stderr
    assert sum("jobs to run" in l for l in lines) == 1, p.stderr
    with open(os.path.join(out("table"), "provenance.json")) as f:
        prov = f.read()
    assert '"command": "aidflow sweep ' + SCN + ' --vary inspections.screening.lanes=2,8 --replications 3 --show coverage.food"' in prov, prov
    assert '"seed": 7' in prov
    p = run("sweep", SCN, "--vary", "inspections.screening.lanes=2,8", "--replications", "3",
            "--show", "coverage.food", "--out", out("table"), "--quiet")
    assert p.stdout == "" and p.stderr == ""


def test_kill_9_and_resume():
    args = ["sweep", SCN, "--vary", "inspections.screening.lanes=2:8:2", "--replications", "60"]
    run(*args, "--out", out("whole"), "--quiet")
    d = out("killed")
    proc = subprocess.Popen([AIDFLOW, *args, "--jobs", "1", "--out", d, "--quiet"])
    wait_for_rows(proc, d, 5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    n = jobs_in_store(d)
    assert 5 <= n < 240, n
    assert not os.path.exists(os.path.join(d, "sweep.csv"))
    p = run(*args, "--jobs", "2", "--out", d)
    assert f"({240 - n} run now, {n} found in the store)" in p.stdout, p.stdout
    assert f"{n} of 240 jobs already in the store" in p.stderr, p.stderr
    same_files(out("whole"), d)
    # Once more: nothing left to run, and it says so.
    p = run(*args, "--out", d)
    assert "all 240 jobs already in the store" in p.stderr, p.stderr
    assert "(0 run now, 240 found in the store)" in p.stdout, p.stdout
    same_files(out("whole"), d)


def test_ctrl_c_and_resume():
    args = ["sweep", SCN, "--vary", "inspections.screening.lanes=2:8:2", "--replications", "60"]
    d = out("ctrl_c")
    proc = subprocess.Popen([AIDFLOW, *args, "--jobs", "1", "--out", d, "--quiet"],
                            stderr=subprocess.PIPE, text=True)
    wait_for_rows(proc, d, 3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "run the same command again to resume" in err, err
    n = jobs_in_store(d)
    assert 3 <= n < 240, n
    run(*args, "--out", d, "--quiet")
    same_files(out("whole"), d)


def test_other_experiment_refused():
    d = out("j1")
    p = run("sweep", SCN, "--vary", "inspections.screening.lanes=2:12:4", "--out", d, expect=2)
    assert "holds another experiment" in p.stderr and "--fresh" in p.stderr, p.stderr
    run("sweep", SCN, "--vary", "inspections.screening.lanes=2:12:4", "--out", d, "--fresh", "--quiet")


def test_bad_input():
    cases = [
        (["sweep", SCN, "--vary", "lanes"], "expected PATH=VALUES"),
        (["sweep", SCN, "--vary", "inspections.screening.lanes=4:2:1"], "below its start"),
        (["sweep", SCN, "--vary", "inspections.screening.lanes=2:6"], "needs a step"),
        (["sweep", SCN, "--vary", "inspections.screening.lanes=1,2", "--design", "lhs:0"], "whole number"),
        (["sweep", SCN, "--vary", "inspections.screening.lanez=1,2"], "lanez"),
        (["sweep", SCN, "--vary", "inspections.screening.lanes=1,0"], "design point 1"),
        (["sweep", SCN, "--vary", "inspections.screening.lanes=1,2", "--shard", "2/2"], "--shard"),
        (["sweep", SCN, "--vary", "inspections.screening.lanes=1,2", "--jobs", "0"], "--jobs"),
        (["sweep", SCN], "nothing to vary"),
        (["sweep", os.path.join(DATA, "no_such.yaml"), "--vary", "a=1"], "no_such.yaml"),
        (["target", SCN, "--vary", "inspections.screening.lanes=2:12", "--goal", "coverage.food"], "operator"),
        (["target", SCN, "--vary", "inspections.screening.lanes=2:12", "--goal", "coverage.fod >= 1",
          "--integer"], "no metric 'coverage.fod'"),
        (["compare", SCN], "two scenarios"),
        (["merge", out("nowhere")], "usage"),
    ]
    for i, (args, needle) in enumerate(cases):
        p = run(*args, "--out", out(f"bad{i}"), expect=2) if args[0] != "merge" else run(*args, expect=2)
        assert needle in p.stderr, (args, p.stderr)


def test_shards_and_merge():
    args = ["sweep", SCN, *GRID]
    for i in range(3):
        p = run(*args, "--shard", f"{i}/3", "--out", out(f"shard{i}"))
        assert f"shard {i}/3 done" in p.stdout, p.stdout
    p = run("merge", out("merged"), out("shard0"), out("shard2"), expect=1)
    assert "40 of 60 jobs" in p.stderr, p.stderr
    p = run("merge", out("merged"), out("shard1"))
    assert "wrote the output files" in p.stdout, p.stdout
    same_files(out("j2"), out("merged"))


def test_run_shards_and_merge():
    args = ["run", SCN, "--replications", "7"]
    run(*args, "--jobs", "1", "--out", out("run_one"), "--quiet")
    for i in range(2):
        p = run(*args, "--shard", f"{i}/2", "--out", out(f"run_shard{i}"))
        assert f"shard {i}/2 done" in p.stdout, p.stdout
        assert not os.path.exists(os.path.join(out(f"run_shard{i}"), "daily.csv"))
    assert jobs_in_store(out("run_shard0")) == 4 and jobs_in_store(out("run_shard1")) == 3
    p = run("merge", out("run_merged"), out("run_shard0"), expect=1)
    assert "4 of 7 jobs" in p.stderr, p.stderr
    p = run("merge", out("run_merged"), out("run_shard1"))
    assert "wrote the output files" in p.stdout, p.stdout
    same_files(out("run_one"), out("run_merged"), RUN_OUTPUTS)
    with open(os.path.join(out("run_one"), "summary.json")) as f:
        summary = f.read()
    # Provenance leaves out what does not change the results (--jobs, --out, --shard).
    assert '"command": "aidflow run ' + SCN + ' --replications 7"' in summary, summary[:300]
    # metrics.csv: every replication's metrics in long form, one run_id (hash-seed) for all.
    with open(os.path.join(out("run_one"), "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    n_metrics = summary.count('"mean":')
    assert len(rows) == 7 * n_metrics, (len(rows), n_metrics)
    h = json.loads(summary)
    assert {r["run_id"] for r in rows} == {f'{h["scenario"]["hash"]}-{h["seed"]}'}
    for r in rows:
        if r["metric"].startswith("station."):
            assert r["entity"] in h["stations"], r
            assert r["metric"] == f'station.{r["entity"]}.{r["measure"]}', r
        if r["metric"] == "coverage.food":
            assert (r["measure"], r["category"], r["unit"]) == ("coverage", "food", "fraction"), r


def test_compare():
    p = run("compare", SCN, SCN, "--out", out("self"))
    assert "significant" in p.stdout
    with open(os.path.join(out("self"), "compare.csv")) as f:
        rows = [line.rstrip("\n").split(",") for line in f]
    head = rows[0]
    assert head[:1] == ["metric"] and head[-3:] == ["significant", "run_id_a", "run_id_b"], head
    di, ci_lo, ci_hi = head.index("diff"), head.index("ci_low"), head.index("ci_high")
    sig = head.index("significant")
    for r in rows[1:]:
        # the same scenario on both sides: the same run
        assert r[-1] == r[-2] and re.fullmatch(r"[0-9a-f]{16}-[0-9]+", r[-1]), r
        if r[di] != "":
            assert float(r[di]) == 0 and float(r[ci_lo]) == 0 and float(r[ci_hi]) == 0, r
            assert r[sig] == "no", r
    # A figure that is not a number (no need: no coverage) prints as "-" in every column.
    p = run("compare", SCN, SCN, "--set", "categories.food.daily_need=0 kg", "--replications", "2",
            "--out", out("no_need"))
    line = next(l for l in p.stdout.splitlines() if l.startswith("coverage.food "))
    assert line.split() == ["coverage.food", "-", "-", "-", "-", "-"], line
    p = run("compare", SCN, SCN_B, "--jobs", "1", "--out", out("ab1"))
    line = next(l for l in p.stdout.splitlines() if l.startswith("coverage.food "))
    assert line.rstrip().endswith("yes"), line
    # The table's figures are compare.csv's, to four significant digits (under 10,000).
    with open(os.path.join(out("ab1"), "compare.csv")) as f:
        food = next(r for r in csv.DictReader(f) if r["metric"] == "coverage.food")
    shown = line.split()
    for k, col, fmt in ((1, "mean_a", "%.4g"), (2, "mean_b", "%.4g"), (3, "diff", "%+.4g")):
        assert shown[k] == fmt % float(food[col]), (shown, food)
    run("compare", SCN, SCN_B, "--jobs", "2", "--out", out("ab2"), "--quiet")
    same_files(out("ab1"), out("ab2"), ["compare.csv", "replications.csv", "provenance.json",
                                        "A/daily.csv", "A/stations.csv", "B/daily.csv", "B/summary.json"])
    # A/ and B/: each scenario as a run, the same replications as compare.csv's means.
    with open(os.path.join(out("ab1"), "compare.csv")) as f:
        rows = {r["metric"]: r for r in csv.DictReader(f)}
    for side, scn in (("A", SCN), ("B", SCN_B)):
        summary = json.load(open(os.path.join(out("ab1"), side, "summary.json")))
        assert summary["scenario"]["file"] == scn, summary["scenario"]
        run_id = "%s-%d" % (summary["scenario"]["hash"], summary["seed"])
        assert rows["coverage.food"]["run_id_" + side.lower()] == run_id, (side, run_id)
        for metric in ("coverage.food", "trucks.delivered"):
            want = float(rows[metric]["mean_" + side.lower()])
            assert math.isclose(summary["metrics"][metric]["mean"], want, rel_tol=1e-12), (side, metric)
        with open(os.path.join(out("ab1"), side, "daily.csv")) as f:
            assert {r["run_id"] for r in csv.DictReader(f)} == {run_id}
    # The comparison's report draws the network's difference B - A from them.
    run("report", out("ab1"), "-o", out("ab1.html"))
    html = open(out("ab1.html"), encoding="utf-8").read()
    assert '<section id="network">' in html, "no network diagram in the comparison's report"
    assert re.search(r"Network: [^<]* against [^<]* \(B \u2212 A\)", html), "no difference diagram"
    b_nodes = [n["name"] for n in json.load(open(os.path.join(out("ab1"), "B", "summary.json")))["network"]["nodes"]]
    net = html[html.index('<section id="network">'):]
    assert b_nodes and all("<title>" + n + " (" in net for n in b_nodes), b_nodes


def test_target():
    p = run("target", SCN, "--vary", "inspections.screening.lanes=1:16", "--integer",
            "--goal", "coverage.food >= 0.95", "--out", out("target"))
    answer = next(l for l in p.stdout.splitlines() if l.startswith("answer: "))
    lanes = int(answer.split("=")[1].split(",")[0])
    assert "the smallest value" in answer, answer
    assert "its lower bound" in p.stdout, p.stdout
    with open(os.path.join(out("target"), "target.csv")) as f:
        rows = [line.rstrip("\n").split(",") for line in f][1:]
    meets = {int(r[2]): (float(r[6]), r[-1]) for r in rows}
    assert all(r[0].endswith("-7") for r in rows), rows
    assert meets[lanes][1] == "yes" and meets[lanes][0] >= 0.95, meets
    assert meets[lanes - 1][1] == "no" and meets[lanes - 1][0] < 0.95, meets
    # Resuming finds everything in the store and prints the same answer.
    p2 = run("target", SCN, "--vary", "inspections.screening.lanes=1:16", "--integer",
             "--goal", "coverage.food >= 0.95", "--out", out("target"))
    assert answer in p2.stdout and "0 run now" in p2.stdout, p2.stdout
    # Out of reach: exit 1 and say so.
    p = run("target", SCN, "--vary", "inspections.screening.lanes=1:3", "--integer",
            "--goal", "coverage.food >= 0.95", "--out", out("target_no"), expect=1)
    assert "not met anywhere in 1:3" in p.stdout, p.stdout
    assert "missed at every value tried" in p.stdout, p.stdout
    # A misspelt metric: exit 2 before anything runs, no folder left; the corrected command,
    # with the goal in percent, then runs in the same folder and gives the same answer.
    bad = out("target_bad")
    p = run("target", SCN, "--vary", "inspections.screening.lanes=1:16", "--integer",
            "--goal", "coverage.fod >= 95%", "--out", bad, expect=2)
    assert "closest it has: coverage.food" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(bad, "results.sqlite")), os.listdir(bad)
    p = run("target", SCN, "--vary", "inspections.screening.lanes=1:16", "--integer",
            "--goal", "coverage.food >= 95%", "--out", bad)
    assert f"lanes = {lanes}, the smallest" in p.stdout, p.stdout
    p = run("target", SCN, "--vary", "inspections.screening.lanes=1:16", "--direction", "up",
            "--goal", "coverage.food >= 95%", "--out", bad, expect=2)
    assert "--direction" in p.stderr, p.stderr


def test_mpi():
    args = ["sweep", SCN, *GRID]
    run(*args, "--jobs", "1", "--out", out("mpi_single"), "--quiet")
    cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "-n", "2", AIDFLOW, *args,
           "--out", out("mpi_two")]
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    if p.returncode != 0:
        raise AssertionError(f"mpirun: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    same_files(out("mpi_single"), out("mpi_two"))
    con = sqlite3.connect(os.path.join(out("mpi_two"), "results.sqlite"))
    by_rank = dict(con.execute("SELECT rank, count(*) FROM jobs GROUP BY rank").fetchall())
    con.close()
    assert by_rank.get(1, 0) > 0 and sum(by_rank.values()) == 60, by_rank
    # A second MPI run finds every job in the store.
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0 and "(0 run now, 60 found in the store)" in p.stdout, p.stdout + p.stderr


def test_mpi_run():
    args = ["run", SCN, "--replications", "8"]
    run(*args, "--jobs", "1", "--out", out("mpi_run_single"), "--quiet")
    cmd = [MPIRUN, "--allow-run-as-root", "--oversubscribe", "-n", "2", AIDFLOW, *args,
           "--out", out("mpi_run_two"), "--quiet"]
    env = dict(os.environ, OMPI_MCA_rmaps_base_oversubscribe="1")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    if p.returncode != 0:
        raise AssertionError(f"mpirun: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    same_files(out("mpi_run_single"), out("mpi_run_two"), RUN_OUTPUTS)
    con = sqlite3.connect(os.path.join(out("mpi_run_two"), "results.sqlite"))
    by_rank = dict(con.execute("SELECT rank, count(*) FROM jobs GROUP BY rank").fetchall())
    tables = con.execute("SELECT count(*) FROM job_tables").fetchone()[0]
    con.close()
    assert by_rank.get(1, 0) > 0 and sum(by_rank.values()) == 8 and tables == 8, (by_rank, tables)


def main():
    if MPIRUN:
        tests = [test_mpi, test_mpi_run]
    else:
        tests = [test_same_bytes_whatever_jobs, test_table_and_provenance, test_kill_9_and_resume,
                 test_ctrl_c_and_resume, test_other_experiment_refused, test_bad_input,
                 test_shards_and_merge, test_run_shards_and_merge, test_compare, test_target]
    passed = failed = 0
    for t in tests:
        t0 = time.monotonic()
        try:
            t()
            passed += 1
            print(f"ok   {t.__name__} ({time.monotonic() - t0:.1f} s)")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {t.__name__}: {e}")
        sys.stdout.flush()
    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
