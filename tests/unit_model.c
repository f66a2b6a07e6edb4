/* unit_model.c: the model (include/model/hc_model.h) and the CPU backend against
 *  - an independent double-precision reading of docs/model.md (version 2), world by
 *    world and firm by firm, on small configs that set every input,
 *  - the invariants of the issue (no exposure, enormous prices, zero budget, eta = 0),
 *  - ordered bands, and results that depend only on the seed: not on thread count,
 *    not on how many firms share the world, not on which scenario slot a model is in. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "hc_bands.h"
#include "hc_config.h"
#include "model/hc_dist.h"
#include "hc_engine.h"
#include "model/hc_model.h"
#include "model/hc_philox.h"
#include "hc_trace.h"

/* ---- building models by hand (the config loader has its own tests) */

static hc_dist constant(double v)
{
    hc_dist d;
    memset(&d, 0, sizeof(d));
    d.kind = HC_DIST_CONSTANT;
    d.p[0] = v;
    return d;
}

static hc_dist lognormal(double median, double sigma)
{
    hc_dist d = constant(0);
    d.kind = HC_DIST_LOGNORMAL;
    d.p[0] = log(median);
    d.p[1] = sigma;
    return d;
}

static hc_dist uniform(double lo, double hi)
{
    hc_dist d = constant(0);
    d.kind = HC_DIST_UNIFORM;
    d.p[0] = lo;
    d.p[1] = hi;
    return d;
}

/* Three roles and constant inputs: a firm whose path the oracle below can follow. */
static void constant_model(hc_model *m)
{
    static const double share[3] = {0.5, 0.3, 0.2}, exposure[3] = {0.7, 0.5, 0.2};
    static const double wage[3] = {45000, 90000, 130000}, tokens[3] = {2e10, 6e10, 1e10};
    int r;
    memset(m, 0, sizeof(*m));
    m->input[HC_IN_PRICE_PER_MTOK] = constant(2.0);
    m->input[HC_IN_ANNUAL_PRICE_CHANGE] = constant(-0.5);
    m->input[HC_IN_PRICE_VOLATILITY] = constant(0.0);
    m->input[HC_IN_SHOCK_RATE] = constant(0.0);
    m->input[HC_IN_SHOCK_MULTIPLIER] = constant(1.0);
    m->input[HC_IN_ANNUAL_TOKEN_GROWTH] = constant(0.8);
    m->input[HC_IN_CAPABILITY_START] = constant(0.3);
    m->input[HC_IN_CAPABILITY_CEILING] = constant(0.85);
    m->input[HC_IN_CAPABILITY_GROWTH] = constant(0.5);
    m->input[HC_IN_ERROR_RATE_START] = constant(0.2);
    m->input[HC_IN_ANNUAL_ERROR_CHANGE] = constant(-0.3);
    m->input[HC_IN_OVERSIGHT_RATIO] = constant(0.3);
    m->input[HC_IN_NEW_TASK_RATIO] = constant(0.2);
    m->input[HC_IN_WAGE_GROWTH] = constant(0.01);
    m->input[HC_IN_BUDGET_GROWTH] = constant(0.4);
    m->input[HC_IN_HEADCOUNT] = constant(250.0);
    m->input[HC_IN_DEMAND_GROWTH] = constant(0.02);
    m->input[HC_IN_ADOPTION_SPEED] = constant(0.4);
    m->input[HC_IN_EXPECTED_PRICE_CHANGE] = constant(-0.7);
    m->input[HC_IN_PLANNING_HORIZON] = constant(1.5);
    m->input[HC_IN_TASK_COST_DISPERSION] = constant(1.0);
    m->input[HC_IN_BUDGET_SHARE] = constant(0.02);
    m->input[HC_IN_PER_SPECIALIST] = constant(2e6);
    m->input[HC_IN_DEMAND_ELASTICITY] = constant(0.5);
    m->input[HC_IN_WAGE_OVERSIGHT] = constant(90000);
    m->input[HC_IN_WAGE_SPECIALIST] = constant(250000);
    m->n_roles = 3;
    for (r = 0; r < 3; r++) {
        m->role_share[r] = (float)share[r];
        m->role_exposure[r] = (float)exposure[r];
        m->role_adoption_start[r] = 0.0f;
        m->role_wage[r] = constant(wage[r]);
        m->role_tokens[r] = constant(tokens[r]);
    }
    m->steps_per_year = 4;
    m->years = 10;
    m->n_steps = 40;
    m->seed = 12345;
}

/* The same world with uncertainty in every kind of input, for the invariants. */
static void random_model(hc_model *m)
{
    int r;
    constant_model(m);
    m->input[HC_IN_PRICE_PER_MTOK] = lognormal(2.0, 0.8);
    m->input[HC_IN_ANNUAL_PRICE_CHANGE] = uniform(-0.8, 0.1);
    m->input[HC_IN_PRICE_VOLATILITY] = uniform(0.0, 0.4);
    m->input[HC_IN_SHOCK_RATE] = uniform(0.0, 0.8);
    m->input[HC_IN_SHOCK_MULTIPLIER] = uniform(1.0, 2.0);
    m->input[HC_IN_ANNUAL_TOKEN_GROWTH] = uniform(0.0, 2.0);
    m->input[HC_IN_CAPABILITY_START] = uniform(0.1, 0.4);
    m->input[HC_IN_CAPABILITY_CEILING] = uniform(0.5, 0.95);
    m->input[HC_IN_OVERSIGHT_RATIO] = uniform(0.0, 0.6);
    m->input[HC_IN_BUDGET_GROWTH] = uniform(-0.1, 1.0);
    m->input[HC_IN_HEADCOUNT] = lognormal(40.0, 1.2);
    m->input[HC_IN_DEMAND_GROWTH] = uniform(-0.05, 0.06);
    m->input[HC_IN_ADOPTION_SPEED] = uniform(0.05, 0.8);
    m->input[HC_IN_TASK_COST_DISPERSION] = lognormal(1.0, 0.4);
    m->input[HC_IN_BUDGET_SHARE] = lognormal(0.015, 1.0);
    m->input[HC_IN_DEMAND_ELASTICITY] = uniform(0.0, 1.0);
    for (r = 0; r < m->n_roles; r++) {
        m->role_wage[r] = lognormal(m->role_wage[r].p[0], 0.2);
        m->role_tokens[r] = lognormal(m->role_tokens[r].p[0], 1.0);
    }
}

static void make_config(hc_config *c, const hc_model *m, const char *name, int64_t worlds, int64_t firms)
{
    static const double p[5] = {5, 25, 50, 75, 95};
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->model = *m;
    c->start_year = 2026;
    c->years = m->years;
    c->steps_per_year = m->steps_per_year;
    c->worlds = worlds;
    c->firms_per_world = firms;
    c->seed = m->seed;
    c->employment = 1e8;
    c->n_percentiles = 5;
    memcpy(c->percentiles, p, sizeof(p));
}

static int max_roles(const hc_config *cfg, int n)
{
    int i, roles = 0;
    for (i = 0; i < n; i++) roles = cfg[i].model.n_roles > roles ? cfg[i].model.n_roles : roles;
    return roles;
}

static void run(const hc_config *cfg, int n, int threads, hc_results *res)
{
    hc_error err;
    assert_int_equal(hc_results_alloc(res, n, 0, cfg[0].worlds, cfg[0].firms_per_world, cfg[0].model.n_steps,
                                      cfg[0].steps_per_year, cfg[0].years, max_roles(cfg, n), &err),
                     0);
    assert_int_equal(hc_run_cpu(&(hc_plan){.models = cfg, .n_models = n}, threads, res, &err), 0);
}

/* ==== the oracle: docs/model.md, "The headcount model, version 2", read in double ====
 *
 * Written from the contract's text alone. What it shares with the code under test is
 * only what the contract says is shared: the config loader (each input's distribution
 * from hc_config.model; the roles' fixed fields and the size classes from the resolved
 * JSON, in double) and the random draws (hc_rng at the counters of docs/model.md
 * "Randomness: counter layout", hc_dist_sample, hc_normal_quantile). Every equation is
 * computed here again, in double, in the contract's own order and notation; Phi is libm's
 * erfc. No function of include/model/hc_model.h is called: an input's id (part of its draw's
 * counter) is its index in the loader's table hc_input_specs, found by its config key. */

#define OC_MAX_ROLES HC_MAX_ROLES
#define OC_MAX_CLASSES 64

/* The contract's scalar inputs by config key, and where each lands in the oracle. Ids
 * come from the loader's own table (hc_input_specs is indexed by input id, and the id is
 * part of the draw's counter); "per" is the contract's column. */
typedef struct {
    double p0, dp, sp, q, J, dk, s, c0, cmax, rc, e0, de, o0, nu, phi, theta, rho, gw, gb, sigma;
    double m[OC_MAX_ROLES];
} oc_world_in;

typedef struct {
    double H0, g, lam, dh0, kappa, h, b, ms, P, eta, wo, ws;
    double w[OC_MAX_ROLES];
} oc_firm_in;

typedef struct {
    const char *key;
    int per_firm;
    size_t offset;
} oc_input;

#define OC_W(key, field) \
    { \
        key, 0, offsetof(oc_world_in, field) \
    }
