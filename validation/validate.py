#!/usr/bin/python3
"""validate.py: the shipped narratives against published figures (`make validate`).

Runs the program on the shipped configs at the fixed seed of validation/targets.json
("run"), at each of its sizes and step rates (annual and quarterly), reads its own outputs (bands.csv; roles.csv; trajectories.csv when
the program writes it; `headcount describe` for input distributions; `--dump-config` for
the role table), and prints, for each target, the model's band next to the published
figure and whether the check passes at each size and step rate, and each target's kind
(calibration: an input against its own source; validation: a figure no input was set from). It computes no model quantity itself: every number
it compares is one the program wrote, or a ratio of two of them.

Exit status 0 when every check could be evaluated (whatever passed), 1 with --strict when
any check fails, 2 on bad usage or a failed run. Sibling: validation/targets.json.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def linear_percentile(values, p):
    """numpy's default (method="linear", Hyndman-Fan type 7), as bands.csv uses."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    h = (len(xs) - 1) * p / 100.0
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def run(cmd, what):
    started = time.time()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode != 0:
        sys.stderr.write("validate: %s failed (exit %d): %s\n%s" % (what, proc.returncode, " ".join(cmd), proc.stderr))
        sys.exit(2)
    return proc.stdout, time.time() - started


class Outputs:
    """The numbers one or two runs wrote: bands by (scenario, metric, year), per-world
    trajectories by (scenario, metric, step), input percentiles, exposed shares."""

    def __init__(self):
        self.bands = {}
        self.roles = {}
        self.traj = {}
        self.inputs = {}
        self.exposed = {}
        self.start_year = None
        self.steps_per_year = None

    def read_run(self, folder):
        with open(os.path.join(folder, "manifest.json")) as f:
            manifest = json.load(f)
        self.start_year = manifest["start_year"]
        self.steps_per_year = manifest["steps_per_year"]
        with open(os.path.join(folder, "bands.csv")) as f:
            for row in csv.DictReader(f):
                key = (row["scenario"], row["metric"], round(float(row["year"]) - self.start_year, 6))
                self.bands[key] = {k: float(row[k]) for k in ("p5", "p25", "p50", "p75", "p95", "mean")}
        path = os.path.join(folder, "roles.csv")
        if os.path.exists(path):
            with open(path) as f:
                for row in csv.DictReader(f):
                    key = (row["scenario"], row["role"], row["metric"], round(float(row["year"]) - self.start_year, 6))
                    self.roles[key] = {k: float(row[k]) for k in ("p5", "p50", "p95")}
        path = os.path.join(folder, "trajectories.csv")
        if os.path.exists(path):
            with open(path) as f:
                reader = csv.DictReader(f)
                metrics = [m for m in reader.fieldnames if m not in ("scenario", "world", "step", "year", "period")]
                for row in reader:
                    for m in metrics:
                        self.traj.setdefault((row["scenario"], m, int(row["step"])), []).append(float(row[m]))

    def band(self, scenario, metric, tau):
        return self.bands.get((scenario, metric, round(float(tau), 6)))


