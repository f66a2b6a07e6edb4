/* design.c: the world-input design (hc_design.h, docs/uncertainty.md): Latin hypercube
 * batches, Iman-Conover rank correlations, the Saltelli design of a Sobol analysis, and
 * the quantile functions they need (inverse incomplete gamma and beta). Host only: a
 * backend only ever reads the finished table (src/engines/engine_cpu.c run_world).
 *
 * Everything here is a function of the seed and the configs: permutations and jitters
 * come from Philox counters named by (column, batch or world), sums run in index order,
 * sorts break ties by index, so a design is the same bytes on any machine layout. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_design.h"
#include "hc_stats.h"

/* ---- columns */

static uint32_t col_stream(int c)
{
    return c < HC_N_WORLD_INPUTS ? HC_STREAM_SCALAR_INPUT + (uint32_t)hc_world_input_id(c)
                                 : HC_STREAM_ROLE_TOKENS + (uint32_t)(c - HC_N_WORLD_INPUTS);
}

void hc_design_col_name(const hc_config *cfg, int c, char *buf, size_t len)
{
    if (c < HC_N_WORLD_INPUTS)
        snprintf(buf, len, "%s", hc_input_specs[hc_world_input_id(c)].key);
    else
        snprintf(buf, len, "roles.%s.tokens_per_fte_year", cfg->role_names[c - HC_N_WORLD_INPUTS]);
}

void hc_design_col_label(const hc_config *cfg, int c, char *buf, size_t len)
{
    if (c < HC_N_WORLD_INPUTS)
        snprintf(buf, len, "%s", hc_input_specs[hc_world_input_id(c)].label);
    else
        snprintf(buf, len, "Tokens: %s", cfg->role_names[c - HC_N_WORLD_INPUTS]);
}

/* ---- special functions: regularized incomplete gamma and beta, and their inverses */

#define TINY 1e-300

/* P(a, x) and Q(a, x) = 1 - P(a, x), each computed directly where it is the smaller, so
 * that both keep full relative precision (a quantile near 1 needs Q's). */
static void gamma_pq(double a, double x, double *p, double *q)
{
    const double log_front = -x + a * log(x) - lgamma(a);
    int n;
    if (!(x > 0.0)) {
        *p = 0.0;
        *q = 1.0;
        return;
    }
    if (isinf(x)) {
        *p = 1.0;
        *q = 0.0;
        return;
    }
    if (x < a + 1.0) { /* series, converges fast below the mode */
        double ap = a, term = 1.0 / a, sum = term;
        for (n = 0; n < 100000; n++) {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if (fabs(term) < fabs(sum) * 1e-17) break;
        }
        *p = fmin(1.0, sum * exp(log_front));
        *q = 1.0 - *p;
    } else { /* continued fraction for Q (modified Lentz) */
        double b = x + 1.0 - a, c = 1.0 / TINY, d = 1.0 / b, h = d;
        for (n = 1; n < 100000; n++) {
            const double an = -(double)n * ((double)n - a);
            double del;
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < TINY) d = TINY;
            c = b + an / c;
            if (fabs(c) < TINY) c = TINY;
            d = 1.0 / d;
            del = d * c;
            h *= del;
            if (fabs(del - 1.0) < 1e-16) break;
        }
        *q = fmin(1.0, exp(log_front) * h);
        *p = 1.0 - *q;
    }
}

double hc_gamma_p(double a, double x)
{
    double p, q;
    gamma_pq(a, x, &p, &q);
    return p;
}

/* Continued fraction of I_x(a, b) (Numerical Recipes' betacf, modified Lentz). */
static double beta_cf(double a, double b, double x)
{
    const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap, h;
    int m;
    if (fabs(d) < TINY) d = TINY;
    d = 1.0 / d;
    h = d;
    for (m = 1; m < 100000; m++) {
        const double m2 = 2.0 * m;
        double aa = (double)m * (b - m) * x / ((qam + m2) * (a + m2)), del;
        d = 1.0 + aa * d;
        if (fabs(d) < TINY) d = TINY;
        c = 1.0 + aa / c;
        if (fabs(c) < TINY) c = TINY;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < TINY) d = TINY;
        c = 1.0 + aa / c;
        if (fabs(c) < TINY) c = TINY;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return h;
}

