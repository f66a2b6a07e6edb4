#!/usr/bin/env bash
# cli_uncertainty.sh: the uncertainty tools end to end (TAP output; docs/uncertainty.md):
# MCSE columns of bands.csv, --sampling lhs, the config's `correlations`, --sensitivity
# (sensitivity.csv, tornado charts in the report), --sobol, --target-mcse, the options'
# errors, and a designed run split across MPI ranks giving the bytes of one process.
# Run from the repository root after `make`; tests/run_all.sh calls it.
set -u
. "$(dirname "$0")/tap.sh"
HC_MPI="$PWD/${HC_BUILD:-build}/mpi/headcount"

SMALL=(--quiet --backend cpu --firms 20 --years 3)
CONFIGS=(configs/cuts.json configs/growth.json)
CORR='correlations=[{"inputs": ["inference.annual_price_change", "capability.growth_rate"], "rank_correlation": -0.6},
 {"inputs": ["capability.ceiling", "roles.customer_support.tokens_per_fte_year"], "rank_correlation": 0.4}]'

# --- MCSE columns of bands.csv
status_is 0 "a plain run" "$HC" run "${SMALL[@]}" --worlds 100 -o "$TMP/mc" "${CONFIGS[@]}"
head -1 "$TMP/mc/bands.csv" | grep -qx "scenario,metric,step,year,period,p5,p25,p50,p75,p95,mean,sd,mcse_p5,mcse_p25,mcse_p50,mcse_p75,mcse_p95,mcse_mean,mcse_sd"
ok $? "bands.csv: the bands, then the MCSE of each"
py_ok "MCSE: finite, >= 0, the mean's is sd / sqrt(W), 0 at step 0, below the sd elsewhere" '
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/bands.csv")))
for r in rows:
    m = {k: float(v) for k, v in r.items() if k.startswith("mcse_")}
    assert all(math.isfinite(v) and v >= 0 for v in m.values()), r
    assert abs(m["mcse_mean"] - float(r["sd"]) / 10.0) <= 1e-9 * max(1.0, float(r["sd"])), r
    if r["step"] == "0" and r["metric"] in ("employment_change_pct", "net_jobs"):  # the others are levels in v2
        assert all(v == 0 for v in m.values()), r
    assert m["mcse_p50"] <= float(r["sd"]) + 1e-12, r
