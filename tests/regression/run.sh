#!/usr/bin/env bash
# tests/regression/run.sh: golden digests. Runs every case of cases.sh and compares the
# SHA-256 of each output table with tests/regression/<case>.sha256, so a change of the
# numbers between commits is always seen (TAP output; `make test` runs it).
#
#   bash tests/regression/run.sh            check (one TAP line per case)
#   bash tests/regression/run.sh --update   rewrite the digests and print which changed
#                                           (`make test-update`); commit them with the reason
#
# Hashed: every file a case writes except manifest.json (it records timings, the host and
# the commit) and report.html (it embeds the run's timing), and the charts' PNG and PDF
# copies (rsvg-convert's bytes, which depend on its version and fonts, and are there only
# where it is installed). The tables, summary.md, the charts' SVGs, samples,
# trajectories, traces and worlds.f64 are all covered.
set -u
cd "$(dirname "$0")/../.."
HERE=tests/regression
B=${HC_BUILD:-build}
HC="${HC_BIN:-$PWD/$B/headcount}"
HC_MPI="$PWD/$B/mpi/headcount"
HC_EMU="$PWD/$B/emu/headcount"
# Relative: traced_firms.csv records the command that replays a firm, config path included,
# so an absolute path would tie the digests to where the checkout lives.
C=configs
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
MPIRUN="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout -k 5 120 mpirun --oversubscribe"
# samples.json records the run's date: pinned (2026-12-03), so the digests do not move
# with the day (SOURCE_DATE_EPOCH, src/commands/cli.c hc_cli_run_time).
export SOURCE_DATE_EPOCH=1796256000
# The charts' PNG and PDF copies are not hashed (see above): not made, to save their time.
export HEADCOUNT_RSVG_CONVERT=
. "$HERE/cases.sh"

update=0
[ "${1:-}" = "--update" ] && update=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# samples.json names the commit the program was built from (as the manifest does): read
# as "commit C", so the digests do not move with every commit.
digests() { # digests DIR: "sha256  relative/path" for every hashed file, sorted
    (cd "$1" && find . -type f ! -name manifest.json ! -name report.html ! -name '.*' ! -name '*.png' ! -name '*.pdf' |
        sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
            if [ "${f##*/}" = samples.json ]; then
                printf '%s  %s\n' "$(sed -E 's/\(model ([0-9]+), commit [^)]*\)/(model \1, commit C)/' "$f" |
                    sha256sum | cut -d' ' -f1)" "$f"
            else
                printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
            fi
        done)
}

n=0 changed=()
for c in $CASES; do
    n=$((n + 1))
    OUT="$TMP/$c"
    if ! "case_$c" >"$TMP/$c.log" 2>&1; then
        echo "not ok $n - $c: the command failed"
        sed 's/^/# /' "$TMP/$c.log" | head -20
        continue
    fi
    digests "$OUT" >"$TMP/$c.sha256"
    want="$HERE/$c.sha256"
    if [ "$update" -eq 1 ]; then
        if ! cmp -s "$TMP/$c.sha256" "$want" 2>/dev/null; then
            changed+=("$c")
            echo "# $c: digests changed:"
            diff <(cat "$want" 2>/dev/null) "$TMP/$c.sha256" | grep '^[<>]' | sed 's/^/#   /'
            cp "$TMP/$c.sha256" "$want"
        fi
        echo "ok $n - $c: digests written"
    elif [ ! -f "$want" ]; then
        echo "not ok $n - $c: no digests in $want (make test-update writes them)"
    elif cmp -s "$TMP/$c.sha256" "$want"; then
        echo "ok $n - $c: $(wc -l <"$want") output files byte-identical to the golden digests"
    else
        echo "not ok $n - $c: outputs differ from the golden digests ($want)"
        diff "$want" "$TMP/$c.sha256" | grep '^[<>]' | sed 's/^/#   /'
        echo "#   if the change of numbers is intended: make test-update, and commit with the reason"
    fi
done
if [ "$update" -eq 1 ]; then
    [ ${#changed[@]} -eq 0 ] && echo "# no digests changed" || echo "# changed: ${changed[*]}"
fi
echo "1..$n"
