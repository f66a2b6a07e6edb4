#!/usr/bin/python3
"""numpy_model.py: headcount's model (version 2, docs/model.md), vectorised in NumPy.

What this is: the performance reference of `make bench` and an independent check of the
C/CUDA engine. It reads a resolved config (or a run's manifest.json, or a plain config
with `extends`), draws every input with headcount's own counters (bench/hc_draws.py:
Philox4x32-10, the counter layout of docs/model.md "Randomness", the samplers of
include/model/hc_dist.h), steps t = 0..T for all firms of a batch of worlds at once, and
reports the per-world metrics of the model's "Outputs" table. Since the inputs are
headcount's, its world sums match headcount's up to float rounding (NumPy's exp and log
against include/model/hc_math.h's): bench/check_models.py holds it to a tolerance.

What this is not: a second product. It computes no firm-level bands, writes no files
and checks configs only as far as it needs to run.

Arithmetic follows include/model/hc_model.h: world paths in float64 stored as float32,
per-firm arithmetic in float32 with every sum over roles added in role order, weighted
sums over firms in float64. The step is vectorised over all firms of the batch (arrays
worlds x firms, and x roles for the role quantities).

Usage:
  numpy_model.py CONFIG.json [--worlds W] [--firms F] [--seed S] [--batch-worlds B]
                 [--scenario NAME] [--json] [--worlds-out FILE]
Runs in one thread (BLAS threads are pinned to 1 before NumPy loads). --worlds-out
writes the per-world metrics as float64 in worlds.f64's layout (metric, step, world).
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hc_draws as hd  # noqa: E402

F32 = np.float32
Z95 = 1.6448536269514722  # standard normal quantile of 0.95: lognormal p5/p95 -> sigma
FLT_MIN, FLT_MAX = F32(np.finfo(np.float32).tiny), F32(np.finfo(np.float32).max)
Q_MIN, Q_MAX, BUDGET_MAX = F32(1e-6), F32(1e6), F32(1e30)  # hc_model.h's guards

# Scalar inputs by hc_input_id (docs/model.md "Randomness"): (id, section, key, default or
# None if required). The id is part of the draw's counter.
WORLD_INPUTS = [
    (0, "inference", "price_per_mtok", None),        # p0
    (1, "inference", "annual_price_change", None),   # dp
    (2, "inference", "price_volatility", 0.0),       # sp
    (3, "inference", "shock_rate", 0.0),             # q
    (4, "inference", "shock_multiplier", 1.0),       # J
    (5, "inference", "annual_token_growth", None),   # dk
    (6, "capability", "start", None),                # c0
    (7, "capability", "ceiling", None),              # cmax
    (8, "capability", "growth_rate", None),          # rc
    (9, "capability", "error_rate_start", None),     # e0
    (10, "capability", "annual_error_change", None),  # de
    (11, "labor", "oversight_ratio", None),          # o0
    (12, "labor", "new_task_ratio", None),           # nu
    (13, "wages", "annual_growth", None),            # gw
    (14, "compute", "annual_budget_growth", None),   # gb
    (26, "inference", "task_cost_dispersion", None),  # s
    (27, "labor", "augmentation_tokens", 0.0),       # phi
    (28, "labor", "augmentation_gain", 0.0),         # theta
    (29, "labor", "rollback_oversight", 0.0),        # rho
    (32, "compute", "value_share", 0.0),             # sigma (absent before it existed: 0, the same model)
]
FIRM_INPUTS = [
    (15, "firms", "headcount", None),                # H0 (absent with size classes)
    (16, "firms", "demand_growth", None),            # g
    (17, "firms", "adoption_speed", None),           # lam
    (18, "firms", "expected_price_change", None),    # dh0
    (19, "firms", "planning_horizon", None),         # h
    (21, "compute", "budget_share", None),           # b
    (22, "compute", "per_specialist", None),         # m_s
    (23, "firms", "demand_elasticity", 0.0),         # eta
    (24, "wages", "oversight", None),                # w_o
    (25, "wages", "specialist", None),               # w_s
    (30, "firms", "belief_learning_rate", 0.0),      # kappa
    (31, "compute", "platform_cost", 0.0),           # P
]

# Per world and step, weighted sums over the world's firms (hc_model.h hc_sum_id).
SUMS = ["H", "Hcf", "A", "Ho", "Hn", "Hs", "spend", "wage_bill", "exposed", "rolled_back",
        "Hp", "capped", "uses_ai", "uses_ai_H", "Y", "Ycf", "weight"]
(S_H, S_HCF, S_A, S_HO, S_HN, S_HS, S_SPEND, S_WAGE_BILL, S_EXPOSED, S_ROLLED, S_HP, S_CAPPED,
 S_USES_AI, S_USES_AI_H, S_Y, S_YCF, S_WEIGHT) = range(len(SUMS))

# hc_metrics.h's order, which is worlds.f64's.
METRICS = ["employment_change_pct", "ai_effect_pct", "net_jobs", "ai_net_jobs",
           "displaced_pct", "oversight_pct", "new_tasks_pct", "specialists_pct",
           "compute_share_pct", "rolled_back_pct", "automated_exposed_pct", "platform_pct",
           "budget_capped_pct", "adoption_pct", "adoption_firms_pct", "output_per_worker_pct"]

# Default batch: keep the working set (about bytes_per_firm a firm) near this size.
BATCH_TARGET_BYTES = 16 << 20


class ConfigError(Exception):
    pass


# ---- config: load, merge `extends`, pick a manifest's scenario

def _is_dist(v):
    return isinstance(v, dict) and "dist" in v


def merge(base, over):
    """docs/model.md `extends`: objects merge key by key, roles merge by name, a distribution
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


