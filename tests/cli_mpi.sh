#!/usr/bin/env bash
# cli_mpi.sh: a run split across MPI ranks writes the bytes of a single process, and a
# rank that fails ends the job (TAP output; docs/cluster.md).
# Run from the repository root after `make test` has built the MPI variant
# build/mpi/headcount (mk/mpi.mk); without MPI the suite fails (a missing prerequisite).
set -u
. "$(dirname "$0")/tap.sh"
HC_MPI="$PWD/${HC_BUILD:-build}/mpi/headcount"

# MPI is a prerequisite of `make test` (scripts/setup.sh installs Open MPI, mk/mpi.mk builds
# the variant): without it nothing here was checked, which is a failure, not a skip.
if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$HC_MPI" ]; then
    echo "not ok 1 - MPI is there (mpirun or $HC_MPI missing: make test installs and builds both)"
    echo "1..1"
    exit 1
fi

# CI runs as root in a container on 2 cores: allow root, more ranks than cores, and no
# cross-process memory attach (it needs ptrace rights containers often withhold).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# Under `make SANITIZE=1`, LeakSanitizer reports Open MPI's own allocations kept until
# exit; headcount's leaks are checked on the plain build by the other suites.
MPI_ENV=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
# Every mpirun is bounded: a hang fails the test (status 124 or 137) instead of CI.
MPIRUN=("${MPI_ENV[@]}" timeout -k 5 120 mpirun --oversubscribe)

mpi_run() { # mpi_run NP OUT [mpirun options --] [run options]: 0 on success
    local np=$1 out=$2; shift 2
    local mpi_opts=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do mpi_opts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    "${MPIRUN[@]}" -np "$np" "${mpi_opts[@]}" "$HC_MPI" run "${SMALL[@]}" "$@" -o "$out" "${CONFIGS[@]}" \
        >"$out.log" 2>&1
}
same_outputs() { # same_outputs NAME DIR: bands.csv, firms.csv, summary.md equal the reference's
    local f
    for f in bands.csv firms.csv summary.md; do
        cmp -s "$TMP/ref/$f" "$2/$f"
        ok $? "$1: $f is byte-identical to a single process"
    done
}
same_other_files() { # same_other_files NAME DIR: the same file names, and the same bytes but
    local f bad=0   # in manifest.json and report.html, which record times
    [ "$(cd "$TMP/ref" && find . | sort)" = "$(cd "$2" && find . | sort)" ]
    ok $? "$1: the out folder lists the files of a single process's, nothing more"
    for f in $(cd "$TMP/ref" && find . -type f ! -name manifest.json ! -name report.html); do
        cmp -s "$TMP/ref/$f" "$2/$f" || { echo "# $f differs"; bad=1; }
    done
    ok $bad "$1: every other output file is byte-identical to a single process's"
}
manifest_ranks() { # manifest_ranks DIR N: manifest.json records N ranks
    /usr/bin/python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["ranks"] != int(sys.argv[2]))' \
        "$1/manifest.json" "$2" 2>/dev/null
}

# 25 worlds: divisible by neither 2, 3 nor 4, so the blocks differ in size.
SMALL=(--quiet --worlds 25 --firms 30 --years 3 --threads 1)
CONFIGS=(configs/cuts.json configs/growth.json)

! ldd "$HC" | grep -q libmpi; ok $? "the plain build/headcount does not link MPI"
"$HC" run "${SMALL[@]}" -o "$TMP/ref" "${CONFIGS[@]}" >/dev/null 2>&1
ok $? "single-process reference run"
[ "$(wc -l <"$TMP/ref/bands.csv")" -gt 100 ] && [ "$(wc -l <"$TMP/ref/firms.csv")" -gt 4 ]
ok $? "the reference tables hold rows (the comparisons below are not vacuous)"

"${MPI_ENV[@]}" "$HC_MPI" run "${SMALL[@]}" -o "$TMP/alone" "${CONFIGS[@]}" >"$TMP/alone.log" 2>&1
ok $? "the MPI build runs without mpirun, as one process"
same_outputs "MPI build without mpirun" "$TMP/alone"

for np in 1 2 3 4; do
    mpi_run "$np" "$TMP/np$np"
    rc=$?
    [ "$rc" -eq 0 ] || echo "# exit $rc: $(head -c 600 "$TMP/np$np.log")"
    ok "$rc" "mpirun -np $np: run succeeds"
    same_outputs "mpirun -np $np" "$TMP/np$np"
    manifest_ranks "$TMP/np$np" "$np"; ok $? "mpirun -np $np: manifest.json records $np rank(s)"
done
same_other_files "mpirun -np 4" "$TMP/np4"
[ ! -s "$TMP/np4.log" ]; ok $? "mpirun -np 4 --quiet prints nothing"

# Seven elements per message: every block crosses many message borders, as blocks of
# more than 2^31 elements do with the real limit.
mpi_run 3 "$TMP/chunk" -x HC_TEST_MPI_CHUNK=7 --
ok $? "mpirun -np 3 with 7-element messages: run succeeds"
same_outputs "7-element messages" "$TMP/chunk"

