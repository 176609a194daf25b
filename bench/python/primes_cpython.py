#!/usr/bin/env python3
"""Real CPython on the book's primes experiment (Fluent Python ch. 19:
sequential.py, threads.py, procs.py), to compare Spindle's python flavour with.

Prints one JSON object: wall time and CPU % (100 = one core, from getrusage)
for sequential, threads and processes with N workers, and the ratios.
Usage: primes_cpython.py [--workers N] [--numbers book|quick|n1,n2,...]
The named lists are the presets of Spindle's own primes scenario
(resources/scenarios/primes.json), so both sides check the same numbers.
"""
import argparse
import json
import math
import multiprocessing as mp
import os
import resource
import sys
import threading
import time
from queue import SimpleQueue

PRESETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "scenarios",
                       "primes.json")


def numbers_for(spec: str) -> list:
    with open(PRESETS) as f:
        presets = json.load(f)["params"][0]["presets"]
    if spec in presets:
        return presets[spec]
    return [int(x) for x in spec.split(",")]


def is_prime(n: int) -> bool:  # exactly the book's
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    root = math.isqrt(n)
    for i in range(3, root + 1, 2):
        if n % i == 0:
            return False
    return True


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn, numbers, workers):
    c0, t0 = cpu_seconds(), time.perf_counter()
    results = fn(numbers, workers)
    wall = time.perf_counter() - t0
    cpu = cpu_seconds() - c0
    assert sorted(results) == sorted((n, is_prime(n)) for n in numbers)
    return {"wall_s": round(wall, 4), "cpu_s": round(cpu, 4), "cpu_pct": round(100 * cpu / wall, 1)}


def sequential(numbers, _workers):
    return [(n, is_prime(n)) for n in numbers]


def thread_worker(jobs, results):
    while n := jobs.get():
        results.put((n, is_prime(n)))
    results.put(None)  # this worker is done


def proc_worker(jobs, results):
    while n := jobs.get():
        results.put((n, is_prime(n)))
    results.put(None)


def run_with(make_queue, start, numbers, workers):
    jobs, results = make_queue(), make_queue()
    for n in numbers:
        jobs.put(n)
    started = []
    for _ in range(workers):
        started.append(start(jobs, results))
        jobs.put(0)  # poison pill
    out, done = [], 0
    while done < workers:
        item = results.get()
        if item is None:
            done += 1
        else:
            out.append(item)
    for w in started:
        w.join()
    return out


def threads(numbers, workers):
    def start(jobs, results):
        t = threading.Thread(target=thread_worker, args=(jobs, results))
        t.start()
        return t
    return run_with(SimpleQueue, start, numbers, workers)


def processes(numbers, workers):
    ctx = mp.get_context("spawn")

    def start(jobs, results):
        p = ctx.Process(target=proc_worker, args=(jobs, results))
        p.start()
        return p
    return run_with(ctx.SimpleQueue, start, numbers, workers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--numbers", default="quick")
    args = parser.parse_args()
    numbers = numbers_for(args.numbers)
    seq = measure(sequential, numbers, 1)
    thr = measure(threads, numbers, args.workers)
    prc = measure(processes, numbers, args.workers)
    json.dump({"python": sys.version.split()[0], "workers": args.workers, "numbers": len(numbers),
               "sequential": seq, "threads": thr, "processes": prc,
               "threads_over_sequential": round(thr["wall_s"] / seq["wall_s"], 3),
               "processes_over_sequential": round(prc["wall_s"] / seq["wall_s"], 3)},
              sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