# ---- distributions: config objects to hc_dist's kinds and parameters (src/config/dist_kinds.c)

def dist_params(spec, what="input"):
    """A number or distribution object as {"kind", "p", "clip", ...} for hc_draws.sample."""
    if isinstance(spec, bool) or not isinstance(spec, (int, float, dict)):
        raise ConfigError(f"{what}: not a number or distribution object: {spec!r}")
    if not isinstance(spec, dict):
        return {"kind": "constant", "p": [float(spec)]}
    kind = spec.get("dist")
    if kind is None and ("p5" in spec or "p95" in spec):  # the 90 % shorthand
        kind = "lognormal" if float(spec["p5"]) > 0 and float(spec["p95"]) > 0 else "normal"

    def p(name, default=None):
        if name in spec:
            return float(spec[name])
        if default is None:
            raise ConfigError(f"{what}: {kind} needs `{name}`")
        return default

    d = {"kind": kind}
    if kind == "constant":
        d["p"] = [p("value")]
    elif kind == "normal":
        if "p5" in spec:
            d["p"] = [0.5 * (p("p5") + p("p95")), (p("p95") - p("p5")) / (2.0 * Z95)]
        else:
            d["p"] = [p("mean"), p("sd")]
    elif kind == "lognormal":
        if "median" in spec:
            d["p"] = [math.log(p("median")), p("sigma")]
        else:
            lo, hi = p("p5"), p("p95")
            d["p"] = [0.5 * (math.log(lo) + math.log(hi)), (math.log(hi) - math.log(lo)) / (2.0 * Z95)]
    elif kind == "uniform":
        d["p"] = [p("min"), p("max")]
    elif kind == "triangular":
        d["p"] = [p("min"), p("mode"), p("max")]
    elif kind == "pert":
        lo, mode, hi, lam = p("min"), p("mode"), p("max"), p("lambda", 4.0)
        d["p"] = [lo, hi, 1.0 + lam * (mode - lo) / (hi - lo), 1.0 + lam * (hi - mode) / (hi - lo)]
    elif kind == "beta":
        d["p"] = [p("min", 0.0), p("max", 1.0), p("alpha"), p("beta")]
    elif kind == "gamma":
        d["p"] = [p("shape"), p("scale")]
    elif kind == "pareto":
        d["p"] = [p("alpha"), p("min"), p("max", 0.0)]
    elif kind == "discrete":
        values = np.asarray(spec.get("values"), dtype=np.float64)
        weights = np.asarray(spec.get("weights"), dtype=np.float64)
        if values.size == 0 or values.shape != weights.shape:
            raise ConfigError(f"{what}: discrete needs `values` and as many `weights`")
        cumw = np.cumsum(weights) / weights.sum()
        cumw[-1] = 1.0
        d.update(p=[], values=values, cumw=cumw)
    else:
        raise ConfigError(f"{what}: dist {kind!r} is not supported by the bench's reference models")
    clip = spec.get("clip")
    d["clip"] = None if clip is None else (float(clip[0]), float(clip[1]))
    return d


