# tap.sh: what every command-line suite (tests/cli_*.sh) shares; source it after `cd`
# to the repository root. It prints TAP: "ok N - name" / "not ok N - name", and the
# suite ends with `echo "1..$n"`.
#
#   HC        the program under test (tests/run_all.sh sets HC_BIN for other builds)
#   TMP       a scratch folder, removed when the suite exits
#   ok STATUS NAME            passes when STATUS is 0
#   check NAME COMMAND...     passes when COMMAND succeeds
#   status_is WANT NAME CMD.. passes when CMD exits WANT; its stdout and stderr are
#                             left in $TMP/out and $TMP/err for further checks
#   py_ok NAME SCRIPT ARGS... passes when the Python script (Debian's python3) exits 0
#   skip NAME WHY             a test that cannot run here, counted as a TAP skip
#   interrupt_timed SIG PID   sends SIG to PID and waits: sets rc (its exit status) and
#                             took (ms from the signal to its end)

HC="${HC_BIN:-$PWD/build/headcount}"
PY=/usr/bin/python3
# No PNG/PDF copies of the charts (2 s a run with rsvg-convert): cli_report.sh turns them on
# where it checks them (`env -u HEADCOUNT_RSVG_CONVERT`).
export HEADCOUNT_RSVG_CONVERT=
TMP=$(mktemp -d)
# Notices said once per machine (hc_notice_once) are remembered here, not in ~/.cache.
export XDG_CACHE_HOME="$TMP/cache"
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
n=0

ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

interrupt_timed() {
    kill -"$1" "$2"
    local start
    start=$(date +%s%3N)
    wait "$2"
    rc=$?
    took=$(($(date +%s%3N) - start))
}

check() {
    local name=$1; shift
    "$@" >/dev/null 2>&1
    ok $? "$name"
}

status_is() {
    local want=$1 name=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    [ "$got" -eq "$want" ] || echo "# exit $got, expected $want: $(head -c 400 "$TMP/err")"
    ok $([ "$got" -eq "$want" ]; echo $?) "$name"
}

py_ok() {
    local name=$1 script=$2; shift 2
    "$PY" -c "$script" "$@" >"$TMP/py.out" 2>&1
    local rc=$?
    [ $rc -eq 0 ] || sed 's/^/# /' "$TMP/py.out" | tail -8
    ok $rc "$name"
}

skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}
