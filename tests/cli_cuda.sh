#!/usr/bin/env bash
# cli_cuda.sh: the CUDA backend's checks that need no GPU (make test; CI), as TAP.
#
#  - the build: every kernel compiled for sm_80 and sm_90, and its compute_90 PTX for a
#    newer GPU (sm_100); no register spill and no stack frame in the model kernel, on any
#    of them (nvcc -Xptxas -v logs in build/cuda, read with mk/ptxas_summary.awk); kernel
#    entry points thin; the program needing no CUDA library at run time; a build without
#    nvcc still building the CPU program;
#  - the program without a GPU: `devices`, --backend auto/cuda, --devices;
#  - the backend's host code and the kernels' code run on the CPU emulator of
#    tests/gpu/emu: the whole GPU suite (tests/gpu/run.sh) at small sizes, under three
#    thread schedules, with allocations that fail and with too little memory; the CPU
#    agreement's tolerance failing an FMA-contracted mutant of the model kernel;
#  - the GPU suite itself, which says "skipped: no GPU" where there is none.
set -u
cd "$(dirname "$0")/.."
B=${HC_BUILD:-build} # tests/run_all.sh sets HC_BUILD (build-asan under SANITIZE=1); kernels stay in build/cuda
HC="${HC_BIN:-$B/headcount}"
EMU=$B/emu/headcount
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
fold() { # prefix command...: another suite's TAP lines, numbered into this one. Its plan
    # must match the lines it printed and it must exit 0 (or 3, "unverified", whose checks
    # are printed as skips): a nested suite that dies half-way is a failure here.
    local prefix=$1 line lines=0 plan=none rc
    shift
    while IFS= read -r line; do
        case "$line" in
        "ok "*|"not ok "*) n=$((n + 1)); lines=$((lines + 1)); echo "$line" | sed -E "s/^(not )?ok [0-9]+ - /\1ok $n - $prefix: /" ;;
        "1.."*) plan=${line#1..} ;;
        *) echo "$line" ;;
        esac
    done < <("$@"; echo $? >"$TMP/fold.rc")
    rc=$(cat "$TMP/fold.rc")
    [ "$plan" = "$lines" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]; }
    ok $? "$prefix: the suite ran its whole plan (1..$plan, $lines lines, exit $rc)"
}
SMALL=(--quiet --force --worlds 8 --firms 150 --years 2)
CONFIGS=(configs/cuts.json configs/growth.json)

for f in "$HC" "$EMU" build/emu/gpu_checks build/emu/gpu_bench build/tests_gpu/gpu_checks build/bench/gpu_bench; do
    [ -x "$f" ] || { echo "not ok 1 - $f is built (make test builds it)"; echo "1..1"; exit 1; }
done
if "$HC" devices | grep -q "has no CUDA backend"; then
    have_cuda=0
else
    have_cuda=1
fi

# --- the kernels as built (mk/cuda.mk)
ARCHS=(sm_80 sm_90 sm_100)
declare -A KERNEL=([world_paths]=hc_world_paths_kernel [world_sums]=hc_world_sums_kernel
                   [percentiles]=hc_percentile_pick_kernel [firm_stats]=hc_firm_moment_kernel
                   [philox_kat]=hc_philox_kat_kernel)
# One model kernel per role capacity (HC_ROLE_CAPS, include/model/hc_defs.h).
for cap in $(sed -n 's/^#define HC_ROLE_CAPS(X)//p' include/model/hc_defs.h | tr -c '0-9' ' '); do
    KERNEL[firm_steps_r$cap]=hc_firm_steps_kernel_r$cap
