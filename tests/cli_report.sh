#!/usr/bin/env bash
# cli_report.sh: paired differences, `headcount compare`, the export formats, the
# per-world trajectories, the SVG charts and report.html, end to end (TAP output).
# Run from the repository root after `make`; tests/run_all.sh calls it. The report is
# rendered in headless Chromium by tests/report_check.py (skipped, with a SKIP line, on a
# machine without chromium or python3-pil).
set -u
. "$(dirname "$0")/tap.sh"
ROOT="$PWD"

SMALL=(--quiet --worlds 40 --firms 40 --years 4)
CONFIGS=(configs/cuts.json configs/growth.json)
R="$TMP/run"

# --- a run of two scenarios: every file, and the manifest lists them
status_is 0 "run two scenarios with json, md and trajectories" "$HC" run "${SMALL[@]}" --format csv,json,md \
    --trajectories employment_change_pct,ai_effect_pct -o "$R" "${CONFIGS[@]}"
for f in bands.csv firms.csv compare.csv probabilities.csv bands.json firms.json compare.json bands.md firms.md compare.md \
         worlds.f64 trajectories.csv trajectories.json summary.md report.html manifest.json \
         charts/employment_change_pct.svg charts/ai_effect_pct.svg charts/displaced_pct.svg \
         charts/paired_employment_change_pct.svg charts/firm_change_histogram.svg \
         charts/exceedance_employment_change_pct.svg charts/exceedance_ai_effect_pct.svg charts/budget_capped_pct.svg; do
    [ -s "$R/$f" ]; ok $? "run writes $f"
done
py_ok "manifest.json lists every file written, and nothing else" '
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
on_disk = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
# an entry is a name, or an object with its name (and digest)
listed = sorted([f["name"] if isinstance(f, dict) else f for f in m["files"]] + ["manifest.json"])
assert on_disk == listed, (on_disk, listed)
wf = m["worlds_file"]
assert wf["name"] == "worlds.f64" and wf["dtype"] == "<f8" and wf["shape"] == [2, 16, 17, 40], wf
' "$R"

# --- paired differences by hand from the per-world values
# bands.csv prints 10 significant digits: its percentiles must be numpy's printed to those
# digits, exactly (a tolerance of 1e-9 lets through more than the file can hide). Bit-for-bit
# agreement with numpy's interpolation, which no 10-digit table can show, is unit_stats'.
py_ok "worlds.f64 holds the values bands.csv is made of (numpy percentiles, every printed digit)" '
import csv, json, sys, numpy as np
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
v = np.fromfile(d + "/worlds.f64", "<f8").reshape(m["worlds_file"]["shape"])
names = [s["name"] for s in m["scenarios"]]
metrics = m["worlds_file"]["metrics"]
rows = list(csv.DictReader(open(d + "/bands.csv")))
assert len(rows) == 2 * 16 * 17
for r in rows:
    x = v[names.index(r["scenario"]), metrics.index(r["metric"]), int(r["step"])]
    for p in (5, 25, 50, 75, 95):
        want = np.percentile(x, p)
        assert r["p%d" % p] == "%.10g" % want, (r, p, want)
    assert abs(float(r["mean"]) - x.mean()) <= 1e-9 * max(1.0, abs(x.mean()))
