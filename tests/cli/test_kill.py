#!/usr/bin/env python3
"""kill -9 at random points of `aidflow run`, `aidflow sweep` and `aidflow report` (issue 17).

usage: test_kill.py AIDFLOW DATA_DIR [N]

For each command, N times (default 20): start it, kill it with SIGKILL after a delay drawn
from a seeded generator (a kill point somewhere in the command's life, from start-up to the
last rename of an output; the delays assert nothing about timing), then run the same command
again to the end. Every time, the files must be byte for byte those of an uninterrupted run,
and no temporary file (`*.tmp.*`) may be left in the folder. Prints one line per command and
"N passed, N failed".
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

AIDFLOW = os.path.abspath(sys.argv[1])
DATA = os.path.abspath(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else 20
SCN = os.path.join(DATA, "exp_small.yaml")
TMP = tempfile.mkdtemp(prefix="af-kill-")
RNG = random.Random(1717)


def run(args):
    p = subprocess.run([AIDFLOW, *args], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"aidflow {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def timed(args):
    t = time.monotonic()
    run(args)
    return time.monotonic() - t


def temporaries(d):
    return [n for n in os.listdir(d) if ".tmp." in n]


def kill_and_finish(make_args, outputs, fresh_dir, ref_dir, label):
    """make_args(dir) -> argv; outputs: names compared with ref_dir."""
    duration = timed(make_args(ref_dir))
    refs = {n: read(os.path.join(ref_dir, n)) for n in outputs}
    killed = stale = 0
    for i in range(N):
        d = fresh_dir(i)
        p = subprocess.Popen([AIDFLOW, *make_args(d)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(RNG.uniform(0, duration * 1.1))  # a kill point, not a timing assertion
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
        p.wait()
        if os.path.isdir(d) and temporaries(d):
            stale += 1  # what the killed writer left, for the rerun to remove
        run(make_args(d))
        for n in outputs:
            if read(os.path.join(d, n)) != refs[n]:
                raise AssertionError(f"{label} #{i}: {n} differs after kill -9 and a rerun")
        left = temporaries(d)
        if left:
            raise AssertionError(f"{label} #{i}: temporaries left: {left}")
    print(f"# {label}: {N} kill points, {killed} killed mid-way ({stale} left temporaries), "
          "all finished with the same bytes and none left")
    assert killed > 0, "no kill landed while the command ran"


def test_run():
    reps = ["--replications", "12", "--jobs", "2", "--quiet"]
    kill_and_finish(lambda d: ["run", SCN, *reps, "--out", d],
                    ["daily.csv", "stations.csv", "summary.json"],
                    lambda i: os.path.join(TMP, f"run{i}"), os.path.join(TMP, "run-ref"), "run")


def test_sweep():
    grid = ["--vary", "inspections.screening.lanes=2:8:2", "--replications", "3", "--jobs", "2",
            "--quiet"]
    kill_and_finish(lambda d: ["sweep", SCN, *grid, "--out", d],
                    ["sweep.csv", "replications.csv", "provenance.json"],
                    lambda i: os.path.join(TMP, f"sweep{i}"), os.path.join(TMP, "sweep-ref"), "sweep")


def test_report_export():
    src = os.path.join(TMP, "report-src")
    run(["run", SCN, "--replications", "12", "--quiet", "--out", src])
    outdir = os.path.join(TMP, "reports")
    os.mkdir(outdir)
    ref = os.path.join(TMP, "report-ref")
    os.mkdir(ref)

    def args(d):
        return ["report", src, "-o", os.path.join(d, "report.html")]

    # All kills go to one folder: each rerun removes what the killed writers left.
    kill_and_finish(args, ["report.html"], lambda i: outdir, ref, "report")


def test_workbook_export():
    # The workbook is not compared byte for byte (it carries its creation time); the rerun
    # must leave a whole workbook and no temporaries.
    d = os.path.join(TMP, "xlsx")
    args = ["run", SCN, "--replications", "4", "--quiet", "--out", d, "--xlsx", os.path.join(d, "w.xlsx")]
    p = subprocess.run([AIDFLOW, *args], capture_output=True, text=True, timeout=300)
    if "without libxlsxwriter" in p.stderr:
        print("# skipped: built without libxlsxwriter")
        return
    assert p.returncode == 0, p.stderr
    duration = timed(args)
    killed = stale = 0
    for i in range(N):
        q = subprocess.Popen([AIDFLOW, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(RNG.uniform(0, duration * 1.1))
        if q.poll() is None:
            q.send_signal(signal.SIGKILL)
            killed += 1
        q.wait()
        stale += bool(temporaries(d))
        run(args)
        assert not temporaries(d), temporaries(d)
        assert read(os.path.join(d, "w.xlsx"))[:2] == b"PK"
    print(f"# workbook: {N} kill points, {killed} killed mid-way ({stale} left temporaries), none left")
    assert killed > 0


def main():
    tests = [(k, v) for k, v in sorted(globals().items()) if k.startswith("test_") and callable(v)]
    assert tests
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print(f"ok {name}")
        except Exception as e:  # noqa: BLE001 -- report every failure, then the count
            failed += 1
            print(f"FAIL {name}: {e}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
