#!/usr/bin/env python3
"""Turns one run of every benchmark into bench/report.md and bench/report.json.

Reads the Google Benchmark JSON files and the Python comparison files that
scripts/bench wrote into RESULTS, puts every figure beside its goal with a
pass/fail verdict and the noise measured in the same run, and appends the
hand-written analysis in bench/notes.md (why a goal is missed, if one is).

Usage: report.py RESULTS_DIR [--out-dir bench]
"""
import argparse
import datetime
import glob
import json
import os
import platform
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_benchmarks(results, name):
    path = os.path.join(results, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        data = json.load(f)
    return {b["name"]: b for b in data.get("benchmarks", []) if not b.get("error_occurred")}


def load_json(results, name):
    path = os.path.join(results, f"{name}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


class Report:
    def __init__(self):
        self.rows = []

    def add(self, figure, value, unit, goal, verdict, noise="", source="", note=""):
        self.rows.append({"figure": figure, "value": value, "unit": unit, "goal": goal,
                          "pass": verdict, "noise": noise, "source": source, "note": note})

    def missing(self, figure, goal, source):
        self.add(figure, None, "", goal, None, source=source, note="not measured: the benchmark did not run")


def counter(benchmarks, name, key):
    if benchmarks is None or name not in benchmarks or key not in benchmarks[name]:
        return None
    return float(benchmarks[name][key])


def build(results):
    r = Report()
    engine = load_benchmarks(results, "engine_bench")
    store = load_benchmarks(results, "store_bench")
    ui = load_benchmarks(results, "ui_bench")
    process = load_benchmarks(results, "process_bench")
    sampler = load_benchmarks(results, "sampler_bench")

    # Event write ÷ clock read.
    ratio = counter(engine, "BM_EventWriteOverClockRatio/iterations:200", "ratio")
    same = counter(engine, "BM_EventWriteOverClockRatio/iterations:200", "same_vs_same")
    if ratio is None:
        r.missing("event write ÷ one clock read", "≤ 1.2", "engine_bench")
    else:
        r.add("event write ÷ one clock read", round(ratio, 3), "×", "≤ 1.2", ratio <= 1.2,
              f"clock vs clock {same:.3f}" if same else "", "engine_bench")

    # Full capture ÷ uninstrumented.
    name = next((n for n in (store or {}) if n.startswith("BM_CaptureOverhead")), None)
    ratio = counter(store, name, "ratio") if name else None
    if ratio is None:
        r.missing("CPU-bound workload, full capture ÷ uninstrumented", "≤ 1.01", "store_bench")
    else:
        same = counter(store, name, "same_vs_same")
        r.add("CPU-bound workload, full capture ÷ uninstrumented", round(ratio, 4), "×", "≤ 1.01",
              ratio <= 1.01, f"A vs A {same:.4f}" if same else "", "store_bench")

    # Collector throughput, the slowest of 1, 2 and 4 rings.
    rates = {n: float(b["events_per_s"]) for n, b in (engine or {}).items()
             if n.startswith("BM_CollectorThroughput") and "events_per_s" in b}
    if not rates:
        r.missing("collector → UI throughput", "≥ 10 M events/s", "engine_bench")
    else:
        low = min(rates.values())
        detail = ", ".join(f"{n.split('/')[1]} rings {v / 1e6:.1f} M/s" for n, v in sorted(rates.items()))
        r.add("collector → UI throughput (slowest ring count)", round(low / 1e6, 2), "M events/s",
              "≥ 10 M events/s", low >= 10e6, "", "engine_bench", detail)
    name = next((n for n in (engine or {}) if n.startswith("BM_DeliveryBatchedOverPerEvent")), None)
    gain = counter(engine, name, "gain") if name else None
    if gain is not None:
        r.add("batching gain over one queued signal per event", round(gain, 1), "×", "(for information)", None,
              "", "engine_bench",
              f"batched {counter(engine, name, 'batched_per_s') / 1e6:.1f} M/s, per event "
              f"{counter(engine, name, 'per_event_per_s') / 1e6:.2f} M/s")

    # Memory per stored event.
    name = next((n for n in (store or {}) if n.startswith("BM_StoreBytesPerEvent")), None)
    bpe = counter(store, name, "bytes_per_event") if name else None
    if bpe is None:
        r.missing("session store, bytes per event", "≤ 16 B", "store_bench")
    else:
        r.add("session store, bytes per event", round(bpe, 2), "B", "≤ 16 B", bpe <= 16, "", "store_bench")
        rss = counter(store, name, "rss_after_10M_MiB")
        if rss is not None:
            r.add("resident memory after 10 M stored events", round(rss, 1), "MiB", "(for information)", None,
                  "", "store_bench", f"delta {counter(store, name, 'rss_delta_MiB'):.1f} MiB")

    # Replot under load and event-to-pixel latency.
    name = next((n for n in (ui or {}) if n.startswith("BM_ReplotUnderLoad")), None)
    if name is None:
        r.missing("timeline replot p99, 64 lanes, 1 M events, both cores busy", "≤ 8 ms", "ui_bench")
    else:
        modes = ["whole run", "1 s window", "10 ms window", "following now"]
        p99s = [counter(ui, name, f"p99_ms_{m}") for m in range(4)]
        p50s = [counter(ui, name, f"p50_ms_{m}") for m in range(4)]
        same = counter(ui, name, "p99_ms_4")
        worst = max(p99s)
        detail = "; ".join(f"{m}: p50 {a:.2f} / p99 {b:.2f} ms" for m, a, b in zip(modes, p50s, p99s))
        steal = counter(ui, name, "steal_pct_loaded")
        if steal is not None:
            detail += f"; hypervisor steal {steal:.2f} % of both vCPUs while loaded"
        r.add("timeline replot p99, 64 lanes, 1 M events, both cores busy with workers (worst view)",
              round(worst, 2), "ms", "≤ 8 ms", worst <= 8,
              f"whole run again: p99 {same:.2f} ms" if same else "", "ui_bench", detail)
        foreign = [counter(ui, name, f"foreign_p99_ms_{m}") for m in range(4)]
        if all(v is not None for v in foreign):
            r.add("timeline replot p99, the same load at the window's own priority (worst view)",
                  round(max(foreign), 2), "ms", "(for information)", None, "", "ui_bench",
                  "; ".join(f"{m}: p99 {v:.2f} ms" for m, v in zip(modes, foreign)))
    name = next((n for n in (ui or {}) if n.startswith("BM_EventToPixel")), None)
    if name is None:
        r.missing("event-to-pixel latency p99", "≤ 3 frames (50 ms)", "ui_bench")
    else:
        frame = 1000 / 60
        for key, label in (("primes_p99_ms", "primes, 4 threads"), ("spinner_p99_ms", "spinner, 2 busy threads")):
            v = counter(ui, name, key)
            if v is not None:
                r.add(f"event-to-pixel latency p99 ({label})", round(v / frame, 2), "frames",
                      "≤ 3 frames", v <= 3 * frame, "", "ui_bench", f"{v:.1f} ms at 60 Hz")

    # Start cost as reported ÷ independently measured.
    starts = {n: b for n, b in (process or {}).items() if n.startswith("BM_StartCostReportedOverMeasured")}
    # A thread's start is measured by an interposed pthread_create and a
    # fork-server child's by a witness preloaded into the fork server (the very
    # start Spindle reports); the others by the same start made without the engine.
    def us(v):
        # Three figures at least: a coroutine starts in well under a microsecond.
        v = float(v)
        return f"{v:.1f}" if v >= 10 else f"{v:.2f}" if v >= 1 else f"{v:.3f}"

    kinds = {"0": "thread, the same start seen by an interposed pthread_create", "1": "spawned process",
             "2": "fork-server process, the same start seen by a preloaded witness", "3": "coroutine"}
    # The coroutine rows again, each in a process of its own (scripts/bench):
    # their figure moves with where a process's memory lands.
    again = []
    for path in sorted(glob.glob(os.path.join(results, "process_bench_coroutine_*.json"))):
        runs = load_benchmarks(results, os.path.basename(path)[:-len(".json")])
        if runs:
            again.append(runs)
    if not starts:
        r.missing("start cost reported ÷ measured", "1.00 ± 0.05", "process_bench")
    def start_args(name):
        return dict(p.split(":", 1) for p in name.split("/") if ":" in p)

    # Kind by kind, and the judged coroutine row before the one for information.
    for n, b in sorted(starts.items(), key=lambda kv: (start_args(kv[0]).get("kind", ""),
                                                       start_args(kv[0]).get("one_cpu") != "1")):
        args = start_args(n)
        kind = args.get("kind", "?")
        label = kinds.get(kind, kind)
        judged = True
        runs = [b] + [a[n] for a in again if n in a]
        if kind == "3":
            if args.get("one_cpu") == "1":
                label += ", both on one vCPU"
            else:
                label += ", wherever the scheduler puts them"
                judged = False
            if len(runs) > 1:
                label += f", median of {len(runs)} processes"
        ratios = [float(x["ratio"]) for x in runs]
        v = statistics.median(ratios)
        noise = []
        if "same_vs_same" in b:
            noise.append(f"bare vs bare {float(b['same_vs_same']):.3f}")
        if len(runs) > 1:
            noise.append(f"processes {min(ratios):.3f} – {max(ratios):.3f}")
        spindle = statistics.median(float(x["spindle_us"]) for x in runs)
        measured = statistics.median(float(x["measured_us"]) for x in runs)
        r.add(f"start cost reported ÷ measured ({label})", round(v, 3), "×",
              "1.00 ± 0.05" if judged else "(for information)", abs(v - 1) <= 0.05 if judged else None,
              "; ".join(noise), "process_bench",
              f"Spindle {us(spindle)} µs, measured {us(measured)} µs"
              + (f"; a bare std::thread start beside it {us(b['bare_thread_us'])} µs"
                 if "bare_thread_us" in b else "")
              + (f"; a bare fork-server start beside it {us(b['bare_fork_us'])} µs"
                 if "bare_fork_us" in b else ""))

    # CPU sampler.
    errs = {n: b for n, b in (sampler or {}).items() if n.startswith("BM_SamplerErrorPer100msWindow")}
    if not errs:
        r.missing("CPU sampler error per 100 ms window", "mean ≤ 0.2, max ≤ 1 points", "sampler_bench")
    else:
        mean = max(float(b["mean_err_pts"]) for b in errs.values())
        worst = max(float(b["max_err_pts"]) for b in errs.values())
        r.add("CPU sampler error per 100 ms window, mean (worst duty cycle)", round(mean, 3), "points", "≤ 0.2",
              mean <= 0.2, "", "sampler_bench")
        r.add("CPU sampler error per 100 ms window, max", round(worst, 3), "points", "≤ 1", worst <= 1, "",
              "sampler_bench")
    costs = {n: b for n, b in (sampler or {}).items() if n.startswith("BM_SamplerCost")}
    cost16 = next((float(b["pct_of_core"]) for n, b in costs.items() if "/16/" in n + "/"), None)
    if cost16 is None:
        r.missing("CPU sampler cost, 16 threads at 20 Hz", "≤ 0.25 % of a core", "sampler_bench")
    else:
        detail = ", ".join(f"{n.split('/')[1]} threads {float(b['pct_of_core']):.3f} %" for n, b in sorted(costs.items()))
        r.add("CPU sampler cost, 16 threads at 20 Hz", round(cost16, 3), "% of a core", "≤ 0.25", cost16 <= 0.25, "",
              "sampler_bench", detail)

    # Python flavour against CPython.
    fid = load_json(results, "fidelity")
    if fid is None:
        r.missing("python flavour vs CPython 3.11", "within 15 %", "python/fidelity.py")
    else:
        for row in fid["rows"]:
            m = row["model"]
            r.add(f"{m}/sequential wall, Spindle python flavour ÷ CPython", row["spindle_vs_cpython"], "×",
                  "0.85 – 1.15", row["ratio_ok"], f"Spindle again ÷ Spindle {row['same_vs_same']}",
                  "python/fidelity.py",
                  f"Spindle {row['spindle_ratio']}, CPython {row['cpython_ratio']} (numbers={fid['numbers']}, "
                  f"median of {fid['repeats']})")
            r.add(f"{m} CPU %, Spindle − CPython", round(row["spindle_cpu_pct"] - row["cpython_cpu_pct"], 1),
                  "points", "within ± 15", row["cpu_ok"], "", "python/fidelity.py",
                  f"Spindle {row['spindle_cpu_pct']} %, CPython {row['cpython_cpu_pct']} %")

    sp = load_json(results, "speedup")
    if sp is None:
        r.missing("processes speed-up, primes, 2 workers", "≥ 1.9×", "python/speedup.py")
    else:
        load = f"load average {sp['load_before'][0]} before, {sp['load_after'][0]} after, {sp['cores']} cores"
        r.add(f"processes speed-up, primes ({sp['numbers']}, largest first), {sp['workers']} workers",
              sp["speedup"], "×", f"≥ {sp['goal']}", sp["pass"], f"min {sp['min']}, max {sp['max']}",
              "python/speedup.py",
              f"schedule bound {sp['schedule_bound']}×, CPU {sp['cpu_pct']} %; {load}")
        book = sp.get("book_order")
        if book:
            r.add(f"processes speed-up, primes ({sp['numbers']}, the book's order), {sp['workers']} workers",
                  book["speedup"], "×", "(for information)", None, f"min {book['min']}, max {book['max']}",
                  "python/speedup.py",
                  f"schedule bound {book['schedule_bound']}× (the best any {sp['workers']}-worker pool can do "
                  f"on this order), CPU {book['cpu_pct']} %")
    return r


def verdict(v):
    return {True: "PASS", False: "FAIL", None: "—"}[v]


def write(report, results, out_dir):
    meta = {"generated": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "results_dir": os.path.relpath(results, os.path.dirname(HERE))}
    # scripts/bench notes the load as its last benchmark ends: a report
    # rewritten later (after editing notes.md, say) keeps that, not the
    # load of whatever runs at the time of rewriting.
    at_end = os.path.join(results, "load_at_end")
    if os.path.exists(at_end):
        with open(at_end) as f:
            meta["load_average_at_end"] = [float(x) for x in f.read().split()[:3]]
    for extra in ("commit", "load_at_start"):
        path = os.path.join(results, extra)
        if os.path.exists(path):
            with open(path) as f:
                meta[extra] = f.read().strip()
    judged = [row for row in report.rows if row["pass"] is not None]
    meta["passed"] = sum(1 for row in judged if row["pass"])
    meta["judged"] = len(judged)
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump({"meta": meta, "figures": report.rows}, f, indent=2, ensure_ascii=False)
        f.write("\n")

    lines = ["# Spindle performance report", "",
             f"Generated {meta['generated']} by `scripts/bench` on {meta['machine']}"
             + (f", commit {meta['commit']}" if "commit" in meta else "") + ".",
             f"Load average at start {meta.get('load_at_start', '?')}, at end "
             f"{' '.join(str(x) for x in meta['load_average_at_end'])}.",
             f"**{meta['passed']} of {meta['judged']} judged figures meet their goal.**", "",
             "Timings are ratios or distributions measured inside one run (A/B trials alternate, medians), "
             "with a same-against-same trial where it shows the noise. Regenerate with `scripts/bench`.", "",
             "| figure | value | goal | verdict | noise | detail | source |",
             "|---|---|---|---|---|---|---|"]
    for row in report.rows:
        value = "—" if row["value"] is None else f"{row['value']} {row['unit']}".strip()
        detail = row["note"].replace("|", "/")
        lines.append(f"| {row['figure']} | {value} | {row['goal']} | {verdict(row['pass'])} | {row['noise']} | "
                     f"{detail} | `bench/{row['source']}` |")
    notes = os.path.join(HERE, "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            lines += ["", f.read().rstrip()]
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return meta


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--out-dir", default=HERE)
    args = parser.parse_args()
    report = build(args.results)
    meta = write(report, args.results, args.out_dir)
    for row in report.rows:
        value = "—" if row["value"] is None else f"{row['value']} {row['unit']}"
        print(f"{verdict(row['pass']):5} {row['figure']}: {value} (goal {row['goal']})")
    print(f"{meta['passed']} of {meta['judged']} judged figures meet their goal; "
          f"wrote {os.path.join(args.out_dir, 'report.md')} and report.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
