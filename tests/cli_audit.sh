#!/usr/bin/env bash
# cli_audit.sh: the audit trail end to end (TAP): `headcount trace` replays a firm exactly
# as `run` computed it, `run --trace-percentiles` names firms whose replay matches,
# `run --samples` round-trips to bands.csv (tests/ref/sipmath_roundtrip.py), the manifest's
# SHA-256 of every file matches sha256sum, and mixtures and the 90 % interval shorthand
# work from the command line. Run from the repository root after `make`.
set -u
. "$(dirname "$0")/tap.sh"

SMALL=(--quiet --worlds 24 --firms 30 --years 3)
CONFIGS=(configs/cuts.json configs/growth.json)

# --- headcount trace: usage
status_is 0 "trace --help exits 0" "$HC" trace --help
grep -q "usage: headcount trace" "$TMP/out"; ok $? "trace --help prints its usage"
status_is 2 "trace without --world is a usage error" "$HC" trace configs/cuts.json --firm 0
status_is 2 "trace without a config is a usage error" "$HC" trace --world 0 --firm 0
status_is 2 "trace of a world the run does not have is refused" "$HC" trace configs/cuts.json --worlds 5 --world 5 --firm 0
grep -q -- "--world 5: configs/cuts.json has 5 worlds (0 .. 4)" "$TMP/err"; ok $? "and says how many worlds there are"
status_is 2 "trace --firm abc is a usage error" "$HC" trace configs/cuts.json --world 0 --firm abc
status_is 2 "trace of a bad config exits 2" "$HC" trace tests/configs/bad/beta_nan.json --world 0 --firm 0

# --- headcount trace: what it prints and writes
status_is 0 "trace prints a firm" "$HC" trace configs/growth.json --years 2 --world 3 --firm 7 -o "$TMP/trace.csv"
for section in "world inputs" "firm inputs" "step 0 (2026.00)" "step 8 (2028.00)" "spend~" "rb "; do
    grep -qF "$section" "$TMP/out"; ok $? "trace prints \"$section\""
done
head -1 "$TMP/trace.csv" | grep -qx "scenario,world,firm,step,year,quantity,role,value"; ok $? "trace -o writes the CSV header"
grep -q "^growth,3,7,,,firms.headcount,," "$TMP/trace.csv"; ok $? "the CSV holds the drawn inputs"
grep -q "^growth,3,7,8,2028,adoption_tentative,customer_support," "$TMP/trace.csv"; ok $? "the CSV holds per-role adoption per step"
! grep -qiE ",-?(nan|inf)$" "$TMP/trace.csv"; ok $? "no NaN or Inf in the trace"
status_is 0 "trace -q -o writes only the file" "$HC" trace configs/growth.json --years 2 --world 3 --firm 7 -q -o "$TMP/trace2.csv"
[ ! -s "$TMP/out" ] && cmp -s "$TMP/trace.csv" "$TMP/trace2.csv"; ok $? "trace -q prints nothing and writes the same CSV"

# --- the replay equals the run: worlds of one firm, so a world's employment change is the firm's
status_is 0 "run 3 one-firm worlds with --samples" "$HC" run --quiet --worlds 3 --firms 1 --years 3 \
    --samples employment_change_pct --sample-years all -o "$TMP/one" configs/growth.json
for w in 0 1 2; do "$HC" trace configs/growth.json --worlds 3 --firms 1 --years 3 --world $w --firm 0 -q -o "$TMP/one_w$w.csv"; done
$PY - "$TMP" <<'PY'
import csv, sys
d = sys.argv[1]
run = {(int(r["world"]), int(r["year"])): float(r["value"]) for r in csv.DictReader(open(d + "/one/samples.csv"))}
checked = 0
for w in range(3):
    H = {int(r["step"]): float(r["value"]) for r in csv.DictReader(open("%s/one_w%d.csv" % (d, w))) if r["quantity"] == "H"}
    for year in range(2026, 2030):
        t = (year - 2026) * 4
        # the run's metric, computed as src/analysis/bands.c does from the world's double sums
        mine = 100.0 * (H[t] / H[0] - 1.0)
        if mine != run[(w, year)]:
            sys.exit("world %d year %d: trace gives %r, run %r" % (w, year, mine, run[(w, year)]))
        checked += 1