SMALL=(--quiet --worlds 3 --firms 30 --years 3 --threads 1)
"$HC" run "${SMALL[@]}" -o "$TMP/ref" --force "${CONFIGS[@]}" >/dev/null 2>&1
mpi_run 4 "$TMP/few"
ok $? "mpirun -np 4 with 3 worlds (a rank with none): run succeeds"
same_outputs "3 worlds on 4 ranks" "$TMP/few"
SMALL=(--quiet --worlds 25 --firms 30 --years 3 --threads 1)

# --- GPUs under MPI: the ranks of a node share its GPUs (src/engines/simulate.c, the hook
# of hc_mpi.h). The MPI build over the CPU emulator (build/mpi/emu/headcount), 2 ranks x 2
# emulated GPUs and 3 ranks x 2, against one process on one emulated GPU, byte for byte;
# HC_EMU_LOG=2 names each GPU the first time a process launches on it, so each rank's
# line says which GPU it took (both GPUs in each rank would print four lines).
HC_MPI_EMU="$PWD/${HC_BUILD:-build}/mpi/emu/headcount"
if [ ! -x "$HC_MPI_EMU" ]; then
    echo "not ok $((n + 1)) - the MPI build over the GPU emulator is built ($HC_MPI_EMU: make test builds it)"
    n=$((n + 1))
else
    HC_EMU_DEVICES=1 "${MPI_ENV[@]}" "$HC_MPI_EMU" run "${SMALL[@]}" --backend cuda -o "$TMP/gpu1" \
        "${CONFIGS[@]}" >"$TMP/gpu1.log" 2>&1
    ok $? "emulated GPU: one process on one GPU (the reference)"
    for np in 2 3; do
        "${MPIRUN[@]}" -np "$np" -x HC_EMU_DEVICES=2 -x HC_EMU_LOG=2 "$HC_MPI_EMU" run "${SMALL[@]}" \
            --backend cuda -o "$TMP/gpu_np$np" "${CONFIGS[@]}" >"$TMP/gpu_np$np.log" 2>&1
        ok $? "emulated GPU: mpirun -np $np over 2 GPUs succeeds"
        bad=0
        for f in bands.csv firms.csv summary.md; do cmp -s "$TMP/gpu1/$f" "$TMP/gpu_np$np/$f" || bad=1; done
        ok $bad "emulated GPU: mpirun -np $np x 2 GPUs writes the bytes of one process on one GPU"
    done
    # 2 ranks: GPU 0 and GPU 1 once each; 3 ranks: the third shares GPU 0
    [ "$(grep -c '^emu: GPU 0 runs kernels' "$TMP/gpu_np2.log")" -eq 1 ] &&
        [ "$(grep -c '^emu: GPU 1 runs kernels' "$TMP/gpu_np2.log")" -eq 1 ] &&
        [ "$(grep -c '^emu: GPU 0 runs kernels' "$TMP/gpu_np3.log")" -eq 2 ] &&
        [ "$(grep -c '^emu: GPU 1 runs kernels' "$TMP/gpu_np3.log")" -eq 1 ]
    ok $? "emulated GPU: each rank takes its share of the node's GPUs by local rank"
fi

# --- failures end the whole job, with the failing rank's message and no output
for rank in 1 0; do
    mpi_run 3 "$TMP/fail$rank" -x HC_TEST_FAIL_RANK=$rank --
    rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]
    ok $? "a failing rank $rank ends the job with a non-zero status, within the time bound (exit $rc)"
    grep -q "headcount: rank $rank of 3 (.*): failing on purpose" "$TMP/fail$rank.log"
    ok $? "the failing rank $rank says who it is and why"
    [ ! -e "$TMP/fail$rank/bands.csv" ] && [ ! -e "$TMP/fail$rank/manifest.json" ]
    ok $? "a job with a failed rank $rank writes no table"
done

"${MPIRUN[@]}" -np 2 "$HC_MPI" run --worlds abc "${CONFIGS[@]}" >"$TMP/usage.log" 2>&1
rc=$?
[ "$rc" -eq 2 ]; ok $? "a usage error under mpirun exits 2 (exit $rc)"

mkdir -p "$TMP/held" && : >"$TMP/held/manifest.json" # not headcount's: refused without --force
mpi_run 2 "$TMP/held"
rc=$?
[ "$rc" -eq 2 ] && grep -q "not a headcount run" "$TMP/held.log"
ok $? "rank 0 refusing the out folder ends the job with exit 2 (exit $rc)"

# Interrupted: rank 0 creates the stage beside the out folder just before simulating
# (docs/hardening.md); a SIGINT then must
# end a run that would otherwise take tens of seconds, and write nothing. `timeout`
# passes the SIGINT on to mpirun, which passes it on to the ranks.
"${MPIRUN[@]}" -np 2 "$HC_MPI" run --quiet --worlds 400 --firms 2000 --years 10 --threads 1 \
    -o "$TMP/int" "${CONFIGS[@]}" >"$TMP/int.log" 2>&1 &
pid=$!
for _ in $(seq 600); do [ -d "$TMP/.int.stage" ] && break; sleep 0.1; done
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]
ok $? "SIGINT ends an MPI run with a non-zero status, within the time bound (exit $rc)"
[ ! -e "$TMP/int/bands.csv" ]; ok $? "an interrupted MPI run writes no table"

echo "1..$n"
