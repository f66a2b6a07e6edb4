#!/usr/bin/env bash
# bench/run.sh: `make bench`. Throughput of headcount's CPU backend against a NumPy and a
# Numba implementation of the same model (bench/numpy_model.py, bench/numba_model.py), on
# the same configs and sizes, plus a scaling table. Knobs are environment variables; see
# bench/README.md. About 7-8 minutes on a quiet 2-core machine.
#
#   0. the references' check: on 16 worlds x 300 firms of each config, NumPy's and Numba's
#      per-world metrics agree with headcount's to bench/check_models.py's tolerance; then
#      one core per variant of the firm loop (AVX-512, AVX2, generic): ns per firm-step,
#      the op-count bound and their ratio (bench/cpu_bench.c, CPU time);
#   1. a 10^5-firm probe sizes the main runs to about BENCH_SECONDS of headcount on all
#      threads (unless BENCH_WORLDS is set), a whole number of worlds per thread;
#   2. per config: headcount on all threads and on 1, Numba on all threads and on 1, NumPy
#      (1 thread; it has no parallel loop), all on the resolved config of headcount's run;
#   3. scaling on the first config: 10^4 .. 10^7 firms in total, 1 thread and all, for each
#      implementation; a run predicted to take longer than BENCH_SCALING_MAX_SECONDS is
#      skipped (from the rates of step 2);
#   4. tables (bench/bench_report.py): rates, ns per firm-step per core, ratios; scaling;
#      the horizon medians of the three side by side (different generators: printed, not
#      asserted).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=/usr/bin/python3
HC=${BENCH_HEADCOUNT:-build/headcount}
CPU_BENCH=${BENCH_CPU_BENCH:-build/bench/cpu_bench}
CORE_WORLDS=${BENCH_CORE_WORLDS:-24}
CONFIGS=${BENCH_CONFIGS:-configs/cuts.json configs/growth.json}
THREADS=${BENCH_THREADS:-$(nproc)}
FIRMS=${BENCH_FIRMS:-1000}
WORLDS=${BENCH_WORLDS:-}
TARGET_SECONDS=${BENCH_SECONDS:-4}
SCALING_SIZES=${BENCH_SCALING_SIZES:-10000 100000 1000000 10000000}
SCALING_MAX_SECONDS=${BENCH_SCALING_MAX_SECONDS:-120}
SCALING_REPEATS=${BENCH_SCALING_REPEATS:-3}
SCALING_REPEAT_SECONDS=${BENCH_SCALING_REPEAT_SECONDS:-60}
NUMPY=${BENCH_NUMPY:-1}
CHECK_WORLDS=${BENCH_CHECK_WORLDS:-16}
CHECK_FIRMS=${BENCH_CHECK_FIRMS:-300}
NUMBA=${BENCH_NUMBA:-1}
# Numba's compiled kernel is cached here, not next to the source.
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-$PWD/build/numba-cache}

