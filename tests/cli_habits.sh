#!/usr/bin/env bash
# cli_habits.sh: the command line as people type it (issue 16 "CLI habits"), as TAP: a
# misspelled option, command, role name gets "did you mean" and a one-line error with a
# pointer to --help (not the whole usage); `help CMD`; describe --draws (and its old
# --samples, deprecated); one JSON value from --dump-config; the no-GPU notice once per
# machine; the commit in samples.json as in manifest.json; the console table aligned for
# long scenario names; the share of the spread that comes from sampling firms. Run from the repository root after `make`; tests/run_all.sh calls it.
set -u
. "$(dirname "$0")/tap.sh"

SMALL=(--quiet --worlds 20 --firms 10 --years 1)
CONFIGS=(configs/cuts.json configs/growth.json)

# --- a misspelled option: the option meant, one short error, a pointer to --help
short_error() { # the error is at most 2 lines and is not the usage
    [ "$(wc -l <"$TMP/err")" -le 2 ] && ! grep -q "^usage:" "$TMP/err" && grep -q -- "--help)" "$TMP/err"
}
status_is 2 "run --wrolds is a usage error" "$HC" run --wrolds 5 configs/cuts.json
grep -q "unknown option --wrolds (did you mean --worlds?)" "$TMP/err"; ok $? "run --wrolds: did you mean --worlds"
short_error; ok $? "run --wrolds: a short error and a pointer to --help, not the usage"
status_is 2 "run -worlds (one dash)" "$HC" run -worlds 5 configs/cuts.json
grep -q "did you mean --worlds?" "$TMP/err"; ok $? "run -worlds: did you mean --worlds"
status_is 2 "run --s (a prefix of several options)" "$HC" run --s 5 configs/cuts.json
grep -q "ambiguous option --s (--seed, --set," "$TMP/err"; ok $? "run --s: ambiguous, and which options it could be"
status_is 2 "run --worlds without a value" "$HC" run --worlds
grep -q -- "--worlds needs a value" "$TMP/err" && short_error; ok $? "run --worlds: needs a value, briefly"
status_is 2 "run --force=yes" "$HC" run --force=yes configs/cuts.json
grep -q -- "--force takes no value" "$TMP/err"; ok $? "run --force=yes: takes no value"
status_is 2 "compare --basline" "$HC" compare --basline cuts "$TMP"
grep -q "did you mean --baseline?" "$TMP/err" && short_error; ok $? "compare --basline: did you mean --baseline"
status_is 2 "validate --sett" "$HC" validate --sett x=1 configs/cuts.json
grep -q "did you mean --set?" "$TMP/err" && short_error; ok $? "validate --sett: did you mean --set"
status_is 2 "describe --draw" "$HC" describe --drows 10 configs/cuts.json
grep -q "did you mean --draws?" "$TMP/err" && short_error; ok $? "describe --drows: did you mean --draws"
status_is 2 "trace --wrld" "$HC" trace --wrld 1 configs/cuts.json
grep -q "did you mean --world?" "$TMP/err" && short_error; ok $? "trace --wrld: did you mean --world"

# --- a misspelled command; help CMD
status_is 2 "headcount rnu is a usage error" "$HC" rnu configs/cuts.json
grep -q 'unknown command "rnu" (did you mean "run"?)' "$TMP/err" && short_error
ok $? "rnu: did you mean run, briefly"
status_is 0 "headcount help run" "$HC" help run
"$HC" run --help >"$TMP/run_help"
cmp -s "$TMP/out" "$TMP/run_help"; ok $? "help run prints run --help"
status_is 0 "headcount help describe" "$HC" help describe
grep -q "^usage: headcount describe" "$TMP/out"; ok $? "help describe prints describe's usage"
status_is 2 "headcount help nope" "$HC" help nope
grep -q 'unknown command "nope"' "$TMP/err"; ok $? "help of an unknown command says so"

# --- a misspelled role name in a config that extends another: a new role, so "did you mean"
printf '{"name": "x", "extends": "%s/configs/growth.json", "roles": [{"name": "customer_suport", "exposure": 0.5}]}\n' \
    "$PWD" >"$TMP/role.json"
status_is 2 "a misspelled role name is refused" "$HC" validate "$TMP/role.json"
grep -q 'roles\[7\].name: no role "customer_suport" is inherited or named before (did you mean "customer_support"?); as a new role it would need "share"' "$TMP/err"
ok $? "a misspelled role name: did you mean the inherited role"
status_is 2 "a misspelled role key is refused" "$HC" validate --set roles.customer_support.shar=0.1 configs/growth.json
grep -q 'did you mean "share"?' "$TMP/err"; ok $? "a misspelled role key: did you mean share"

# --- describe --draws N (a count); --samples N still works, deprecated
status_is 0 "describe --draws 500" "$HC" describe --draws 500 configs/cuts.json
grep -q "500 draws of each input" "$TMP/out"; ok $? "describe --draws sets the draws"
status_is 0 "describe --samples 500 (deprecated)" "$HC" describe --samples 500 configs/cuts.json
grep -q "500 draws of each input" "$TMP/out" && grep -q -- "--samples N is deprecated: use --draws N" "$TMP/err"
ok $? "describe --samples still works, with a deprecation warning"

