#!/usr/bin/python3
"""`--xlsx FILE` on run, sweep, compare and target, read back with Debian's openpyxl.

Every sheet has its header in row 1, frozen (panes at A2) and filterable; every cell of a
table sheet equals the CSV file it came from (numbers as numbers: exactly for a run's 10-digit
tables, to 16 significant digits for the experiments' 17-digit ones; empty fields as empty
cells); the Summary sheet equals summary.json; the Need met sheet equals totals worked out here
from daily.csv. Run by /usr/bin/python3 (openpyxl is a Debian package).

usage: test_xlsx.py AIDFLOW DATA_DIR SOURCE_ROOT
Prints one line per test and "N passed, N failed"; exits 77 (skipped) without openpyxl.
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import openpyxl
except ImportError:
    print("openpyxl is missing (apt-get install python3-openpyxl): skipped")
    sys.exit(77)

AIDFLOW = os.path.abspath(sys.argv[1])
DATA = os.path.abspath(sys.argv[2])
ROOT = os.path.abspath(sys.argv[3])
EXP = os.path.join(DATA, "exp_small.yaml")
EXP_B = os.path.join(DATA, "exp_small_more_lanes.yaml")
NETWORK = os.path.join(ROOT, "scenarios", "examples", "small_network.yaml")
TMP = tempfile.mkdtemp(prefix="af-xlsx-")

# The units of docs/OUTPUTS.md, as the headers of the Daily and Stations sheets show them.
UNITS = {"trucks_delivered": "trucks", "tonnes_delivered": "t", "need_tonnes": "t",
         "consumed_tonnes": "t", "unmet_tonnes": "t", "stock_tonnes": "t", "coverage": "fraction",
         "arrivals": "trucks", "served": "trucks", "flagged": "trucks", "rejected": "trucks",
         "blocked": "trucks", "queue_mean": "trucks", "queue_midnight": "trucks",
         "wait_mean_min": "min", "utilisation": "fraction", "open_hours": "h",
         "dispatch_to_entry_mean_h": "h", "dispatch_to_entry_p95_h": "h",
         "dispatch_to_delivery_mean_h": "h", "dispatch_to_delivery_p95_h": "h",
         "trucks_inspected": "trucks", "trucks_entered": "trucks", "trucks_offloaded": "trucks",
         "trucks_collected": "trucks", "tonnes_distributed": "t"}
TEXT = {"date", "region", "category", "station", "metric", "scenario", "significant", "meets",
        "run_id", "run_id_a", "run_id_b"}  # HASH-SEED: text (src/output/xlsx.c writes a non-number as text)


def run(*args, expect=0):
    p = subprocess.run([AIDFLOW, *args], capture_output=True, text=True, timeout=300)
    if p.returncode != expect:
        raise AssertionError(f"aidflow {' '.join(args)}: exit {p.returncode}, expected {expect}\n"
                             f"{p.stdout}\n{p.stderr}")
    return p


def out(name):
    return os.path.join(TMP, name)


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def check_frame(ws, n_cols):
    assert ws.freeze_panes == "A2", f"{ws.title}: frozen at {ws.freeze_panes}"
    assert ws.max_column == n_cols, f"{ws.title}: {ws.max_column} columns, expected {n_cols}"


def unit_of(metric):
    if metric.endswith(".binding_share") or metric.startswith("binding."):
        return "fraction"
    if metric.startswith("time."):
        return "h"
    if metric.startswith(("station.", "bottleneck.")):
        return {"utilisation": "fraction", "wait_mean_min": "min", "blocked_mean_min": "min",
                "wait_incl_blocked_mean_min": "min",
                "served_per_day": "trucks/day"}.get(metric.rsplit(".", 1)[1], "")
    for prefix, unit in [("trucks_per_day.", "trucks/day"), ("trucks.", "trucks"), ("tonnes.", "t"),
                         ("coverage.", "fraction"), ("need_met.", "fraction"),
                         ("unmet_person_days.", "person-days"), ("days_to_target.", "day"),
                         ("tonnes_per_day.", "t/day"), ("days_below_target.", "days"),
                         ("gaza_side.", "trucks")]:
        if metric.startswith(prefix):
            return unit
    return ""


def same_cell(got, text, col, exact, where):
    if text == "":
        assert got is None, f"{where}: {got!r} for an empty field"
    elif col in TEXT:
        assert got == text, f"{where}: {got!r} != {text!r}"
    else:
        want = float(text)
        assert isinstance(got, (int, float)) and not isinstance(got, bool), f"{where}: {got!r} is not a number"
        ok = got == want if exact else math.isclose(got, want, rel_tol=1e-15, abs_tol=0)
        assert ok, f"{where}: {got!r} != {text}"


def check_table(ws, path, run_table, exact):
    """The sheet equals the CSV file; returns the number of cells compared."""
    with open(path, newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    assert len(body) > 0, f"{path} has rows"
    if run_table:
        want_header = [f"{c} ({UNITS[c]})" if c in UNITS else c for c in header]
    else:
        want_header = list(header)
        if "metric" in header:
            want_header.insert(header.index("metric") + 1, "unit")
    got = rows_of(ws)
    assert got[0] == want_header, f"{ws.title} header {got[0]} != {want_header}"
    check_frame(ws, len(want_header))
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(want_header))}{len(body) + 1}"
    assert len(got) == len(body) + 1, f"{ws.title}: {len(got) - 1} rows, {path}: {len(body)}"
    cells = 0
    for i, (g, w) in enumerate(zip(got[1:], body)):
        if not run_table and "metric" in header:
            m = header.index("metric")
            assert g[m + 1] == unit_of(w[m]), f"{ws.title} row {i + 2}: unit {g[m + 1]!r}"
            g = g[:m + 1] + g[m + 2:]
        for j, (gc, wc) in enumerate(zip(g, w)):
            same_cell(gc, wc, header[j], exact, f"{ws.title}!{openpyxl.utils.get_column_letter(j + 1)}{i + 2}")
            cells += 1
    return cells


def test_run():
    d, book = out("run"), out("run.xlsx")
    run("run", NETWORK, "--replications", "3", "--jobs", "2", "--out", d, "--xlsx", book, "--quiet")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Summary", "Need met", "Daily", "Stations", "About"], wb.sheetnames
    cells = check_table(wb["Daily"], os.path.join(d, "daily.csv"), True, True)
    cells += check_table(wb["Stations"], os.path.join(d, "stations.csv"), True, True)
    assert cells > 1000, cells
    # Percentages shown as such; the value stays the fraction.
    head = [c.value for c in wb["Daily"][1]]
    cov = wb["Daily"].cell(row=2, column=head.index("coverage (fraction)") + 1)
    assert cov.number_format == "0.0%", cov.number_format
    # The run_id column (HASH-SEED) is text, the same in every row, the run of summary.json.
    assert head[0] == "run_id", head
    ids = {r[0].value for r in wb["Daily"].iter_rows(min_row=2)} | {r[0].value for r in wb["Stations"].iter_rows(min_row=2)}
    s0 = json.load(open(os.path.join(d, "summary.json")))
    assert ids == {"%s-%d" % (s0["scenario"]["hash"], s0["seed"])}, ids

    summary = json.load(open(os.path.join(d, "summary.json")))
    s = rows_of(wb["Summary"])
    assert s[0] == ["metric", "mean", "low (95%)", "high (95%)", "n", "unit"], s[0]
    check_frame(wb["Summary"], 6)
    assert [r[0] for r in s[1:]] == list(summary["metrics"]), "every metric, in order"
    for r in s[1:]:
        m = summary["metrics"][r[0]]
        for got, key in zip(r[1:4], ["mean", "ci_low", "ci_high"]):
            assert (got is None and m[key] is None) or math.isclose(got, m[key], rel_tol=1e-15), (r, m)
        assert r[4] == m["n"] and r[5] == unit_of(r[0]), r
    units = {r[0]: r[5] for r in s[1:]}
    assert units["trucks.delivered"] == "trucks" and units["coverage.all"] == "fraction"

    # Need met: totals over the horizon per region and category, mean over the replications.
    tot = {}
    with open(os.path.join(d, "daily.csv"), newline="") as f:
        for r in csv.DictReader(f):
            t = tot.setdefault((r["region"], r["category"]), [0.0, 0.0, 0.0, 0.0])
            for k, c in enumerate(["need_tonnes", "tonnes_delivered", "consumed_tonnes", "unmet_tonnes"]):
                t[k] += float(r[c])
    n = rows_of(wb["Need met"])
    assert n[0] == ["region", "category", "need (t)", "delivered (t)", "consumed (t)", "unmet (t)",
                    "need met (fraction)", "coverage (fraction)"], n[0]
    check_frame(wb["Need met"], 8)
    assert [(r[0], r[1]) for r in n[1:]] == list(tot), "every region and category, in order"
    for r in n[1:]:
        need, delivered, consumed, unmet = tot[(r[0], r[1])]
        for got, want in zip(r[2:6], [need / 3, delivered / 3, consumed / 3, unmet / 3]):
            assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9), (r, want)
        if need > 0:
            assert math.isclose(r[6], consumed / need, rel_tol=1e-12), r
            assert math.isclose(r[7], delivered / need, rel_tol=1e-12), r
        else:
            assert r[6] is None and r[7] is None, r
        assert 0 <= (r[6] or 0) <= 1, r

    about = {r[0]: r[1] for r in rows_of(wb["About"])[1:]}
    assert about["scenario.file"] == NETWORK and about["replications"] == 3, about
    check_frame(wb["About"], 2)
    leftovers = [f for f in os.listdir(TMP) if ".tmp." in f]
    assert not leftovers, leftovers


def test_sweep():
    d, book = out("sweep"), out("sweep.xlsx")
    run("sweep", EXP, "--vary", "inspections.screening.lanes=2,4", "--replications", "2",
        "--out", d, "--xlsx", book, "--quiet")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Sweep", "Replications", "About"], wb.sheetnames
    check_table(wb["Sweep"], os.path.join(d, "sweep.csv"), False, False)
    check_table(wb["Replications"], os.path.join(d, "replications.csv"), False, False)
    about = {r[0]: r[1] for r in rows_of(wb["About"])[1:]}
    assert about["kind"] == "sweep" and about["replications"] == 2, about
    # Without --xlsx nothing of it shows in the provenance (it does not change the results).
    assert "--xlsx" not in about["aidflow.command"], about["aidflow.command"]


def test_compare():
    d, book = out("compare"), out("compare.xlsx")
    run("compare", EXP, EXP_B, "--replications", "3", "--out", d, "--xlsx", book, "--quiet")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Compare", "Replications", "About"], wb.sheetnames
    check_table(wb["Compare"], os.path.join(d, "compare.csv"), False, False)
    check_table(wb["Replications"], os.path.join(d, "replications.csv"), False, False)


def test_target():
    d, book = out("target"), out("target.xlsx")
    run("target", EXP, "--vary", "inspections.screening.lanes=1:12", "--integer", "--replications",
        "3", "--goal", "coverage.food >= 0.9", "--out", d, "--xlsx", book, "--quiet")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Target", "Replications", "About"], wb.sheetnames
    check_table(wb["Target"], os.path.join(d, "target.csv"), False, False)


def test_replaced_atomically_and_errors():
    d, book = out("again"), out("again.xlsx")
    with open(book, "w") as f:
        f.write("an older file")
    run("run", EXP, "--replications", "2", "--out", d, "--xlsx", book, "--quiet")
    wb = openpyxl.load_workbook(book)  # the old file was replaced by a whole workbook
    assert wb.sheetnames[0] == "Summary"
    # A workbook that cannot be written: exit 1, the tables are there, no file is left.
    bad = out("no/such/dir/book.xlsx")
    p = run("run", EXP, "--replications", "2", "--out", out("bad"), "--xlsx", bad, "--quiet", expect=1)
    assert "not the workbook" in p.stderr and "book.xlsx" in p.stderr, p.stderr
    assert os.path.exists(os.path.join(out("bad"), "summary.json"))
    assert not os.path.exists(os.path.dirname(bad))


def main():
    tests = [test_run, test_sweep, test_compare, test_target, test_replaced_atomically_and_errors]
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
