#!/usr/bin/env python3
"""Spindle's python flavour against real CPython, side by side in one run.

Runs the book's primes experiment (sequential, threads, processes with N
workers) under `spindle run primes` and under CPython 3
(primes_cpython.py), on the same numbers, and compares what the lesson is
about: the wall-time ratios threads/sequential and processes/sequential, and
CPU %. Goal: ratios within 15 %, CPU % within 15 points.

The two sides alternate (Spindle, CPython, Spindle, ...) and every figure is
the median over the repeats, because the machine is shared and noisy. The
ratio of a second Spindle series against the first shows that noise.

Usage: fidelity.py [--spindle PATH] [--workers N] [--numbers book|quick|list]
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
MODELS = ("sequential", "threads", "processes")


def spindle_figures(spindle, workers, numbers):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        subprocess.run([spindle, "run", "primes", "--flavour", "python", "--models", ",".join(MODELS),
                        "--workers", str(workers), "--param", f"numbers={numbers}", "--report", report],
                       check=True, stdout=subprocess.DEVNULL)
        with open(report) as f:
            runs = {r["model"]: r for r in json.load(f)["runs"]}
    return {m: {"wall_s": r["wall_s"], "cpu_pct": r["cpu_pct"]} for m, r in runs.items()}


def cpython_figures(workers, numbers):
    out = subprocess.run([sys.executable, os.path.join(HERE, "primes_cpython.py"), "--workers", str(workers),
                          "--numbers", numbers], check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    return {m: {"wall_s": data[m]["wall_s"], "cpu_pct": data[m]["cpu_pct"]} for m in MODELS}


def ratios(trials):
    """Per model: median of (model wall / sequential wall) and median CPU % over the trials."""
    out = {}
    for m in MODELS:
        out[m] = {"ratio": statistics.median(t[m]["wall_s"] / t["sequential"]["wall_s"] for t in trials),
                  "cpu_pct": statistics.median(t[m]["cpu_pct"] for t in trials),
                  "wall_s": statistics.median(t[m]["wall_s"] for t in trials)}
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spindle", default=os.path.join(ROOT, "build", "release", "bin", "spindle"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--numbers", default="quick")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="write the comparison here")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    sp_trials, sp_again, cp_trials = [], [], []
    for _ in range(args.repeats):
        sp_trials.append(spindle_figures(args.spindle, args.workers, args.numbers))
        cp_trials.append(cpython_figures(args.workers, args.numbers))
        sp_again.append(spindle_figures(args.spindle, args.workers, args.numbers))
    sp, cp, again = ratios(sp_trials), ratios(cp_trials), ratios(sp_again)

    rows = []
    ok = True
    for model in ("threads", "processes"):
        sr, cr = sp[model]["ratio"], cp[model]["ratio"]
        ratio_ok = abs(sr - cr) <= 0.15 * cr
        cpu_ok = abs(sp[model]["cpu_pct"] - cp[model]["cpu_pct"]) <= 15
        ok = ok and ratio_ok and cpu_ok
        rows.append({"model": model, "spindle_ratio": round(sr, 3), "cpython_ratio": round(cr, 3),
                     "spindle_vs_cpython": round(sr / cr, 3),
                     "same_vs_same": round(again[model]["ratio"] / sr, 3), "ratio_ok": ratio_ok,
                     "spindle_cpu_pct": sp[model]["cpu_pct"], "cpython_cpu_pct": cp[model]["cpu_pct"],
                     "cpu_ok": cpu_ok})
    print(f"{'model':10} {'wall / sequential':>28} {'CPU %':>22}  (medians of {args.repeats}, "
          f"numbers={args.numbers}, {args.workers} workers)")
    print(f"{'':10} {'Spindle':>13} {'CPython':>13} {'Spindle':>10} {'CPython':>10}  same-vs-same")
    for r in rows:
        print(f"{r['model']:10} {r['spindle_ratio']:>13} {r['cpython_ratio']:>13} "
              f"{r['spindle_cpu_pct']:>10} {r['cpython_cpu_pct']:>10}  {r['same_vs_same']:>12}   "
              f"{'PASS' if r['ratio_ok'] and r['cpu_ok'] else 'FAIL'}")
    print(f"sequential wall (median s): Spindle {sp['sequential']['wall_s']:.2f}, "
          f"CPython {cp['sequential']['wall_s']:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"workers": args.workers, "numbers": args.numbers, "repeats": args.repeats,
                       "spindle": sp, "cpython": cp, "spindle_again": again, "rows": rows, "pass": ok},
                      f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