done
if [ $have_cuda = 1 ]; then
    for obj in "${!KERNEL[@]}"; do
        awk -v table=1 -f mk/ptxas_summary.awk "build/cuda/$obj.ptxas.log" 2>/dev/null
    done >"$TMP/resources"
    missing=0
    for obj in "${!KERNEL[@]}"; do
        for arch in "${ARCHS[@]}"; do
            if ! grep -q "^${KERNEL[$obj]} $arch " "$TMP/resources"; then
                echo "# ${KERNEL[$obj]}: no ptxas report for $arch (build/cuda/$obj.ptxas.log)"
                missing=1
            fi
        done
    done
    ok $missing "every kernel compiled for sm_80, sm_90, and from its compute_90 PTX for sm_100"

    # columns: kernel arch registers stack_frame cumulative_stack spill_stores spill_loads shared
    grep '^hc_' "$TMP/resources" | sort | awk '{printf "# %-26s %-6s %3d registers, stack %s/%s B, spills %s/%s B\n", $1, $2, $3, $4, $5, $6, $7}'
    # Model v2 keeps five per-role arrays between its role loops: at 64 roles they no
    # longer fit in registers (the r64 build spills; a known cost, issue 14's report), so
    # only the 8- and 16-role builds are held to no spill here; r64's figures are printed.
    bad=$(awk '$1 ~ /^hc_firm_steps_kernel_r(8|16)$/ && ($4 != 0 || $5 != 0 || $6 != 0 || $7 != 0)' "$TMP/resources")
    [ -n "$bad" ] && echo "$bad" | sed 's/^/# spills or stack: /'
    count=$(grep -c '^hc_firm_steps_kernel_' "$TMP/resources")
    [ -z "$bad" ] && [ "$count" -eq 9 ]
    ok $? "the model kernel has no register spill and no local-memory stack frame (roles <= 8 and <= 16, 3 GPUs)"
    # The world-path kernel runs once per world and calls CUDA's double pow: it keeps
    # registers across those calls on a stack, which is allowed there and only there.
    bad=$(awk '$1 ~ /^hc_/ && $1 !~ /^hc_firm_steps_kernel_/ && $1 != "hc_world_paths_kernel" &&
               ($4 != 0 || $5 != 0 || $6 != 0 || $7 != 0)' "$TMP/resources")
    [ -z "$bad" ]
    ok $? "the reduction, percentile and known-answer kernels have no spill and no stack frame"
else
    for t in "every kernel compiled for sm_80, sm_90, and from its compute_90 PTX for sm_100" \
             "the model kernel has no register spill and no local-memory stack frame (roles <= 8 and <= 16, 3 GPUs)" \
             "the reduction, percentile and known-answer kernels have no spill and no stack frame"; do
        skip "$t" "no nvcc: this build has no CUDA backend"
    done
fi

# Thin entry points: each __global__ function is index arithmetic and calls into the shared
# model code; no equation of the model is written in kernels/ (no exp, log, pow...).
/usr/bin/python3 - kernels/*.cu <<'EOF'
import re, sys
bad = 0
for path in sys.argv[1:]:
    src = open(path).read()
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", src, flags=re.S)
    for m in re.finditer(r"__global__[^{;]*?\b(\w+)\s*\(([^)]*)\)\s*\{", code):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        body = [l for l in code[m.end():i - 1].splitlines() if l.strip()]
        if len(body) > 25:
            print("# %s: %s has %d lines of code; an entry point should only index and call" % (path, m.group(1), len(body)))
            bad = 1
    for f in re.findall(r"\b(expf|logf|exp|log|log1p|pow|powf|sqrt|sqrtf|exp2f|log2f)\s*\(", code):
        print("# %s calls %s: model arithmetic belongs in include/model/hc_model.h" % (path, f))
        bad = 1
model = open("kernels/firm_steps.cu").read() + open("kernels/world_paths.cu").read()
for f in ("hc_firm_sample", "hc_firm_step", "hc_firm_accumulate", "hc_firm_change_pct", "hc_world_sample", "hc_world_path"):
    if f + "(" not in model:
        print("# the kernels do not call %s" % f)
        bad = 1
sys.exit(bad)
EOF
ok $? "kernel entry points are thin and call the shared model code; no equation in kernels/"

if [ $have_cuda = 1 ]; then
    ! ldd "$HC" | grep -Eq 'libcudart|libcurand'
    ok $? "the program links cudart statically: no CUDA library needed at run time"
else
    skip "the program links cudart statically: no CUDA library needed at run time" "no nvcc"
fi

# A build without nvcc: the CPU program, with no trace of CUDA in its commands. The three
# files that differ are compiled without HC_HAVE_CUDA and linked with the other objects
# (a whole second build would take a minute of this machine).
make -n -B CUDA_BACKEND=0 BUILD="$TMP/nocuda" "$TMP/nocuda/headcount" >"$TMP/nocuda.cmds" 2>&1
! grep -v '^✗' "$TMP/nocuda.cmds" | grep -Eq 'nvcc|cudart|HC_HAVE_CUDA' &&
    grep -q ' -o '"$TMP/nocuda/headcount" "$TMP/nocuda.cmds"
ok $? "make CUDA_BACKEND=0 builds the program with no nvcc, no cudart, no HC_HAVE_CUDA"
info() { make -s --no-print-directory CUDA_BACKEND=0 "cuda-info-$1" 2>/dev/null | tail -1; }
CF=$(info cflags)
objs=$(info objects | tr ' ' '\n' | grep -Ev '/(engine_cuda_host|engine_cuda_tools|simulate|cmd_devices)\.o$')
libs=$(info ldlibs)
compile_backend() { # (a loop's `|| break` would leave status 0: a failure must end the chain)
    local f
    for f in engines/engine_cuda_host engines/engine_cuda_tools engines/simulate commands/cmd_devices; do
        cc $CF -c "src/$f.c" -o "$TMP/${f#*/}.o" || return 1
    done
}
compile_backend &&
    cc -fopenmp $objs "$TMP"/engine_cuda_host.o "$TMP"/engine_cuda_tools.o "$TMP"/simulate.o "$TMP"/cmd_devices.o $libs -o "$TMP/hc_cpu" &&
    "$TMP/hc_cpu" devices | grep -q "has no CUDA backend" &&
    { "$TMP/hc_cpu" run "${SMALL[@]}" --backend cuda -o "$TMP/nc" configs/cuts.json 2>"$TMP/nc.err"; [ $? -eq 1 ]; } &&
    grep -q "no CUDA backend" "$TMP/nc.err" &&
    "$TMP/hc_cpu" run "${SMALL[@]}" -o "$TMP/nc_cpu" "${CONFIGS[@]}" 2>/dev/null &&
    "$HC" run "${SMALL[@]}" --backend cpu -o "$TMP/cpu" "${CONFIGS[@]}" &&
    cmp -s "$TMP/nc_cpu/bands.csv" "$TMP/cpu/bands.csv"
