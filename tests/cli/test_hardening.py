#!/usr/bin/env python3
"""Hostile stores, output targets and inputs against the aidflow executable (issue 17).

usage: test_hardening.py AIDFLOW DATA_DIR

A good store is made by the test, then damaged in each way an attacker or an accident
would: truncated, bits flipped, rows removed, sizes past 2^64, symlinked, another
experiment's. Each must end with a clear error naming the store (exit 2) -- never a crash,
never a silent resume with changed numbers. Output targets that are not regular files, or
that are an input of the same command, are refused and left as they were. Run in the suite,
so under the sanitizers in CI's pass 2. Prints one line per test and "N passed, N failed".
"""
import fcntl
import os
import random
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
import tempfile

AIDFLOW = os.path.abspath(sys.argv[1])
DATA = os.path.abspath(sys.argv[2])
SCN = os.path.join(DATA, "exp_small.yaml")
SCN_B = os.path.join(DATA, "exp_small_more_lanes.yaml")
RUN_OUTPUTS = ["daily.csv", "stations.csv", "summary.json"]
TMP = tempfile.mkdtemp(prefix="af-hardening-")
REPS = "4"


def run(*args, expect=0, timeout=120):
    p = subprocess.run([AIDFLOW, *args], capture_output=True, text=True, timeout=timeout)
    if p.returncode < 0:
        raise AssertionError(f"aidflow {' '.join(args)} died with signal {-p.returncode}\n{p.stderr}")
    if expect is not None and p.returncode != expect:
        raise AssertionError(f"aidflow {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def out(name):
    return os.path.join(TMP, name)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def good_store():
    """The reference run, made once: its files and its store."""
    d = out("good")
    if not os.path.exists(os.path.join(d, "summary.json")):
        run("run", SCN, "--replications", REPS, "--out", d, "--quiet")
    return d


def copy_run(name):
    d = out(name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(good_store(), d, symlinks=True)
    return d


def store(d):
    return os.path.join(d, "results.sqlite")


def sql(d, *statements):
    con = sqlite3.connect(store(d))
    try:
        for s in statements:
            con.execute(s)
        con.commit()
    finally:
        con.close()


def expect_refused(d, fragment="results.sqlite", args=()):
    p = run("run", SCN, "--replications", REPS, "--out", d, "--quiet", *args, expect=None)
    if p.returncode != 2:
        raise AssertionError(f"exit {p.returncode}, expected 2\nstderr:\n{p.stderr}")
    if fragment not in p.stderr:
        raise AssertionError(f"stderr lacks '{fragment}':\n{p.stderr}")
    if len(p.stderr) > 4000:
        raise AssertionError(f"stderr is {len(p.stderr)} bytes long")
    return p.stderr


def same_as_good(d):
    g = good_store()
    for n in RUN_OUTPUTS:
        if read(os.path.join(g, n)) != read(os.path.join(d, n)):
            raise AssertionError(f"{d}/{n} differs from the undamaged run's")


# ---- stores -------------------------------------------------------------------------------

def test_good_store_resumes_to_the_same_bytes():
    d = copy_run("resume")
    for n in RUN_OUTPUTS:
        os.unlink(os.path.join(d, n))
    run("run", SCN, "--replications", REPS, "--out", d, "--quiet")
    same_as_good(d)


def test_truncated_store():
    size = os.path.getsize(store(good_store()))
    assert size > 8192, size
    for keep in (0, 100, 4096, size // 2, size - 1):
        d = copy_run(f"trunc{keep}")
        with open(store(d), "r+b") as f:
            f.truncate(keep)
        if keep == 0:
            # An empty file is a new, empty SQLite database: the run starts again and
            # ends with the same bytes (nothing was resumed, nothing mixed).
            run("run", SCN, "--replications", REPS, "--out", d, "--quiet")
            same_as_good(d)
        else:
            expect_refused(d)


def test_changed_values_are_caught_by_the_checksum():
    d = copy_run("value")
    sql(d, "UPDATE results SET value = value + 1e-9 WHERE job = 1 AND ord = 0")
    assert "job 1" in expect_refused(d, "checksum")
    d = copy_run("tables")
    sql(d, "UPDATE job_tables SET data = substr(data, 1, 200) || x'00' || substr(data, 202) "
           "WHERE job = 2")
    assert "job 2" in expect_refused(d, "checksum")
    d = copy_run("seed")
    sql(d, "UPDATE jobs SET seed = seed + 1 WHERE job = 0")
    expect_refused(d, "checksum")


def test_rows_removed():
    cases = {
        "metric": ["DELETE FROM results WHERE job = 1 AND ord = 0"],  # fewer metrics
        "lastmetric": ["DELETE FROM results WHERE job = 3 AND ord = (SELECT max(ord) FROM results)"],
        "tables": ["DELETE FROM job_tables WHERE job = 0"],
        "check": ["DELETE FROM job_checks WHERE job = 2"],
        "jobrow": ["DELETE FROM jobs WHERE job = 1"],  # its results and tables are orphans
        "metricname": ["DELETE FROM metrics WHERE metric = (SELECT min(metric) FROM metrics)"],
    }
    for name, stmts in cases.items():
        d = copy_run(f"rows-{name}")
        sql(d, *stmts)
        expect_refused(d)


def test_whole_job_removed_is_run_again():
    # A job removed with everything it had is only a job not done: it runs again, and the
    # files are the same bytes.
    d = copy_run("rows-whole")
    sql(d, "DELETE FROM results WHERE job = 1", "DELETE FROM job_tables WHERE job = 1",
        "DELETE FROM job_checks WHERE job = 1", "DELETE FROM jobs WHERE job = 1")
    run("run", SCN, "--replications", REPS, "--out", d, "--quiet")
    same_as_good(d)


def fnv1a(h, data):
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def test_sizes_past_2_64():
    # Counts in a job's packed tables whose products pass 2^64, with the checksum made to
    # match (an attacker can compute FNV-1a too): the sizes are checked on their own.
    d = copy_run("sizes")
    con = sqlite3.connect(store(d))
    ident = con.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()[0]
    blob = bytearray(con.execute("SELECT data FROM job_tables WHERE job = 0").fetchone()[0])
    # header: magic, cell, station_day, double sizes, seed, events, replication, n_days,
    # n_regions, n_categories, n_stations, n_metrics, bottleneck (13 x uint64).
    fields = list(struct.unpack_from("<13Q", blob, 0))
    for idx, value in ((7, 2**40), (8, 2**33), (9, 2**62), (10, 2**63), (11, 2**64 - 1), (7, 999999)):
        f = list(fields)
        f[idx] = value
        if idx == 7 and value == 999999:
            f[8] = f[9] = 99999
        b = bytearray(blob)
        struct.pack_into("<13Q", b, 0, *f)
        con.execute("UPDATE job_tables SET data = ? WHERE job = 0", (bytes(b),))
        # The checksum, recomputed as store.c makes it.
        u64 = lambda v: struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)
        job, point, rep, seed = con.execute("SELECT job, point, replication, seed FROM jobs WHERE job = 0").fetchone()
        h = fnv1a(0xcbf29ce484222325, u64(fnv1a(0xcbf29ce484222325, ident.encode())))
        for v in (job, point, rep, seed):
            h = fnv1a(h, u64(v))
        for ord_, name, value_ in con.execute("SELECT r.ord, m.name, r.value FROM results r JOIN metrics m "
                                             "ON m.metric = r.metric WHERE r.job = 0 ORDER BY r.ord"):
            h = fnv1a(h, u64(ord_))
            h = fnv1a(h, name.encode() + b"\0")
            if value_ is None:
                h = fnv1a(h, u64(0))
            else:
                v = float(value_)
                if v == 0:
                    v = 0.0
                h = fnv1a(h, u64(1))
                h = fnv1a(h, struct.pack("<d", v))
        h = fnv1a(h, u64(len(b)))
        h = fnv1a(h, bytes(b))
        con.execute("UPDATE job_checks SET sum = ? WHERE job = 0", (f"{h:016x}",))
        con.commit()
        err = expect_refused(d)
        # Refused for its sizes, not for its checksum: the sums above are the store's own.
        assert "checksum" not in err and ("damaged daily tables" in err or "sizes" in err), err
    con.close()


def test_random_bit_flips_never_resume_changed_numbers():
    # A flipped bit in the file ends in a clear error, or (a bit in free space or in what is
    # not kept for the outputs) in the same bytes as the undamaged run: never other numbers.
    rng = random.Random(17)
    size = os.path.getsize(store(good_store()))
    refused = same = 0
    for i in range(24):
        d = copy_run(f"flip{i}")
        for n in RUN_OUTPUTS:
            os.unlink(os.path.join(d, n))
        with open(store(d), "r+b") as f:
            at = rng.randrange(100, size)  # past the file header, into the pages
            f.seek(at)
            byte = f.read(1)[0]
            f.seek(at)
            f.write(bytes([byte ^ (1 << rng.randrange(8))]))
        p = run("run", SCN, "--replications", REPS, "--out", d, "--quiet", expect=None)
        if p.returncode == 2:
            assert "results.sqlite" in p.stderr, p.stderr
            refused += 1
        else:
            assert p.returncode == 0, f"flip at {at}: exit {p.returncode}\n{p.stderr}"
            same_as_good(d)
            same += 1
    print(f"# 24 bit flips: {refused} refused, {same} harmless")
    assert refused > 0


def test_symlinked_store_is_refused():
    d = copy_run("symlink")
    os.unlink(store(d))
    foreign = out("foreign.sqlite")
    shutil.copy(store(good_store()), foreign)
    os.symlink(foreign, store(d))
    expect_refused(d, "symbolic link")
    assert read(foreign) == read(store(good_store()))  # not touched through the link


def test_another_experiments_store():
    # B's replications under A's identity: the per-job checksums carry the identity.
    b = out("other-b")
    run("run", SCN_B, "--replications", REPS, "--out", b, "--quiet")
    d = copy_run("other")
    con = sqlite3.connect(store(good_store()))
    ident = con.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()[0]
    con.close()
    os.unlink(store(d))
    shutil.copy(store(b), store(d))
    con = sqlite3.connect(store(d))
    for key in ("identity", "scenario", "scenario_hash"):
        v = sqlite3.connect(store(good_store())).execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]
        con.execute("UPDATE meta SET value = ? WHERE key = ?", (v, key))
    con.execute("UPDATE points SET scenario = ?, scenario_hash = (SELECT value FROM meta WHERE key = 'scenario_hash')", (SCN,))
    con.commit()
    con.close()
    assert ident
    expect_refused(d, "checksum")
    # B's store as it is, where A runs: refused (never mixed), and --fresh replaces it.
    d = copy_run("other-plain")
    os.unlink(store(d))
    shutil.copy(store(b), store(d))
    expect_refused(d, "--fresh")
    run("run", SCN, "--replications", REPS, "--out", d, "--quiet", "--fresh")
    same_as_good(d)


def test_old_format_is_refused():
    d = copy_run("format")
    sql(d, "UPDATE meta SET value = '1' WHERE key = 'format'")
    expect_refused(d, "format 1")


def test_locked_folder_is_refused():
    # Another aidflow process holds the folder: the lock is taken here as it would take it.
    d = copy_run("locked")
    fd = os.open(d, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        err = expect_refused(d, "in use by another aidflow process")
        assert d in err
    finally:
        os.close(fd)
    run("run", SCN, "--replications", REPS, "--out", d, "--quiet")


def test_merge_of_a_damaged_shard_is_refused():
    d = copy_run("shard")
    sql(d, "UPDATE results SET value = value + 1 WHERE job = 0 AND ord = 1")
    p = run("merge", out("merged"), d, expect=None)
    assert p.returncode == 2, p.stderr
    assert "checksum" in p.stderr, p.stderr


# ---- output targets -----------------------------------------------------------------------

def test_report_refuses_a_fifo_and_its_own_input():
    g = good_store()
    fifo = out("report.fifo")
    os.mkfifo(fifo)
    p = run("report", g, "-o", fifo, expect=2, timeout=60)
    assert "not a regular file" in p.stderr, p.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    link = out("report-link.html")
    os.symlink(fifo, link)
    run("report", g, "-o", link, expect=2, timeout=60)
    assert stat.S_ISFIFO(os.stat(link).st_mode)
    os.mkdir(out("report-dir"))
    run("report", g, "-o", out("report-dir"), expect=2)
    before = {n: read(os.path.join(g, n)) for n in RUN_OUTPUTS}
    for n in RUN_OUTPUTS + ["results.sqlite"]:
        p = run("report", g, "-o", os.path.join(g, n), expect=2)
        assert "input" in p.stderr, p.stderr
    # The same file by another name is the same input.
    os.symlink(os.path.join(g, "daily.csv"), out("daily-link.csv"))
    run("report", g, "-o", out("daily-link.csv"), expect=2)
    assert before == {n: read(os.path.join(g, n)) for n in RUN_OUTPUTS}
    run("report", g, "-o", out("report.html"))
    assert not [n for n in os.listdir(TMP) if ".tmp." in n]


def test_run_output_that_is_a_fifo():
    d = copy_run("fifo-out")
    os.unlink(os.path.join(d, "daily.csv"))
    os.mkfifo(os.path.join(d, "daily.csv"))
    p = run("run", SCN, "--replications", REPS, "--out", d, "--quiet", expect=2, timeout=60)
    assert "daily.csv" in p.stderr and "not a regular file" in p.stderr, p.stderr


def test_workbook_refuses_its_inputs_and_fifos():
    d = copy_run("xlsx")
    daily = read(os.path.join(d, "daily.csv"))
    p = run("run", SCN, "--replications", REPS, "--out", d, "--quiet", "--xlsx",
            os.path.join(d, "daily.csv"), expect=None)
    if "without libxlsxwriter" in p.stderr:
        print("# skipped: built without libxlsxwriter")
        return
    assert p.returncode != 0 and "workbook is made from" in p.stderr, p.stderr
    assert read(os.path.join(d, "daily.csv")) == daily
    fifo = os.path.join(d, "w.xlsx")
    os.mkfifo(fifo)
    p = run("run", SCN, "--replications", REPS, "--out", d, "--quiet", "--xlsx", fifo,
            expect=None, timeout=60)
    assert p.returncode != 0 and "not a regular file" in p.stderr, p.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# ---- inputs and standard output -----------------------------------------------------------

def test_scenario_that_is_not_a_regular_file():
    fifo = out("scenario.yaml")
    os.mkfifo(fifo)
    for cmd in ("validate", "show", "run"):
        p = run(cmd, fifo, expect=2, timeout=60)
        assert "not a regular file" in p.stderr, p.stderr
    p = run("validate", TMP, expect=2, timeout=60)
    base = out("extends-fifo.yaml")
    with open(base, "w") as f:
        f.write("extends: scenario.yaml\n")
    p = run("validate", base, expect=2, timeout=60)
    assert "not a regular file" in p.stderr, p.stderr


def test_standard_output_that_cannot_be_written():
    with open("/dev/full", "w") as full:
        for args in (["version"], ["validate", SCN], ["show", SCN],
                     ["run", SCN, "--replications", "2", "--out", out("full-run")],
                     ["sweep", SCN, "--vary", "crossings.gate.lanes=2,4", "--replications", "2",
                      "--out", out("full-sweep")]):
            p = subprocess.run([AIDFLOW, *args], stdout=full, stderr=subprocess.PIPE, text=True,
                               timeout=120)
            assert p.returncode not in (0,) and p.returncode > 0, f"{args}: exit {p.returncode}"
            assert "standard output" in p.stderr, f"{args}: {p.stderr}"


def scenario_variant(name, old, new):
    with open(SCN) as f:
        text = f.read()
    assert old in text, old
    path = out(name)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))
    return path


