#!/usr/bin/env bash
# cli_hardening.sh: headcount under hostile conditions, end to end (TAP; docs/hardening.md):
# extreme but valid inputs finish with finite outputs; inputs that a firm's 32-bit floats
# cannot hold are refused before the run; sizes that do not fit are refused up front, also
# under `ulimit -v`; memory running out anywhere ends with a message, never a crash;
# SIGINT and SIGTERM stop a run with 130 and leave earlier results untouched; bad out
# paths are refused. Run from the repository root; tests/run_all.sh calls it.
set -u
HC="${HC_BIN:-$PWD/build/headcount}" # tests/run_all.sh sets HC_BIN
FAIL_ALLOC="$PWD/${HC_BUILD:-build}/lib/fail_alloc.so" # mk/fuzz.mk
ROOT="$PWD"
TMP=$(mktemp -d)
trap 'chmod -R u+w "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
n=0
ok() { # ok CONDITION-EXIT-STATUS NAME
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
status_is() { # status_is EXPECTED NAME COMMAND...
    local want=$1 name=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    [ "$got" -eq "$want" ] || echo "# exit $got, expected $want: $(head -c 400 "$TMP/err")"
    ok $([ "$got" -eq "$want" ]; echo $?) "$name"
}
# ASan maps terabytes of shadow memory and brings its own allocator: the memory-cap and
# allocation-failure tests cannot run under SANITIZE=1.
sanitized=0
grep -qa __asan_init "$HC" && sanitized=1 # gcc links libasan dynamically, clang statically

CONFIGS=(configs/cuts.json configs/growth.json)
SMALL=(--quiet --worlds 6 --firms 20 --years 3)

# Every number in every table, JSON file and text of an out folder is finite.
all_finite() {
    /usr/bin/python3 - "$1" <<'PY'
import csv, json, math, os, re, sys
bad = []
def no_constant(c):
    raise ValueError("non-finite JSON constant " + c)
word = re.compile(r"(?<![A-Za-z_])-?(nan|inf|infinity)(?![A-Za-z_])", re.I)
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        if f.endswith(".csv"):
            for row in csv.reader(open(p)):
                for cell in row:
                    try:
                        if not math.isfinite(float(cell)):
                            bad.append("%s: %s" % (p, cell))
                    except ValueError:
                        pass
        elif f.endswith(".json"):
            try:
                json.load(open(p), parse_constant=no_constant)
            except ValueError as e:
                bad.append("%s: %s" % (p, e))
        elif f.endswith((".md", ".html", ".svg")):
            m = word.search(open(p, errors="replace").read())
            if m:
                bad.append("%s: %s" % (p, m.group(0)))
for b in bad[:5]:
    print("# " + b)
sys.exit(1 if bad else 0)
PY
}

# --- extreme but valid inputs: the run finishes and every output number is finite
extreme() { # extreme NAME ARGS...
    local name=$1; shift
    local out="$TMP/x$n"
    "$HC" run "$@" -o "$out" "${CONFIGS[@]}" >/dev/null 2>"$TMP/err"
    local rc=$?
    [ $rc -eq 0 ] || echo "# exit $rc: $(head -c 300 "$TMP/err")"
    [ $rc -eq 0 ] && all_finite "$out"
    ok $? "$name: finishes with finite outputs"
    rm -rf "$out"
}
extreme "price 1e-9 USD per million tokens" "${SMALL[@]}" --set inference.price_per_mtok=1e-9
extreme "price 1e9 USD per million tokens" "${SMALL[@]}" --set inference.price_per_mtok=1e9
extreme "growth rates near -1" "${SMALL[@]}" --set firms.demand_growth=-0.99 --set wages.annual_growth=-0.99 \
    --set compute.annual_budget_growth=-0.99 --set inference.annual_token_growth=-0.99 \
    --set inference.annual_price_change=-0.999999 --set capability.annual_error_change=-0.99 \
    --set firms.expected_price_change=-0.99
extreme "firms of 1e9 employees" "${SMALL[@]}" --set firms.size_classes=null --set firms.headcount=1e9
extreme "1 world of 1 firm" --quiet --worlds 1 --firms 1 --years 3
extreme "1 step (1 year of 1 step)" --quiet --worlds 6 --firms 20 --set simulation.years=1 --set simulation.steps_per_year=1
extreme "100 years" --quiet --worlds 4 --firms 10 --years 100
extreme "demand elasticity 50 over 100 years (model guards)" --quiet --worlds 4 --firms 10 --years 100 \
    --set firms.demand_elasticity=50
/usr/bin/python3 - "$TMP/fifty.json" "$ROOT/configs/cuts.json" <<'PY'
import json, sys
roles = [{"name": "role%d" % r, "share": 1 + r % 7, "exposure": (r % 11) / 10, "wage": 30000 + 1000 * r,
          "tokens_per_fte_year": (1 + r % 9) * 1e8} for r in range(50)]
json.dump({"name": "fifty", "extends": sys.argv[2], "roles": roles}, open(sys.argv[1], "w"))
PY
"$HC" run "${SMALL[@]}" -o "$TMP/fifty" "$TMP/fifty.json" >/dev/null 2>"$TMP/err" && all_finite "$TMP/fifty"
ok $? "50 roles: finishes with finite outputs"

# --- inputs a firm's floats cannot hold: refused before the run, naming file and input
refused() { # refused NAME KEY ARGS...
    local name=$1 key=$2; shift 2
    "$HC" run --quiet -o "$TMP/refused" "$@" configs/cuts.json >/dev/null 2>"$TMP/err"
    local rc=$?
    [ $rc -eq 2 ] && grep -q "^headcount: configs/[a-z]*\.json: $key.*32-bit floats" "$TMP/err" &&
        [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ ! -e "$TMP/refused" ]
    local r=$?
    [ $r -eq 0 ] || echo "# exit $rc: $(head -c 300 "$TMP/err")"
    ok $r "$name: refused before the run (exit 2, names the file and $key)"
}
refused "demand growing 1000 %/yr for 100 years" firms.demand_growth --years 100 --set firms.demand_growth=10
refused "demand shrinking 99.99 %/yr" firms.demand_growth --set firms.demand_growth=-0.9999
refused "a specialist per 1e-20 USD of compute" compute.per_specialist --set compute.per_specialist=1e-20
refused "a planning factor of 6^10000" firms.expected_price_change --set firms.expected_price_change=5 \
    --set firms.planning_horizon=1e4

# --- sizes: refused up front with what is needed and what is available
status_is 1 "--worlds x --firms beyond any memory is refused" \
    "$HC" run --quiet --worlds 2000000000 --firms 2000000000 -o "$TMP/huge" "${CONFIGS[@]}"
grep -q "need .* GiB of memory, and .* GiB is available" "$TMP/err"; ok $? "the refusal says the memory needed and available"
[ ! -e "$TMP/huge" ]; ok $? "a refused run creates nothing"
if [ $sanitized -eq 0 ]; then
    (ulimit -v 400000; exec "$HC" run --quiet --worlds 20000 --firms 2000 -o "$TMP/capped" "${CONFIGS[@]}") \
        >/dev/null 2>"$TMP/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "ulimit -v" "$TMP/err"; ok $? "under ulimit -v 400 MB a 3.5 GB run is refused up front (exit $rc)"
    [ ! -e "$TMP/capped" ]; ok $? "the capped refusal creates nothing"
    (ulimit -v 400000; exec "$HC" run "${SMALL[@]}" -o "$TMP/capped_small" "${CONFIGS[@]}") >/dev/null 2>&1
    ok $? "under the same cap a small run succeeds"
else
    for t in 1 2 3; do skip "ulimit -v under AddressSanitizer"; done
fi

# --- memory running out at every stage: a message and exit 1 or 2, never a crash, and no
# file of the run left behind (tests/fuzz/fail_alloc.c fails every allocation after N)
oom_run() { # oom_run K DIR [ARGS...]: a small run whose allocations fail after the K-th
    local k=$1 dir=$2; shift 2
    HC_FAIL_ALLOC_AFTER=$k LD_PRELOAD="$FAIL_ALLOC" "$HC" run --quiet --threads 1 --worlds 4 --firms 10 --years 2 \
        -o "$dir" "$@" "${CONFIGS[@]}" >/dev/null 2>"$TMP/err"
}
if [ $sanitized -eq 0 ] && [ -f "$FAIL_ALLOC" ]; then
    # Allocations before main() (libraries' static constructors, e.g. the CUDA runtime's)
    # are not the program's to handle: count those first, then those of a whole run.
    lo=0 hi=100000
    while [ $((hi - lo)) -gt 1 ]; do
        mid=$(((lo + hi) / 2))
        if HC_FAIL_ALLOC_AFTER=$mid LD_PRELOAD="$FAIL_ALLOC" "$HC" --version >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
    done
    startup=$hi
    lo=$startup hi=1000000
    while [ $((hi - lo)) -gt 1 ]; do
        mid=$(((lo + hi) / 2))
        rm -rf "$TMP/oom"
        if oom_run $mid "$TMP/oom"; then hi=$mid; else lo=$mid; fi
    done
    total=$hi
    echo "# allocations: $startup before main, $total in a whole small run"
    crashed=0 silent=0 leftover=0 tried=0
    for i in $(seq 0 39); do # 40 points spread over the run, denser towards its end (the outputs)
        k=$((startup + (total - startup) * (1600 - (40 - i) * (40 - i)) / 1600))
        [ $k -ge $total ] && k=$((total - 1))
        rm -rf "$TMP/oom"
        oom_run $k "$TMP/oom"
        rc=$?
        tried=$((tried + 1))
        if [ $rc -ne 1 ] && [ $rc -ne 2 ]; then crashed=1; echo "# after $k allocations: exit $rc"; fi
        if ! grep -qE "^(headcount|libgomp): " "$TMP/err"; then silent=1; echo "# after $k allocations: no message"; fi
        if [ -n "$(ls -A "$TMP/oom" 2>/dev/null)" ]; then leftover=1; echo "# after $k: left $(ls -A "$TMP/oom")"; fi
    done
    [ $crashed -eq 0 ]; ok $? "memory running out at $tried points of a run never crashes it (exit 1 or 2)"
    [ $silent -eq 0 ]; ok $? "memory running out always says so"
    [ $leftover -eq 0 ]; ok $? "a run that ran out of memory leaves no file behind"
    # ... nor does one touch an earlier run it was told to replace (failing while writing)
    "$HC" run "${SMALL[@]}" -o "$TMP/keep" "${CONFIGS[@]}" >/dev/null 2>&1
    before=$(cd "$TMP/keep" && find . -type f -exec md5sum {} + | sort)
    for d in 1 3 10 30 100 300; do oom_run $((total - d)) "$TMP/keep" --force --seed 5; done
    [ "$(cd "$TMP/keep" && find . -type f -exec md5sum {} + | sort)" = "$before" ]
    ok $? "runs failing for memory while replacing a run (--force) leave it untouched"
else
    for t in 1 2 3 4; do skip "allocation-failure injection needs a plain build (not SANITIZE=1)"; done
fi

# --- interruption: SIGINT and SIGTERM stop with 130; earlier results stay as they were
# Starts a long run into DIR, signals it once it is simulating, and checks the outcome.
interrupt() { # interrupt SIGNAL DIR NAME [--force]
    local sig=$1 dir=$2 name=$3 force=${4:-}
    local before="" start took rc waited=0
    [ -d "$dir" ] && before=$(cd "$dir" && find . -type f -exec md5sum {} + | sort)
    "$HC" run --quiet $force --worlds 2000 --firms 2000 -o "$dir" "${CONFIGS[@]}" >/dev/null 2>"$TMP/err" &
    local pid=$!
    # The staging folder (beside DIR) appears when the configs are loaded and the
    # simulation starts.
    local stage; stage="$(dirname "$dir")/.$(basename "$dir").stage"
    while [ ! -d "$stage" ] && [ $waited -lt 200 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.1
        waited=$((waited + 1))
    done
    sleep 0.3
    kill -"$sig" $pid
    start=$(date +%s%3N)
    waited=0
    while kill -0 $pid 2>/dev/null && [ $waited -lt 200 ]; do sleep 0.05; waited=$((waited + 1)); done
    kill -0 $pid 2>/dev/null && kill -9 $pid
    wait $pid
    rc=$?
    took=$(($(date +%s%3N) - start))
    echo "# SIG$sig: stopped $took ms after the signal"
    [ $rc -eq 130 ]; ok $? "$name: exits 130 (got $rc)"
    [ ! -e "$stage" ]; ok $? "$name: leaves no staging folder"
    [ "$(cd "$dir" && find . -type f -exec md5sum {} + 2>/dev/null | sort)" = "$before" ]
    ok $? "$name: leaves the folder as it was"
}
interrupt TERM "$TMP/term" "SIGTERM during the simulation"
"$HC" run "${SMALL[@]}" -o "$TMP/earlier" "${CONFIGS[@]}" >/dev/null 2>&1
interrupt INT "$TMP/earlier" "SIGINT while replacing an earlier run (--force)" --force
interrupt TERM "$TMP/earlier" "SIGTERM while replacing an earlier run (--force)" --force

# --- output paths
echo "not a folder" >"$TMP/afile"
status_is 2 "an out path that is a file is refused" "$HC" run "${SMALL[@]}" -o "$TMP/afile" "${CONFIGS[@]}"
grep -q "not a folder" "$TMP/err" && [ "$(cat "$TMP/afile")" = "not a folder" ]; ok $? "the file is untouched and the message says why"
status_is 2 "an out path inside a file is refused" "$HC" run "${SMALL[@]}" -o "$TMP/afile/run" "${CONFIGS[@]}"
mkdir -p "$TMP/readonly"
chmod 555 "$TMP/readonly"
chmod 755 "$TMP"
as_user=()
if [ "$(id -u)" -eq 0 ]; then # root writes anywhere: run as nobody instead
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups) # util-linux: always there
fi
status_is 2 "an unwritable out folder is refused before the run" \
    "${as_user[@]}" "$HC" run "${SMALL[@]}" -o "$TMP/readonly" "${CONFIGS[@]}"
grep -q "cannot write into the folder" "$TMP/err" && [ -z "$(ls -A "$TMP/readonly")" ]
ok $? "the message says so and nothing is written"

# --- the loader does not block on what `extends` names
mkfifo "$TMP/pipe.json"
printf '{"extends": "%s"}\n' "$TMP/pipe.json" >"$TMP/fifo_child.json"
timeout 20 "$HC" validate "$TMP/fifo_child.json" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] && grep -q "not a regular file" "$TMP/err"; ok $? "extends naming a FIFO is refused, not waited on (exit $rc)"

