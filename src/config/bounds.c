/* bounds.c: the float-range analysis. From the span of values each input's sampler can
 * return (dist_kinds.c), bounds on every quantity of a firm's step, refused when one could
 * overflow a float or underflow where the model divides. It restates the arithmetic of
 * include/model/hc_model.h (hc_world_path, hc_firm_step); the price path's step is taken from
 * hc_model.h's own hc_price_step_of, so the two cannot drift there. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* ---- numeric range: what the model's 32-bit floats can hold (docs/hardening.md)
 *
 * A firm's constants, state and step are floats (include/model/hc_model.h). Every distribution
 * has been checked against its input's valid range; here the combinations are: from the
 * values each sampler can actually return and the horizon, bounds on every quantity of a
 * firm's step, refused when one could overflow a float or, where the model divides by it
 * or compares with it, underflow to 0. The bounds multiply extremes of independent
 * inputs, so they are loose: they bind on configs that are extreme in several inputs at
 * once over a long horizon, and the message names the input to clip. The token price is
 * a random walk that no bound holds, so the model saturates the price and caps a firm's
 * compute budget instead (the guards in hc_model.h); the final check in src/analysis/bands.c
 * stays as the last line of defence. */

#define CFG_NUM_CEIL 1e37   /**< the largest a float quantity of a firm may reach: FLT_MAX / 34 */
#define CFG_NUM_FLOOR 1e-30 /**< the smallest a float the model divides by may reach: 1e8 x FLT_MIN */
/** The largest a metric in jobs (population.employment times a firm's change) may reach: its
 * deviations squared, summed over up to 2e9 worlds (the standard deviation, src/analysis/stats.c)
 * and paired across scenarios (src/analysis/compare.c), stay finite. */
#define CFG_MAX_JOBS 1e148

/* (1 + rate)^tau over tau in [0, years], for rate in r. */
static span growth_index(span r, double years)
{
    span s;
    s.lo = fmin(1.0, exp(years * log1p(r.lo)));
    s.hi = fmax(1.0, exp(years * log1p(r.hi)));
    return s;
}

/* The node of a scalar input ("firms.headcount") or of roles[r].FIELD (key "roles[r].x",
 * role r), or of "roles" itself, for naming its file. */
static const cJSON *numeric_node(const cJSON *root, const char *key, int role)
{
    const char *dot = strchr(key, '.');
    char section[32];
    const cJSON *sec;
    if (strncmp(key, "roles", 5) == 0) {
        const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "roles"), role);
        return dot != NULL ? cJSON_GetObjectItemCaseSensitive(r, dot + 1)
                           : cJSON_GetObjectItemCaseSensitive(root, "roles");
    }
    if (dot == NULL || (size_t)(dot - key) >= sizeof section) return NULL;
    snprintf(section, sizeof section, "%.*s", (int)(dot - key), key);
    sec = cJSON_GetObjectItemCaseSensitive(root, section);
    return cJSON_IsObject(sec) ? cJSON_GetObjectItemCaseSensitive(sec, dot + 1) : NULL;
}

/* `FILE: KEY: <message> (the model keeps a firm's numbers in 32-bit floats; see
 * docs/hardening.md)`, with the file KEY's value came from. */
