#!/usr/bin/python3
"""Runs the M/M/5 benchmark in aidflow (bench_engine) and in SimPy in the same run and prints
both figures and their ratio, one `name: value unit` a line.

Usage: mmc_vs_simpy.py PATH/TO/bench_engine [trucks]"""
import re
import subprocess
import sys
from pathlib import Path


def figures(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+): ([-+0-9.eE]+) (.*)$", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def main():
    bench = sys.argv[1]
    trucks = sys.argv[2] if len(sys.argv) > 2 else "500000"
    c = subprocess.run([bench, trucks], check=True, capture_output=True, text=True).stdout
    py = subprocess.run([sys.executable, str(Path(__file__).with_name("simpy_mmc.py")), trucks],
                        check=True, capture_output=True, text=True).stdout
    print(c, end="")
    print(py, end="")
    a, s = figures(c), figures(py)
    ratio = a["mmc_trucks_per_s"] / s["simpy_mmc_trucks_per_s"]
    print(f"mmc_speedup_vs_simpy: {ratio:.1f} x")


if __name__ == "__main__":
    main()