def draw(d, seed, world, firm_plus_1, stream):
    """hc_model_draw for every (world, firm) of the broadcast shape."""
    return hd.sample(d, hd.Stream(seed, world, firm_plus_1, stream))


GOLDEN = 0.6180339887498949  # hc_size_class's (sqrt(5) - 1) / 2


# ---- the model

class Model:
    """Fixed parts of a resolved config (hc_model)."""

    def __init__(self, cfg):
        sim = cfg.get("simulation", {})
        self.name = str(cfg.get("name", "scenario"))
        self.S = int(sim.get("steps_per_year", 4))
        self.years = int(sim.get("years", 10))
        self.T = self.years * self.S
        self.start_year = sim.get("start_year")
        self.employment = float(cfg.get("population", {}).get("employment", float("nan")))
        firms = cfg.get("firms", {})
        self.size_classes = firms.get("size_classes") or []
        self.size_alpha = float(firms.get("size_alpha", 1.05))
        self.world_specs = [(i, k, dist_params(get_input(cfg, s, k, d), f"{s}.{k}")) for i, s, k, d in WORLD_INPUTS]
        self.firm_specs = [(i, k, dist_params(get_input(cfg, s, k, d), f"{s}.{k}"))
                           for i, s, k, d in FIRM_INPUTS if not (i == 15 and self.size_classes)]
        roles = cfg.get("roles")
        if not isinstance(roles, list) or not roles:
            raise ConfigError("config has no roles")
        self.R = len(roles)
        share = np.array([float(r["share"]) for r in roles])
        if share.sum() <= 0:
            raise ConfigError("role shares sum to 0")
        self.share = (share / share.sum()).astype(F32)
        self.exposure = np.array([float(r["exposure"]) for r in roles], dtype=F32)
        self.adoption_start = np.array([float(r.get("adoption_start", 0.0)) for r in roles], dtype=F32)
        self.wage_specs = [dist_params(r["wage"], f"roles[{r.get('name')}].wage") for r in roles]
        self.token_specs = [dist_params(r["tokens_per_fte_year"], f"roles[{r.get('name')}].tokens_per_fte_year")
                            for r in roles]
        # Bytes of arrays alive per firm during a batch: an overestimate.
        self.bytes_per_firm = 120 * self.R + 200

    def size_table(self, F):
        """Per firm index 0..F-1: its class j (hc_size_class) and the class weights w_j
        (src/config/size_classes.c) for F firms a world."""
        c = self.size_classes
        emp = np.array([float(x["employees"]) for x in c])
        cum = np.cumsum(emp) / emp.sum()
        cum[-1] = 1.0
        x = (np.arange(F, dtype=np.float64) + 1.0) * GOLDEN
        u = x - np.floor(x)
        j = np.minimum(np.searchsorted(cum, u, side="left"), len(c) - 1)  # first cum[j] >= u
        n = np.bincount(j, minlength=len(c))
        real = np.array([float(x["firms"]) for x in c])
        total = real[n > 0].sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            w = np.where(n > 0, (real / np.maximum(n, 1)) / (total / n.sum()), 0.0).astype(F32)
        return j, w

    # -- worlds: inputs and macro path, float64, stored as float32 (hc_world_sample, hc_world_path)
    def world_block(self, w0, nw, seed):
        S, T = self.S, self.T
        world = np.arange(w0, w0 + nw, dtype=np.uint64)
        v = {k: draw(d, seed, world, 0, hd.STREAM_SCALAR_INPUT + i) for i, k, d in self.world_specs}
        m = np.stack([draw(d, seed, world, 0, hd.STREAM_ROLE_TOKENS + r) for r, d in enumerate(self.token_specs)],
                     axis=1)
        tau = np.arange(T + 1, dtype=np.float64) / S
        jump_prob = np.minimum(1.0, v["shock_rate"] / S)
        drift = np.log1p(v["annual_price_change"]) / S
        vol = v["price_volatility"] / math.sqrt(S)
        log_jump = np.log(v["shock_multiplier"])
        st = hd.Stream(seed, world[:, None], 0, hd.STREAM_PRICE_PATH, np.arange(1, T + 1)[None, :])
        z = hd.normal_quantile(st.uniform()).reshape(nw, T)
        jumps = st.uniform().reshape(nw, T) < jump_prob[:, None]
        incr = drift[:, None] + vol[:, None] * z + np.where(jumps, log_jump[:, None], 0.0)
        log_p = np.empty((nw, T + 1))
        log_p[:, 0] = np.log(v["price_per_mtok"])
        for t in range(1, T + 1):  # in order, as hc_world_path adds
            log_p[:, t] = log_p[:, t - 1] + incr[:, t - 1]
        lag = np.minimum(np.arange(T + 1), S)
        trend = np.zeros((nw, T + 1))
        trend[:, 1:] = (log_p[:, 1:] - log_p[:, np.arange(1, T + 1) - lag[1:]]) * S / lag[1:]
        p = np.exp(log_p)
        k = np.exp(tau[None, :] * np.log1p(v["annual_token_growth"])[:, None])
        c0, cmax = v["start"][:, None], v["ceiling"][:, None]
        cap = cmax / (1.0 + (cmax / c0 - 1.0) * np.exp(-v["growth_rate"][:, None] * tau))
        e0, o0 = v["error_rate_start"][:, None], v["oversight_ratio"][:, None]
        e = np.minimum(1.0, e0 * np.exp(tau * np.log1p(v["annual_error_change"])[:, None]))
        with np.errstate(divide="ignore", invalid="ignore"):
            o = np.where(e0 > 0.0, o0 * e / e0, o0)
        omega = np.exp(tau * np.log1p(v["annual_growth"])[:, None])
        bidx = np.minimum(np.exp(tau * np.log1p(v["annual_budget_growth"])[:, None]), float(FLT_MAX))
        Kw = np.minimum((p * k)[:, :, None] * m[:, None, :] / 1e6, float(FLT_MAX))  # (nw, T+1, R)
        s, theta = v["task_cost_dispersion"], v["augmentation_gain"]
        return {
            "capability": cap.astype(F32), "oversight": o.astype(F32), "trend": trend.astype(F32),
            "wage_index": omega.astype(F32), "budget_index": bidx.astype(F32), "Kw": Kw.astype(F32),
            "nu": v["new_task_ratio"].astype(F32), "s": s.astype(F32), "inv_s": (1.0 / s).astype(F32),
            "mean_factor": np.exp(0.5 * s * s).astype(F32), "phi": v["augmentation_tokens"].astype(F32),
            "theta": theta.astype(F32), "aug_people": (theta / (1.0 + theta)).astype(F32),
            "aug_cost": (1.0 / (1.0 + theta)).astype(F32),
            "rollback_factor": (1.0 + v["rollback_oversight"]).astype(F32),
            "value_share": v["value_share"].astype(F32),
            "log_value_share": np.where(v["value_share"] > 0.0, np.log(np.maximum(v["value_share"], 1e-300)),
                                        0.0).astype(F32),
        }

    # -- firms: inputs and constants (hc_firm_sample), for firms f0..f0+nf-1 of worlds w0..
    def firm_block(self, w0, nw, f0, nf, F, seed):
        world = np.arange(w0, w0 + nw, dtype=np.uint64)[:, None]
        fp1 = np.arange(f0 + 1, f0 + nf + 1, dtype=np.uint64)[None, :]
        v = {k: draw(d, seed, world, fp1, hd.STREAM_SCALAR_INPUT + i) for i, k, d in self.firm_specs}
        if self.size_classes:
            j, w = self.size_table(F)
            j = j[f0:f0 + nf]
            a = np.array([float(x["min"]) for x in self.size_classes])[j]
            b = np.array([float(x["max"]) for x in self.size_classes])[j]
            size = {"kind": "pareto", "p": [self.size_alpha, a[None, :], b[None, :]], "clip": None}
            v["headcount"] = draw(size, seed, world, fp1, hd.STREAM_SCALAR_INPUT + 15)
            weight = np.broadcast_to(w[j][None, :], (nw, nf))
        else:
            weight = np.ones((nw, nf), dtype=F32)
        wage = np.stack([draw(d, seed, world, fp1, hd.STREAM_ROLE_WAGE + r) for r, d in enumerate(self.wage_specs)],
                        axis=2)  # (nw, nf, R) float64
        H0 = v["headcount"]
        W0 = np.zeros_like(H0)
        for r in range(self.R):  # in role order, as hc_firm_sample adds
            W0 += H0 * float(self.share[r]) * wage[:, :, r]
        S = self.S
        return {
            "H0": H0.astype(F32), "weight": weight.astype(F32),
            "log_growth": np.log1p(v["demand_growth"]).astype(F32),
            "step_adopt": (1.0 - (1.0 - v["adoption_speed"]) ** (1.0 / S)).astype(F32),
            "step_learn": (1.0 - (1.0 - v["belief_learning_rate"]) ** (1.0 / S)).astype(F32),
            "horizon": v["planning_horizon"].astype(F32),
            "budget0": (v["budget_share"] * W0).astype(F32),
            "per_specialist": v["per_specialist"].astype(F32),
            "eta": v["demand_elasticity"].astype(F32),
            "wage_oversight": v["oversight"].astype(F32), "wage_specialist": v["specialist"].astype(F32),
            "platform_cost": v["platform_cost"].astype(F32),
            "platform_staff": (v["platform_cost"] / v["specialist"]).astype(F32),
            "belief0": np.log1p(v["expected_price_change"]).astype(F32),
            "wage": wage.astype(F32),
        }

    # -- steps t = 0..T for one block of worlds x firms; adds into sums[w, t, k]
    def run_block(self, wb, fb, sums):
        """hc_firm_step for every firm of the block at every step, then the weighted sums
        (hc_firm_accumulate). Firm quantities are (nw, nf) float32, role quantities
        (nw, nf, R); world quantities broadcast as (nw, 1) or (nw, 1, R)."""
        T, S, R = self.T, self.S, self.R
        share, exposure = self.share, self.exposure
        one, zero = F32(1.0), F32(0.0)
        col = lambda x: x[:, None]  # noqa: E731  world (nw,) -> (nw, 1)
        rsum = lambda x: role_sum(x, R)  # noqa: E731
        H0, weight = fb["H0"], fb["weight"].astype(np.float64)
        nw, nf = H0.shape
        a = np.broadcast_to(self.adoption_start, (nw, nf, R)).copy()  # a_r,t-1
        Q = np.ones((nw, nf), dtype=F32)
        belief = fb["belief0"].copy()
        M = np.ones((nw, nf), dtype=F32)
        alpha_year = np.zeros((nw, nf), dtype=F32)
        rolled = np.zeros((nw, nf), dtype=F32)
        wage = fb["wage"]
        s, inv_s, mean_factor = col(wb["s"])[:, :, None], col(wb["inv_s"])[:, :, None], col(wb["mean_factor"])[:, :, None]
        phi, theta = col(wb["phi"])[:, :, None], col(wb["theta"])[:, :, None]
        sigma = col(wb["value_share"])[:, :, None]
        value_shift = col(wb["log_value_share"] * wb["inv_s"])[:, :, None]             # ln(sigma) / s
        aug_cost, aug_people = col(wb["aug_cost"])[:, :, None], col(wb["aug_people"])[:, :, None]
        step_adopt = fb["step_adopt"][:, :, None]
        w_o, w_s = fb["wage_oversight"], fb["wage_specialist"]
        nu, rollback_factor = col(wb["nu"]), col(wb["rollback_factor"])
        for t in range(T + 1):
            tau = F32(t) / F32(S)
            omega, o_t, c_t = col(wb["wage_index"][:, t]), col(wb["oversight"][:, t]), col(wb["capability"][:, t])
            K = wb["Kw"][:, t, :][:, None, :]                                  # (nw, 1, R)
            growth = np.exp(tau * fb["log_growth"])
            demand = H0 * growth * Q
            oc = o_t * M * w_o * omega                                          # O_t
            budget = np.minimum(fb["budget0"] * col(wb["budget_index"][:, t]), BUDGET_MAX)
            if t > 0:
                belief = belief + fb["step_learn"] * (col(wb["trend"][:, t]) - belief)
            plan_shift = (fb["horizon"] * belief)[:, :, None]
            # cutoffs (hc_firm_cutoffs)
            D = demand[:, :, None] * share
            W = wage * omega[:, :, None]
            V = W - oc[:, :, None]
            pays = V > zero
            V_pos = np.where(pays, V, one)
            log_ratio = np.log(V_pos) - np.log(K)
            zr = log_ratio * inv_s
            zp = (log_ratio - plan_shift) * inv_s
            Phi_r, Phi_pl, Phi_rs = phi32(zr), phi32(zp), phi32(zr - s)
            za = zr + value_shift                                               # value share: price >= sigma V
            Phi_a, Phi_as = phi32(za), phi32(za - s)
            with np.errstate(invalid="ignore", divide="ignore"):
                q_cost = K * mean_factor * (Phi_rs / Phi_r)
                q_value = (sigma * V_pos * Phi_a + K * mean_factor * (Phi_rs - Phi_as)) / Phi_r
            q = np.where(sigma > zero, q_value, q_cost)
            kbar = np.where(Phi_rs > zero, np.where(q < V_pos, q, V_pos), V_pos)
            cap = np.where(pays, exposure * c_t[:, :, None], zero)
            pp = np.where(pays, Phi_pl, zero)
            kb = np.where(pays, kbar, zero)
            cap_paid = cap * np.where(pays, Phi_r, zero)
            saving = rsum(cap * pp * D * (V - kb))
            u = np.where(saving >= fb["platform_cost"] * omega, one, zero)
            # adoption, assistance, the tentative bill
            target = u[:, :, None] * cap * pp
            a_hat = a + step_adopt * (target - a) if t > 0 else a
            a = np.where(a_hat < cap_paid, a_hat, cap_paid)
            g = u[:, :, None] * (cap - a)
            phiK, thetaW = phi * K, theta * W
            by_tokens = np.where(phiK < thetaW, phiK, thetaW)
            by_value = sigma * thetaW                                           # hc_assistance_price
            kaug = np.where(by_tokens > by_value, by_tokens, by_value)
            spend_tentative = rsum(D * (a * kb + g * kaug * aug_cost))
            # budget check
            capped = spend_tentative > budget
            with np.errstate(invalid="ignore", divide="ignore"):
                scale = np.where(capped, budget / spend_tentative, one)
            a = a * scale[:, :, None]
            g = g * scale[:, :, None]
            kept = one - a - g * aug_people
            spend = rsum(D * (a * kb + g * kaug * aug_cost))
            A = rsum(a * D)
            Hr = rsum(D * kept)
            wages_kept = rsum(D * W * kept)
            wages_all = rsum(D * W)
            unit_wages = rsum(share * W)
            exposed = rsum(exposure * D)
            alpha = rsum(share * a)
            Ho = o_t * M * A
            Hn = nu * A
            Hs = spend / fb["per_specialist"]
            Hp = u * fb["platform_staff"]
            H = Hr + Ho + Hn + Hs + Hp
            Hcf = H0 * growth
            wage_bill = wages_kept + (Ho + Hn) * w_o * omega + (Hs + Hp) * w_s * omega
            Y = wages_all + Hn * w_o * omega
            Ycf = Hcf * unit_wages
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                U = np.minimum(np.maximum((wage_bill + spend) / Y, FLT_MIN), FLT_MAX)
                Qn = np.minimum(np.maximum(np.exp(-fb["eta"] * np.log(U)), Q_MIN), Q_MAX)
            whole_year = t % S == 0
            if whole_year:  # roll-back: the automated share against a year earlier
                rolled = np.where(alpha < alpha_year, one, zero) if t > 0 else np.zeros_like(rolled)
                alpha_year = alpha
            if t > 0:
                Q = Qn
            M = np.where(rolled > zero, rollback_factor, M)
            uses = u > zero
            rb = rolled > zero
            out = sums[:, t, :]
            for k, x in ((S_H, H), (S_HCF, Hcf), (S_A, A), (S_HO, Ho), (S_HN, Hn), (S_HS, Hs), (S_SPEND, spend),
                         (S_WAGE_BILL, wage_bill), (S_EXPOSED, exposed), (S_HP, Hp), (S_Y, Y), (S_YCF, Ycf)):
                out[:, k] += (weight * x).sum(axis=1)
            out[:, S_ROLLED] += np.where(rb, weight, 0.0).sum(axis=1)
            out[:, S_CAPPED] += np.where(capped, weight, 0.0).sum(axis=1)
            out[:, S_USES_AI] += np.where(uses, weight, 0.0).sum(axis=1)
            out[:, S_USES_AI_H] += np.where(uses, weight * H, 0.0).sum(axis=1)
            out[:, S_WEIGHT] += weight.sum(axis=1)


