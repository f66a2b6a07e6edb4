#!/usr/bin/env bash
# bench/run.sh: `make bench`. Throughput of headcount's CPU backend against the NumPy
# reference (bench/numpy_model.py) on the same inputs, plus a thread-scaling table.
# Knobs are environment variables; see bench/README.md.
#
#   1. headcount run --backend cpu at a size that keeps all cores busy for several
#      seconds (found from a short probe run unless BENCH_WORLDS is set), per config;
#   2. the same size on 1 thread (per-core cost) and the NumPy model on the resolved
#      config from that run's manifest.json (one process, one thread);
#   3. tables: throughput and ratio to NumPy, thread scaling at 2-3 sizes, and the
#      horizon medians of both implementations side by side (different generators,
#      so they agree only statistically: printed, not asserted).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=/usr/bin/python3
HC=${BENCH_HEADCOUNT:-build/headcount}
CONFIGS=${BENCH_CONFIGS:-configs/cuts.json configs/growth.json}
THREADS=${BENCH_THREADS:-$(nproc)}
FIRMS=${BENCH_FIRMS:-1000}
WORLDS=${BENCH_WORLDS:-}
TARGET_SECONDS=${BENCH_SECONDS:-8}
SCALING_SIZES=${BENCH_SCALING_SIZES:-10000 100000 1000000}
SCALING_MAX_SECONDS=${BENCH_SCALING_MAX_SECONDS:-15}
NUMPY=${BENCH_NUMPY:-1}

