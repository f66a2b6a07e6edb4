#!/usr/bin/env bash
# run.sh: the checks of the CUDA backend that need a GPU (make test-gpu), as TAP:
# tests/gpu/gpu_checks.c (world by world and firm by firm against the CPU, known answers,
# device percentiles), then the program itself: CPU against GPU bands within 1e-4 on both
# narratives and on configs that take the 16- and 64-role builds of the model kernel,
# repeat runs, chunked runs and 1 against 2 GPUs giving the same bytes, --backend auto and
# --devices, and compute-sanitizer (memcheck, racecheck, initcheck, synccheck) on a small
# run. Without a usable GPU every check reports "ok N - name # SKIP no GPU".
#
#   HC=PATH        the program (default build/headcount)
#   CHECKS=PATH    tests/gpu/gpu_checks.c built (default build/tests_gpu/gpu_checks)
#   HC_GPU_QUICK=1 small runs, no compute-sanitizer (tests/cli_cuda.sh runs this suite on
#                  the CPU emulator of tests/gpu/emu that way)
#   run.sh --list  the names of the checks
set -u
cd "$(dirname "$0")/../.."
HC=${HC:-build/headcount}
CHECKS=${CHECKS:-build/tests_gpu/gpu_checks}
QUICK=${HC_GPU_QUICK:-0}
PY=/usr/bin/python3
CONFIGS=(configs/cuts.json configs/growth.json)

names=(cpu_vs_gpu_bands_within_1e-4_cuts_growth cpu_vs_gpu_bands_within_1e-4_13_and_21_roles
       repeat_runs_give_the_same_bytes chunked_runs_give_the_same_bytes one_and_two_gpus_give_the_same_bytes
       backend_auto_picks_the_gpu devices_lists_the_gpus absent_gpu_in_devices_is_a_clear_error
       compute_sanitizer_memcheck_is_clean compute_sanitizer_racecheck_is_clean
       compute_sanitizer_initcheck_is_clean compute_sanitizer_synccheck_is_clean)
if [ "${1:-}" = "--list" ]; then
    "$CHECKS" --list | sed 's/^/gpu_checks: /'
    printf '%s\n' "${names[@]}"
    exit 0
fi

for f in "$HC" "$CHECKS"; do
    [ -x "$f" ] || { echo "not ok 1 - $f is built (make $f)"; echo "1..1"; exit 1; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

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
same_bytes() { cmp -s "$TMP/$1/bands.csv" "$TMP/$2/bands.csv" && cmp -s "$TMP/$1/firms.csv" "$TMP/$2/firms.csv"; }

# A GPU is usable when the program's own CUDA path runs.
if ! run probe --backend cuda --worlds 2 --firms 10 --years 1 configs/cuts.json; then
    why=$(head -1 "$TMP/probe.err" | sed 's/.*no usable GPU: //; s/ *hint:.*//' | head -c 200)
    while read -r name; do skip "$name" "no GPU: $why"; done < <("$0" --list)
    echo "1..$n"
    exit 0
fi
gpus=$("$HC" devices | grep -c 'compute capability' || true)
gpus_usable=$("$HC" devices | grep 'compute capability' | grep -vc 'not usable' || true)

# --- the checks of gpu_checks.c, numbered into this stream
while IFS= read -r line; do
    case "$line" in
    "ok "*|"not ok "*)
        n=$((n + 1))
        echo "$line" | sed -E "s/^(not )?ok [0-9]+ - /\1ok $n - gpu_checks: /" ;;
    "1.."*) ;;
    *) echo "$line" ;;
    esac
done < <("$CHECKS" $([ "$QUICK" = 1 ] && echo --quick); echo "exit $?" >"$TMP/checks.rc")

# --- CPU against GPU, both narratives
run cpu --backend cpu "${SIZE[@]}" "${CONFIGS[@]}" && run gpu --backend cuda "${SIZE[@]}" "${CONFIGS[@]}" &&
    $PY tests/gpu/compare_bands.py "$TMP/cpu" "$TMP/gpu" --worlds "$W" --firms "$F"
ok $? "${names[0]}"

# --- more roles than the 8-role build holds: the 16- and the 64-role builds
$PY - "$TMP" "$PWD" <<'EOF'
import json, sys
tmp, root = sys.argv[1], sys.argv[2]
for n in (13, 21):  # configs/base.json has 7 roles
    roles = [{"name": "extra_%d" % i, "share": 0.02, "exposure": 0.3 + 0.02 * i, "adoption_start": 0.01 * (i % 3),
              "wage": {"dist": "lognormal", "median": 50000 + 1000 * i, "sigma": 0.2},
              "tokens_per_fte_year": {"dist": "lognormal", "p5": 2e8, "p95": 4e9}} for i in range(n - 7)]
    with open("%s/roles_%d.json" % (tmp, n), "w") as f:
        json.dump({"name": "growth_%d_roles" % n, "extends": root + "/configs/growth.json", "roles": roles}, f)
EOF
ROLES=("$TMP/roles_13.json" "$TMP/roles_21.json")
RSIZE=(--worlds "$WR" --firms "$FR" --years "$YR")
run rcpu --backend cpu "${RSIZE[@]}" "${ROLES[@]}" && run rgpu --backend cuda "${RSIZE[@]}" "${ROLES[@]}" &&
    $PY tests/gpu/compare_bands.py "$TMP/rcpu" "$TMP/rgpu" --worlds "$WR" --firms "$FR"
ok $? "${names[1]}"

# --- the same bytes: again, in chunks of 7 worlds, on two GPUs
run gpu2 --backend cuda "${SIZE[@]}" "${CONFIGS[@]}" && same_bytes gpu gpu2
ok $? "${names[2]}"
HC_CUDA_MAX_CHUNK_WORLDS=7 run chunked --backend cuda "${SIZE[@]}" "${CONFIGS[@]}" && same_bytes gpu chunked
ok $? "${names[3]}"
if [ "$gpus_usable" -ge 2 ]; then
    run one --devices 0 "${SIZE[@]}" "${CONFIGS[@]}" && run two --devices 0,1 "${SIZE[@]}" "${CONFIGS[@]}" &&
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

# --- compute-sanitizer on a small run: 3 worlds of 300 firms (two full blocks and a part)
SAN=$(command -v compute-sanitizer || ls "${CUDA:-/usr/local/cuda}"/bin/compute-sanitizer \
      "${CUDA:-/usr/local/cuda}"/compute-sanitizer/compute-sanitizer 2>/dev/null | head -1)
for i in 8 9 10 11; do
    tool=${names[$i]#compute_sanitizer_}
    tool=${tool%_is_clean}
    if [ "$QUICK" = 1 ]; then
        skip "${names[$i]}" "not on the emulator"
    elif [ -z "$SAN" ]; then
        skip "${names[$i]}" "compute-sanitizer not installed"
    else
        extra=()
        [ "$tool" = memcheck ] && extra=(--leak-check full)
        "$SAN" --tool "$tool" "${extra[@]}" --error-exitcode 99 "$HC" run --quiet --force --backend cuda \
            -o "$TMP/san_$tool" --worlds 3 --firms 300 --years 2 "${CONFIGS[@]}" >"$TMP/san_$tool.log" 2>&1
        rc=$?
        [ $rc -ne 0 ] && tail -30 "$TMP/san_$tool.log" | sed 's/^/# /'
        ok $rc "${names[$i]}"
    fi
done

grep -q "exit 0" "$TMP/checks.rc" || { n=$((n + 1)); echo "not ok $n - gpu_checks exited non-zero"; }
echo "1..$n"