def statistic(t, scenario, out):
    """(p5, p50, p95, how) of target t's quantity for one scenario; None where missing."""
    metric = t.get("metric")
    if t.get("input"):
        if metric == "exposed_share":
            v = out.exposed.get(scenario)
            return None if v is None else (v, v, v, "config")
        q = out.inputs.get((scenario, metric))
        return None if q is None else (q[0], q[1], q[2], "input draws")
    if "ratio" in t:
        r = t["ratio"]
        step = int(round(t["tau"] * out.steps_per_year))
        cols = [out.traj.get((scenario, m, step)) for m in r["numerator"] + [r["denominator"]]]
        if all(c is not None for c in cols):
            ratios = []
            for i in range(len(cols[-1])):
                den = cols[-1][i]
                if den > 0:
                    ratios.append(sum(c[i] for c in cols[:-1]) / den)
            return (linear_percentile(ratios, 5), linear_percentile(ratios, 50), linear_percentile(ratios, 95),
                    "per world (%d)" % len(ratios))
        bands = [out.band(scenario, m, t["tau"]) for m in r["numerator"] + [r["denominator"]]]
        if any(b is None for b in bands) or bands[-1]["p50"] <= 0:
            return None
        v = sum(b["p50"] for b in bands[:-1]) / bands[-1]["p50"]
        return (None, v, None, "ratio of medians")
    if "role_relative" in t:
        # one role's change against another's, from their medians in roles.csv:
        # 100 ((1 + a / 100) / (1 + b / 100) - 1); roles.csv has no per-world values
        g = t["role_relative"]
        key = lambda role: (scenario, role, g["metric"], round(float(t["tau"]), 6))
        a, b = out.roles.get(key(g["role"])), out.roles.get(key(g["baseline_role"]))
        if a is None or b is None:
            return None
        v = 100.0 * ((1.0 + a["p50"] / 100.0) / (1.0 + b["p50"] / 100.0) - 1.0)
        return (None, v, None, "ratio of medians")
    if "growth" in t:
        g = t["growth"]
        a, b = out.band(scenario, g["metric"], g["from_tau"]), out.band(scenario, g["metric"], g["to_tau"])
        if a is None or b is None:
            return None
        v = b["p50"] / a["p50"] if a["p50"] > 0 else float("inf")
        return (None, v, None, "ratio of medians")
    b = out.band(scenario, metric, t["tau"])
    return None if b is None else (b["p5"], b["p50"], b["p95"], "bands")


def judge(t, stat):
    """(passed, comparison text)."""
    c, tol = t["check"], float(t.get("tolerance", 0.0))
    p5, p50, p95, _ = stat
    if c["type"] == "median_in":
        lo, hi = c["interval"]
        return lo - tol <= p50 <= hi + tol, "median in [%g, %g]" % (lo, hi)
    if c["type"] == "band_brackets":
        vals = c["values"]
        return all(p5 - tol <= v <= p95 + tol for v in vals), "p5-p95 brackets %s" % ", ".join("%g" % v for v in vals)
    if c["type"] == "p95_at_most":
        return p95 <= c["value"] + tol, "p95 <= %g" % c["value"]
    raise SystemExit("validate: unknown check type %r in target %s" % (c["type"], t["id"]))


def fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return "%.1f" % x
    return "%.3g" % x if abs(x) < 1 else "%.2f" % x


def run_plan(spec, args):
    """[(worlds, firms, steps_per_year or None)]: the targets file's sizes x step rates
    ("sizes" and "steps_per_year"; an older file's single "worlds"/"firms" runs once at
    the configs' own steps); --worlds/--firms replace the sizes with one."""
    r = spec["run"]
    sizes = [(s["worlds"], s["firms"]) for s in r["sizes"]] if "sizes" in r else [(r["worlds"], r["firms"])]
    if args.worlds or args.firms:
        sizes = [(args.worlds or sizes[0][0], args.firms or sizes[0][1])]
    steps = r.get("steps_per_year", [None])
    return [(w, f, s) for (w, f) in sizes for s in steps]


