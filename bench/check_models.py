#!/usr/bin/python3
"""check_models.py: do the bench's reference models compute headcount's model?

  check_models.py RUN_DIR NAME=WORLDS_F64 [NAME=WORLDS_F64 ...]

RUN_DIR is a headcount run (its manifest.json and worlds.f64, first scenario); each
WORLDS_F64 is a reference model's per-world metrics for the same config, worlds, firms
and seed (numpy_model.py / numba_model.py --worlds-out). The references draw headcount's
own inputs (bench/hc_draws.py), so every metric of every world at every step must agree
to float rounding: NumPy's and Numba's exp and log against include/model/hc_math.h's,
and sums added in another order. TOLERANCE (below) is far above that rounding (about
1e-5 percentage points on the shipped narratives) and far below what any change of the
equations moves. Prints one line per reference; exits 1 if one disagrees.
"""
import json
import os
import sys

import numpy as np

# |reference - headcount| <= ABS + REL |headcount|, per metric, world and step, in
# percentage points; net_jobs and ai_net_jobs (persons: a percentage times
# population.employment) are compared as the percentages they are made from.
ABS, REL = 1e-3, 1e-5


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    run = argv[0]
    with open(os.path.join(run, "manifest.json")) as f:
        wf = json.load(f)["worlds_file"]
    hc = np.fromfile(os.path.join(run, wf["name"]), "<f8").reshape(wf["shape"])[0]
    names = wf["metrics"]
    pct = [k for k, n in enumerate(names) if n.endswith("_pct")]
    hc = hc[pct]
    names = [names[k] for k in pct]
    bad = 0
    for arg in argv[1:]:
        name, path = arg.split("=", 1)
        ref = np.fromfile(path, "<f8")
        if ref.size != hc.size // len(pct) * len(wf["metrics"]):
            print(f"check_models: {name}: {ref.size} values, not headcount's {wf['shape'][1:]} (not the same run?)")
            bad += 1
            continue
        ref = ref.reshape((len(wf["metrics"]),) + hc.shape[1:])[pct]
        both_nan = np.isnan(hc) & np.isnan(ref)
        excess = np.where(both_nan, 0.0, np.abs(ref - hc) - (ABS + REL * np.abs(hc)))
        excess = np.where(np.isnan(excess), np.inf, excess)
        i, t, w = np.unravel_index(np.argmax(excess), excess.shape)
        if excess[i, t, w] > 0:
            bad += 1
            print(f"check_models: {name} DISAGREES with headcount: {names[i]} at step {t} of world {w}: "
                  f"{ref[i, t, w]!r} against {hc[i, t, w]!r} (tolerance {ABS} + {REL} x |value|)")
        else:
            worst = np.nanmax(np.abs(ref - hc))
            print(f"check_models: {name} agrees with headcount on {hc.shape[0]} metrics x {hc.shape[1]} steps x "
                  f"{hc.shape[2]} worlds (largest difference of a percentage {worst:.2g} points; "
                  f"tolerance {ABS} + {REL} x |value|)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
