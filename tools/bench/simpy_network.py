#!/usr/bin/python3
"""The logistics network of tools/bench/network.yaml, written in SimPy for the
network_speedup_vs_simpy benchmark.

Three origins dispatch trucks as Poisson processes; each truck takes a route chosen by the
routes' shares; it travels each leg (exponential times), queues for the lanes of each station
(FCFS, exponential service), is flagged at an inspection with probability 5% and then held for
an exponential day, after which 20% of the held are written off; at Kerem Shalom a truck is
served at the gate and then at the transfer stage; a truck reaching its hub before the horizon
is delivered. Everything is open around the clock, as in network.yaml.

Usage: simpy_network.py REPLICATIONS [SEED]. Prints, one `name: value unit` a line, the mean
trucks delivered a replication, its 95% confidence interval (Student t), and the seconds taken.
"""
import math
import random
import statistics
import sys
import time

import simpy

DAY = 1440.0
HORIZON = 90 * DAY
FLAG = 0.05
HOLD_MEAN = DAY
HOLD_REJECTED = 0.2

# station: (lanes, mean service minutes)
STATIONS = {
    "nitzana": (5, 40.0), "allenby": (2, 60.0), "rafah": (2, 15.0),
    "kerem_shalom": (3, 10.0), "kerem_shalom.transfer": (4, 30.0),
}
INSPECTIONS = {"nitzana", "allenby"}
TRANSFER = {"kerem_shalom": "kerem_shalom.transfer"}
# leg mean travel minutes
LEGS = {
    ("al_arish", "nitzana"): 180.0, ("nitzana", "rafah"): 120.0,
    ("nitzana", "kerem_shalom"): 120.0, ("amman", "allenby"): 240.0,
    ("allenby", "kerem_shalom"): 180.0, ("ashdod", "kerem_shalom"): 120.0,
    ("rafah", "south_hub"): 60.0, ("kerem_shalom", "south_hub"): 60.0,
    ("kerem_shalom", "north_hub"): 120.0,
}
# origin: (trucks a day, [(share, [nodes from origin to hub])])
ORIGINS = {
    "al_arish": (120.0, [(0.5, ["al_arish", "nitzana", "rafah", "south_hub"]),
                         (0.5, ["al_arish", "nitzana", "kerem_shalom", "south_hub"])]),
    "amman": (30.0, [(1.0, ["amman", "allenby", "kerem_shalom", "north_hub"])]),
    "ashdod": (50.0, [(0.6, ["ashdod", "kerem_shalom", "south_hub"]),
                      (0.4, ["ashdod", "kerem_shalom", "north_hub"])]),
}


def replication(seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    lanes = {name: simpy.Resource(env, capacity=c) for name, (c, _) in STATIONS.items()}
    delivered = [0]

    def serve(station):
        with lanes[station].request() as req:
            yield req
            yield env.timeout(rng.expovariate(1.0 / STATIONS[station][1]))

    def truck(nodes):
        for i in range(1, len(nodes)):
            yield env.timeout(rng.expovariate(1.0 / LEGS[(nodes[i - 1], nodes[i])]))
            node = nodes[i]
            if node not in STATIONS:
                delivered[0] += 1  # a hub: unloaded on arrival
                return
            yield from serve(node)
            if node in INSPECTIONS and rng.random() < FLAG:
                yield env.timeout(rng.expovariate(1.0 / HOLD_MEAN))
                if rng.random() < HOLD_REJECTED:
                    return  # written off
            if node in TRANSFER:
                yield from serve(TRANSFER[node])

    def origin(per_day, routes):
        while True:
            yield env.timeout(rng.expovariate(per_day / DAY))
            u, acc = rng.random(), 0.0
            for share, nodes in routes:
                acc += share
                if u < acc:
                    break
            env.process(truck(nodes))

    for per_day, routes in ORIGINS.values():
        env.process(origin(per_day, routes))
    env.run(until=HORIZON)
    return delivered[0]


def t_quantile(p, nu):
    """Student t quantile by the Cornish-Fisher expansion around the normal one (accurate to
    about 1e-3 for nu >= 5, enough for an interval's width)."""
    z = statistics.NormalDist().inv_cdf(p)
    return (z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * nu ** 3))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    t0 = time.perf_counter()
    got = [replication(seed * 1000 + k) for k in range(n)]
    dt = time.perf_counter() - t0
    mean = statistics.fmean(got)
    half = t_quantile(0.975, n - 1) * statistics.stdev(got) / math.sqrt(n) if n > 1 else 0.0
    print(f"simpy_network_delivered: {mean:.1f} trucks")
    print(f"simpy_network_delivered_ci_low: {mean - half:.1f} trucks")
    print(f"simpy_network_delivered_ci_high: {mean + half:.1f} trucks")
    print(f"simpy_network_s: {dt:.3f} s")


if __name__ == "__main__":
    main()
