/* unit_engine_variants.c: every variant of the CPU backend's firm loop (each role capacity
 * of HC_ROLE_CAPS; AVX-512, AVX2 or generic: src/engines/engine_cpu_firms.h) gives the same bits as the
 * model called firm by firm, step by step, in the plainest way (the loop below, compiled
 * with this file's flags and the default role capacity). Scenarios of 2, 7, 12 and 20
 * roles, so that every capacity runs, with firms that do not fill the last block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hc_engine.h"
#include "../src/engines/engine_cpu_firms.h" /* hc_cpu_firms_pick */
#include "model/hc_model.h"

#define WORLDS 3
#define FIRMS 37 /* two full blocks of 16 and a partial one */

/* Every name a variant can have, per capacity of HC_ROLE_CAPS; those not built (r64_avx512)
 * or not run by this CPU are skipped, as a run would refuse them. */
#define VARIANT_NAMES(cap) "r" #cap "_avx512", "r" #cap "_avx2", "r" #cap "_generic",
static const char *const variants[] = {HC_ROLE_CAPS(VARIANT_NAMES)};

/* `extra` roles appended to configs/cuts.json (7 roles), with a spread of inputs. */
static void load_with_extra_roles(int extra, hc_config *cfg)
{
    char text[16384];
    size_t len;
    hc_error err;
    int i;
    len = (size_t)snprintf(text, sizeof(text), "{\"extends\": \"cuts.json\", \"name\": \"roles_%d\", \"roles\": [",
                           7 + extra);
    for (i = 0; i < extra; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "%s{\"name\": \"extra_%d\", \"share\": %g, \"exposure\": %g, \"adoption_start\": %g, "
                                "\"wage\": {\"dist\": \"lognormal\", \"median\": %d, \"sigma\": 0.2}, "
                                "\"tokens_per_fte_year\": {\"dist\": \"lognormal\", \"p5\": 1e8, \"p95\": %g}}",
                                i ? ", " : "", i, 0.01 + 0.01 * i, 0.1 + 0.05 * i, 0.01 * (i % 3), 40000 + 7000 * i,
                                1e9 * (1 + i));
    len += (size_t)snprintf(text + len, sizeof(text) - len, "]}");
    assert_true(len < sizeof(text));
    memset(&err, 0, sizeof(err));
    if (hc_config_load_text("configs/variants_test.json", text, len, NULL, 0, cfg, &err) != 0)
        fail_msg("config with %d extra roles should load: %s", extra, err.message);
}

static void load_file(const char *path, hc_config *cfg)
{
    hc_error err;
    memset(&err, 0, sizeof(err));
    if (hc_config_load(path, NULL, 0, cfg, &err) != 0) fail_msg("%s should load: %s", path, err.message);
}

/* The reference: the model called as src/engines/trace.c calls it. */
static void reference_run(const hc_model *m, hc_results *ref)
{
    const int T = m->n_steps, S = m->steps_per_year, R = m->n_roles;
    hc_world_step *steps = (hc_world_step *)malloc((size_t)(T + 1) * sizeof(*steps));
    float *Kw = (float *)malloc((size_t)(T + 1) * (size_t)R * sizeof(float));
    int64_t w, f;
    int t;
    assert_non_null(steps);
    assert_non_null(Kw);
    for (w = 0; w < WORLDS; w++) {
        hc_world_inputs wi;
        hc_world_sample(m, (uint32_t)w, &wi);
        hc_world_path(m, (uint32_t)w, &wi, steps, Kw);
        for (f = 0; f < FIRMS; f++) {
            hc_firm firm;
            hc_firm_sample(m, (uint32_t)w, (uint32_t)f, &wi, &firm);
            for (t = 0; t <= T; t++) {
                hc_firm_out out;
                hc_firm_step(m, &steps[t], Kw + (size_t)t * (size_t)R, t, &firm, &out);
                hc_firm_accumulate(hc_results_sums(ref, 0, w, t), &out);
                hc_firm_accumulate_roles(hc_results_sums(ref, 0, w, t) + HC_N_SUMS, &out, R);
                if (t % S == 0) {
                    hc_results_firm_change(ref, 0, t / S)[w * FIRMS + f] = hc_firm_change_pct(&firm, out.H);
                    if (out.H < firm.H_start) ref->shrinking[t / S]++;
                }
            }
        }
    }
    free(steps);
    free(Kw);
}

static void assert_same_bits(const hc_results *a, const hc_results *b, const char *variant, int n_roles)
{
    const size_t sums = (size_t)WORLDS * (size_t)(a->n_steps + 1) * (size_t)a->n_sums;
    const size_t changes = (size_t)(a->years + 1) * WORLDS * FIRMS;
    if (memcmp(a->sums, b->sums, sums * sizeof(double)) != 0)
        fail_msg("%s, %d roles: world sums differ from the reference", variant, n_roles);
    if (memcmp(a->firm_change, b->firm_change, changes * sizeof(float)) != 0)
        fail_msg("%s, %d roles: firm changes differ from the reference", variant, n_roles);
    if (memcmp(a->shrinking, b->shrinking, (size_t)(a->years + 1) * sizeof(int64_t)) != 0)
        fail_msg("%s, %d roles: shrinking counts differ from the reference", variant, n_roles);
}

