#!/usr/bin/python3
"""numba_model.py: headcount's model (version 2, docs/model.md) as a Numba user would write it.

What this is: the second reference of `make bench`, next to bench/numpy_model.py. Where the
NumPy model vectorises every step over all firms of a batch, this one is the loop a
scientist would write for Numba: one compiled function, worlds split across threads
(prange), each world's firms in order and each firm through every step, in float32, as
include/model/hc_model.h does (hc_firm_step, hc_firm_accumulate): the same equations, sums over
roles in role order, the world's weighted sums in firm order, in float64.

Inputs (world paths, firm constants) are drawn by bench/numpy_model.py's code with
headcount's own counters (bench/hc_draws.py), so its world sums match headcount's up to
float rounding (bench/check_models.py holds it to a tolerance); timing covers drawing,
stepping and the metrics, after one small warm-up call that compiles the kernel (its
compile time is reported apart).

What this is not: a second product. No firm-level bands, no files.

Usage:
  numba_model.py CONFIG.json [--worlds W] [--firms F] [--seed S] [--threads N]
                 [--scenario NAME] [--json] [--worlds-out FILE]
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
Q_MIN, Q_MAX, BUDGET_MAX, FLT_MIN, FLT_MAX = nm.Q_MIN, nm.Q_MAX, nm.BUDGET_MAX, nm.FLT_MIN, nm.FLT_MAX
# World arrays (per world, or per world and step) and firm arrays (per world and firm), in
# the order the kernel takes them; names as numpy_model's world_block and firm_block.
WORLD_ARGS = ("capability", "oversight", "trend", "wage_index", "budget_index", "Kw", "nu", "s", "inv_s",
              "mean_factor", "phi", "theta", "aug_people", "aug_cost", "rollback_factor", "value_share",
              "log_value_share")
FIRM_ARGS = ("H0", "weight", "log_growth", "step_adopt", "step_learn", "horizon", "budget0", "per_specialist",
             "eta", "wage_oversight", "wage_specialist", "platform_cost", "platform_staff", "belief0", "wage")


def _phi(x):
    """hc_normal_cdff in float32."""
    ax = abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + ax * np.float32(0.353553390593273762))
    p = np.float32(0.17087277)
    p = p * t - np.float32(0.82215223)
    p = p * t + np.float32(1.48851587)
    p = p * t - np.float32(1.13520398)
    p = p * t + np.float32(0.27886807)
    p = p * t - np.float32(0.18628806)
    p = p * t + np.float32(0.09678418)
    p = p * t + np.float32(0.37409196)
    p = p * t + np.float32(1.00002368)
    p = p * t - np.float32(1.26551223)
    e = np.float32(0.5) * (t * np.float32(math.exp(p - np.float32(0.5) * (ax * ax))))
    return np.float32(1.0) - e if x > np.float32(0.0) else e


def _kernel(cap_t, over, trend, omega, bidx, Kw, nu, s_w, inv_s_w, mf_w, phi_w, theta_w, aug_people_w, aug_cost_w,
            rbf_w, sigma_w, log_sigma_w, H0, weight, log_growth, step_adopt, step_learn, horizon, budget0, per_spec, eta, w_o, w_s,
            platform_cost, platform_staff, belief0, wage, share, exposure, a_start, S, sums):
    """sums[w, t, k] += w_f x (hc_firm_accumulate), firm order within a world; worlds in parallel."""
    nw, nf = H0.shape
    T1 = cap_t.shape[1]
    R = share.shape[0]
    one = np.float32(1.0)
    zero = np.float32(0.0)
    for w in prange(nw):
        a = np.empty(R, dtype=np.float32)
        kbar = np.empty(R, dtype=np.float32)
        pp = np.empty(R, dtype=np.float32)
        cpaid = np.empty(R, dtype=np.float32)
        g = np.empty(R, dtype=np.float32)
        kaug = np.empty(R, dtype=np.float32)
        s, inv_s, mean_factor = s_w[w], inv_s_w[w], mf_w[w]
        phi, theta, aug_people, aug_cost = phi_w[w], theta_w[w], aug_people_w[w], aug_cost_w[w]
        sigma, value_shift = sigma_w[w], log_sigma_w[w] * inv_s_w[w]  # the value share, ln(sigma) / s
        for f in range(nf):
            for r in range(R):
                a[r] = a_start[r]
            Q = one
            belief = belief0[w, f]
            M = one
            alpha_year = zero
            rolled = zero
            wf = np.float64(weight[w, f])
            for t in range(T1):
                tau = np.float32(t) / np.float32(S)
                wi = omega[w, t]
                growth = np.float32(math.exp(tau * log_growth[w, f]))
                demand = H0[w, f] * growth * Q
                oc = over[w, t] * M * w_o[w, f] * wi
                budget = min(budget0[w, f] * bidx[w, t], BUDGET_MAX)
                if t > 0:
                    belief = belief + step_learn[w, f] * (trend[w, t] - belief)
                plan_shift = horizon[w, f] * belief
                saving = zero
                for r in range(R):  # the cutoffs (hc_firm_cutoffs)
                    K = Kw[w, t, r]
                    D = demand * share[r]
                    V = wage[w, f, r] * wi - oc
                    if V > zero:
                        log_ratio = np.float32(math.log(V)) - np.float32(math.log(K))
                        zr = log_ratio * inv_s
                        Phi_r = _phi(zr)
                        Phi_rs = _phi(zr - s)
                        kb = V
                        if Phi_rs > zero:
                            if sigma > zero:  # a task's price is at least sigma V
                                za = zr + value_shift
                                q = (sigma * V * _phi(za) + K * mean_factor * (Phi_rs - _phi(za - s))) / Phi_r
                            else:
                                q = K * mean_factor * (Phi_rs / Phi_r)
                            kb = q if q < V else V
                        c = exposure[r] * cap_t[w, t]
                        pp[r] = _phi((log_ratio - plan_shift) * inv_s)
                        kbar[r] = kb
                        cpaid[r] = c * Phi_r
                        saving += c * pp[r] * D * (V - kb)
                    else:
                        pp[r] = zero
                        kbar[r] = zero
                        cpaid[r] = zero
                u = one if saving >= platform_cost[w, f] * wi else zero
                spend_t = zero
                for r in range(R):  # adoption, assistance, the tentative bill
                    K = Kw[w, t, r]
                    D = demand * share[r]
                    W = wage[w, f, r] * wi
                    c = exposure[r] * cap_t[w, t] if W - oc > zero else zero
                    if t > 0:
                        a[r] = a[r] + step_adopt[w, f] * (u * c * pp[r] - a[r])
                    a[r] = min(a[r], cpaid[r])
                    g[r] = u * (c - a[r])
                    phiK = phi * K
                    thetaW = theta * W
                    by_tokens = phiK if phiK < thetaW else thetaW
                    by_value = sigma * thetaW  # hc_assistance_price
                    kaug[r] = by_tokens if by_tokens > by_value else by_value
                    spend_t += D * (a[r] * kbar[r] + g[r] * kaug[r] * aug_cost)
                capped = spend_t > budget
                scale = budget / spend_t if capped else one
                spend = zero
                A = zero
                Hr = zero
                kept_w = zero
                wall = zero
                unit_w = zero
                exposed = zero
                alpha = zero
                for r in range(R):
                    D = demand * share[r]
                    W = wage[w, f, r] * wi
                    a[r] = a[r] * scale
                    gr = g[r] * scale
                    kept = one - a[r] - gr * aug_people
                    spend += D * (a[r] * kbar[r] + gr * kaug[r] * aug_cost)
                    A += a[r] * D
                    Hr += D * kept
                    kept_w += D * W * kept
                    wall += D * W
                    unit_w += share[r] * W
                    exposed += exposure[r] * D
                    alpha += share[r] * a[r]
                Ho = over[w, t] * M * A
                Hn = nu[w] * A
                Hs = spend / per_spec[w, f]
                Hp = u * platform_staff[w, f]
                H = Hr + Ho + Hn + Hs + Hp
                Hcf = H0[w, f] * growth
                wage_bill = kept_w + (Ho + Hn) * w_o[w, f] * wi + (Hs + Hp) * w_s[w, f] * wi
                Y = wall + Hn * w_o[w, f] * wi
                Ycf = Hcf * unit_w
                if t % S == 0:  # roll-back: the automated share against a year earlier
                    rolled = one if (t > 0 and alpha < alpha_year) else zero
                    alpha_year = alpha
                if rolled > zero:
                    M = rbf_w[w]
                o = sums[w, t]
                o[0] += wf * H
                o[1] += wf * Hcf
                o[2] += wf * A
                o[3] += wf * Ho
                o[4] += wf * Hn
                o[5] += wf * Hs
                o[6] += wf * spend
                o[7] += wf * wage_bill
                o[8] += wf * exposed
                o[9] += wf if rolled > zero else 0.0
                o[10] += wf * Hp
                o[11] += wf if capped else 0.0
                o[12] += wf if u > zero else 0.0
                o[13] += wf * H if u > zero else 0.0
                o[14] += wf * Y
                o[15] += wf * Ycf
                o[16] += wf
                if t > 0:
                    U = min(max((wage_bill + spend) / Y, FLT_MIN), FLT_MAX)
                    Q = min(max(np.float32(math.exp(-eta[w, f] * np.float32(math.log(U)))), Q_MIN), Q_MAX)


if numba:
    _phi = njit(inline="always", cache=True)(_phi)
    kernel = njit(parallel=True, fastmath=False, cache=True)(_kernel)
else:
    kernel = None


def simulate(model, worlds, firms, seed, batch_worlds=None):
    sums = np.zeros((worlds, model.T + 1, len(nm.SUMS)))
    if batch_worlds is None:  # about 16 MiB of firm inputs per batch, as numpy_model
        batch_worlds = max(1, min(worlds, (16 << 20) // (firms * (80 + 8 * model.R))))
    with np.errstate(all="ignore"):
        for w0 in range(0, worlds, batch_worlds):
            nw = min(batch_worlds, worlds - w0)
            wb = model.world_block(w0, nw, seed)
            fb = model.firm_block(w0, nw, 0, firms, firms, seed)
            kernel(*(np.ascontiguousarray(wb[k]) for k in WORLD_ARGS),
                   *(np.ascontiguousarray(fb[k]) for k in FIRM_ARGS),
                   model.share, model.exposure, model.adoption_start, model.S, sums[w0:w0 + nw])
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
    ap.add_argument("--worlds-out", help="write the per-world metrics here (worlds.f64's layout)")
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
    m = nm.metrics(sums, model.employment)
    horizon = {k: float(np.median(v[:, -1])) for k, v in m.items()}
    t2 = time.perf_counter()
    if args.worlds_out:
        nm.write_worlds(args.worlds_out, m)
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