def role_sum(x, R):
    """sum over the last axis in role order (hc_role_sum), float32."""
    acc = x[..., 0].copy()
    for r in range(1, R):
        acc += x[..., r]
    return acc


def phi32(x):
    """hc_normal_cdff in float32, with NumPy's exp."""
    ax = np.abs(x)
    t = F32(1.0) / (F32(1.0) + ax * F32(0.353553390593273762))
    p = np.full_like(t, F32(0.17087277))
    for c in (-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
              1.00002368, -1.26551223):
        p = p * t + F32(c)
    e = F32(0.5) * (t * np.exp(p - F32(0.5) * (ax * ax)))
    return np.where(x > 0, F32(1.0) - e, e)


def metrics(sums, employment):
    """docs/model.md "Outputs" per world and step from the weighted sums, float64 (hc_metrics)."""
    s = lambda k: sums[:, :, k]  # noqa: E731
    hcf, firms = s(S_HCF), s(S_WEIGHT)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = {
            "employment_change_pct": 100.0 * (s(S_H) / s(S_H)[:, :1] - 1.0),
            "ai_effect_pct": 100.0 * (s(S_H) / hcf - 1.0),
            "displaced_pct": 100.0 * s(S_A) / hcf,
            "oversight_pct": 100.0 * s(S_HO) / hcf,
            "new_tasks_pct": 100.0 * s(S_HN) / hcf,
            "specialists_pct": 100.0 * s(S_HS) / hcf,
            "compute_share_pct": np.where(s(S_WAGE_BILL) > 0, 100.0 * s(S_SPEND) / s(S_WAGE_BILL), 0.0),
            "rolled_back_pct": 100.0 * s(S_ROLLED) / firms,
            "automated_exposed_pct": np.where(s(S_EXPOSED) > 0, 100.0 * s(S_A) / s(S_EXPOSED), 0.0),
            "platform_pct": 100.0 * s(S_HP) / hcf,
            "budget_capped_pct": 100.0 * s(S_CAPPED) / firms,
            "adoption_pct": np.where(s(S_H) > 0, 100.0 * s(S_USES_AI_H) / s(S_H), 0.0),
            "adoption_firms_pct": 100.0 * s(S_USES_AI) / firms,
            "output_per_worker_pct": 100.0 * ((s(S_Y) / s(S_H)) / (s(S_YCF) / hcf) - 1.0),
        }
    m["net_jobs"] = m["employment_change_pct"] / 100.0 * employment
    m["ai_net_jobs"] = m["ai_effect_pct"] / 100.0 * employment
    return {k: m[k] for k in METRICS}