die() { echo "bench: $*" >&2; exit 1; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

[[ -x $HC ]] || die "$HC not found or not executable: build it first (make bench builds it; or run make)"
[[ -x $CPU_BENCH ]] || die "$CPU_BENCH not found: make bench builds it (make build/bench/cpu_bench)"
[[ -x $PY ]] || die "$PY not found: the benchmark needs Debian's python3, python3-numpy and python3-numba"
"$PY" -c 'import numpy' 2>/dev/null || die "$PY cannot import numpy: install python3-numpy"
if [[ $NUMBA != 0 ]] && ! "$PY" -c 'import numba' 2>/dev/null; then
    echo "bench: warning: $PY cannot import numba (apt-get install python3-numba): Numba runs skipped" >&2
    NUMBA=0
fi
is_count "$THREADS" || die "BENCH_THREADS must be a whole number >= 1, got '$THREADS'"
is_count "$FIRMS" || die "BENCH_FIRMS must be a whole number >= 1, got '$FIRMS'"
[[ -z $WORLDS ]] || is_count "$WORLDS" || die "BENCH_WORLDS must be a whole number >= 1, got '$WORLDS'"
is_number "$TARGET_SECONDS" || die "BENCH_SECONDS must be a number, got '$TARGET_SECONDS'"
is_number "$SCALING_MAX_SECONDS" || die "BENCH_SCALING_MAX_SECONDS must be a number, got '$SCALING_MAX_SECONDS'"
is_count "$SCALING_REPEATS" || die "BENCH_SCALING_REPEATS must be a whole number >= 1, got '$SCALING_REPEATS'"
is_number "$SCALING_REPEAT_SECONDS" || die "BENCH_SCALING_REPEAT_SECONDS must be a number, got '$SCALING_REPEAT_SECONDS'"
for s in $SCALING_SIZES; do is_count "$s" || die "BENCH_SCALING_SIZES: '$s' is not a whole number"; done
read -r -a configs <<<"$CONFIGS"
((${#configs[@]} > 0)) || die "BENCH_CONFIGS is empty"
for c in "${configs[@]}"; do [[ -f $c ]] || die "config $c not found"; done
mkdir -p "$NUMBA_CACHE_DIR"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/headcount-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
results=$tmp/results.jsonl
: >"$results"
report() { "$PY" bench/bench_report.py "$@"; }
last_field() { report field "$results" "$1"; }

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
    report record-hc "$kind" "$config" "$out" ${size:+"$size"} >>"$results"
    last_out=$out
    rm -rf "$out/firms.csv" # the largest file; not needed past here
}

# py_run KIND CONFIG IMPL MANIFEST WORLDS FIRMS THREADS [SIZE]: numpy_model.py or numba_model.py
py_run() {
    local kind=$1 config=$2 impl=$3 manifest=$4 worlds=$5 firms=$6 threads=$7 size=${8:-} args=()
    [[ $impl == numba ]] && args=(--threads "$threads")
    if ! "$PY" "bench/${impl}_model.py" "$manifest" --worlds "$worlds" --firms "$firms" "${args[@]}" \
        --json >"$tmp/$impl.json" 2>"$tmp/$impl.err"; then
        cat "$tmp/$impl.err" >&2
        die "bench/${impl}_model.py failed on $manifest ($config)"
    fi
    report record-py "$kind" "$config" "$impl" "$tmp/$impl.json" ${size:+"$size"} >>"$results"
}

echo "bench: headcount $HC, $THREADS thread(s), configs: ${configs[*]}"
echo "bench: machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') ($(nproc) CPUs)"
busy=$(report cpu-busy)
if ((busy >= 20)); then
    echo "bench: warning: other work keeps the CPUs ${busy} % busy: rates will be low and scaling flat"
fi

# ---- the references compute headcount's model: on a small run of each config, every
# per-world metric of numpy_model.py and numba_model.py within bench/check_models.py's
# tolerance of headcount's (they draw headcount's inputs; only float rounding differs)
for config in "${configs[@]}"; do
    out=$tmp/check
    "$HC" run --quiet --backend cpu --worlds "$CHECK_WORLDS" --firms "$CHECK_FIRMS" --threads "$THREADS" \
        -o "$out" --force "$config" >"$out.log" 2>&1 || { cat "$out.log" >&2; die "headcount failed on $config"; }
    refs=()
    for impl in numpy numba; do
        [[ $impl == numpy && $NUMPY == 0 || $impl == numba && $NUMBA == 0 ]] && continue
        "$PY" "bench/${impl}_model.py" "$out/manifest.json" --worlds "$CHECK_WORLDS" --firms "$CHECK_FIRMS" \
            --worlds-out "$tmp/$impl.f64" --json >/dev/null || die "bench/${impl}_model.py failed on $config"
        refs+=("$impl=$tmp/$impl.f64")
    done
    if ((${#refs[@]})); then
        echo "bench: $config, $CHECK_WORLDS x $CHECK_FIRMS firms:"
        "$PY" bench/check_models.py "$out" "${refs[@]}" || die "a reference model does not compute headcount's model (above)"
    fi
    rm -rf "$out"
done

# ---- one core, per variant: ns per firm-step against the op-count bound (bench/cpu_bench.c)
echo
"$CPU_BENCH" --worlds "$CORE_WORLDS" --firms "$FIRMS" --reps 3 "${configs[@]}" ||
    die "$CPU_BENCH failed (or the variants gave different sums)"
echo

# ---- sizing: a probe of 10^5 firms on all threads, unless BENCH_WORLDS is set
if [[ -z $WORLDS ]]; then
    probe_worlds=$(((100000 + FIRMS - 1) / FIRMS))
    hc_run probe "${configs[0]}" "$probe_worlds" "$FIRMS" "$THREADS"
    steps=$(last_field steps)
    WORLDS=$(report worlds "$(last_field fsps)" "$TARGET_SECONDS" "$FIRMS" "$steps" "$THREADS")
    echo "bench: probe $probe_worlds x $FIRMS firms: $(last_field fsps) firm-steps/s;" \
        "sizing $WORLDS worlds x $FIRMS firms (about ${TARGET_SECONDS} s on $THREADS thread(s))"
fi

# ---- main comparison, per config; the rates of the first config predict the scaling runs
thread_list=1
((THREADS > 1)) && thread_list="$THREADS 1"
declare -A rate=()
for config in "${configs[@]}"; do
    manifest=
    for t in $thread_list; do
        echo "bench: $config: headcount, $t thread(s), $WORLDS x $FIRMS firms"
        hc_run main "$config" "$WORLDS" "$FIRMS" "$t"
        if [[ -z $manifest ]]; then
            manifest=$tmp/manifest-$run_id.json # the resolved config, for numpy and numba
            cp "$last_out/manifest.json" "$manifest"
            [[ -n ${scaling_manifest:-} ]] || scaling_manifest=$manifest
        fi
        [[ $config == "${configs[0]}" ]] && rate[headcount$t]=$(last_field fsps)
        steps=$(last_field steps)
    done
    if [[ $NUMBA != 0 ]]; then
        for t in $thread_list; do
            echo "bench: $config: numba, $t thread(s)"
            py_run main "$config" numba "$manifest" "$WORLDS" "$FIRMS" "$t"
            [[ $config == "${configs[0]}" ]] && rate[numba$t]=$(last_field fsps)
        done
    fi
    if [[ $NUMPY != 0 ]]; then
        echo "bench: $config: numpy, 1 thread"
        py_run main "$config" numpy "$manifest" "$WORLDS" "$FIRMS" 1
        [[ $config == "${configs[0]}" ]] && rate[numpy1]=$(last_field fsps)
    fi
done

# ---- scaling on the first config; how busy the machine was just before, for the table
echo "{\"kind\": \"machine\", \"loadavg\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"cpus\": $(nproc), \"busy\": $(report cpu-busy)}" >>"$results"
refs=
[[ $NUMBA != 0 ]] && refs+=" numba"
[[ $NUMPY != 0 ]] && refs+=" numpy"
# skipped IMPL THREADS SECONDS: true, with the run recorded as skipped, when the predicted
# SECONDS exceed BENCH_SCALING_MAX_SECONDS (the size's w, f and steps)
skipped() {
    "$PY" -c "import sys; sys.exit(0 if $3 > $SCALING_MAX_SECONDS else 1)" || return 1
    echo "bench: scaling $w x $f, $1 $2 thread(s): skipped (about $3 s > BENCH_SCALING_MAX_SECONDS=$SCALING_MAX_SECONDS)"
    echo "{\"kind\": \"scaling\", \"size\": $size, \"impl\": \"$1\", \"threads\": $2, \"worlds\": $w, \"firms\": $f, \"skipped\": true, \"config\": \"${configs[0]}\", \"steps\": $steps}" >>"$results"
}
for size in $SCALING_SIZES; do
    f=$FIRMS
    ((f > size)) && f=$size
    w=$(((size + f - 1) / f))
    for impl in $refs; do
        for t in $thread_list; do
            [[ $impl == numpy && $t != 1 ]] && continue
            skipped "$impl" "$t" "$(report estimate "${rate[$impl$t]}" "$w" "$f" "$steps")" && continue
            echo "bench: scaling $w x $f firms, $impl, $t thread(s)"
            py_run scaling "${configs[0]}" "$impl" "$scaling_manifest" "$w" "$f" "$t" "$size"
        done
    done
    # headcount's speed-up is the number the table is for: its thread counts alternate, run
    # after run, and repeat while a round fits BENCH_SCALING_REPEAT_SECONDS, so that other
    # work on a shared machine slows both sides alike; the table takes the best of each
    # (the least disturbed run) and prints the spread of the rounds' ratios.
    hc_threads= round_est=0
    for t in $thread_list; do
        est=$(report estimate "${rate[headcount$t]}" "$w" "$f" "$steps")
        skipped headcount "$t" "$est" && continue
        hc_threads+=" $t"
        round_est=$("$PY" -c "print($round_est + $est)")
    done
    rounds=$("$PY" -c "print(max(1, min($SCALING_REPEATS, int($SCALING_REPEAT_SECONDS // max($round_est, 1e-9)))))")
    for ((round = 1; round <= rounds; round++)); do
        for t in $hc_threads; do
            echo "bench: scaling $w x $f firms, headcount, $t thread(s), round $round of $rounds"
            hc_run scaling "${configs[0]}" "$w" "$f" "$t" "$size"
        done
    done
    rm -rf "$tmp"/run*
done

report report "$results"
