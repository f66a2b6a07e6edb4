#!/usr/bin/python3
"""numba_model.py: headcount's model (version 1, docs/model.md) as a Numba user would write it.

What this is: the second reference of `make bench`, next to bench/numpy_model.py. Where the
NumPy model vectorises every step over all firms of a batch, this one is the loop a
scientist would write for Numba: one compiled function, worlds split across threads
(prange), each world's firms in order and each firm through every step, in float32, as
include/model/hc_model.h does (hc_firm_step, hc_firm_accumulate): the same equations, sums over
roles in role order, the world's sums in firm order, in float64.

Inputs (world paths, firm constants) are drawn by bench/numpy_model.py's code with NumPy's
generator, so results agree with headcount only statistically; timing covers drawing,
stepping and the metrics, after one small warm-up call that compiles the kernel (its
compile time is reported apart).

What this is not: a second product. No firm-level bands, no files.

Usage:
  numba_model.py CONFIG.json [--worlds W] [--firms F] [--seed S] [--threads N]
                 [--scenario NAME] [--json]
Needs Debian's python3-numba (scripts/setup.sh lists it). Set NUMBA_CACHE_DIR to keep
Numba's cache out of the source tree (bench/run.sh points it into build/).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy_model as nm  # noqa: E402

# Numba caches the compiled kernel; keep it in the build folder, not next to this file.
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(os.path.dirname(HERE), "build", "numba-cache"))

try:
    import numba  # noqa: E402
    from numba import njit, prange  # noqa: E402
except ImportError:  # pragma: no cover - reported by main()
    numba = None

F32 = np.float32
Q_MIN, Q_MAX, BUDGET_MAX = F32(1e-6), F32(1e6), F32(1e30)  # hc_model.h's guards
FLT_MIN, FLT_MAX = F32(np.finfo(np.float32).tiny), F32(np.finfo(np.float32).max)


def _kernel(cap, over, omega, bidx, Kw, nu, share, exposure, a_start, S,
            H0, log_growth, step_adopt, plan, beta, budget0, per_spec, eta, w_o, w_s, wage, sums):
    """sums[w, t, k] += firm contributions, firm order within a world; worlds in parallel."""
    nw, nf = H0.shape
    T1 = cap.shape[1]
    R = share.shape[0]
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for w in prange(nw):
        a = np.empty(R, dtype=np.float32)
        for f in range(nf):
            for r in range(R):
                a[r] = a_start[r]
            Q = one
            for t in range(T1):
                tau = np.float32(t) / np.float32(S)
                growth = np.float32(math.exp(tau * log_growth[w, f]))
                demand = H0[w, f] * growth * Q
                oc = over[w, t] * w_o[w, f] * omega[w, t]
                budget = min(budget0[w, f] * bidx[w, t], BUDGET_MAX)
                spend_t = zero
                for r in range(R):
                    D = demand * share[r]
                    if t > 0:
                        W = wage[w, f, r] * omega[w, t]
                        C = Kw[w, t, r] * plan[w, f] + oc
                        L = one / (one + np.float32(math.exp(beta[w, f] * np.float32(math.log(C / W)))))
                        target = exposure[r] * cap[w, t] * L
                        a[r] = a[r] + step_adopt[w, f] * (target - a[r])
                    spend_t += a[r] * D * Kw[w, t, r]
                rolled = spend_t > budget
                scale = budget / spend_t if rolled else one
                spend = zero
                A = zero
                Hr = zero
                kept = zero
                wall = zero
                exposed = zero
                for r in range(R):
                    D = demand * share[r]
                    W = wage[w, f, r] * omega[w, t]
                    a[r] = a[r] * scale
                    spend += a[r] * D * Kw[w, t, r]
                    A += a[r] * D
                    Hr += (one - a[r]) * D
                    kept += (one - a[r]) * D * W
                    wall += D * W
                    exposed += exposure[r] * D
                Ho = over[w, t] * A
                Hn = nu[w] * A
                Hs = spend / per_spec[w, f]
                H = Hr + Ho + Hn + Hs
                wage_bill = kept + (Ho + Hn) * w_o[w, f] * omega[w, t] + Hs * w_s[w, f] * omega[w, t]
                s = sums[w, t]
                s[0] += H
                s[1] += H0[w, f] * growth
                s[2] += A
                s[3] += Ho
                s[4] += Hn
                s[5] += Hs
                s[6] += spend
                s[7] += wage_bill
                s[8] += exposed
                s[9] += 1.0 if rolled else 0.0
                if t > 0:
                    U = min(max((wage_bill + spend) / wall, FLT_MIN), FLT_MAX)
                    Q = min(max(np.float32(math.exp(-eta[w, f] * np.float32(math.log(U)))), Q_MIN), Q_MAX)


kernel = njit(parallel=True, fastmath=False, cache=True)(_kernel) if numba else None


def firm_inputs(model, nw, nf, rng):
    """hc_firm_sample's constants (float32), from numpy_model's distributions."""
    v = {key: nm.sample(spec, (nw, nf), rng, what)
         for (what, spec), (_, key, _) in zip(model.firm_specs, nm.FIRM_INPUTS)}
    wage = np.stack([nm.sample(spec, (nw, nf), rng, what) for what, spec in model.wage_specs], axis=2)
    W0 = v["headcount"] * (wage @ model.share.astype(np.float64))
    S = model.S
    return (v["headcount"].astype(F32), np.log1p(v["demand_growth"]).astype(F32),
            (1.0 - (1.0 - v["adoption_speed"]) ** (1.0 / S)).astype(F32),
            ((1.0 + v["expected_price_change"]) ** v["planning_horizon"]).astype(F32),
            v["cost_sensitivity"].astype(F32), (v["budget_share"] * W0).astype(F32),
            v["per_specialist"].astype(F32), v["demand_elasticity"].astype(F32),
            v["oversight"].astype(F32), v["specialist"].astype(F32), wage.astype(F32))


def simulate(model, worlds, firms, seed, batch_worlds=None):
    sums = np.zeros((worlds, model.T + 1, len(nm.SUMS)))
    if batch_worlds is None:  # about 16 MiB of firm inputs per batch, as numpy_model
        batch_worlds = max(1, min(worlds, (16 << 20) // (firms * (44 + 4 * model.R))))
    with np.errstate(all="ignore"):
        for w0 in range(0, worlds, batch_worlds):
            nw = min(batch_worlds, worlds - w0)
            rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(w0,))))
            wb = model.world_block(nw, rng)
            fb = firm_inputs(model, nw, firms, rng)
            kernel(wb["capability"], wb["oversight"], wb["wage_index"], wb["budget_index"], wb["Kw"], wb["nu"],
                   model.share, model.exposure, model.adoption_start, model.S, *fb, sums[w0:w0 + nw])
    return sums, batch_worlds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config", help="resolved config, manifest.json, or config with `extends`")
    ap.add_argument("--worlds", type=int)
    ap.add_argument("--firms", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--threads", type=int, help="Numba threads (default: all CPUs)")
    ap.add_argument("--scenario")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if numba is None:
        print("numba_model: cannot import numba (apt-get install python3-numba)", file=sys.stderr)
        return 1
    try:
        cfg = nm.load_input(args.config, args.scenario)
        model = nm.Model(cfg)
    except (OSError, ValueError, KeyError, nm.ConfigError) as e:
        print(f"numba_model: {e}", file=sys.stderr)
        return 2
    worlds, firms, seed = nm.run_sizes(cfg, args)
    if worlds < 1 or firms < 1 or (args.threads is not None and args.threads < 1):
        print("numba_model: worlds, firms and threads must be >= 1", file=sys.stderr)
        return 2
    if args.threads:
        numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    threads = numba.get_num_threads()

    t0 = time.perf_counter()
    simulate(model, 1, 2, seed)  # compiles the kernel (or loads it from the cache)
    t1 = time.perf_counter()
    try:
        sums, batch = simulate(model, worlds, firms, seed)
    except nm.ConfigError as e:
        print(f"numba_model: {e}", file=sys.stderr)
        return 2
    m = nm.metrics(sums, firms, model.employment)
    horizon = {k: float(np.median(v[:, -1])) for k, v in m.items()}
    t2 = time.perf_counter()
    firm_steps = worlds * firms * (model.T + 1)
    res = {
        "implementation": "numba", "numba": numba.__version__, "numpy": np.__version__,
        "scenario": model.name, "worlds": worlds, "firms": firms, "steps": model.T, "roles": model.R,
        "seed": seed, "batch_worlds": batch, "threads": threads, "firm_steps": firm_steps,
        "compile_seconds": t1 - t0, "simulate_seconds": t2 - t1,
        "firm_steps_per_second": firm_steps / (t2 - t1),
        "employment_change_pct": horizon["employment_change_pct"],
        "ai_effect_pct": horizon["ai_effect_pct"], "displaced_pct": horizon["displaced_pct"],
        "horizon_median": horizon,
    }
    if args.json:
        print(json.dumps(res, allow_nan=True))
        return 0
    print(f"numba_model: {model.name}, {worlds} worlds x {firms} firms x {model.T + 1} steps, "
          f"{model.R} roles, {threads} thread(s), numba {numba.__version__}")
    print(f"  compile        {res['compile_seconds']:.3f} s (warm-up, not timed)")
    print(f"  simulate       {res['simulate_seconds']:.3f} s, {res['firm_steps_per_second']:.4g} firm-steps/s")
    for k in nm.METRICS:
        if math.isfinite(horizon[k]):
            print(f"    {k:<22} {horizon[k]:12.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