ok $? "without nvcc the program builds, runs on the CPU (same bands) and refuses --backend cuda"

# --- the program without a GPU: CUDA_VISIBLE_DEVICES= hides every GPU from the CUDA
# runtime, so these run (and mean the same) on a machine with GPUs as on one without
(
    export CUDA_VISIBLE_DEVICES=
    "$HC" devices >"$TMP/dev.out" 2>&1 && grep -q '^no GPUs: ' "$TMP/dev.out" && [ "$(wc -l <"$TMP/dev.out")" -eq 1 ]
    ok $? "devices says no GPUs and exits 0"
    "$HC" run "${SMALL[@]}" --backend cuda -o "$TMP/c" configs/cuts.json 2>"$TMP/c.err"
    [ $? -eq 1 ] && grep -Eq "no usable GPU|has no CUDA backend" "$TMP/c.err" && grep -q "hint:" "$TMP/c.err" &&
        [ ! -e "$TMP/c/bands.csv" ]
    ok $? "--backend cuda without a GPU fails (exit 1) with a hint"
    XDG_CACHE_HOME="$TMP/fresh_cache" "$HC" run --force --worlds 8 --firms 150 --years 2 -o "$TMP/a" "${CONFIGS[@]}" \
        >/dev/null 2>"$TMP/a.err"
    [ $? -eq 0 ] && [ "$(grep -c 'no usable GPU.*running on the CPU' "$TMP/a.err")" -eq 1 ] &&
        grep -q '"backend":[[:space:]]*"cpu"' "$TMP/a/manifest.json" && cmp -s "$TMP/a/bands.csv" "$TMP/cpu/bands.csv"
    ok $? "--backend auto without a GPU runs on the CPU after a one-line notice"
    "$HC" run "${SMALL[@]}" --devices 0 -o "$TMP/d" configs/cuts.json 2>"$TMP/d.err"
    [ $? -eq 1 ] && grep -Eq -- "--devices: (no usable GPU|this build has no CUDA backend)" "$TMP/d.err"
    ok $? "--devices naming a GPU that is not there fails (exit 1)"
    echo "$n" >"$TMP/n"
)
n=$(cat "$TMP/n")
bad=0
for list in "" a 0,,1 -1 0,0 1024 "0, 1" 1, +1; do
    "$HC" run "${SMALL[@]}" --devices "$list" -o "$TMP/x" configs/cuts.json 2>"$TMP/x.err"
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q -- "--devices: expected" "$TMP/x.err"; then
        echo "# --devices '$list': exit $rc"
        bad=1
    fi
