#!/usr/bin/python3
"""numpy_model.py: headcount's model (version 1, docs/model.md), vectorised in NumPy.

What this is: the performance reference of `make bench` and an independent statistical
cross-check of the C/CUDA engine. It reads a resolved config (or a run's manifest.json,
or a plain config with `extends`), samples every input with NumPy's own generator
(PCG64, not headcount's Philox, so results agree with headcount only statistically),
steps t = 0..T for all firms of a batch of worlds at once, and reports the per-world
metrics of the model's "Outputs" table.

What this is not: a second product. It computes no firm-level bands, writes no files
and checks configs only as far as it needs to run.

Arithmetic follows include/model/hc_model.h: world paths in float64 stored as float32,
per-firm arithmetic in float32, sums over firms in float64. Two rewrites make the step
vectorise well without changing the model (only float32 rounding differs):
  - sums over roles of a*D*x factor as d * sum_r a_r (s_r x_r), with d = H0 (1+g)^tau Q,
    so they are matrix-vector products over the role axis;
  - the budget check scales every role of a firm by one factor, so the post-check sums
    are the tentative sums times that factor.

Usage:
  numpy_model.py CONFIG.json [--worlds W] [--firms F] [--seed S] [--batch-worlds B]
                 [--scenario NAME] [--json]
Runs in one thread (BLAS threads are pinned to 1 before NumPy loads). Results depend
on the seed and on the batch size (each batch of worlds has its own random stream).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

F32 = np.float32
Z95 = 1.6448536269514722  # standard normal quantile of 0.95: lognormal p5/p95 -> sigma

# Scalar inputs in MODEL.md's table order: (section, key, default or None if required).
WORLD_INPUTS = [
    ("inference", "price_per_mtok", None),        # p0
    ("inference", "annual_price_change", None),   # dp
    ("inference", "price_volatility", 0.0),       # sp
    ("inference", "shock_rate", 0.0),             # q
    ("inference", "shock_multiplier", 1.0),       # J
    ("inference", "annual_token_growth", None),   # dk
    ("capability", "start", None),                # c0
    ("capability", "ceiling", None),              # cmax
    ("capability", "growth_rate", None),          # rc
    ("capability", "error_rate_start", None),     # e0
    ("capability", "annual_error_change", None),  # de
    ("labor", "oversight_ratio", None),           # o0
    ("labor", "new_task_ratio", None),            # nu
    ("wages", "annual_growth", None),             # gw
    ("compute", "annual_budget_growth", None),    # gb
]
FIRM_INPUTS = [
    ("firms", "headcount", None),                 # H0
    ("firms", "demand_growth", None),             # g
    ("firms", "adoption_speed", None),            # lam
    ("firms", "expected_price_change", None),     # dh
    ("firms", "planning_horizon", None),          # h
    ("firms", "cost_sensitivity", None),          # beta
    ("compute", "budget_share", None),            # b
    ("compute", "per_specialist", None),          # m_s
    ("firms", "demand_elasticity", 0.0),          # eta
    ("wages", "oversight", None),                 # w_o
    ("wages", "specialist", None),                # w_s
]

# Per world and step, sums over the world's firms (hc_model.h hc_sum_id).
SUMS = ["H", "Hcf", "A", "Ho", "Hn", "Hs", "spend", "wage_bill", "exposed", "rolled_back"]
S_H, S_HCF, S_A, S_HO, S_HN, S_HS, S_SPEND, S_WAGE_BILL, S_EXPOSED, S_ROLLED = range(len(SUMS))

METRICS = ["employment_change_pct", "ai_effect_pct", "net_jobs", "ai_net_jobs",
           "displaced_pct", "oversight_pct", "new_tasks_pct", "specialists_pct",
           "compute_share_pct", "rolled_back_pct", "adoption_pct"]

# Default batch: keep the working set (about BYTES_PER_FIRM bytes a firm) near this size.
# Small enough to stay cache-friendly, far below the 1 GiB bound.
BATCH_TARGET_BYTES = 16 << 20


class ConfigError(Exception):
    pass


# ---- config: load, merge `extends`, pick a manifest's scenario

def _is_dist(v):
    return isinstance(v, dict) and "dist" in v


def merge(base, over):
    """MODEL.md `extends`: objects merge key by key, roles merge by name, a distribution
    object or any other value replaces the inherited one."""
    out = dict(base)
    for k, v in over.items():
        if k == "roles" and isinstance(v, list) and isinstance(base.get("roles"), list):
            roles = [dict(r) for r in base["roles"]]
            index = {r.get("name"): i for i, r in enumerate(roles)}
            for r in v:
                if r.get("name") in index:
                    i = index[r["name"]]
                    roles[i] = merge(roles[i], r)
                else:
                    index[r.get("name")] = len(roles)
                    roles.append(dict(r))
            out[k] = roles
        elif (isinstance(v, dict) and not _is_dist(v) and isinstance(base.get(k), dict)
              and not _is_dist(base[k])):
            out[k] = merge(base[k], v)
        else:
            out[k] = v
    return out


def load_config(path, depth=0):
    if depth > 16:
        raise ConfigError(f"{path}: `extends` chain deeper than 16 (a cycle?)")
    with open(path, encoding="utf-8") as fh:
        cfg = json.load(fh)
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: top level is not an object")
    cfg.setdefault("name", os.path.splitext(os.path.basename(path))[0])
    ext = cfg.pop("extends", None)
    if ext is not None:
        base = load_config(os.path.join(os.path.dirname(os.path.abspath(path)), ext), depth + 1)
        base.pop("name", None)
        cfg = merge(base, cfg)
    return cfg


def load_input(path, scenario=None):
    """A manifest (has "scenarios") or a config. Returns the resolved config."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if isinstance(doc, dict) and isinstance(doc.get("scenarios"), list):
        scen = doc["scenarios"]
        if not scen:
            raise ConfigError(f"{path}: manifest has no scenarios")
        if scenario is None:
            pick = scen[0]
        else:
            found = [s for s in scen if s.get("name") == scenario]
            if not found:
                names = ", ".join(str(s.get("name")) for s in scen)
                raise ConfigError(f"{path}: no scenario {scenario!r} (have: {names})")
            pick = found[0]
        cfg = pick.get("config")
        if not isinstance(cfg, dict):
            raise ConfigError(f"{path}: scenario {pick.get('name')!r} has no resolved config")
        cfg = dict(cfg)
        cfg.setdefault("name", pick.get("name", "scenario"))
        if "extends" in cfg:
            raise ConfigError(f"{path}: manifest config still has `extends`")
        return cfg
    return load_config(path)