' "$R"
py_ok "compare.csv equals the paired differences computed by hand from worlds.f64" '
import csv, json, sys, numpy as np
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
v = np.fromfile(d + "/worlds.f64", "<f8").reshape(m["worlds_file"]["shape"])
metrics = m["worlds_file"]["metrics"]
rows = list(csv.DictReader(open(d + "/compare.csv")))
assert list(rows[0].keys()) == "scenario,baseline,metric,step,year,period,p5,p25,p50,p75,p95,mean,sd,above_pct".split(",")
assert len(rows) == 16 * 17, len(rows)
checked = 0
for r in rows:
    assert r["scenario"] == "growth" and r["baseline"] == "cuts"
    k, t = metrics.index(r["metric"]), int(r["step"])
    diff = v[1, k, t] - v[0, k, t]
    assert abs(float(r["year"]) - (2026 + t / 4)) < 1e-9
    assert r["period"] == "%d-Q%d" % (2026 + t // 4, t % 4 + 1), r["period"]
    want = {"p%d" % p: np.percentile(diff, p) for p in (5, 25, 50, 75, 95)}
    want["mean"], want["sd"], want["above_pct"] = diff.mean(), diff.std(ddof=1), 100 * (diff > 0).mean()
    for col, w in want.items():
        got = float(r[col])
        assert abs(got - w) <= 1e-9 * max(1.0, abs(w)), (r["metric"], t, col, got, w)
        checked += 1
assert checked == 16 * 17 * 8
' "$R"
py_ok "trajectories.csv holds every world's values of the chosen metrics" '
import csv, json, sys, numpy as np
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
v = np.fromfile(d + "/worlds.f64", "<f8").reshape(m["worlds_file"]["shape"])
metrics = m["worlds_file"]["metrics"]
rows = list(csv.DictReader(open(d + "/trajectories.csv")))
assert list(rows[0].keys()) == ["scenario", "world", "step", "year", "period", "employment_change_pct", "ai_effect_pct"]
assert len(rows) == 2 * 40 * 17
for r in rows:
    s = ["cuts", "growth"].index(r["scenario"])
    for name in ("employment_change_pct", "ai_effect_pct"):
        want = v[s, metrics.index(name), int(r["step"]), int(r["world"])]
        assert abs(float(r[name]) - want) <= 1e-9 * max(1.0, abs(want))
j = json.load(open(d + "/trajectories.json"))
assert len(j) == len(rows) and float(j[-1]["ai_effect_pct"]) == float(rows[-1]["ai_effect_pct"])
' "$R"
py_ok "bands.json, firms.json, roles.json and compare.json hold the same rows as their CSVs" '
import csv, json, sys
d = sys.argv[1]
for stem in ("bands", "firms", "roles", "compare"):
    rows = list(csv.DictReader(open("%s/%s.csv" % (d, stem))))
    recs = json.load(open("%s/%s.json" % (d, stem)))
    assert len(rows) == len(recs), stem
    for r, j in zip(rows, recs):
        assert list(r.keys()) == list(j.keys()), (stem, r.keys(), j.keys())
        for k in r:
            a, b = r[k], j[k]
            assert (a == b) if isinstance(b, str) else (float(a) == float(b)), (stem, k, a, b)
    # Markdown: the whole-year rows, without step, period and MCSE, rounded to 3 significant digits
    md = open("%s/%s.md" % (d, stem)).read().splitlines()
    cols = [k for k in rows[0] if k not in ("step", "period") and not k.startswith("mcse_")]
    yearly = [r for r in rows if "step" not in r or int(r["step"]) % 4 == 0]
    assert md[0].startswith("# ") and md[4] == "| " + " | ".join(cols) + " |", (stem, md[:5])
    assert len(md) == 6 + len(yearly), (stem, len(md), len(yearly))
    for line, r in zip(md[6:], yearly):
        cells = [c.strip() for c in line.strip("|").split("|")]
        for k, c in zip(cols, cells):
            try:
                x = float(r[k])
            except ValueError:
                assert c == r[k], (stem, k, c, r[k])
                continue
            assert "e" not in c and float(c) == float("%.3g" % x) or (abs(x) >= 100 and abs(float(c) - x) <= 0.5), (stem, k, c, x)
            assert len(c.lstrip("-0.").replace(".", "")) <= max(3, len("%.0f" % abs(x))), (stem, k, c)
' "$R"

# --- headcount compare DIR: the same numbers without simulating again
status_is 0 "compare --help exits 0" "$HC" compare --help
grep -q "usage: headcount compare" "$TMP/out"; ok $? "compare --help prints its usage"
status_is 2 "compare without DIR is a usage error" "$HC" compare
cp "$R/compare.csv" "$TMP/compare_from_run.csv"
status_is 0 "compare DIR runs on the out folder" "$HC" compare "$R"
grep -q "growth" "$TMP/out"; ok $? "compare DIR prints the differences at the horizon"
cmp -s "$R/compare.csv" "$TMP/compare_from_run.csv"; ok $? "compare DIR rewrites compare.csv byte for byte"
status_is 0 "compare --baseline growth -o elsewhere" "$HC" compare --quiet --baseline growth --format csv,json -o "$TMP/cmp2" "$R"
[ -s "$TMP/cmp2/compare_vs_growth.csv" ] && [ ! -e "$TMP/cmp2/compare.csv" ]; ok $? "another baseline writes compare_vs_NAME.csv"
py_ok "another baseline mirrors the differences" '
import csv, sys
a = list(csv.DictReader(open(sys.argv[1] + "/compare.csv")))
b = list(csv.DictReader(open(sys.argv[2] + "/compare_vs_growth.csv")))
assert len(a) == len(b) and all(r["scenario"] == "cuts" and r["baseline"] == "growth" for r in b)
for x, y in zip(a, b):
    assert abs(float(x["mean"]) + float(y["mean"])) <= 1e-8 * max(1, abs(float(x["mean"])))
    assert abs(float(x["p5"]) + float(y["p95"])) <= 1e-8 * max(1, abs(float(x["p5"])))
    assert float(x["sd"]) == float(y["sd"])
' "$R" "$TMP/cmp2"
[ -s "$TMP/cmp2/compare_vs_growth.json" ]; ok $? "compare --format json writes JSON too"
status_is 0 "compare --baseline growth into the run's folder" "$HC" compare --quiet --baseline growth "$R"
cmp -s "$R/compare.csv" "$TMP/compare_from_run.csv" && [ -s "$R/compare_vs_growth.csv" ]
ok $? "another baseline leaves the run's compare.csv as it was"
status_is 2 "compare --baseline with an unknown name is a usage error" "$HC" compare --baseline nobody "$R"
grep -q "cuts, growth" "$TMP/err"; ok $? "the unknown-baseline message lists the scenarios"
status_is 2 "compare on a folder without a run is a usage error" "$HC" compare "$TMP"
status_is 2 "compare --format xml is a usage error" "$HC" compare --format xml "$R"
cp -r "$R" "$TMP/cut"
head -c 1000 "$R/worlds.f64" >"$TMP/cut/worlds.f64"
status_is 2 "compare refuses a truncated worlds.f64" "$HC" compare "$TMP/cut"
grep -q "worlds.f64: expected .* bytes" "$TMP/err"; ok $? "the truncated-file message says what size was expected"

# --- two identical configs under different names: a difference of exactly 0
for s in same_a same_b; do
    printf '{"name": "%s", "extends": "%s/configs/cuts.json"}\n' "$s" "$ROOT" >"$TMP/$s.json"
done
status_is 0 "run two identical configs under different names" "$HC" run "${SMALL[@]}" -o "$TMP/same" "$TMP/same_a.json" "$TMP/same_b.json"
py_ok "identical scenarios differ by exactly 0 (above_pct 0) at every metric and step" '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/compare.csv")))
assert len(rows) == 16 * 17
for r in rows:
    for k in ("p5", "p25", "p50", "p75", "p95", "mean", "sd", "above_pct"):
        assert r[k] == "0", (r["metric"], r["step"], k, r[k])
' "$TMP/same"

# --- a single scenario: no comparison, and compare says why
status_is 0 "run one scenario" "$HC" run "${SMALL[@]}" -o "$TMP/one" configs/cuts.json
[ ! -e "$TMP/one/compare.csv" ]; ok $? "one scenario writes no compare.csv"
[ -s "$TMP/one/report.html" ] && [ -s "$TMP/one/charts/firm_change_histogram.svg" ]; ok $? "one scenario still gets the report and charts"
status_is 2 "compare on a one-scenario run is a usage error" "$HC" compare "$TMP/one"
grep -q "needs two or more" "$TMP/err"; ok $? "and says that it needs two scenarios"

# --- formats and trajectories: options
# --format adds to CSV: report.html and summary.md point to the CSVs, so whatever the
# formats, every file they name (a link, or a name in the text) is in the folder.
for fmt in json md json,md csv; do
    status_is 0 "--format $fmt" "$HC" run "${SMALL[@]}" --format "$fmt" -o "$TMP/fmt_$fmt" "${CONFIGS[@]}"
    py_ok "--format $fmt: every file report.html and summary.md name exists" '
import os, re, sys
d = sys.argv[1]
named = set()
for doc in ("report.html", "summary.md"):
    text = open(os.path.join(d, doc)).read()
    named |= set(re.findall(r"href=\"([^\"#:]+)\"", text))
    named |= set(re.findall(r"(?<![\w/.-])([\w-]+(?:/[\w-]+)*\.(?:csv|json|md|svg|f64))\b", text))
named = {n for n in named if not n.startswith(("docs/", "configs/"))}  # the project files, not the run
assert {"bands.csv", "firms.csv", "compare.csv"} <= named, sorted(named)
missing = sorted(n for n in named if not os.path.exists(os.path.join(d, n)))
assert not missing, missing
' "$TMP/fmt_$fmt"
done
[ -s "$TMP/fmt_json/bands.csv" ] && [ -s "$TMP/fmt_json/bands.json" ] && [ ! -e "$TMP/fmt_json/bands.md" ]
ok $? "--format json writes the JSON tables beside the CSVs"
n_md=$(grep -c '^| cuts | employment_change_pct |' "$TMP/fmt_md/bands.md")
[ "$n_md" -eq 5 ] && grep -q '^| scenario | metric | year | p5 | p25 | p50 | p75 | p95 | mean | sd |$' "$TMP/fmt_md/bands.md"
ok $? "bands.md: whole years only (5 rows of a metric over 4 years, got $n_md), no step or MCSE columns"
status_is 2 "--format xml is a usage error" "$HC" run "${SMALL[@]}" --format csv,xml -o "$TMP/x1" "${CONFIGS[@]}"
grep -q -- "--format: expected csv, json or md" "$TMP/err"; ok $? "--format error says what was expected"
status_is 2 "--trajectories with an unknown metric is a usage error" "$HC" run "${SMALL[@]}" --trajectories employment -o "$TMP/x2" "${CONFIGS[@]}"
grep -q "employment_change_pct" "$TMP/err"; ok $? "--trajectories error lists the metrics"

# --- summary.md leads with the answer
first=$(grep -m1 '^## ' "$R/summary.md")
[ "$first" = "## The answer" ]; ok $? "summary.md opens with the answer (first section: $first)"
sed -n '/^## The answer/,/^## Every metric/p' "$R/summary.md" >"$TMP/answer.md"
grep -q "^| cuts | " "$TMP/answer.md" && grep -q "^| growth | " "$TMP/answer.md"; ok $? "the answer has a row per scenario"
grep -q " M " "$TMP/answer.md" && grep -q " % (" "$TMP/answer.md"; ok $? "the answer gives % and jobs with a band"
grep -q "growth vs cuts, net employment change" "$TMP/answer.md" && grep -q "growth vs cuts, AI effect" "$TMP/answer.md"
ok $? "the answer says where the narratives separate"
grep -q "^## cuts" "$R/summary.md"; ok $? "the full table per scenario follows"

# --- how sure: P(employment falls), P(AI lowers employment) and P(metric < t) for
# --threshold, on the console, in summary.md, report.html and probabilities.csv, against
# the shares counted from samples.csv here (tests/ref/world_shares.py)
"$HC" run --worlds 40 --firms 40 --samples all --threshold -5,-2 -o "$TMP/shares" "${CONFIGS[@]}" >"$TMP/shares.out" 2>"$TMP/err"
ok $? "run with --samples all --threshold -5,-2"
"$PY" tests/ref/world_shares.py "$TMP/shares" "$TMP/shares.out" -5,-2 >"$TMP/py.out" 2>&1
rc=$?
sed 's/^/# /' "$TMP/py.out" | tail -4
ok $rc "the probabilities (employment falls, AI lowers employment, below -5 and -2) equal samples.csv's counts, with their MCSE"
# ... and the check can fail: one world of growth whose AI effect turns negative in samples.csv
cp -r "$TMP/shares" "$TMP/shares_bad" && chmod -R u+w "$TMP/shares_bad"
"$PY" - "$TMP/shares_bad/samples.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
horizon = max(int(r["year"]) for r in rows)
r = next(r for r in rows if r["scenario"] == "growth" and r["metric"] == "ai_effect_pct"
         and int(r["year"]) == horizon and float(r["value"]) >= 0)
r["value"] = "-0.5"
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=list(rows[0]), lineterminator="\n")
w.writeheader()
w.writerows(rows)
PY
! "$PY" tests/ref/world_shares.py "$TMP/shares_bad" "$TMP/shares.out" -5,-2 >/dev/null 2>&1
ok $? "the probabilities check fails when one world's value differs from what was counted"
grep -q "MCSE" "$TMP/shares/summary.md" && grep -q " ±" "$TMP/shares/summary.md"
ok $? "summary.md puts the MCSE beside each headline number"
grep -q "(95 % bound: over 92)" "$TMP/shares/summary.md" || grep -q "(95 % bound: under 8)" "$TMP/shares/summary.md"
ok $? "a share of 0 or 100 % of the 40 worlds shows the rule of three's bound (3 / 40 = 7.5 %), not MCSE 0.0"
! grep -q "(MCSE 0.0)" "$TMP/shares/summary.md"; ok $? "and no probability reads as certain (MCSE 0.0)"
# where the narratives separate, a step within a year reads as the period column names it
"$HC" run --quiet --worlds 40 --firms 40 --years 3 --set simulation.steps_per_year=12 -o "$TMP/monthly" \
    "${CONFIGS[@]}" >/dev/null 2>"$TMP/err"
