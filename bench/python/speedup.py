#!/usr/bin/env python3
"""Processes speed-up on CPU-bound primes, as Spindle measures it.

Runs `spindle run primes` with sequential and processes (N workers) R times,
alternating which model goes first, and prints the median of sequential wall
÷ processes wall (goal >= 1.9 with 2 workers on 2 idle cores), the spread,
and the machine's load average before and after, since a busy machine
cannot show the speed-up.

Usage: speedup.py [--spindle PATH] [--workers N] [--numbers book|quick|list]
                  [--repeats R] [--json OUT]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def one_trial(spindle, workers, numbers, order):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        subprocess.run([spindle, "run", "primes", "--models", ",".join(order), "--workers", str(workers),
                        "--param", f"numbers={numbers}", "--report", report],
                       check=True, stdout=subprocess.DEVNULL)
        with open(report) as f:
            runs = {r["model"]: r for r in json.load(f)["runs"]}
    return runs["sequential"]["wall_s"] / runs["processes"]["wall_s"], runs["processes"]["cpu_pct"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spindle", default=os.path.join(ROOT, "build", "release", "bin", "spindle"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--numbers", default="book")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    load_before = os.getloadavg()
    speedups, cpus = [], []
    for i in range(args.repeats):
        order = ("sequential", "processes") if i % 2 == 0 else ("processes", "sequential")
        s, c = one_trial(args.spindle, args.workers, args.numbers, order)
        speedups.append(s)
        cpus.append(c)
    load_after = os.getloadavg()
    goal = 0.95 * args.workers
    out = {"workers": args.workers, "numbers": args.numbers, "repeats": args.repeats,
           "speedup": round(statistics.median(speedups), 3), "min": round(min(speedups), 3),
           "max": round(max(speedups), 3), "cpu_pct": statistics.median(cpus), "goal": goal,
           "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after],
           "cores": os.cpu_count()}
    out["pass"] = out["speedup"] >= goal
    print(f"processes speed-up, {args.workers} workers, numbers={args.numbers}: median {out['speedup']}x "
          f"(min {out['min']}, max {out['max']}, {args.repeats} trials), CPU {out['cpu_pct']} %, goal >= {goal}, "
          f"load {out['load_before'][0]} -> {out['load_after'][0]} on {out['cores']} cores")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0 if out["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
