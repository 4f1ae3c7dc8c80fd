#!/usr/bin/python3
"""Conservation closes from the output files alone, warm-up included.

    test_backlog.py AIDFLOW SCENARIO...

For each scenario (every one has a warm-up), `aidflow run` into a folder, then only the files
are read (summary.json's per-replication metrics, metrics.csv): no model, no store.

The identity is the model's conservation check (src/model/replication.c, check_conservation:
at every midnight, tonnes dispatched since time 0 = delivered + lost + written off +
offloaded + returned + returned to the origin + on trucks in the system) taken at the end of
the run and at the end of the warm-up, and subtracted: the metrics count the measured period
only (the ledger at the end less its snapshot at the end of the warm-up), so

    dispatched - delivered - lost - written_off - offloaded - returned - returned_to_origin
        - in_system (at the end) + in_system_at_start (at the end of the warm-up) = 0

in tonnes, and the same in trucks without `offloaded` (a partial offload leaves the truck on
its way; every other fate ends it: trucks.c's trucks_free is called exactly where delivered,
lost, written off, returned and returned to origin are counted, and trucks_new only where
dispatched is; a redispatch repacks the same truck). Without the backlog at the start the
residual is that backlog, not 0: the test checks that too on a scenario whose warm-up leaves
trucks on their way, so that it fails should the backlog not be reported. The stages of the
backlog add up to its total.
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

AIDFLOW = sys.argv[1]
SCENARIOS = sys.argv[2:]
STAGES = ["at_leg_start", "on_leg", "at_station", "held", "repacking", "awaiting_collection",
          "at_hub", "turning_back"]
ENDS = {"trucks": ["delivered", "lost", "written_off", "returned", "returned_to_origin"],
        "tonnes": ["delivered", "lost", "written_off", "offloaded", "returned", "returned_to_origin"]}


def residual(m, unit, with_start=True):
    r = m[unit + ".dispatched"] - sum(m[f"{unit}.{e}"] for e in ENDS[unit]) - m[unit + ".in_system"]
    return r + (m[unit + ".in_system_at_start"] if with_start else 0)


def main():
    assert SCENARIOS, "no scenario to check"
    tmp = tempfile.mkdtemp(prefix="aidflow-backlog-")
    checked = backlog_seen = 0
    try:
        for scn in SCENARIOS:
            out = os.path.join(tmp, os.path.basename(scn))
            subprocess.run([AIDFLOW, "run", scn, "--replications", "3", "--out", out, "--quiet",
                            "--check-conservation"], check=True)
            summary = json.load(open(os.path.join(out, "summary.json")))
            assert summary["scenario"]["warmup_days"] > 0, scn + ": no warm-up"
            # metrics.csv holds the same values as summary.json's per-replication metrics.
            tidy = {}
            with open(os.path.join(out, "metrics.csv"), newline="") as f:
                for row in csv.DictReader(f):
                    tidy[(int(row["replication"]), row["metric"])] = float(row["value"]) if row["value"] else math.nan
            for rep in summary["per_replication"]:
                m = rep["metrics"]
                for k, v in m.items():
                    assert tidy[(rep["replication"], k)] == v or (v is None and math.isnan(tidy[(rep["replication"], k)]))
                for unit in ("trucks", "tonnes"):
                    scale = max(m[unit + ".dispatched"], 1)
                    r = residual(m, unit)
                    assert abs(r) <= 1e-9 * scale, f"{scn} rep {rep['replication']}: {unit} residual {r}"
                    stages = sum(m[f"{unit}.at_start_{s}"] for s in STAGES)
                    assert abs(stages - m[unit + ".in_system_at_start"]) <= 1e-9 * scale, (scn, unit, stages)
                    if m[unit + ".in_system_at_start"] > 0:
                        backlog_seen += 1
                        # Without the backlog the books do not close.
                        assert abs(residual(m, unit, False)) > 1e-6 * scale, (scn, unit)
                checked += 1
        assert checked >= 3 * len(SCENARIOS), checked
        assert backlog_seen > 0, "no scenario started its measured period with trucks on their way"
        print(f"backlog: {checked} replications of {len(SCENARIOS)} scenarios close, "
              f"{backlog_seen} trucks/tonnes backlogs at the start")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
