#!/usr/bin/env bash
# Runs every test of headcount (called by `make test`): the cmocka binaries under
# build/tests and the command-line suites tests/cli_*.sh, all speaking TAP, then the golden
# digests. Counts honestly (tests/README.md "How the runner counts"):
#   - "ok N - name"            a pass
#   - "ok N - name # SKIP why" a skip, never a pass (only the real-GPU checks may skip)
#   - "not ok N - name"        a failure
#   - every suite must print one plan "1..N" and exactly N test lines, and exit 0: a suite
#     that dies half-way, prints no plan, or exits non-zero is one more failure
#   - a fuzz corpus replay (build/tests/regress_fuzz_*: one line per input) is ONE test,
#     shown with the number of inputs it replayed
# Closing line: "N passed, N failed, N skipped"; exits non-zero if anything failed.
# HC_BUILD names the build folder (the Makefile passes build-asan under SANITIZE=1); the
# command-line suites find the program in HC_BIN.
set -u
cd "$(dirname "$0")/.."
export CMOCKA_MESSAGE_OUTPUT=TAP
# No PNG/PDF copies of the charts in the suites (2 s a run); cli_report.sh checks them itself.
export HEADCOUNT_RSVG_CONVERT=
HC_BUILD=${HC_BUILD:-build}
export HC_BUILD HC_BIN="$PWD/$HC_BUILD/headcount"
passed=0 failed=0 skipped=0 broken=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# tap_counts FILE: "ok skip bad lines plans plan" of a TAP stream (plan: the first one's N).
tap_counts() {
    awk '/^ok /     { if (tolower($0) ~ /# *skip/) s++; else o++; next }
         /^not ok / { b++; next }
         /^1\.\.[0-9]+[[:space:]]*$/ { if (!np++) plan = substr($0, 4) + 0 }
         END { printf "%d %d %d %d %d %d\n", o, s, b, o + s + b, np, plan }' "$1"
}

run_suite() { # name, command...
    local name=$1; shift
    local out="$log/$(basename "$name").tap" rc
    "$@" >"$out" 2>"$out.err"
    rc=$?
    local ok skip bad lines plans plan why=()
    read -r ok skip bad lines plans plan < <(tap_counts "$out")
    [ "$rc" -ne 0 ] && why+=("exit $rc")
    [ "$plans" -ne 1 ] && why+=("$plans plans (want one 1..N)")
    [ "$plans" -eq 1 ] && [ "$plan" -ne "$lines" ] && why+=("plan 1..$plan but $lines test lines")
    [ "$lines" -eq 0 ] && why+=("no tests")
    case "$(basename "$name")" in
    regress_fuzz_*) # a corpus replay: one test, however many inputs
        if [ "$bad" -eq 0 ] && [ "$skip" -eq 0 ] && [ ${#why[@]} -eq 0 ]; then
            passed=$((passed + 1))
            echo "ok   $name (1 test: $ok inputs replayed)"
        else
            failed=$((failed + 1)); broken+=("$name")
            echo "FAIL $name (1 test: $bad of $lines inputs failed${why:+; ${why[*]}})"
            grep -A8 '^not ok ' "$out" | head -60
            tail -20 "$out.err"
        fi
        return
        ;;
    esac
    passed=$((passed + ok)); failed=$((failed + bad)); skipped=$((skipped + skip))
    if [ "$bad" -ne 0 ] || [ ${#why[@]} -ne 0 ]; then
        broken+=("$name")
        # a broken suite (died, no plan, wrong count) is a failure even with no "not ok"
        [ ${#why[@]} -ne 0 ] && failed=$((failed + 1))
        echo "FAIL $name ($ok passed, $bad failed, $skip skipped${why:+; ${why[*]}})"
        grep -A8 '^not ok ' "$out" | head -60
        tail -20 "$out.err"
    else
        echo "ok   $name ($ok passed${skip:+, $skip skipped})" | sed 's/, 0 skipped//'
    fi
    grep -i '^ok .*# *skip' "$out" | sed 's/^ok [0-9]* - /     skipped: /' | head -40
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
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