grep -qE "(separate|excludes 0) from 20[0-9]{2}-(0[1-9]|1[0-2]) on" "$TMP/monthly/summary.md" &&
    ! grep -qE "from 20[0-9]{2}\.[0-9]" "$TMP/monthly/summary.md" "$TMP/monthly/report.html"
ok $? "summary.md and report.html name a month as 2026-04, not 2026.25"
# every metric's unit says what it is a share of
grep -q "^| employment_change_pct | % of starting employment |" "$TMP/shares/summary.md" &&
    grep -q "^| compute_share_pct | % of the wage bill |" "$TMP/shares/summary.md" &&
    ! grep -qE "^\| [a-z_]+ \| % \|" "$TMP/shares/summary.md"
ok $? "summary.md's tables give each metric's unit with its base"
for bad in "x" "-5,,-2" "-5,-5" "1,2,3,4,5,6,7,8,9" "nan" ""; do
    status_is 2 "--threshold '$bad' is a usage error" "$HC" run "${SMALL[@]}" --threshold "$bad" -o "$TMP/thr" configs/cuts.json
    grep -q -- "--threshold" "$TMP/err"; ok $? "and the message names --threshold ('$bad')"
done

# --- display labels: free text in charts and tables, the id in the CSVs
printf '{"name": "cuts_sticky", "label": "Cuts (sticky prices) & more", "extends": "%s/configs/cuts.json"}\n' \
    "$ROOT" >"$TMP/labelled.json"
