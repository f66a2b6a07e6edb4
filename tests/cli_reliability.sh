#!/usr/bin/env bash
# cli_reliability.sh: the guarantees of docs/hardening.md's "Out folders and every way of
# ending" (issue 15), one group per class: one run owns an out folder at a time; only
# folders headcount owns; publishing is atomic; every ending leaves no partial and says
# why; interruption within a bounded amount of work. Every command is bounded by timeout.
cd "$(dirname "$0")/.." || exit 1
. tests/tap.sh

CFG=configs/cuts.json
A=(-q --years 2 --firms 10 --worlds 20 --threads 1)
LONG=(-q --years 2 --worlds 1 --firms 20000000 --threads 1) # one world that takes seconds
T="timeout -k 5 60"
# A run in the background, signalled by the test: $! is headcount itself, and `timeout`
# (which would take the signals) does not stand between; the test kills it in seconds.
bg() { "$HC" "$@" & }

# A whole run: every file the manifest lists has its SHA-256 and size, and the manifest
# says which seed made it (printed).
whole_run() {
    $PY - "$1" <<'EOF'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
for f in m["files"]:
    data = open(os.path.join(d, f["name"]), "rb").read()
    if hashlib.sha256(data).hexdigest() != f["sha256"] or len(data) != f["bytes"]:
        sys.exit("%s does not match the manifest" % f["name"])
print(m["seed"])
EOF
}

# Nothing of a run is left beside or in the folder's parent: no stage, no lock, no old.
no_leftovers() { [ -z "$(ls -A "$1" | grep -E '^\.[^.].*\.(stage|old|lock)$')" ]; }

# --- 1. one run at a time: the race, many times
bad=0
for i in $(seq 1 30); do
    $T "$HC" run "${A[@]}" --force --seed 1 -o "$TMP/race" $CFG 2>"$TMP/e1" &
    p1=$!
    $T "$HC" run "${A[@]}" --force --seed 2 -o "$TMP/race" $CFG 2>"$TMP/e2"
    r2=$?
    wait $p1
    r1=$?
    for r in $r1 $r2; do [ $r -eq 0 ] || [ $r -eq 2 ] || bad=$((bad + 1)); done
    [ $r1 -eq 0 ] || grep -q "in use by another headcount run" "$TMP/e1" || bad=$((bad + 1))
    [ $r2 -eq 0 ] || grep -q "in use by another headcount run" "$TMP/e2" || bad=$((bad + 1))
    whole_run "$TMP/race" >/dev/null || bad=$((bad + 1))
done
[ $bad -eq 0 ]; ok $? "30 races into one folder: each run succeeds or says the folder is in use; the manifest always matches its files ($bad bad)"
no_leftovers "$TMP"; ok $? "the races leave no lock, stage or old folder beside the folder"

bg run "${LONG[@]}" -o "$TMP/held" $CFG 2>/dev/null
pid=$!
sleep 1
status_is 2 "a second run into a folder in use is refused" $T "$HC" run "${A[@]}" --force -o "$TMP/held" $CFG
grep -q "in use by another headcount run (pid $pid on .*, started 20" "$TMP/err"; ok $? "the message names the run that holds it (pid, host, start)"
kill -9 $pid
wait $pid 2>/dev/null
[ -d "$TMP/.held.stage" ]; ok $? "kill -9 leaves a stage behind (the next run's to clean)"
status_is 0 "after kill -9, the next run into that folder works (no --force)" $T "$HC" run "${A[@]}" -o "$TMP/held" $CFG
whole_run "$TMP/held" >/dev/null && no_leftovers "$TMP"; ok $? "and the stale stage is gone"
bg run "${LONG[@]}" -o "$TMP/held" --force $CFG 2>/dev/null
pid=$!
sleep 1
kill -9 $pid
wait $pid 2>/dev/null
status_is 0 "after kill -9, the next run with --force works" $T "$HC" run "${A[@]}" --force --seed 7 -o "$TMP/held" $CFG
[ "$(whole_run "$TMP/held")" = 7 ] && no_leftovers "$TMP"; ok $? "and publishes its run whole"