print("# %d world-years identical to the run" % checked)
PY
ok $? "traced headcount reproduces the run's employment change bit for bit"

# --- run --trace-percentiles and --samples
status_is 0 "run with --samples and --trace-percentiles" "$HC" run "${SMALL[@]}" --samples all --sample-years 2026,2029,2027 \
    --trace-percentiles 5,50,95 -o "$TMP/r" "${CONFIGS[@]}"
status_is 0 "the same run without them" "$HC" run "${SMALL[@]}" -o "$TMP/plain" "${CONFIGS[@]}"
cmp -s "$TMP/r/bands.csv" "$TMP/plain/bands.csv" && cmp -s "$TMP/r/firms.csv" "$TMP/plain/firms.csv"
ok $? "the audit options leave bands.csv and firms.csv unchanged"
[ $(($(wc -l <"$TMP/r/traced_firms.csv") - 1)) -eq 6 ]; ok $? "traced_firms.csv names a firm per scenario and percentile"
$PY - "$TMP/r" "$HC" <<'PY'
import csv, subprocess, sys
d, hc = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(d + "/traced_firms.csv")))
traces = list(csv.DictReader(open(d + "/traces.csv")))
for r in rows:
    assert r["command"].startswith("headcount trace "), r["command"]
    subprocess.run(["bash", "-c", hc + r["command"][len("headcount"):] + " -q -o " + d + "/../replay.csv"], check=True)
    last = [l.split(",") for l in open(d + "/../replay.csv").read().splitlines() if ",change_pct," in l][-1]
    if last[-1] != r["change_pct"]:
        sys.exit("%s p%s: replay gives %s, traced_firms.csv %s" % (r["scenario"], r["percentile"], last[-1], r["change_pct"]))
    mine = [t for t in traces if t["scenario"] == r["scenario"] and t["world"] == r["world"] and t["firm"] == r["firm"]
            and t["quantity"] == "change_pct" and t["step"] == "12"]
    assert len(mine) == 1 and mine[0]["value"] == r["change_pct"], mine
for s in ("cuts", "growth"):
    v = [float(r["change_pct"]) for r in rows if r["scenario"] == s]
    assert v == sorted(v), v
print("# %d traced firms replay to their change at the horizon" % len(rows))
PY
ok $? "each traced firm's command replays it to the change traced_firms.csv reports"
$PY tests/ref/sipmath_roundtrip.py "$TMP/r" >"$TMP/rt" 2>&1; rc=$?
sed 's/^/# /' "$TMP/rt"; ok $rc "samples.json and samples.csv reproduce bands.csv exactly"
grep -q "^cuts,23,ai_net_jobs,2029," "$TMP/r/samples.csv"; ok $? "samples.csv has scenario,world,metric,year,value rows"
[ $(($(wc -l <"$TMP/r/samples.csv") - 1)) -eq $((2 * 16 * 3 * 24)) ]; ok $? "samples.csv: scenarios x metrics x years x worlds rows"
cp -r "$TMP/r" "$TMP/tampered"
$PY - "$TMP/tampered/bands.csv" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().splitlines()
for i, line in enumerate(lines):
    f = line.split(",")
    if f[:3] == ["cuts", "employment_change_pct", "12"]:
        f[7] = "%.10g" % (float(f[7]) * (1 + 1e-9))  # p50, changed in its 10th digit
        lines[i] = ",".join(f)