#define OC_F(key, field) \
    { \
        key, 1, offsetof(oc_firm_in, field) \
    }
static const oc_input oc_inputs[] = {
    OC_W("inference.price_per_mtok", p0),
    OC_W("inference.annual_price_change", dp),
    OC_W("inference.price_volatility", sp),
    OC_W("inference.shock_rate", q),
    OC_W("inference.shock_multiplier", J),
    OC_W("inference.annual_token_growth", dk),
    OC_W("inference.task_cost_dispersion", s),
    OC_W("capability.start", c0),
    OC_W("capability.ceiling", cmax),
    OC_W("capability.growth_rate", rc),
    OC_W("capability.error_rate_start", e0),
    OC_W("capability.annual_error_change", de),
    OC_W("labor.oversight_ratio", o0),
    OC_W("labor.new_task_ratio", nu),
    OC_W("labor.augmentation_tokens", phi),
    OC_W("labor.augmentation_gain", theta),
    OC_W("labor.rollback_oversight", rho),
    OC_W("wages.annual_growth", gw),
    OC_W("compute.annual_budget_growth", gb),
    OC_W("compute.value_share", sigma),
    OC_F("firms.headcount", H0),
    OC_F("firms.demand_growth", g),
    OC_F("firms.adoption_speed", lam),
    OC_F("firms.expected_price_change", dh0),
    OC_F("firms.belief_learning_rate", kappa),
    OC_F("firms.planning_horizon", h),
    OC_F("compute.budget_share", b),
    OC_F("compute.per_specialist", ms),
    OC_F("compute.platform_cost", P),
    OC_F("firms.demand_elasticity", eta),
    OC_F("wages.oversight", wo),
    OC_F("wages.specialist", ws),
};
#define OC_N_INPUTS ((int)(sizeof(oc_inputs) / sizeof(oc_inputs[0])))

/* Streams of the counter layout. */
#define OC_STREAM_PRICE 0x0001u
#define OC_STREAM_SCALAR 0x0100u
#define OC_STREAM_WAGE 0x0200u
#define OC_STREAM_TOKENS 0x0300u

/* One scenario, as the oracle reads it. */
typedef struct {
    const hc_config *cfg;
    int id[OC_N_INPUTS]; /* the input's id: its index in hc_input_specs */
    int R, S, T, years;
    int64_t F;
    double share[OC_MAX_ROLES], x[OC_MAX_ROLES], a0[OC_MAX_ROLES];
    int n_classes; /* 0: no size classes */
    double cls_a[OC_MAX_CLASSES], cls_b[OC_MAX_CLASSES], cls_N[OC_MAX_CLASSES], cls_E[OC_MAX_CLASSES];
    double alpha;
} oc_setup;