/* I_x(a, b) and 1 - I_x(a, b), each direct where it is the smaller. */
static void beta_pq(double a, double b, double x, double *p, double *q)
{
    double front;
    if (!(x > 0.0)) {
        *p = 0.0;
        *q = 1.0;
        return;
    }
    if (!(x < 1.0)) {
        *p = 1.0;
        *q = 0.0;
        return;
    }
    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0)) {
        *p = fmin(1.0, front * beta_cf(a, b, x) / a);
        *q = 1.0 - *p;
    } else {
        *q = fmin(1.0, front * beta_cf(b, a, 1.0 - x) / b);
        *p = 1.0 - *q;
    }
}

double hc_beta_i(double a, double b, double x)
{
    double p, q;
    beta_pq(a, b, x, &p, &q);
    return p;
}

/* The normal-approximation start shared by both inverses (Abramowitz and Stegun 26.2.22). */
static double rough_normal_quantile(double u)
{
    const double pp = u < 0.5 ? u : 1.0 - u, t = sqrt(-2.0 * log(pp));
    const double x = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
    return u < 0.5 ? x : -x;
}

/* A distribution to invert: both tails of its CDF at x, and its density. */
typedef struct {
    void (*tails)(const double *par, double x, double *p, double *q);
    double (*pdf)(const double *par, double x);
    double par[3];
} cdf_def;

/* Solves CDF(x) = u on (lo, hi) (hi may be +inf) by Newton steps from x, falling back to
 * bisection (geometric once both ends are positive and far apart, so a quantile near 0
 * takes few steps) whenever a step would leave the bracket. Above the median it solves
 * 1 - CDF(x) = 1 - u instead: 1 - u is exact there, and the upper tail is computed
 * directly, so a quantile near 1 keeps its precision. */
static double invert_cdf(const cdf_def *c, double u, double x, double lo, double hi)
{
    const int upper = u > 0.5;
    const double q_target = 1.0 - u;
    int it;
    for (it = 0; it < 400; it++) {
        double p, q, f, next;
        c->tails(c->par, x, &p, &q);
        f = upper ? q_target - q : p - u; /* increasing in x either way */
        if (f == 0.0) return x;
        if (f < 0.0)
            lo = x;
        else
            hi = x;
        next = x - f / c->pdf(c->par, x);
        if (!isfinite(next) || next <= lo || next >= hi) {
            if (isinf(hi))
                next = 2.0 * x + 1.0;
            else if (lo > 0.0 && hi > 4.0 * lo)
                next = sqrt(lo * hi);
            else if (lo <= 0.0 && hi > 0.0 && x > 0.0 && next <= lo)
                next = 0.125 * x; /* heading for 0: shrink fast */
            else
                next = 0.5 * (lo + hi);
        }
        /* Done when the step is below half an ulp, or the bracket is two neighbouring doubles. */
        if (!isinf(hi) && nextafter(lo, hi) >= hi) return x; /* x is one of them, inside the domain */
        if (fabs(next - x) <= 0.5 * DBL_EPSILON * fabs(next)) return next;
        x = next;
    }
    return x;
}

static void gamma_tails(const double *par, double x, double *p, double *q) { gamma_pq(par[0], x, p, q); }
static double gamma_pdf(const double *par, double x) { return exp(-x + (par[0] - 1.0) * log(x) - par[1]); }

double hc_gamma_p_inv(double a, double u)
{
    cdf_def c;
    double x;
    if (!(u > 0.0)) return 0.0;
    if (!(u < 1.0)) return INFINITY;
    c.tails = gamma_tails;
    c.pdf = gamma_pdf;
    c.par[0] = a;
    c.par[1] = lgamma(a);
    if (a > 1.0) { /* Wilson-Hilferty */
        const double z = rough_normal_quantile(u);
        x = fmax(1e-3, a * pow(1.0 - 1.0 / (9.0 * a) - z / (3.0 * sqrt(a)), 3.0));
    } else {
        const double t = 1.0 - a * (0.253 + a * 0.12);
        x = u < t ? pow(u / t, 1.0 / a) : 1.0 - log(1.0 - (u - t) / (1.0 - t));
    }
    if (!(x > 0.0)) x = TINY;
    return invert_cdf(&c, u, x, 0.0, INFINITY);
}

