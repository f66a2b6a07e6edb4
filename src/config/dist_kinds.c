/* dist_kinds.c: the distributions (docs/model.md "Distributions"), one row per kind in
 * dist_kinds[]: its name, its fields, how it is parsed and checked (its support against
 * the input's valid range) and the span of values its sampler can return. Adding a kind:
 * its sampler in include/model/hc_dist.h, its row here. Calls fields.c and messages.c. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

#define Z95 1.6448536269514722 /**< standard normal quantile at 0.95 */

/* The extreme uniforms the sampler can see (hc_u01_open_open of 0 and 2^32 - 1) and their
 * normal quantiles: the floating-point support of the inverse-CDF samplers. */
double cfg_u_min(void)
{
    return hc_u01_open_open(0u);
}
double cfg_z_min(void)
{
    return hc_normal_quantile(hc_u01_open_open(0u));
}
double cfg_z_max(void)
{
    return hc_normal_quantile(hc_u01_open_open(0xFFFFFFFFu));
}

/* Whether hc_gamma_unit(shape) * scale can come out as 0 (or subnormal): for shape < 1
 * the boost U^(1/shape) underflows. */
static int gamma_can_underflow(double shape, double scale)
{
    double boost = shape < 1.0 ? pow(cfg_u_min(), 1.0 / shape) : 1.0;
    return boost * scale * 1e-3 < DBL_MIN;
}

/* Checks that a distribution's support lies inside an input's valid range. */
static int check_support(loader *L, const cJSON *node, const char *path, const char *kind_name, support s,
                         const valid_range *vr, int unbounded_lo, int unbounded_hi, int underflow)
{
    char r[96], a[40], b[40];
    cfg_fmt_range(vr->lo_kind, vr->lo, vr->hi_kind, vr->hi, r, sizeof r);
    if ((vr->lo_kind == HC_BOUND_OPEN && (s.lo < vr->lo || (s.lo == vr->lo && s.lo_closed))) ||
        (vr->lo_kind == HC_BOUND_CLOSED && s.lo < vr->lo)) {
        char detail[96] = "";
        const char *hint = "";
        if (unbounded_lo)
            hint = vr->lo == 0.0 ? " (add \"clip\" or use a positive distribution)" : " (add \"clip\")";
        else if (underflow)
            snprintf(detail, sizeof detail, " (its samples can underflow to 0)");
        else
            snprintf(detail, sizeof detail, " (down to %s)", cfg_fmt_num(s.lo, b, sizeof b));
        return cfg_fail_at(L, node, path, "a %s distribution can produce values %s %s%s but %s must be %s%s", kind_name,
                           vr->lo_kind == HC_BOUND_OPEN ? "<=" : "<", cfg_fmt_num(vr->lo, a, sizeof a), detail,
                           vr->name, r, hint);
    }
    if ((vr->hi_kind == HC_BOUND_OPEN && (s.hi > vr->hi || (s.hi == vr->hi && s.hi_closed))) ||
        (vr->hi_kind == HC_BOUND_CLOSED && s.hi > vr->hi)) {
        char detail[96] = "";
        if (!unbounded_hi) snprintf(detail, sizeof detail, " (up to %s)", cfg_fmt_num(s.hi, b, sizeof b));
        return cfg_fail_at(L, node, path, "a %s distribution can produce values %s %s%s but %s must be %s%s", kind_name,
                           vr->hi_kind == HC_BOUND_OPEN ? ">=" : ">", cfg_fmt_num(vr->hi, a, sizeof a), detail,
                           vr->name, r, unbounded_hi ? " (add \"clip\")" : "");
    }
    return 0;
}

static int fail_overflow(loader *L, const cJSON *node, const char *path, const char *kind)
{
    return cfg_fail_at(L, node, path,
                       "a %s distribution with these parameters can produce infinite values (a sample overflows a "
                       "double); use smaller parameters or add \"clip\"",
                       kind);
}

/* ---- the 90 % interval shorthand and mixtures (docs/model.md "Implementation notes") */

#define CFG_MAX_COMPONENTS 16 /**< components of one mixture */

/* {"p5": a, "p95": b} without "dist": a lognormal when both bounds are numbers > 0 (the
 * lognormal's own p5/p95 form), a normal otherwise. Returns 1 (kind set) if node is one. */
static int interval_shorthand_kind(const cJSON *node, int *kind)
{
    const cJSON *p5 = cJSON_GetObjectItemCaseSensitive(node, "p5");
    const cJSON *p95 = cJSON_GetObjectItemCaseSensitive(node, "p95");
    if (p5 == NULL && p95 == NULL) return 0;
    *kind = (cJSON_IsNumber(p5) && p5->valuedouble > 0.0 && cJSON_IsNumber(p95) && p95->valuedouble > 0.0)
                ? HC_DIST_LOGNORMAL
                : HC_DIST_NORMAL;
    return 1;
}

