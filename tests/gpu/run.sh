#!/usr/bin/env bash
# run.sh: the checks of the CUDA backend that need a GPU (make test-gpu), as TAP:
# tests/gpu/gpu_checks.c (world by world and firm by firm against the CPU, known answers,
# device percentiles), then the program itself: CPU against GPU bands within 1e-9 on both
# narratives and on configs that take the 16- and 64-role builds of the model kernel,
# repeat runs, chunked runs and 1 against 2 GPUs giving the same bytes, --backend auto and
# --devices, and compute-sanitizer (memcheck, racecheck, initcheck, synccheck) on a small
# run of every role build.
#
# Verdicts (exit status):
#   0  every check ran and passed
#   1  a check failed, or no GPU is usable: "no usable GPU: nothing was checked". Whether
#      a GPU is usable is decided by a probe that shares nothing with the code under test
#      (the NVIDIA driver library through Python's ctypes: cuInit and cuDeviceGetCount;
#      else nvidia-smi -L), so a broken CUDA backend on a real GPU fails its checks
#      instead of reading as "no GPU"
#   3  nothing failed, but a check could not run (compute-sanitizer missing, or refusing
#      the device): printed "ok N - name # SKIP UNVERIFIED: why", never a pass or a finding
#
#   HC=PATH        the program (default build/headcount)
#   CHECKS=PATH    tests/gpu/gpu_checks.c built (default build/tests_gpu/gpu_checks)
#   HC_GPU_QUICK=1 small runs, no compute-sanitizer (tests/cli_cuda.sh runs this suite on
#                  the CPU emulator of tests/gpu/emu that way)
#   HC_GPU_EMULATED=1  the program runs on that emulator: no real GPU to probe for, and the
#                  compute-sanitizer checks are skips (they need a real GPU)
#   run.sh --list  the names of the checks
#   run.sh --probe exit 0 when a real GPU is usable, else 1; the finding on stdout
set -u
cd "$(dirname "$0")/../.."
HC=${HC:-build/headcount}
CHECKS=${CHECKS:-build/tests_gpu/gpu_checks}
QUICK=${HC_GPU_QUICK:-0}
EMULATED=${HC_GPU_EMULATED:-0}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || echo python3)
CONFIGS=(configs/cuts.json configs/growth.json)

names=(cpu_vs_gpu_bands_within_1e-9_cuts_growth cpu_vs_gpu_bands_within_1e-9_13_and_21_roles
       repeat_runs_give_the_same_bytes chunked_runs_give_the_same_bytes one_and_two_gpus_give_the_same_bytes
       backend_auto_picks_the_gpu devices_lists_the_gpus absent_gpu_in_devices_is_a_clear_error
       compute_sanitizer_memcheck_is_clean compute_sanitizer_racecheck_is_clean
       compute_sanitizer_initcheck_is_clean compute_sanitizer_synccheck_is_clean)
# The probe: is a real GPU usable? Asks the driver, never the program under test.
gpu_probe() {
    local why
    why=$("$PY" - 2>&1 <<'EOF'
import ctypes, sys
try:
    cuda = ctypes.CDLL("libcuda.so.1")
except OSError as e:
    sys.exit("no NVIDIA driver library (libcuda.so.1): %s" % e)
version, count = ctypes.c_int(0), ctypes.c_int(0)
rc = cuda.cuInit(0)
if rc != 0:
    sys.exit("cuInit failed with CUDA driver error %d (100: no device)" % rc)
cuda.cuDriverGetVersion(ctypes.byref(version))
rc = cuda.cuDeviceGetCount(ctypes.byref(count))
v = "%d.%d" % (version.value // 1000, version.value % 1000 // 10)
if rc != 0 or count.value < 1:
    sys.exit("the driver (CUDA %s) sees no GPU" % v)
print("%d GPU(s), driver for CUDA %s" % (count.value, v))
EOF
    ) && { echo "$why"; return 0; }
    if ! "$PY" -c 'import ctypes' 2>/dev/null; then # no Python: the driver's own tool
        why=$(nvidia-smi -L 2>&1) && echo "$why" | grep -q '^GPU [0-9]' && { echo "$why"; return 0; }
    fi
    echo "$why" | tail -1 | head -c 300
    return 1
}
if [ "${1:-}" = "--probe" ]; then
    gpu_probe
    exit
fi
if [ "${1:-}" = "--list" ]; then
    "$CHECKS" --list | sed 's/^/gpu_checks: /'
    printf '%s\n' "${names[@]}" gpu_checks_exited_0 gpu_checks_printed_every_check_of_its_plan
    exit 0
fi

for f in "$HC" "$CHECKS"; do
    [ -x "$f" ] || { echo "not ok 1 - $f is built (make $f)"; echo "1..1"; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0 failures=0 unverified=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failures=$((failures + 1)); fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
unverified() { n=$((n + 1)); unverified=$((unverified + 1)); echo "ok $n - $1 # SKIP UNVERIFIED: $2"; }

# Sizes: the issue's checks at a size a GPU runs in seconds, or small ones for the emulator.
if [ "$QUICK" = 1 ]; then
    W=16 F=300 Y=3 WR=6 FR=200 YR=2
else
    W=200 F=2000 Y=10 WR=64 FR=1000 YR=5
fi
SIZE=(--worlds "$W" --firms "$F" --years "$Y")
run() { # out-dir, args... : a quiet run into $TMP/out-dir
    local out=$1; shift
    "$HC" run --quiet --force -o "$TMP/$out" "$@" >"$TMP/$out.out" 2>"$TMP/$out.err"
}
# The tables, and what reads the horizon's firm changes the GPU sends apart from them (on
# their own stream, pinned, beside the next scenario): summary.md's firm-sampling share and
# the firm histogram.
same_bytes() {
    local f
    for f in bands.csv firms.csv roles.csv summary.md charts/firm_change_histogram.svg; do
        cmp -s "$TMP/$1/$f" "$TMP/$2/$f" || return 1
    done
}

if [ "$EMULATED" != 1 ] && ! why=$(gpu_probe); then
    echo "# no usable GPU: nothing was checked ($why)"
    echo "not ok 1 - no usable GPU: nothing was checked ($why)"
    echo "1..1"
    exit 1
fi
gpus=$("$HC" devices | grep -c 'compute capability' || true)
gpus_usable=$("$HC" devices | grep 'compute capability' | grep -vc 'not usable' || true)

# --- the checks of gpu_checks.c, numbered into this stream
while IFS= read -r line; do
    case "$line" in
    "not ok "*) failures=$((failures + 1)) ;;&
    "ok "*|"not ok "*)
        n=$((n + 1))
        echo "$line" | sed -E "s/^(not )?ok [0-9]+ - /\1ok $n - gpu_checks: /" ;;
    "1.."*) echo "$line" >"$TMP/checks.plan" ;;
    *) echo "$line" ;;
    esac