# --- 2. only folders headcount owns
mkdir -p "$TMP/mine/charts"
echo mine >"$TMP/mine/summary.md"
echo notes >"$TMP/mine/notes.txt"
echo svg >"$TMP/mine/charts/my.svg"
status_is 2 "a folder of other files is refused without --force" $T "$HC" run "${A[@]}" -o "$TMP/mine" $CFG
grep -q 'not a headcount run (such as' "$TMP/err" && [ "$(cat "$TMP/mine/summary.md")" = mine ] &&
    [ ! -e "$TMP/mine/manifest.json" ]; ok $? "it says so and touches nothing"
status_is 0 "with --force the run is written" $T "$HC" run "${A[@]}" --force -o "$TMP/mine" $CFG
[ "$(cat "$TMP/mine/notes.txt")" = notes ] && [ "$(cat "$TMP/mine/charts/my.svg")" = svg ] &&
    whole_run "$TMP/mine" >/dev/null; ok $? "and the files that are not headcount's stay"
status_is 0 "a run with JSON tables" $T "$HC" run "${A[@]}" --force --format csv,json -o "$TMP/fmt" $CFG
status_is 0 "then one without, with --force" $T "$HC" run "${A[@]}" --force -o "$TMP/fmt" $CFG
[ ! -e "$TMP/fmt/bands.json" ] && whole_run "$TMP/fmt" >/dev/null; ok $? "an earlier run's files do not outlive it"
mkdir -p "$TMP/cwd/results/cuts"
echo mine >"$TMP/cwd/results/cuts/notes.txt"
(cd "$TMP/cwd" && $T "$HC" run "${A[@]}" "$OLDPWD/$CFG" >/dev/null 2>&1)
[ -f "$TMP/cwd/results/cuts-2/manifest.json" ] && [ "$(ls "$TMP/cwd/results/cuts")" = notes.txt ]
ok $? "the default folder passes over results/<names> holding other files (to -2)"
mkdir "$TMP/empty"
status_is 0 "an empty folder needs no --force" $T "$HC" run "${A[@]}" -o "$TMP/empty" $CFG
ln -s empty "$TMP/link"
status_is 0 "a folder named by a symbolic link" $T "$HC" run "${A[@]}" --force --seed 5 -o "$TMP/link" $CFG
[ -L "$TMP/link" ] && [ "$(whole_run "$TMP/empty")" = 5 ]; ok $? "keeps the link and replaces the folder it names"
echo x >"$TMP/file"
status_is 2 "a file is no out folder" $T "$HC" run "${A[@]}" --force -o "$TMP/file" $CFG

# --- 3. atomic publish: killed after every step, with a swap and with two renames
for swap in 1 0; do
    for step in 1 2 3 4 5; do
        d="$TMP/pub$swap$step"
        $T "$HC" run "${A[@]}" --seed 1 -o "$d" $CFG >/dev/null 2>&1
        if [ $swap = 1 ]; then
            { (HC_TEST_PUBLISH_KILL=$step $T "$HC" run "${A[@]}" --force --seed 2 -o "$d" $CFG >/dev/null); } 2>/dev/null
        else
            { (HC_TEST_PUBLISH_NO_SWAP=1 HC_TEST_PUBLISH_KILL=$step $T "$HC" run "${A[@]}" --force --seed 2 \
                -o "$d" $CFG >/dev/null); } 2>/dev/null
        fi
        # Until the next run recovers, the folder is one whole run (or, between the two
        # renames of a file system that cannot swap, absent).
        if [ -e "$d" ]; then seed=$(whole_run "$d"); else seed=absent; fi
        case "$swap$step:$seed" in 11:1 | 12:1 | 13:2 | 14:2 | 15:2 | 01:1 | 02:1 | 03:absent | 04:2 | 05:2) r=0 ;; *) r=1 ;; esac
        ok $r "killed after publish step $step ($([ $swap = 1 ] && echo swap || echo two renames)): the folder holds run $seed"
        $T "$HC" run "${A[@]}" -o "$d" $CFG >/dev/null 2>&1 # refused (a run is there), but recovers first
        seed=$(whole_run "$d")
        [ "$seed" = 2 ] || { [ $step -le 2 ] && [ "$seed" = 1 ]; }; ok $? "  and the next run finds run $seed, whole"
    done
