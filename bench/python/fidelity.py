#!/usr/bin/env python3
"""Spindle's python flavour against real CPython, side by side in one run.

Runs the book's primes experiment (sequential, threads, processes with N
workers) under `spindle run primes` and under CPython 3
(primes_cpython.py), on the same numbers, and compares what the lesson is
about: the wall-time ratios threads/sequential and processes/sequential, and
CPU %. Goal: ratios within 15 %, CPU % within 15 points.

Usage: fidelity.py [--spindle PATH] [--workers N] [--numbers quick|book|list] [--json OUT]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def spindle_figures(spindle, workers, numbers):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        subprocess.run([spindle, "run", "primes", "--models", "sequential,threads,processes",
                        "--workers", str(workers), "--param", f"numbers={numbers}", "--report", report],
                       check=True, stdout=subprocess.DEVNULL)
        with open(report) as f:
            runs = {r["model"]: r for r in json.load(f)["runs"]}
    return {m: {"wall_s": r["wall_s"], "cpu_pct": r["cpu_pct"]} for m, r in runs.items()}


def cpython_figures(workers, numbers):
    out = subprocess.run([sys.executable, os.path.join(HERE, "primes_cpython.py"), "--workers", str(workers),
                          "--numbers", numbers], check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    return {m: {"wall_s": data[m]["wall_s"], "cpu_pct": data[m]["cpu_pct"]}
            for m in ("sequential", "threads", "processes")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spindle", default=os.path.join(ROOT, "build", "release", "bin", "spindle"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--numbers", default="quick")
    parser.add_argument("--json", help="write the comparison here")
    args = parser.parse_args()

    sp = spindle_figures(args.spindle, args.workers, args.numbers)
    cp = cpython_figures(args.workers, args.numbers)
    rows = []
    ok = True
    for model in ("threads", "processes"):
        sr = sp[model]["wall_s"] / sp["sequential"]["wall_s"]
        cr = cp[model]["wall_s"] / cp["sequential"]["wall_s"]
        ratio_ok = abs(sr - cr) <= 0.15 * cr
        cpu_ok = abs(sp[model]["cpu_pct"] - cp[model]["cpu_pct"]) <= 15
        ok = ok and ratio_ok and cpu_ok
        rows.append({"model": model, "spindle_ratio": round(sr, 3), "cpython_ratio": round(cr, 3),
                     "ratio_ok": ratio_ok, "spindle_cpu_pct": sp[model]["cpu_pct"],
                     "cpython_cpu_pct": cp[model]["cpu_pct"], "cpu_ok": cpu_ok})
    print(f"{'model':10} {'wall / sequential':>28} {'CPU %':>22}")
    print(f"{'':10} {'Spindle':>13} {'CPython':>13} {'Spindle':>10} {'CPython':>10}")
    for r in rows:
        print(f"{r['model']:10} {r['spindle_ratio']:>13} {r['cpython_ratio']:>13} "
              f"{r['spindle_cpu_pct']:>10} {r['cpython_cpu_pct']:>10}   "
              f"{'PASS' if r['ratio_ok'] and r['cpu_ok'] else 'FAIL'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"workers": args.workers, "numbers": args.numbers, "spindle": sp, "cpython": cp,
                       "rows": rows, "pass": ok}, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
