#!/usr/bin/env bash
# cli_validate.sh: blend configs from the command line (configs/blend.json, `run`,
# `validate`, `describe`, --set blend.weights, the manifest) and the `make validate`
# driver (validation/validate.py) on small runs, as TAP. Run from the repository root
# after `make`; tests/run_all.sh calls it. Sibling: tests/unit_blend.c (the blend's
# numbers world by world).
set -u
. "$(dirname "$0")/tap.sh"
rows_of() { # rows_of FILE SCENARIO: the scenario's rows without the scenario column
    grep "^$2," "$1" | cut -d, -f2-
}

SMALL=(--quiet --worlds 40 --firms 20 --years 2)

# --- validate and describe know a blend
status_is 0 "validate accepts configs/blend.json" "$HC" validate configs/blend.json
grep -q "ok (blend blend of cuts 0.5, growth 0.5" "$TMP/out"; ok $? "validate names the blend's components and probabilities"
status_is 0 "describe runs on a blend" "$HC" describe --draws 2000 --set 'blend.weights=[1,3]' configs/blend.json
grep -qE "cuts +configs/cuts.json +p = 0.2500" "$TMP/out"; ok $? "describe shows each component's probability after --set"
[ "$(grep -c '^inference.annual_price_change' "$TMP/out")" -eq 2 ]; ok $? "describe lists the inputs of both components"

# --- weights [1, 0] and [0, 1]: the blend is that component, byte for byte
status_is 0 "run a [1, 0] blend beside both narratives" "$HC" run "${SMALL[@]}" -o "$TMP/w10" --set 'blend.weights=[1,0]' \
    configs/cuts.json configs/growth.json configs/blend.json
[ -n "$(rows_of "$TMP/w10/bands.csv" blend)" ] && diff <(rows_of "$TMP/w10/bands.csv" cuts) <(rows_of "$TMP/w10/bands.csv" blend) >/dev/null
ok $? "a [1, 0] blend's bands.csv rows are the first component's"
diff <(rows_of "$TMP/w10/firms.csv" cuts) <(rows_of "$TMP/w10/firms.csv" blend) >/dev/null
ok $? "a [1, 0] blend's firms.csv rows are the first component's"
status_is 0 "run a [0, 1] blend alone" "$HC" run "${SMALL[@]}" -o "$TMP/w01" --set 'blend.weights=[0,1]' configs/blend.json
diff <(rows_of "$TMP/w10/bands.csv" growth) <(rows_of "$TMP/w01/bands.csv" blend) >/dev/null
ok $? "a [0, 1] blend run alone gives the second component's bands"
grep -q "^cuts,\|^growth," "$TMP/w01/bands.csv"; ok $([ $? -ne 0 ]; echo $?) "a blend run alone writes only the blend"

# --- half and half: the same blend whether or not its components are scenarios of the run
status_is 0 "run the shipped blend alone" "$HC" run "${SMALL[@]}" -o "$TMP/alone" configs/blend.json
status_is 0 "run the blend between the narratives" "$HC" run "${SMALL[@]}" -o "$TMP/with" configs/growth.json configs/blend.json configs/cuts.json
diff <(rows_of "$TMP/alone/bands.csv" blend) <(rows_of "$TMP/with/bands.csv" blend) >/dev/null
ok $? "the blend's bands do not depend on the run's other scenarios"
diff <(rows_of "$TMP/w10/bands.csv" cuts) <(rows_of "$TMP/with/bands.csv" cuts) >/dev/null
ok $? "the narratives' own bands do not change beside a blend"

# --- the manifest records the weights and the components' resolved configs
status_is 0 "run with --set blend.weights=[0.3,0.7]" "$HC" run "${SMALL[@]}" -o "$TMP/w37" --set 'blend.weights=[0.3,0.7]' configs/blend.json
$PY - "$TMP/w37/manifest.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
(s,) = [s for s in m["scenarios"] if s["name"] == "blend"]
c = s["config"]
assert c["blend"]["weights"] == [0.3, 0.7], c["blend"]
assert c["blend"]["components"] == ["cuts.json", "growth.json"], c["blend"]
comps = c["components"]
assert [x["config"]["name"] for x in comps] == ["cuts", "growth"]
assert abs(comps[0]["probability"] - 0.3) < 1e-12 and abs(comps[1]["probability"] - 0.7) < 1e-12
assert comps[0]["worlds"] + comps[1]["worlds"] == m["worlds"] == 40
assert "inference" in comps[0]["config"] and "roles" in comps[1]["config"]
EOF
ok $? "manifest.json holds the weights, probabilities, worlds and resolved component configs"
"$HC" run --dump-config configs/blend.json 2>/dev/null | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d["components"][1]["config"]["name"] == "growth"'
ok $? "--dump-config prints the blend with its components"

