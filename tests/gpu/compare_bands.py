"""compare_bands.py: the bands, firm and role tables of a GPU run against a CPU run of the
same seed and config (tests/gpu/run.sh): within 1e-9 relative on every band,
HC_CUDA_AGREEMENT_REL of include/hc_cuda.h, which says why the backends can agree that closely.

usage: compare_bands.py CPU_DIR GPU_DIR --worlds W --firms F [--rel 1e-9]

Every number of bands.csv, firms.csv and roles.csv must agree to `rel`, relative to the larger of the
value and 1 % of the largest magnitude that metric (or the firm table) takes anywhere in
that scenario: a band that crosses zero is then judged on its metric's scale, not on a
quotient of two tiny numbers. Two things count whole firms and get two firms of slack,
because a firm whose compute bill or headcount lands within a float rounding of its budget
or its start can fall on either side on the two backends (exp and log of the CPU's libm
and of CUDA differ by an ulp): rolled_back_pct (2 firms of F in any world) and
shrinking_pct (2 firms of all W x F, in %). The tables print 10 significant digits, so
one unit in the last of them is allowed on top. Rows and their keys must match exactly.
"""
import argparse
import csv
import math
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def last_digit(v):
    """One unit in the last of the 10 significant digits the CSVs print (%.10g): a sum
    that differs by its order alone (1e-15) can round to either side there."""
    return 10.0 ** (math.floor(math.log10(abs(v))) - 9) if v != 0 else 0.0


def compare(name, cpu_path, gpu_path, n_keys, rel, slack_for, scale_key):
    head_c, rows_c = read(cpu_path)
    head_g, rows_g = read(gpu_path)
    if head_c != head_g or len(rows_c) != len(rows_g):
        print("# %s: the tables differ in shape (%d vs %d rows)" % (name, len(rows_c), len(rows_g)))
        return False
    scale = {}
    for r in rows_c:
        k = scale_key(r)
        for v in r[n_keys:]:
            scale[k] = max(scale.get(k, 0.0), abs(float(v)))
    bad, worst = 0, (0.0, None)
    for rc, rg in zip(rows_c, rows_g):
        if rc[:n_keys] != rg[:n_keys]:
            print("# %s: keys differ: %s vs %s" % (name, rc[:n_keys], rg[:n_keys]))
            return False
        for col, (a, b) in enumerate(zip(rc[n_keys:], rg[n_keys:]), start=n_keys):
            c, g = float(a), float(b)
            if not math.isfinite(g):
                print("# %s %s %s: not finite on the GPU" % (name, rc[:n_keys], head_c[col]))
                bad += 1
                continue
            ref = max(abs(c), 0.01 * scale[scale_key(rc)])
            slack = slack_for(rc, head_c[col])
            d = abs(g - c)
            if ref > 0 and d / ref > worst[0] and slack == 0:
                worst = (d / ref, "%s %s" % (rc[:n_keys], head_c[col]))
            if d > rel * ref + slack + last_digit(c):
                if bad < 10:
                    print("# %s %s %s: cpu %s gpu %s" % (name, rc[:n_keys], head_c[col], a, b))
                bad += 1
    print("# %s: %d rows; worst relative difference %.3g (%s)" % (name, len(rows_c), worst[0], worst[1]))
    return bad == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cpu_dir")
    ap.add_argument("gpu_dir")
    ap.add_argument("--worlds", type=float, required=True)
    ap.add_argument("--firms", type=float, required=True)
    ap.add_argument("--rel", type=float, default=1e-9)
    a = ap.parse_args()

    def band_slack(row, column):  # a flipped firm moves its world's value by 100 / F
        return 2.0 * 100.0 / a.firms if row[1] == "rolled_back_pct" else 0.0

    def firm_slack(row, column):
        return 200.0 / (a.worlds * a.firms) if column == "shrinking_pct" else 0.0

    ok = compare("bands.csv", a.cpu_dir + "/bands.csv", a.gpu_dir + "/bands.csv", 5, a.rel, band_slack,
                 lambda r: (r[0], r[1]))
    ok &= compare("firms.csv", a.cpu_dir + "/firms.csv", a.gpu_dir + "/firms.csv", 2, a.rel, firm_slack,
                  lambda r: r[0])
    ok &= compare("roles.csv", a.cpu_dir + "/roles.csv", a.gpu_dir + "/roles.csv", 6, a.rel, lambda r, c: 0.0,
                  lambda r: (r[0], r[1], r[2]))
    sys.exit(0 if ok else 1)


main()