def get_input(cfg, section, key, default):
    sec = cfg.get(section, {})
    if key in sec:
        return sec[key]
    if default is None:
        raise ConfigError(f"missing input {section}.{key}")
    return default


# ---- distributions (MODEL.md "Distributions"; parameter conventions of hc_dist.h)

def sample(spec, size, rng, what="input"):
    """`size` draws of one distribution, float64."""
    if isinstance(spec, bool) or not isinstance(spec, (int, float, dict)):
        raise ConfigError(f"{what}: not a number or distribution object: {spec!r}")
    if not isinstance(spec, dict):
        return np.full(size, float(spec))
    kind = spec.get("dist")

    def p(name, default=None):
        if name in spec:
            return float(spec[name])
        if default is None:
            raise ConfigError(f"{what}: {kind} needs `{name}`")
        return default

    if kind == "constant":
        x = np.full(size, p("value"))
    elif kind == "normal":
        x = rng.normal(p("mean"), p("sd"), size)
    elif kind == "lognormal":
        if "median" in spec:
            mu, sigma = math.log(p("median")), p("sigma")
        else:
            lo, hi = math.log(p("p5")), math.log(p("p95"))
            mu, sigma = 0.5 * (lo + hi), (hi - lo) / (2.0 * Z95)
        x = np.exp(mu + sigma * rng.standard_normal(size))
    elif kind == "uniform":
        lo, hi = p("min"), p("max")
        x = lo + (hi - lo) * rng.random(size)
    elif kind == "triangular":
        lo, mode, hi = p("min"), p("mode"), p("max")
        x = np.full(size, lo) if hi <= lo else rng.triangular(lo, mode, hi, size)
    elif kind == "pert":
        lo, mode, hi, lam = p("min"), p("mode"), p("max"), p("lambda", 4.0)
        if hi <= lo:
            x = np.full(size, lo)
        else:
            a = 1.0 + lam * (mode - lo) / (hi - lo)
            b = 1.0 + lam * (hi - mode) / (hi - lo)
            x = lo + (hi - lo) * rng.beta(a, b, size)
    elif kind == "beta":
        lo, hi = p("min", 0.0), p("max", 1.0)
        x = lo + (hi - lo) * rng.beta(p("alpha"), p("beta"), size)
    elif kind == "gamma":
        x = rng.gamma(p("shape"), p("scale"), size)
    elif kind == "pareto":
        alpha, xm, xmax = p("alpha"), p("min"), p("max", 0.0)
        u = rng.random(size)
        if xmax > 0.0:  # bounded Pareto, inverse CDF
            x = xm / (1.0 - u * (1.0 - (xm / xmax) ** alpha)) ** (1.0 / alpha)
        else:
            x = xm / (1.0 - u) ** (1.0 / alpha)
    elif kind == "discrete":
        values = np.asarray(spec.get("values"), dtype=np.float64)
        weights = np.asarray(spec.get("weights"), dtype=np.float64)
        if values.size == 0 or values.shape != weights.shape:
            raise ConfigError(f"{what}: discrete needs `values` and as many `weights`")
        x = rng.choice(values, size=size, p=weights / weights.sum())
    else:
        raise ConfigError(f"{what}: unknown dist {kind!r}")
    clip = spec.get("clip")
    if clip is not None:
        x = np.clip(x, float(clip[0]), float(clip[1]))
    return np.asarray(x, dtype=np.float64)