status_is 0 "a config with a label runs" "$HC" run "${SMALL[@]}" -o "$TMP/lab" "$TMP/labelled.json" configs/growth.json
grep -q "Cuts (sticky prices) &amp; more" "$TMP/lab/report.html" && grep -q "Cuts (sticky prices) &amp; more" \
    "$TMP/lab/charts/employment_change_pct.svg" && grep -q "| Cuts (sticky prices) & more |" "$TMP/lab/summary.md"
ok $? "the label is in report.html, the charts and summary.md"
grep -q "^cuts_sticky," "$TMP/lab/bands.csv" && ! grep -q "sticky prices" "$TMP/lab/bands.csv" "$TMP/lab/probabilities.csv"
ok $? "the CSVs keep the scenario's name"
for bad in '"tab\there"' '"line\nbreak"' '""' '" leading space"' '42' \
    '"0123456789012345678901234567890123456789012345678901234567890"'; do
    printf '{"label": %s, "extends": "%s/configs/cuts.json"}\n' "$bad" "$ROOT" >"$TMP/badlabel.json"
    status_is 2 "label $bad is refused" "$HC" run "${SMALL[@]}" -o "$TMP/bl" "$TMP/badlabel.json"
    grep -q "badlabel.json: label: expected a display label" "$TMP/err"; ok $? "the message names the file and label"