def test_values_that_make_times_infinite_are_load_errors():
    cases = [
        ("rate.yaml", "150 trucks/d", "1e-308 trucks/d", 26, "rate"),
        ("exp.yaml", "{lognormal: {mean: 40 min, sd: 15 min}}", "{exponential: 1e308 min}", 30, "100 years"),
        ("weibull.yaml", "{lognormal: {mean: 40 min, sd: 15 min}}", "{weibull: {shape: 1e-300, scale: 1 h}}", 30, "shape"),
        ("lognormal.yaml", "sd: 15 min", "sd: 1e300 min", 30, "100 years"),
        ("uniform.yaml", "[5 min, 15 min]", "[5 min, 1e300 min]", 37, "100 years"),
    ]
    for name, old, new, line, fragment in cases:
        path = scenario_variant(name, old, new)
        for cmd in (["validate", path], ["run", path, "--replications", "1", "--out", out("inf-" + name)]):
            p = run(*cmd, expect=2)
            assert f"{path}:{line}:" in p.stderr and fragment in p.stderr, p.stderr
    # The bounds are far from what a scenario means: a year-long mean and a slow rate load.
    run("validate", scenario_variant("ok.yaml", "150 trucks/d", "0.001 trucks/d"))
    run("validate", scenario_variant("ok2.yaml", "{lognormal: {mean: 40 min, sd: 15 min}}",
                                     "{weibull: {shape: 0.2, scale: 365 d}}"))