def run_outputs(args, spec, targets, worlds, firms, steps, folder, timings):
    """One size and step rate: the narratives, the no-AI run where a target needs it."""
    r = spec["run"]
    common = ["--quiet", "--force", "--worlds", str(worlds), "--firms", str(firms), "--seed", str(r["seed"])]
    if steps is not None:
        common += ["--set", "simulation.steps_per_year=%d" % steps]
    if args.threads:
        common += ["--threads", str(args.threads)]
    label = "%d worlds, S=%s" % (worlds, steps if steps is not None else "cfg")
    out = Outputs()
    help_text, _ = run([args.hc, "run", "--help"], "headcount run --help")
    ratio_metrics = sorted({m for t in targets if "ratio" in t for m in t["ratio"]["numerator"] + [t["ratio"]["denominator"]]})
    traj = ["--trajectories", ",".join(ratio_metrics)] if ratio_metrics and "--trajectories" in help_text else []
    _, secs = run([args.hc, "run"] + common + ["-o", os.path.join(folder, "narratives")] + traj + r["configs"],
                  "the narratives' run")
    timings.append(("%s: narratives" % label, secs))
    out.read_run(os.path.join(folder, "narratives"))
    # the no-AI baseline: growth with nothing exposed
    if any("no_ai" in t.get("scenarios", []) for t in targets):
        dump, _ = run([args.hc, "run", "--dump-config", "configs/growth.json"], "--dump-config")
        sets = ["--set", "name=no_ai"]
        for name in [x["name"] for x in json.loads(dump)["roles"]]:
            sets += ["--set", "roles.%s.exposure=0" % name]
        _, secs = run([args.hc, "run"] + common + ["-o", os.path.join(folder, "no_ai")] + sets + ["configs/growth.json"],
                      "the no-AI run")
        timings.append(("%s: no_ai (growth, every exposure 0)" % label, secs))
        out.read_run(os.path.join(folder, "no_ai"))
    return label, out


def read_inputs(args, targets, out):
    """Inputs, whatever the run's size: the run's own sampler (describe) and the resolved
    role table."""
    for t in targets:
        if not t.get("input"):
            continue
        for s in t["scenarios"]:
            cfg = "configs/%s.json" % s
            if t["metric"] == "exposed_share":
                dump, _ = run([args.hc, "run", "--dump-config", cfg], "--dump-config " + cfg)
                roles = json.loads(dump)["roles"]
                total = sum(x["share"] for x in roles)
                out.exposed[s] = sum(x["share"] * x["exposure"] for x in roles) / total
            elif (s, t["metric"]) not in out.inputs:
                text, _ = run([args.hc, "describe", "--samples", "200000", cfg], "describe " + cfg)
                for line in text.splitlines():
                    f = line.split()
                    if len(f) >= 5 and f[0] == t["metric"]:
                        out.inputs[(s, t["metric"])] = (float(f[2]), float(f[3]), float(f[4]))


def cell(t, s, out):
    """(model text, verdict, comparison) of target t for scenario s in one run."""
    if t["check"]["type"] == "not_checkable":
        return "-", "n/a", "not yet checkable"
    stat = statistic(t, s, out)
    if stat is None:
        return "missing", "FAIL", "-"
    ok, comparison = judge(t, stat)
    p5, p50, p95, how = stat
    band = fmt(p50) if p5 is None else "%s [%s .. %s]" % (fmt(p50), fmt(p5), fmt(p95))
    if how != "bands":
        band += " (%s)" % how
    return band, "PASS" if ok else "FAIL", comparison