done
ok $bad "--devices rejects malformed lists (exit 2, saying what it expects)"
"$HC" run "${SMALL[@]}" --backend cpu --devices 0 -o "$TMP/x" configs/cuts.json 2>/dev/null
[ $? -eq 2 ]
ok $? "--devices with --backend cpu is a usage error"

# --- the CPU emulator of the CUDA runtime (tests/gpu/emu): the backend's own code, run
fold "emulated GPU" env HC="$EMU" CHECKS=$B/emu/gpu_checks HC_GPU_QUICK=1 HC_GPU_EMULATED=1 bash tests/gpu/run.sh
# The agreement's tolerance (HC_CUDA_AGREEMENT_REL, 1e-9) catches a contraction: the model
# kernel built with FMAs (mk/cuda.mk's mutant) moves sums by some 1e-7 and firms by float
# ulps, which the former 1e-4 and 1e-3-point tolerances let through.
if [ "$(uname -m)" = x86_64 ] && ! grep -qw fma /proc/cpuinfo; then
    skip "emulated GPU: an FMA-contracted model kernel fails the CPU agreement" "this CPU has no FMA instructions"
else
    "$B/emu/fma-mutant/gpu_checks" --quick >"$TMP/fma.tap" 2>&1
    grep -q "^not ok .* gpu_world_sums_should_match_cpu_world_by_world_within_1e-9" "$TMP/fma.tap" &&
        grep -q "^not ok .* gpu_firm_changes_should_match_cpu_firm_by_firm" "$TMP/fma.tap" &&
        grep -q "^ok .* gpu_firm_changes_should_match_cpu_firm_by_firm" < <("$B/emu/gpu_checks" --quick 2>&1)
    ok $? "emulated GPU: an FMA-contracted model kernel fails the CPU agreement, world sums and firm by firm"
fi
# compare_bands.py (the bands' agreement): one number of the GPU's tables moved by one float
# ulp (6e-8 relative) fails; the same tables pass.
ulp_off_fails() { # FILE: the GPU's FILE.csv with one value one float ulp off
    rm -rf "$TMP/cb_bad" && cp -r "$TMP/cb_gpu" "$TMP/cb_bad" &&
        awk -F, -v OFS=, 'NR == 3 { $5 = sprintf("%.10g", $5 * (1 + 6e-8)) } { print }' \
            "$TMP/cb_gpu/$1.csv" >"$TMP/cb_bad/$1.csv" && ! cmp -s "$TMP/cb_gpu/$1.csv" "$TMP/cb_bad/$1.csv" &&
        ! /usr/bin/python3 tests/gpu/compare_bands.py "$TMP/cb_cpu" "$TMP/cb_bad" --worlds 8 --firms 150 >/dev/null
}
"$EMU" run "${SMALL[@]}" --backend cpu -o "$TMP/cb_cpu" "${CONFIGS[@]}" 2>/dev/null &&
    "$EMU" run "${SMALL[@]}" --backend cuda -o "$TMP/cb_gpu" "${CONFIGS[@]}" 2>/dev/null &&
    /usr/bin/python3 tests/gpu/compare_bands.py "$TMP/cb_cpu" "$TMP/cb_gpu" --worlds 8 --firms 150 >/dev/null &&
    ulp_off_fails bands && ulp_off_fails firms
ok $? "compare_bands.py: the same tables pass; one value of bands.csv or firms.csv one float ulp off fails"
base=(--quiet --force --worlds 10 --firms 150 --years 2 "${CONFIGS[@]}")
"$EMU" run "${base[@]}" --backend cuda -o "$TMP/e_fwd" 2>/dev/null &&
    HC_EMU_SCHEDULE=reverse "$EMU" run "${base[@]}" --backend cuda -o "$TMP/e_rev" 2>/dev/null &&
    HC_EMU_SCHEDULE=random "$EMU" run "${base[@]}" --backend cuda -o "$TMP/e_rnd" 2>/dev/null &&
    cmp -s "$TMP/e_fwd/bands.csv" "$TMP/e_rev/bands.csv" && cmp -s "$TMP/e_fwd/bands.csv" "$TMP/e_rnd/bands.csv" &&
    cmp -s "$TMP/e_fwd/firms.csv" "$TMP/e_rev/firms.csv" && cmp -s "$TMP/e_fwd/firms.csv" "$TMP/e_rnd/firms.csv"