done < <("$CHECKS" $([ "$QUICK" = 1 ] && echo --quick); echo "exit $?" >"$TMP/checks.rc")
checks_lines=$n

# --- CPU against GPU, both narratives. The tables are compared by Python (a GPU machine
# may lack it: then that comparison is UNVERIFIED, never a pass or a finding).
have_py=0
"$PY" -c 'import csv, math' 2>/dev/null && have_py=1
compare_tables() { # CPU_DIR GPU_DIR WORLDS FIRMS NAME
    if [ $have_py = 0 ]; then
        unverified "$5" "no python3 here to compare the tables (the runs themselves succeeded)"
    else
        "$PY" tests/gpu/compare_bands.py "$1" "$2" --worlds "$3" --firms "$4"
        ok $? "$5"
    fi
}
# HC_CUDA_PIN_MIN_BYTES=1: the horizon's changes of even this small run go to page-locked
# memory, so the same-bytes checks below cover that path against the chunked host path.
if run cpu --backend cpu "${SIZE[@]}" "${CONFIGS[@]}" &&
    HC_CUDA_PIN_MIN_BYTES=1 run gpu --backend cuda "${SIZE[@]}" "${CONFIGS[@]}"; then
    compare_tables "$TMP/cpu" "$TMP/gpu" "$W" "$F" "${names[0]}"
else
    ok 1 "${names[0]}"
fi

# --- more roles than the 8-role build holds: the 16- and the 64-role builds (configs/base.json
# has 7 roles; these add 6 and 14)
for nr in 13 21; do
    awk -v n=$nr -v root="$PWD" 'BEGIN {
        printf "{\"name\": \"growth_%d_roles\", \"extends\": \"%s/configs/growth.json\", \"roles\": [", n, root
        for (i = 0; i < n - 7; i++)
            printf "%s{\"name\": \"extra_%d\", \"share\": 0.02, \"exposure\": %.2f, \"adoption_start\": %.2f, " \
                   "\"wage\": {\"dist\": \"lognormal\", \"median\": %d, \"sigma\": 0.2}, \"tokens_per_fte_year\": " \
                   "{\"dist\": \"lognormal\", \"p5\": 2e8, \"p95\": 4e9}}", (i ? ", " : ""), i, 0.3 + 0.02 * i,
                   0.01 * (i % 3), 50000 + 1000 * i
        print "]}" }' >"$TMP/roles_$nr.json"
done
ROLES=("$TMP/roles_13.json" "$TMP/roles_21.json")
RSIZE=(--worlds "$WR" --firms "$FR" --years "$YR")
if run rcpu --backend cpu "${RSIZE[@]}" "${ROLES[@]}" && run rgpu --backend cuda "${RSIZE[@]}" "${ROLES[@]}"; then
    compare_tables "$TMP/rcpu" "$TMP/rgpu" "$WR" "$FR" "${names[1]}"
else
    ok 1 "${names[1]}"
fi