def table(header, rows):
    widths = [max(len(str(x[i])) for x in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(widths[i]) for i, v in enumerate(header)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append("  ".join(str(v).ljust(widths[i]) for i, v in enumerate(row)).rstrip())
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hc", default=os.path.join(ROOT, "build", "headcount"))
    ap.add_argument("--targets", default=os.path.join(ROOT, "validation", "targets.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "validation"))
    ap.add_argument("--worlds", type=int, help="override the targets file's sizes with one (tests use a small one)")
    ap.add_argument("--firms", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--strict", action="store_true", help="exit 1 when any check fails")
    args = ap.parse_args()

    with open(args.targets) as f:
        spec = json.load(f)
    targets = spec["targets"]
    plan = run_plan(spec, args)
    timings, runs = [], []
    started = time.time()
    for worlds, firms, steps in plan:
        folder = args.out if len(plan) == 1 else os.path.join(args.out, "w%d_f%d_s%s" % (worlds, firms, steps))
        runs.append(run_outputs(args, spec, targets, worlds, firms, steps, folder, timings))
    for _, out in runs:
        read_inputs(args, targets, out)
    total = time.time() - started

    # the table: one row per target and scenario, one column per size and step rate; the
    # band is the last run's (the largest size at the finest step)
    labels = [label for label, _ in runs]
    rows, results, counts = [], [], {"PASS": 0, "FAIL": 0, "n/a": 0}
    per_run = [{"PASS": 0, "FAIL": 0, "n/a": 0} for _ in runs]
    for t in targets:
        for s in t.get("scenarios", []):
            where = t.get("metric", "") or "-"
            if "tau" in t:
                where += " @ %d" % (runs[-1][1].start_year + t["tau"])
            cells = [cell(t, s, out) for _, out in runs]
            for i, c in enumerate(cells):
                per_run[i][c[1]] += 1
            verdicts = {c[1] for c in cells}
            verdict = "n/a" if verdicts == {"n/a"} else ("PASS" if verdicts == {"PASS"} else "FAIL")
            counts[verdict] += 1
            shown = [c[0].split(" [")[0].split(" (")[0] + " " + c[1] if c[1] != "n/a" else "n/a" for c in cells]
            rows.append([t["id"], s, t.get("kind", "validation"), where] + shown +
                        [cells[-1][0], t.get("figure", "-"), cells[-1][2], verdict])
            results.append({"id": t["id"], "scenario": s, "kind": t.get("kind", "validation"), "where": where,
                            "model": cells[-1][0], "from": t.get("figure", "-"), "check": cells[-1][2],
                            "result": verdict,
                            "by_run": {labels[i]: {"model": c[0], "result": c[1]} for i, c in enumerate(cells)}})
    header = ["target", "scenario", "kind", "metric @ year"] + labels + \
             ["model (%s): median [p5 .. p95]" % labels[-1], "published", "check", "result"]

    print("validation: %s, seed %s (%s)" % ("; ".join("%d worlds x %d firms at %s steps a year" % (w, f, s if s else "the configs'")
                                                     for w, f, s in plan), spec["run"]["seed"],
                                           os.path.relpath(args.targets, ROOT)))
    if spec["run"].get("why"):
        print("  (%s)" % spec["run"]["why"])
    for what, secs in timings:
        print("  run %-52s %6.1f s" % (what, secs))
    print("  total %.1f s" % total)
    print()
    print("\n".join(table(header, rows)))
    print()
    print("kind: calibration = compares an input (or an output an input was set from) with that input's own source; "
          "validation = a figure no input was set from. result: PASS only when every column passes.")
    print()
    print("published figures (target: figure [sources]):")
    seen = set()
    for t in targets:
        if t["id"] in seen or not t.get("scenarios"):
            continue
        seen.add(t["id"])
        marks = "; ".join("%s (%s)" % (s["ref"], s["mark"]) for s in t["sources"])
        print("  %s [%s] %s: %s [%s]" % (t["id"], t.get("kind", "validation"), t["title"], t["published"], marks))
    print()
    for i, label in enumerate(labels):
        c = per_run[i]
        print("  %s: %d pass, %d fail, %d not yet checkable" % (label, c["PASS"], c["FAIL"], c["n/a"]))
    print("%d pass, %d fail, %d not yet checkable" % (counts["PASS"], counts["FAIL"], counts["n/a"]))

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "validation.md"), "w") as f:
        f.write("| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n")
        for row in rows:
            f.write("| " + " | ".join(str(v).replace("|", "/") for v in row) + " |\n")
    with open(os.path.join(args.out, "validation.json"), "w") as f:
        json.dump({"runs": [{"worlds": w, "firms": fi, "steps_per_year": s} for w, fi, s in plan],
                   "seed": spec["run"]["seed"], "results": results}, f, indent=1)
    if args.strict and counts["FAIL"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
