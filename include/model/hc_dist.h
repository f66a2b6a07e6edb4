/* hc_dist.h: the input distributions of MODEL.md "Distributions", sampled from a
 * counter-addressed uniform stream (hc_philox.h). Shared by the CPU backend and the CUDA
 * kernels; the config loader (src/config/dist_kinds.c) fills hc_dist from JSON and validates it.
 *
 * Sampling is by inverse CDF wherever a closed form (or Wichura's AS241 for the normal)
 * exists, so one uniform maps to one quantile: common random numbers then couple two
 * narratives' draws of the same input rank for rank. Beta, PERT and gamma use
 * Marsaglia-Tsang rejection, which consumes a variable number of uniforms from the
 * input's own stream (never another input's). Work is in double: inputs are drawn once
 * per world or firm, so precision costs nothing measurable. */
#ifndef HC_DIST_H
#define HC_DIST_H

#include <math.h>
#include "hc_defs.h"
#include "hc_philox.h"

typedef enum {
    HC_DIST_CONSTANT = 0,
    HC_DIST_NORMAL,
    HC_DIST_LOGNORMAL,
    HC_DIST_UNIFORM,
    HC_DIST_TRIANGULAR,
    HC_DIST_PERT,
    HC_DIST_BETA,
    HC_DIST_GAMMA,
    HC_DIST_PARETO,
    HC_DIST_DISCRETE,
    HC_DIST_MIXTURE,
    HC_DIST_KINDS
} hc_dist_kind;

/* Sampling parameters, by kind (the loader converts the config's fields to these):
 *   constant    p[0] value
 *   normal      p[0] mean, p[1] sd
 *   lognormal   p[0] mu = ln(median), p[1] sigma      (p5/p95 converted by the loader)
 *   uniform     p[0] min, p[1] max
 *   triangular  p[0] min, p[1] mode, p[2] max
 *   pert, beta  p[0] lo, p[1] hi, p[2] alpha, p[3] beta: lo + (hi - lo) * Beta(alpha, beta)
 *               (pert: alpha = 1 + lambda (mode - min) / (max - min), likewise beta)
 *   gamma       p[0] shape, p[1] scale
 *   pareto      p[0] alpha, p[1] min, p[2] max (p[2] = 0: unbounded)
 *   discrete    pool[pool_offset .. + n_values - 1] values, then as many cumulative
 *               weights normalised to end at 1
 *   mixture     pool[pool_offset .. + n_values - 1] cumulative weights normalised to end
 *               at 1, then n_values components, HC_DIST_ENCODED doubles each
 *               (hc_dist_encode); a component is never itself a mixture */
typedef struct {
    int32_t kind;
    int32_t has_clip;
    int32_t pool_offset;
    int32_t n_values;
    double p[4];
    double clip_lo, clip_hi;
} hc_dist;

/* Inverse of the standard normal CDF, Wichura (1988) AS241 PPND16: relative error about
 * 1e-16 over (0, 1). */
HC_HD double hc_normal_quantile(double p)
{
    double q = p - 0.5, r, val;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r +
                         67265.770927008700853) * r + 45921.953931549871457) * r +
                       13731.693765509461125) * r + 1971.5909503065514427) * r +
                     133.14166789178437745) * r + 3.387132872796366608) /
               (((((((r * 5226.495278852545925 + 28729.085735721942674) * r +
                     39307.89580009271061) * r + 21213.794301586595867) * r +
                   5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    r = q < 0 ? p : 1.0 - p;
    r = sqrt(-log(r));
    if (r <= 5.0) {
        r -= 1.6;
        val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r +
                    0.24178072517745061177) * r + 1.27045825245236838258) * r +
                  3.64784832476320460504) * r + 5.7694972214606914055) * r +
                4.6303378461565452959) * r + 1.42343711074968357734) /
              (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                    0.0151986665636164571966) * r + 0.14810397642748007459) * r +
                  0.68976733498510000455) * r + 1.6763848301838038494) * r +
                2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                    0.0012426609473880784386) * r + 0.026532189526576123093) * r +
                  0.29656057182850489123) * r + 1.7848265399172913358) * r +
                5.4637849111641143699) * r + 6.6579046435011037772) /
              (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                    1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
                  0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                0.59983220655588793769) * r + 1.0);
    }
    return q < 0.0 ? -val : val;
}

