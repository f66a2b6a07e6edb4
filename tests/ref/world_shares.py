"""world_shares.py DIR CONSOLE [THRESHOLDS]: the probabilities a run reports at the
horizon, computed here from DIR/samples.csv (a run with --samples all): for
employment_change_pct and ai_effect_pct, the share of worlds strictly below 0 (employment
falls; AI lowers employment), for ai_effect_pct strictly above 0 (AI raises employment),
and below each of THRESHOLDS (the run's --threshold, e.g.
-5,-2), with its binomial Monte Carlo standard error sqrt(p (1 - p) / W). They must be
what the run wrote: DIR/probabilities.csv (probability_pct and mcse_pct, in %, to every
printed digit), and, in %
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
# hc_probs' order: per metric, below 0 first, for ai_effect_pct then above 0, then below
# each threshold as given (0 left out); an event is (metric, threshold, above)
EVENTS = [(m, t, above) for m in ("employment_change_pct", "ai_effect_pct")
          for t, above in [(0.0, False)] + [(0.0, True)] * (m == "ai_effect_pct") +
          [(t, False) for t in thresholds if t != 0]]

def share_cell(p, mcse, n):
    """hc_fmt_share: the binomial MCSE, or where no world or every world has the event the
    rule of three's 95 % bound, 3 / n, to one significant digit."""
    if 0 < p < 1:
        return "%.1f %% (MCSE %.1f)" % (100 * p, 100 * mcse)
    bound = 300.0 / n if n > 3 else 100.0
    digits = 0 if bound >= 1 else -math.floor(math.log10(bound))
    if p == 0:
        return "0.0 %% (95 %% bound: under %.*f)" % (digits, bound)
    return "100.0 %% (95 %% bound: over %.*f)" % (digits, 100 - bound)


want, cells = {}, {}
for s in scenarios:
    want[s], cells[s] = [], []
    for metric, t, above in EVENTS:
        values = [float(r["value"]) for r in rows
                  if r["scenario"] == s and r["metric"] == metric and int(r["year"]) == horizon]
        assert values, (s, metric)
        p = sum(1 for v in values if (v > t if above else v < t)) / len(values)
        mcse = math.sqrt(p * (1 - p) / len(values))
        want[s].append((metric, t, above, p, mcse))
        cells[s].append(share_cell(p, mcse, len(values)))

table = list(csv.DictReader(open(d + "/probabilities.csv")))
assert list(table[0].keys()) == ["scenario", "metric", "year", "direction", "threshold", "probability_pct",
                                 "mcse_pct"], table[0].keys()
assert len(table) == len(scenarios) * len(EVENTS), (len(table), len(scenarios) * len(EVENTS))
for r in table:
    s = r["scenario"]
    assert r["direction"] in ("below", "above"), r
    match = [w for w in want[s] if w[0] == r["metric"] and w[1] == float(r["threshold"]) and
             w[2] == (r["direction"] == "above")]
    assert len(match) == 1, ("probabilities.csv row not asked for", r)
    p, mcse = match[0][3:]
    assert int(r["year"]) == horizon, r
    assert r["probability_pct"] == "%.10g" % (100 * p) and r["mcse_pct"] == "%.10g" % (100 * mcse), \
        ("probabilities.csv", r, p, mcse)

md = open(d + "/summary.md").read()
html = open(d + "/report.html").read()
out = open(console).read()
def label(metric, t, above):  # hc_event_label
    if above:
        return "AI raises employment (%s > %g)" % (metric, t)
    if t == 0:
        return "%s (%s < 0)" % ("Employment falls" if metric == "employment_change_pct" else "AI lowers employment", metric)
    return "%s < %g" % (metric, t)


# summary.md and report.html: an event a row, a scenario a column
for k, (metric, t, above) in enumerate(EVENTS):
    line = "| %s | %s |" % (label(metric, t, above), " | ".join(cells[s][k] for s in scenarios))
    assert line in md.splitlines(), ("summary.md lacks", line)
    tr = "<tr><th>%s</th>%s</tr>" % (label(metric, t, above).replace("<", "&lt;").replace(">", "&gt;"),
                                     "".join("<td>%s</td>" % cells[s][k] for s in scenarios))
    assert tr in html, ("report.html lacks", tr)
# console: one line per event, a cell per scenario in the run's order
printed = [ln for ln in out.splitlines() if "(MCSE" in ln or "(95 % bound:" in ln]
assert len(printed) == len(EVENTS), ("console: one line per event", printed)
for k, ln in enumerate(printed):
    got = re.findall(r"\d+\.\d %\s\((?:MCSE \d+\.\d|95 % bound: (?:under|over) \d+(?:\.\d+)?)\)", ln)
    assert got == [cells[s][k] for s in scenarios], ("console", ln, [cells[s][k] for s in scenarios])
bounds = sum(c.count("95 % bound") for s in scenarios for c in cells[s])
print("probabilities:", {s: cells[s] for s in scenarios}, "(%d shown as a rule-of-three bound)" % bounds)