# --- nor on what the command line or a blend names: a FIFO, a directory or a device is
# refused at once with a message naming it, by every route (issue 13). `timeout` turns a
# hang into a failure instead of a blocked suite.
mkdir "$TMP/folder.json"
truncate -s 17M "$TMP/huge.json" # sparse: over the 16 MiB limit, refused before reading
for target in "$TMP/pipe.json" "$TMP/folder.json" /dev/zero "$TMP/huge.json"; do
    what=$(basename "$target")
    printf '{"extends": "%s"}\n' "$target" >"$TMP/ext_$what"
    printf '{"blend": {"components": ["%s"], "weights": [1]}}\n' "$target" >"$TMP/blend_$what"
    printf '{"blend": {"components": ["%s"], "weights": [1]}}\n' "$TMP/ext_$what" >"$TMP/blend_ext_$what"
    for route in "$target" "$TMP/ext_$what" "$TMP/blend_$what" "$TMP/blend_ext_$what"; do
        timeout 20 "$HC" validate "$route" >/dev/null 2>"$TMP/err"
        rc=$?
        [ $rc -eq 2 ] && grep -qF "$target" "$TMP/err" && grep -q "cannot read" "$TMP/err"
        ok $? "validate $(basename "$route") (reaching $what) is refused at once, naming it (exit $rc)"
    done
done
for cmd in run describe; do
    timeout 20 "$HC" $cmd "$TMP/pipe.json" >/dev/null 2>"$TMP/err"
    rc=$?
    [ $rc -eq 2 ] && grep -q "pipe.json: cannot read: not a regular file" "$TMP/err"
    ok $? "$cmd on a FIFO is refused at once (exit $rc)"
done

echo "1..$n"