/* Gamma(shape, 1) by Marsaglia and Tsang (2000); shape < 1 through the boost
 * Gamma(shape + 1) * U^(1/shape). Acceptance is above 95 % per try, so the bound on tries
 * (reached with probability below 1e-80) only guarantees termination on the GPU.
 *
 * Their squeeze, u < 1 - 0.0331 z^4, accepts most tries without the two logarithms. It
 * lies inside the acceptance region (their paper, for d >= 2/3, which the boost ensures),
 * and it never decides otherwise than the logarithms would for any u this generator
 * makes. The logarithm test's rounding error is a few ulps of d (below 4.4e-15 d, with a
 * 10x margin); the boundaries, at least 0.019 z^4 apart, come that close only where z^4
 * is below 2.3e-13 d; and there every u between them lies above about 1 - 1e-14 d, beyond
 * the largest uniform, 1 - 2^-33, while d < 1e4. Above that the logarithms decide alone.
 * tests/unit_dist.c tries the largest u the squeeze accepts. So the squeeze changes no
 * draw, only time. */
HC_HD int hc_gamma_squeeze(double d, double z, double u)
{
    return d < 1e4 && u < 1.0 - 0.0331 * (z * z) * (z * z);
}

/* Marsaglia and Tsang's acceptance test itself, for a try z, v = (1 + c z)^3 and u. */
HC_HD int hc_gamma_logs_accept(double d, double z, double v, double u)
{
    return log(u) < 0.5 * z * z + d - d * v + d * log(v);
}

HC_HD double hc_gamma_unit(double shape, hc_rng *rng)
{
    double boost = 1.0, d, c;
    int tries;
    if (shape < 1.0) {
        boost = pow(hc_rng_uniform(rng), 1.0 / shape);
        shape += 1.0;
    }
    d = shape - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (tries = 0; tries < 64; tries++) {
        double z = hc_normal_quantile(hc_rng_uniform(rng));
        double v = 1.0 + c * z, u;
        if (v <= 0.0) continue;
        v = v * v * v;
        u = hc_rng_uniform(rng);
        if (hc_gamma_squeeze(d, z, u)) return boost * d * v;
        if (hc_gamma_logs_accept(d, z, v, u)) return boost * d * v;
    }
    return boost * d; /* unreachable in practice: the mode of the proposal */
}

/* One draw of `d`, any kind but a mixture (hc_dist_sample below dispatches those).
 * `pool` holds the values and weights of discrete distributions. */