static void beta_tails(const double *par, double x, double *p, double *q) { beta_pq(par[0], par[1], x, p, q); }
static double beta_pdf(const double *par, double x)
{
    return exp((par[0] - 1.0) * log(x) + (par[1] - 1.0) * log1p(-x) - par[2]);
}

double hc_beta_i_inv(double a, double b, double u)
{
    cdf_def c;
    double x;
    if (!(u > 0.0)) return 0.0;
    if (!(u < 1.0)) return 1.0;
    c.tails = beta_tails;
    c.pdf = beta_pdf;
    c.par[0] = a;
    c.par[1] = b;
    c.par[2] = lgamma(a) + lgamma(b) - lgamma(a + b);
    if (a >= 1.0 && b >= 1.0) { /* Numerical Recipes' invbetai start */
        const double z = rough_normal_quantile(u), al = (z * z - 3.0) / 6.0;
        const double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
        const double w = z * sqrt(al + h) / h -
                         (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
        x = a / (a + b * exp(2.0 * w));
    } else {
        const double lna = log(a / (a + b)), lnb = log(b / (a + b));
        const double t = exp(a * lna) / a, v = exp(b * lnb) / b, w = t + v;
        x = u < t / w ? pow(a * w * u, 1.0 / a) : 1.0 - pow(b * w * (1.0 - u), 1.0 / b);
    }
    if (!(x > 0.0 && x < 1.0)) x = 0.5;
    return invert_cdf(&c, u, x, 0.0, 1.0);
}

/* A uniform stream whose next word is `word`: lets a sampler that draws by inverse CDF
 * compute its own quantile at a chosen probability, so the design never holds a second
 * copy of a distribution's formula. */
static double sample_at(const hc_dist *d, const double *pool, double u)
{
    hc_rng r;
    const double scaled = floor(u * 4294967296.0);
    const uint32_t word = scaled >= 4294967295.0 ? 0xFFFFFFFFu : (uint32_t)scaled;
    memset(&r, 0, sizeof(r));
    r.block.v[0] = r.block.v[1] = r.block.v[2] = r.block.v[3] = word;
    r.used = 0;
    return hc_dist_sample_simple(d, pool, &r);
}

static double clip(const hc_dist *d, double x)
{
    return d->has_clip ? (x < d->clip_lo ? d->clip_lo : (x > d->clip_hi ? d->clip_hi : x)) : x;
}

static double quantile_simple(const hc_dist *d, const double *pool, double u)
{
    switch (d->kind) {
    case HC_DIST_GAMMA:
        return clip(d, d->p[1] * hc_gamma_p_inv(d->p[0], u));
    case HC_DIST_BETA:
    case HC_DIST_PERT:
        return clip(d, d->p[0] + (d->p[1] - d->p[0]) * hc_beta_i_inv(d->p[2], d->p[3], u));
    default:
        return sample_at(d, pool, u);
    }
}

double hc_design_quantile(const hc_dist *d, const double *pool, double u)
{
    if (d->kind == HC_DIST_MIXTURE) {
        const double *cumw = pool + d->pool_offset;
        double lo = 0.0, v = u;
        hc_dist comp;
        int i = 0;
        if (d->n_values > 1) {
            while (i < d->n_values - 1 && u > cumw[i]) i++;
            lo = i > 0 ? cumw[i - 1] : 0.0;
            v = cumw[i] > lo ? (u - lo) / (cumw[i] - lo) : 0.5;
            v = fmin(fmax(v, 0x1p-33), 1.0 - 0x1p-33); /* stays inside (0, 1), like any uniform here */
        }
        hc_dist_decode(cumw + d->n_values + (size_t)i * HC_DIST_ENCODED, &comp);
        return clip(d, quantile_simple(&comp, pool, v));
    }
    return quantile_simple(d, pool, u);
}

/* ---- small dense linear algebra (m <= HC_DESIGN_MAX_COLS) */

/* Lower-triangular L with L L^T = a (m x m); 1 if a is not positive definite. */
static int cholesky(const double *a, int m, double *l)
{
    int i, j;
    memcpy(l, a, sizeof(double) * (size_t)m * (size_t)m);
    if (hc_cholesky_in_place(l, m, 1e-12)) return 1;
    for (i = 0; i < m; i++)
        for (j = i + 1; j < m; j++) l[i * m + j] = 0.0; /* L is lower triangular */
    return 0;
}

/* Cholesky factor of the correlation matrix nearest to `a` in this simple sense: if a is
 * not positive definite (a singular target such as a rank correlation of 1, or a
 * semi-definite one that the Spearman-to-Pearson conversion pushed just outside),
 * shrink it toward the identity, a (1 - t) + I t, with the least t in steps that
 * works. The config loader has already refused matrices that are not semi-definite. */
static void correlation_factor(const double *a, int m, double *l)
{
    double *b = (double *)malloc(sizeof(double) * (size_t)m * (size_t)m);
    double t = 0.0;
    int i, j;
    if (!b) { /* never fatal: fall back to independence */
        memset(l, 0, sizeof(double) * (size_t)m * (size_t)m);
        for (i = 0; i < m; i++) l[i * m + i] = 1.0;
        return;
    }
    for (;;) {
        for (i = 0; i < m; i++)
            for (j = 0; j < m; j++) b[i * m + j] = i == j ? 1.0 : (1.0 - t) * a[i * m + j];
        if (cholesky(b, m, l) == 0 || t >= 1.0) break;
        t = t == 0.0 ? 1e-6 : fmin(1.0, t * 4.0);
    }
    free(b);
}

/* ---- sorting with ties broken by index: the same order on every machine */

/* rank[i] in 0 .. n - 1 of x[i * stride] (ties by index). */
static void ranks_of(const double *x, int64_t n, int stride, int64_t *rank, hc_keyed *tmp)
{
    int64_t i;
    for (i = 0; i < n; i++) {
        tmp[i].v = x[i * stride];
        tmp[i].i = i;
    }
    qsort(tmp, (size_t)n, sizeof(hc_keyed), hc_keyed_cmp);
    for (i = 0; i < n; i++) rank[tmp[i].i] = i;
}

/* ---- Iman-Conover */

/* Pearson correlation matrix of the m columns of y (n x m), sums in row order. */
static void correlation_of(const double *y, int64_t n, int m, double *c)
{
    double mean[HC_DESIGN_MAX_COLS], sd[HC_DESIGN_MAX_COLS];
    int64_t r;
    int i, j;
    for (i = 0; i < m; i++) {
        double s = 0.0, ss = 0.0;
        for (r = 0; r < n; r++) s += y[r * m + i];
        mean[i] = s / (double)n;
        for (r = 0; r < n; r++) ss += (y[r * m + i] - mean[i]) * (y[r * m + i] - mean[i]);
        sd[i] = sqrt(ss);
    }
    for (i = 0; i < m; i++)
        for (j = 0; j <= i; j++) {
            double s = 0.0;
            for (r = 0; r < n; r++) s += (y[r * m + i] - mean[i]) * (y[r * m + j] - mean[j]);
            c[i * m + j] = c[j * m + i] = (sd[i] > 0.0 && sd[j] > 0.0) ? s / (sd[i] * sd[j]) : (i == j ? 1.0 : 0.0);
        }
}

int hc_iman_conover(double *x, int64_t n, int stride, const int *cols, int m, const double *target)
{
    const size_t nm = (size_t)n * (size_t)m, mm = (size_t)m * (size_t)m;
    double *scores = (double *)malloc(nm * sizeof(double));
    double *t = (double *)malloc(nm * sizeof(double));
    double *rk = (double *)malloc(nm * sizeof(double));
    int64_t *rank = (int64_t *)malloc((size_t)n * sizeof(int64_t));
    int64_t *best_rank = (int64_t *)malloc(nm * sizeof(int64_t));
    hc_keyed *tmp = (hc_keyed *)malloc((size_t)n * sizeof(hc_keyed));
    double e[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS], f[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS];
    double p[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS], pl[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS];
    double adjusted[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS], achieved[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS];
    double best_err = INFINITY;
    int64_t r;
    int i, j, k, pass, rc = 1;

    if (!scores || !t || !rk || !rank || !best_rank || !tmp) goto done;
    if (n < 3 || m < 2) { /* nothing to pair */
        rc = 0;
        goto done;
    }
    /* van der Waerden scores in the order of each column's own ranks, so the reordering
     * moves values as little as it can. */
    for (j = 0; j < m; j++) {
        ranks_of(x + cols[j], n, stride, rank, tmp);
        for (r = 0; r < n; r++)
            scores[(size_t)r * (size_t)m + (size_t)j] = hc_normal_quantile(((double)rank[r] + 1.0) / ((double)n + 1.0));
    }
    correlation_of(scores, n, m, e);
    if (cholesky(e, m, f)) { /* scores of fewer rows than columns: take them as uncorrelated */
        memset(f, 0, mm * sizeof(double));
        for (i = 0; i < m; i++) f[i * m + i] = 1.0;
    }
    memcpy(adjusted, target, mm * sizeof(double));
    /* The ranks of a bivariate normal with correlation P have Spearman correlation
     * (6/pi) asin(P/2), so P = 2 sin(pi rho / 6) aims at rank correlation rho. Finite
     * samples miss by O(1/sqrt(n)); a few passes correct the aim by the miss and keep the
     * closest, which brings a large batch within a few thousandths of the target. */
    for (pass = 0; pass < 6; pass++) {
        double worst = 0.0;
        for (i = 0; i < m; i++)
            for (j = 0; j < m; j++)
                p[i * m + j] = i == j ? 1.0 : 2.0 * sin(M_PI * adjusted[i * m + j] / 6.0);
        correlation_factor(p, m, pl);
        for (r = 0; r < n; r++) { /* t_r = PL F^-1 s_r */
            const double *s = scores + (size_t)r * (size_t)m;
            double y[HC_DESIGN_MAX_COLS];
            for (i = 0; i < m; i++) {
                double v = s[i];
                for (k = 0; k < i; k++) v -= f[i * m + k] * y[k];
                y[i] = v / f[i * m + i];
            }
            for (i = 0; i < m; i++) {
                double v = 0.0;
                for (k = 0; k <= i; k++) v += pl[i * m + k] * y[k];
                t[(size_t)r * (size_t)m + (size_t)i] = v;
            }
        }
        for (j = 0; j < m; j++) {
            ranks_of(t + j, n, m, rank, tmp);
            for (r = 0; r < n; r++) rk[(size_t)r * (size_t)m + (size_t)j] = (double)rank[r];
        }
        correlation_of(rk, n, m, achieved); /* Spearman: Pearson of the ranks */
        for (i = 0; i < m; i++)
            for (j = 0; j < m; j++) worst = fmax(worst, fabs(achieved[i * m + j] - target[i * m + j]));
        if (worst < best_err) {
            best_err = worst;
            for (r = 0; r < (int64_t)nm; r++) best_rank[r] = (int64_t)rk[r];
        }
        if (worst < 1e-3) break;
        for (i = 0; i < m; i++)
            for (j = 0; j < m; j++)
                if (i != j)
                    adjusted[i * m + j] =
                        fmin(0.9999, fmax(-0.9999, adjusted[i * m + j] + target[i * m + j] - achieved[i * m + j]));
    }
    /* Column j's k-th smallest value goes to the row whose score has rank k. */
    for (j = 0; j < m; j++) {
        double *col = x + cols[j];
        for (r = 0; r < n; r++) {
            tmp[r].v = col[r * stride];
            tmp[r].i = r;
        }
        qsort(tmp, (size_t)n, sizeof(hc_keyed), hc_keyed_cmp);
        for (r = 0; r < n; r++) col[r * stride] = tmp[best_rank[(size_t)r * (size_t)m + (size_t)j]].v;
    }
    rc = 0;
done:
    free(scores);
    free(t);
    free(rk);
    free(rank);
    free(best_rank);
    free(tmp);
    return rc;
}

/* ---- building batches */

/* The probability a Latin hypercube gives world `first + i` in column c of a batch of n:
 * (stratum + jitter) / n, the stratum a permutation of 0 .. n - 1 per column and batch,
 * the jitter uniform inside it. perm is scratch of n entries. */
static void lhs_column(uint64_t seed, int c, int64_t first, int64_t n, int64_t *perm, double *u)
{
    hc_rng rng;
    int64_t i;
    for (i = 0; i < n; i++) perm[i] = i;
    hc_rng_init(&rng, seed, (uint32_t)first, 0u, HC_STREAM_LHS_PERMUTATION + (uint32_t)c, 0u);
    for (i = n - 1; i > 0; i--) { /* Fisher-Yates; j uniform in 0..i by a 64-bit product */
        const int64_t j = (int64_t)(((uint64_t)hc_rng_next_u32(&rng) * (uint64_t)(i + 1)) >> 32);
        const int64_t tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
    for (i = 0; i < n; i++) {
        hc_rng jitter;
        hc_rng_init(&jitter, seed, (uint32_t)(first + i), 0u, HC_STREAM_LHS_JITTER + (uint32_t)c, 0u);
        u[i] = ((double)perm[i] + hc_rng_uniform(&jitter)) / (double)n;
    }
}

/* Rows first .. first + n - 1 of the table `rows` (its row r is world first + r; one
 * row per world holds every scenario's columns), drawn by id draw_first + r: independent
 * draws (MC) or a Latin hypercube, then each scenario's correlations. */
static int build_batch(const hc_config *cfg, const hc_design *d, int64_t draw_first, int64_t n, double *rows)
{
    const int S = d->n_scenarios, K = d->n_cols, stride = S * K;
    const uint64_t seed = cfg[0].model.seed;
    double *u = NULL;
    int64_t *perm = NULL, r;
    int s, c;
    if (d->sampling == HC_SAMPLING_LHS) {
        u = (double *)malloc((size_t)n * sizeof(double));
        perm = (int64_t *)malloc((size_t)n * sizeof(int64_t));
        if (!u || !perm) {
            free(u);
            free(perm);
            return 1;
        }
    }
    for (c = 0; c < K; c++) {
        if (u) lhs_column(seed, c, draw_first, n, perm, u); /* shared by every scenario: common random numbers */
        for (s = 0; s < S; s++) {
            const hc_model *m = &cfg[s].model;
            double *col = rows + (size_t)s * (size_t)K + (size_t)c;
            if (c >= HC_DESIGN_COL_TOKENS(m->n_roles)) {
                for (r = 0; r < n; r++) col[(size_t)r * (size_t)stride] = 0.0;
                continue;
            }
            for (r = 0; r < n; r++)
                col[(size_t)r * (size_t)stride] =
                    u ? hc_design_quantile(hc_design_col_dist(&cfg[s], c), m->pool, u[r])
                      : hc_model_draw(m, hc_design_col_dist(&cfg[s], c), (uint32_t)(draw_first + r), 0u, col_stream(c));
        }
    }
    free(u);
    free(perm);
    for (s = 0; s < S; s++) {
        int cols[HC_DESIGN_MAX_COLS], m, i;
        double target[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS];
        if (cfg[s].n_correlations == 0) continue;
        hc_design_correlation_matrix(&cfg[s], cols, &m, target);
        for (i = 0; i < m; i++) cols[i] += s * K; /* the scenario's columns inside a row */
        if (hc_iman_conover(rows, n, stride, cols, m, target)) return 1;
    }
    return 0;
}

static int reserve(hc_design *d, int64_t rows)
{
    const size_t row_len = (size_t)d->n_scenarios * (size_t)d->n_cols;
    double *v;
    if (rows <= d->capacity) return 0;
    v = (double *)realloc(d->values, (size_t)rows * row_len * sizeof(double));
    if (!v) return 1;
    d->values = v;
    d->capacity = rows;
    return 0;
}

int hc_design_wanted(const hc_config *cfg, int n_scenarios, const hc_uncertainty_options *o)
{
    int s;
    if (o->sampling == HC_SAMPLING_LHS || o->sobol_n > 0) return 1;
    for (s = 0; s < n_scenarios; s++)
        if (cfg[s].n_correlations > 0) return 1;
    return 0;
}

/* The Sobol analysis's inputs: the columns that vary in some scenario. */
static int sobol_columns(const hc_config *cfg, int n_scenarios, int *cols)
{
    int c, s, k = 0;
    for (c = 0; c < HC_DESIGN_MAX_COLS; c++)
        for (s = 0; s < n_scenarios; s++)
            if (hc_design_col_varies(&cfg[s], c)) {
                cols[k++] = c;
                break;
            }
    return k;
}

int hc_design_plan(const hc_config *cfg, int n_scenarios, const hc_uncertainty_options *o, int has_blend,
                   int mpi_ranks, int64_t *worlds, hc_error *err)
{
    int s, correlated = 0;
    const char *what;
    for (s = 0; s < n_scenarios; s++) correlated |= cfg[s].n_correlations > 0;
    what = o->sobol_n > 0 ? "--sobol" : o->sampling == HC_SAMPLING_LHS ? "--sampling lhs" : "correlations";
    if (n_scenarios > HC_DESIGN_MAX_SCENARIOS)
        return hc_fail(err, "%s: at most %d scenarios in one run", what, HC_DESIGN_MAX_SCENARIOS);
    if (has_blend && (hc_design_wanted(cfg, n_scenarios, o) || o->sensitivity))
        return hc_fail(err, "%s: not available in a run with a blend yet; run its components instead",
                       o->sensitivity && !hc_design_wanted(cfg, n_scenarios, o) ? "--sensitivity" : what);
    if (o->sobol_n > 0 && correlated)
        return hc_fail(err, "--sobol: Sobol indices need independent inputs, and a config sets `correlations`; "
                            "remove them for the Sobol run (Spearman and SRRC from --sensitivity allow them)");
    if (o->sobol_n > 0 && o->target_mcse > 0.0)
        return hc_fail(err, "--target-mcse: not available with --sobol, whose design fixes the number of worlds");
    if (o->target_mcse > 0.0 && mpi_ranks > 1)
        return hc_fail(err, "--target-mcse: not available under mpirun yet; run with a fixed --worlds");
    if (o->sobol_n > 0) {
        int cols[HC_DESIGN_MAX_COLS];
        const int k = sobol_columns(cfg, n_scenarios, cols);
        const double n = (double)o->sobol_n * (double)(k + 2);
        if (k == 0)
            return hc_fail(err, "--sobol: no world-level input varies in these configs; nothing to analyse");
        if (n > 2000000000.0)
            return hc_fail(err, "--sobol: %lld base samples x (%d inputs + 2) = %.0f worlds, more than 2000000000",
                           (long long)o->sobol_n, k, n);
        *worlds = (int64_t)n;
    }
    return 0;
}

static void design_init(const hc_config *cfg, int n_scenarios, hc_sampling sampling, hc_design *d)
{
    int s;
    memset(d, 0, sizeof(*d));
    d->n_scenarios = n_scenarios;
    d->sampling = sampling;
    for (s = 0; s < n_scenarios; s++) {
        d->n_roles[s] = cfg[s].model.n_roles;
        if (HC_DESIGN_COL_TOKENS(cfg[s].model.n_roles) > d->n_cols) d->n_cols = HC_DESIGN_COL_TOKENS(cfg[s].model.n_roles);
        d->correlated |= cfg[s].n_correlations > 0;
    }
}

/* Saltelli's design from 2N base rows: A, then B, each a batch of its own (two
 * independent Latin hypercubes under --sampling lhs, as the estimators assume). */
static int build_sobol(const hc_config *cfg, hc_design *d, int64_t N, hc_error *err)
{
    const size_t row_len = (size_t)d->n_scenarios * (size_t)d->n_cols;
    const int64_t worlds = N * (int64_t)(d->sobol_k + 2);
    int64_t j;
    int i, s;
    d->draws = (uint32_t *)malloc((size_t)worlds * sizeof(uint32_t));
    if (!d->draws || reserve(d, worlds) || build_batch(cfg, d, 0, N, d->values) ||
        build_batch(cfg, d, N, N, d->values + (size_t)N * row_len))
        return hc_fail(err, "out of memory building the Sobol design of %lld worlds", (long long)worlds);
    for (j = 0; j < 2 * N; j++) d->draws[j] = (uint32_t)j;
    for (i = 0; i < d->sobol_k; i++)
        for (j = 0; j < N; j++) {
            const int64_t w = 2 * N + (int64_t)i * N + j;
            double *row = d->values + (size_t)w * row_len;
            memcpy(row, d->values + (size_t)j * row_len, row_len * sizeof(double)); /* A's row j */
            for (s = 0; s < d->n_scenarios; s++) {
                const size_t at = (size_t)s * (size_t)d->n_cols + (size_t)d->sobol_col[i];
                row[at] = d->values[(size_t)(N + j) * row_len + at]; /* ... with input i from B's row j */
            }
            d->draws[w] = (uint32_t)j; /* and A's price path and firms */
        }
    d->worlds = worlds;
    d->n_batches = 1;
    d->batch_end[0] = worlds;
    return 0;
}

int hc_design_build(const hc_config *cfg, int n_scenarios, const hc_uncertainty_options *o, int64_t worlds,
                    hc_design *d, hc_error *err)
{
    design_init(cfg, n_scenarios, o->sampling, d);
    if (o->sobol_n > 0) {
        d->sobol_n = o->sobol_n;
        d->sobol_k = sobol_columns(cfg, n_scenarios, d->sobol_col);
        if (build_sobol(cfg, d, o->sobol_n, err)) {
            hc_design_free(d);
            return 1;
        }
        return 0;
    }
    if (hc_design_extend(cfg, d, worlds, err)) {
        hc_design_free(d);
        return 1;
    }
    return 0;
}

int hc_design_extend(const hc_config *cfg, hc_design *d, int64_t new_worlds, hc_error *err)
{
    const size_t row_len = (size_t)d->n_scenarios * (size_t)d->n_cols;
    const int64_t first = d->worlds, n = new_worlds - first;
    if (n <= 0) return 0;
    if (d->n_batches >= HC_DESIGN_MAX_BATCHES)
        return hc_fail(err, "the design has its most batches (%d); cannot add worlds", HC_DESIGN_MAX_BATCHES);
    if (reserve(d, new_worlds) || build_batch(cfg, d, first, n, d->values + (size_t)first * row_len))
        return hc_fail(err, "out of memory building the design of worlds %lld to %lld", (long long)first,
                       (long long)new_worlds - 1);
    d->worlds = new_worlds;
    d->batch_end[d->n_batches++] = new_worlds;
    return 0;
}

void hc_design_free(hc_design *d)
{
    free(d->values);
    free(d->draws);
    d->values = NULL;
    d->draws = NULL;
    d->worlds = d->capacity = 0;
}

void hc_design_inputs(const hc_design *d, const hc_config *cfg, int s, int64_t world, double *row)
{
    int c;
    if (d) {
        const double *src = d->values + ((size_t)world * (size_t)d->n_scenarios + (size_t)s) * (size_t)d->n_cols;
        for (c = 0; c < HC_DESIGN_MAX_COLS; c++) row[c] = c < d->n_cols ? src[c] : 0.0;
    } else {
        hc_world_inputs wi;
        hc_world_sample(&cfg[s].model, (uint32_t)world, &wi);
        for (c = 0; c < HC_DESIGN_MAX_COLS; c++)
            row[c] = c < HC_N_WORLD_INPUTS ? wi.in[hc_world_input_id(c)]
                     : c - HC_N_WORLD_INPUTS < cfg[s].model.n_roles ? wi.tokens[c - HC_N_WORLD_INPUTS] : 0.0;
    }
}
