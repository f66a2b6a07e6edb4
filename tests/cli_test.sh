#!/usr/bin/env bash
# cli_test.sh: headcount's command line end to end, as a user runs it (TAP output).
# Run from the repository root after `make`; tests/run_all.sh calls it.
set -u
. "$(dirname "$0")/tap.sh"
ROOT="$PWD"

SMALL=(--quiet --worlds 24 --firms 30 --years 3)
CONFIGS=(configs/cuts.json configs/growth.json)

# --- help and version
status_is 0 "--version exits 0" "$HC" --version
grep -q "^headcount [0-9]" "$TMP/out"; ok $? "--version names the program and version"
for cmd in run validate describe devices; do
    status_is 0 "$cmd --help exits 0" "$HC" "$cmd" --help
    grep -q "usage: headcount $cmd" "$TMP/out"; ok $? "$cmd --help prints its usage"
done
status_is 2 "no command is a usage error" "$HC"
status_is 2 "an unknown command is a usage error" "$HC" frobnicate
status_is 2 "an unknown option is a usage error" "$HC" run --frobnicate configs/cuts.json
status_is 2 "run without a config is a usage error" "$HC" run
status_is 2 "--worlds abc is a usage error" "$HC" run --worlds abc configs/cuts.json
grep -q -- "--worlds: expected a whole number" "$TMP/err"; ok $? "--worlds abc says what was expected"
status_is 2 "--worlds 0 is a usage error" "$HC" run --worlds 0 configs/cuts.json
status_is 2 "--backend gpu is a usage error" "$HC" run --backend gpu configs/cuts.json
# CUDA_VISIBLE_DEVICES= hides every GPU from the CUDA runtime: "no usable GPU" holds on a
# machine with GPUs as on one without.
status_is 1 "--backend cuda without a usable GPU fails clearly" env CUDA_VISIBLE_DEVICES= "$HC" run "${SMALL[@]}" --backend cuda -o "$TMP/cuda" "${CONFIGS[@]}"
grep -q "hint:" "$TMP/err"; ok $? "--backend cuda failure gives a hint"
[ ! -e "$TMP/cuda/bands.csv" ]; ok $? "a failed run writes no table"

# --- shipped configs
status_is 0 "validate accepts the shipped narratives" "$HC" validate configs/cuts.json configs/growth.json
status_is 0 "describe runs on a narrative" "$HC" describe --draws 2000 configs/cuts.json
# Every input once: the 32 model inputs the header's enum names (include/, wherever the
# header lives; model 2, the retired id 20 has no key), and each of the 7 roles' wage and
# tokens_per_fte_year: 46 lines.
grep -oE "^(inference|capability|labor|wages|compute|firms|roles)\.[a-z_.]+" "$TMP/out" | sort >"$TMP/listed"
grep -rhoE '^\s*HC_IN_[A-Z_]+( = [A-Z0-9_]+)?, +/\* *[A-Za-z0-9_]+ +[a-z_]+\.[a-z_]+' include |
    grep -oE '[a-z_]+\.[a-z_]+$' | sort -u >"$TMP/model_inputs"
inputs=$(wc -l <"$TMP/listed")
[ "$inputs" -eq 46 ] && [ "$(sort -u "$TMP/listed" | wc -l)" -eq 46 ] && [ "$(wc -l <"$TMP/model_inputs")" -eq 32 ] &&
    [ -z "$(comm -23 "$TMP/model_inputs" "$TMP/listed")" ] && [ "$(grep -c '^roles\.' "$TMP/listed")" -eq 14 ]
ok $? "describe lists every input once (46 = 32 model inputs + 7 roles x 2; $inputs lines)"

