#!/usr/bin/env bash
# Runs every test of headcount (called by `make test`): the cmocka binaries under
# build/tests and the command-line suites tests/cli_*.sh, all speaking TAP. Prints one
# closing line "N passed, N failed" and exits non-zero if anything failed or crashed.
# HC_BUILD names the build folder (the Makefile passes build-asan under SANITIZE=1); the
# command-line suites find the program in HC_BIN.
set -u
cd "$(dirname "$0")/.."
export CMOCKA_MESSAGE_OUTPUT=TAP
HC_BUILD=${HC_BUILD:-build}
export HC_BUILD HC_BIN="$PWD/$HC_BUILD/headcount"
passed=0 failed=0 broken=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

run_suite() { # name, command...
    local name=$1; shift
    local out="$log/$(basename "$name").tap" rc
    "$@" >"$out" 2>"$out.err"
    rc=$?
    local ok bad
    ok=$(grep -c '^ok ' "$out")
    bad=$(grep -c '^not ok ' "$out")
    passed=$((passed + ok)); failed=$((failed + bad))
    if [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ] || [ "$ok" -eq 0 ]; then
        broken+=("$name")
        echo "FAIL $name (exit $rc, $ok ok, $bad not ok)"
        grep -A8 '^not ok ' "$out" | head -60
        tail -20 "$out.err"
        [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && failed=$((failed + 1))
    else
        echo "ok   $name ($ok tests)"
    fi
}

for t in "$HC_BUILD"/tests/*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    run_suite "$t" "$t"
done
for t in tests/cli_*.sh; do
    run_suite "$t" bash "$t"
done
# Golden digests: the numbers of the current commit, checked against the committed ones.
run_suite tests/regression/run.sh bash tests/regression/run.sh

echo
[ ${#broken[@]} -gt 0 ] && echo "failing suites: ${broken[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