def simulate(model, worlds, firms, seed, batch_worlds=None):
    """Per-world, per-step weighted sums: float64 array (worlds, T+1, len(SUMS)). The
    draws are headcount's (by world and firm index), so no result depends on the batch."""
    sums = np.zeros((worlds, model.T + 1, len(SUMS)))
    budget_firms = max(1, BATCH_TARGET_BYTES // model.bytes_per_firm)
    if batch_worlds is None:
        batch_worlds = max(1, min(worlds, budget_firms // firms))
    # one world's firms too many for the budget: split its firms into chunks as well
    firm_chunk = firms if batch_worlds > 1 or firms <= budget_firms else budget_firms
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        for w0 in range(0, worlds, batch_worlds):
            nw = min(batch_worlds, worlds - w0)
            wb = model.world_block(w0, nw, seed)
            for f0 in range(0, firms, firm_chunk):
                nf = min(firm_chunk, firms - f0)
                model.run_block(wb, model.firm_block(w0, nw, f0, nf, firms, seed), sums[w0:w0 + nw])
    return sums, batch_worlds


def write_worlds(path, m):
    """Per-world metrics as float64, in worlds.f64's layout for one scenario: (metric, step, world)."""
    np.stack([m[k].T for k in METRICS]).astype("<f8").tofile(path)



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
    ap.add_argument("--worlds-out", help="write the per-world metrics here (worlds.f64's layout)")
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
    m = metrics(sums, model.employment)
    horizon = {k: float(np.median(v[:, -1])) for k, v in m.items()}
    t1 = time.perf_counter()
    if args.worlds_out:
        write_worlds(args.worlds_out, m)

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