/* The normal whose 5th and 95th percentiles are p5 and p95: mean (p5 + p95) / 2,
 * sd (p95 - p5) / (2 z95). */
static int interval_shorthand_normal(loader *L, const cJSON *node, const char *path, double *mean, double *sd)
{
    char why[64], e[40], sub[CFG_PATH];
    double a, b;
    if (cfg_get_number(L, node, path, "p5", 1, &a, NULL)) return 1;
    snprintf(why, sizeof why, "(p5 is %s)", cfg_fmt_num(a, e, sizeof e));
    if (cfg_get_ranged(L, node, path, "p95", 1, HC_BOUND_OPEN, a, HC_BOUND_NONE, 0, why, &b)) return 1;
    *mean = (a + b) / 2.0;
    *sd = (b - a) / (2.0 * Z95);
    cfg_path_key(sub, sizeof sub, path, "p95");
    if (!isfinite(*mean) || !isfinite(*sd))
        return cfg_fail_at(L, cJSON_GetObjectItemCaseSensitive(node, "p95"), sub,
                           "p5 and p95 are too far apart for a double (the normal's sd would be infinite)");
    if (!(*sd > 0.0))
        return cfg_fail_at(L, cJSON_GetObjectItemCaseSensitive(node, "p95"), sub,
                           "p5 and p95 are too close together to give a spread");
    return 0;
}

/* ---- one parser per kind
 *
 * A parser reads its kind's fields from p->node into p->d and sets the support its
 * parameters give (p->s, before any clip) and whether an end is unbounded or can
 * underflow; cfg_parse_dist then applies "clip" and checks the support against the
 * input's valid range, the same for every kind. */

typedef struct {
    loader *L;
    const cJSON *node;
    const char *path;
    const valid_range *vr;
    hc_dist *d;
    int shorthand;      /* the 90 % interval shorthand: p5 and p95 without "dist" */
    support s;          /* the parameters' support, before any clip */
    int unb_lo, unb_hi; /* an end the parameters leave open to infinity */
    int underflow;      /* samples can underflow to 0 */
} dist_parse;

#define NUM(key, req, var) \
    do { \
        rc = cfg_get_number(p->L, p->node, p->path, key, req, &(var), &f); \
        if (rc == 1) return 1; \
    } while (0)
#define RANGED(key, req, lk, lo, hk, hi, what, var) \
    do { \
        rc = cfg_get_ranged(p->L, p->node, p->path, key, req, lk, lo, hk, hi, what, &(var)); \
        if (rc == 1) return 1; \
    } while (0)

static int parse_constant(dist_parse *p)
{
    const valid_range *vr = p->vr;
    const cJSON *f = NULL;
    char sub[CFG_PATH], desc[128], r[96];
    double x;
    int rc;
    NUM("value", 1, x);
    if (!cfg_in_range(x, vr->lo_kind, vr->lo, vr->hi_kind, vr->hi)) {
        cfg_path_key(sub, sizeof sub, p->path, "value");
        return cfg_fail_at(p->L, f, sub, "expected a number %s, got %s",
                           cfg_fmt_range(vr->lo_kind, vr->lo, vr->hi_kind, vr->hi, r, sizeof r),
                           cfg_describe(f, desc, sizeof desc));
    }
    p->d->p[0] = x;
    p->s.lo = p->s.hi = x;
    return 0;
}

