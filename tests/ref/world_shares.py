"""world_shares.py DIR CONSOLE [THRESHOLDS]: the probabilities a run reports at the
horizon, computed here from DIR/samples.csv (a run with --samples all): for
employment_change_pct and ai_effect_pct, the share of worlds strictly below 0 (employment
falls; AI lowers employment) and below each of THRESHOLDS (the run's --threshold, e.g.
-5,-2), with its binomial Monte Carlo standard error sqrt(p (1 - p) / W). They must be
what the run wrote: DIR/probabilities.csv (p and mcse to every printed digit), and, in %
with one decimal, the console (the file CONSOLE), DIR/summary.md and DIR/report.html.
Exits 1 with the first difference."""
import csv
import math
import re
import sys

d, console = sys.argv[1], sys.argv[2]
thresholds = [float(t) for t in sys.argv[3].split(",")] if len(sys.argv) > 3 and sys.argv[3] else []
rows = list(csv.DictReader(open(d + "/samples.csv")))
horizon = max(int(r["year"]) for r in rows)
scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
# hc_probs' order: per metric, 0 first, then the thresholds as given (0 left out)
EVENTS = [(m, t) for m in ("employment_change_pct", "ai_effect_pct") for t in [0.0] + [t for t in thresholds if t != 0]]

want, cells = {}, {}
for s in scenarios:
    want[s], cells[s] = [], []
    for metric, t in EVENTS:
        values = [float(r["value"]) for r in rows
                  if r["scenario"] == s and r["metric"] == metric and int(r["year"]) == horizon]
        assert values, (s, metric)
        p = sum(1 for v in values if v < t) / len(values)
        mcse = math.sqrt(p * (1 - p) / len(values))
        want[s].append((metric, t, p, mcse))
        cells[s].append("%.1f %% (MCSE %.1f)" % (100 * p, 100 * mcse))

table = list(csv.DictReader(open(d + "/probabilities.csv")))
assert list(table[0].keys()) == ["scenario", "metric", "year", "threshold", "p", "mcse"], table[0].keys()
assert len(table) == len(scenarios) * len(EVENTS), (len(table), len(scenarios) * len(EVENTS))
for r in table:
    s = r["scenario"]
    match = [w for w in want[s] if w[0] == r["metric"] and w[1] == float(r["threshold"])]
    assert len(match) == 1, ("probabilities.csv row not asked for", r)
    _, _, p, mcse = match[0]
    assert int(r["year"]) == horizon, r
    assert r["p"] == "%.10g" % p and r["mcse"] == "%.10g" % mcse, ("probabilities.csv", r, p, mcse)

md = open(d + "/summary.md").read()
html = open(d + "/report.html").read()
out = open(console).read()
def label(metric, t):  # hc_event_label
    if t == 0:
        return "%s (%s < 0)" % ("Employment falls" if metric == "employment_change_pct" else "AI lowers employment", metric)
    return "%s < %g" % (metric, t)


# summary.md and report.html: an event a row, a scenario a column
for k, (metric, t) in enumerate(EVENTS):
    line = "| %s | %s |" % (label(metric, t), " | ".join(cells[s][k] for s in scenarios))
    assert line in md.splitlines(), ("summary.md lacks", line)
    tr = "<tr><th>%s</th>%s</tr>" % (label(metric, t).replace("<", "&lt;"),
                                     "".join("<td>%s</td>" % cells[s][k] for s in scenarios))
    assert tr in html, ("report.html lacks", tr)
# console: one line per event, a cell per scenario in the run's order
printed = [ln for ln in out.splitlines() if "(MCSE" in ln]
assert len(printed) == len(EVENTS), ("console: one line per event", printed)
for k, ln in enumerate(printed):
    got = re.findall(r"\d+\.\d %\s\(MCSE \d+\.\d\)", ln)
    assert got == [cells[s][k] for s in scenarios], ("console", ln, [cells[s][k] for s in scenarios])
print("probabilities:", {s: cells[s] for s in scenarios})