def test_control_characters_in_names_are_refused():
    for name, text in (("esc.yaml", '"evil\\e]0;pwned\\a title"'), ("nl.yaml", '"two\\nlines"'),
                       ("c1.yaml", '"csi\\x9b31m"')):
        path = scenario_variant(name, "name: experiment test network", "name: " + text)
        p = run("validate", path, expect=2)
        assert "control character" in p.stderr and f"{path}:5:" in p.stderr, p.stderr
        assert not any(c in p.stderr for c in "\x1b\x07\x9b"), repr(p.stderr)


def test_json_is_utf8_whatever_the_path():
    # A folder whose name is not UTF-8: summary.json stays valid UTF-8 JSON.
    d = os.path.join(os.fsencode(TMP), b"caf\xe9")
    scn = os.path.join(d, b"s.yaml")
    os.mkdir(d)
    shutil.copy(SCN, scn)
    p = subprocess.run([os.fsencode(AIDFLOW), b"run", scn, b"--replications", b"1", b"--out",
                        os.path.join(d, b"out"), b"--quiet"], capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr
    import json
    with open(os.path.join(d, b"out", b"summary.json"), "rb") as f:
        raw = f.read()
    raw.decode("utf-8")  # raises on invalid UTF-8
    json.loads(raw)


def make_sweep(name):
    d = out(name)
    if not os.path.exists(os.path.join(d, "sweep.csv")):
        run("sweep", SCN, "--vary", "crossings.gate.lanes=2,4", "--replications", "2", "--out", d)
    return d


def test_no_nan_or_infinity_in_charts():
    import csv
    import re
    d = out("big-values")
    shutil.copytree(make_sweep("sweep"), d)
    with open(os.path.join(d, "sweep.csv")) as f:
        rows = list(csv.reader(f))
    changed = 0
    col = {name: i for i, name in enumerate(rows[0])}
    for r in rows[1:]:
        if r[col["metric"]] in ("coverage.food", "trucks.dispatched"):
            sign = "" if r[col["point"]] == "0" else "-"
            r[col["mean"]], r[col["ci_low"]], r[col["ci_high"]] = sign + "1e308", "-1e308", "1e308"
            changed += 1
    assert changed >= 2
    with open(os.path.join(d, "sweep.csv"), "w") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    run("report", d, "-o", out("big-values.html"))
    html = read(out("big-values.html")).decode()
    bad = re.findall(r'="[^"]*(?:nan|inf)[^"]*"', html, re.IGNORECASE)
    assert not bad, bad[:3]


def test_report_is_linear_in_distinct_names():
    # 1e6 rows with 100k distinct metric names: a quadratic search of names takes minutes
    # here (it did: over 300 s); a hash takes seconds. The timeout is the check.
    d = out("many-names")
    os.mkdir(d)
    shutil.copy(os.path.join(make_sweep("sweep"), "provenance.json"), d)
    with open(os.path.join(d, "sweep.csv"), "w") as f:
        f.write("point,crossings.gate.lanes,metric,mean,sd,ci_low,ci_high,n\n")
        f.writelines(f"{p},{p + 1},m{m:06d}.x,{m * 0.5 + p},1,{m * 0.5 + p - 1},{m * 0.5 + p + 1},2\n"
                     for p in range(10) for m in range(100000))
    run("report", d, "-o", out("many-names.html"), timeout=150)


def test_provenance_is_the_same_whatever_jobs_and_out():
    # summary.json and the sweep's provenance.json keep scenario, overrides, seed and
    # replications, not --jobs, --out or --quiet: the same bytes from any folder and any jobs.
    a, b = out("prov-a"), out("prov-b-elsewhere")
    run("run", SCN, "--replications", "3", "--jobs", "1", "--out", a, "--quiet")
    run("run", SCN, "--replications", "3", "--jobs", "3", "--out", b, "--check-conservation")
    for n in RUN_OUTPUTS:
        assert read(os.path.join(a, n)) == read(os.path.join(b, n)), n
    text = read(os.path.join(a, "summary.json")).decode()
    assert "--jobs" not in text and "--out" not in text and "prov-a" not in text
    assert "--replications 3" in text
    grid = ["--vary", "crossings.gate.lanes=2,4", "--replications", "2"]
    run("sweep", SCN, *grid, "--jobs", "1", "--out", out("prov-s1"))
    run("sweep", SCN, *grid, "--jobs", "2", "--out", out("prov-s2"), "--quiet")
    for n in ("sweep.csv", "replications.csv", "provenance.json"):
        assert read(os.path.join(out("prov-s1"), n)) == read(os.path.join(out("prov-s2"), n)), n


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