done
no_leftovers "$TMP"; ok $? "no stage, old folder or lock is left"

# --- 4. every way of ending leaves no partial and says why
for sig in INT TERM HUP USR1 ALRM XCPU; do
    bg run "${LONG[@]}" -o "$TMP/sig$sig" $CFG 2>"$TMP/err"
    pid=$!
    sleep 0.5
    kill -s $sig $pid
    wait $pid
    rc=$?
    [ $rc -eq 130 ] && grep -q "interrupted (SIG$sig" "$TMP/err" && [ ! -e "$TMP/sig$sig" ] && no_leftovers "$TMP"
    ok $? "SIG$sig: exit 130 (got $rc), says so, leaves nothing"
done
(ulimit -S -f 8; $T "$HC" run "${A[@]}" -o "$TMP/fsize" $CFG) >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -q "File too large" "$TMP/err" && [ ! -e "$TMP/fsize" ] && no_leftovers "$TMP"
ok $? "ulimit -f: exit 1 (got $rc) with \"File too large\", nothing left"
(ulimit -S -t 1; $T "$HC" run "${LONG[@]}" -o "$TMP/cpu" $CFG) >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 130 ] && grep -q "SIGXCPU" "$TMP/err" && [ ! -e "$TMP/cpu" ]; ok $? "ulimit -t: exit 130 (got $rc), says the CPU time limit"
# 64 threads' stacks do not fit in 200 MB of address space: libgomp cannot start them and
# exits the process itself (exit 1), past the command's clean-up. AddressSanitizer reserves
# terabytes of address space at start, so a SANITIZE=1 build cannot run under ulimit -v.
if grep -qa __asan_init "$HC"; then
    skip "thread creation failing" "needs a plain build (ulimit -v; AddressSanitizer reserves its shadow memory)"
else
    (ulimit -S -v 200000; $T "$HC" run -q --years 2 --firms 10 --worlds 200 --threads 64 -o "$TMP/thr" $CFG) \
        >/dev/null 2>"$TMP/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "nothing was written to" "$TMP/err" && [ ! -e "$TMP/thr" ] && no_leftovers "$TMP"
    ok $? "thread creation failing: exit 1 (got $rc), says nothing was written, leaves nothing"
fi
for cmd in "run --dump-config $CFG" "describe $CFG" "validate $CFG" "--version"; do
    $T "$HC" $cmd >/dev/full 2>"$TMP/err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "cannot write to standard output" "$TMP/err"
    ok $? "headcount $cmd >/dev/full: exit 1 (got $rc) with a message"
done

# --- 5. interruption within a bounded amount of work: one world of 2e7 firms
bg run "${LONG[@]}" -o "$TMP/one" $CFG >/dev/null 2>&1
pid=$!
sleep 1
interrupt_timed INT $pid
[ $rc -eq 130 ] && [ "$took" -lt 1000 ]; ok $? "SIGINT inside one world of 2e7 firms ends the run in under a second (${took} ms, exit $rc)"

