#!/usr/bin/python3
"""A small Latin hypercube over two inspection parameters, run from Python.

Each factor's range is cut into N equal strata; every stratum of every factor is used exactly
once, the strata paired at random (a Latin hypercube; drawn here by hand with numpy, since
SALib is not packaged in Debian). Each point runs the scenario with those overrides on common
random numbers (the same seed and replication numbers at every point) and the table shows food
coverage per point, the interval across replications, and the factors' rank correlation with it.

usage: lhs.py [SCENARIO] [--points N] [--replications R] [--seed S] [--jobs J] [--csv FILE]
Needs AIDFLOW_LIB (or an installed aidflow) and Debian's python3-numpy and python3-pandas.
"""
import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import aidflow  # noqa: E402  (the module beside this folder, or the installed one)

# Factor: (override path, low, high, whole numbers?)
FACTORS = [
    ("inspections.nitzana.lanes", 2, 12, True),
    ("inspections.kerem_shalom_inspection.lanes", 2, 12, True),
]


def latin_hypercube(n, k, rng):
    """n points in [0, 1)^k, one in each of the n strata of every dimension."""
    u = (np.argsort(rng.random((k, n)), axis=1).T + rng.random((n, k))) / n
    return u


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", nargs="?", default="default")
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20240301)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--csv", help="also write the table to this CSV file")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    u = latin_hypercube(a.points, len(FACTORS), rng)
    rows = []
    for i in range(a.points):
        values = {}
        for j, (path, lo, hi, whole) in enumerate(FACTORS):
            x = lo + u[i, j] * (hi - lo + (1 if whole else 0))
            values[path] = int(np.floor(x)) if whole else float(x)
        scn = aidflow.Scenario.load(a.scenario, overrides=values)
        s = scn.run(replications=a.replications, seed=a.seed, jobs=a.jobs).summary()
        m = s.loc["coverage.food"]
        rows.append({"point": i, **values, "coverage.food": m["mean"], "ci_low": m["ci_low"],
                     "ci_high": m["ci_high"], "n": int(m["n"])})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    print("\nSpearman rank correlation with coverage.food:")
    for path, *_ in FACTORS:
        rho = table[path].rank().corr(table["coverage.food"].rank())
        print(f"  {path:45s} {rho:+.3f}")
    if a.csv:
        table.to_csv(a.csv, index=False)


if __name__ == "__main__":
    main()
