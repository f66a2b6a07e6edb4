"""hc_draws.py: headcount's random draws in NumPy, for the bench's reference models.

The same Philox4x32-10 (include/model/hc_philox.h), the same counter layout (docs/model.md
"Randomness": key = seed, ctr = (block, stream << 16 | step, firm + 1, world)), the same
uniforms ((x + 0.5) / 2^32) and the same samplers (include/model/hc_dist.h: inverse CDFs,
Wichura's AS241 normal quantile, Marsaglia-Tsang gamma for beta, PERT and gamma), vectorised
over arrays of draw sites. So bench/numpy_model.py and bench/numba_model.py draw the very
inputs headcount draws, and their world sums can be compared with headcount's to a
tolerance (bench/check_models.py): only float rounding (NumPy's exp and log against
hc_math.h's) separates them.

A Stream is one uniform stream per lane (per draw site); rejection samplers take a mask of
the lanes still drawing, and each lane consumes its own counter's words, as hc_rng does.
"""
import numpy as np

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = 0x9E3779B9, 0xBB67AE85
MASK32 = np.uint64(0xFFFFFFFF)
SHIFT32 = np.uint64(32)

STREAM_PRICE_PATH = 0x0001
STREAM_SCALAR_INPUT = 0x0100
STREAM_ROLE_WAGE = 0x0200
STREAM_ROLE_TOKENS = 0x0300


def philox(c0, c1, c2, c3, seed):
    """Philox4x32-10 of counters (uint64 arrays holding 32-bit words) under key `seed`:
    four uint64 arrays of 32-bit words."""
    c = [np.asarray(x, dtype=np.uint64) & MASK32 for x in (c0, c1, c2, c3)]
    c = [np.broadcast_to(x, np.broadcast(*c).shape).copy() for x in c]
    k0, k1 = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
    for i in range(10):
        if i > 0:
            k0, k1 = (k0 + W0) & 0xFFFFFFFF, (k1 + W1) & 0xFFFFFFFF
        p0 = M0 * c[0]
        p1 = M1 * c[2]
        c = [(p1 >> SHIFT32) ^ c[1] ^ np.uint64(k0), p1 & MASK32,
             (p0 >> SHIFT32) ^ c[3] ^ np.uint64(k1), p0 & MASK32]
    return c


class Stream:
    """Uniforms for many draw sites at once: lane i is hc_rng_init(seed, world[i],
    firm_plus_1[i], stream[i], step[i]) (arrays broadcast to one shape)."""

    def __init__(self, seed, world, firm_plus_1, stream, step=0):
        shape = np.broadcast(np.asarray(world), np.asarray(firm_plus_1), np.asarray(stream),
                             np.asarray(step)).shape
        b = lambda x: np.broadcast_to(np.asarray(x, dtype=np.uint64), shape).ravel()  # noqa: E731
        self.shape, self.seed = shape, int(seed)
        self.y = (b(stream) << np.uint64(16)) | (b(step) & np.uint64(0xFFFF))
        self.z, self.w = b(firm_plus_1), b(world)
        n = self.y.size
        self.block = np.zeros(n, dtype=np.uint64)   # ctr.x of the next block
        self.words = np.zeros((4, n), dtype=np.uint64)
        self.used = np.full(n, 4, dtype=np.int64)

    def uniform(self, mask=None):
        """One uniform per lane in `mask` (all lanes when None), flat; others untouched (NaN)."""
        n = self.y.size
        idx = np.arange(n) if mask is None else np.flatnonzero(mask)
        fresh = idx[self.used[idx] == 4]
        if fresh.size:
            out = philox(self.block[fresh], self.y[fresh], self.z[fresh], self.w[fresh], self.seed)
            for k in range(4):
                self.words[k, fresh] = out[k]
            self.block[fresh] += np.uint64(1)
            self.used[fresh] = 0
        x = np.full(n, np.nan)
        x[idx] = (self.words[self.used[idx], idx].astype(np.float64) + 0.5) * (1.0 / 4294967296.0)
        self.used[idx] += 1
        return x


