#!/usr/bin/env python3
"""Processes speed-up on CPU-bound primes, as Spindle measures it.

Runs `spindle run primes` with sequential and processes (N workers) R times,
alternating which model goes first, for two orders of the same numbers:

- the book's order (procs.py's job queue): for information. Workers take the
  numbers in that order, so the last big number often runs alone; the best
  any N-worker pool can do on that order (list scheduling of the sequential
  run's own per-number times) is printed beside it as the schedule bound.
- largest first: the judged figure (goal >= 0.95 x N on N idle cores). The
  same numbers sorted by size, so the pool's tail is short and the figure
  measures the processes model, not the job order.

Prints the median of sequential wall / processes wall, the spread, the
schedule bound, and the machine's load average before and after, since a
busy machine cannot show the speed-up.

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


def preset_numbers(name):
    """The numbers of a preset of the primes scenario, or a comma list."""
    if "," in name or name.isdigit():
        return [int(x) for x in name.split(",")]
    with open(os.path.join(ROOT, "resources", "scenarios", "primes.json")) as f:
        params = json.load(f)["params"]
    numbers = next(p for p in params if p["name"] == "numbers")
    return list(numbers["presets"][name])


def schedule_bound(elapsed, workers):
    """Sequential time / makespan of N workers pulling `elapsed` in order."""
    loads = [0.0] * workers
    for t in elapsed:
        i = loads.index(min(loads))
        loads[i] += t
    return sum(elapsed) / max(loads) if max(loads) > 0 else 1.0


def one_trial(spindle, workers, numbers, order):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        subprocess.run([spindle, "run", "primes", "--models", ",".join(order), "--workers", str(workers),
                        "--param", "numbers=" + ",".join(str(n) for n in numbers), "--report", report],
                       check=True, stdout=subprocess.DEVNULL)
        with open(report) as f:
            runs = {r["model"]: r for r in json.load(f)["runs"]}
    seq, procs = runs["sequential"], runs["processes"]
    per_number = [t["elapsed_s"] for t in sorted(seq["tasks"], key=lambda t: numbers.index(t["arg"]))]
    return seq["wall_s"] / procs["wall_s"], procs["cpu_pct"], schedule_bound(per_number, workers)


def measure(spindle, workers, numbers, repeats):
    speedups, cpus, bounds = [], [], []
    for i in range(repeats):
        order = ("sequential", "processes") if i % 2 == 0 else ("processes", "sequential")
        s, c, b = one_trial(spindle, workers, numbers, order)
        speedups.append(s)
        cpus.append(c)
        bounds.append(b)
    return {"speedup": round(statistics.median(speedups), 3), "min": round(min(speedups), 3),
            "max": round(max(speedups), 3), "cpu_pct": statistics.median(cpus),
            "schedule_bound": round(statistics.median(bounds), 3)}


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
    if args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    numbers = preset_numbers(args.numbers)
    load_before = os.getloadavg()
    in_order = measure(args.spindle, args.workers, numbers, args.repeats)
    largest_first = measure(args.spindle, args.workers, sorted(numbers, reverse=True), args.repeats)
    load_after = os.getloadavg()
    goal = 0.95 * args.workers
    out = {"workers": args.workers, "numbers": args.numbers, "repeats": args.repeats,
           "order": "largest first", **largest_first, "goal": goal,
           "book_order": in_order,
           "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after],
           "cores": os.cpu_count()}
    out["pass"] = out["speedup"] >= goal
    for label, f in (("largest first", largest_first), ("book's order", in_order)):
        print(f"processes speed-up, {args.workers} workers, numbers={args.numbers}, {label}: median {f['speedup']}x "
              f"(min {f['min']}, max {f['max']}, {args.repeats} trials), CPU {f['cpu_pct']} %, "
              f"schedule bound {f['schedule_bound']}x")
    print(f"goal >= {goal} (largest first); load {out['load_before'][0]} -> {out['load_after'][0]} "
          f"on {out['cores']} cores")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0 if out["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