# ---- the model

class Model:
    """Fixed parts of a resolved config."""

    def __init__(self, cfg):
        sim = cfg.get("simulation", {})
        self.name = str(cfg.get("name", "scenario"))
        self.S = int(sim.get("steps_per_year", 4))
        self.years = int(sim.get("years", 10))
        self.T = self.years * self.S
        self.start_year = sim.get("start_year")
        self.employment = float(cfg.get("population", {}).get("employment", float("nan")))
        self.world_specs = [(f"{s}.{k}", get_input(cfg, s, k, d)) for s, k, d in WORLD_INPUTS]
        self.firm_specs = [(f"{s}.{k}", get_input(cfg, s, k, d)) for s, k, d in FIRM_INPUTS]
        roles = cfg.get("roles")
        if not isinstance(roles, list) or not roles:
            raise ConfigError("config has no roles")
        self.R = len(roles)
        share = np.array([float(r["share"]) for r in roles])
        if share.sum() <= 0:
            raise ConfigError("role shares sum to 0")
        self.share = (share / share.sum()).astype(F32)
        self.exposure = np.array([float(r["exposure"]) for r in roles], dtype=F32)
        self.adoption_start = np.array([float(r.get("adoption_start", 0.0)) for r in roles],
                                       dtype=F32)
        self.wage_specs = [(f"roles[{r.get('name')}].wage", r["wage"]) for r in roles]
        self.token_specs = [(f"roles[{r.get('name')}].tokens_per_fte_year",
                             r["tokens_per_fte_year"]) for r in roles]
        # Bytes of arrays alive per firm during a batch: an overestimate (RSS grows ~300 B/firm at R = 6).
        self.bytes_per_firm = 24 * self.R + 8 * self.R + 60 * 4 + 12 * 8

    # -- worlds: inputs and macro path, float64, stored as float32 (hc_world_path)
    def world_block(self, nw, rng):
        S, T, R = self.S, self.T, self.R
        v = {}
        for (what, spec), (_, key, _) in zip(self.world_specs, WORLD_INPUTS):
            v[key] = sample(spec, nw, rng, what)
        m = np.stack([sample(spec, nw, rng, what) for what, spec in self.token_specs], axis=1)
        tau = np.arange(T + 1, dtype=np.float64) / S                  # (T+1,)
        jump_prob = np.minimum(1.0, v["shock_rate"] / S)
        drift = np.log1p(v["annual_price_change"]) / S
        vol = v["price_volatility"] / math.sqrt(S)
        log_jump = np.log(v["shock_multiplier"])
        z = rng.standard_normal((nw, T))
        jumps = rng.random((nw, T)) < jump_prob[:, None]
        incr = drift[:, None] + vol[:, None] * z + np.where(jumps, log_jump[:, None], 0.0)
        log_p = np.empty((nw, T + 1))
        log_p[:, 0] = np.log(v["price_per_mtok"])
        log_p[:, 1:] = log_p[:, :1] + np.cumsum(incr, axis=1)
        p = np.exp(log_p)                                              # p_t
        k = np.exp(tau[None, :] * np.log1p(v["annual_token_growth"])[:, None])
        c0, cmax = v["start"][:, None], v["ceiling"][:, None]
        cap = cmax / (1.0 + (cmax / c0 - 1.0) * np.exp(-v["growth_rate"][:, None] * tau))
        e0, o0 = v["error_rate_start"][:, None], v["oversight_ratio"][:, None]
        e = np.minimum(1.0, e0 * np.exp(tau * np.log1p(v["annual_error_change"])[:, None]))
        with np.errstate(divide="ignore", invalid="ignore"):
            o = np.where(e0 > 0.0, o0 * e / e0, o0)
        omega = np.exp(tau * np.log1p(v["annual_growth"])[:, None])
        bidx = np.exp(tau * np.log1p(v["annual_budget_growth"])[:, None])
        Kw = (p * k)[:, :, None] * m[:, None, :] / 1e6                # (nw, T+1, R)
        return {
            "capability": cap.astype(F32), "oversight": o.astype(F32),
            "wage_index": omega.astype(F32), "budget_index": bidx.astype(F32),
            "Kw": Kw.astype(F32), "nu": v["new_task_ratio"].astype(F32),
        }

    # -- firms: inputs and constants (hc_firm_sample)
    def firm_block(self, nw, nf, rng):
        shape = (nw, nf)
        v = {}
        for (what, spec), (_, key, _) in zip(self.firm_specs, FIRM_INPUTS):
            v[key] = sample(spec, shape, rng, what)
        wage = np.stack([sample(spec, shape, rng, what) for what, spec in self.wage_specs],
                        axis=2)                                        # (nw, nf, R) float64
        W0 = v["headcount"] * (wage @ self.share.astype(np.float64))   # sum_r H0 s_r w_r
        wage32 = wage.astype(F32)
        return {
            "H0": v["headcount"].astype(F32),
            "log_growth": np.log1p(v["demand_growth"]).astype(F32),
            "step_adopt": (1.0 - (1.0 - v["adoption_speed"]) ** (1.0 / self.S)).astype(F32),
            "plan_factor": ((1.0 + v["expected_price_change"]) ** v["planning_horizon"]).astype(F32),
            "beta": v["cost_sensitivity"].astype(F32),
            "budget0": (v["budget_share"] * W0).astype(F32),
            "inv_per_specialist": (1.0 / v["per_specialist"]).astype(F32),
            "eta": v["demand_elasticity"].astype(F32),
            "wage_oversight": v["oversight"].astype(F32),
            "wage_specialist": v["specialist"].astype(F32),
            "inv_wage": (F32(1.0) / wage32),                           # 1 / w_r
            "wage_share": wage32 * self.share,                         # w_r s_r
            "wage_share_sum": (wage32 * self.share).sum(axis=2, dtype=F32),  # sum_r w_r s_r
        }

    # -- steps t = 0..T for one block of worlds x firms; adds into sums[w, t, k]
    def run_block(self, wb, fb, sums):
        T, S = self.T, self.S
        nw, nf = fb["H0"].shape
        share, exposure = self.share, self.exposure
        xs = F32((exposure * share).sum(dtype=F32))                    # sum_r x_r s_r
        a = np.broadcast_to(self.adoption_start, (nw, nf, self.R)).copy()  # a_r,t-1
        buf = np.empty_like(a)
        Q = np.ones((nw, nf), dtype=F32)                               # Q_{t-1}
        H0, beta = fb["H0"], fb["beta"][:, :, None]
        plan = fb["plan_factor"][:, :, None]
        step_adopt = fb["step_adopt"][:, :, None]
        w_o, w_s = fb["wage_oversight"], fb["wage_specialist"]
        nu = wb["nu"][:, None]
        for t in range(T + 1):
            tau = F32(t) / F32(S)
            omega = wb["wage_index"][:, t, None]                       # (nw, 1)
            o_t = wb["oversight"][:, t, None]
            K = wb["Kw"][:, t, :]                                      # (nw, R)
            growth = np.exp(tau * fb["log_growth"])                    # (1+g)^tau
            Hcf = H0 * growth
            d = Hcf * Q                                                # D_r,t = d s_r
            budget = fb["budget0"] * wb["budget_index"][:, t, None]
            if t > 0:
                # a* = x c L(beta ln(W/C)) = x c / (1 + (C/W)^beta), with
                # C/W = (K (1+dh)^h / omega + o w_o) / w
                np.multiply((K / omega)[:, None, :], plan, out=buf)
                buf += (o_t * w_o)[:, :, None]
                buf *= fb["inv_wage"]
                np.log(buf, out=buf)
                buf *= beta
                np.exp(buf, out=buf)
                buf += F32(1.0)
                np.divide((exposure * wb["capability"][:, t, None])[:, None, :], buf, out=buf)
                buf -= a
                buf *= step_adopt
                a += buf                                               # a~_r,t
            # one-column matmuls (BLAS gemv): far faster than einsum or a 2-column matmul
            spend = d * np.matmul(a, (share * K)[:, :, None])[:, :, 0]  # spend~_t
            A = d * np.matmul(a, share)                                # sum_r a~ D
            aws = np.einsum("ijk,ijk->ij", a, fb["wage_share"])        # sum_r a~ w_r s_r
            # budget check: one factor scales every role of the firm
            rolled = spend > budget
            scale = np.ones_like(spend)
            np.divide(budget, spend, out=scale, where=rolled)
            a *= scale[:, :, None]                                     # a_r,t
            spend *= scale
            A *= scale
            aws *= scale
            Ho = o_t * A
            Hn = nu * A
            Hs = spend * fb["inv_per_specialist"]
            H = (d - A) + Ho + Hn + Hs
            dw = d * omega
            wages_all = dw * fb["wage_share_sum"]                      # sum_r D W
            wage_bill = (wages_all - dw * aws) + (Ho + Hn) * (w_o * omega) + Hs * (w_s * omega)
            out = sums[:, t, :]
            out[:, S_H] += H.sum(axis=1, dtype=np.float64)
            out[:, S_HCF] += Hcf.sum(axis=1, dtype=np.float64)
            out[:, S_A] += A.sum(axis=1, dtype=np.float64)
            out[:, S_HO] += Ho.sum(axis=1, dtype=np.float64)
            out[:, S_HN] += Hn.sum(axis=1, dtype=np.float64)
            out[:, S_HS] += Hs.sum(axis=1, dtype=np.float64)
            out[:, S_SPEND] += spend.sum(axis=1, dtype=np.float64)
            out[:, S_WAGE_BILL] += wage_bill.sum(axis=1, dtype=np.float64)
            out[:, S_EXPOSED] += xs * d.sum(axis=1, dtype=np.float64)
            out[:, S_ROLLED] += np.count_nonzero(rolled, axis=1)
            if t > 0:
                # U_t = unit cost with AI / without; Q_t = U_t^-eta
                U = (wage_bill + spend) / wages_all
                Q = np.exp(-fb["eta"] * np.log(U))