def normal_quantile(p):
    """Wichura's AS241 (hc_normal_quantile), elementwise."""
    p = np.asarray(p, dtype=np.float64)
    q = p - 0.5
    r = 0.180625 - q * q
    central = q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                        67265.770927008700853) * r + 45921.953931549871457) * r +
                      13731.693765509461125) * r + 1971.5909503065514427) * r +
                    133.14166789178437745) * r + 3.387132872796366608) / \
        (((((((r * 5226.495278852545925 + 28729.085735721942674) * r +
              39307.89580009271061) * r + 21213.794301586595867) * r +
            5394.1960214247511077) * r + 687.1870074920579083) * r +
          42.313330701600911252) * r + 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rt = np.sqrt(-np.log(np.where(q < 0, p, 1.0 - p)))
    r1 = rt - 1.6
    mid = (((((((r1 * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r1 +
                0.24178072517745061177) * r1 + 1.27045825245236838258) * r1 +
              3.64784832476320460504) * r1 + 5.7694972214606914055) * r1 +
            4.6303378461565452959) * r1 + 1.42343711074968357734) / \
        (((((((r1 * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r1 +
              0.0151986665636164571966) * r1 + 0.14810397642748007459) * r1 +
            0.68976733498510000455) * r1 + 1.6763848301838038494) * r1 +
          2.05319162663775882187) * r1 + 1.0)
    r2 = rt - 5.0
    far = (((((((r2 * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r2 +
                0.0012426609473880784386) * r2 + 0.026532189526576123093) * r2 +
              0.29656057182850489123) * r2 + 1.7848265399172913358) * r2 +
            5.4637849111641143699) * r2 + 6.6579046435011037772) / \
        (((((((r2 * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r2 +
              1.8463183175100546818e-5) * r2 + 7.868691311456132591e-4) * r2 +
            0.0148753612908506148525) * r2 + 0.13692988092273580531) * r2 +
          0.59983220655588793769) * r2 + 1.0)
    tail = np.where(rt <= 5.0, mid, far)
    tail = np.where(q < 0.0, -tail, tail)
    return np.where(np.abs(q) <= 0.425, central, tail)


def gamma_unit(shape, st):
    """Gamma(shape, 1) per lane by Marsaglia-Tsang, as hc_gamma_unit: each lane draws
    from its own stream until it accepts (at most 64 tries)."""
    n = st.y.size
    shape = np.broadcast_to(np.asarray(shape, dtype=np.float64), (n,)).copy()
    boost = np.ones(n)
    small = shape < 1.0
    if small.any():
        boost[small] = st.uniform(small)[small] ** (1.0 / shape[small])
        shape[small] += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    out = boost * d  # the proposal's mode: hc_gamma_unit's unreachable fallback
    todo = np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(64):
            if not todo.any():
                break
            z = normal_quantile(st.uniform(todo))
            v = 1.0 + c * z
            pos = todo & (v > 0.0)
            v3 = v * v * v
            u = st.uniform(pos)
            acc = pos & (np.log(u) < 0.5 * z * z + d - d * v3 + d * np.log(v3))
            out[acc] = (boost * d * v3)[acc]
            todo &= ~acc
    return out


def sample(d, st):
    """One draw of distribution `d` (kind and parameters as hc_dist's, a dict made by
    numpy_model.dist_params) per lane of Stream `st`: float64, shaped as st."""
    kind, p = d["kind"], d["p"]
    if kind == "constant":
        x = np.full(st.y.size, p[0])
    elif kind == "normal":
        x = p[0] + p[1] * normal_quantile(st.uniform())
    elif kind == "lognormal":
        x = np.exp(p[0] + p[1] * normal_quantile(st.uniform()))
    elif kind == "uniform":
        x = p[0] + (p[1] - p[0]) * st.uniform()
    elif kind == "triangular":
        u = st.uniform()
        lo, m, hi = p[0], p[1], p[2]
        with np.errstate(invalid="ignore"):
            x = np.where(u < (m - lo) / (hi - lo), lo + np.sqrt(u * (hi - lo) * (m - lo)),
                         hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - m)))
    elif kind in ("pert", "beta"):
        ga = gamma_unit(p[2], st)
        gb = gamma_unit(p[3], st)
        x = p[0] + (p[1] - p[0]) * (ga / (ga + gb))
    elif kind == "gamma":
        x = p[1] * gamma_unit(p[0], st)
    elif kind == "pareto":  # parameters may be arrays broadcasting to the lanes (size classes)
        alpha, xm, xmax = (np.broadcast_to(np.asarray(v, dtype=np.float64), st.shape).ravel() for v in p[:3])
        u = st.uniform()
        with np.errstate(divide="ignore", invalid="ignore"):
            bounded = xm / (1.0 - u * (1.0 - (xm / xmax) ** alpha)) ** (1.0 / alpha)
        x = np.where(xmax > 0.0, bounded, xm * (1.0 - u) ** (-1.0 / alpha))
    elif kind == "discrete":
        values, cumw = np.asarray(d["values"]), np.asarray(d["cumw"])
        u = st.uniform()
        i = np.minimum(np.searchsorted(cumw, u, side="left"), values.size - 1)  # first u <= cumw[i]
        x = values[i]
    else:
        raise ValueError(f"unknown distribution kind {kind!r}")
    if d.get("clip") is not None:
        x = np.clip(x, d["clip"][0], d["clip"][1])
    return x.reshape(st.shape)