# --- determinism: same seed, same bytes, whatever the thread count
status_is 0 "run with 1 thread" "$HC" run "${SMALL[@]}" --threads 1 -o "$TMP/t1" "${CONFIGS[@]}"
status_is 0 "run with 2 threads" "$HC" run "${SMALL[@]}" --threads 2 -o "$TMP/t2" "${CONFIGS[@]}"
cmp -s "$TMP/t1/bands.csv" "$TMP/t2/bands.csv"; ok $? "bands.csv is byte-identical for 1 and 2 threads"
cmp -s "$TMP/t1/firms.csv" "$TMP/t2/firms.csv"; ok $? "firms.csv is byte-identical for 1 and 2 threads"
cmp -s "$TMP/t1/roles.csv" "$TMP/t2/roles.csv"; ok $? "roles.csv is byte-identical for 1 and 2 threads"
status_is 0 "run with another seed" "$HC" run "${SMALL[@]}" --seed 7 -o "$TMP/seed7" "${CONFIGS[@]}"
! cmp -s "$TMP/t1/bands.csv" "$TMP/seed7/bands.csv"; ok $? "another seed gives other bands"

# --- the tables
T=$((3 * 4))
head -1 "$TMP/t1/bands.csv" | grep -qx "scenario,metric,step,year,period,p5,p25,p50,p75,p95,mean,sd,mcse_p5,mcse_p25,mcse_p50,mcse_p75,mcse_p95,mcse_mean,mcse_sd"; ok $? "bands.csv header"
rows=$(($(wc -l <"$TMP/t1/bands.csv") - 1))
[ "$rows" -eq $((2 * 16 * (T + 1))) ]; ok $? "bands.csv has scenarios x metrics x steps rows ($rows)"
head -1 "$TMP/t1/firms.csv" | grep -qx "scenario,year,p5,p25,p50,p75,p95,mean,sd,shrinking_pct"; ok $? "firms.csv header"
[ $(($(wc -l <"$TMP/t1/firms.csv") - 1)) -eq $((2 * 4)) ]; ok $? "firms.csv has a row per scenario and whole year"
grep -q "^cuts,employment_change_pct,9,2028.25,2028-Q2," "$TMP/t1/bands.csv"; ok $? "bands.csv year = start_year + step / steps_per_year, period its quarter"
head -1 "$TMP/t1/roles.csv" | grep -qx "scenario,role,metric,step,year,period,p5,p25,p50,p75,p95,mean,sd"; ok $? "roles.csv header"
[ $(($(wc -l <"$TMP/t1/roles.csv") - 1)) -eq $((2 * 7 * 3 * (T + 1))) ]; ok $? "roles.csv has scenarios x roles x 3 metrics x steps rows"
grep -q "^growth,junior_analysis,automated_share_pct,9,2028.25,2028-Q2," "$TMP/t1/roles.csv" &&
    grep -q '"roles.csv"' "$TMP/t1/manifest.json"; ok $? "roles.csv names each role and its period, and the manifest lists it"
/usr/bin/python3 - "$TMP/t1/roles.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
at0 = [r for r in rows if r["step"] == "0" and r["metric"] == "employment_change_pct"]
assert at0 and all(float(r[c]) == 0.0 for r in at0 for c in ("p5", "p50", "p95", "mean", "sd")), "step 0 is the base"
share = [float(r["p50"]) for r in rows if r["metric"] == "automated_share_pct"]
assert all(0.0 <= x <= 100.0 for x in share)
PY
ok $? "roles.csv: employment change is 0 at step 0 (its base), automated shares within 0..100"
! grep -qiE "nan|inf" "$TMP/t1/bands.csv" "$TMP/t1/firms.csv" "$TMP/t1/roles.csv"; ok $? "no NaN or Inf in the tables"
/usr/bin/python3 - "$TMP/t1/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["seed"] == 20261127 and m["threads"] == 1 and m["backend"] == "cpu"
assert m["worlds"] == 24 and m["firms_per_world"] == 30 and m["years"] == 3
assert m["git_commit"] and m["version"] and m["wall_seconds"] > 0
assert [s["name"] for s in m["scenarios"]] == ["cuts", "growth"]
assert "extends" not in m["scenarios"][0]["config"]
assert m["scenarios"][0]["config"]["simulation"]["worlds"] == 24
PY
ok $? "manifest.json records seed, sizes, backend, threads, version, commit and resolved configs"
grep -q "^## cuts" "$TMP/t1/summary.md" && grep -q "^## growth" "$TMP/t1/summary.md"; ok $? "summary.md has a section per scenario"