def metrics(sums, n_firms, employment):
    """MODEL.md "Outputs" per world and step from the sums, float64 (hc_metrics)."""
    s = lambda k: sums[:, :, k]  # noqa: E731
    hcf = s(S_HCF)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = {
            "employment_change_pct": 100.0 * (s(S_H) / s(S_H)[:, :1] - 1.0),
            "ai_effect_pct": 100.0 * (s(S_H) / hcf - 1.0),
            "displaced_pct": 100.0 * s(S_A) / hcf,
            "oversight_pct": 100.0 * s(S_HO) / hcf,
            "new_tasks_pct": 100.0 * s(S_HN) / hcf,
            "specialists_pct": 100.0 * s(S_HS) / hcf,
            "compute_share_pct": np.where(s(S_WAGE_BILL) > 0,
                                          100.0 * s(S_SPEND) / s(S_WAGE_BILL), 0.0),
            "rolled_back_pct": 100.0 * s(S_ROLLED) / n_firms,
            "adoption_pct": np.where(s(S_EXPOSED) > 0, 100.0 * s(S_A) / s(S_EXPOSED), 0.0),
        }
    m["net_jobs"] = m["employment_change_pct"] / 100.0 * employment
    m["ai_net_jobs"] = m["ai_effect_pct"] / 100.0 * employment
    return {k: m[k] for k in METRICS}


