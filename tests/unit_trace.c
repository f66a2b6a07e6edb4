/* unit_trace.c: the replay of one firm (src/engines/trace.c) against the full run of the CPU
 * backend, bit for bit: a traced firm's change at every whole year equals what the run
 * stored for it, and a world of one firm sums exactly the traced firm's outputs. Also the
 * values the trace reads around hc_firm_step (tentative adoption, budget, demand) against
 * the step's own outputs, the per-role sums (roles.csv) against the trace's roles, and the
 * choice of firms at percentiles of the horizon outcome.
 * Run from the repository root: it loads configs/cuts.json and configs/growth.json. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hc_engine.h"
#include "hc_trace.h"

/* |got - want| <= tol * max(1, |want|) */
#define assert_rel(got, want, tol)                                                              \
    do {                                                                                        \
        double ar_got = (got), ar_want = (want);                                                \
        if (!(fabs(ar_got - ar_want) <= (tol) * fmax(1.0, fabs(ar_want))))                     \
            fail_msg("%s = %.9g, expected %.9g (tolerance %g)", #got, ar_got, ar_want, (double)(tol)); \
    } while (0)

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

/* The shipped config at a small size, with `key` set to the JSON `value` when key is not
 * NULL: for tests that need a property (firms of different sizes, some over budget and
 * some not) whatever the shipped calibration says. */
static void load_with(const char *path, const char *worlds, const char *firms, const char *years,
                      const char *key, const char *value, hc_config *cfg)
{
    hc_override ov[4] = {{"simulation.worlds", worlds}, {"simulation.firms_per_world", firms},
                         {"simulation.years", years}, {key, value}};
    hc_error err;
    if (hc_config_load(path, ov, key ? 4 : 3, cfg, &err) != 0) fail_msg("%s: %s", path, err.message);
}

static void load(const char *path, const char *worlds, const char *firms, const char *years, hc_config *cfg)
{
    load_with(path, worlds, firms, years, NULL, NULL, cfg);
}

static void run(const hc_config *cfg, hc_results *res)
{
    hc_error err;
    if (hc_results_alloc(res, 1, 0, cfg->worlds, cfg->firms_per_world, cfg->model.n_steps, cfg->steps_per_year,
                         cfg->years, cfg->model.n_roles, &err) != 0 ||
        hc_run_cpu(&(hc_plan){.models = cfg, .n_models = 1}, 1, res, &err) != 0)
        fail_msg("run: %s", err.message);
}

static void trace(const hc_config *cfg, uint32_t w, uint32_t f, hc_trace *tr)
{
    hc_error err;
    if (hc_trace_firm(cfg, w, f, tr, &err) != 0) fail_msg("trace: %s", err.message);
}

// ---- the replay against the run

static void traced_change_should_equal_the_runs_firm_change_bit_for_bit(void **state)
{
    static const char *const configs[] = {"configs/cuts.json", "configs/growth.json"};
    size_t k;
    (void)state;
    for (k = 0; k < 2; k++) {
        hc_config cfg;
        hc_results res;
        int64_t w, f;
        int checked = 0;
        load(configs[k], "3", "7", "3", &cfg);
        run(&cfg, &res);
        for (w = 0; w < cfg.worlds; w++)
            for (f = 0; f < cfg.firms_per_world; f++) {
                hc_trace tr;
                int y;
                trace(&cfg, (uint32_t)w, (uint32_t)f, &tr);
                for (y = 0; y <= cfg.years; y++) {
                    const float stored = hc_results_firm_change(&res, 0, y)[w * cfg.firms_per_world + f];
                    const float traced = tr.steps[y * cfg.steps_per_year].change_pct;
                    if (!same_bits(traced, stored))
                        fail_msg("%s world %lld firm %lld year %d: traced %.9g, run %.9g", configs[k], (long long)w,
                                 (long long)f, y, (double)traced, (double)stored);
                    checked++;
                }
                hc_trace_free(&tr);
            }
        print_message("# %s: %d firm-years identical\n", configs[k], checked);
        hc_results_free(&res);
        hc_config_free(&cfg);
    }
}

static void a_one_firm_world_should_sum_exactly_the_traced_firm(void **state)
{
    hc_config cfg;
    hc_results res;
    int64_t w;
    (void)state;
    load("configs/growth.json", "4", "1", "5", &cfg);
    run(&cfg, &res);
    for (w = 0; w < cfg.worlds; w++) {
        hc_trace tr;
        int t;
        trace(&cfg, (uint32_t)w, 0u, &tr);
        for (t = 0; t <= cfg.model.n_steps; t++) {
            const double *sums = hc_results_sums(&res, 0, w, t);
            double mine[HC_N_SUMS];
            int i;
            memset(mine, 0, sizeof mine);
            hc_firm_accumulate(mine, &tr.steps[t].out);
            for (i = 0; i < HC_N_SUMS; i++)
                if (memcmp(&mine[i], &sums[i], sizeof(double)) != 0)
                    fail_msg("world %lld step %d sum %d: traced %.17g, run %.17g", (long long)w, t, i, mine[i],
                             sums[i]);
            {
                double roles[HC_N_ROLE_SUMS * HC_MAX_ROLES];
                memset(roles, 0, sizeof roles);
                hc_firm_accumulate_roles(roles, &tr.steps[t].out, cfg.model.n_roles);
                if (memcmp(roles, sums + HC_N_SUMS, sizeof(double) * HC_N_ROLE_SUMS * (size_t)cfg.model.n_roles))
                    fail_msg("world %lld step %d: the role sums differ from the traced firm's", (long long)w, t);
            }
        }
        hc_trace_free(&tr);
    }
    hc_results_free(&res);
    hc_config_free(&cfg);
}

// ---- the per-role sums (roles.csv)

/* Each role's sums, recomputed in double from what the trace reads per role (demand D_r,
 * adoption a_r, assistance g_r) as docs/model.md "Outputs" defines them, against the run's;
 * and the roles' people adding up to the people in roles, Hr = H - Ho - Hn - Hs - Hp. A
 * role's sums stored under another role fail: the shipped roles differ in share. */
static void role_sums_should_match_the_trace_and_add_up_to_the_people_in_roles(void **state)
{
    hc_config cfg;
    hc_results res;
    int64_t w;
    (void)state;
    load("configs/cuts.json", "2", "7", "3", &cfg);
    run(&cfg, &res);
    for (w = 0; w < cfg.worlds; w++) {
        const int R = cfg.model.n_roles, T = cfg.model.n_steps;
        double *want = (double *)calloc((size_t)(T + 1) * (size_t)(R * HC_N_ROLE_SUMS + 1), sizeof(double));
        int64_t f;
        int t, r;
        assert_non_null(want);
        for (f = 0; f < cfg.firms_per_world; f++) {
            hc_trace tr;
            double aug_people;
            trace(&cfg, (uint32_t)w, (uint32_t)f, &tr);
            aug_people = tr.world_inputs.in[HC_IN_AUGMENTATION_GAIN] / (1.0 + tr.world_inputs.in[HC_IN_AUGMENTATION_GAIN]);
            for (t = 0; t <= T; t++) {
                double *row = want + (size_t)t * (size_t)(R * HC_N_ROLE_SUMS + 1);
                for (r = 0; r < R; r++) {
                    const hc_trace_role *q = hc_trace_role_at(&tr, t, r);
                    const double D = q->demand, a = q->adoption, g = q->assisted;
                    row[r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE] += tr.weight * D * (1.0 - a - g * aug_people);
                    row[r * HC_N_ROLE_SUMS + HC_RSUM_AUTOMATED] += tr.weight * a * D;
                }
                row[R * HC_N_ROLE_SUMS] += tr.weight * (double)tr.steps[t].people_in_roles;
            }
            hc_trace_free(&tr);
        }
        for (t = 0; t <= T; t++) {
            const double *sums = hc_results_sums(&res, 0, w, t), *row = want + (size_t)t * (size_t)(R * HC_N_ROLE_SUMS + 1);
            double people = 0.0;
            for (r = 0; r < R; r++) {
                assert_rel(sums[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE], row[r * HC_N_ROLE_SUMS], 1e-5);
                assert_rel(sums[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_AUTOMATED], row[r * HC_N_ROLE_SUMS + 1], 1e-5);
                people += sums[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE];
            }
            assert_rel(people, row[R * HC_N_ROLE_SUMS], 1e-5);
            assert_rel(people, sums[HC_SUM_H] - sums[HC_SUM_HO] - sums[HC_SUM_HN] - sums[HC_SUM_HS] - sums[HC_SUM_HP],
                       1e-5);
        }
        free(want);
    }
    hc_results_free(&res);
    hc_config_free(&cfg);
}

/* A role with exposure 0 is never automated or assisted (a = min(a^, x c Phi) = 0, g = 0),
 * so its people are its demand D_r = s_r H0 (1+g)^tau Q_{t-1}: automated_share_pct is 0,
 * and ai_effect_pct is the demand effect alone, 100 (sum w H0 (1+g)^tau Q_{t-1} / sum w
 * H0 (1+g)^tau - 1), the same for every such role, and 0 at step 0 (Q = 1). */
static void a_role_with_no_exposure_should_show_only_the_demand_effect(void **state)
{
    hc_config cfg;
    hc_results res;
    int64_t w;
    int role = -1, r, t;
    (void)state;
    load_with("configs/cuts.json", "4", "50", "4", "roles.non_office.exposure", "0", &cfg);
    for (r = 0; r < cfg.model.n_roles; r++)
        if (strcmp(cfg.role_names[r], "non_office") == 0) role = r;
    assert_true(role >= 0);
    run(&cfg, &res);
    for (w = 0; w < cfg.worlds; w++)
        for (t = 0; t <= cfg.model.n_steps; t++) {
            const double *sums = hc_results_sums(&res, 0, w, t);
            double m[HC_N_ROLE_METRICS];
            hc_role_metrics(sums, hc_results_sums(&res, 0, w, 0), role, (double)cfg.model.role_share[role], m);
            assert_true(m[HC_RM_AUTOMATED_SHARE] == 0.0);
            assert_true(sums[HC_N_SUMS + role * HC_N_ROLE_SUMS + HC_RSUM_AUTOMATED] == 0.0);
            assert_rel(m[HC_RM_AI_EFFECT], 100.0 * (sums[HC_SUM_DEMAND] / sums[HC_SUM_HCF] - 1.0), 1e-5);
            if (t == 0) assert_rel(m[HC_RM_AI_EFFECT], 0.0, 1e-5);
        }
    {
        /* cuts automates its exposed roles: a role that is exposed is not a demand effect */
        double m[HC_N_ROLE_METRICS];
        const double *sums = hc_results_sums(&res, 0, 0, cfg.model.n_steps);
        hc_role_metrics(sums, hc_results_sums(&res, 0, 0, 0), 0, (double)cfg.model.role_share[0], m);
        assert_true(m[HC_RM_AUTOMATED_SHARE] > 1.0);
    }
    hc_results_free(&res);
    hc_config_free(&cfg);
}

static void traced_inputs_should_be_what_the_firm_was_built_from(void **state)
{
    hc_config cfg;
    hc_trace tr;
    hc_world_inputs wi;
    hc_firm f;
    int r;
    (void)state;
    load_with("configs/cuts.json", "10", "50", "2", "firms.size_alpha", "1.2", &cfg);
    trace(&cfg, 7u, 31u, &tr);
    hc_world_sample(&cfg.model, 7u, &wi);
    hc_firm_sample(&cfg.model, 7u, 31u, &wi, &f);
    assert_memory_equal(wi.in, tr.world_inputs.in, sizeof wi.in);
    assert_memory_equal(wi.tokens, tr.world_inputs.tokens, (size_t)tr.n_roles * sizeof(double));
    assert_true(same_bits(f.H0, (float)tr.firm_inputs[HC_IN_HEADCOUNT]));
    assert_true(same_bits(f.platform_cost, (float)tr.firm_inputs[HC_IN_PLATFORM_COST]));
    assert_true(same_bits(f.per_specialist, (float)tr.firm_inputs[HC_IN_PER_SPECIALIST]));
    assert_true(same_bits(f.wage_oversight, (float)tr.firm_inputs[HC_IN_WAGE_OVERSIGHT]));
    for (r = 0; r < tr.n_roles; r++) assert_true(same_bits(f.wage[r], (float)tr.role_wage[r]));
    /* another firm of the same world draws other inputs */
    hc_trace_free(&tr);
    trace(&cfg, 7u, 32u, &tr);
    assert_false(same_bits(f.H0, (float)tr.firm_inputs[HC_IN_HEADCOUNT]));
    hc_trace_free(&tr);
    hc_config_free(&cfg);
}

/* Budgets from tiny to ample: both branches of the budget check, and roll-back as the
 * automated share falling over a whole year. */
static void tentative_adoption_and_budget_should_explain_every_capped_step(void **state)
{
    hc_config cfg;
    int w, f, capped = 0, kept = 0;
    (void)state;
    load_with("configs/growth.json", "6", "6", "4", "compute.budget_share",
              "{\"dist\": \"lognormal\", \"p5\": 0.00001, \"p95\": 0.1}", &cfg);
    for (w = 0; w < 6; w++)
        for (f = 0; f < 6; f++) {
            hc_trace tr;
            const int S = cfg.steps_per_year;
            int t, r;
            trace(&cfg, (uint32_t)w, (uint32_t)f, &tr);
            for (t = 0; t <= tr.n_steps; t++) {
                const hc_trace_step *st = &tr.steps[t];
                assert_int_equal(st->out.capped, st->spend_tentative > st->budget);
                if (t % S == 0)
                    assert_int_equal(st->out.rolled_back, t > 0 && st->alpha < tr.steps[t - S].alpha);
                else
                    assert_int_equal(st->out.rolled_back, tr.steps[t - 1].out.rolled_back);
                for (r = 0; r < tr.n_roles; r++) {
                    const hc_trace_role *q = hc_trace_role_at(&tr, t, r);
                    if (st->out.capped)
                        assert_rel(q->adoption, q->adoption_tentative * st->budget / st->spend_tentative, 1e-5);
                    else
                        assert_true(same_bits(q->adoption, q->adoption_tentative));
                    if (t > 0) assert_true(same_bits(q->adoption_prev, hc_trace_role_at(&tr, t - 1, r)->adoption));
                }
                if (st->out.capped) {
                    assert_rel(st->out.spend, st->budget, 1e-5);
                    capped++;
                } else {
                    assert_true(same_bits(st->out.spend, st->spend_tentative));
                    kept++;
                }
            }
            hc_trace_free(&tr);
        }
    print_message("# %d firm-steps capped by the budget, %d not\n", capped, kept);
    assert_true(capped > 0 && kept > 0);
    hc_config_free(&cfg);
}

static void headcount_components_should_add_up(void **state)
{
    hc_config cfg;
    hc_trace tr;
    int t, r;
    (void)state;
    load("configs/cuts.json", "2", "2", "10", &cfg);
    trace(&cfg, 1u, 1u, &tr);
    for (t = 0; t <= tr.n_steps; t++) {
        const hc_trace_step *st = &tr.steps[t];
        const float Q_prev = t > 0 ? tr.steps[t - 1].Q : 1.0f;
        double demand = 0.0, automated = 0.0;
        for (r = 0; r < tr.n_roles; r++) {
            demand += hc_trace_role_at(&tr, t, r)->demand;
            automated += hc_trace_role_at(&tr, t, r)->adoption * hc_trace_role_at(&tr, t, r)->demand;
        }
        assert_rel(demand, (double)st->out.Hcf * Q_prev, 1e-5);
        assert_rel(automated, st->out.A, 1e-5);
        assert_rel(st->out.H, (double)st->people_in_roles + st->out.Ho + st->out.Hn + st->out.Hs + st->out.Hp, 1e-5);
    }
    assert_true(tr.steps[tr.n_steps].out.A > 0.0f); /* cuts automates: the test is not vacuous */
    hc_trace_free(&tr);
    hc_config_free(&cfg);
}

// ---- firms at percentiles

static void pick_should_take_the_nearest_rank_with_ties_by_world_then_firm(void **state)
{
    /* 2 worlds x 3 firms, horizon year 1: values by index w * 3 + f */
    static const float change[6] = {5.0f, -1.0f, 2.0f, 2.0f, 9.0f, 2.0f};
    static const double p[5] = {0.0, 25.0, 50.0, 75.0, 100.0};
    hc_results res;
    hc_traced_firm out[5];
    hc_error err;
    (void)state;
    assert_int_equal(hc_results_alloc(&res, 1, 10, 2, 3, 4, 4, 1, 1, &err), 0);
    memcpy(hc_results_firm_change(&res, 0, 1), change, sizeof change);
    assert_int_equal(hc_trace_pick(&res, 0, p, 5, out, &err), 0);
    /* sorted: -1 (0,1), 2 (0,2), 2 (1,0), 2 (1,2), 5 (0,0), 9 (1,1); ranks round(5 p / 100) */
    assert_int_equal(out[0].world, 10); /* world ids count from the slice's first world */
    assert_int_equal(out[0].firm, 1);
    assert_int_equal(out[1].world, 10); /* rank 1 (1.25) */
    assert_int_equal(out[1].firm, 2);
    assert_int_equal(out[2].world, 11); /* rank 3 (2.5 rounds up) */
    assert_int_equal(out[2].firm, 2);
    assert_int_equal(out[3].world, 10); /* rank 4 (3.75) */
    assert_int_equal(out[3].firm, 0);
    assert_int_equal(out[4].world, 11);
    assert_int_equal(out[4].firm, 1);
    assert_true(out[4].change_pct == 9.0f);
    hc_results_free(&res);
}

/* The reference the selection replaced: every (value, index) pair sorted. */
typedef struct {
    float v;
    int64_t i;
} ranked_pair;

static int cmp_pair(const void *a, const void *b)
{
    const ranked_pair *x = (const ranked_pair *)a, *y = (const ranked_pair *)b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static void pick_should_equal_sorting_every_pair_with_many_ties_and_signed_zeros(void **state)
{
    enum { W = 7, F = 1301, N = W * F, NP = 16 };
    hc_results res;
    hc_traced_firm out[NP];
    ranked_pair *sorted = (ranked_pair *)malloc(N * sizeof(*sorted));
    double p[NP];
    hc_error err;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int64_t i;
    int k, round;
    (void)state;
    assert_non_null(sorted);
    for (k = 0; k < NP; k++) p[k] = k == NP - 1 ? 100.0 : 100.0 * k / 15.3;
    assert_int_equal(hc_results_alloc(&res, 1, 3, W, F, 4, 4, 1, 1, &err), 0);
    for (round = 0; round < 3; round++) { /* few distinct values; then signed zeros; then all distinct */
        float *change = hc_results_firm_change(&res, 0, 1);
        for (i = 0; i < N; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            change[i] = round == 0   ? (float)((x >> 33) % 9) - 4.0f
                        : round == 1 ? ((x >> 33) % 3 == 0 ? 1.0f : (x >> 33) % 3 == 1 ? -0.0f : 0.0f)
                                     : (float)(x >> 40) * 1e-3f - 8000.0f;
            sorted[i].v = change[i];
            sorted[i].i = i;
        }
        qsort(sorted, N, sizeof(*sorted), cmp_pair);
        assert_int_equal(hc_trace_pick(&res, 0, p, NP, out, &err), 0);
        for (k = 0; k < NP; k++) {
            const ranked_pair *want = &sorted[(int64_t)floor((double)(N - 1) * p[k] / 100.0 + 0.5)];
            assert_int_equal(out[k].world, 3 + want->i / F);
            assert_int_equal(out[k].firm, want->i % F);
            assert_true(same_bits(out[k].change_pct, want->v)); /* the firm's own zero, -0 or +0 */
        }
    }
    free(sorted);
    hc_results_free(&res);
}

static void percentile_lists_should_parse_or_fail_clearly(void **state)
{
    double p[HC_TRACE_MAX_PERCENTILES];
    int np;
    hc_error err;
    (void)state;
    assert_int_equal(hc_trace_parse_percentiles("5,50,95", p, &np, &err), 0);
    assert_int_equal(np, 3);
    assert_true(p[0] == 5.0 && p[1] == 50.0 && p[2] == 95.0);
    assert_int_equal(hc_trace_parse_percentiles("0,2.5,100", p, &np, &err), 0);
    assert_true(p[1] == 2.5);
    assert_int_not_equal(hc_trace_parse_percentiles("5,,95", p, &np, &err), 0);
    assert_non_null(strstr(err.message, "--trace-percentiles"));
    assert_int_not_equal(hc_trace_parse_percentiles("101", p, &np, &err), 0);
    assert_int_not_equal(hc_trace_parse_percentiles("-1", p, &np, &err), 0);
    assert_int_not_equal(hc_trace_parse_percentiles("5x", p, &np, &err), 0);
    assert_int_not_equal(hc_trace_parse_percentiles("", p, &np, &err), 0);
    assert_int_not_equal(hc_trace_parse_percentiles("nan", p, &np, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(traced_change_should_equal_the_runs_firm_change_bit_for_bit),
        cmocka_unit_test(a_one_firm_world_should_sum_exactly_the_traced_firm),
        cmocka_unit_test(role_sums_should_match_the_trace_and_add_up_to_the_people_in_roles),
        cmocka_unit_test(a_role_with_no_exposure_should_show_only_the_demand_effect),
        cmocka_unit_test(traced_inputs_should_be_what_the_firm_was_built_from),
        cmocka_unit_test(tentative_adoption_and_budget_should_explain_every_capped_step),
        cmocka_unit_test(headcount_components_should_add_up),
        cmocka_unit_test(pick_should_take_the_nearest_rank_with_ties_by_world_then_firm),
        cmocka_unit_test(pick_should_equal_sorting_every_pair_with_many_ties_and_signed_zeros),
        cmocka_unit_test(percentile_lists_should_parse_or_fail_clearly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