static int fail_numeric(loader *L, const cJSON *root, const char *key, int role, const char *fmt, ...) CFG_PRINTF(5, 6);
static int fail_numeric(loader *L, const cJSON *root, const char *key, int role, const char *fmt, ...)
{
    char msg[900], path[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (strncmp(key, "roles", 5) == 0 && strchr(key, '.') != NULL)
        snprintf(path, sizeof path, "roles[%d]%s", role, strchr(key, '.'));
    else
        snprintf(path, sizeof path, "%s", key);
    return cfg_fail_at(L, numeric_node(root, key, role), path,
                       "%s (the model keeps a firm's numbers in 32-bit floats; see docs/hardening.md)", msg);
}

/* A float the model holds must lie in [lo_min, CFG_NUM_CEIL] (lo_min 0: no lower limit). */
static int check_float_input(loader *L, const cJSON *root, const char *key, int role, span s, double lo_min)
{
    if (s.hi > CFG_NUM_CEIL)
        return fail_numeric(L, root, key, role,
                            "can be as large as %.3g, but at most %.0e works; add \"clip\" or "
                            "use a narrower distribution",
                            s.hi, CFG_NUM_CEIL);
    if (lo_min > 0.0 && s.lo < lo_min)
        return fail_numeric(L, root, key, role,
                            "can be as small as %.3g, but at least %.0e is needed; add \"clip\" "
                            "or use a narrower distribution",
                            s.lo, lo_min);
    return 0;
}

/* What the stages below share: the spans of the inputs and the bounds derived so far. */
typedef struct {
    loader *L;
    const cJSON *root;
    const hc_model *m;
    double Y, S; /* years, steps per year */
    span in[HC_N_SCALAR_INPUTS];
    /* roles */
    double wage_lo, wage_hi, kept_lo, wage_sum_hi, start_frac;
    int wage_lo_role, wage_hi_role;
    /* derived */
    span G, omega; /* demand and wage growth indices over the horizon */
    double Q_hi, demand_hi, o_hi, budget_hi;
    double ratio_hi; /* the most a firm's headcount can grow over its headcount at step 0 */
} bounds;

/* Inputs held as floats (those the model divides by, or scales a log by, need a floor),
 * and the roles' wages, shares and starting automation. */
static int check_inputs_and_roles(bounds *B)
{
    static const int float_inputs[] = {HC_IN_HEADCOUNT,         HC_IN_TASK_COST_DISPERSION, HC_IN_PER_SPECIALIST,
                                       HC_IN_WAGE_OVERSIGHT,    HC_IN_WAGE_SPECIALIST,      HC_IN_DEMAND_ELASTICITY,
                                       HC_IN_NEW_TASK_RATIO,    HC_IN_OVERSIGHT_RATIO,      HC_IN_BUDGET_SHARE,
                                       HC_IN_PLATFORM_COST,     HC_IN_AUGMENTATION_TOKENS,  HC_IN_AUGMENTATION_GAIN,
                                       HC_IN_ROLLBACK_OVERSIGHT};
    const hc_model *m = B->m;
    const span *in = B->in;
    int i, r;
    for (i = 0; i < (int)(sizeof float_inputs / sizeof float_inputs[0]); i++) {
        const int id = float_inputs[i];
        const int divisor = id == HC_IN_HEADCOUNT || id == HC_IN_TASK_COST_DISPERSION || id == HC_IN_PER_SPECIALIST;
        if (check_float_input(B->L, B->root, hc_input_specs[id].key, 0, in[id], divisor ? CFG_NUM_FLOOR : 0.0))
            return 1;
    }
    B->wage_lo = INFINITY;
    for (r = 0; r < m->n_roles; r++) {
        const double s_r = (double)m->role_share[r], x_r = (double)m->role_exposure[r];
        const double a0 = (double)m->role_adoption_start[r];
        const span w = cfg_sample_span(&m->role_wage[r], m->pool);
        if (check_float_input(B->L, B->root, "roles[r].wage", r, w, CFG_NUM_FLOOR)) return 1;
        if (w.lo < B->wage_lo) B->wage_lo = w.lo, B->wage_lo_role = r;
        if (w.hi > B->wage_hi) B->wage_hi = w.hi, B->wage_hi_role = r;
        B->kept_lo += s_r * (1.0 - x_r) * w.lo;
        B->wage_sum_hi += s_r * w.hi;
        /* Headcount at step 0 over H0: a share a <= a0 of the role is automated, and an
         * automated FTE leaves o0 + nu FTE of oversight and new tasks. */
        B->start_frac += s_r *
                         fmin(1.0,
                              1.0 - a0 * (1.0 - fmin(1.0, in[HC_IN_OVERSIGHT_RATIO].lo + in[HC_IN_NEW_TASK_RATIO].lo)));
    }
    return 0;
}

/* Capability divides by c0; the price path's logarithm, step by step at most: drift,
 * noise (|z| <= z_max) and a shock, each as hc_world_path takes it (hc_price_step_of,
 * include/model/hc_model.h). It only has to stay a finite double: the model saturates the
 * price itself. */
static int check_capability_and_price(bounds *B)
{
    const span *in = B->in;
    const hc_price_step lo = hc_price_step_of(in[HC_IN_ANNUAL_PRICE_CHANGE].lo, in[HC_IN_PRICE_VOLATILITY].lo,
                                              in[HC_IN_SHOCK_MULTIPLIER].lo, B->S);
    const hc_price_step hi = hc_price_step_of(in[HC_IN_ANNUAL_PRICE_CHANGE].hi, in[HC_IN_PRICE_VOLATILITY].hi,
                                              in[HC_IN_SHOCK_MULTIPLIER].hi, B->S);
    double log_p_bound;
    /* The mean over the median of a task's lognormal cost, exp(s^2/2), is a float. */
    if (!(0.5 * in[HC_IN_TASK_COST_DISPERSION].hi * in[HC_IN_TASK_COST_DISPERSION].hi < log(CFG_NUM_CEIL)))
        return fail_numeric(B->L, B->root, "inference.task_cost_dispersion", 0,
                            "can be as large as %.3g, but exp(s^2/2) must stay below %.0e",
                            in[HC_IN_TASK_COST_DISPERSION].hi, CFG_NUM_CEIL);
    if (!isfinite(1.0 / in[HC_IN_CAPABILITY_START].lo))
        return fail_numeric(B->L, B->root, "capability.start", 0,
                            "can be as small as %.3g, and the model divides by it", in[HC_IN_CAPABILITY_START].lo);
    log_p_bound = fmax(fabs(log(in[HC_IN_PRICE_PER_MTOK].lo)), fabs(log(in[HC_IN_PRICE_PER_MTOK].hi))) +
                  (double)B->m->n_steps * (fmax(fabs(lo.drift), fabs(hi.drift)) + hi.vol * cfg_z_max() +
                                           fmax(fabs(lo.log_jump), fabs(hi.log_jump)));
    if (!(log_p_bound < 1e300))
        return fail_numeric(B->L, B->root, "inference.price_volatility", 0,
                            "with the other inference inputs, the log of the token price could reach %.3g",
                            log_p_bound);
    return 0;
}

/* Demand H0 (1+g)^tau Q, Q = U^-eta, where U >= the wages kept by the unexposed share of
 * work over all wages (the guard in hc_model.h keeps Q within [HC_Q_MIN, HC_Q_MAX]); wages
 * W = w_r omega_t, which the model divides by; and the wage bill, which sums D W. */
static int check_demand_and_wages(bounds *B)
{
    const span *in = B->in;
    const int years = B->m->years;
    double U_lo;
    int low;
    B->G = growth_index(in[HC_IN_DEMAND_GROWTH], B->Y);
    if (B->G.lo < CFG_NUM_FLOOR || in[HC_IN_HEADCOUNT].lo * B->G.lo < CFG_NUM_FLOOR)
        return fail_numeric(B->L, B->root, "firms.demand_growth", 0,
                            "can be as low as %.6g: over %d years a firm's labour demand without AI can shrink "
                            "%.3g-fold (from firms.headcount %.3g)",
                            in[HC_IN_DEMAND_GROWTH].lo, years, 1.0 / B->G.lo, in[HC_IN_HEADCOUNT].lo);
    U_lo = fmax((double)FLT_MIN, B->kept_lo / B->wage_sum_hi);
    B->Q_hi = in[HC_IN_DEMAND_ELASTICITY].hi > 0.0 ? fmin((double)HC_Q_MAX, pow(U_lo, -in[HC_IN_DEMAND_ELASTICITY].hi))
                                                   : 1.0;
    B->demand_hi = in[HC_IN_HEADCOUNT].hi * B->G.hi * B->Q_hi;
    if (B->G.hi > CFG_NUM_CEIL || B->demand_hi > CFG_NUM_CEIL)
        return fail_numeric(B->L, B->root, "firms.demand_growth", 0,
                            "can be as high as %.6g: over %d years a firm's labour demand (firms.headcount up to "
                            "%.3g, demand multiplier up to %.3g) can grow to %.3g",
                            in[HC_IN_DEMAND_GROWTH].hi, years, in[HC_IN_HEADCOUNT].hi, B->Q_hi, B->demand_hi);
    B->omega = growth_index(in[HC_IN_WAGE_GROWTH], B->Y);
    low = B->omega.lo < CFG_NUM_FLOOR || B->wage_lo * B->omega.lo < CFG_NUM_FLOOR;
    if (low || B->omega.hi > CFG_NUM_CEIL || B->wage_hi * B->omega.hi > CFG_NUM_CEIL)
        return fail_numeric(B->L, B->root, "wages.annual_growth", 0,
                            "ranges over [%.6g, %.6g]: over %d years the wage index reaches %.3g, so wages "
                            "(roles[%d].wage %s %.3g) can %s %.3g",
                            in[HC_IN_WAGE_GROWTH].lo, in[HC_IN_WAGE_GROWTH].hi, years, low ? B->omega.lo : B->omega.hi,
                            low ? B->wage_lo_role : B->wage_hi_role, low ? "from" : "up to",
                            low ? B->wage_lo : B->wage_hi, low ? "fall to" : "reach",
                            low ? B->wage_lo * B->omega.lo : B->wage_hi * B->omega.hi);
    if (B->demand_hi * B->wage_hi * B->omega.hi > CFG_NUM_CEIL)
        return fail_numeric(B->L, B->root, B->G.hi > B->omega.hi ? "firms.demand_growth" : "wages.annual_growth", 0,
                            "over %d years, labour demand up to %.3g FTE per firm (firms.headcount up to %.3g, "
                            "demand growth index up to %.3g, demand multiplier up to %.3g) at wages up to %.3g "
                            "(wage index up to %.3g) makes a wage bill of %.3g",
                            years, B->demand_hi, in[HC_IN_HEADCOUNT].hi, B->G.hi, B->Q_hi, B->wage_hi * B->omega.hi,
                            B->omega.hi, B->demand_hi * B->wage_hi * B->omega.hi);
    return 0;
}

/* Oversight per automated FTE, o0 e_t / e0 <= o0 min((1+de)^tau, 1/e0), with the new
 * tasks' staff and their wage bill; and the planned cost factor (1+dh)^h. */
static int check_oversight_and_plans(bounds *B)
{
    const span *in = B->in;
    const span err_index = growth_index(in[HC_IN_ANNUAL_ERROR_CHANGE], B->Y);
    double staff_hi, pf_hi;
    B->o_hi = in[HC_IN_OVERSIGHT_RATIO].hi == 0.0
                  ? 0.0
                  : in[HC_IN_OVERSIGHT_RATIO].hi *
                        fmax(1.0, in[HC_IN_ERROR_RATE_START].lo > 0.0
                                      ? fmin(err_index.hi, 1.0 / in[HC_IN_ERROR_RATE_START].lo)
                                      : err_index.hi);
    if (!(B->o_hi <= CFG_NUM_CEIL))
        return fail_numeric(B->L, B->root, "capability.annual_error_change", 0,
                            "can be as high as %.6g: over %d years oversight per automated FTE "
                            "(labor.oversight_ratio up to %.3g) can reach %.3g",
                            in[HC_IN_ANNUAL_ERROR_CHANGE].hi, B->m->years, in[HC_IN_OVERSIGHT_RATIO].hi, B->o_hi);
    staff_hi = (B->o_hi + in[HC_IN_NEW_TASK_RATIO].hi) * B->demand_hi;
    if (!(staff_hi <= CFG_NUM_CEIL) || !(B->o_hi * in[HC_IN_WAGE_OVERSIGHT].hi * B->omega.hi <= CFG_NUM_CEIL) ||
        !(staff_hi * in[HC_IN_WAGE_OVERSIGHT].hi * B->omega.hi <= CFG_NUM_CEIL))
        return fail_numeric(B->L, B->root, "wages.oversight", 0,
                            "up to %.3g, with up to %.3g oversight and new-task FTE per firm and a wage index up "
                            "to %.3g, makes their wage bill reach %.3g",
                            in[HC_IN_WAGE_OVERSIGHT].hi, staff_hi, B->omega.hi,
                            staff_hi * in[HC_IN_WAGE_OVERSIGHT].hi * B->omega.hi);
    pf_hi = fmax(1.0, pow(1.0 + in[HC_IN_EXPECTED_PRICE_CHANGE].hi, in[HC_IN_PLANNING_HORIZON].hi));
    if (!(pf_hi <= CFG_NUM_CEIL))
        return fail_numeric(B->L, B->root, "firms.expected_price_change", 0,
                            "up to %.6g over a firms.planning_horizon of up to %.3g years makes the planned "
                            "cost factor (1 + dh)^h reach %.3g",
                            in[HC_IN_EXPECTED_PRICE_CHANGE].hi, in[HC_IN_PLANNING_HORIZON].hi, pf_hi);
    return 0;
}

/* The compute bill is at most the budget b W0 (1+gb)^tau, W0 = H0 sum_r s_r w_r, which the
 * model caps at HC_BUDGET_MAX; the specialists it pays for are bill / m_s. A firm's change
 * is H_t over its headcount at step 0, which must not be 0. */
static int check_budget_and_change(bounds *B)
{
    const span *in = B->in;
    const span budget_index = growth_index(in[HC_IN_BUDGET_GROWTH], B->Y);
    double Hs_hi, ratio_hi;
    B->budget_hi = fmin((double)HC_BUDGET_MAX,
                        in[HC_IN_BUDGET_SHARE].hi * in[HC_IN_HEADCOUNT].hi * B->wage_hi * budget_index.hi);
    Hs_hi = B->budget_hi / in[HC_IN_PER_SPECIALIST].lo;
    if (!(Hs_hi <= CFG_NUM_CEIL) || !(Hs_hi * in[HC_IN_WAGE_SPECIALIST].hi * B->omega.hi <= CFG_NUM_CEIL))
        return fail_numeric(B->L, B->root, "compute.per_specialist", 0,
                            "can be as small as %.3g: a compute budget of up to %.3g then pays for %.3g AI "
                            "specialists (wages.specialist up to %.3g)",
                            in[HC_IN_PER_SPECIALIST].lo, B->budget_hi, Hs_hi, in[HC_IN_WAGE_SPECIALIST].hi);
    if (!(in[HC_IN_HEADCOUNT].lo * B->start_frac >= CFG_NUM_FLOOR))
        return fail_numeric(B->L, B->root, "roles", 0,
                            "every role starts fully automated (adoption_start 1) with no oversight or new tasks "
                            "(labor.oversight_ratio and labor.new_task_ratio can be 0), so a firm's headcount at "
                            "step 0 can be 0 and its change undefined");
    /* H_t / H at step 0, both per unit of H0: specialists per H0 are at most the budget per
     * H0 over m_s. */
    ratio_hi = (B->G.hi * B->Q_hi * (1.0 + B->o_hi + in[HC_IN_NEW_TASK_RATIO].hi) +
                fmin(in[HC_IN_BUDGET_SHARE].hi * B->wage_hi * budget_index.hi, B->budget_hi / in[HC_IN_HEADCOUNT].lo) /
                    in[HC_IN_PER_SPECIALIST].lo) /
               B->start_frac;
    if (!(100.0 * ratio_hi <= CFG_NUM_CEIL))
        return fail_numeric(B->L, B->root, "roles", 0,
                            "a firm's headcount can start as low as %.3g of firms.headcount (adoption_start) and "
                            "grow %.3g-fold from there",
                            B->start_frac, ratio_hi);
    B->ratio_hi = ratio_hi;
    return 0;
}

int cfg_validate_numeric_range(loader *L, const cJSON *root)
{
    bounds B;
    int i;
    memset(&B, 0, sizeof B);
    B.L = L;
    B.root = root;
    B.m = &L->out->model;
    B.Y = (double)B.m->years;
    B.S = (double)B.m->steps_per_year;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) B.in[i] = cfg_sample_span(&B.m->input[i], B.m->pool);
    if (check_inputs_and_roles(&B) || check_capability_and_price(&B) || check_demand_and_wages(&B) ||
        check_oversight_and_plans(&B) || check_budget_and_change(&B))
        return 1;
    if (!(L->out->employment * (B.ratio_hi + 1.0) <= CFG_MAX_JOBS))
        return fail_numeric(L, root, "population.employment", 0,
                            "is %.3g: with a firm's headcount growing up to %.3g-fold, a metric in jobs could reach "
                            "%.3g, over the limit %.0e (its standard deviation across worlds must stay finite)",
                            L->out->employment, B.ratio_hi, L->out->employment * (B.ratio_hi + 1.0), CFG_MAX_JOBS);
    return 0;
}