# --- overrides
status_is 0 "--set overrides a distribution" "$HC" run "${SMALL[@]}" --set inference.price_volatility=0.45 -o "$TMP/set" "${CONFIGS[@]}"
! cmp -s "$TMP/t1/bands.csv" "$TMP/set/bands.csv"; ok $? "--set changes the result"
status_is 2 "--set on an unknown key is refused" "$HC" run "${SMALL[@]}" --set inference.price_volatilty=0.3 -o "$TMP/set2" "${CONFIGS[@]}"
grep -q "price_volatility" "$TMP/err"; ok $? "--set typo gets a did-you-mean"
status_is 2 "--set without = is a usage error" "$HC" run --set inference.price_volatility configs/cuts.json

# --- earlier results are never overwritten
sum_before=$(md5sum <"$TMP/t1/bands.csv")
status_is 2 "run into a folder holding a run is refused" "$HC" run "${SMALL[@]}" --seed 9 -o "$TMP/t1" "${CONFIGS[@]}"
[ "$(md5sum <"$TMP/t1/bands.csv")" = "$sum_before" ]; ok $? "the refused run left the earlier bands.csv untouched"
status_is 0 "--force writes into it" "$HC" run "${SMALL[@]}" --seed 9 --force -o "$TMP/t1" "${CONFIGS[@]}"
(cd "$TMP" && "$HC" run "${SMALL[@]}" "$ROOT/configs/cuts.json" "$ROOT/configs/growth.json" >/dev/null 2>&1 &&
    "$HC" run "${SMALL[@]}" "$ROOT/configs/cuts.json" "$ROOT/configs/growth.json" >/dev/null 2>&1)
[ -f "$TMP/results/cuts_vs_growth/bands.csv" ] && [ -f "$TMP/results/cuts_vs_growth-2/bands.csv" ]
ok $? "the default out folder is results/<names>, with -2 for a second run"
mkdir -p "$TMP/with space/ünïcode"
status_is 0 "an out folder with spaces and unicode works" "$HC" run "${SMALL[@]}" -o "$TMP/with space/ünïcode/run" "${CONFIGS[@]}"

# --- scenarios of one run must be comparable
status_is 2 "two scenarios with the same name are refused" "$HC" run "${SMALL[@]}" -o "$TMP/dup" configs/cuts.json configs/cuts.json

# --- bad configs through the command line: exit 2 and the expected message
count=0
for f in tests/configs/bad/*.json; do
    [ -e "$f" ] || continue
    count=$((count + 1))
    expect=$(head -1 "${f%.json}.expect")
    "$HC" validate "$f" >/dev/null 2>"$TMP/err"
    rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$expect" "$TMP/err" && grep -qF -- "$(basename "$f")" "$TMP/err"; then
        ok 0 "validate $(basename "$f"): exit 2 with \"$expect\""
    else
        echo "# exit $rc; stderr: $(head -c 300 "$TMP/err")"
        ok 1 "validate $(basename "$f"): exit 2 with \"$expect\""
    fi
done
[ "$count" -ge 25 ]; ok $? "at least 25 malformed configs are checked ($count)"

# --- interruption: SIGINT stops the run, exits 130, leaves no tables
"$HC" run --quiet --worlds 4000 --firms 2000 -o "$TMP/int" "${CONFIGS[@]}" >/dev/null 2>&1 &
pid=$!
sleep 1
interrupt_timed INT $pid
[ $rc -eq 130 ]; ok $? "SIGINT exits 130 (got $rc)"
[ "$took" -lt 2000 ]; ok $? "SIGINT stops the run promptly (${took} ms)"
[ -z "$(ls -A "$TMP/int" 2>/dev/null)" ]; ok $? "an interrupted run leaves no files"

echo "1..$n"