done

# --- three scenarios: small multiples, one panel per scenario
status_is 0 "run three scenarios" "$HC" run "${SMALL[@]}" -o "$TMP/three" "$TMP/labelled.json" "${CONFIGS[@]}"
py_ok "with three scenarios each fan chart has a panel per scenario" '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1] + "/charts/employment_change_pct.svg").getroot()
bold = [t.text for t in root.iter(ns + "text") if t.get("font-weight") == "bold"]
assert bold[0] == "Net employment change" and bold[1:] == ["Cuts (sticky prices) & more", "cuts", "growth"], bold
assert float(root.get("viewBox").split()[3]) > 430, root.get("viewBox")
' "$TMP/three"

# --- PNG and PDF copies of every chart with rsvg-convert, and a line saying so without it
if command -v rsvg-convert >/dev/null 2>&1; then
    env -u HEADCOUNT_RSVG_CONVERT "$HC" run "${SMALL[@]}" -o "$TMP/img" "${CONFIGS[@]}" >"$TMP/out" 2>&1
    ok $? "run with rsvg-convert"
    py_ok "every chart has a PNG and a PDF copy, listed in the manifest" '
import glob, json, os, sys
d = sys.argv[1]
svgs = sorted(glob.glob(d + "/charts/*.svg"))
listed = {f["name"] for f in json.load(open(d + "/manifest.json"))["files"]}
for s in svgs:
    for ext, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF")):
        f = s[:-4] + ext
        assert open(f, "rb").read(4) == magic, f
        assert "charts/" + os.path.basename(f) in listed, f