open(path, "w").write("\n".join(lines) + "\n")
PY
! $PY tests/ref/sipmath_roundtrip.py "$TMP/tampered" >/dev/null 2>&1; ok $? "the round trip notices a changed band"
status_is 2 "--samples with an unknown metric is a usage error" "$HC" run "${SMALL[@]}" --samples jobs -o "$TMP/x" configs/cuts.json
grep -q "employment_change_pct" "$TMP/err"; ok $? "and lists the metrics"
status_is 2 "--sample-years outside the run is a usage error" "$HC" run "${SMALL[@]}" --samples all --sample-years 2031 -o "$TMP/x" configs/cuts.json
status_is 2 "--sample-years without --samples is a usage error" "$HC" run "${SMALL[@]}" --sample-years all -o "$TMP/x" configs/cuts.json
status_is 2 "--trace-percentiles 101 is a usage error" "$HC" run "${SMALL[@]}" --trace-percentiles 5,101 -o "$TMP/x" configs/cuts.json
[ ! -e "$TMP/x/manifest.json" ]; ok $? "refused options write nothing"

# --- manifest: a SHA-256 for every file
$PY - "$TMP/r" <<'PY'
import json, os, subprocess, sys
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
listed = {f["name"]: f for f in m["files"]}
present = set()
for root, _, names in os.walk(d):
    for name in names:
        rel = os.path.relpath(os.path.join(root, name), d)
        if rel != "manifest.json":
            present.add(rel)
if set(listed) != present:
    sys.exit("listed %s, present %s" % (sorted(listed), sorted(present)))
for name, f in listed.items():
    out = subprocess.run(["sha256sum", os.path.join(d, name)], capture_output=True, text=True, check=True).stdout
    if out.split()[0] != f["sha256"] or os.path.getsize(os.path.join(d, name)) != f["bytes"]:
        sys.exit("%s: manifest %s, sha256sum %s" % (name, f["sha256"], out.split()[0]))
for want in ("bands.csv", "firms.csv", "summary.md", "samples.json", "samples.csv", "traced_firms.csv", "traces.csv"):
    assert want in listed, want
print("# %d files hashed" % len(listed))
PY
ok $? "manifest.json lists every file with the SHA-256 sha256sum prints and its size"

# --- mixtures and the 90 % interval shorthand from the command line
MIX='{"dist":"mixture","components":[{"dist":"lognormal","median":20,"sigma":1},{"p5":1000,"p95":50000}],"weights":[0.9,0.1]}'
status_is 0 "validate accepts a mixture" "$HC" validate --set firms.size_classes=null --set "firms.headcount=$MIX" configs/cuts.json
status_is 0 "run with a mixture input" "$HC" run "${SMALL[@]}" --set firms.size_classes=null --set "firms.headcount=$MIX" -o "$TMP/mix" configs/cuts.json
! grep -qiE "nan|inf" "$TMP/mix/bands.csv"; ok $? "a mixture run has finite bands"
status_is 2 "a mixture of mixtures is refused" "$HC" validate \
    --set firms.size_classes=null --set 'firms.headcount={"dist":"mixture","components":[5,{"dist":"mixture","components":[5],"weights":[1]}],"weights":[1,1]}' configs/cuts.json
grep -q "firms.headcount.components\[1\].dist (from --set): a mixture's components are distributions, not mixtures" "$TMP/err"
ok $? "and the message names the component"
status_is 0 "describe shows the shorthand's choice" "$HC" describe --draws 1000 \
    --set 'inference.price_per_mtok={"p5":1,"p95":4}' \
    --set 'inference.annual_price_change={"p5":-0.5,"p95":0.5,"clip":[-0.9,1]}' --set firms.size_classes=null --set "firms.headcount=$MIX" configs/cuts.json
grep -q "^inference.price_per_mtok .*(90 % interval read as a lognormal)" "$TMP/out"; ok $? "positive bounds read as a lognormal"
grep -q "^inference.annual_price_change .*(90 % interval read as a normal)" "$TMP/out"; ok $? "a bound <= 0 reads as a normal"
grep -q "^firms.headcount .*(components: lognormal 0.9, lognormal 0.1)" "$TMP/out"; ok $? "describe lists a mixture's components"
status_is 0 "describe a config with size classes" "$HC" describe --draws 20000 configs/cuts.json
grep -q "^firms.headcount .* from the 6 firms.size_classes (a Pareto of alpha 1.05 in each; the firms.headcount value is unused)$" "$TMP/out"
ok $? "with size classes describe shows the sizes drawn from them, not the unused firms.headcount"

echo "1..$n"