HC_HD double hc_dist_sample_simple(const hc_dist *d, const double *pool, hc_rng *rng)
{
    double x = 0.0, u, lo, hi, m;
    switch (d->kind) {
    case HC_DIST_CONSTANT:
        x = d->p[0];
        break;
    case HC_DIST_NORMAL:
        x = d->p[0] + d->p[1] * hc_normal_quantile(hc_rng_uniform(rng));
        break;
    case HC_DIST_LOGNORMAL:
        x = exp(d->p[0] + d->p[1] * hc_normal_quantile(hc_rng_uniform(rng)));
        break;
    case HC_DIST_UNIFORM:
        x = d->p[0] + (d->p[1] - d->p[0]) * hc_rng_uniform(rng);
        break;
    case HC_DIST_TRIANGULAR:
        u = hc_rng_uniform(rng);
        lo = d->p[0];
        m = d->p[1];
        hi = d->p[2];
        if (u < (m - lo) / (hi - lo))
            x = lo + sqrt(u * (hi - lo) * (m - lo));
        else
            x = hi - sqrt((1.0 - u) * (hi - lo) * (hi - m));
        break;
    case HC_DIST_PERT:
    case HC_DIST_BETA: {
        double ga = hc_gamma_unit(d->p[2], rng);
        double gb = hc_gamma_unit(d->p[3], rng);
        x = d->p[0] + (d->p[1] - d->p[0]) * (ga / (ga + gb));
        break;
    }
    case HC_DIST_GAMMA:
        x = d->p[1] * hc_gamma_unit(d->p[0], rng);
        break;
    case HC_DIST_PARETO: {
        double alpha = d->p[0], xm = d->p[1], xmax = d->p[2];
        u = hc_rng_uniform(rng);
        if (xmax > 0.0) /* bounded Pareto, inverse CDF */
            x = xm / pow(1.0 - u * (1.0 - pow(xm / xmax, alpha)), 1.0 / alpha);
        else
            x = xm * pow(1.0 - u, -1.0 / alpha); /* increasing in u, like every inverse CDF here */
        break;
    }
    case HC_DIST_DISCRETE: {
        const double *values = pool + d->pool_offset;
        const double *cumw = values + d->n_values;
        int i = 0;
        u = hc_rng_uniform(rng);
        while (i < d->n_values - 1 && u > cumw[i]) i++;
        x = values[i];
        break;
    }
    default:
        x = 0.0;
    }
    if (d->has_clip) x = x < d->clip_lo ? d->clip_lo : (x > d->clip_hi ? d->clip_hi : x);
    return x;
}

/* A mixture's components live in the pool as doubles, field by field (not as raw bytes,
 * so the encoding does not depend on struct layout or padding): kind, has_clip,
 * pool_offset, n_values, p[0..3], clip_lo, clip_hi. The integers are small, so exact. */
#define HC_DIST_ENCODED 10

HC_HD void hc_dist_encode(const hc_dist *d, double *out)
{
    out[0] = (double)d->kind;
    out[1] = (double)d->has_clip;
    out[2] = (double)d->pool_offset;
    out[3] = (double)d->n_values;
    out[4] = d->p[0];
    out[5] = d->p[1];
    out[6] = d->p[2];
    out[7] = d->p[3];
    out[8] = d->clip_lo;
    out[9] = d->clip_hi;
}

HC_HD void hc_dist_decode(const double *in, hc_dist *d)
{
    d->kind = (int32_t)in[0];
    d->has_clip = (int32_t)in[1];
    d->pool_offset = (int32_t)in[2];
    d->n_values = (int32_t)in[3];
    d->p[0] = in[4];
    d->p[1] = in[5];
    d->p[2] = in[6];
    d->p[3] = in[7];
    d->clip_lo = in[8];
    d->clip_hi = in[9];
}

/* One draw of `d`. A mixture picks its component with one uniform (the first component
 * whose cumulative weight is >= u, as for discrete), then draws that component from the
 * same stream; a one-component mixture spends no uniform on the pick, so it draws exactly
 * what its component draws. The mixture's own clip applies after the component's. */
HC_HD double hc_dist_sample(const hc_dist *d, const double *pool, hc_rng *rng)
{
    if (d->kind == HC_DIST_MIXTURE) {
        const double *cumw = pool + d->pool_offset;
        hc_dist c;
        double x;
        int i = 0;
        if (d->n_values > 1) {
            const double u = hc_rng_uniform(rng);
            while (i < d->n_values - 1 && u > cumw[i]) i++;
        }
        hc_dist_decode(cumw + d->n_values + (size_t)i * HC_DIST_ENCODED, &c);
        x = hc_dist_sample_simple(&c, pool, rng);
        if (d->has_clip) x = x < d->clip_lo ? d->clip_lo : (x > d->clip_hi ? d->clip_hi : x);
        return x;
    }
    return hc_dist_sample_simple(d, pool, rng);
}

#endif