ok $? "emulated GPU: the same bytes whatever order a block's threads run in between barriers"
# Firm statistics on the device (one GPU: kernels/firm_stats.cu), in one chunk and in
# chunks of 2 worlds (every world's firm changes stay on the device, the rest comes in
# chunks), against the host's (HC_CUDA_HOST_STATS=1: every firm change is copied): every
# output file the same bytes. 9,000 firms a year: the mean's tree has three levels; the
# traced firms read the horizon's changes. One run time for all (SOURCE_DATE_EPOCH): the
# charts' PDFs carry it, and the runs may fall on either side of a second.
stats=(--quiet --force --worlds 3 --firms 3000 --years 2 --trace-percentiles 10,50,90 "${CONFIGS[@]}")
SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 "$EMU" run "${stats[@]}" --backend cuda -o "$TMP/st_dev" 2>/dev/null &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_CUDA_MAX_CHUNK_WORLDS=2 "$EMU" run "${stats[@]}" --backend cuda \
        -o "$TMP/st_chunk" 2>/dev/null &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_CUDA_HOST_STATS=1 "$EMU" run "${stats[@]}" --backend cuda \
        -o "$TMP/st_host" 2>/dev/null &&
    [ -s "$TMP/st_dev/firms.csv" ] && [ -s "$TMP/st_dev/traced_firms.csv" ] &&
    grep -q '"firm_statistics":[[:space:]]*"device"' "$TMP/st_dev/manifest.json" &&
    grep -q '"firm_statistics":[[:space:]]*"device"' "$TMP/st_chunk/manifest.json" &&
    grep -q '"firm_statistics":[[:space:]]*"host"' "$TMP/st_host/manifest.json" &&
    diff -r -q -x manifest.json -x report.html "$TMP/st_dev" "$TMP/st_chunk" >/dev/null &&
    diff -r -q -x manifest.json -x report.html "$TMP/st_dev" "$TMP/st_host" >/dev/null
ok $? "emulated GPU: firm statistics computed on the device, in one chunk or in several, give the host's bytes"
# A GPU run that asked for device statistics and could not have them says so, on stderr
# and in the manifest; one that had them says nothing.
grep -q '"firm_statistics_why":[[:space:]]*"HC_CUDA_HOST_STATS is set' "$TMP/st_host/manifest.json" &&
    ! grep -q '"firm_statistics_why"' "$TMP/st_dev/manifest.json" &&
    ! grep -q '"firm_statistics_why"' "$TMP/st_chunk/manifest.json" &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=2 "$EMU" run "${stats[@]:1}" --backend cuda \
        -o "$TMP/st_note" 2>"$TMP/st_note.err" >/dev/null &&
    grep -q '^headcount: the firm statistics were computed on the host, not on the GPU: the worlds are split across' \
        "$TMP/st_note.err" &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 "$EMU" run "${stats[@]:1}" --backend cuda -o "$TMP/st_quiet" \
        2>"$TMP/st_quiet.err" >/dev/null &&
    ! grep -q 'firm statistics were computed on the host' "$TMP/st_quiet.err"
