#!/usr/bin/env bash
# cli_gpu_bundle.sh: the offline GPU check (make gpu-bundle; tests/gpu/gpu_check.sh), tested
# where there is no GPU, as TAP:
#  - the folder scripts/gpu_bundle.sh assembles from the CUDA build's bundle links needs
#    nothing beyond glibc and the driver: its binaries find their other libraries beside them;
#  - with those real binaries and no GPU, gpu_check.sh says "no usable GPU: nothing was
#    checked", marks every check UNVERIFIED (never PASS) and exits 1;
#  - with the emulated binaries (--emulated), the same script runs every check on the CPU
#    emulator at small sizes to a verdict of UNVERIFIED (exit 3): the suite's checks pass,
#    the ones a GPU alone can prove are UNVERIFIED with their reasons, none fails.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/tap.sh
B=${HC_BUILD:-build}
LINK=$B/bundle-link
EMU=$B/emu

# --- the real binaries, linked for the bundle (mk/gpu_bundle.mk)
if [ -x "$LINK/headcount" ]; then
    bash scripts/gpu_bundle.sh "$TMP/real" "$LINK/headcount" "$LINK/gpu_checks" "$LINK/gpu_bench" >"$TMP/real.out" 2>&1
    ok $? "gpu_bundle.sh assembles the folder from the bundle links"
    bad=0
    for b in "$TMP"/real/bin/*; do
        readelf -d "$b" | grep -q 'R.*PATH.*\$ORIGIN/\.\./lib' || { echo "# $b: no rpath \$ORIGIN/../lib"; bad=1; }
        # every library it needs is glibc's, the loader, or one beside it in lib/
        LD_LIBRARY_PATH='' ldd "$b" | awk '$2 == "=>" {print $1, $3}' |
            grep -vE '^(libc|libm|libdl|librt|libpthread|ld-linux[^ ]*)\.so' | grep -v " $TMP/real/bin/../lib/" &&
            { echo "# $b needs the libraries above from outside the bundle"; bad=1; }
    done
    ok $bad "the bundle's binaries need nothing beyond glibc and the driver (the rest beside them, rpath \$ORIGIN/../lib)"
    if bash tests/gpu/run.sh --probe >/dev/null 2>&1; then
        skip "gpu_check.sh without a GPU says so" "this machine has a GPU"
    else
        GPU_CHECK_OUT=$TMP/real_out bash "$TMP/real/gpu_check.sh" >"$TMP/real_check.out" 2>&1
        rc=$?
        s=$TMP/real_out/summary.txt
        [ $rc -eq 1 ] && grep -q "no usable GPU: nothing was checked" "$TMP/real_check.out" &&
            grep -q "^verdict: FAIL (0 passed, 0 failed, [1-9][0-9]* unverified)" "$s" &&
            ! grep -qE '^(PASS|FAIL) ' "$s" && [ "$(grep -c '^UNVERIFIED .*no usable GPU' "$s")" -ge 15 ] &&
            grep -q "^UNVERIFIED .*past_2^31" "$s" && grep -q "^UNVERIFIED .*ptx_jit" "$s"
        ok $? "gpu_check.sh without a GPU: exit 1, every check UNVERIFIED 'no usable GPU', none PASS (exit $rc)"
    fi
else
    skip "the real bundle" "this build has no CUDA backend (no nvcc)"
fi

# --- the emulated binaries: the same script, every check, a verdict of UNVERIFIED at best
bash scripts/gpu_bundle.sh "$TMP/emu" "$EMU/headcount" "$EMU/gpu_checks" "$EMU/gpu_bench" --emulated >/dev/null 2>&1 &&
    GPU_CHECK_OUT=$TMP/emu_out bash "$TMP/emu/gpu_check.sh" >"$TMP/emu_check.out" 2>&1
rc=$?
s=$TMP/emu_out/summary.txt
[ $rc -eq 3 ] && grep -q "^EMULATED: " "$s" && grep -q "^verdict: UNVERIFIED ([1-9][0-9]* passed, 0 failed" "$s"
ok $? "emulated bundle: gpu_check.sh ends UNVERIFIED, exit 3, nothing failed (exit $rc)"
[ $rc -ne 1 ] || sed 's/^/# /' "$s" | grep -E '^# (FAIL|verdict)'
grep -q "^PASS  *suite: cpu_vs_gpu_bands_within_1e-9_cuts_growth" "$s" &&
    grep -q "^PASS  *suite: gpu_checks: gpu_firm_changes_should_match_cpu_firm_by_firm" "$s" &&
    grep -q "^PASS  *suite: chunked_runs_give_the_same_bytes" "$s"
ok $? "emulated bundle: the suite ran in the bundle and its checks passed (CPU agreement at 1e-9)"
bad=0
for c in real_gpu "past_2^31_elements" ptx_jit_gives_the_same_bytes_as_sass benchmark \
         "suite: compute_sanitizer_memcheck_is_clean"; do
    grep -F "$c" "$s" | grep -q "^UNVERIFIED  *.*: ." || { echo "# $c: not UNVERIFIED with a reason"; bad=1; }
done
[ $bad -eq 0 ]
ok $? "emulated bundle: what only a GPU proves (real GPU, 2^31, PTX JIT, benchmark, sanitizers) is UNVERIFIED with a reason"
grep -q "^--- benchmark" "$s" && grep -q "firm-steps/s\|skipped" "$s"
ok $? "emulated bundle: the summary carries the benchmark table"

echo "1..$n"