/* Runs every variant that holds cfg's roles and that this CPU runs; returns how many ran. */
static int check_variants(hc_config *cfg)
{
    const hc_model *m = &cfg->model;
    hc_results ref, got;
    hc_error err;
    size_t v;
    int ran = 0;
    memset(&err, 0, sizeof(err));
    assert_int_equal(
        hc_results_alloc(&ref, 1, 0, WORLDS, FIRMS, m->n_steps, m->steps_per_year, cfg->years, m->n_roles, &err), 0);
    reference_run(m, &ref);
    for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
        const char *name;
        setenv("HC_CPU_VARIANT", variants[v], 1);
        if (hc_cpu_firms_pick(m->n_roles, &name) == NULL) continue; /* too few roles, or not this CPU */
        assert_int_equal(
            hc_results_alloc(&got, 1, 0, WORLDS, FIRMS, m->n_steps, m->steps_per_year, cfg->years, m->n_roles, &err),
            0);
        if (hc_run_cpu(&(hc_plan){.models = cfg, .n_models = 1}, 2, &got, &err) != 0)
            fail_msg("%s: %s", variants[v], err.message);
        assert_same_bits(&ref, &got, variants[v], m->n_roles);
        hc_results_free(&got);
        ran++;
    }
    unsetenv("HC_CPU_VARIANT");
    hc_results_free(&ref);
    return ran;
}

static void every_variant_should_match_the_plain_model_loop(void **state)
{
    static const int extra_roles[] = {5, 13};
    hc_config cfg;
    size_t i;
    (void)state;
    load_file("tests/configs/good/base.json", &cfg); /* 2 roles: every capacity holds them */
    assert_true(cfg.model.n_roles <= 8);
    assert_true(check_variants(&cfg) >= 3); /* the generic ones run anywhere */
    hc_config_free(&cfg);
    load_file("configs/cuts.json", &cfg);
    assert_true(check_variants(&cfg) >= 3);
    hc_config_free(&cfg);
    for (i = 0; i < sizeof(extra_roles) / sizeof(extra_roles[0]); i++) {
        load_with_extra_roles(extra_roles[i], &cfg);
        assert_int_equal(cfg.model.n_roles, 7 + extra_roles[i]);
        assert_true(check_variants(&cfg) >= 1);
        hc_config_free(&cfg);
    }
}

/* The engine computes the first Philox block of 16 firms' draws together
 * (hc_firm_sample_ahead): every distribution kind as a firm input, without size classes,
 * with rejection samplers whose shapes below 1 often need a second block, must still draw
 * what hc_firm_sample draws alone. */
static void every_distribution_kind_should_draw_the_same_firms(void **state)
{
    static const char text[] =
        "{\"extends\": \"cuts.json\", \"name\": \"kinds\", \"firms\": {\"size_classes\": null,"
        " \"headcount\": {\"dist\": \"gamma\", \"shape\": 0.6, \"scale\": 80, \"clip\": [1, 100000]},"
        " \"adoption_speed\": {\"dist\": \"beta\", \"alpha\": 0.5, \"beta\": 0.7, \"min\": 0.05, \"max\": 0.9},"
        " \"planning_horizon\": {\"dist\": \"triangular\", \"min\": 0, \"mode\": 1, \"max\": 4},"
        " \"expected_price_change\": {\"dist\": \"uniform\", \"min\": -0.9, \"max\": -0.2},"
        " \"demand_elasticity\": {\"dist\": \"discrete\", \"values\": [0, 0.2, 0.5], \"weights\": [1, 2, 1]},"
        " \"belief_learning_rate\": {\"dist\": \"mixture\", \"components\": [{\"dist\": \"pert\", \"min\": 0.1,"
        " \"mode\": 0.2, \"max\": 0.5}, {\"dist\": \"beta\", \"alpha\": 0.4, \"beta\": 0.6}], \"weights\": [1, 1]},"
        " \"demand_growth\": 0.01}}";
    hc_config cfg;
    hc_error err;
    (void)state;
    memset(&err, 0, sizeof(err));
    if (hc_config_load_text("configs/kinds_test.json", text, sizeof(text) - 1, NULL, 0, &cfg, &err) != 0)
        fail_msg("the config of every kind should load: %s", err.message);
    assert_int_equal(cfg.model.n_size_classes, 0);
    assert_true(check_variants(&cfg) >= 3);
    hc_config_free(&cfg);
}

static void unknown_or_too_small_variant_should_be_refused(void **state)
{
    hc_config cfg;
    hc_results res;
    hc_error err;
    const char *name;
    (void)state;
    load_with_extra_roles(5, &cfg); /* 12 roles: no capacity-8 variant holds them */
    setenv("HC_CPU_VARIANT", "r8_generic", 1);
    assert_null(hc_cpu_firms_pick(cfg.model.n_roles, &name));
    memset(&err, 0, sizeof(err));
    assert_int_equal(hc_results_alloc(&res, 1, 0, 1, 4, cfg.model.n_steps, cfg.model.steps_per_year, cfg.years,
                                      cfg.model.n_roles, &err),
                     0);
    assert_int_not_equal(hc_run_cpu(&(hc_plan){.models = &cfg, .n_models = 1}, 1, &res, &err), 0);
    assert_non_null(strstr(err.message, "HC_CPU_VARIANT=r8_generic"));
    setenv("HC_CPU_VARIANT", "r12_avx3", 1);
    assert_null(hc_cpu_firms_pick(cfg.model.n_roles, &name));
    unsetenv("HC_CPU_VARIANT");
    assert_non_null(hc_cpu_firms_pick(cfg.model.n_roles, &name));
    hc_results_free(&res);
    hc_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_variant_should_match_the_plain_model_loop),
        cmocka_unit_test(every_distribution_kind_should_draw_the_same_firms),
        cmocka_unit_test(unknown_or_too_small_variant_should_be_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
