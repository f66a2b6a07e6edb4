"""world_shares.py DIR CONSOLE: the share of worlds in which AI raises employment
(ai_effect_pct > 0) and in which employment falls (employment_change_pct < 0) at the
horizon, with its binomial Monte Carlo standard error, computed here from DIR/samples.csv
(a run with --samples all), must be what the run printed: on the console (the file
CONSOLE), in DIR/summary.md and in DIR/report.html. Exits 1 with the first difference."""
import csv
import math
import sys

d, console = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(d + "/samples.csv")))
horizon = max(int(r["year"]) for r in rows)
scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
SHARES = [("ai_effect_pct", lambda v: v > 0), ("employment_change_pct", lambda v: v < 0)]


def cell(values, keep):
    p = sum(1 for v in values if keep(v)) / len(values)
    return "%.1f %% (MCSE %.1f)" % (100 * p, 100 * math.sqrt(p * (1 - p) / len(values)))


want = {}
for s in scenarios:
    want[s] = []
    for metric, keep in SHARES:
        values = [float(r["value"]) for r in rows
                  if r["scenario"] == s and r["metric"] == metric and int(r["year"]) == horizon]
        assert values, (s, metric)
        want[s].append(cell(values, keep))

md = open(d + "/summary.md").read()
html = open(d + "/report.html").read()
out = open(console).read()
for s in scenarios:
    line = "| %s | %s | %s |" % (s, want[s][0], want[s][1])
    assert line in md.splitlines(), ("summary.md lacks", line)
    tr = "<tr><th>%s</th><td>%s</td><td>%s</td></tr>" % (s, want[s][0], want[s][1])
    assert tr in html, ("report.html lacks", tr)
    printed = [ln.split() for ln in out.splitlines() if ln.split()[:1] == [s] and "MCSE" in ln]
    assert len(printed) == 1, ("console: one share line for", s, printed)
    assert " ".join(printed[0]) == " ".join([s] + want[s]), ("console", printed[0], want[s])
print("shares:", want)
