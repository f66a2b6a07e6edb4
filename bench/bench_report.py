#!/usr/bin/python3
"""bench_report.py: the bookkeeping of bench/run.sh (`make bench`).

Subcommands (one JSON object per line in the results file):
  record-hc KIND CONFIG RUN_DIR [SIZE]      a headcount run, from its manifest.json and bands.csv
  record-py KIND CONFIG IMPL JSON [SIZE]    a numpy_model.py or numba_model.py --json result
  field RESULTS KEY                         KEY of the last record
  worlds RATE SECONDS FIRMS STEPS THREADS   worlds for a run of about SECONDS at RATE firm-steps/s,
                                            a multiple of THREADS
  estimate RATE WORLDS FIRMS STEPS          predicted seconds
  cpu-busy                                  percent of the CPUs busy with other work, over 1 s
  report RESULTS                            the tables
"""
import csv
import json
import math
import os
import sys

METRICS = ["employment_change_pct", "ai_effect_pct", "displaced_pct"]
IMPLS = ["headcount", "numba", "numpy"]


def horizon(d):
    """Per metric: [p50, p5, p95, p25, p75] across worlds at the last step, from bands.csv."""
    out, last = {}, {}
    try:
        with open(os.path.join(d, "bands.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError:
        return out
    for r in rows:
        if r.get("metric") in METRICS and int(r["step"]) >= last.get(r["metric"], (-1,))[0]:
            last[r["metric"]] = (int(r["step"]), r)
    for m, (_, r) in last.items():
        num = lambda k: float(r[k]) if r.get(k) not in (None, "") else float("nan")  # noqa: E731
        out[m] = [num("p50"), num("p5"), num("p95"), num("p25"), num("p75")]
    return out


def cmd_record_hc(kind, config, d, size=None):
    with open(os.path.join(d, "manifest.json")) as f:
        m = json.load(f)
    steps = m["firm_steps"] / (m["worlds"] * m["firms_per_world"] * len(m["scenarios"]))
    rec = {"kind": kind, "config": config, "impl": "headcount", "threads": m["threads"],
           "worlds": m["worlds"], "firms": m["firms_per_world"], "steps": int(round(steps)),
           "fsps": m["firm_steps_per_second"], "simulate_seconds": m["simulate_seconds"],
           "wall_seconds": m["wall_seconds"], "horizon": horizon(d), "version": m.get("git_commit", "?")}
    if size is not None:
        rec["size"] = int(size)
    print(json.dumps(rec))


def cmd_record_py(kind, config, impl, path, size=None):
    with open(path) as f:
        r = json.load(f)
    rec = {"kind": kind, "config": config, "impl": impl, "threads": r["threads"],
           "worlds": r["worlds"], "firms": r["firms"], "steps": r["steps"] + 1,
           "fsps": r["firm_steps_per_second"], "simulate_seconds": r["simulate_seconds"],
           "wall_seconds": r.get("wall_seconds", r["simulate_seconds"]),
           "version": r.get(impl, "?"), "horizon": {k: [r[k]] for k in METRICS}}
    if size is not None:
        rec["size"] = int(size)
    print(json.dumps(rec))


def cmd_field(path, key):
    line = None
    with open(path) as f:
        for line in f:
            pass
    print(json.loads(line)[key])


def cmd_worlds(rate, seconds, firms, steps, threads):
    w = max(1, int(round(float(seconds) * float(rate) / (int(firms) * int(steps)))))
    t = int(threads)
    print(max(t, (w + t - 1) // t * t))


def cmd_estimate(rate, worlds, firms, steps):
    print("%.3f" % (int(worlds) * int(firms) * int(steps) / float(rate)))


def cmd_cpu_busy():
    import time

    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total
    try:
        i0, t0 = snap()
        time.sleep(1.0)
        i1, t1 = snap()
        print(int(round(100.0 * (1.0 - (i1 - i0) / max(1, t1 - t0)))))
    except (OSError, ValueError, IndexError):
        print(0)


def rate(x):
    return "%.3g" % x


def best_run(rows, impl, threads):
    """The fastest of an implementation's runs at a thread count (None if none), and every
    run that was not skipped, in the order they ran (one per round)."""
    runs = [x for x in rows if x["impl"] == impl and x["threads"] == threads]
    done = [x for x in runs if not x.get("skipped")]
    if not done:
        return (runs[0] if runs else None), []
    return max(done, key=lambda x: x["fsps"]), done


def cmd_report(path):
    recs = [json.loads(line) for line in open(path) if line.strip()]
    main = [r for r in recs if r["kind"] == "main"]
    scal = [r for r in recs if r["kind"] == "scaling"]
    machine = next((r for r in recs if r["kind"] == "machine"), None)
    if main:
        steps = main[0]["steps"]
        versions = ", ".join(f"{i} {next(r['version'] for r in main if r['impl'] == i)}"
                             for i in IMPLS if any(r["impl"] == i for r in main))
        print(f"\n== Throughput: same config and size for all, {steps} steps ({versions})")
        hdr = (f"{'config':<12} {'implementation':<15} {'threads':>7} {'worlds x firms':>15} "
               f"{'firm-steps/s':>13} {'ns/step/core':>13} {'seconds':>8} {'x numpy/core':>13} "
               f"{'x numba':>8}")
        print(hdr)
        print("-" * len(hdr))
        for cfg in dict.fromkeys(r["config"] for r in main):
            rows = [r for r in main if r["config"] == cfg]
            numpy = next((r["fsps"] for r in rows if r["impl"] == "numpy"), None)
            for r in sorted(rows, key=lambda r: (IMPLS.index(r["impl"]), -r["threads"])):
                numba = next((x["fsps"] for x in rows if x["impl"] == "numba" and x["threads"] == r["threads"]),
                             None)
                per_core = f"{r['fsps'] / r['threads'] / numpy:12.2f}x" if numpy else "          n/a"
                vs_numba = f"{r['fsps'] / numba:7.2f}x" if numba else "     n/a"
                print(f"{os.path.basename(cfg):<12} {r['impl']:<15} {r['threads']:>7} "
                      f"{str(r['worlds']) + ' x ' + str(r['firms']):>15} {rate(r['fsps']):>13} "
                      f"{1e9 * r['threads'] / r['fsps']:>13.1f} {r['simulate_seconds']:>8.2f} "
                      f"{per_core} {vs_numba}")
        print("firm-steps = worlds x firms x (T + 1); seconds: simulation only (headcount: the manifest's\n"
              "simulate_seconds; numpy, numba: drawing, steps and metrics, after numba's compile).\n"
              "x numpy/core: firm-steps/s per thread over numpy's (1 thread); x numba: over numba's\n"
              "on as many threads.")
    if scal:
        threads = sorted({r["threads"] for r in scal})
        cols = [(i, t) for i in IMPLS for t in threads if any(r["impl"] == i and r["threads"] == t for r in scal)]
        print(f"\n== Scaling ({os.path.basename(scal[0]['config'])}, {scal[0]['steps']} steps): firm-steps/s, "
              "and for more threads the speed-up over 1")
        if machine:
            # the load average counts the bench's own runs of the minute before, so only the
            # CPU time others took during a second of the bench's idling decides
            quiet = machine["busy"] < 20
            print(f"machine just before: load average {machine['loadavg']} on {machine['cpus']} CPUs (the "
                  f"bench's own runs included), {machine['busy']} % busy with other work: "
                  + ("quiet" if quiet else "BUSY, so the speed-ups understate what a quiet machine gives"))
        hdr = f"{'firms':>9} {'worlds x firms':>15}" + "".join(
            f" {i + ' ' + str(t) + 't':>19}" for i, t in cols) + f" {'hc outputs s':>12}"
        print(hdr)
        print("-" * len(hdr))
        spreads = []
        for size in dict.fromkeys(r["size"] for r in scal):
            rows = [r for r in scal if r["size"] == size]
            any_r = rows[0]
            line = f"{size:>9} {str(any_r['worlds']) + ' x ' + str(any_r['firms']):>15}"
            for i, t in cols:
                r, rounds = best_run(rows, i, t)
                one, one_rounds = best_run(rows, i, 1)
                if r is None:
                    cell = "-"
                elif r.get("skipped"):
                    cell = "skipped (time)"
                elif one is not None and not one.get("skipped") and t > 1:
                    cell = f"{rate(r['fsps'])} ({r['fsps'] / one['fsps']:.2f}x)"
                    pairs = [a["fsps"] / b["fsps"] for a, b in zip(rounds, one_rounds)]
                    if len(pairs) > 1:
                        spreads.append(f"{size} firms, {i} {t}t: best {r['fsps'] / one['fsps']:.2f}x, rounds "
                                       + " ".join(f"{x:.2f}x" for x in pairs))
                else:
                    cell = rate(r["fsps"])
                line += f" {cell:>19}"
            hc = [x for x in rows if x["impl"] == "headcount" and not x.get("skipped")]
            top = max(hc, key=lambda x: x["threads"]) if hc else None
            line += f" {top['wall_seconds'] - top['simulate_seconds']:>12.2f}" if top else f" {'-':>12}"
            print(line)
        print("hc outputs s: the headcount run's wall time less its simulation (loading, the firm-level\n"
              "percentiles by selection, bands and files), on the most threads. Where headcount ran in\n"
              "rounds (thread counts alternating, BENCH_SCALING_REPEATS), each cell is its best round\n"
              "(the least disturbed by other work) and the speed-up the ratio of the bests; each\n"
              "round's own ratio below:")
        for x in spreads:
            print("  " + x)
    if main:
        print("\n== Horizon medians across worlds (numpy and numba draw headcount's own inputs:\n"
              "   they agree to float rounding; ~s.e. is the medians' sampling error, for scale)")
        hdr = (f"{'config':<12} {'metric':<22} {'headcount':>10} {'numpy':>9} {'numba':>9} {'~s.e.':>7} "
               f"{'headcount p5 .. p95':>22}")
        print(hdr)
        print("-" * len(hdr))
        for cfg in dict.fromkeys(r["config"] for r in main):
            rows = [r for r in main if r["config"] == cfg]
            hc = next((r for r in rows if r["impl"] == "headcount" and r["horizon"]), None)
            for m in METRICS:
                h = hc["horizon"].get(m) if hc else None
                cells = []
                for impl in ("numpy", "numba"):
                    r = next((x for x in rows if x["impl"] == impl), None)
                    cells.append(f"{r['horizon'][m][0]:9.3f}" if r else f"{'n/a':>9}")
                se = "n/a"
                if h and math.isfinite(h[4] - h[3]):  # s.e. of a difference of two medians, as if normal
                    se = f"{1.2533 * (h[4] - h[3]) / 1.349 * math.sqrt(2.0 / hc['worlds']):.3f}"
                band = f"{h[1]:.3f} .. {h[2]:.3f}" if h else "n/a"
                print(f"{os.path.basename(cfg):<12} {m:<22} {(f'{h[0]:.3f}' if h else 'n/a'):>10} "
                      f"{cells[0]} {cells[1]} {se:>7} {band:>22}")


if __name__ == "__main__":
    globals()["cmd_" + sys.argv[1].replace("-", "_")](*sys.argv[2:])