def simulate(model, worlds, firms, seed, batch_worlds=None):
    """Per-world, per-step sums: float64 array (worlds, T+1, len(SUMS))."""
    sums = np.zeros((worlds, model.T + 1, len(SUMS)))
    budget_firms = max(1, BATCH_TARGET_BYTES // model.bytes_per_firm)
    if batch_worlds is None:
        batch_worlds = max(1, min(worlds, budget_firms // firms))
    # one world's firms too many for the budget: split its firms into chunks as well
    firm_chunk = firms if batch_worlds > 1 or firms <= budget_firms else budget_firms
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        for w0 in range(0, worlds, batch_worlds):
            nw = min(batch_worlds, worlds - w0)
            rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(w0,))))
            wb = model.world_block(nw, rng)
            for f0 in range(0, firms, firm_chunk):
                nf = min(firm_chunk, firms - f0)
                frng = rng if f0 == 0 else np.random.Generator(
                    np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(w0, f0))))
                fb = model.firm_block(nw, nf, frng)
                model.run_block(wb, fb, sums[w0:w0 + nw])
    return sums, batch_worlds



def run_sizes(cfg, args):
    """Worlds, firms per world and seed: the command line's, else the config's."""
    sim = cfg.get("simulation", {})
    worlds = args.worlds if args.worlds is not None else int(sim.get("worlds", 1000))
    firms = args.firms if args.firms is not None else int(sim.get("firms_per_world", 1000))
    seed = args.seed if args.seed is not None else int(sim.get("seed", 1))
    return worlds, firms, seed

