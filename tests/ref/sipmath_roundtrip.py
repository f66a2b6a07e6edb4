#!/usr/bin/python3
"""sipmath_roundtrip.py: reads a run's samples.json (SIPmath 3.0) and samples.csv back and
checks that they reproduce its bands.csv exactly (tests/cli_audit.sh runs it).

For every SIP (one scenario, metric and year): the library has the structure of the
SIPmath 3.0 schema (sipModel, SIPmath_3_0, an Index generator, SIP_Array values, one
value per world in every SIP); the CSV holds the same doubles; and the values' numpy
percentiles (method="linear", bands.csv's columns p5..p95) and their mean and sd (n - 1,
summed in world order like src/analysis/stats.c) print as bands.csv prints them ("%.10g") to the
very same text as bands.csv's row for that scenario, metric and step.

usage: sipmath_roundtrip.py DIR   (prints what it checked; exit 1 on the first mismatch)
"""
import csv
import json
import math
import sys

import numpy as np


def fail(msg):
    print("sipmath_roundtrip: " + msg)
    sys.exit(1)


def main(d):
    lib = json.load(open(d + "/samples.json"))
    for key, want in (("objectType", "sipModel"), ("libraryType", "SIPmath_3_0")):
        if lib.get(key) != want:
            fail("samples.json: %s is %r, expected %r" % (key, lib.get(key), want))
    for key in ("name", "dateCreated", "provenance", "version", "U01", "sips"):
        if key not in lib:
            fail("samples.json: no %r" % key)
    generators = {g["name"]: g for g in lib["U01"]["rng"]}
    sips = lib["sips"]
    if not sips:
        fail("samples.json: no SIPs")

    with open(d + "/bands.csv") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    pcols = [i for i, h in enumerate(header) if h.startswith("p") and h != "period"]
    percentiles = [float(header[i][1:]) for i in pcols]
    i_mean, i_sd = header.index("mean"), header.index("sd")
    bands = {(r[0], r[1], int(r[2])): r for r in rows[1:]}

    from_csv = {}
    with open(d + "/samples.csv") as f:
        reader = csv.reader(f)
        if next(reader) != ["scenario", "world", "metric", "year", "value"]:
            fail("samples.csv: unexpected header")
        for scenario, world, metric, year, value in reader:
            from_csv.setdefault((scenario, metric, int(year)), []).append((int(world), float(value)))

    n_trials = None
    for sip in sips:
        meta, name = sip["metadata"], sip["name"]
        ref = sip["ref"]
        if ref["source"] != "rng" or generators.get(ref["name"], {}).get("function") != "Index":
            fail("%s: not indexed by an Index generator" % name)
        if sip["function"] != "SIP_Array" or sip["arguments"]["type"] != "array":
            fail("%s: not an inline SIP_Array" % name)
        x = sip["arguments"]["value"]
        if n_trials is None:
            n_trials = len(x)
        if len(x) != n_trials or meta["count"] != len(x):
            fail("%s: %d values, expected %d (every SIP has one per world)" % (name, len(x), n_trials))
        key = (meta["scenario"], meta["metric"], meta["year"])
        worlds = sorted(from_csv.get(key, []))
        if [w for w, _ in worlds] != list(range(meta["first_world"], meta["first_world"] + len(x))):
            fail("%s: samples.csv lacks some worlds" % name)
        if [v for _, v in worlds] != x:
            fail("%s: samples.csv and samples.json differ" % name)

        band = bands.get((meta["scenario"], meta["metric"], meta["step"]))
        if band is None:
            fail("%s: no bands.csv row for step %d" % (name, meta["step"]))
        got = ["%.10g" % v for v in np.percentile(np.array(x, dtype=np.float64), percentiles, method="linear")]
        total = 0.0
        for v in x:
            total += v
        mean = total / len(x)
        ss = 0.0
        for v in x:
            ss += (v - mean) * (v - mean)
        sd = math.sqrt(ss / (len(x) - 1)) if len(x) > 1 else 0.0
        got += ["%.10g" % mean, "%.10g" % sd]
        want = [band[i] for i in pcols] + [band[i_mean], band[i_sd]]
        if got != want:
            fail("%s: from the samples %s, bands.csv says %s" % (name, got, want))
    print("sipmath_roundtrip: %d SIPs of %d trials reproduce bands.csv exactly (percentiles %s, mean, sd)"
          % (len(sips), n_trials, ",".join("%g" % p for p in percentiles)))


if __name__ == "__main__":
    main(sys.argv[1])