# --- bad blends and bad overrides: exit 2, one line naming the file and the path
printf '{"blend": {"components": ["%s/configs/cuts.json"], "weights": [-1]}}\n' "$PWD" >"$TMP/neg.json"
status_is 2 "a negative weight is refused" "$HC" run "${SMALL[@]}" -o "$TMP/neg" "$TMP/neg.json"
grep -q "^headcount: $TMP/neg.json: blend.weights\[0\]: expected a number >= 0, got -1$" "$TMP/err"; ok $? "the error names the file, blend.weights[0] and the value"
status_is 2 "--set blend.weights with the wrong length is refused" "$HC" run "${SMALL[@]}" -o "$TMP/len" --set 'blend.weights=[1]' configs/blend.json
grep -q "blend.weights (from --set): expected an array of 2 numbers, one per component, got \[1\]$" "$TMP/err"
ok $? "the error says what was expected, that it came from --set, and what was given"
status_is 2 "--set blend.weights with a text weight is refused" "$HC" validate --set 'blend.weights=[1,"a"]' configs/blend.json
grep -q 'blend.weights\[1\] (from --set): expected a number >= 0, got "a"$' "$TMP/err"; ok $? "and the message names the weight and its value"
status_is 2 "a misspelt --set blend key is refused" "$HC" validate --set 'blend.weigths=[1,1]' configs/blend.json
grep -q 'blend.weigths (from --set): unknown key (did you mean "weights"?)' "$TMP/err"; ok $? "with a did-you-mean"
printf '{"blend": {"components": ["%s/configs/cuts.json"], "wieghts": [1]}}\n' "$PWD" >"$TMP/typo.json"
status_is 2 "a misspelt key in a blend file is refused" "$HC" validate "$TMP/typo.json"
grep -q "^headcount: $TMP/typo.json: blend.wieghts: unknown key (did you mean \"weights\"?)$" "$TMP/err"; ok $? "with a did-you-mean"
status_is 2 "--set blend.weights without a blend in the run is refused" "$HC" run "${SMALL[@]}" -o "$TMP/nob" --set 'blend.weights=[1,1]' configs/cuts.json
status_is 2 "--trace-percentiles with a blend is refused" "$HC" run "${SMALL[@]}" -o "$TMP/tr" --trace-percentiles 50 configs/blend.json
status_is 2 "validate refuses a bad blend" "$HC" validate "$TMP/neg.json"

# --- the validate driver (validation/validate.py) on small runs
status_is 0 "validate.py runs the shipped targets at a small size" $PY validation/validate.py --hc "$HC" --worlds 24 --firms 20 --out "$TMP/val"
missing=0
for id in $($PY -c 'import json; print(" ".join(t["id"] for t in json.load(open("validation/targets.json"))["targets"]))'); do
    grep -q "^$id " "$TMP/out" || { echo "# no row for $id"; missing=1; }
done
ok $missing "the table has a row for every target"
grep -qE "^[0-9]+ pass, [0-9]+ fail, [0-9]+ not yet checkable$" "$TMP/out"; ok $? "the table ends with the counts"
[ -s "$TMP/val/validation.md" ] && [ -s "$TMP/val/validation.json" ]; ok $? "validate.py writes validation.md and validation.json"
cat >"$TMP/targets.json" <<'EOF'
{"run": {"configs": ["configs/cuts.json", "configs/growth.json", "configs/blend.json"], "worlds": 24, "firms": 20, "seed": 1},
 "targets": [
  {"id": "X1", "title": "wide", "published": "-", "sources": [{"ref": "test", "mark": "judgement"}], "scenarios": ["blend"],
   "metric": "displaced_pct", "tau": 2, "check": {"type": "median_in", "interval": [-100, 100]}},
  {"id": "X2", "title": "impossible", "published": "-", "sources": [{"ref": "test", "mark": "judgement"}], "scenarios": ["cuts"],
   "metric": "displaced_pct", "tau": 2, "check": {"type": "median_in", "interval": [1000, 2000]}}]}
EOF
status_is 1 "validate.py --strict exits 1 when a check fails" $PY validation/validate.py --hc "$HC" --strict --targets "$TMP/targets.json" --out "$TMP/val2"
grep -qE "^X1 +blend .*PASS" "$TMP/out" && grep -qE "^X2 +cuts .*FAIL" "$TMP/out"; ok $? "a wide interval passes and an impossible one fails"
$PY - "$TMP/val2" <<'EOF'
import csv, json, sys
d = sys.argv[1]
bands = {(r["scenario"], r["metric"], r["year"]): r for r in csv.DictReader(open(d + "/narratives/bands.csv"))}
res = {r["id"]: r for r in json.load(open(d + "/validation.json"))["results"]}
p50 = float(bands[("blend", "displaced_pct", "2028")]["p50"])
shown = float(res["X1"]["model"].split()[0])
assert abs(shown - p50) <= 0.01 * max(1.0, abs(p50)), (shown, p50)
EOF
ok $? "the median shown is bands.csv's"

echo "1..$n"