def main(argv=None):
    t_start = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config", help="resolved config, manifest.json, or config with `extends`")
    ap.add_argument("--worlds", type=int, help="worlds (default: simulation.worlds)")
    ap.add_argument("--firms", type=int, help="firms per world (default: simulation.firms_per_world)")
    ap.add_argument("--seed", type=int, help="seed (default: simulation.seed)")
    ap.add_argument("--batch-worlds", type=int, help="worlds per batch (default: about 16 MiB of arrays)")
    ap.add_argument("--scenario", help="scenario of a manifest (default: the first)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    try:
        cfg = load_input(args.config, args.scenario)
        model = Model(cfg)
    except (OSError, ValueError, KeyError, ConfigError) as e:
        print(f"numpy_model: {e}", file=sys.stderr)
        return 2
    worlds, firms, seed = run_sizes(cfg, args)
    if worlds < 1 or firms < 1 or (args.batch_worlds is not None and args.batch_worlds < 1):
        print("numpy_model: worlds, firms and batch must be >= 1", file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    try:
        sums, batch = simulate(model, worlds, firms, seed, args.batch_worlds)
    except ConfigError as e:
        print(f"numpy_model: {e}", file=sys.stderr)
        return 2
    m = metrics(sums, firms, model.employment)
    horizon = {k: float(np.median(v[:, -1])) for k, v in m.items()}
    t1 = time.perf_counter()

    firm_steps = worlds * firms * (model.T + 1)
    res = {
        "implementation": "numpy",
        "numpy": np.__version__,
        "scenario": model.name,
        "worlds": worlds, "firms": firms, "steps": model.T, "roles": model.R,
        "seed": seed, "batch_worlds": batch, "threads": 1,
        "firm_steps": firm_steps,
        "wall_seconds": t1 - t_start,
        "simulate_seconds": t1 - t0,
        "firm_steps_per_second": firm_steps / (t1 - t0),
        "employment_change_pct": horizon["employment_change_pct"],
        "ai_effect_pct": horizon["ai_effect_pct"],
        "displaced_pct": horizon["displaced_pct"],
        "horizon_median": horizon,
    }
    if args.json:
        print(json.dumps(res, allow_nan=True))
        return 0
    year = f"year {model.start_year + model.years}" if isinstance(model.start_year, int) \
        else f"t = {model.T}"
    print(f"numpy_model: {model.name}, {worlds} worlds x {firms} firms x {model.T + 1} steps, "
          f"{model.R} roles, seed {seed}, {batch} worlds per batch, numpy {np.__version__}")
    print(f"  firm-steps     {firm_steps:,}")
    print(f"  wall time      {res['wall_seconds']:.3f} s (simulate {res['simulate_seconds']:.3f} s)")
    print(f"  firm-steps/s   {res['firm_steps_per_second']:.4g}")
    print(f"  medians across worlds at the horizon ({year}):")
    for k in METRICS:
        print(f"    {k:<22} {horizon[k]:12.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