static int parse_normal(dist_parse *p)
{
    const cJSON *f = NULL;
    double a, b;
    int rc;
    if (p->shorthand) {
        if (interval_shorthand_normal(p->L, p->node, p->path, &a, &b)) return 1;
    } else {
        NUM("mean", 1, a);
        RANGED("sd", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
    }
    if (!isfinite(a + b * cfg_z_min()) || !isfinite(a + b * cfg_z_max()))
        return fail_overflow(p->L, p->node, p->path, "normal");
    p->d->p[0] = a;
    p->d->p[1] = b;
    p->s.lo = -INFINITY;
    p->s.hi = INFINITY;
    p->s.lo_closed = p->s.hi_closed = 0;
    p->unb_lo = p->unb_hi = 1;
    return 0;
}

static int parse_lognormal(dist_parse *p)
{
    const cJSON *node = p->node;
    int has_ms = cJSON_GetObjectItemCaseSensitive(node, "median") || cJSON_GetObjectItemCaseSensitive(node, "sigma");
    int has_p = cJSON_GetObjectItemCaseSensitive(node, "p5") || cJSON_GetObjectItemCaseSensitive(node, "p95");
    double a, b, mu, sigma;
    int rc;
    if (has_ms && has_p)
        return cfg_fail_at(p->L, node, p->path,
                           "a lognormal takes either \"median\" and \"sigma\" or \"p5\" and \"p95\", not both");
    if (has_p) {
        char why[64], e[40], sub[CFG_PATH];
        RANGED("p5", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
        snprintf(why, sizeof why, "(p5 is %s)", cfg_fmt_num(a, e, sizeof e));
        RANGED("p95", 1, HC_BOUND_OPEN, a, HC_BOUND_NONE, 0, why, b);
        mu = 0.5 * (log(a) + log(b));
        sigma = (log(b) - log(a)) / (2.0 * Z95);
        if (!(sigma > 0.0)) { /* p95 > p5 but so close that the logs are equal */
            cfg_path_key(sub, sizeof sub, p->path, "p95");
            return cfg_fail_at(p->L, cJSON_GetObjectItemCaseSensitive(node, "p95"), sub,
                               "p5 and p95 are too close together to give a spread");
        }
    } else {
        RANGED("median", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
        RANGED("sigma", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
        mu = log(a);
        sigma = b;
    }
    if (!isfinite(exp(mu + sigma * cfg_z_max()))) return fail_overflow(p->L, node, p->path, "lognormal");
    p->d->p[0] = mu;
    p->d->p[1] = sigma;
    p->underflow = exp(mu + sigma * cfg_z_min()) < DBL_MIN;
    p->s.lo = 0.0;
    p->s.lo_closed = p->underflow; /* exp() of the lowest quantile can round to 0 */
    p->s.hi = INFINITY;
    p->s.hi_closed = 0;
    p->unb_hi = 1;
    return 0;
}

/* uniform, triangular and pert: min and max, and for the last two a mode between. */
static int parse_bounded(dist_parse *p)
{
    const int kind = p->d->kind;
    const cJSON *f = NULL;
    char why[64], e[40], e2[40], sub[CFG_PATH];
    double a, b, c;
    int rc;
    NUM("min", 1, a);
    snprintf(why, sizeof why, "(min is %s)", cfg_fmt_num(a, e, sizeof e));
    RANGED("max", 1, HC_BOUND_OPEN, a, HC_BOUND_NONE, 0, why, b);
    if (!isfinite(b - a) || (kind != HC_DIST_UNIFORM && !isfinite((b - a) * (b - a)))) {
        cfg_path_key(sub, sizeof sub, p->path, "max");
        return cfg_fail_at(p->L, f, sub, "max - min is too large for a double (samples would be infinite)");
    }
    p->d->p[0] = a;
    p->s.lo = a;
    p->s.hi = b;
    if (kind == HC_DIST_UNIFORM) {
        p->d->p[1] = b;
        return 0;
    }
    snprintf(why, sizeof why, "(min is %s, max is %s)", cfg_fmt_num(a, e, sizeof e), cfg_fmt_num(b, e2, sizeof e2));
    RANGED("mode", 1, HC_BOUND_CLOSED, a, HC_BOUND_CLOSED, b, why, c);
    if (kind == HC_DIST_TRIANGULAR) {
        p->d->p[1] = c;
        p->d->p[2] = b;
    } else {
        double lambda = 4.0;
        RANGED("lambda", 0, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, lambda);
        p->d->p[1] = b;
        p->d->p[2] = 1.0 + lambda * (c - a) / (b - a);
        p->d->p[3] = 1.0 + lambda * (b - c) / (b - a);
        if (!isfinite(p->d->p[2]) || !isfinite(p->d->p[3])) {
            cfg_path_key(sub, sizeof sub, p->path, "lambda");
            return cfg_fail_at(p->L, p->node, sub, "lambda is too large (the beta shapes overflow a double)");
        }
    }
    return 0;
}

static int parse_beta(dist_parse *p)
{
    const cJSON *f = NULL;
    char why[64], e[40], e2[40], sub[CFG_PATH];
    double a, b, lo = 0.0, hi = 1.0;
    int rc;
    RANGED("alpha", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
    RANGED("beta", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
    NUM("min", 0, lo);
    snprintf(why, sizeof why, "(min is %s)", cfg_fmt_num(lo, e, sizeof e));
    RANGED("max", 0, HC_BOUND_OPEN, lo, HC_BOUND_NONE, 0, why, hi);
    if (rc == 2 && !(hi > lo)) { /* min given, max defaulted to 1 */
        cfg_path_key(sub, sizeof sub, p->path, "min");
        return cfg_fail_at(p->L, p->node, sub, "expected a number < 1 (max defaults to 1), got %s",
                           cfg_fmt_num(lo, e, sizeof e));
    }
    if (!isfinite(hi - lo)) {
        cfg_path_key(sub, sizeof sub, p->path, "max");
        return cfg_fail_at(p->L, p->node, sub, "max - min is too large for a double (samples would be infinite)");
    }
    if (gamma_can_underflow(a, 1.0) && gamma_can_underflow(b, 1.0))
        return cfg_fail_at(p->L, p->node, p->path,
                           "a beta distribution with alpha %s and beta %s can produce NaN (both gamma draws can "
                           "underflow to 0); use a larger alpha or beta",
                           cfg_fmt_num(a, e, sizeof e), cfg_fmt_num(b, e2, sizeof e2));
    p->d->p[0] = lo;
    p->d->p[1] = hi;
    p->d->p[2] = a;
    p->d->p[3] = b;
    p->s.lo = lo;
    p->s.hi = hi;
    return 0;
}

static int parse_gamma(dist_parse *p)
{
    double a, b, k, dd, cc, v;
    int rc;
    RANGED("shape", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
    RANGED("scale", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
    /* Largest hc_gamma_unit output: d v with v = (1 + c z_max)^3. */
    k = a < 1.0 ? a + 1.0 : a;
    dd = k - 1.0 / 3.0;
    cc = 1.0 / sqrt(9.0 * dd);
    v = 1.0 + cc * cfg_z_max();
    if (!isfinite(b * dd * v * v * v)) return fail_overflow(p->L, p->node, p->path, "gamma");
    p->d->p[0] = a;
    p->d->p[1] = b;
    p->underflow = gamma_can_underflow(a, b);
    p->s.lo = 0.0;
    p->s.lo_closed = p->underflow;
    p->s.hi = INFINITY;
    p->s.hi_closed = 0;
    p->unb_hi = 1;
    return 0;
}

static int parse_pareto(dist_parse *p)
{
    char why[64], e[40];
    double a, b, hi = 0.0;
    int rc;
    RANGED("alpha", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
    RANGED("min", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
    snprintf(why, sizeof why, "(min is %s)", cfg_fmt_num(b, e, sizeof e));
    RANGED("max", 0, HC_BOUND_OPEN, b, HC_BOUND_NONE, 0, why, hi);
    p->d->p[0] = a;
    p->d->p[1] = b;
    p->d->p[2] = rc == 2 ? 0.0 : hi;
    p->s.lo = b;
    if (rc == 2) {
        if (!isfinite(b * pow(cfg_u_min(), -1.0 / a))) return fail_overflow(p->L, p->node, p->path, "pareto");
        p->s.hi = INFINITY;
        p->s.hi_closed = 0;
        p->unb_hi = 1;
    } else {
        /* The sampler's inverse CDF at the largest uniform: a tiny alpha overflows. */
        double top = b / pow(1.0 - hc_u01_open_open(0xFFFFFFFFu) * (1.0 - pow(b / hi, a)), 1.0 / a);
        if (!isfinite(top)) return fail_overflow(p->L, p->node, p->path, "pareto");
        p->s.hi = top > hi ? top : hi;
    }
    return 0;
}

/* `weights` (n of them, >= 0, positive finite sum) into pool[0 .. n) as cumulative
 * probabilities, the last exactly 1. */
static int cumulative_weights(loader *L, const cJSON *wts, const char *wpath, int n, double *pool)
{
    const cJSON *e;
    char ep[CFG_PATH], desc[128];
    double total = 0.0, run = 0.0;
    int k = 0;
    cJSON_ArrayForEach(e, wts)
    {
        cfg_path_index(ep, sizeof ep, wpath, k++);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble) || e->valuedouble < 0.0)
            return cfg_fail_at(L, e, ep, "expected a number >= 0, got %s", cfg_describe(e, desc, sizeof desc));
        total += e->valuedouble;
    }
    if (!(total > 0.0) || !isfinite(total))
        return cfg_fail_at(L, wts, wpath, "expected weights with a positive, finite sum, got a sum of %s",
                           cfg_fmt_num(total, desc, sizeof desc));
    if (pool == NULL) return 0;
    k = 0;
    cJSON_ArrayForEach(e, wts)
    {
        run += e->valuedouble;
        pool[k++] = run / total;
    }
    pool[n - 1] = 1.0;
    return 0;
}

/* `key` (an array of 1 to max `what`) and `weights` (as many numbers) of a discrete or a
 * mixture, their paths written to kpath and wpath (CFG_PATH each). Returns their length,
 * or 0 with the error reported. */
static int items_and_weights(loader *L, const cJSON *node, const char *path, const char *key, int max, const char *what,
                             const char *one_per, const cJSON **items, const cJSON **wts, char *kpath, char *wpath)
{
    char desc[128];
    int n;
    *items = cJSON_GetObjectItemCaseSensitive(node, key);
    *wts = cJSON_GetObjectItemCaseSensitive(node, "weights");
    cfg_path_key(kpath, CFG_PATH, path, key);
    cfg_path_key(wpath, CFG_PATH, path, "weights");
    if (*items == NULL) return cfg_fail_at(L, node, kpath, "required key missing"), 0;
    n = cJSON_GetArraySize(*items);
    if (!cJSON_IsArray(*items) || n < 1 || n > max)
        return cfg_fail_at(L, *items, kpath, "expected an array of 1 to %d %s, got %s", max, what,
                           cfg_describe(*items, desc, sizeof desc)),
               0;
    if (*wts == NULL) return cfg_fail_at(L, node, wpath, "required key missing"), 0;
    if (!cJSON_IsArray(*wts) || cJSON_GetArraySize(*wts) != n)
        return cfg_fail_at(L, *wts, wpath, "expected an array of %d numbers (one per %s), got %s", n, one_per,
                           cfg_describe(*wts, desc, sizeof desc)),
               0;
    return n;
}

static int parse_discrete(dist_parse *p)
{
    loader *L = p->L;
    const cJSON *vals, *wts, *e;
    char vpath[CFG_PATH], wpath[CFG_PATH], ep[CFG_PATH], desc[128];
    int n, k = 0;
    double *pool = L->out->model.pool;
    n = items_and_weights(L, p->node, p->path, "values", HC_MAX_DISCRETE, "numbers", "value", &vals, &wts, vpath,
                          wpath);
    if (n == 0) return 1;
    if (L->pool_used + 2 * n > HC_DIST_POOL_MAX)
        return cfg_fail_at(L, vals, vpath,
                           "discrete distributions need more than %d pool entries in all (this one needs %d, %d "
                           "already used)",
                           HC_DIST_POOL_MAX, 2 * n, L->pool_used);
    p->s.lo = INFINITY;
    p->s.hi = -INFINITY;
    cJSON_ArrayForEach(e, vals)
    {
        cfg_path_index(ep, sizeof ep, vpath, k);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
            return cfg_fail_at(L, e, ep, "expected a finite number, got %s", cfg_describe(e, desc, sizeof desc));
        pool[L->pool_used + k] = e->valuedouble;
        if (e->valuedouble < p->s.lo) p->s.lo = e->valuedouble;
        if (e->valuedouble > p->s.hi) p->s.hi = e->valuedouble;
        k++;
    }
    if (cumulative_weights(L, wts, wpath, n, pool + L->pool_used + n)) return 1;
    p->d->pool_offset = L->pool_used;
    p->d->n_values = n;
    L->pool_used += 2 * n;
    return 0;
}

/* "mixture": `components` (distributions, never mixtures) drawn with probabilities
 * proportional to `weights`. Into the pool go the cumulative weights, then each component
 * encoded (hc_dist.h). Without a clip on the mixture itself, each component must fit the
 * input's range on its own and an error names that component; with one, only the clipped
 * union has to (cfg_parse_dist checks it). p->s receives the union of the components'
 * supports. */
static int parse_mixture(dist_parse *p)
{
    loader *L = p->L;
    const cJSON *comps, *wts, *e;
    char cpath[CFG_PATH], wpath[CFG_PATH], ep[CFG_PATH];
    hc_dist comp[CFG_MAX_COMPONENTS];
    valid_range unbounded = *p->vr;
    const valid_range *component_range = p->vr;
    support *s = &p->s;
    int n, k = 0, need;

    n = items_and_weights(L, p->node, p->path, "components", CFG_MAX_COMPONENTS, "distributions", "component", &comps,
                          &wts, cpath, wpath);
    if (n == 0) return 1;
    if (cJSON_GetObjectItemCaseSensitive(p->node, "clip") != NULL) {
        unbounded.lo_kind = unbounded.hi_kind = HC_BOUND_NONE;
        component_range = &unbounded;
    }
    s->lo = INFINITY;
    s->hi = -INFINITY;
    s->lo_closed = s->hi_closed = 0;
    cJSON_ArrayForEach(e, comps)
    {
        const cJSON *kd = cJSON_GetObjectItemCaseSensitive(e, "dist");
        support cs;
        cfg_path_index(ep, sizeof ep, cpath, k);
        if (cJSON_IsString(kd) && strcmp(kd->valuestring, hc_dist_kind_name(HC_DIST_MIXTURE)) == 0) {
            char dp[CFG_PATH];
            cfg_path_key(dp, sizeof dp, ep, "dist");
            return cfg_fail_at(L, kd, dp,
                               "a mixture's components are distributions, not mixtures (list the inner "
                               "mixture's components here instead)");
        }
        if (cfg_parse_dist(L, e, ep, component_range, &comp[k], &cs)) return 1;
        if (cs.lo < s->lo || (cs.lo == s->lo && cs.lo_closed)) {
            s->lo = cs.lo;
            s->lo_closed = cs.lo_closed;
        }
        if (cs.hi > s->hi || (cs.hi == s->hi && cs.hi_closed)) {
            s->hi = cs.hi;
            s->hi_closed = cs.hi_closed;
        }
        k++;
    }
    if (cumulative_weights(L, wts, wpath, n, NULL)) return 1;
    need = n * (1 + HC_DIST_ENCODED);
    if (L->pool_used + need > HC_DIST_POOL_MAX)
        return cfg_fail_at(L, comps, cpath,
                           "mixtures and discrete distributions need more than %d pool entries in all (this "
                           "mixture needs %d, %d already used)",
                           HC_DIST_POOL_MAX, need, L->pool_used);
    cumulative_weights(L, wts, wpath, n, L->out->model.pool + L->pool_used);
    for (k = 0; k < n; k++)
        hc_dist_encode(&comp[k], L->out->model.pool + L->pool_used + n + (size_t)k * HC_DIST_ENCODED);
    p->d->pool_offset = L->pool_used;
    p->d->n_values = n;
    L->pool_used += need;
    p->unb_lo = s->lo == -INFINITY;
    p->unb_hi = s->hi == INFINITY;
    return 0;
}

#undef NUM
#undef RANGED

/* ---- one span per kind: the values hc_dist_sample can return (before clip) */

/* Smallest value hc_gamma_unit(shape) can return: d v^3 at the smallest positive
 * v = 1 + c z over the 2^32 uniforms (bisection: z grows with the uniform), times the
 * smallest boost U^(1/shape) when shape < 1. Proposals the acceptance test would refuse
 * count too, so this is a lower bound. */
static double gamma_unit_min(double shape)
{
    const double k = shape < 1.0 ? shape + 1.0 : shape, dd = k - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd);
    uint32_t lo = 0u, hi = 0xFFFFFFFFu; /* v > 0 at hi: z_max > 0 */
    double v;
    if (1.0 + cc * cfg_z_min() > 0.0) {
        hi = 0u;
    } else {
        while (hi - lo > 1u) {
            const uint32_t mid = lo + (hi - lo) / 2u;
            if (1.0 + cc * hc_normal_quantile(hc_u01_open_open(mid)) > 0.0)
                hi = mid;
            else
                lo = mid;
        }
    }
    v = 1.0 + cc * hc_normal_quantile(hc_u01_open_open(hi));
    return dd * v * v * v * (shape < 1.0 ? pow(cfg_u_min(), 1.0 / shape) : 1.0);
}

/* Largest value hc_gamma_unit(shape) can return: d v^3 with v = 1 + c z_max. */
static double gamma_unit_max(double shape)
{
    const double k = shape < 1.0 ? shape + 1.0 : shape, dd = k - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd);
    const double v = 1.0 + cc * cfg_z_max();
    return dd * v * v * v;
}

static span span_of(double lo, double hi)
{
    span s;
    s.lo = lo;
    s.hi = hi;
    return s;
}

static span span_constant(const hc_dist *d, const double *pool)
{
    (void)pool;
    return span_of(d->p[0], d->p[0]);
}

static span span_normal(const hc_dist *d, const double *pool)
{
    (void)pool;
    return span_of(d->p[0] + d->p[1] * cfg_z_min(), d->p[0] + d->p[1] * cfg_z_max());
}

/* A lognormal's samples lie in [exp(mu + sigma z_min), exp(mu + sigma z_max)], not in
 * (0, inf). */
static span span_lognormal(const hc_dist *d, const double *pool)
{
    (void)pool;
    return span_of(exp(d->p[0] + d->p[1] * cfg_z_min()), exp(d->p[0] + d->p[1] * cfg_z_max()));
}

/* uniform, pert and beta keep [min, max] in p[0], p[1]. */
static span span_p0_p1(const hc_dist *d, const double *pool)
{
    (void)pool;
    return span_of(d->p[0], d->p[1]);
}

static span span_triangular(const hc_dist *d, const double *pool)
{
    (void)pool;
    return span_of(d->p[0], d->p[2]);
}

static span span_gamma(const hc_dist *d, const double *pool)
{
    (void)pool;
    return span_of(d->p[1] * gamma_unit_min(d->p[0]), d->p[1] * gamma_unit_max(d->p[0]));
}

static span span_pareto(const hc_dist *d, const double *pool)
{
    span s;
    (void)pool;
    s.lo = d->p[1];
    s.hi = d->p[2] > 0.0 ? d->p[1] / pow(1.0 - hc_u01_open_open(0xFFFFFFFFu) * (1.0 - pow(d->p[1] / d->p[2], d->p[0])),
                                         1.0 / d->p[0])
                         : d->p[1] * pow(cfg_u_min(), -1.0 / d->p[0]);
    if (d->p[2] > 0.0 && s.hi < d->p[2]) s.hi = d->p[2];
    return s;
}

static span span_discrete(const hc_dist *d, const double *pool)
{
    span s = span_of(INFINITY, -INFINITY);
    int i;
    for (i = 0; i < d->n_values; i++) {
        const double v = pool[d->pool_offset + i];
        s.lo = v < s.lo ? v : s.lo;
        s.hi = v > s.hi ? v : s.hi;
    }
    return s;
}

/* The union of the components' spans. */
static span span_mixture(const hc_dist *d, const double *pool)
{
    span s = span_of(INFINITY, -INFINITY);
    int i;
    for (i = 0; i < d->n_values; i++) {
        hc_dist c;
        span cs;
        hc_dist_decode(pool + d->pool_offset + d->n_values + (size_t)i * HC_DIST_ENCODED, &c);
        if (c.kind == HC_DIST_MIXTURE) continue; /* never nested (parse_mixture) */
        cs = cfg_sample_span(&c, pool);
        s.lo = cs.lo < s.lo ? cs.lo : s.lo;
        s.hi = cs.hi > s.hi ? cs.hi : s.hi;
    }
    return s;
}

/* ---- the kinds (MODEL.md "Distributions"): a new kind is a row here, its parser and
 * span above, and its sampler in include/model/hc_dist.h */

typedef struct {
    const char *name;      /* as in the config's "dist" */
    const char *fields[6]; /* what it accepts besides "dist" and "clip"; NULL-terminated */
    int (*parse)(dist_parse *p);
    span (*span)(const hc_dist *d, const double *pool);
} dist_kind;

static const dist_kind dist_kinds[HC_DIST_KINDS] = {
    [HC_DIST_CONSTANT] = {"constant", {"value", NULL}, parse_constant, span_constant},
    [HC_DIST_NORMAL] = {"normal", {"mean", "sd", NULL}, parse_normal, span_normal},
    [HC_DIST_LOGNORMAL] = {"lognormal", {"median", "sigma", "p5", "p95", NULL}, parse_lognormal, span_lognormal},
    [HC_DIST_UNIFORM] = {"uniform", {"min", "max", NULL}, parse_bounded, span_p0_p1},
    [HC_DIST_TRIANGULAR] = {"triangular", {"min", "mode", "max", NULL}, parse_bounded, span_triangular},
    [HC_DIST_PERT] = {"pert", {"min", "mode", "max", "lambda", NULL}, parse_bounded, span_p0_p1},
    [HC_DIST_BETA] = {"beta", {"alpha", "beta", "min", "max", NULL}, parse_beta, span_p0_p1},
    [HC_DIST_GAMMA] = {"gamma", {"shape", "scale", NULL}, parse_gamma, span_gamma},
    [HC_DIST_PARETO] = {"pareto", {"alpha", "min", "max", NULL}, parse_pareto, span_pareto},
    [HC_DIST_DISCRETE] = {"discrete", {"values", "weights", NULL}, parse_discrete, span_discrete},
    [HC_DIST_MIXTURE] = {"mixture", {"components", "weights", NULL}, parse_mixture, span_mixture},
};

const char *const *cfg_dist_kind_fields(int kind)
{
    return dist_kinds[kind].fields;
}

const char *hc_dist_kind_name(int kind)
{
    return (kind >= 0 && kind < HC_DIST_KINDS) ? dist_kinds[kind].name : "unknown";
}

static int dist_kind_of(const char *s)
{
    int k;
    for (k = 0; k < HC_DIST_KINDS; k++)
        if (strcmp(s, dist_kinds[k].name) == 0) return k;
    return -1;
}

/* ---- the pipeline every kind goes through */

/* A bare number: a constant, which must lie in the valid range itself. */
static int parse_number(loader *L, const cJSON *node, const char *path, const valid_range *vr, hc_dist *d,
                        support *sup_out)
{
    char desc[128], r[96];
    const double x = node->valuedouble;
    if (!isfinite(x))
        return cfg_fail_at(L, node, path, "expected a finite number, got %s", cfg_describe(node, desc, sizeof desc));
    if (!cfg_in_range(x, vr->lo_kind, vr->lo, vr->hi_kind, vr->hi))
        return cfg_fail_at(L, node, path, "expected a number %s, got %s",
                           cfg_fmt_range(vr->lo_kind, vr->lo, vr->hi_kind, vr->hi, r, sizeof r),
                           cfg_describe(node, desc, sizeof desc));
    d->kind = HC_DIST_CONSTANT;
    d->p[0] = x;
    sup_out->lo = sup_out->hi = x;
    sup_out->lo_closed = sup_out->hi_closed = 1;
    return 0;
}

/* The kind an object names (or the shorthand implies), its keys checked against the
 * row's fields. Returns the kind, or -1 with the error reported. */
static int object_kind(loader *L, const cJSON *node, const char *path, int *shorthand)
{
    char sub[CFG_PATH], desc[128], h[600];
    const cJSON *kv = cJSON_GetObjectItemCaseSensitive(node, "dist");
    const char *known[8];
    int kind = HC_DIST_CONSTANT, nk = 0, i;
    cfg_path_key(sub, sizeof sub, path, "dist");
    *shorthand = kv == NULL && interval_shorthand_kind(node, &kind);
    if (kv == NULL && !*shorthand)
        return cfg_fail_at(L, node, sub, "required key missing (a distribution object needs \"dist\")"), -1;
    if (*shorthand) {
        known[nk++] = "p5";
        known[nk++] = "p95";
    } else {
        if (!cJSON_IsString(kv))
            return cfg_fail_at(L, kv, sub, "expected a distribution name (string), got %s",
                               cfg_describe(kv, desc, sizeof desc)),
                   -1;
        kind = dist_kind_of(kv->valuestring);
        if (kind < 0) {
            const char *names[HC_DIST_KINDS];
            char e[96];
            for (i = 0; i < HC_DIST_KINDS; i++) names[i] = dist_kinds[i].name;
            cfg_escape_into(e, sizeof e, kv->valuestring, 60);
            return cfg_fail_at(L, kv, sub, "unknown distribution \"%s\"%s", e,
                               cfg_hint_keys(kv->valuestring, names, HC_DIST_KINDS, h, sizeof h)),
                   -1;
        }
        known[nk++] = "dist";
        for (i = 0; dist_kinds[kind].fields[i] != NULL; i++) known[nk++] = dist_kinds[kind].fields[i];
    }
    known[nk++] = "clip";
    if (cfg_check_keys(L, node, path, known, nk)) return -1;
    return kind;
}

/* "clip": [lo, hi] bounds the samples, and so the support. */
static int apply_clip(dist_parse *p, const cJSON *clip)
{
    const cJSON *lo = cJSON_GetArrayItem(clip, 0), *hi = cJSON_GetArrayItem(clip, 1);
    char sub[CFG_PATH], desc[128];
    hc_dist *d = p->d;
    support t = p->s;
    cfg_path_key(sub, sizeof sub, p->path, "clip");
    if (!cJSON_IsArray(clip) || cJSON_GetArraySize(clip) != 2 || !cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) ||
        !(lo->valuedouble <= hi->valuedouble))
        return cfg_fail_at(p->L, clip, sub, "expected [lo, hi], two numbers with lo <= hi, got %s",
                           cfg_describe(clip, desc, sizeof desc));
    d->has_clip = 1;
    d->clip_lo = lo->valuedouble;
    d->clip_hi = hi->valuedouble;
    t.lo = p->s.lo < d->clip_lo ? d->clip_lo : (p->s.lo > d->clip_hi ? d->clip_hi : p->s.lo);
    t.hi = p->s.hi < d->clip_lo ? d->clip_lo : (p->s.hi > d->clip_hi ? d->clip_hi : p->s.hi);
    t.lo_closed = p->s.lo_closed || t.lo != p->s.lo;
    t.hi_closed = p->s.hi_closed || t.hi != p->s.hi;
    if (t.lo != p->s.lo) p->unb_lo = 0, p->underflow = 0;
    if (t.hi != p->s.hi) p->unb_hi = 0;
    p->s = t;
    return 0;
}

int cfg_parse_dist(loader *L, const cJSON *node, const char *path, const valid_range *vr, hc_dist *d, support *sup_out)
{
    char desc[128];
    const cJSON *clip;
    dist_parse p;
    int kind;

    memset(d, 0, sizeof *d);
    if (cJSON_IsNumber(node)) return parse_number(L, node, path, vr, d, sup_out);
    if (!cJSON_IsObject(node))
        return cfg_fail_at(L, node, path, "expected a number or a distribution object with \"dist\", got %s",
                           cfg_describe(node, desc, sizeof desc));
    memset(&p, 0, sizeof p);
    p.L = L;
    p.node = node;
    p.path = path;
    p.vr = vr;
    p.d = d;
    p.s.lo_closed = p.s.hi_closed = 1;
    kind = object_kind(L, node, path, &p.shorthand);
    if (kind < 0) return 1;
    d->kind = kind;
    if (dist_kinds[kind].parse(&p)) return 1;
    clip = cJSON_GetObjectItemCaseSensitive(node, "clip");
    if (clip != NULL && apply_clip(&p, clip)) return 1;
    if (check_support(L, node, path, dist_kinds[kind].name, p.s, vr, p.unb_lo, p.unb_hi, p.underflow)) return 1;
    *sup_out = p.s;
    return 0;
}

/* The values hc_dist_sample can return for d, clip included: the sampler's
 * floating-point support. */
span cfg_sample_span(const hc_dist *d, const double *pool)
{
    span s = d->kind >= 0 && d->kind < HC_DIST_KINDS ? dist_kinds[d->kind].span(d, pool) : span_of(-INFINITY, INFINITY);
    if (d->has_clip) {
        s.lo = s.lo < d->clip_lo ? d->clip_lo : (s.lo > d->clip_hi ? d->clip_hi : s.lo);
        s.hi = s.hi < d->clip_lo ? d->clip_lo : (s.hi > d->clip_hi ? d->clip_hi : s.hi);
    }
    return s;
}