' "$TMP/mc"
# The MCSE itself, recomputed from the worlds (worlds.f64) by batch means as docs/uncertainty.md
# describes: isqrt(W) = 10 consecutive blocks of 10 worlds, each block's percentiles (numpy,
# linear) and sd, and their sd across blocks over sqrt(10); the mean's is sd / sqrt(W).
# Within the CSV's 10 significant digits: a bound like "below the sd" is 8x looser than this.
py_ok "MCSE equals batch means recomputed from worlds.f64 (10 blocks, every column, 1e-9 relative)" '
import csv, json, math, sys, numpy as np
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
v = np.fromfile(d + "/worlds.f64", "<f8").reshape(m["worlds_file"]["shape"])
names, metrics = [s["name"] for s in m["scenarios"]], m["worlds_file"]["metrics"]
W = v.shape[-1]
B = math.isqrt(W)
assert W == 100 and B == 10
checked = 0
for r in csv.DictReader(open(d + "/bands.csv")):
    x = v[names.index(r["scenario"]), metrics.index(r["metric"]), int(r["step"])]
    blocks = [x[b * W // B:(b + 1) * W // B] for b in range(B)]
    want = {"mcse_p%d" % p: np.std([np.percentile(y, p) for y in blocks], ddof=1) / math.sqrt(B)
            for p in (5, 25, 50, 75, 95)}
    want["mcse_sd"] = np.std([np.std(y, ddof=1) for y in blocks], ddof=1) / math.sqrt(B)
    want["mcse_mean"] = np.std(x, ddof=1) / math.sqrt(W)
    for k, w in want.items():
        assert abs(float(r[k]) - w) <= 1e-9 * abs(w) + 1e-13, (r["scenario"], r["metric"], r["step"], k, r[k], w)
        checked += 1
assert len(metrics) == 16 and checked == 2 * len(metrics) * 13 * 7, (len(metrics), checked)
' "$TMP/mc"
py_ok "manifest.json says how the MCSE is computed" '
import json, sys
u = json.load(open(sys.argv[1] + "/manifest.json"))["uncertainty"]
assert u["sampling"] == "mc" and u["mcse"]["blocks"] == 10 and "batch means" in u["mcse"]["method"], u
' "$TMP/mc"

# --- Latin hypercube
status_is 0 "--sampling lhs" "$HC" run "${SMALL[@]}" --worlds 100 --sampling lhs -o "$TMP/lhs" "${CONFIGS[@]}"
! cmp -s "$TMP/mc/bands.csv" "$TMP/lhs/bands.csv"; ok $? "LHS gives other numbers than MC"
status_is 0 "--sampling lhs again, 1 thread" "$HC" run "${SMALL[@]}" --worlds 100 --sampling lhs --threads 1 \
    -o "$TMP/lhs1" "${CONFIGS[@]}"
cmp -s "$TMP/lhs/bands.csv" "$TMP/lhs1/bands.csv" && cmp -s "$TMP/lhs/firms.csv" "$TMP/lhs1/firms.csv"
ok $? "LHS: the same seed gives the same bytes, whatever the threads"
status_is 0 "--sampling mc is the default" "$HC" run "${SMALL[@]}" --worlds 100 --sampling mc -o "$TMP/mc2" "${CONFIGS[@]}"
cmp -s "$TMP/mc/bands.csv" "$TMP/mc2/bands.csv"; ok $? "--sampling mc gives the default run's bytes"
status_is 2 "--sampling with a bad value is a usage error" "$HC" run "${SMALL[@]}" --sampling sobol configs/cuts.json
grep -q -- "--sampling: expected mc or lhs" "$TMP/err"; ok $? "... naming --sampling"

# --- correlations
status_is 0 "a config with correlations" "$HC" run "${SMALL[@]}" --worlds 100 --set "$CORR" -o "$TMP/corr" configs/cuts.json
status_is 0 "... again" "$HC" run "${SMALL[@]}" --worlds 100 --set "$CORR" -o "$TMP/corr2" configs/cuts.json
cmp -s "$TMP/corr/bands.csv" "$TMP/corr2/bands.csv"; ok $? "correlations: the same seed gives the same bytes"
grep -q '"correlations"' "$TMP/corr/manifest.json"; ok $? "the manifest's resolved config holds the correlations"
status_is 2 "trace refuses a config with correlations (it cannot replay the design yet)" \
    "$HC" trace --world 0 --firm 0 --set "$CORR" configs/cuts.json
grep -q "correlations" "$TMP/err"; ok $? "trace's refusal names the correlations"
status_is 2 "correlations that cannot hold together are refused" "$HC" validate --set 'correlations=[
 {"inputs": ["capability.start", "capability.ceiling"], "rank_correlation": 0.9},
 {"inputs": ["capability.ceiling", "capability.growth_rate"], "rank_correlation": 0.9},
 {"inputs": ["capability.start", "capability.growth_rate"], "rank_correlation": -0.9}]' configs/cuts.json
grep -q "configs/cuts.json: correlations (from --set): .*not positive semi-definite" "$TMP/err"
ok $? "... with a message naming the file and correlations"
status_is 2 "a firm-level input cannot be correlated" "$HC" validate \
    --set 'correlations=[{"inputs": ["firms.headcount", "capability.start"], "rank_correlation": 0.5}]' configs/cuts.json

# --- sensitivity
status_is 0 "--sensitivity" "$HC" run "${SMALL[@]}" --worlds 200 --sensitivity -o "$TMP/sens" "${CONFIGS[@]}"
py_ok "sensitivity.csv: every headline metric and varying input, coefficients in [-1, 1]" '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sensitivity.csv")))
assert list(rows[0].keys()) == ["scenario", "metric", "input", "spearman", "srrc", "srrc_r2"], rows[0].keys()
for s in ("cuts", "growth"):
    for m in ("employment_change_pct", "ai_effect_pct", "displaced_pct"):
        inputs = [r["input"] for r in rows if r["scenario"] == s and r["metric"] == m]
        assert len(inputs) >= 15 and "capability.growth_rate" in inputs, (s, m, inputs)
        assert "roles.customer_support.tokens_per_fte_year" in inputs
        assert "inference.shock_rate" not in inputs or s == "growth" # a constant in cuts: no row
for r in rows:
    for k in ("spearman", "srrc"):
        assert -1.0 <= float(r[k]) <= 1.0, r
    assert 0.0 <= float(r["srrc_r2"]) <= 1.0
# the AI effect is driven by how fast capability grows: a strong negative rank correlation
g = [r for r in rows if r["scenario"] == "cuts" and r["metric"] == "ai_effect_pct" and r["input"] == "capability.growth_rate"]
assert float(g[0]["spearman"]) < -0.3, g
' "$TMP/sens"
py_ok "the tornado charts are valid SVG, listed and hashed in the manifest, and inlined in report.html" '
import hashlib, json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
files = {f["name"]: f["sha256"] for f in json.load(open(d + "/manifest.json"))["files"]}
for name in ("charts/tornado_cuts.svg", "charts/tornado_growth.svg", "sensitivity.csv"):
    assert name in files, name
    assert hashlib.sha256(open(d + "/" + name, "rb").read()).hexdigest() == files[name], name
    if name.endswith(".svg"):
        ET.parse(d + "/" + name)
html = open(d + "/report.html").read()
assert "chart-tornado_cuts" in html and "What drives net employment change" in html
' "$TMP/sens"
py_ok "tornado.csv: bars in points for world and firm-level inputs, marked significant at 1.96 standard errors" '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/tornado.csv")))
assert list(rows[0].keys()) == "scenario,metric,input,level,input_lo,input_hi,effect,se,significant".split(",")
levels = {(r["scenario"], r["level"]) for r in rows}
assert ("cuts", "firm_mean") in levels and ("cuts", "world") in levels, levels
firm = {r["input"] for r in rows if r["level"] == "firm_mean"}
assert "firms.demand_growth" in firm and "roles.customer_support.wage" in firm, firm
for r in rows:
    e, se = float(r["effect"]), float(r["se"])
    assert se >= 0 and float(r["input_lo"]) <= float(r["input_hi"]), r
    assert r["significant"] == ("1" if abs(e) > 1.959963984540054 * se else "0"), r
# capability growth drives the AI effect down under cuts, by points, significantly
g = [r for r in rows if r["scenario"] == "cuts" and r["metric"] == "ai_effect_pct" and r["input"] == "capability.growth_rate"]
assert float(g[0]["effect"]) < 0 and g[0]["significant"] == "1", g
' "$TMP/sens"
py_ok "the tornado chart labels inputs for people, in points, firm-level inputs among them" '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
texts = [t.text or "" for t in ET.parse(sys.argv[1] + "/charts/tornado_cuts.svg").getroot().iter(ns + "text")]
assert any("(points)" in t for t in texts) and not any(t.startswith("capability.") for t in texts), texts
assert any(t == "AI capability growth" for t in texts) or any("(firm mean)" in t for t in texts), texts
' "$TMP/sens"
! grep -q 'id="caveat"' "$TMP/sens/report.html"; ok $? "a plain run has no caveat banner"
status_is 0 "the same run without --sensitivity" "$HC" run "${SMALL[@]}" --worlds 200 -o "$TMP/nosens" "${CONFIGS[@]}"
cmp -s "$TMP/sens/bands.csv" "$TMP/nosens/bands.csv"; ok $? "--sensitivity changes no band"

# --- Sobol
status_is 0 "--sobol 24" "$HC" run "${SMALL[@]}" --sobol 24 -o "$TMP/sobol" configs/cuts.json
py_ok "sensitivity.csv gains the Sobol columns; N (k + 2) worlds; intervals hold their estimates" '
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/sensitivity.csv")))
cols = ["sobol_first", "sobol_first_lo", "sobol_first_hi", "sobol_total", "sobol_total_lo", "sobol_total_hi"]
assert list(rows[0].keys())[-6:] == cols, rows[0].keys()
m = json.load(open(d + "/manifest.json"))
k = len(m["uncertainty"]["sobol"]["inputs"])
assert k == 25 and m["worlds"] == 24 * (k + 2) and m["uncertainty"]["sobol"]["base_samples"] == 24, (k, m["worlds"])
for r in rows:
    v = {c: float(r[c]) for c in cols}
    assert v["sobol_first_lo"] <= v["sobol_first"] <= v["sobol_first_hi"], r
    assert v["sobol_total_lo"] <= v["sobol_total"] <= v["sobol_total_hi"], r
    assert v["sobol_total"] >= 0, r
' "$TMP/sobol"
grep -q '<p class="banner warning" id="caveat"><strong>Not plain draws.</strong> This --sobol run' "$TMP/sobol/report.html" \
    && grep -q "^> \*\*WARNING: not plain draws.\*\* This --sobol run" "$TMP/sobol/summary.md"
ok $? "a --sobol run warns in report.html and summary.md that its bands are not plain draws"
"$HC" run --worlds 40 --firms 40 --years 4 --sobol 8 -o "$TMP/sobol_console" configs/cuts.json >"$TMP/out" 2>/dev/null
grep -q "^!! WARNING, not plain draws: This --sobol run" "$TMP/out"; ok $? "... and on the console"
py_ok "sobol_years.csv: the Sobol indices of each headline metric at every year, and a chart" '
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/sobol_years.csv")))
sens = list(csv.DictReader(open(d + "/sensitivity.csv")))
inputs = sorted({r["input"] for r in sens})
years = sorted({int(r["year"]) for r in rows})
assert years == list(range(2027, 2030)), years
assert len(rows) == 3 * len(years) * len(inputs), (len(rows), len(inputs))
# the rows of the horizon are the Sobol columns of sensitivity.csv, to the printed digit
for r in rows:
    if int(r["year"]) != 2029:
        continue
    s = [x for x in sens if x["metric"] == r["metric"] and x["input"] == r["input"]][0]
    for k in ("sobol_first", "sobol_total", "sobol_total_lo", "sobol_total_hi"):
        assert r[k] == s[k], (r, s, k)
files = {f["name"] for f in json.load(open(d + "/manifest.json"))["files"]}
assert "sobol_years.csv" in files and "charts/sobol_years_cuts.svg" in files, files
' "$TMP/sobol"
status_is 0 "--sampling lhs" "$HC" run "${SMALL[@]}" --sampling lhs -o "$TMP/lhs_note" configs/cuts.json
grep -q '<p class="banner" id="caveat">Latin hypercube' "$TMP/lhs_note/report.html" && ! grep -q "WARNING" "$TMP/lhs_note/summary.md"
ok $? "an lhs run gets a note (its bands are valid; its MCSE conservative), not a warning"
status_is 2 "--sobol with correlations is refused" "$HC" run "${SMALL[@]}" --sobol 24 --set "$CORR" configs/cuts.json
grep -q -- "--sobol: Sobol indices need independent inputs" "$TMP/err"; ok $? "... saying why"
status_is 2 "--sobol 1 is a usage error" "$HC" run "${SMALL[@]}" --sobol 1 configs/cuts.json
status_is 2 "--sobol with --target-mcse is refused" "$HC" run "${SMALL[@]}" --sobol 24 --target-mcse 1 configs/cuts.json

# --- --target-mcse
status_is 0 "--target-mcse 0.15 from 16 worlds" "$HC" run --backend cpu --firms 20 --years 3 --worlds 16 \
    --target-mcse 0.15 -o "$TMP/target" configs/cuts.json
grep -q "headcount: --target-mcse 0.15: reached with [0-9]* worlds" "$TMP/err"; ok $? "it says how many worlds it needed"
status_is 0 "the same first 16 worlds alone" "$HC" run "${SMALL[@]}" --worlds 16 -o "$TMP/w16" configs/cuts.json
py_ok "manifest records the target; worlds 0..15 are those of the 16-world run" '
import json, sys, numpy as np
a, b = sys.argv[1], sys.argv[2]
m = json.load(open(a + "/manifest.json"))
t = m["uncertainty"]["target_mcse"]
assert t["reached"] and t["target"] == 0.15 and t["initial_worlds"] == 16 and t["worlds"] == m["worlds"] > 16, t
assert all(v <= 0.15 for v in t["median_mcse"]["cuts"].values()), t
va = np.fromfile(a + "/worlds.f64", "<f8").reshape(m["worlds_file"]["shape"])
mb = json.load(open(b + "/manifest.json"))
vb = np.fromfile(b + "/worlds.f64", "<f8").reshape(mb["worlds_file"]["shape"])
assert np.array_equal(va[..., :16], vb), "the first 16 worlds differ"
' "$TMP/target" "$TMP/w16"
status_is 0 "--target-mcse capped by --max-worlds" "$HC" run --backend cpu --firms 20 --years 3 --worlds 16 \
    --target-mcse 0.001 --max-worlds 40 -o "$TMP/capped" configs/cuts.json
grep -q "NOT reached: stopped at --max-worlds with 40 worlds" "$TMP/err"; ok $? "... and says it was not reached"
py_ok "the manifest says so too" '
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
assert m["worlds"] == 40 and m["uncertainty"]["target_mcse"]["reached"] is False, m["uncertainty"]
' "$TMP/capped"
status_is 0 "--target-mcse with --sampling lhs adds Latin hypercube batches" "$HC" run "${SMALL[@]}" --worlds 16 \
    --sampling lhs --target-mcse 0.2 -o "$TMP/target_lhs" configs/cuts.json
py_ok "... recorded as the design's batches" '
import json, sys
u = json.load(open(sys.argv[1] + "/manifest.json"))["uncertainty"]
assert u["design_batches"][0] == 16 and len(u["design_batches"]) >= 2 and u["target_mcse"]["reached"], u
' "$TMP/target_lhs"
for bad in 0 -1 abc nan; do
    status_is 2 "--target-mcse $bad is a usage error" "$HC" run "${SMALL[@]}" --target-mcse "$bad" configs/cuts.json
done
status_is 2 "--max-worlds needs --target-mcse" "$HC" run "${SMALL[@]}" --max-worlds 100 configs/cuts.json

# --- combinations not supported yet
status_is 2 "a design with a blend is refused" "$HC" run "${SMALL[@]}" --sampling lhs configs/blend.json
status_is 2 "a design with --trace-percentiles is refused" "$HC" run "${SMALL[@]}" --sampling lhs \
    --trace-percentiles 50 configs/cuts.json
status_is 1 "a design on the GPU is refused with a hint" "$HC" run --quiet --firms 20 --years 3 --worlds 10 \
    --sampling lhs --backend cuda -o "$TMP/gpu" configs/cuts.json
grep -q -- "--backend cpu" "$TMP/err"; ok $? "... pointing to --backend cpu"

# --- MPI: ranks read the design by global world id, so slices agree
if command -v mpirun >/dev/null 2>&1 && [ -x "$HC_MPI" ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
    "$HC" run "${SMALL[@]}" --worlds 30 --sampling lhs --set "$CORR" -o "$TMP/one" configs/cuts.json
    env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout -k 5 120 mpirun --oversubscribe -np 3 \
        "$HC_MPI" run "${SMALL[@]}" --worlds 30 --sampling lhs --set "$CORR" -o "$TMP/three" configs/cuts.json \
        >"$TMP/mpi.log" 2>&1
    cmp -s "$TMP/one/bands.csv" "$TMP/three/bands.csv" && cmp -s "$TMP/one/firms.csv" "$TMP/three/firms.csv"
    ok $? "LHS with correlations on 3 MPI ranks: the bytes of one process"
else # a prerequisite of make test (scripts/setup.sh, mk/mpi.mk): its absence is a failure
    echo "not ok $((n += 1)) - LHS with correlations on 3 MPI ranks (mpirun or $HC_MPI missing)"
fi

echo "1..$n"
