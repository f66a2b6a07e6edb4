#!/usr/bin/python3
"""numpy's percentiles for tests/unit_stats.c: one case per input line,
`DTYPE P1,P2,... V1 V2 ...` (DTYPE f32 or f64, values as hex floats), one output line
per case with the percentiles as hex floats, so no digit is lost either way."""
import sys

import numpy as np

for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    dtype = np.float32 if parts[0] == "f32" else np.float64
    ps = [float(p) for p in parts[1].split(",")]
    values = np.array([float.fromhex(v) for v in parts[2:]], dtype=dtype)
    out = np.percentile(values, ps)  # default method="linear" (Hyndman-Fan type 7)
    print(" ".join(float(x).hex() for x in np.atleast_1d(out)))
