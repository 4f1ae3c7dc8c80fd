#!/usr/bin/python3
"""The M/M/5 benchmark model of bench_engine.c in SimPy (Debian python3-simpy3): arrival rate
4.5, service rate 1.0, five servers, a fixed number of trucks. Prints `name: value unit`."""
import random
import sys
import time

import simpy


def run(trucks, seed=1):
    env = simpy.Environment()
    lanes = simpy.Resource(env, capacity=5)
    arrivals = random.Random(seed)
    service = random.Random(seed + 1)
    stats = {"served": 0, "wait": 0.0}

    def truck(env):
        arrived = env.now
        with lanes.request() as req:
            yield req
            stats["wait"] += env.now - arrived
            yield env.timeout(service.expovariate(1.0))
        stats["served"] += 1

    def source(env):
        for _ in range(trucks):
            env.process(truck(env))
            yield env.timeout(arrivals.expovariate(4.5))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    dt = time.perf_counter() - t0
    return stats["served"], stats["wait"] / stats["served"], dt


def main():
    trucks = int(sys.argv[1]) if len(sys.argv) > 1 else 500000
    served, wait, dt = run(trucks)
    print(f"simpy_mmc_trucks: {served} trucks")
    print(f"simpy_mmc_mean_wait: {wait:.4f} time units")
    print(f"simpy_mmc_trucks_per_s: {served / dt:.0f} trucks/s")


if __name__ == "__main__":
    main()