static double oc_json_number(const cJSON *obj, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

/* The fixed fields (roles' share, exposure, adoption_start; size classes) from the
 * resolved config, in double; the distributions from the loaded model. */
static void oc_setup_init(oc_setup *st, const hc_config *cfg)
{
    const cJSON *roles = cJSON_GetObjectItemCaseSensitive(cfg->resolved, "roles");
    const cJSON *firms = cJSON_GetObjectItemCaseSensitive(cfg->resolved, "firms");
    const cJSON *classes = cJSON_GetObjectItemCaseSensitive(firms, "size_classes");
    double total = 0.0;
    int i, k, r;
    memset(st, 0, sizeof(*st));
    st->cfg = cfg;
    for (i = 0; i < OC_N_INPUTS; i++) {
        st->id[i] = -1;
        for (k = 0; k < HC_N_SCALAR_INPUTS; k++)
            if (hc_input_specs[k].key != NULL && strcmp(hc_input_specs[k].key, oc_inputs[i].key) == 0) st->id[i] = k;
        if (st->id[i] < 0) fail_msg("the loader has no input %s", oc_inputs[i].key);
        assert_int_equal(hc_input_specs[st->id[i]].per_firm, oc_inputs[i].per_firm);
    }
    st->S = cfg->steps_per_year;
    st->years = cfg->years;
    st->T = cfg->years * cfg->steps_per_year;
    st->F = cfg->firms_per_world;
    st->R = cJSON_GetArraySize(roles);
    assert_true(st->R >= 1 && st->R <= OC_MAX_ROLES && st->R == cfg->model.n_roles);
    for (r = 0; r < st->R; r++) {
        const cJSON *role = cJSON_GetArrayItem(roles, r);
        st->share[r] = oc_json_number(role, "share", 0.0);
        st->x[r] = oc_json_number(role, "exposure", 0.0);
        st->a0[r] = oc_json_number(role, "adoption_start", 0.0);
        total += st->share[r];
    }
    for (r = 0; r < st->R; r++) st->share[r] /= total;
    st->alpha = oc_json_number(firms, "size_alpha", 1.05);
    if (cJSON_IsArray(classes)) {
        st->n_classes = cJSON_GetArraySize(classes);
        assert_true(st->n_classes >= 1 && st->n_classes <= OC_MAX_CLASSES);
        for (k = 0; k < st->n_classes; k++) {
            const cJSON *c = cJSON_GetArrayItem(classes, k);
            st->cls_a[k] = oc_json_number(c, "min", 0);
            st->cls_b[k] = oc_json_number(c, "max", 0);
            st->cls_N[k] = oc_json_number(c, "firms", 0);
            st->cls_E[k] = oc_json_number(c, "employees", 0);
        }
    }
}

static double oc_draw(const oc_setup *st, int i, uint32_t world, uint32_t firm_plus_1)
{
    hc_rng rng;
    hc_rng_init(&rng, st->cfg->seed, world, firm_plus_1, OC_STREAM_SCALAR + (uint32_t)st->id[i], 0);
    return hc_dist_sample(&st->cfg->model.input[st->id[i]], st->cfg->model.pool, &rng);
}

static double oc_Phi(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* ---- a world's macro path */

typedef struct {
    oc_world_in in;
    int T;
    double *p, *logp, *pi, *k, *c, *e, *o, *omega, *K; /* [t], K [t * R + r] */
} oc_world;

static void oc_world_make(const oc_setup *st, uint32_t w, oc_world *wd)
{
    const int T = st->T, S = st->S, R = st->R;
    oc_world_in *in = &wd->in;
    int i, t, r;
    memset(in, 0, sizeof(*in));
    for (i = 0; i < OC_N_INPUTS; i++)
        if (!oc_inputs[i].per_firm) *(double *)((char *)in + oc_inputs[i].offset) = oc_draw(st, i, w, 0);
    for (r = 0; r < R; r++) {
        hc_rng rng;
        hc_rng_init(&rng, st->cfg->seed, w, 0, OC_STREAM_TOKENS + (uint32_t)r, 0);
        in->m[r] = hc_dist_sample(&st->cfg->model.role_tokens[r], st->cfg->model.pool, &rng);
    }
    wd->T = T;
    wd->p = calloc((size_t)(T + 1) * (8 + (size_t)R), sizeof(double));
    assert_non_null(wd->p);
    wd->logp = wd->p + (T + 1);
    wd->pi = wd->logp + (T + 1);
    wd->k = wd->pi + (T + 1);
    wd->c = wd->k + (T + 1);
    wd->e = wd->c + (T + 1);
    wd->o = wd->e + (T + 1);
    wd->omega = wd->o + (T + 1);
    wd->K = wd->omega + (T + 1);
    wd->logp[0] = log(in->p0);
    for (t = 1; t <= T; t++) {
        hc_rng rng;
        double z, u, n;
        hc_rng_init(&rng, st->cfg->seed, w, 0, OC_STREAM_PRICE, (uint32_t)t);
        z = hc_normal_quantile(hc_rng_uniform(&rng));
        u = hc_rng_uniform(&rng);
        n = u < fmin(1.0, in->q / S) ? 1.0 : 0.0;
        wd->logp[t] = wd->logp[t - 1] + log(1.0 + in->dp) / S + in->sp / sqrt((double)S) * z + n * log(in->J);
    }
    for (t = 0; t <= T; t++) {
        const double tau = (double)t / S;
        const int m = t < S ? t : S;
        wd->p[t] = exp(wd->logp[t]);
        wd->pi[t] = t == 0 ? 0.0 : (wd->logp[t] - wd->logp[t - m]) * S / m;
        wd->k[t] = pow(1.0 + in->dk, tau);
        wd->c[t] = in->cmax / (1.0 + (in->cmax / in->c0 - 1.0) * exp(-in->rc * tau));
        wd->e[t] = fmin(1.0, in->e0 * pow(1.0 + in->de, tau));
        wd->o[t] = in->e0 == 0.0 ? in->o0 : in->o0 * wd->e[t] / in->e0;
        wd->omega[t] = pow(1.0 + in->gw, tau);
        for (r = 0; r < R; r++) wd->K[t * R + r] = wd->p[t] * wd->k[t] * in->m[r] / 1e6;
    }
}

static void oc_world_free(oc_world *wd)
{
    free(wd->p);
}

/* ---- size classes */

/* The class of firm f: the first whose cumulative employment share reaches u_f. */
static int oc_class_of(const oc_setup *st, int64_t f)
{
    const double g = (sqrt(5.0) - 1.0) / 2.0;
    double prod = (double)(f + 1) * g, u = prod - floor(prod), total = 0.0, cum = 0.0;
    int j;
    for (j = 0; j < st->n_classes; j++) total += st->cls_E[j];
    for (j = 0; j < st->n_classes; j++) {
        cum += st->cls_E[j];
        if (cum / total >= u) return j;
    }
    return st->n_classes - 1;
}

/* Weights of a world's F firms: w_f = (N_j / n_j) / (sum_i N_i / F'). */
static void oc_weights(const oc_setup *st, double *weight)
{
    double n[OC_MAX_CLASSES] = {0}, sumN = 0.0, Fp = 0.0;
    int64_t f;
    int j;
    if (st->n_classes == 0) {
        for (f = 0; f < st->F; f++) weight[f] = 1.0;
        return;
    }
    for (f = 0; f < st->F; f++) n[oc_class_of(st, f)] += 1.0;
    for (j = 0; j < st->n_classes; j++)
        if (n[j] > 0) {
            sumN += st->cls_N[j]; /* "weights average 1 over the sample": classes with firms */
            Fp += n[j];
        }
    for (f = 0; f < st->F; f++) {
        j = oc_class_of(st, f);
        weight[f] = (st->cls_N[j] / n[j]) / (sumN / Fp);
    }
}

static void oc_firm_draw(const oc_setup *st, uint32_t w, int64_t f, oc_firm_in *fi)
{
    const uint32_t fp1 = (uint32_t)(f + 1);
    int i, r;
    memset(fi, 0, sizeof(*fi));
    for (i = 0; i < OC_N_INPUTS; i++)
        if (oc_inputs[i].per_firm) {
            if (strcmp(oc_inputs[i].key, "firms.headcount") == 0 && st->n_classes > 0) {
                /* the bounded Pareto of its class, at the firm's firms.headcount uniform */
                const int j = oc_class_of(st, f);
                const double a = st->cls_a[j], b = st->cls_b[j], al = st->alpha;
                hc_rng rng;
                double u;
                hc_rng_init(&rng, st->cfg->seed, w, fp1, OC_STREAM_SCALAR + (uint32_t)st->id[i], 0);
                u = hc_rng_uniform(&rng);
                fi->H0 = a == b ? a : a / pow(1.0 - u * (1.0 - pow(a / b, al)), 1.0 / al);
                continue;
            }
            *(double *)((char *)fi + oc_inputs[i].offset) = oc_draw(st, i, w, fp1);
        }
    for (r = 0; r < st->R; r++) {
        hc_rng rng;
        hc_rng_init(&rng, st->cfg->seed, w, fp1, OC_STREAM_WAGE + (uint32_t)r, 0);
        fi->w[r] = hc_dist_sample(&st->cfg->model.role_wage[r], st->cfg->model.pool, &rng);
    }
}

/* ---- a firm's path */

/* One firm at one step: every quantity the outputs need, and how close each of the
 * contract's three yes/no decisions came to going the other way (a float engine may
 * take the other branch of a near tie; such firms are not compared). */
typedef struct {
    double H, Hcf, A, Ho, Hn, Hs, Hp, Hr, spend, WB, exposed, Y, Ycf, U, Q, M, alpha, B, spend_t;
    double L, saving, M_used; /* belief L_t, saving_t, and M_{t-1} (the M this step's oversight used) */
    int u, rb, capped;
    /* Near ties, where a float engine may take the other branch: near_tie, of a decision
     * that changes the firm's path (the platform, a roll-back that raises oversight, a
     * role's saving V crossing 0), at this step or before; rb_tie and capped_tie, of a
     * decision that changes only a count (rolled_back_pct, budget_capped_pct). */
    int near_tie, rb_tie, capped_tie;
} oc_row;

/* Relative closeness below which a decision counts as a near tie. */
#define OC_TIE 1e-5

static int oc_near(double a, double b)
{
    const double big = fmax(fabs(a), fabs(b));
    return big > 0.0 && fabs(a - b) <= OC_TIE * big;
}

/* One role of a firm at one step, for the comparison with the engine's trace. */
typedef struct {
    double K, D, zp, zr, Pp, Pr, Kbar, Kaug, target, at, a, g;
    int pays;  /* V_r,t > 0 (else every quantity of the role is 0) */
    int clear; /* V_r,t > W_r,t / 10: far enough from 0 that W - O keeps a float's precision */
} oc_role_row;

/* roles (may be NULL): [t * R + r] */
static void oc_firm_path(const oc_setup *st, const oc_world *wd, const oc_firm_in *fi, oc_row *rows, oc_role_row *roles)
{
    const oc_world_in *in = &wd->in;
    const int R = st->R, S = st->S, T = st->T;
    const double step_adopt = 1.0 - pow(1.0 - fi->lam, 1.0 / S);
    const double step_learn = 1.0 - pow(1.0 - fi->kappa, 1.0 / S);
    double a[OC_MAX_ROLES], W0 = 0.0, L = log(1.0 + fi->dh0), Q = 1.0, M = 1.0;
    int rb = 0, rb_tie = 0, ever_rolled_back = 0, tie = 0, t, r;
    for (r = 0; r < R; r++) {
        W0 += fi->H0 * st->share[r] * fi->w[r];
        a[r] = st->a0[r];
    }
    for (t = 0; t <= T; t++) {
        const double tau = (double)t / S, omega = wd->omega[t];
        const double grow = pow(1.0 + fi->g, tau), Dtot = fi->H0 * grow * Q;
        const double O = wd->o[t] * M * fi->wo * omega;
        double D[OC_MAX_ROLES], Wr[OC_MAX_ROLES], V[OC_MAX_ROLES], Kbar[OC_MAX_ROLES], cap[OC_MAX_ROLES];
        double Pp[OC_MAX_ROLES], Pr[OC_MAX_ROLES], Kaug[OC_MAX_ROLES], at[OC_MAX_ROLES], gt[OC_MAX_ROLES];
        double saving = 0.0, spend_t = 0.0, B, scale, A = 0.0, Hr = 0.0, spend = 0.0, WBr = 0.0, Yd = 0.0;
        double exposed = 0.0, alpha = 0.0, Ycf = 0.0;
        oc_row *row = &rows[t];
        oc_role_row *rr = roles ? roles + (size_t)t * (size_t)R : NULL;
        int u;
        if (t >= 1) L = L + step_learn * (wd->pi[t] - L);
        row->L = L;
        row->M_used = M;
        for (r = 0; r < R; r++) {
            const double K = wd->K[t * R + r];
            D[r] = Dtot * st->share[r];
            Wr[r] = fi->w[r] * omega;
            V[r] = Wr[r] - O;
            if (oc_near(Wr[r], O)) tie = 1;
            Kbar[r] = cap[r] = Pp[r] = Pr[r] = Kaug[r] = 0.0;
            if (V[r] > 0.0) {
                const double zp = (log(V[r]) - log(K * exp(fi->h * L))) / in->s;
                const double zr = (log(V[r]) - log(K)) / in->s;
                Pp[r] = oc_Phi(zp);
                Pr[r] = oc_Phi(zr);
                if (in->sigma > 0.0) { /* a task's price is max(its compute cost, sigma V) */
                    const double za = zr + log(in->sigma) / in->s;
                    Kbar[r] = Pr[r] == 0.0
                                  ? V[r]
                                  : fmin(V[r],
                                         (in->sigma * V[r] * oc_Phi(za) +
                                          K * exp(in->s * in->s / 2) * (oc_Phi(zr - in->s) - oc_Phi(za - in->s))) /
                                             Pr[r]);
                } else
                    Kbar[r] = Pr[r] == 0.0 ? V[r] : fmin(V[r], K * exp(in->s * in->s / 2) * oc_Phi(zr - in->s) / Pr[r]);
                cap[r] = st->x[r] * wd->c[t];
                Kaug[r] = fmax(fmin(in->phi * K, in->theta * Wr[r]), in->sigma * in->theta * Wr[r]);
                saving += cap[r] * Pp[r] * D[r] * (V[r] - Kbar[r]);
                if (rr) {
                    rr[r].zp = zp;
                    rr[r].zr = zr;
                }
            }
            if (rr) {
                rr[r].K = K;
                rr[r].D = D[r];
                rr[r].Pp = Pp[r];
                rr[r].Pr = Pr[r];
                rr[r].Kbar = Kbar[r];
                rr[r].Kaug = Kaug[r];
                rr[r].pays = V[r] > 0.0;
                rr[r].clear = V[r] > Wr[r] / 10.0;
            }
        }
        row->saving = saving;
        u = saving >= fi->P * omega;
        if (fi->P > 0.0 && oc_near(saving, fi->P * omega)) tie = 1;
        for (r = 0; r < R; r++) {
            if (V[r] > 0.0) {
                const double target = u * cap[r] * Pp[r];
                const double ahat = t == 0 ? st->a0[r] : a[r] + step_adopt * (target - a[r]);
                at[r] = fmin(ahat, cap[r] * Pr[r]);
                gt[r] = u * (cap[r] - at[r]);
                if (rr) rr[r].target = target;
            } else {
                if (rr) rr[r].target = 0.0;
                at[r] = gt[r] = 0.0;
            }
            spend_t += D[r] * (at[r] * Kbar[r] + gt[r] * Kaug[r] / (1.0 + in->theta));
        }
        B = fi->b * W0 * pow(1.0 + in->gb, tau);
        scale = spend_t == 0.0 ? 1.0 : fmin(1.0, B / spend_t);
        for (r = 0; r < R; r++) {
            const double ar = at[r] * scale, gr = gt[r] * scale;
            const double people = 1.0 - ar - gr * in->theta / (1.0 + in->theta);
            a[r] = ar;
            if (rr) {
                rr[r].at = at[r];
                rr[r].a = ar;
                rr[r].g = gr;
            }
            A += ar * D[r];
            Hr += D[r] * people;
            spend += D[r] * (ar * Kbar[r] + gr * Kaug[r] / (1.0 + in->theta));
            Yd += D[r] * Wr[r];
            WBr += D[r] * Wr[r] * people;
            exposed += st->x[r] * D[r];
            alpha += st->share[r] * ar;
            Ycf += fi->H0 * st->share[r] * grow * Wr[r];
        }
        row->A = A;
        row->Hr = Hr;
        row->Ho = wd->o[t] * M * A;
        row->Hn = in->nu * A;
        row->Hs = spend / fi->ms;
        row->Hp = u * fi->P / fi->ws;
        row->H = Hr + row->Ho + row->Hn + row->Hs + row->Hp;
        row->Hcf = fi->H0 * grow;
        row->spend = spend;
        row->spend_t = spend_t;
        row->B = B;
        row->exposed = exposed;
        row->Y = Yd + row->Hn * fi->wo * omega;
        row->Ycf = Ycf;
        row->WB = WBr + (row->Ho + row->Hn) * fi->wo * omega + (row->Hs + row->Hp) * fi->ws * omega;
        row->U = (row->WB + spend) / row->Y;
        if (t >= 1) Q = pow(row->U, -fi->eta);
        row->Q = Q;
        row->alpha = alpha;
        row->u = u;
        row->capped = spend_t > B;
        if (t >= S && t % S == 0) {
            rb = alpha < rows[t - S].alpha;
            /* an automated share below 1e-30 is under a float's resolution (it underflows) */
            rb_tie = oc_near(alpha, rows[t - S].alpha) ||
                     (alpha != rows[t - S].alpha && fmax(alpha, rows[t - S].alpha) < 1e-30);
            if (rb_tie && in->rho > 0.0 && !ever_rolled_back) tie = 1;
            if (rb) ever_rolled_back = 1;
        }
        M = ever_rolled_back ? 1.0 + in->rho : 1.0;
        row->rb = rb;
        row->M = M;
        row->near_tie = tie;
        row->rb_tie = rb_tie;
        row->capped_tie = spend_t > 0.0 && oc_near(spend_t, B);
    }
}

/* ---- a world: its firms' weighted sums, and the output metrics */

/* The world sums of the contract ("every world sum below is sum_f w_f x (firm quantity)"). */
enum {
    OC_H,
    OC_HCF,
    OC_A,
    OC_HO,
    OC_HN,
    OC_HS,
    OC_HP,
    OC_SPEND,
    OC_WB,
    OC_EXPOSED,
    OC_Y,
    OC_YCF,
    OC_WSUM,
    OC_RB,
    OC_CAPPED,
    OC_U,
    OC_UH,
    OC_RB_TIE,
    OC_CAPPED_TIE, /* weight of firms whose rb or capped is a near tie */
    OC_N_SUMS
};

/* The contract's Outputs table, in its order, by the names bands.csv uses. */
enum {
    OC_M_EMPLOYMENT_CHANGE,
    OC_M_AI_EFFECT,
    OC_M_NET_JOBS,
    OC_M_AI_NET_JOBS,
    OC_M_DISPLACED,
    OC_M_OVERSIGHT,
    OC_M_NEW_TASKS,
    OC_M_SPECIALISTS,
    OC_M_PLATFORM,
    OC_M_COMPUTE_SHARE,
    OC_M_ROLLED_BACK,
    OC_M_BUDGET_CAPPED,
    OC_M_AUTOMATED_EXPOSED,
    OC_M_ADOPTION,
    OC_M_ADOPTION_FIRMS,
    OC_M_OUTPUT_PER_WORKER,
    OC_N_METRICS
};
static const char *const oc_metric_names[OC_N_METRICS] = {
    "employment_change_pct", "ai_effect_pct",     "net_jobs",           "ai_net_jobs",
    "displaced_pct",         "oversight_pct",     "new_tasks_pct",      "specialists_pct",
    "platform_pct",          "compute_share_pct", "rolled_back_pct",    "budget_capped_pct",
    "automated_exposed_pct", "adoption_pct",      "adoption_firms_pct", "output_per_worker_pct",
};

static void oc_metrics(const double *st, const double *s0, double employment, double *m)
{
    m[OC_M_EMPLOYMENT_CHANGE] = 100.0 * (st[OC_H] / s0[OC_H] - 1.0);
    m[OC_M_AI_EFFECT] = 100.0 * (st[OC_H] / st[OC_HCF] - 1.0);
    m[OC_M_NET_JOBS] = m[OC_M_EMPLOYMENT_CHANGE] / 100.0 * employment;
    m[OC_M_AI_NET_JOBS] = m[OC_M_AI_EFFECT] / 100.0 * employment;
    m[OC_M_DISPLACED] = 100.0 * st[OC_A] / st[OC_HCF];
    m[OC_M_OVERSIGHT] = 100.0 * st[OC_HO] / st[OC_HCF];
    m[OC_M_NEW_TASKS] = 100.0 * st[OC_HN] / st[OC_HCF];
    m[OC_M_SPECIALISTS] = 100.0 * st[OC_HS] / st[OC_HCF];
    m[OC_M_PLATFORM] = 100.0 * st[OC_HP] / st[OC_HCF];
    m[OC_M_COMPUTE_SHARE] = st[OC_WB] == 0.0 ? 0.0 : 100.0 * st[OC_SPEND] / st[OC_WB];
    m[OC_M_ROLLED_BACK] = 100.0 * st[OC_RB] / st[OC_WSUM];
    m[OC_M_BUDGET_CAPPED] = 100.0 * st[OC_CAPPED] / st[OC_WSUM];
    m[OC_M_AUTOMATED_EXPOSED] = st[OC_EXPOSED] == 0.0 ? 0.0 : 100.0 * st[OC_A] / st[OC_EXPOSED];
    m[OC_M_ADOPTION] = 100.0 * st[OC_UH] / st[OC_H];
    m[OC_M_ADOPTION_FIRMS] = 100.0 * st[OC_U] / st[OC_WSUM];
    m[OC_M_OUTPUT_PER_WORKER] = 100.0 * ((st[OC_Y] / st[OC_H]) / (st[OC_YCF] / st[OC_HCF]) - 1.0);
}

/* One world of a scenario, computed by the oracle: sums[t][OC_N_SUMS], each firm's
 * path (rows[f * (T + 1) + t]), its weight and inputs. */
typedef struct {
    oc_world wd;
    double *sums;
    oc_row *rows;
    double *weight;
    oc_firm_in *firm;
    int64_t tied_firms; /* firms with a near tie that changes their path */
} oc_result;

static void oc_run_world(const oc_setup *st, uint32_t w, oc_result *res)
{
    const int T = st->T;
    int64_t f;
    int t;
    oc_world_make(st, w, &res->wd);
    res->sums = calloc((size_t)(T + 1) * OC_N_SUMS, sizeof(double));
    res->rows = calloc((size_t)st->F * (size_t)(T + 1), sizeof(oc_row));
    res->weight = calloc((size_t)st->F, sizeof(double));
    res->firm = calloc((size_t)st->F, sizeof(oc_firm_in));
    assert_true(res->sums && res->rows && res->weight && res->firm);
    res->tied_firms = 0;
    oc_weights(st, res->weight);
    for (f = 0; f < st->F; f++) {
        oc_row *rows = res->rows + f * (T + 1);
        const double wf = res->weight[f];
        oc_firm_draw(st, w, f, &res->firm[f]);
        oc_firm_path(st, &res->wd, &res->firm[f], rows, NULL);
        res->tied_firms += rows[T].near_tie;
        for (t = 0; t <= T; t++) {
            const oc_row *o = &rows[t];
            double *s = res->sums + (size_t)t * OC_N_SUMS;
            s[OC_H] += wf * o->H;
            s[OC_HCF] += wf * o->Hcf;
            s[OC_A] += wf * o->A;
            s[OC_HO] += wf * o->Ho;
            s[OC_HN] += wf * o->Hn;
            s[OC_HS] += wf * o->Hs;
            s[OC_HP] += wf * o->Hp;
            s[OC_SPEND] += wf * o->spend;
            s[OC_WB] += wf * o->WB;
            s[OC_EXPOSED] += wf * o->exposed;
            s[OC_Y] += wf * o->Y;
            s[OC_YCF] += wf * o->Ycf;
            s[OC_WSUM] += wf;
            s[OC_RB] += wf * o->rb;
            s[OC_CAPPED] += wf * o->capped;
            s[OC_U] += wf * o->u;
            s[OC_UH] += wf * o->u * o->H;
            s[OC_RB_TIE] += wf * o->rb_tie;
            s[OC_CAPPED_TIE] += wf * o->capped_tie;
        }
    }
}

static void oc_result_free(oc_result *res)
{
    oc_world_free(&res->wd);
    free(res->sums);
    free(res->rows);
    free(res->weight);
    free(res->firm);
}

/* ---- the contract's defaults, against the loader's input table */

static void defaults_should_be_the_contracts(void **state)
{
    static const struct {
        const char *key;
        double value;
    } defaults[] = {
        {"inference.price_volatility", 0}, {"inference.shock_rate", 0},       {"inference.shock_multiplier", 1},
        {"firms.demand_elasticity", 0},    {"labor.augmentation_tokens", 0},  {"labor.augmentation_gain", 0},
        {"labor.rollback_oversight", 0},   {"firms.belief_learning_rate", 0}, {"compute.platform_cost", 0},
        {"compute.value_share", 0},
    };
    size_t i;
    int k, found;
    (void)state;
    for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        found = 0;
        for (k = 0; k < HC_N_SCALAR_INPUTS; k++)
            if (hc_input_specs[k].key != NULL && strcmp(hc_input_specs[k].key, defaults[i].key) == 0) {
                found = 1;
                if (!hc_input_specs[k].has_default || hc_input_specs[k].default_value != defaults[i].value)
                    fail_msg("%s: the contract's default is %g", defaults[i].key, defaults[i].value);
            }
        if (!found) fail_msg("the loader has no input %s", defaults[i].key);
    }
}

/* ---- the engine against the oracle, world by world and firm by firm */

/* A small scenario where every input the configs may set is random and matters: price
 * volatility and shocks (up and down), learning beliefs, roles whose task costs straddle
 * their wages, adoption_start > 0, budgets that bind for some firms and not others,
 * platform costs that keep some firms from AI, roll-backs with extra oversight, and value
 * shares of 0 (prices by tokens only), small and large.
 * SIZES is either a firms.headcount distribution or firms.size_classes. */
static const char oc_config_text[] =
    "{\"simulation\": {\"start_year\": 2026, \"years\": %d, \"steps_per_year\": %d, \"worlds\": %d,"
    "  \"firms_per_world\": %d, \"seed\": %u},"
    " \"population\": {\"employment\": 158457000},"
    " \"inference\": {"
    "  \"price_per_mtok\": {\"dist\": \"lognormal\", \"p5\": 0.5, \"p95\": 8},"
    "  \"annual_price_change\": {\"dist\": \"uniform\", \"min\": -0.6, \"max\": 0.2},"
    "  \"price_volatility\": {\"dist\": \"uniform\", \"min\": 0.1, \"max\": 0.5},"
    "  \"shock_rate\": {\"dist\": \"uniform\", \"min\": 0.2, \"max\": 1.0},"
    "  \"shock_multiplier\": {\"dist\": \"uniform\", \"min\": 0.6, \"max\": 1.8},"
    "  \"annual_token_growth\": {\"dist\": \"uniform\", \"min\": 0.0, \"max\": 1.0},"
    "  \"task_cost_dispersion\": {\"dist\": \"uniform\", \"min\": 0.4, \"max\": 2.0}},"
    " \"capability\": {"
    "  \"start\": {\"dist\": \"uniform\", \"min\": 0.1, \"max\": 0.4},"
    "  \"ceiling\": {\"dist\": \"uniform\", \"min\": 0.5, \"max\": 0.9},"
    "  \"growth_rate\": {\"dist\": \"uniform\", \"min\": 0.1, \"max\": 0.8},"
    "  \"error_rate_start\": {\"dist\": \"uniform\", \"min\": 0.1, \"max\": 0.5},"
    "  \"annual_error_change\": {\"dist\": \"uniform\", \"min\": -0.3, \"max\": 0.1}},"
    " \"labor\": {"
    "  \"oversight_ratio\": {\"dist\": \"uniform\", \"min\": 0.1, \"max\": 0.6},"
    "  \"new_task_ratio\": {\"dist\": \"uniform\", \"min\": 0.2, \"max\": 1.2},"
    "  \"augmentation_tokens\": {\"dist\": \"uniform\", \"min\": 0.05, \"max\": 0.5},"
    "  \"augmentation_gain\": {\"dist\": \"uniform\", \"min\": 0.05, \"max\": 0.3},"
    "  \"rollback_oversight\": {\"dist\": \"uniform\", \"min\": 0.2, \"max\": 1.0}},"
    " \"wages\": {"
    "  \"annual_growth\": {\"dist\": \"uniform\", \"min\": -0.01, \"max\": 0.03},"
    "  \"oversight\": {\"dist\": \"lognormal\", \"p5\": 60000, \"p95\": 150000},"
    "  \"specialist\": {\"dist\": \"lognormal\", \"p5\": 120000, \"p95\": 350000}},"
    " \"compute\": {"
    "  \"annual_budget_growth\": {\"dist\": \"uniform\", \"min\": -0.1, \"max\": 0.6},"
    "  \"value_share\": {\"dist\": \"discrete\", \"values\": [0, 0.05, 0.3], \"weights\": [1, 1, 1]},"
    "  \"budget_share\": {\"dist\": \"lognormal\", \"p5\": 0.001, \"p95\": 0.2},"
    "  \"per_specialist\": {\"dist\": \"lognormal\", \"p5\": 2e5, \"p95\": 4e6},"
    "  \"platform_cost\": %s},"
    " \"firms\": {%s,"
    "  \"demand_growth\": {\"dist\": \"uniform\", \"min\": -0.05, \"max\": 0.05},"
    "  \"adoption_speed\": {\"dist\": \"uniform\", \"min\": 0.05, \"max\": 0.6},"
    "  \"expected_price_change\": {\"dist\": \"uniform\", \"min\": -0.8, \"max\": 0.0},"
    "  \"belief_learning_rate\": {\"dist\": \"uniform\", \"min\": 0.0, \"max\": 0.8},"
    "  \"planning_horizon\": {\"dist\": \"uniform\", \"min\": 0, \"max\": 3},"
    "  \"demand_elasticity\": {\"dist\": \"uniform\", \"min\": 0, \"max\": 1.5}},"
    " \"roles\": ["
    "  {\"name\": \"support\", \"share\": 0.3, \"exposure\": 0.7, \"adoption_start\": 0.15,"
    "   \"wage\": {\"dist\": \"lognormal\", \"median\": 45000, \"sigma\": 0.2},"
    "   \"tokens_per_fte_year\": {\"dist\": \"lognormal\", \"p5\": 2e9, \"p95\": 1e11}},"
    "  {\"name\": \"analysis\", \"share\": 0.2, \"exposure\": 0.5,"
    "   \"wage\": {\"dist\": \"lognormal\", \"median\": 80000, \"sigma\": 0.25},"
    "   \"tokens_per_fte_year\": {\"dist\": \"lognormal\", \"p5\": 5e9, \"p95\": 2e11}},"
    "  {\"name\": \"engineering\", \"share\": 0.15, \"exposure\": 0.6, \"adoption_start\": 0.05,"
    "   \"wage\": {\"dist\": \"lognormal\", \"median\": 130000, \"sigma\": 0.2},"
    "   \"tokens_per_fte_year\": {\"dist\": \"lognormal\", \"p5\": 1e10, \"p95\": 3e11}},"
    "  {\"name\": \"other\", \"share\": 0.35, \"exposure\": 0.0,"
    "   \"wage\": {\"dist\": \"lognormal\", \"median\": 60000, \"sigma\": 0.2},"
    "   \"tokens_per_fte_year\": 1e9}]}";

static const char oc_headcount[] = "\"headcount\": {\"dist\": \"lognormal\", \"p5\": 8, \"p95\": 3000}";
/* SUSB-like classes: many small firms, few large ones holding half the employment. */
static const char oc_size_classes[] =
    "\"size_classes\": [{\"min\": 1, \"max\": 19, \"firms\": 5200000, \"employees\": 21000000},"
    "  {\"min\": 20, \"max\": 99, \"firms\": 620000, \"employees\": 24000000},"
    "  {\"min\": 100, \"max\": 499, \"firms\": 100000, \"employees\": 20000000},"
    "  {\"min\": 500, \"max\": 50000, \"firms\": 20000, \"employees\": 64000000}],"
    " \"size_alpha\": 1.2";

static void oc_load(hc_config *cfg, int years, int S, int worlds, int firms, unsigned seed, double platform,
                    const char *sizes)
{
    char text[sizeof(oc_config_text) + sizeof(oc_size_classes) + 256], P[96];
    hc_error err;
    int n;
    snprintf(P, sizeof(P), "{\"dist\": \"uniform\", \"min\": 0, \"max\": %g}", platform);
    n = snprintf(text, sizeof(text), oc_config_text, years, S, worlds, firms, seed, platform > 0 ? P : "0", sizes);
    assert_true(n > 0 && (size_t)n < sizeof(text));
    if (hc_config_load_text("oracle.json", text, (size_t)n, NULL, 0, cfg, &err) != 0)
        fail_msg("oracle config: %s", err.message);
}

/* The engine's metric id for a contract metric name; -1 if it has none. */
static int oc_engine_metric(const char *name)
{
    int i;
    for (i = 0; i < HC_N_METRICS; i++)
        if (strcmp(hc_metric_infos[i].name, name) == 0) return i;
    return -1;
}

/* Relative agreement required of the engine (float32 per firm) with the oracle (double).
 * A metric m agrees when |engine - oracle| <= OC_REL (|oracle| + scale), scale being 100
 * for a % metric (so a share of 100 % or a change of -40 % is held to OC_REL of its own
 * size, and a metric near 0 to OC_REL x 100 percentage points) and population.employment
 * for the jobs metrics. 1e-5: the worst gap seen on these configs is 6e-7 (a firm's
 * change), 2.5e-7 for a world metric, so the margin is about 16x; the five mutants of
 * issue 18 move a metric by 1e-2 or more. */
#define OC_REL 1e-5

typedef struct {
    double worst[OC_N_METRICS]; /* largest |engine - oracle| / (|oracle| + scale) seen */
    double worst_firm;          /* the same for a firm's change at a whole year */
    double worst_trace;         /* the same for a quantity of a traced firm's step */
    int64_t traced;             /* firms compared step by step through hc_trace_firm */
    int64_t worlds, worlds_compared, firms, firms_compared;
    int64_t rolled_back, capped, uncapped, no_platform, platform, jumps; /* what the paths exercised */
} oc_tally;

static void oc_check_rel(double rel_tol, const char *what, const char *label, int64_t w, int t, double got, double want,
                         double scale, double allowance, double *worst)
{
    const double err = fabs(got - want), tol = rel_tol * (fabs(want) + scale) + allowance;
    const double rel = err / (fabs(want) + scale);
    if (!(err <= tol))
        fail_msg("%s: %s of world %lld at step %d: engine %.9g, oracle %.9g (tolerance %.3g)", label, what,
                 (long long)w, t, got, want, tol);
    if (allowance == 0.0 && rel > *worst) *worst = rel;
}

static void oc_check(const char *what, const char *label, int64_t w, int t, double got, double want, double scale,
                     double allowance, double *worst)
{
    oc_check_rel(OC_REL, what, label, w, t, got, want, scale, allowance, worst);
}

/* A single float quantity of a firm's step (a share of tasks that pay, a cutoff) carries
 * the error of a few float operations, not the averaging of a sum over firms: 2e-4 (the
 * worst gap seen is 3.2e-5, a share of tasks that pay in a tail of Phi). */
#define OC_REL_TRACE 2e-4

/* One firm step by step: the oracle's path against the engine's replay of it (hc_trace),
 * every quantity the trace shows. FTE are held to OC_REL_TRACE of themselves plus 1e-3 of the
 * firm's counterfactual headcount, USD to OC_REL of themselves plus 1e-3 of its
 * counterfactual output, shares to OC_REL_TRACE (|share| + 1e-3), z and logs to
 * OC_REL_TRACE (|z| + 1). */
static void oc_compare_trace(const char *label, const hc_config *cfg, const oc_setup *st, const oc_result *o, int64_t w,
                             int64_t f, oc_tally *tally)
{
    const int T = st->T, R = st->R;
    const oc_row *rows = o->rows + f * (T + 1);
    oc_row *again = malloc((size_t)(T + 1) * sizeof(oc_row));
    oc_role_row *roles = malloc((size_t)(T + 1) * (size_t)R * sizeof(oc_role_row));
    hc_trace tr;
    hc_error err;
    char what[128];
    int t, r;
    assert_true(again && roles);
    oc_firm_path(st, &o->wd, &o->firm[f], again, roles);
    assert_memory_equal(again, rows, (size_t)(T + 1) * sizeof(oc_row));
    if (hc_trace_firm(cfg, (uint32_t)w, (uint32_t)f, &tr, &err) != 0) fail_msg("trace: %s", err.message);
    assert_int_equal(tr.n_steps, T);
    oc_check("a traced firm's weight", label, w, 0, tr.weight, o->weight[f], 0.0, 0.0, &tally->worst_trace);
    for (t = 0; t <= T; t++) {
        const hc_trace_step *e = &tr.steps[t];
        const oc_row *q = &rows[t];
        const double fte = 1e-3 * q->Hcf, usd = 1e-3 * q->Ycf;
#define OC_T(field, want, scale) \
    do { \
        snprintf(what, sizeof(what), "firm %lld: %s", (long long)f, #field); \
        oc_check_rel(OC_REL_TRACE, what, label, w, t, (double)(field), (want), (scale), 0.0, &tally->worst_trace); \
    } while (0)
        OC_T(e->out.H, q->H, fte);
        OC_T(e->out.Hcf, q->Hcf, fte);
        OC_T(e->out.A, q->A, fte);
        OC_T(e->out.Ho, q->Ho, fte);
        OC_T(e->out.Hn, q->Hn, fte);
        OC_T(e->out.Hs, q->Hs, fte);
        OC_T(e->out.Hp, q->Hp, fte);
        OC_T(e->people_in_roles, q->Hr, fte);
        OC_T(e->out.spend, q->spend, usd);
        OC_T(e->out.wage_bill, q->WB, usd);
        OC_T(e->out.exposed, q->exposed, fte);
        OC_T(e->out.Y, q->Y, usd);
        OC_T(e->out.Ycf, q->Ycf, usd);
        OC_T(e->budget, q->B, usd);
        OC_T(e->spend_tentative, q->spend_t, usd);
        OC_T(e->saving, q->saving, usd);
        OC_T(e->U, q->U, 1.0);
        OC_T(e->Q, q->Q, 1.0);
        OC_T(e->belief, q->L, 1.0);
        OC_T(e->M, q->M_used, 1.0);
        OC_T(e->alpha, q->alpha, 1e-3);
        OC_T(e->change_pct, 100.0 * (q->H / rows[0].H - 1.0), 100.0);
        assert_int_equal(e->out.uses_ai, q->u);
        if (!q->capped_tie) assert_int_equal(e->out.capped, q->capped);
        if (!q->rb_tie) assert_int_equal(e->out.rolled_back, q->rb);
        for (r = 0; r < R; r++) {
            const hc_trace_role *er = hc_trace_role_at(&tr, t, r);
            const oc_role_row *qr = &roles[(size_t)t * (size_t)R + (size_t)r];
            OC_T(er->compute_cost, qr->K, 0.0);
            OC_T(er->demand, qr->D, fte);
            OC_T(er->target, qr->target, 1e-3);
            OC_T(er->adoption_tentative, qr->at, 1e-3);
            OC_T(er->adoption, qr->a, 1e-3);
            OC_T(er->assisted, qr->g, 1e-3);
            if (qr->pays) /* else the role's quantities are 0 and the trace's are not read */
                OC_T(er->Kaug, qr->Kaug, usd);
            if (qr->clear) { /* near V = 0, the cutoffs carry W - O's cancellation */
                OC_T(er->Phi_p, qr->Pp, 1e-3);
                OC_T(er->Phi_r, qr->Pr, 1e-3);
                OC_T(er->zp, qr->zp, 1.0);
                OC_T(er->zr, qr->zr, 1.0);
                /* Kbar matters only times a~ <= cap Phi(zr): compared where tasks pay */
                if (qr->Pr > 1e-3) OC_T(er->Kbar, qr->Kbar, 0.0);
            }
        }
#undef OC_T
    }
    tally->traced++;
    hc_trace_free(&tr);
    free(again);
    free(roles);
}

static void oc_compare(const char *label, const hc_config *cfg, oc_tally *tally)
{
    const int T = cfg->model.n_steps, S = cfg->steps_per_year;
    const int64_t W = cfg->worlds, F = cfg->firms_per_world;
    oc_setup st;
    hc_results res;
    hc_error err;
    int engine_id[OC_N_METRICS];
    double *engine = malloc((size_t)OC_N_METRICS * (size_t)(T + 1) * (size_t)W * sizeof(double));
    int64_t *shrinking = calloc((size_t)cfg->years + 1, sizeof(int64_t));
    int64_t *unsure = calloc((size_t)cfg->years + 1, sizeof(int64_t));
    int64_t w, f;
    int t, k, y;
    assert_true(engine && shrinking && unsure);
    oc_setup_init(&st, cfg);
    assert_int_equal(st.T, T);
    for (k = 0; k < OC_N_METRICS; k++) {
        engine_id[k] = oc_engine_metric(oc_metric_names[k]);
        if (engine_id[k] < 0) fail_msg("the engine has no metric %s", oc_metric_names[k]);
    }
    assert_int_equal(hc_results_alloc(&res, 1, 0, W, F, T, S, cfg->years, cfg->model.n_roles, &err), 0);
    assert_int_equal(hc_run_cpu(&(hc_plan){.models = cfg, .n_models = 1}, 2, &res, &err), 0);
    for (k = 0; k < OC_N_METRICS; k++)
        for (t = 0; t <= T; t++)
            hc_world_metrics(&res, cfg, 0, t, engine_id[k],
                             engine + ((size_t)k * (size_t)(T + 1) + (size_t)t) * (size_t)W);
    for (w = 0; w < W; w++) {
        oc_result o;
        oc_run_world(&st, (uint32_t)w, &o);
        tally->worlds++;
        for (t = 1; t <= T; t++) {
            const double step = o.wd.logp[t] - o.wd.logp[t - 1] - log(1.0 + o.wd.in.dp) / S;
            tally->jumps += fabs(step) > 4.0 * o.wd.in.sp / sqrt((double)S) + 1e-12; /* a shock, or a tail draw */
        }
        /* firm by firm: the change at every whole year, of every firm without a near tie */
        for (f = 0; f < F; f++) {
            const oc_row *rows = o.rows + f * (T + 1);
            for (y = 0; y <= cfg->years; y++) {
                const double want = 100.0 * (rows[y * S].H / rows[0].H - 1.0);
                const double got = hc_results_firm_change(&res, 0, y)[w * F + f];
                shrinking[y] += rows[y * S].H < rows[0].H;
                unsure[y] += rows[T].near_tie || fabs(want) <= OC_REL * 100.0;
                if (!rows[T].near_tie)
                    oc_check("a firm's change", label, w, y * S, got, want, 100.0, 0.0, &tally->worst_firm);
            }
            tally->firms++;
            tally->firms_compared += !rows[T].near_tie;
            if (w < 2 && !rows[T].near_tie) oc_compare_trace(label, cfg, &st, &o, w, f, tally);
        }
        /* world by world: every metric at every step, unless a firm's path is a near tie */
        if (o.tied_firms == 0) {
            tally->worlds_compared++;
            for (t = 0; t <= T; t++) {
                const double *s = o.sums + (size_t)t * OC_N_SUMS;
                double m[OC_N_METRICS];
                oc_metrics(s, o.sums, cfg->employment, m);
                for (k = 0; k < OC_N_METRICS; k++) {
                    const double got = engine[((size_t)k * (size_t)(T + 1) + (size_t)t) * (size_t)W + (size_t)w];
                    const double scale = k == OC_M_NET_JOBS || k == OC_M_AI_NET_JOBS ? cfg->employment : 100.0;
                    const double allowance = k == OC_M_ROLLED_BACK     ? 100.0 * s[OC_RB_TIE] / s[OC_WSUM]
                                             : k == OC_M_BUDGET_CAPPED ? 100.0 * s[OC_CAPPED_TIE] / s[OC_WSUM]
                                                                       : 0.0;
                    oc_check(oc_metric_names[k], label, w, t, got, m[k], scale, allowance, &tally->worst[k]);
                }
                for (f = 0; f < F; f++) {
                    const oc_row *row = o.rows + f * (T + 1) + t;
                    tally->rolled_back += row->rb;
                    tally->capped += row->capped;
                    tally->uncapped += !row->capped && row->spend > 0.0;
                    tally->no_platform += !row->u;
                    tally->platform += row->u;
                }
            }
        }
        oc_result_free(&o);
    }
    /* the firm-level share below the initial headcount, of every firm */
    for (y = 0; y <= cfg->years; y++)
        if (llabs(res.shrinking[y] - shrinking[y]) > unsure[y])
            fail_msg("%s: firms below their initial headcount at year %d: engine %lld, oracle %lld (%lld unsure)",
                     label, y, (long long)res.shrinking[y], (long long)shrinking[y], (long long)unsure[y]);
    hc_results_free(&res);
    free(engine);
    free(shrinking);
    free(unsure);
}

static void engine_should_agree_with_the_oracle_world_by_world_and_firm_by_firm(void **state)
{
    static const struct {
        int years, S;
        double platform;
        int classes;
    } cases[] = {
        {6, 4, 400000, 0}, {8, 1, 400000, 0}, {4, 12, 400000, 0}, {6, 4, 3e6, 1}, {5, 12, 0, 1}, {6, 1, 1.5e6, 1},
    };
    oc_tally tally;
    size_t i;
    int k;
    (void)state;
    memset(&tally, 0, sizeof(tally));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hc_config cfg;
        char label[96];
        snprintf(label, sizeof(label), "S=%d, platform <= %g, %s", cases[i].S, cases[i].platform,
                 cases[i].classes ? "size classes" : "firms.headcount");
        oc_load(&cfg, cases[i].years, cases[i].S, 24, 40, 4242u + (unsigned)i, cases[i].platform,
                cases[i].classes ? oc_size_classes : oc_headcount);
        oc_compare(label, &cfg, &tally);
        hc_config_free(&cfg);
    }
    print_message("oracle: %lld of %lld worlds and %lld of %lld firms compared (the rest had a near tie); "
                  "firm-steps rolled back %lld, capped %lld, uncapped %lld, without platform %lld, with %lld; "
                  "price jumps %lld\n",
                  (long long)tally.worlds_compared, (long long)tally.worlds, (long long)tally.firms_compared,
                  (long long)tally.firms, (long long)tally.rolled_back, (long long)tally.capped,
                  (long long)tally.uncapped, (long long)tally.no_platform, (long long)tally.platform,
                  (long long)tally.jumps);
    for (k = 0; k < OC_N_METRICS; k++)
        print_message("oracle: worst relative gap %-22s %.2e\n", oc_metric_names[k], tally.worst[k]);
    print_message("oracle: worst relative gap a firm's change       %.2e\n", tally.worst_firm);
    print_message("oracle: worst relative gap in %lld traced firms  %.2e\n", (long long)tally.traced,
                  tally.worst_trace);
    /* The comparison must have exercised what it claims to. */
    assert_true(tally.worlds_compared * 4 >= tally.worlds * 3);
    assert_true(tally.firms_compared * 10 >= tally.firms * 9);
    assert_true(tally.rolled_back > 0 && tally.capped > 0 && tally.uncapped > 0);
    assert_true(tally.no_platform > 0 && tally.platform > 0 && tally.jumps > 0);
}

/* ---- invariants, through the CPU backend and the bands */

static double metric_at(const hc_results *r, const hc_config *c, int s, int64_t w, int t, int metric)
{
    double mm[HC_N_METRICS];
    hc_metrics(hc_results_sums(r, s, w, t), hc_results_sums(r, s, w, 0), c[s].employment, mm);
    return mm[metric];
}

static void zero_exposure_should_mean_no_automation_and_headcount_follows_demand(void **state)
{
    hc_model m;
    hc_config c;
    hc_results res;
    int64_t w;
    int t, r;
    (void)state;
    random_model(&m);
    for (r = 0; r < m.n_roles; r++) m.role_exposure[r] = 0.0f;
    make_config(&c, &m, "no_exposure", 20, 50);
    run(&c, 1, 2, &res);
    for (w = 0; w < c.worlds; w++)
        for (t = 0; t <= m.n_steps; t++) {
            const double *sums = hc_results_sums(&res, 0, w, t);
            assert_true(sums[HC_SUM_A] == 0.0 && sums[HC_SUM_SPEND] == 0.0 && sums[HC_SUM_HS] == 0.0);
            assert_true(fabs(sums[HC_SUM_H] / sums[HC_SUM_HCF] - 1.0) < 1e-6); /* float rounding only */
            assert_true(metric_at(&res, &c, 0, w, t, HC_M_AUTOMATED_EXPOSED) == 0.0);
        }
    hc_results_free(&res);
}

static void enormous_token_price_should_mean_no_automation(void **state)
{
    hc_model m;
    hc_config c;
    hc_results res;
    int64_t w;
    (void)state;
    random_model(&m);
    m.input[HC_IN_PRICE_PER_MTOK] = constant(1e20);
    m.input[HC_IN_ANNUAL_PRICE_CHANGE] = constant(0.0);
    m.input[HC_IN_PRICE_VOLATILITY] = constant(0.0);
    m.input[HC_IN_SHOCK_RATE] = constant(0.0);
    make_config(&c, &m, "expensive", 20, 50);
    run(&c, 1, 2, &res);
    for (w = 0; w < c.worlds; w++) {
        /* Work automated stays nil: no task's compute is below the wage it replaces. */
        assert_true(metric_at(&res, &c, 0, w, m.n_steps, HC_M_DISPLACED) < 1e-9);
        assert_true(metric_at(&res, &c, 0, w, m.n_steps, HC_M_AUTOMATED_EXPOSED) < 1e-9);
    }
    hc_results_free(&res);
}

static void eta_zero_and_no_ai_should_give_zero_ai_effect(void **state)
{
    hc_model m;
    hc_config c;
    hc_results res;
    int64_t w;
    int t;
    (void)state;
    random_model(&m);
    m.input[HC_IN_DEMAND_ELASTICITY] = constant(0.0);
    m.input[HC_IN_CAPABILITY_START] = constant(1e-12); /* AI can do (almost) nothing, ever */
    m.input[HC_IN_CAPABILITY_CEILING] = constant(1e-12);
    make_config(&c, &m, "no_ai", 20, 50);
    run(&c, 1, 1, &res);
    for (w = 0; w < c.worlds; w++)
        for (t = 0; t <= m.n_steps; t++) assert_true(fabs(metric_at(&res, &c, 0, w, t, HC_M_AI_EFFECT)) < 1e-4);
    hc_results_free(&res);
}

static void zero_budget_should_mean_no_compute_spend(void **state)
{
    hc_model m;
    hc_config c;
    hc_results res;
    int64_t w;
    int t;
    (void)state;
    random_model(&m);
    m.input[HC_IN_BUDGET_SHARE] = constant(0.0);
    make_config(&c, &m, "no_budget", 20, 50);
    run(&c, 1, 2, &res);
    for (w = 0; w < c.worlds; w++)
        for (t = 0; t <= m.n_steps; t++) {
            const double *sums = hc_results_sums(&res, 0, w, t);
            assert_true(sums[HC_SUM_SPEND] == 0.0 && sums[HC_SUM_A] == 0.0 && sums[HC_SUM_HS] == 0.0);
        }
    /* every firm wanted to adopt, and every one was held at zero by its budget */
    assert_true(metric_at(&res, &c, 0, 0, m.n_steps, HC_M_BUDGET_CAPPED) == 100.0);
    hc_results_free(&res);
}

static void bands_should_be_ordered_and_finite(void **state)
{
    hc_model m;
    hc_config c;
    hc_results res;
    hc_bands b;
    hc_error err;
    int metric, t, k, year;
    (void)state;
    random_model(&m);
    make_config(&c, &m, "ordered", 200, 40);
    run(&c, 1, 2, &res);
    assert_int_equal(hc_bands_compute(&res, &c, &b, &err), 0);
    for (metric = 0; metric < HC_N_METRICS; metric++)
        for (t = 0; t <= m.n_steps; t++) {
            const double *row = hc_bands_world(&b, 0, metric, t);
            for (k = 0; k < b.np + 2; k++) assert_true(isfinite(row[k]));
            for (k = 1; k < b.np; k++) assert_true(row[k - 1] <= row[k]);
        }
    for (year = 0; year <= m.years; year++) {
        const double *row = hc_bands_firm(&b, 0, year);
        for (k = 0; k < b.np + 3; k++) assert_true(isfinite(row[k]));
        for (k = 1; k < b.np; k++) assert_true(row[k - 1] <= row[k]);
        assert_true(row[b.np + 2] >= 0.0 && row[b.np + 2] <= 1.0);
    }
    /* the spread is real: worlds differ at the horizon */
    assert_true(hc_bands_world(&b, 0, HC_M_AI_EFFECT, m.n_steps)[0] <
                hc_bands_world(&b, 0, HC_M_AI_EFFECT, m.n_steps)[4]);
    /* the probabilities at the horizon count the worlds' own values, strictly below */
    {
        const double thr[2] = {-1.0, 0.5};
        hc_error err2;
        assert_int_equal(hc_bands_probabilities(&b, &res, &c, thr, 2, &err2), 0);
        /* employment: < 0, < -1, < 0.5; AI effect: < 0, > 0, < -1, < 0.5 */
        assert_int_equal(b.probs.n_events, 7);
        assert_true(b.probs.events[4].metric == HC_M_AI_EFFECT && b.probs.events[4].above);
    }
    for (k = 0; k < b.probs.n_events; k++) {
        double values[200];
        int w, count = 0;
        const hc_share *sh = hc_bands_prob(&b, 0, k);
        hc_world_metrics(&res, &c, 0, m.n_steps, b.probs.events[k].metric, values);
        for (w = 0; w < 200; w++)
            count += b.probs.events[k].above ? values[w] > b.probs.events[k].threshold
                                             : values[w] < b.probs.events[k].threshold;
        assert_true(sh->p == count / 200.0);
        assert_true(fabs(sh->mcse - sqrt(sh->p * (1.0 - sh->p) / 200.0)) < 1e-15);
    }
    {
        const double v[5] = {-1.0, 0.0, 2.0, 3.0, -0.0};
        const hc_share down = hc_share_of(v, 5, 0.0, 0), two = hc_share_of(v, 5, 2.0, 0);
        const hc_share up = hc_share_of(v, 5, 0.0, 1);
        assert_true(down.p == 0.2 && two.p == 0.6); /* zero is not below zero; strictly below */
        assert_true(up.p == 0.4);                   /* nor above it: -0.0 and 0.0 neither raise nor lower employment */
        assert_true(fabs(down.mcse - sqrt(0.2 * 0.8 / 5.0)) < 1e-15);
    }
    {
        double th[HC_MAX_THRESHOLDS];
        int n;
        hc_error e;
        assert_int_equal(hc_parse_thresholds("-5,-2", th, &n, &e), 0);
        assert_true(n == 2 && th[0] == -5.0 && th[1] == -2.0);
        assert_int_equal(hc_parse_thresholds("-5,,-2", th, &n, &e), 1);
        assert_int_equal(hc_parse_thresholds("-5,x", th, &n, &e), 1);
        assert_int_equal(hc_parse_thresholds("-5,-5", th, &n, &e), 1);
        assert_int_equal(hc_parse_thresholds("nan", th, &n, &e), 1);
        assert_int_equal(hc_parse_thresholds("", th, &n, &e), 1);
        assert_int_equal(hc_parse_thresholds("1,2,3,4,5,6,7,8,9", th, &n, &e), 1);
        assert_non_null(strstr(e.message, "--threshold"));
    }
    hc_bands_free(&b);
    hc_results_free(&res);
}

static size_t sums_bytes(const hc_results *r)
{
    return (size_t)r->n_scenarios * (size_t)r->worlds * (size_t)(r->n_steps + 1) * (size_t)r->n_sums * sizeof(double);
}

static void results_should_be_identical_for_one_and_two_threads(void **state)
{
    hc_model m;
    hc_config c;
    hc_results one, two;
    (void)state;
    random_model(&m);
    make_config(&c, &m, "threads", 33, 17);
    run(&c, 1, 1, &one);
    run(&c, 1, 2, &two);
    assert_int_equal(one.threads, 1);
    assert_int_equal(two.threads, 2);
    assert_memory_equal(one.sums, two.sums, sums_bytes(&one));
    assert_memory_equal(one.firm_change, two.firm_change,
                        (size_t)(m.years + 1) * (size_t)c.worlds * (size_t)c.firms_per_world * sizeof(float));
    hc_results_free(&one);
    hc_results_free(&two);
}

static void another_seed_should_change_results(void **state)
{
    hc_model m;
    hc_config c;
    hc_results a, b;
    (void)state;
    random_model(&m);
    make_config(&c, &m, "seed", 10, 10);
    run(&c, 1, 2, &a);
    c.model.seed = c.seed = 12346;
    run(&c, 1, 2, &b);
    assert_true(memcmp(a.sums, b.sums, sums_bytes(&a)) != 0);
    hc_results_free(&a);
    hc_results_free(&b);
}

static void a_firm_should_not_depend_on_how_many_firms_share_its_world(void **state)
{
    hc_model m;
    hc_config small, large;
    hc_results a, b;
    int year;
    int64_t w, f;
    (void)state;
    random_model(&m);
    make_config(&small, &m, "small", 6, 10);
    make_config(&large, &m, "large", 6, 25);
    run(&small, 1, 2, &a);
    run(&large, 1, 1, &b);
    for (year = 0; year <= m.years; year++)
        for (w = 0; w < 6; w++)
            for (f = 0; f < 10; f++)
                assert_true(hc_results_firm_change(&a, 0, year)[w * 10 + f] ==
                            hc_results_firm_change(&b, 0, year)[w * 25 + f]);
    hc_results_free(&a);
    hc_results_free(&b);
}

static void same_model_in_two_scenario_slots_should_give_identical_sums(void **state)
{
    hc_model m;
    hc_config c[2];
    hc_results r;
    size_t per_scenario;
    (void)state;
    random_model(&m);
    make_config(&c[0], &m, "first", 12, 9);
    make_config(&c[1], &m, "second", 12, 9);
    run(c, 2, 2, &r);
    per_scenario = 12 * (size_t)(40 + 1) * (size_t)r.n_sums;
    assert_memory_equal(r.sums, r.sums + per_scenario, per_scenario * sizeof(double));
    hc_results_free(&r);
}

static void a_slice_of_worlds_should_equal_the_same_worlds_of_a_whole_run(void **state)
{
    hc_model m;
    hc_config c;
    hc_results whole, slice;
    hc_error err;
    size_t per_world;
    (void)state;
    random_model(&m);
    make_config(&c, &m, "slices", 12, 9);
    run(&c, 1, 2, &whole);
    per_world = (size_t)(40 + 1) * (size_t)whole.n_sums;
    assert_int_equal(hc_results_alloc(&slice, 1, 5, 4, 9, m.n_steps, m.steps_per_year, m.years, m.n_roles, &err), 0);
    assert_int_equal(hc_run_cpu(&(hc_plan){.models = &c, .n_models = 1}, 1, &slice, &err), 0);
    assert_memory_equal(slice.sums, hc_results_sums(&whole, 0, 5, 0), 4 * per_world * sizeof(double));
    hc_results_free(&whole);
    hc_results_free(&slice);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_should_be_the_contracts),
        cmocka_unit_test(engine_should_agree_with_the_oracle_world_by_world_and_firm_by_firm),
        cmocka_unit_test(zero_exposure_should_mean_no_automation_and_headcount_follows_demand),
        cmocka_unit_test(enormous_token_price_should_mean_no_automation),
        cmocka_unit_test(eta_zero_and_no_ai_should_give_zero_ai_effect),
        cmocka_unit_test(zero_budget_should_mean_no_compute_spend),
        cmocka_unit_test(bands_should_be_ordered_and_finite),
        cmocka_unit_test(results_should_be_identical_for_one_and_two_threads),
        cmocka_unit_test(another_seed_should_change_results),
        cmocka_unit_test(a_firm_should_not_depend_on_how_many_firms_share_its_world),
        cmocka_unit_test(same_model_in_two_scenario_slots_should_give_identical_sums),
        cmocka_unit_test(a_slice_of_worlds_should_equal_the_same_worlds_of_a_whole_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
