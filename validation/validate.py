#!/usr/bin/python3
"""validate.py: the shipped narratives against published figures (`make validate`).

Runs the program on the shipped configs at the fixed seed and size of
validation/targets.json ("run"), reads its own outputs (bands.csv; trajectories.csv when
the program writes it; `headcount describe` for input distributions; `--dump-config` for
the role table), and prints, for each target, the model's band next to the published
figure and whether the check passes. It computes no model quantity itself: every number
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
        path = os.path.join(folder, "trajectories.csv")
        if os.path.exists(path):
            with open(path) as f:
                reader = csv.DictReader(f)
                metrics = [m for m in reader.fieldnames if m not in ("scenario", "world", "step", "year")]
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hc", default=os.path.join(ROOT, "build", "headcount"))
    ap.add_argument("--targets", default=os.path.join(ROOT, "validation", "targets.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, "results", "validation"))
    ap.add_argument("--worlds", type=int, help="override the targets file's run size (tests use a small one)")
    ap.add_argument("--firms", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--strict", action="store_true", help="exit 1 when any check fails")
    args = ap.parse_args()

    with open(args.targets) as f:
        spec = json.load(f)
    r = spec["run"]
    worlds, firms = args.worlds or r["worlds"], args.firms or r["firms"]
    common = ["--quiet", "--force", "--worlds", str(worlds), "--firms", str(firms), "--seed", str(r["seed"])]
    if args.threads:
        common += ["--threads", str(args.threads)]
    targets = spec["targets"]
    out = Outputs()
    timings = []

    # 1. the narratives (and the blend, which reuses their worlds), with per-world values
    #    of the ratio's metrics when the program can write them
    help_text, _ = run([args.hc, "run", "--help"], "headcount run --help")
    ratio_metrics = sorted({m for t in targets if "ratio" in t for m in t["ratio"]["numerator"] + [t["ratio"]["denominator"]]})
    traj = ["--trajectories", ",".join(ratio_metrics)] if ratio_metrics and "--trajectories" in help_text else []
    folder = os.path.join(args.out, "narratives")
    _, secs = run([args.hc, "run"] + common + ["-o", folder] + traj + r["configs"], "the narratives' run")
    timings.append(("narratives (%s)" % " ".join(r["configs"]), secs))
    out.read_run(folder)

    # 2. the no-AI baseline: growth with nothing exposed
    if any("no_ai" in t.get("scenarios", []) for t in targets):
        dump, _ = run([args.hc, "run", "--dump-config", "configs/growth.json"], "--dump-config")
        roles = [x["name"] for x in json.loads(dump)["roles"]]
        sets = ["--set", "name=no_ai"]
        for name in roles:
            sets += ["--set", "roles.%s.exposure=0" % name]
        folder = os.path.join(args.out, "no_ai")
        _, secs = run([args.hc, "run"] + common + ["-o", folder] + sets + ["configs/growth.json"], "the no-AI run")
        timings.append(("no_ai (growth, every exposure 0)", secs))
        out.read_run(folder)

    # 3. inputs: the run's own sampler (describe) and the resolved role table
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

    # 4. the table
    rows, counts = [], {"PASS": 0, "FAIL": 0, "n/a": 0}
    for t in targets:
        for s in t.get("scenarios", []):
            where = t.get("metric", "")
            if "tau" in t:
                where += " @ %d" % (out.start_year + t["tau"])
            if t["check"]["type"] == "not_checkable":
                rows.append((t["id"], s, where or "-", "-", t.get("figure", "-"), "not yet checkable", "n/a", t))
                counts["n/a"] += 1
                continue
            stat = statistic(t, s, out)
            if stat is None:
                rows.append((t["id"], s, where, "missing", t.get("figure", "-"), "-", "FAIL", t))
                counts["FAIL"] += 1
                continue
            ok, comparison = judge(t, stat)
            p5, p50, p95, how = stat
            band = fmt(p50) if p5 is None else "%s [%s .. %s]" % (fmt(p50), fmt(p5), fmt(p95))
            verdict = "PASS" if ok else "FAIL"
            counts[verdict] += 1
            if how != "bands":
                band += " (%s)" % how
            rows.append((t["id"], s, where, band, t.get("figure", "-"), comparison, verdict, t))

    header = ("target", "scenario", "metric @ year", "model: median [p5 .. p95]", "published", "check", "result")
    widths = [max(len(str(x[i])) for x in rows + [header]) for i in range(7)]
    lines = ["  ".join(str(v).ljust(widths[i]) for i, v in enumerate(header)),
             "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append("  ".join(str(v).ljust(widths[i]) for i, v in enumerate(row[:7])))
    print("validation: %d worlds x %d firms, seed %s (%s)" % (worlds, firms, r["seed"], os.path.relpath(args.targets, ROOT)))
    for what, secs in timings:
        print("  run %-44s %6.1f s" % (what, secs))
    print()
    print("\n".join(lines))
    print()
    print("published figures (target: figure [sources]):")
    seen = set()
    for row in rows:
        t = row[7]
        if t["id"] in seen:
            continue
        seen.add(t["id"])
        marks = "; ".join("%s (%s)" % (s["ref"], s["mark"]) for s in t["sources"])
        print("  %s %s: %s [%s]" % (t["id"], t["title"], t["published"], marks))
    print()
    print("%d pass, %d fail, %d not yet checkable" % (counts["PASS"], counts["FAIL"], counts["n/a"]))

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "validation.md"), "w") as f:
        f.write("| " + " | ".join(header) + " |\n|" + "---|" * 7 + "\n")
        for row in rows:
            f.write("| " + " | ".join(str(v).replace("|", "/") for v in row[:7]) + " |\n")
    with open(os.path.join(args.out, "validation.json"), "w") as f:
        json.dump({"worlds": worlds, "firms": firms, "seed": r["seed"],
                   "results": [{"id": row[0], "scenario": row[1], "where": row[2], "model": row[3], "from": row[4],
                                "check": row[5], "result": row[6]} for row in rows]}, f, indent=1)
    if args.strict and counts["FAIL"]:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