assert len(svgs) >= 10, svgs
' "$TMP/img"
    ! grep -q "rsvg-convert was not found" "$TMP/out" "$TMP/img/report.html"; ok $? "and no line says it is missing"
else
    skip "PNG and PDF copies of the charts" "rsvg-convert is not installed (librsvg2-bin)"
fi
HEADCOUNT_RSVG_CONVERT= "$HC" run --worlds 40 --firms 40 --years 4 -o "$TMP/noimg" configs/cuts.json >"$TMP/out" 2>&1
grep -q "rsvg-convert was not found" "$TMP/out" && grep -q "rsvg-convert was not found" "$TMP/noimg/report.html" \
    && ! ls "$TMP/noimg/charts/"*.png >/dev/null 2>&1
ok $? "without rsvg-convert the console and report.html say so, and there are no PNGs"
printf '#!/bin/sh\nexit 1\n' >"$TMP/broken-rsvg" && chmod +x "$TMP/broken-rsvg"
HEADCOUNT_RSVG_CONVERT="$TMP/broken-rsvg" "$HC" run --worlds 40 --firms 40 --years 4 -o "$TMP/badimg" configs/cuts.json \
    >"$TMP/out" 2>&1
ok $? "a converter that fails costs the copies, not the run"
grep -q "rsvg-convert failed on a chart" "$TMP/out" && grep -q "rsvg-convert failed on a chart" "$TMP/badimg/report.html" \
    && ! ls "$TMP/badimg/charts/"*.p* >/dev/null 2>&1
ok $? "... and the console and report.html say so"

# --- SVG: valid XML with what a chart needs
py_ok "every SVG is valid XML with a title, axis labels, a legend and data" '
import glob, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
files = sorted(glob.glob(sys.argv[1] + "/charts/*.svg")) + sorted(glob.glob(sys.argv[2] + "/charts/*.svg"))
assert len(files) >= 12, files
for f in files:
    root = ET.parse(f).getroot()
    assert root.tag == ns + "svg" and root.get("viewBox"), f
    assert root.find(ns + "title").text, f
    texts = [t.text or "" for t in root.iter(ns + "text")]
    assert any("Year" in t or "headcount since" in t or "at the horizon" in t for t in texts), (f, "x label")
    ylabels = [t.text or "" for t in root.iter(ns + "text") if "rotate" in (t.get("transform") or "")]
    assert len(ylabels) == 1 and ("%" in ylabels[0] or "points" in ylabels[0]), (f, "y label with unit", ylabels)
    assert any(t in ("cuts", "growth", "growth minus cuts") for t in texts), (f, "legend")
    drawn = list(root.iter(ns + "path")) + list(root.iter(ns + "polyline"))
    assert drawn, (f, "no data")
    body = open(f).read()
    assert "nan" not in body.lower() and "inf" not in body.replace("Info", ""), f