die() { echo "bench: $*" >&2; exit 1; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

[[ -x $HC ]] || die "$HC not found or not executable: build it first (make bench builds it; or run make)"
[[ -x $PY ]] || die "$PY not found: the benchmark needs Debian's python3 and python3-numpy"
"$PY" -c 'import numpy' 2>/dev/null || die "$PY cannot import numpy: install python3-numpy"
is_count "$THREADS" || die "BENCH_THREADS must be a whole number >= 1, got '$THREADS'"
is_count "$FIRMS" || die "BENCH_FIRMS must be a whole number >= 1, got '$FIRMS'"
[[ -z $WORLDS ]] || is_count "$WORLDS" || die "BENCH_WORLDS must be a whole number >= 1, got '$WORLDS'"
[[ $TARGET_SECONDS =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_SECONDS must be a number, got '$TARGET_SECONDS'"
[[ $SCALING_MAX_SECONDS =~ ^[0-9]+([.][0-9]+)?$ ]] || die "BENCH_SCALING_MAX_SECONDS must be a number"
for s in $SCALING_SIZES; do is_count "$s" || die "BENCH_SCALING_SIZES: '$s' is not a whole number"; done
read -r -a configs <<<"$CONFIGS"
((${#configs[@]} > 0)) || die "BENCH_CONFIGS is empty"
for c in "${configs[@]}"; do [[ -f $c ]] || die "config $c not found"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/headcount-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
results=$tmp/results.jsonl
: >"$results"

# ---- helper: reads manifests and bands.csv, records results, prints the tables
cat >"$tmp/helper.py" <<'EOF'
import csv, json, math, os, sys

METRICS = ["employment_change_pct", "ai_effect_pct", "displaced_pct"]

def manifest(d):
    with open(os.path.join(d, "manifest.json")) as f:
        return json.load(f)

def horizon(d):
    """Per metric: [p50, p5, p95, p25, p75] across worlds at the last step, from bands.csv."""
    out = {}
    try:
        with open(os.path.join(d, "bands.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError:
        return out
    last = {}
    for r in rows:
        if r.get("metric") in METRICS and int(r["step"]) >= last.get(r["metric"], (-1,))[0]:
            last[r["metric"]] = (int(r["step"]), r)
    for m, (_, r) in last.items():
        num = lambda k: float(r[k]) if r.get(k) not in (None, "") else float("nan")
        out[m] = [num("p50" if "p50" in r else "mean"), num("p5"), num("p95"), num("p25"), num("p75")]
    return out

def cmd_record_hc(kind, config, d, size=None):
    m = manifest(d)
    steps = m["firm_steps"] / (m["worlds"] * m["firms_per_world"] * len(m["scenarios"]))
    rec = {"kind": kind, "config": config, "impl": "headcount cpu", "threads": m["threads"],
           "worlds": m["worlds"], "firms": m["firms_per_world"], "steps": int(round(steps)),
           "fsps": m["firm_steps_per_second"], "simulate_seconds": m["simulate_seconds"],
           "wall_seconds": m["wall_seconds"], "horizon": horizon(d),
           "commit": m.get("git_commit", "?")}
    if size is not None:
        rec["size"] = int(size)
    print(json.dumps(rec))

def cmd_record_numpy(kind, config, path):
    with open(path) as f:
        r = json.load(f)
    print(json.dumps({"kind": kind, "config": config, "impl": "numpy (1 thread)", "threads": 1,
                      "worlds": r["worlds"], "firms": r["firms"], "steps": r["steps"] + 1,
                      "fsps": r["firm_steps_per_second"], "simulate_seconds": r["simulate_seconds"],
                      "wall_seconds": r["wall_seconds"], "numpy": r["numpy"],
                      "horizon": {k: [r[k]] for k in METRICS}}))

def cmd_field(path, key):
    with open(path) as f:
        for line in f:
            pass
    print(json.loads(line)[key])

def cmd_worlds(fsps, target, firms, steps):
    print(max(1, int(round(float(target) * float(fsps) / (int(firms) * int(steps))))))

def cmd_estimate(fsps, worlds, firms, steps):
    print("%.3f" % (int(worlds) * int(firms) * int(steps) / float(fsps)))

def cmd_cpu_busy():
    """Percent of all CPUs busy over the next second (other work), from /proc/stat."""
    import time
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)  # idle + iowait, total
    try:
        i0, t0 = snap(); time.sleep(1.0); i1, t1 = snap()
        print(int(round(100.0 * (1.0 - (i1 - i0) / max(1, t1 - t0)))))
    except (OSError, ValueError, IndexError):
        print(0)

def cmd_fmt(x):
    print("%.3g" % float(x))

def fmt_rate(x):
    return "%.3g" % x

def cmd_report(path):
    recs = [json.loads(l) for l in open(path) if l.strip()]
    main = [r for r in recs if r["kind"] == "main"]
    scal = [r for r in recs if r["kind"] == "scaling"]
    if main:
        hc = next((r for r in main if r["impl"].startswith("headcount")), main[0])
        npv = next((r.get("numpy") for r in main if r.get("numpy")), None)
        print(f"\n== Throughput: same config, same worlds x firms x {hc['steps']} steps "
              f"(headcount {hc.get('commit', '?')}" + (f", numpy {npv}" if npv else "") + ")")
        hdr = f"{'config':<14} {'implementation':<18} {'threads':>7} {'worlds x firms':>16} " \
              f"{'firm-steps/s':>13} {'us/step/core':>13} {'seconds':>8} {'vs numpy':>9}"
        print(hdr)
        print("-" * len(hdr))
        for cfg in dict.fromkeys(r["config"] for r in main):
            rows = [r for r in main if r["config"] == cfg]
            ref = next((r["fsps"] for r in rows if r["impl"].startswith("numpy")), None)
            for r in rows:
                ratio = f"{r['fsps'] / ref:8.2f}x" if ref else "      n/a"
                print(f"{os.path.basename(cfg):<14} {r['impl']:<18} {r['threads']:>7} "
                      f"{str(r['worlds']) + ' x ' + str(r['firms']):>16} {fmt_rate(r['fsps']):>13} "
                      f"{1e6 * r['threads'] / r['fsps']:>13.3f} {r['simulate_seconds']:>8.2f} {ratio}")
        print("firm-steps = worlds x firms x (T + 1); seconds = simulation only (headcount: "
              "simulate_seconds of the manifest; numpy: sampling + steps + metrics)")
    if scal:
        cfg = scal[0]["config"]
        threads = sorted({r["threads"] for r in scal})
        print(f"\n== Thread scaling of the CPU backend ({os.path.basename(cfg)}, "
              f"{scal[0]['steps']} steps; firm-steps/s, speed-up over 1 thread)")
        hdr = f"{'firms in total':>14} {'worlds x firms':>16}" + "".join(
            f" {str(t) + ' thread' + ('s' if t > 1 else ''):>22}" for t in threads)
        print(hdr)
        print("-" * len(hdr))
        for size in dict.fromkeys(r["size"] for r in scal):
            rows = {r["threads"]: r for r in scal if r["size"] == size}
            one = rows.get(1)
            any_r = next(iter(rows.values()))
            line = f"{size:>14} {str(any_r['worlds']) + ' x ' + str(any_r['firms']):>16}"
            for t in threads:
                r = rows.get(t)
                if r is None or r.get("skipped"):
                    cell = "skipped (time)" if r is not None else "-"
                elif one and not one.get("skipped") and t > 1:
                    cell = f"{fmt_rate(r['fsps'])} ({r['fsps'] / one['fsps']:.2f}x)"
                else:
                    cell = fmt_rate(r["fsps"])
                line += f" {cell:>22}"
            print(line)
    if main:
        print("\n== Horizon medians across worlds (different generators: agreement is statistical, "
              "within the spread across worlds)")
        hdr = f"{'config':<14} {'metric':<22} {'headcount p50':>14} {'numpy median':>13} " \
              f"{'difference':>11} {'~s.e.':>7} {'headcount p5 .. p95':>22}"
        print(hdr)
        print("-" * len(hdr))
        for cfg in dict.fromkeys(r["config"] for r in main):
            rows = [r for r in main if r["config"] == cfg]
            hc = next((r for r in rows if r["impl"] == "headcount cpu" and r["horizon"]), None)
            nv = next((r for r in rows if r["impl"].startswith("numpy")), None)
            for m in METRICS:
                h = hc["horizon"].get(m) if hc else None
                n = nv["horizon"].get(m) if nv else None
                band = f"{h[1]:.3f} .. {h[2]:.3f}" if h else "n/a"
                diff = f"{n[0] - h[0]:.3f}" if h and n else "n/a"
                # standard error of a difference of two medians over W worlds each, from the
                # interquartile range as if normal: 1.2533 * (IQR / 1.349) * sqrt(2 / W)
                se = "n/a"
                if h and n and math.isfinite(h[4] - h[3]):
                    se = f"{1.2533 * (h[4] - h[3]) / 1.349 * math.sqrt(2.0 / hc['worlds']):.3f}"
                print(f"{os.path.basename(cfg):<14} {m:<22} "
                      f"{(f'{h[0]:.3f}' if h else 'n/a'):>14} {(f'{n[0]:.3f}' if n else 'n/a'):>13} "
                      f"{diff:>11} {se:>7} {band:>22}")
        print("~s.e.: rough standard error of the difference (normal approximation from the "
              "interquartile range); a few s.e. apart is still consistent")

cmd = sys.argv[1]
globals()["cmd_" + cmd.replace("-", "_")](*sys.argv[2:])
EOF
helper() { "$PY" "$tmp/helper.py" "$@"; }

run_id=0
# hc_run KIND CONFIG WORLDS FIRMS THREADS [SIZE]: one headcount run, recorded in $results
hc_run() {
    local kind=$1 config=$2 worlds=$3 firms=$4 threads=$5 size=${6:-} out
    run_id=$((run_id + 1))
    out=$tmp/run$run_id
    if ! "$HC" run --quiet --backend cpu --worlds "$worlds" --firms "$firms" --threads "$threads" \
        -o "$out" "$config" >"$out.log" 2>&1; then
        cat "$out.log" >&2
        die "headcount failed: $HC run --backend cpu --worlds $worlds --firms $firms --threads $threads -o $out $config"
    fi
    [[ -f $out/manifest.json ]] || die "headcount wrote no $out/manifest.json"
    helper record-hc "$kind" "$config" "$out" ${size:+"$size"} >>"$results"
    last_out=$out
}
last_field() { helper field "$results" "$1"; }

echo "bench: headcount $HC, $THREADS thread(s), configs: ${configs[*]}"
echo "bench: machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') ($(nproc) CPUs)"
busy=$(helper cpu-busy)
if ((busy >= 20)); then
    echo "bench: warning: other work keeps the CPUs ${busy} % busy: rates will be low and scaling flat"
fi

# ---- sizing: a probe of 10^5 firms on all threads, unless BENCH_WORLDS is set
if [[ -z $WORLDS ]]; then
    probe_firms=$FIRMS
    probe_worlds=$(((100000 + FIRMS - 1) / FIRMS))
    hc_run probe "${configs[0]}" "$probe_worlds" "$probe_firms" "$THREADS"
    steps=$(last_field steps)
    WORLDS=$(helper worlds "$(last_field fsps)" "$TARGET_SECONDS" "$FIRMS" "$steps")
    echo "bench: probe $probe_worlds x $probe_firms firms: $(helper fmt "$(last_field fsps)") firm-steps/s;" \
        "sizing $WORLDS worlds x $FIRMS firms (about ${TARGET_SECONDS} s on $THREADS thread(s))"
fi

# ---- main comparison, per config
for config in "${configs[@]}"; do
    echo "bench: $config: headcount cpu, $THREADS thread(s), $WORLDS x $FIRMS firms"
    hc_run main "$config" "$WORLDS" "$FIRMS" "$THREADS"
    main_out=$last_out
    steps=$(last_field steps)
    if ((THREADS > 1)); then
        echo "bench: $config: headcount cpu, 1 thread"
        hc_run main "$config" "$WORLDS" "$FIRMS" 1
    fi
    if [[ $NUMPY != 0 ]]; then
        echo "bench: $config: numpy, 1 thread"
        "$PY" bench/numpy_model.py "$main_out/manifest.json" --worlds "$WORLDS" --firms "$FIRMS" \
            --json >"$tmp/numpy.json" || die "bench/numpy_model.py failed on $main_out/manifest.json ($config)"
        helper record-numpy main "$config" "$tmp/numpy.json" >>"$results"
    fi
done

# ---- thread scaling on the first config; a run predicted to exceed the time budget is skipped
thread_list=1
((THREADS > 1)) && thread_list="1 $THREADS"
declare -A rate=()
for size in $SCALING_SIZES; do
    f=$FIRMS
    ((f > size)) && f=$size
    w=$(((size + f - 1) / f))
    for t in $thread_list; do
        est_rate=${rate[$t]:-${rate[1]:-}}
        if [[ -n $est_rate ]]; then
            est=$(helper estimate "$est_rate" "$w" "$f" "$steps")
            if "$PY" -c "import sys; sys.exit(0 if $est > $SCALING_MAX_SECONDS else 1)"; then
                echo "bench: scaling $w x $f, $t thread(s): skipped (about $est s > BENCH_SCALING_MAX_SECONDS=$SCALING_MAX_SECONDS)"
                echo "{\"kind\": \"scaling\", \"size\": $size, \"threads\": $t, \"worlds\": $w, \"firms\": $f, \"skipped\": true, \"config\": \"${configs[0]}\", \"steps\": $steps}" >>"$results"
                continue
            fi
        fi
        echo "bench: scaling $w x $f firms, $t thread(s)"
        hc_run scaling "${configs[0]}" "$w" "$f" "$t" "$size"
        rate[$t]=$(last_field fsps)
    done
done

helper report "$results"
