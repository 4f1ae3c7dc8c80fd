#!/usr/bin/python3
"""The terminal's "where the trucks are at the end" list: at most six entries of the last
midnight of positions.csv, the held-back counts first, then the others, each part by its mean
across replications from the largest down.

    test_positions_list.py AIDFLOW

The network (derived by hand): origins `a` (50 food trucks a day), `b` (100 a day) and `c`
(30 a day), in that file order, each with a yard of 10 places, share one gate of 1 lane, 60
minutes a truck (24 a day), queue limit 5. Once the yards are full the gate's blocked line
holds 10 trucks of each, and each admission frees a place of the same origin, so each origin
dispatches 8 a day: `a` holds back about 42 a day, `b` about 92 and `c` about 22, so b's
held-back count is the largest although `a` comes first in the file (and in positions.csv).
The list must be b's, a's and c's held back, then the rest by size, six entries of the eight
at the last midnight; the entries and their means are positions.csv's last day, which the
test reads and orders itself.
"""
import csv
import os
import subprocess
import sys
import tempfile

AIDFLOW = sys.argv[1]

SCENARIO = """name: positions list
start: 2024-03-04
horizon: 20 d
warmup: 0 d
categories:
  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}
regions:
  - {name: south, population: 720000}
hubs:
  - {name: hub, serves: [south]}
origins:
  - name: a
    dispatch: 00:00-24:00
    yard: {capacity: 10}
    plan:
      - {from: 2024-03-01, trucks: {food: 50}}
  - name: b
    dispatch: 00:00-24:00
    yard: {capacity: 10}
    plan:
      - {from: 2024-03-01, trucks: {food: 100}}
  - name: c
    dispatch: 00:00-24:00
    yard: {capacity: 10}
    plan:
      - {from: 2024-03-01, trucks: {food: 30}}
crossings:
  - {name: gate, lanes: 1, service: 60 min, queue_limit: 5}
legs:
  - {from: a, to: gate, travel: 1 min}
  - {from: b, to: gate, travel: 1 min}
  - {from: c, to: gate, travel: 1 min}
  - {from: gate, to: hub, travel: 1 min}
routes:
  - {name: from_a, origin: a, via: [gate], hub: hub}
  - {name: from_b, origin: b, via: [gate], hub: hub}
  - {name: from_c, origin: c, via: [gate], hub: hub}
"""


def listed(stdout):
    """The (node, state, mean) lines of the terminal list."""
    lines = stdout.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("where the trucks are at the end"))
    out = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        words = line.split()
        out.append((words[0], words[1], float(words[2])))
    return out


def main():
    with tempfile.TemporaryDirectory(prefix="aidflow-positions-") as tmp:
        scn = os.path.join(tmp, "s.yaml")
        with open(scn, "w") as f:
            f.write(SCENARIO)
        out = os.path.join(tmp, "out")
        run = subprocess.run([AIDFLOW, "run", scn, "--replications", "3", "--out", out],
                             check=True, capture_output=True, text=True)
        got = listed(run.stdout)
        with open(os.path.join(out, "positions.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        last = max(int(r["day"]) for r in rows)
        cells = [(r["node"], r["state"], float(r["trucks_mean"])) for r in rows
                 if int(r["day"]) == last and float(r["trucks_mean"]) > 0]
        assert len(cells) > 6, cells  # more than the list shows, so the cut matters too
        want = sorted(cells, key=lambda c: (c[1] != "held_back", -c[2]))[:6]
        assert len(got) == len(want), (got, want)
        for (gn, gs, gm), (wn, ws, wm) in zip(got, want):
            assert (gn, gs) == (wn, ws), (got, want)
            assert abs(gm - wm) <= 1e-3 * max(1.0, abs(wm)), (got, want)
        # The hand-derived order: b's held back (about 92 a day), a's (42), c's (22).
        assert [g[:2] for g in got[:3]] == [("b", "held_back"), ("a", "held_back"), ("c", "held_back")], got
        days = last
        for (_, _, mean), rate in zip(got[:3], (92, 42, 22)):
            assert (rate - 6) * days <= mean <= (rate + 6) * days, (got, rate)
        print(f"ok: {len(got)} of {len(cells)} entries in order, held back b {got[0][2]:g}, "
              f"a {got[1][2]:g}, c {got[2][2]:g} over {days} days")


if __name__ == "__main__":
    main()
