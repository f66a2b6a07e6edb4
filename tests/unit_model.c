/* unit_model.c: the model (include/model/hc_model.h) and the CPU backend against
 *  - an independent double-precision reading of MODEL.md's equations for one firm,
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
#include "hc_bands.h"
#include "hc_engine.h"
#include "model/hc_model.h"

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

static void run(const hc_config *cfg, int n, int threads, hc_results *res)
{
    hc_error err;
    assert_int_equal(hc_results_alloc(res, n, 0, cfg[0].worlds, cfg[0].firms_per_world, cfg[0].model.n_steps,
                                      cfg[0].steps_per_year, cfg[0].years, &err), 0);
    assert_int_equal(hc_run_cpu(&(hc_plan){.models = cfg, .n_models = n}, threads, res, &err), 0);
}

/* ---- the oracle: removed with model 1. v1's double-precision reading of MODEL.md
 * (firm_path_should_match_a_double_precision_reading_of_model_md) no longer applies; its
 * replacement, written from docs/model.md v2 alone, comes from a separate worktree. */

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
        /* Work automated stays nil. (The AI effect need not be 0: with beta < 1 the bill
         * a*K grows like C^(1-beta), so firms still spend their budget and hire
         * specialists; docs/model.md "Interpretations".) */
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
            for (k = 0; k < HC_BAND_WORLD_COLS(&b); k++) assert_true(isfinite(row[k]));
            for (k = 1; k < b.np; k++) assert_true(row[k - 1] <= row[k]);
        }
    for (year = 0; year <= m.years; year++) {
        const double *row = hc_bands_firm(&b, 0, year);
        for (k = 0; k < HC_BAND_FIRM_COLS(&b); k++) assert_true(isfinite(row[k]));
        for (k = 1; k < b.np; k++) assert_true(row[k - 1] <= row[k]);
        assert_true(row[b.np + 2] >= 0.0 && row[b.np + 2] <= 1.0);
    }
    /* the spread is real: worlds differ at the horizon */
    assert_true(hc_bands_world(&b, 0, HC_M_AI_EFFECT, m.n_steps)[0] <
                hc_bands_world(&b, 0, HC_M_AI_EFFECT, m.n_steps)[4]);
    /* the shares of worlds at the horizon count the worlds' own values, strictly */
    for (k = 0; k < HC_N_SHARES; k++) {
        double values[200];
        int w, count = 0;
        const hc_share *sh = hc_bands_share(&b, 0, k);
        hc_world_metrics(&res, &c, 0, m.n_steps, hc_share_infos[k].metric, values);
        for (w = 0; w < 200; w++) count += hc_share_infos[k].sign > 0 ? values[w] > 0.0 : values[w] < 0.0;
        assert_true(sh->p == count / 200.0);
        assert_true(fabs(sh->mcse - sqrt(sh->p * (1.0 - sh->p) / 200.0)) < 1e-15);
    }
    {
        const double v[5] = {-1.0, 0.0, 2.0, 3.0, -0.0};
        const hc_share up = hc_share_of(v, 5, +1), down = hc_share_of(v, 5, -1);
        assert_true(up.p == 0.4 && down.p == 0.2); /* zero is neither */
        assert_true(fabs(up.mcse - sqrt(0.4 * 0.6 / 5.0)) < 1e-15);
    }
    hc_bands_free(&b);
    hc_results_free(&res);
}

static size_t sums_bytes(const hc_results *r)
{
    return (size_t)r->n_scenarios * (size_t)r->worlds * (size_t)(r->n_steps + 1) * HC_N_SUMS * sizeof(double);
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
    const size_t per_scenario = 12 * (size_t)(40 + 1) * HC_N_SUMS;
    (void)state;
    random_model(&m);
    make_config(&c[0], &m, "first", 12, 9);
    make_config(&c[1], &m, "second", 12, 9);
    run(c, 2, 2, &r);
    assert_memory_equal(r.sums, r.sums + per_scenario, per_scenario * sizeof(double));
    hc_results_free(&r);
}

static void a_slice_of_worlds_should_equal_the_same_worlds_of_a_whole_run(void **state)
{
    hc_model m;
    hc_config c;
    hc_results whole, slice;
    hc_error err;
    const size_t per_world = (size_t)(40 + 1) * HC_N_SUMS;
    (void)state;
    random_model(&m);
    make_config(&c, &m, "slices", 12, 9);
    run(&c, 1, 2, &whole);
    assert_int_equal(hc_results_alloc(&slice, 1, 5, 4, 9, m.n_steps, m.steps_per_year, m.years, &err), 0);
    assert_int_equal(hc_run_cpu(&(hc_plan){.models = &c, .n_models = 1}, 1, &slice, &err), 0);
    assert_memory_equal(slice.sums, hc_results_sums(&whole, 0, 5, 0), 4 * per_world * sizeof(double));
    hc_results_free(&whole);
    hc_results_free(&slice);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