fan = ET.parse(sys.argv[1] + "/charts/employment_change_pct.svg").getroot()
texts = [t.text for t in fan.iter(ns + "text")]
assert "2026" in texts and "2030" in texts, texts
assert any("50 % band" in t for t in texts) and any("90 % band" in t for t in texts)
' "$R" "$TMP/one"

# --- the progress bar: never on a pipe, never with --quiet
"$HC" run --worlds 40 --firms 40 --years 4 -o "$TMP/pipe" "${CONFIGS[@]}" >/dev/null 2>"$TMP/err"
! grep -q $'\r' "$TMP/err"; ok $? "no progress bar when stderr is not a terminal"
# script(1) (util-linux, always installed) gives the run a terminal; without it, a failure.
command -v script >/dev/null 2>&1 &&
    script -qec "$HC run ${SMALL[*]} -o $TMP/tty ${CONFIGS[*]}" /dev/null >"$TMP/tty.out" 2>&1 &&
    [ ! -s "$TMP/tty.out" ]
ok $? "no progress bar with --quiet on a terminal"

# --- report.html: self-contained, and it looks right in Chromium
grep -c '<figure class="chart"' "$R/report.html" | grep -qx 10; ok $? "report.html inlines the 10 charts"
grep -q 'id="chart-exceedance_employment_change_pct"' "$R/report.html" && grep -q 'id="probabilities"' "$R/report.html"
ok $? "report.html has the probabilities table and the exceedance charts"
grep -q "The answer" "$R/report.html" && grep -q "Paired differences at the horizon" "$R/report.html" \
    && grep -q "Firm-level change in headcount by year" "$R/report.html"; ok $? "report.html has the answer and the tables"
"$PY" tests/report_check.py "$R/report.html" "$TMP/report.png" >"$TMP/check.out" 2>&1
check_rc=$?
while IFS= read -r line; do
    case "$line" in
    PASS\ *) n=$((n + 1)); echo "ok $n - report: ${line#PASS }" ;;
    FAIL\ *) n=$((n + 1)); echo "not ok $n - report: ${line#FAIL }" ;;
    # Chromium is a prerequisite of make test (scripts/setup.sh): missing, it is a failure
    SKIP\ *) n=$((n + 1)); echo "not ok $n - report rendering: ${line#SKIP }" ;;
    *) echo "# $line" ;;
    esac
done <"$TMP/check.out"
[ $check_rc -eq 0 ]; ok $? "report_check.py finishes cleanly"
# The checks must be able to fail: a copy with an overflowing block and an emptied chart.
if grep -q "^PASS Chromium takes a screenshot" "$TMP/check.out"; then
    "$PY" - "$R/report.html" "$TMP/broken.html" <<'PY'
import re, sys
h = open(sys.argv[1]).read()
i = h.index('<figure class="chart"'); j = h.index("</figure>", i)
h = h[:i] + re.sub(r"<(path|polyline)[^>]*/>", "", h[i:j]) + h[j:]
h = h.replace('<section id="files">', '<div style="width:1500px;height:20px;background:#c00"></div><section id="files">')
open(sys.argv[2], "w").write(h)
PY
    "$PY" tests/report_check.py "$TMP/broken.html" "$TMP/broken.png" >"$TMP/broken.out" 2>&1
    grep -q "^FAIL page is no wider" "$TMP/broken.out" && grep -q "^FAIL right margin" "$TMP/broken.out" \
        && grep -q "^FAIL every chart has data drawn" "$TMP/broken.out"
    ok $? "the report checks catch an overflow and an empty chart"
fi

echo "1..$n"