# --- the same bytes: again, in chunks of 7 worlds, on two GPUs. Chunked on one GPU, the
# statistics are still the device's (every world's firm changes stay there); with
# HC_CUDA_HOST_STATS=1, and across GPUs, the host computes them, and every firm change crosses beside the next launch:
# into page-locked memory (HC_CUDA_PIN_MIN_BYTES=1), where a missing wait could show.
run gpu2 --backend cuda "${SIZE[@]}" "${CONFIGS[@]}" && same_bytes gpu gpu2
ok $? "${names[2]}"
HC_CUDA_MAX_CHUNK_WORLDS=7 run chunked --backend cuda "${SIZE[@]}" "${CONFIGS[@]}" && same_bytes gpu chunked &&
    HC_CUDA_HOST_STATS=1 HC_CUDA_PIN_MIN_BYTES=1 HC_CUDA_MAX_CHUNK_WORLDS=7 run chunked_host --backend cuda \
        "${SIZE[@]}" "${CONFIGS[@]}" && same_bytes gpu chunked_host
ok $? "${names[3]}"
if [ "$gpus_usable" -ge 2 ]; then
    run one --devices 0 "${SIZE[@]}" "${CONFIGS[@]}" &&
        HC_CUDA_PIN_MIN_BYTES=1 run two --devices 0,1 "${SIZE[@]}" "${CONFIGS[@]}" &&
        same_bytes one two && same_bytes one gpu
    ok $? "${names[4]}"
else
    skip "${names[4]}" "needs two GPUs ($gpus_usable usable)"
fi

# --- choosing the backend and the GPUs
run auto "${SIZE[@]}" "${CONFIGS[@]}" && ! grep -q "running on the CPU" "$TMP/auto.err" &&
    grep -q '"backend":[[:space:]]*"cuda"' "$TMP/auto/manifest.json" && same_bytes gpu auto
ok $? "${names[5]}"
"$HC" devices >"$TMP/devices.out" 2>&1 && grep -q '^0: .*compute capability [0-9]' "$TMP/devices.out"
ok $? "${names[6]}"
run absent --devices "$gpus" --worlds 2 --firms 10 --years 1 configs/cuts.json
[ $? -eq 1 ] && grep -q "there is no GPU $gpus" "$TMP/absent.err"
ok $? "${names[7]}"

# --- compute-sanitizer on small runs of every role build: 3 worlds of 300 firms (two full
# blocks and a part)
SAN=$(command -v compute-sanitizer || ls "${CUDA:-/usr/local/cuda}"/bin/compute-sanitizer \
      "${CUDA:-/usr/local/cuda}"/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)
for i in 8 9 10 11; do
    tool=${names[$i]#compute_sanitizer_}
    tool=${tool%_is_clean}
    if [ "$EMULATED" = 1 ]; then
        skip "${names[$i]}" "needs a real GPU (this is the emulator)"
    elif [ "$QUICK" = 1 ]; then
        unverified "${names[$i]}" "not run with HC_GPU_QUICK=1"
    elif [ -z "$SAN" ]; then
        unverified "${names[$i]}" "compute-sanitizer not installed"
    else
        extra=()
        [ "$tool" = memcheck ] && extra=(--leak-check full)
        # every role build of the model kernel: 7 roles (r8), 13 (r16), 21 (r64)
        rc=0
        for set in base 13 21; do
            cfgs=("${CONFIGS[@]}")
            [ $set = base ] || cfgs=("$TMP/roles_$set.json")
            "$SAN" --tool "$tool" "${extra[@]}" --error-exitcode 99 "$HC" run --quiet --force --backend cuda \
                -o "$TMP/san_$tool" --worlds 3 --firms 300 --years 2 "${cfgs[@]}" >"$TMP/san_$tool.log" 2>&1
            rc=$?
            [ $rc -eq 0 ] || { echo "# $tool on the $set-role configs:"; break; }
        done
        # 99: the tool found errors (a finding). Another failure with no error summary is
        # the tool itself refusing (unsupported device or driver...): unverified.
        if [ $rc -ne 0 ] && [ $rc -ne 99 ] && ! grep -q "ERROR SUMMARY: [1-9]" "$TMP/san_$tool.log"; then
            unverified "${names[$i]}" "compute-sanitizer exited $rc: $(grep -m1 -iE 'error|not supported' "$TMP/san_$tool.log" | head -c 200)"
        else
            [ $rc -ne 0 ] && tail -30 "$TMP/san_$tool.log" | sed 's/^/# /'
            ok $rc "${names[$i]}"
        fi
    fi
done

grep -q "exit 0" "$TMP/checks.rc"
ok $? "gpu_checks exited 0 ($(cat "$TMP/checks.rc"))"
# gpu_checks must have printed its whole plan: one that died half-way lost checks
[ "$(cat "$TMP/checks.plan" 2>/dev/null)" = "1..$checks_lines" ]
ok $? "gpu_checks printed every check of its plan ($(cat "$TMP/checks.plan" 2>/dev/null || echo no plan), $checks_lines lines)"
echo "1..$n"
[ $failures -eq 0 ] || { echo "# $failures failed"; exit 1; }
[ $unverified -eq 0 ] || { echo "# UNVERIFIED: $unverified checks could not run (see their reasons)"; exit 3; }
exit 0