# --- 6. validate refuses what run would refuse: the same finiteness analysis
bad=0
for e in 1e100 1e140 1e144 1e145 1e146 1e150 1e200 1e300; do
    for cfg in configs/cuts.json configs/growth.json; do
        $T "$HC" validate --set population.employment=$e --set simulation.years=100 $cfg >/dev/null 2>&1
        v=$?
        $T "$HC" run -q --years 100 --firms 10 --worlds 20 --threads 1 --set population.employment=$e \
            -o "$TMP/emp" --force $cfg >/dev/null 2>"$TMP/err"
        r=$?
        if [ $v -ne $r ] || grep -q "please report" "$TMP/err"; then
            bad=$((bad + 1))
            echo "# population.employment=$e $cfg: validate $v, run $r"
        fi
    done
done
[ $bad -eq 0 ]; ok $? "validate and run agree on population.employment from 1e100 to 1e300 ($bad disagree)"
"$HC" validate --set population.employment=1e200 configs/cuts.json >/dev/null 2>"$TMP/err"
grep -q "population.employment.*over the limit 1e+148" "$TMP/err"; ok $? "and the message names the input and the limit"

# --- 7. names, labels, paths and limits
bad=0
for c in - + = @; do
    "$HC" validate --set "name=\"${c}SUM(A1)\"" $CFG >/dev/null 2>&1
    [ $? -eq 2 ] || bad=$((bad + 1))
done
[ $bad -eq 0 ]; ok $? "a scenario name starting with -, +, = or @ (a spreadsheet formula) is refused"
printf '{"name": "-x", "blend": {"components": ["%s", "%s"], "weights": [0.5, 0.5]}}\n' "$PWD/configs/cuts.json" \
    "$PWD/configs/growth.json" >"$TMP/blend.json"
status_is 2 "and so is a blend's" "$HC" validate "$TMP/blend.json"
status_is 0 "percentiles that %g would print alike" $T "$HC" run "${A[@]}" -o "$TMP/pct" \
    --set 'output.percentiles=[1e-8,50,50.0000001,99.99999999]' $CFG configs/growth.json
head -1 "$TMP/pct/bands.csv" | grep -q ',p1e-08,p50,p50.0000001,p99.99999999,' &&
    ! grep -q 'p100\|p50 to p50 ' "$TMP/pct/report.html" "$TMP"/pct/charts/*.svg
ok $? "get labels that are exact and unique (bands.csv, report.html, charts)"
long="$TMP"
while [ ${#long} -lt 1300 ]; do long="$long/abcdefghijklmnopqrstuvwxyz"; done
status_is 0 "an out path of ${#long} characters" $T "$HC" run "${A[@]}" -o "$long" $CFG
whole_run "$long" >/dev/null; ok $? "is written whole at that path (not truncated)"
status_is 2 "an out path over PATH_MAX" $T "$HC" run "${A[@]}" -o "$TMP/$(printf 'x%.0s' $(seq 1 5000))" $CFG
grep -q "longer than the limit, 4095" "$TMP/err"; ok $? "is refused naming the limit"
$PY -c "print('{\"x\": ' + '[' * 3000 + ']' * 3000 + '}')" >"$TMP/deep.json"
status_is 2 "a config nested 3000 deep" "$HC" validate "$TMP/deep.json"
grep -q "nested deeper than the parser's limit, 1000 levels" "$TMP/err"; ok $? "says which limit"
{ printf '{"extends": "%s", "name": "big"' "$PWD/$CFG"; head -c $((17 << 20)) /dev/zero | tr '\0' ' '; echo '}'; } >"$TMP/big.json"
status_is 2 "a config of 17 MiB" "$HC" validate "$TMP/big.json"
grep -q "larger than the limit for a config file, 16 MiB" "$TMP/err"; ok $? "says which limit"
for i in -1 7 99999999999; do
    status_is 2 "a correlation naming roles[$i] (7 roles)" "$HC" validate \
        --set "correlations=[{\"inputs\": [\"roles[$i].tokens_per_fte_year\", \"capability.growth_rate\"], \"rank_correlation\": 0.5}]" $CFG
    grep -q "the role index $i is out of range: the config has 7 roles, roles\[0\] to roles\[6\]" "$TMP/err"
    ok $? "says the index and the range"
done

echo "1..$n"