ok $? "emulated GPU: a run whose firm statistics fell back to the host says why (stderr, manifest.json)"
# Without --trace-percentiles no firm change crosses at all, in one chunk or in chunks of
# one world (the largest copy to the host is smaller than one year of them, 36,000 bytes;
# the host-statistics run copies them, 24,000 bytes a year of a chunk of 2 worlds): the
# horizon's firm-sampling share and histogram come from the device too, the same bytes.
untraced=(--quiet --force --worlds 3 --firms 3000 --years 2 "${CONFIGS[@]}")
largest_copy() { sed -n 's/^CUDA emulator: \([0-9]*\) bytes to the host$/\1/p' "$1" | sort -n | tail -1; }
SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_EMU_LOG=3 "$EMU" run "${untraced[@]}" --backend cuda \
    -o "$TMP/nt_dev" 2>"$TMP/nt_dev.err" &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_EMU_LOG=3 HC_CUDA_MAX_CHUNK_WORLDS=1 "$EMU" run "${untraced[@]}" \
        --backend cuda -o "$TMP/nt_chunk" 2>"$TMP/nt_chunk.err" &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_EMU_LOG=3 HC_CUDA_HOST_STATS=1 HC_CUDA_MAX_CHUNK_WORLDS=2 \
        "$EMU" run "${untraced[@]}" --backend cuda -o "$TMP/nt_host" 2>"$TMP/nt_host.err" &&
    [ "$(largest_copy "$TMP/nt_dev.err")" -lt 36000 ] && [ "$(largest_copy "$TMP/nt_chunk.err")" -lt 12000 ] &&
    grep -q '"firm_statistics":[[:space:]]*"device"' "$TMP/nt_chunk/manifest.json" &&
    diff -r -q -x manifest.json -x report.html "$TMP/nt_dev" "$TMP/nt_chunk" >/dev/null &&
    grep -q '^CUDA emulator: 24000 bytes to the host$' "$TMP/nt_host.err" &&
    grep -q 'firm_change_histogram' "$TMP/nt_dev/manifest.json" &&
    diff -r -q -x manifest.json -x report.html "$TMP/nt_dev" "$TMP/nt_host" >/dev/null
ok $? "emulated GPU: with no traced firms no firm change crosses, and the share and histogram are the host's bytes"
# ... and the horizon's firm changes that still cross (on their own stream, beside the next
# scenario): into page-locked memory (every slice pinned: HC_CUDA_PIN_MIN_BYTES=1; one
# registration per scenario, each undone), or pageable where the host refuses to pin;
# the same bytes either way. The emulator holds a copy into page-locked memory back until
# something orders it (tests/gpu/emu): with the waits on events ignored
# (HC_EMU_SKIP_WAITS=1) the pinned run comes out wrong, so the waits keep it right.
SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_EMU_LOG=1 HC_CUDA_PIN_MIN_BYTES=1 "$EMU" run "${stats[@]}" \
    --backend cuda -o "$TMP/st_pin" 2>"$TMP/st_pin.err" &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_EMU_LOG=1 HC_CUDA_PIN_MIN_BYTES=1 HC_EMU_HOST_REGISTER_FAIL=1 \
        "$EMU" run "${stats[@]}" --backend cuda -o "$TMP/st_nopin" 2>"$TMP/st_nopin.err" &&
    [ "$(grep -c 'cudaHostRegister of 36000 bytes$' "$TMP/st_pin.err")" = 2 ] &&
    [ "$(grep -c 'cudaHostUnregister$' "$TMP/st_pin.err")" = 2 ] &&
    grep -q 'cudaHostRegister of 36000 bytes: refused' "$TMP/st_nopin.err" &&
    ! grep -q 'cudaHostUnregister' "$TMP/st_nopin.err" &&
    diff -r -q -x manifest.json -x report.html "$TMP/st_dev" "$TMP/st_pin" >/dev/null &&
    diff -r -q -x manifest.json -x report.html "$TMP/st_dev" "$TMP/st_nopin" >/dev/null &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 HC_CUDA_PIN_MIN_BYTES=1 HC_EMU_SKIP_WAITS=1 "$EMU" run "${stats[@]}" \
        --backend cuda -o "$TMP/st_skip" 2>/dev/null &&
    ! diff -r -q -x manifest.json -x report.html "$TMP/st_dev" "$TMP/st_skip" >/dev/null