# --- --dump-config: one JSON value, whatever the number of configs
status_is 0 "--dump-config with two configs" "$HC" run --dump-config "${CONFIGS[@]}"
py_ok "--dump-config with two configs prints one JSON object keyed by scenario" '
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == ["cuts", "growth"] and d["cuts"]["name"] == "cuts", sorted(d)
' "$TMP/out"
status_is 0 "--dump-config with one config" "$HC" run --dump-config configs/cuts.json
py_ok "--dump-config with one config prints the config itself" '
import json, sys
assert json.load(open(sys.argv[1]))["name"] == "cuts"
' "$TMP/out"

# --- the no-GPU notice: once per machine (and again when it changes)
export XDG_CACHE_HOME="$TMP/notice_cache"
CUDA_VISIBLE_DEVICES= "$HC" run --worlds 10 --firms 10 --years 1 -o "$TMP/n1" configs/cuts.json >/dev/null 2>"$TMP/n1.err"
CUDA_VISIBLE_DEVICES= "$HC" run --worlds 10 --firms 10 --years 1 -o "$TMP/n2" configs/cuts.json >/dev/null 2>"$TMP/n2.err"
grep -q "no usable GPU.*running on the CPU" "$TMP/n1.err" && ! grep -q "GPU" "$TMP/n2.err"
ok $? "the no-GPU notice is printed on the first run, not on the next"
[ -s "$XDG_CACHE_HOME/headcount/gpu-notice" ]; ok $? "it is remembered under \$XDG_CACHE_HOME/headcount"
echo "an older notice" >"$XDG_CACHE_HOME/headcount/gpu-notice"
CUDA_VISIBLE_DEVICES= "$HC" run --worlds 10 --firms 10 --years 1 -o "$TMP/n3" configs/cuts.json >/dev/null 2>"$TMP/n3.err"
grep -q "no usable GPU.*running on the CPU" "$TMP/n3.err"; ok $? "a notice that changed is printed again"
export XDG_CACHE_HOME="$TMP/cache"

# --- the commit: samples.json records what manifest.json records
status_is 0 "run with --samples" "$HC" run "${SMALL[@]}" --samples employment_change_pct -o "$TMP/s" configs/cuts.json
py_ok "samples.json names the commit manifest.json names" '
import json, sys
d = sys.argv[1]
commit = json.load(open(d + "/manifest.json"))["git_commit"]
text = open(d + "/samples.json").read()
assert "commit unknown" not in text or commit == "unknown", commit
assert "commit %s)" % commit in text, commit
' "$TMP/s"

# --- the console table: aligned however long the scenario names
printf '{"name": "a_scenario_with_a_long_name", "extends": "%s/configs/growth.json"}\n' "$PWD" >"$TMP/long.json"
"$HC" run --worlds 20 --firms 10 --years 1 -o "$TMP/long" configs/cuts.json "$TMP/long.json" >"$TMP/long.out" 2>/dev/null
ok $? "run a scenario with a long name"
py_ok "the console tables keep their columns aligned for a long name" '
import sys
lines = open(sys.argv[1]).read().splitlines()
for head in [i for i, l in enumerate(lines) if l.startswith("  scenario ")]:
    col = lines[head].index(lines[head].split()[1])  # where the first metric column starts
    rows = lines[head + 1:head + 3]
    assert all(r[col - 2:col] == "  " and r[col] != " " for r in rows), (lines[head], rows)
' "$TMP/long.out"

# --- the firm-count effect: measured, shrinking with more firms, warned about when large
"$HC" run --worlds 200 --firms 10 --years 2 -o "$TMP/f10" configs/cuts.json >"$TMP/f10.out" 2>/dev/null
ok $? "run with 10 firms per world"
"$HC" run --worlds 200 --firms 400 --years 2 -o "$TMP/f400" configs/cuts.json >"$TMP/f400.out" 2>/dev/null
ok $? "run with 400 firms per world"
share() { sed -n 's/^  cuts: \([0-9.]*\) %$/\1/p' "$1"; }
s10=$(share "$TMP/f10.out") s400=$(share "$TMP/f400.out")
echo "# firm share of the spread: $s10 % at 10 firms, $s400 % at 400"
awk -v a="$s10" -v b="$s400" 'BEGIN { exit !(a != "" && b != "" && a > 25 && b < a / 3) }'
ok $? "the firm share of the spread is large at 10 firms and falls with 400"
grep -q "^warning: above 25 %" "$TMP/f10.out" && grep -q "^\*\*Warning:\*\* above 25 %" "$TMP/f10/summary.md" &&
    grep -q "^- cuts: $s10 %" "$TMP/f10/summary.md"
ok $? "a large firm share is warned about on the console and in summary.md"
"$HC" run --help | grep -q "the finite sample" && "$HC" run --help | grep -q "Firms per world"
ok $? "run --help explains the firm-count effect"

echo "1..$n"
