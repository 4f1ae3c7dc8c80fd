#!/usr/bin/python3
"""network_speedup_vs_simpy: the logistics network of network.yaml run as whole processes by
aidflow (`aidflow run network.yaml --jobs 1`) and by its SimPy peer (simpy_network.py), the
same number of replications each, and the ratio of the two wall times. Each time is the best
of several runs (the machine's speed drifts). Also prints both programs' mean trucks delivered
a replication with their 95% intervals, and whether the intervals overlap (the two model the
same work), one `name: value unit` a line.

Usage: network_vs_simpy.py PATH/TO/aidflow [REPLICATIONS] [RUNS]"""
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def figures(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+): ([-+0-9.eE]+) (.*)$", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def main():
    aidflow = sys.argv[1]
    reps = sys.argv[2] if len(sys.argv) > 2 else "20"
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    best_a = best_s = float("inf")
    summary = simpy_figs = None
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(runs):
            out = Path(tmp) / f"run{k}"
            t0 = time.perf_counter()
            subprocess.run([aidflow, "run", str(HERE / "network.yaml"), "--replications", reps,
                            "--jobs", "1", "--out", str(out), "--quiet"], check=True)
            best_a = min(best_a, time.perf_counter() - t0)
            summary = json.loads((out / "summary.json").read_text())
            t0 = time.perf_counter()
            py = subprocess.run([sys.executable, str(HERE / "simpy_network.py"), reps],
                                check=True, capture_output=True, text=True).stdout
            best_s = min(best_s, time.perf_counter() - t0)
            simpy_figs = figures(py)
    d = summary["metrics"]["trucks.delivered"]
    lo, hi = simpy_figs["simpy_network_delivered_ci_low"], simpy_figs["simpy_network_delivered_ci_high"]
    print(f"network_replications: {reps} replications")
    print(f"aidflow_network_delivered: {d['mean']:.1f} trucks")
    print(f"aidflow_network_delivered_ci_low: {d['ci_low']:.1f} trucks")
    print(f"aidflow_network_delivered_ci_high: {d['ci_high']:.1f} trucks")
    print(f"simpy_network_delivered: {simpy_figs['simpy_network_delivered']:.1f} trucks")
    print(f"simpy_network_delivered_ci_low: {lo:.1f} trucks")
    print(f"simpy_network_delivered_ci_high: {hi:.1f} trucks")
    agree = d["ci_low"] <= hi and lo <= d["ci_high"]
    print(f"network_intervals_overlap: {1 if agree else 0} (1 = yes)")
    print(f"aidflow_network_s: {best_a:.3f} s")
    print(f"simpy_network_s: {best_s:.3f} s")
    print(f"network_speedup_vs_simpy: {best_s / best_a:.1f} x")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