ok $? "emulated GPU: the horizon's changes copied to pinned or to pageable memory give the same bytes (wrong without the waits)"
# The host path (HC_CUDA_HOST_STATS=1; chunks on one GPU and on two): every year's firm
# changes cross on a stream of their own while the next launch writes the other set, into
# res's firm changes page-locked once (4 B x 3 years x 9,000 firms a scenario) and unlocked
# after; the bytes of the device-statistics run, and wrong with the waits ignored. One
# scenario of 7 worlds in chunks of 2: the short last chunk writes the set after a full one.
host_path_pinned() { # REFERENCE BYTES VAR=VALUE...: the run of hp_args in that environment
    local ref=$1 bytes=$2
    shift 2
    env SOURCE_DATE_EPOCH=1700000000 HC_EMU_LOG=1 HC_CUDA_PIN_MIN_BYTES=1 HC_CUDA_HOST_STATS=1 "$@" "$EMU" run \
        "${hp_args[@]}" --backend cuda -o "$TMP/hp" 2>"$TMP/hp.err" &&
        [ "$(grep -c "cudaHostRegister of $bytes bytes\$" "$TMP/hp.err")" = 1 ] &&
        [ "$(grep -c 'cudaHostUnregister$' "$TMP/hp.err")" = 1 ] &&
        diff -r -q -x manifest.json -x report.html "$ref" "$TMP/hp" >/dev/null &&
        env SOURCE_DATE_EPOCH=1700000000 HC_EMU_SKIP_WAITS=1 HC_CUDA_PIN_MIN_BYTES=1 HC_CUDA_HOST_STATS=1 "$@" \
            "$EMU" run "${hp_args[@]}" --backend cuda -o "$TMP/hp_skip" 2>/dev/null &&
        ! diff -r -q -x manifest.json -x report.html "$ref" "$TMP/hp_skip" >/dev/null
}
hp_args=("${stats[@]}")
host_path_pinned "$TMP/st_dev" 216000 HC_EMU_DEVICES=1 HC_CUDA_MAX_CHUNK_WORLDS=1 &&
    host_path_pinned "$TMP/st_dev" 216000 HC_EMU_DEVICES=2 HC_CUDA_MAX_CHUNK_WORLDS=1 &&
    hp_args=(--quiet --force --worlds 7 --firms 3000 --years 2 --trace-percentiles 10,50,90 configs/cuts.json) &&
    SOURCE_DATE_EPOCH=1700000000 HC_EMU_DEVICES=1 "$EMU" run "${hp_args[@]}" --backend cuda -o "$TMP/one_dev" \
        2>/dev/null &&
    host_path_pinned "$TMP/one_dev" 252000 HC_EMU_DEVICES=1 HC_CUDA_MAX_CHUNK_WORLDS=2
ok $? "emulated GPU: the host path's firm changes cross pinned beside the next launch, the same bytes (and wrong without the waits)"
# Free memory over-reported: 10 worlds of 5000 firms want some 570 KiB, the GPU has 200;
# the first allocation fails and the chunk halves until it fits (2 worlds).
big=(--quiet --force --worlds 10 --firms 5000 --years 1 "${CONFIGS[@]}")
HC_EMU_DEVICES=1 "$EMU" run "${big[@]}" --backend cuda -o "$TMP/e_big" 2>/dev/null &&
    HC_EMU_DEVICES=1 HC_EMU_DEVICE_KIB=200 HC_EMU_REPORT_KIB=4194304 HC_EMU_LOG=1 \
        "$EMU" run "${big[@]}" --backend cuda -o "$TMP/e_small" 2>"$TMP/e_small.err" &&
    grep -q "cudaMalloc.*out of emulated memory" "$TMP/e_small.err" &&
    cmp -s "$TMP/e_big/bands.csv" "$TMP/e_small/bands.csv" && cmp -s "$TMP/e_big/firms.csv" "$TMP/e_small/firms.csv"
ok $? "emulated GPU: an allocation that fails shrinks the chunk, and the bytes stay the same"
HC_EMU_DEVICES=1 HC_EMU_DEVICE_KIB=0 "$EMU" run "${base[@]}" --backend cuda -o "$TMP/e_none" 2>"$TMP/e_none.err"
# (under SANITIZE=1, ASan adds its warnings about the emulator's swapcontext: not ours to count)
[ $? -eq 1 ] && grep -q "^headcount: GPU 0 has .* MiB free" "$TMP/e_none.err" && grep -q "^hint: lower --firms" "$TMP/e_none.err" &&
    [ "$(grep -v '^==[0-9]*==WARNING: ASan\|^False positive error reports\|^For details see https://github.com/google/sanitizers' "$TMP/e_none.err" | grep -cv '^hint: ')" -eq 1 ]
ok $? "emulated GPU: too little memory for one world is a one-line error and a hint (exit 1)"

# --- the GPU suite (make test-gpu): runs where the driver's probe finds a usable GPU; on a
# machine without one, each of its checks is a skip, "no GPU" (the suite itself then
# fails, "nothing was checked": that is make test-gpu's verdict, not make test's)
if why=$(bash tests/gpu/run.sh --probe); then
    fold "GPU" bash tests/gpu/run.sh
else
    while read -r name; do skip "GPU: $name" "no GPU (${why%%:*})"; done < <(bash tests/gpu/run.sh --list)
fi

echo "1..$n"
