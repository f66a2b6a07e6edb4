/* unit_config.c: the config loader (src/config/) against docs/model.md "Config file" and
 * "Distributions". Good configs (tests/configs/good/) must load into the expected hc_model;
 * every malformed config in tests/configs/bad/ must fail with the one-line message its
 * NAME.expect holds. Run from the repository root: the data paths are relative to it. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hc_config.h"
#include <cjson/cJSON.h>

#define GOOD "tests/configs/good/"
#define BAD "tests/configs/bad/"
#define Z95 1.6448536269514722

/* |a - b| <= tol * max(1, |b|); cmocka 1.1.5 has no double comparison. */
#define assert_close(a, b, tol) \
    do { \
        double a_ = (a), b_ = (b); \
        if (!(fabs(a_ - b_) <= (tol) * fmax(1.0, fabs(b_)))) \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_); \
    } while (0)

static hc_config cfg;
static hc_error err;

static void load_ok(const char *path, const hc_override *ov, int n)
{
    if (hc_config_load(path, ov, n, &cfg, &err) != 0) fail_msg("%s should load: %s", path, err.message);
}

static void load_fails_with(const char *path, const hc_override *ov, int n, const char *expect)
{
    hc_config c;
    if (hc_config_load(path, ov, n, &c, &err) == 0) {
        hc_config_free(&c);
        fail_msg("%s should fail with \"%s\"", path, expect);
    }
    if (strstr(err.message, expect) == NULL) fail_msg("message \"%s\" lacks \"%s\"", err.message, expect);
    assert_null(strchr(err.message, '\n'));
    assert_null(c.resolved);
}

static int teardown_cfg(void **state)
{
    (void)state;
    hc_config_free(&cfg);
    return 0;
}

static const hc_dist *input(int id) { return &cfg.model.input[id]; }

/* ---- the tables */

static void input_specs_should_cover_every_input_once(void **state)
{
    int i, j, n_default = 0;
    (void)state;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        const hc_input_spec *s = &hc_input_specs[i];
        if (hc_input_level(i) == HC_LEVEL_RETIRED) { /* reserved id: no row, never drawn */
            assert_null(s->key);
            continue;
        }
        assert_non_null(s->key);
        assert_non_null(s->symbol);
        assert_non_null(s->meaning);
        assert_non_null(strchr(s->key, '.'));
        assert_int_equal(s->per_firm, hc_input_level(i) == HC_LEVEL_FIRM);
        assert_true(s->lo_kind != HC_BOUND_NONE); /* every input of MODEL.md has a lower bound */
        for (j = 0; j < i; j++)
            if (hc_input_specs[j].key != NULL) assert_string_not_equal(s->key, hc_input_specs[j].key);
        n_default += s->has_default;
    }
    assert_int_equal(n_default, 10);
    assert_true(hc_input_specs[HC_IN_PRICE_VOLATILITY].has_default);
    assert_true(hc_input_specs[HC_IN_SHOCK_RATE].has_default);
    assert_true(hc_input_specs[HC_IN_SHOCK_MULTIPLIER].has_default);
    assert_close(hc_input_specs[HC_IN_SHOCK_MULTIPLIER].default_value, 1.0, 0);
    assert_true(hc_input_specs[HC_IN_DEMAND_ELASTICITY].has_default);
    assert_string_equal(hc_input_specs[HC_IN_CAPABILITY_START].key, "capability.start");
    assert_int_equal(hc_input_specs[HC_IN_CAPABILITY_START].lo_kind, HC_BOUND_OPEN);
    assert_int_equal(hc_input_specs[HC_IN_CAPABILITY_START].hi_kind, HC_BOUND_CLOSED);
    assert_string_equal(hc_input_specs[HC_IN_WAGE_SPECIALIST].key, "wages.specialist");
    assert_string_equal(hc_role_input_specs[HC_ROLE_IN_WAGE].key, "roles[r].wage");
    assert_int_equal(hc_role_input_specs[HC_ROLE_IN_WAGE].per_firm, 1);
    assert_int_equal(hc_role_input_specs[HC_ROLE_IN_TOKENS].per_firm, 0);
}

static void dist_kind_name_should_name_every_kind(void **state)
{
    (void)state;
    assert_string_equal(hc_dist_kind_name(HC_DIST_CONSTANT), "constant");
    assert_string_equal(hc_dist_kind_name(HC_DIST_LOGNORMAL), "lognormal");
    assert_string_equal(hc_dist_kind_name(HC_DIST_PERT), "pert");
    assert_string_equal(hc_dist_kind_name(HC_DIST_DISCRETE), "discrete");
    assert_string_equal(hc_dist_kind_name(HC_DIST_KINDS), "unknown");
    assert_string_equal(hc_dist_kind_name(-1), "unknown");
}

static void hc_fail_should_format_one_line_and_return_1(void **state)
{
    hc_error e;
    (void)state;
    assert_int_equal(hc_fail(&e, "%s: %d\nmore", "x", 3), 1);
    assert_string_equal(e.message, "x: 3 more");
}

/* ---- distributions of tests/configs/good/base.json */

static void lognormal_p5_p95_should_set_mu_and_sigma(void **state)
{
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    assert_int_equal(input(HC_IN_PRICE_PER_MTOK)->kind, HC_DIST_LOGNORMAL);
    assert_close(input(HC_IN_PRICE_PER_MTOK)->p[0], log(2.0), 1e-15);              /* (ln 0.5 + ln 8) / 2 */
    assert_close(input(HC_IN_PRICE_PER_MTOK)->p[1], log(16.0) / (2 * Z95), 1e-15); /* (ln 8 - ln 0.5) / 2z */
    assert_close(cfg.model.role_tokens[0].p[0], 0.5 * (log(1e8) + log(1e9)), 1e-15);
    assert_close(cfg.model.role_tokens[0].p[1], log(10.0) / (2 * Z95), 1e-15);
}

static void lognormal_median_sigma_should_set_log_median(void **state)
{
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    assert_int_equal(input(HC_IN_CAPABILITY_GROWTH)->kind, HC_DIST_LOGNORMAL);
    assert_close(input(HC_IN_CAPABILITY_GROWTH)->p[0], log(0.5), 1e-15);
    assert_close(input(HC_IN_CAPABILITY_GROWTH)->p[1], 0.3, 0);
    assert_close(cfg.model.role_wage[0].p[0], log(45000.0), 1e-15);
}

static void pert_should_convert_mode_and_lambda_to_beta_shapes(void **state)
{
    const hc_dist *d;
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    d = input(HC_IN_CAPABILITY_CEILING); /* min 0.5, mode 0.7, max 0.95, lambda 4 by default */
    assert_int_equal(d->kind, HC_DIST_PERT);
    assert_close(d->p[0], 0.5, 0);
    assert_close(d->p[1], 0.95, 0);
    assert_close(d->p[2], 1 + 4 * 0.2 / 0.45, 1e-14);
    assert_close(d->p[3], 1 + 4 * 0.25 / 0.45, 1e-14);
    d = input(HC_IN_ADOPTION_SPEED); /* min 0.1, mode 0.3, max 0.9, lambda 2 */
    assert_close(d->p[2], 1.5, 1e-14);
    assert_close(d->p[3], 2.5, 1e-14);
}

static void beta_should_rescale_to_min_max_and_default_to_unit_interval(void **state)
{
    const hc_dist *d;
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    d = input(HC_IN_CAPABILITY_START);
    assert_int_equal(d->kind, HC_DIST_BETA);
    assert_close(d->p[0], 0.1, 0);
    assert_close(d->p[1], 0.4, 0);
    assert_close(d->p[2], 2, 0);
    assert_close(d->p[3], 5, 0);
    d = input(HC_IN_ERROR_RATE_START);
    assert_close(d->p[0], 0, 0);
    assert_close(d->p[1], 1, 0);
    assert_close(d->p[2], 2, 0);
    assert_close(d->p[3], 8, 0);
}

static void uniform_triangular_gamma_should_keep_their_parameters(void **state)
{
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    assert_int_equal(input(HC_IN_ANNUAL_PRICE_CHANGE)->kind, HC_DIST_UNIFORM);
    assert_close(input(HC_IN_ANNUAL_PRICE_CHANGE)->p[0], -0.7, 0);
    assert_close(input(HC_IN_ANNUAL_PRICE_CHANGE)->p[1], -0.2, 0);
    assert_int_equal(input(HC_IN_ANNUAL_TOKEN_GROWTH)->kind, HC_DIST_TRIANGULAR);
    assert_close(input(HC_IN_ANNUAL_TOKEN_GROWTH)->p[0], 0, 0);
    assert_close(input(HC_IN_ANNUAL_TOKEN_GROWTH)->p[1], 0.5, 0);
    assert_close(input(HC_IN_ANNUAL_TOKEN_GROWTH)->p[2], 2, 0);
    assert_int_equal(input(HC_IN_PRICE_VOLATILITY)->kind, HC_DIST_GAMMA);
    assert_close(input(HC_IN_PRICE_VOLATILITY)->p[0], 2, 0);
    assert_close(input(HC_IN_PRICE_VOLATILITY)->p[1], 0.1, 0);
    assert_int_equal(input(HC_IN_TASK_COST_DISPERSION)->kind, HC_DIST_CONSTANT);
}

static void pareto_should_set_max_or_zero_when_unbounded(void **state)
{
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    assert_int_equal(input(HC_IN_SHOCK_MULTIPLIER)->kind, HC_DIST_PARETO);
    assert_close(input(HC_IN_SHOCK_MULTIPLIER)->p[0], 3, 0);
    assert_close(input(HC_IN_SHOCK_MULTIPLIER)->p[1], 1, 0);
    assert_close(input(HC_IN_SHOCK_MULTIPLIER)->p[2], 4, 0);
    assert_int_equal(input(HC_IN_HEADCOUNT)->kind, HC_DIST_PARETO);
    assert_close(input(HC_IN_HEADCOUNT)->p[0], 1.05, 0);
    assert_close(input(HC_IN_HEADCOUNT)->p[1], 10, 0);
    assert_close(input(HC_IN_HEADCOUNT)->p[2], 0, 0);
}

static void discrete_should_append_values_and_cumulative_weights_to_pool(void **state)
{
    const hc_dist *d;
    const double *pool = cfg.model.pool;
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    d = input(HC_IN_OVERSIGHT_RATIO); /* values 0.05 0.1 0.2, weights 1 2 1: first in input order */
    assert_int_equal(d->kind, HC_DIST_DISCRETE);
    assert_int_equal(d->pool_offset, 0);
    assert_int_equal(d->n_values, 3);
    assert_close(pool[0], 0.05, 0);
    assert_close(pool[1], 0.1, 0);
    assert_close(pool[2], 0.2, 0);
    assert_close(pool[3], 0.25, 1e-15);
    assert_close(pool[4], 0.75, 1e-15);
    assert_true(pool[5] == 1.0); /* forced, not rounded */
    d = &cfg.model.role_tokens[1]; /* values 2e8 5e8, weights 0 3: after the scalar inputs */
    assert_int_equal(d->kind, HC_DIST_DISCRETE);
    assert_int_equal(d->pool_offset, 6);
    assert_int_equal(d->n_values, 2);
    assert_close(pool[6], 2e8, 0);
    assert_close(pool[7], 5e8, 0);
    assert_true(pool[8] == 0.0);
    assert_true(pool[9] == 1.0);
}

static void clip_should_set_bounds_and_numbers_should_be_constants(void **state)
{
    const hc_dist *d;
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    d = input(HC_IN_ANNUAL_ERROR_CHANGE);
    assert_int_equal(d->kind, HC_DIST_NORMAL);
    assert_close(d->p[0], -0.2, 0);
    assert_close(d->p[1], 0.1, 0);
    assert_int_equal(d->has_clip, 1);
    assert_close(d->clip_lo, -0.9, 0);
    assert_close(d->clip_hi, 0.5, 0);
    assert_int_equal(input(HC_IN_PRICE_PER_MTOK)->has_clip, 0);
    assert_int_equal(input(HC_IN_SHOCK_RATE)->kind, HC_DIST_CONSTANT); /* a plain number */
    assert_close(input(HC_IN_SHOCK_RATE)->p[0], 0.5, 0);
    assert_int_equal(input(HC_IN_NEW_TASK_RATIO)->kind, HC_DIST_CONSTANT); /* {"dist": "constant"} */
    assert_close(input(HC_IN_NEW_TASK_RATIO)->p[0], 0.1, 0);
    assert_int_equal(cfg.model.role_wage[1].kind, HC_DIST_CONSTANT);
    assert_close(cfg.model.role_wage[1].p[0], 130000, 0);
}

static void simulation_and_output_should_fill_config_and_model(void **state)
{
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    assert_string_equal(cfg.name, "base-test");
    assert_string_equal(cfg.path, GOOD "base.json");
    assert_int_equal(cfg.start_year, 2025);
    assert_int_equal(cfg.years, 10);
    assert_int_equal(cfg.steps_per_year, 4);
    assert_int_equal(cfg.worlds, 1000);
    assert_int_equal(cfg.firms_per_world, 200);
    assert_int_equal(cfg.seed, 42);
    assert_int_equal(cfg.model.years, 10);
    assert_int_equal(cfg.model.steps_per_year, 4);
    assert_int_equal(cfg.model.n_steps, 40);
    assert_int_equal(cfg.model.seed, 42);
    assert_close(cfg.employment, 160000000, 0);
    assert_int_equal(cfg.n_percentiles, 3);
    assert_close(cfg.percentiles[0], 10, 0);
    assert_close(cfg.percentiles[2], 90, 0);
}

static void roles_should_normalise_shares_and_default_adoption_start(void **state)
{
    (void)state;
    load_ok(GOOD "base.json", NULL, 0);
    assert_int_equal(cfg.model.n_roles, 2);
    assert_string_equal(cfg.role_names[0], "support");
    assert_string_equal(cfg.role_names[1], "engineering");
    assert_true(cfg.model.role_share[0] == 0.75f); /* shares 3 and 1 */
    assert_true(cfg.model.role_share[1] == 0.25f);
    assert_true(cfg.model.role_exposure[0] == 0.7f);
    assert_true(cfg.model.role_adoption_start[0] == 0.05f);
    assert_true(cfg.model.role_adoption_start[1] == 0.0f);
}

/* ---- defaults */

static void omitted_optional_inputs_should_take_their_defaults(void **state)
{
    const cJSON *inf, *firms;
    (void)state;
    load_ok(GOOD "minimal.json", NULL, 0);
    assert_int_equal(input(HC_IN_PRICE_VOLATILITY)->kind, HC_DIST_CONSTANT);
    assert_close(input(HC_IN_PRICE_VOLATILITY)->p[0], 0, 0);
    assert_close(input(HC_IN_SHOCK_RATE)->p[0], 0, 0);
    assert_close(input(HC_IN_SHOCK_MULTIPLIER)->p[0], 1, 0);
    assert_close(input(HC_IN_DEMAND_ELASTICITY)->p[0], 0, 0);
    inf = cJSON_GetObjectItemCaseSensitive(cfg.resolved, "inference");
    firms = cJSON_GetObjectItemCaseSensitive(cfg.resolved, "firms");
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(inf, "shock_multiplier")));
    assert_close(cJSON_GetObjectItemCaseSensitive(inf, "shock_multiplier")->valuedouble, 1, 0);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(firms, "demand_elasticity")));
}

static void percentiles_should_default_to_5_25_50_75_95(void **state)
{
    const double want[5] = {5, 25, 50, 75, 95};
    const cJSON *p;
    int i;
    (void)state;
    load_ok(GOOD "minimal.json", NULL, 0);
    assert_int_equal(cfg.n_percentiles, 5);
    for (i = 0; i < 5; i++) assert_close(cfg.percentiles[i], want[i], 0);
    p = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg.resolved, "output"), "percentiles");
    assert_int_equal(cJSON_GetArraySize(p), 5);
}

static void name_should_default_to_file_name_without_json(void **state)
{
    (void)state;
    load_ok(GOOD "minimal.json", NULL, 0);
    assert_string_equal(cfg.name, "minimal");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cfg.resolved, "name")->valuestring, "minimal");
}

/* ---- extends (tests/configs/good/child.json extends base.json) */

static void extends_should_merge_objects_key_by_key(void **state)
{
    (void)state;
    load_ok(GOOD "child.json", NULL, 0);
    assert_int_equal(cfg.worlds, 50);          /* the child's */
    assert_int_equal(cfg.firms_per_world, 200); /* inherited */
    assert_int_equal(cfg.seed, 42);
    assert_int_equal(cfg.model.n_steps, 40);
    assert_int_equal(input(HC_IN_ANNUAL_PRICE_CHANGE)->kind, HC_DIST_UNIFORM); /* inherited sibling */
    assert_int_equal(cfg.n_percentiles, 3);
}

static void extends_should_replace_distribution_objects_whole(void **state)
{
    const cJSON *p;
    (void)state;
    /* The parent's price_per_mtok has p5/p95, the child's median/sigma: merged key by key
     * they would be both forms at once, which is an error. */
    load_ok(GOOD "child.json", NULL, 0);
    assert_close(input(HC_IN_PRICE_PER_MTOK)->p[0], log(2.0), 1e-15);
    assert_close(input(HC_IN_PRICE_PER_MTOK)->p[1], 0.5, 0);
    p = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg.resolved, "inference"), "price_per_mtok");
    assert_null(cJSON_GetObjectItemCaseSensitive(p, "p5"));
}

static void extends_should_merge_roles_by_name_and_append_new_ones(void **state)
{
    (void)state;
    load_ok(GOOD "child.json", NULL, 0);
    assert_int_equal(cfg.model.n_roles, 3);
    assert_string_equal(cfg.role_names[0], "support"); /* the parent's order, then the new role */
    assert_string_equal(cfg.role_names[1], "engineering");
    assert_string_equal(cfg.role_names[2], "analyst");
    assert_true(cfg.model.role_exposure[0] == 0.9f);                  /* the child's value */
    assert_int_equal(cfg.model.role_wage[0].kind, HC_DIST_LOGNORMAL); /* the parent's wage kept */
    assert_true(cfg.model.role_adoption_start[0] == 0.05f);
    assert_true(cfg.model.role_share[0] == (float)(3.0 / 6.0));
    assert_true(cfg.model.role_share[2] == (float)(2.0 / 6.0));
}

static void extends_should_not_inherit_name(void **state)
{
    (void)state;
    load_ok(GOOD "child.json", NULL, 0);
    assert_string_equal(cfg.name, "child");
}

static void extends_should_let_a_child_fix_an_inherited_value(void **state)
{
    (void)state;
    load_ok(BAD "parts/child_fixes_base.json", NULL, 0);
    assert_int_equal(input(HC_IN_HEADCOUNT)->has_clip, 1);
}

static void error_in_inherited_value_should_name_the_file_that_set_it(void **state)
{
    (void)state;
    load_fails_with(BAD "parts/child_of_bad_base.json", NULL, 0,
                    BAD "parts/base_bad_value.json: firms.headcount: a normal distribution can produce values <= 0");
}

/* ---- overrides */

static void override_should_set_a_simulation_field(void **state)
{
    const hc_override ov[] = {{"simulation.worlds", "7"}, {"simulation.seed", "9007199254740991"}};
    (void)state;
    load_ok(GOOD "base.json", ov, 2);
    assert_int_equal(cfg.worlds, 7);
    assert_true(cfg.seed == 9007199254740991ULL);
    assert_true(cfg.model.seed == 9007199254740991ULL);
}

static void override_should_set_a_role_field_by_index(void **state)
{
    const hc_override ov[] = {{"roles[1].exposure", "0.9"}};
    (void)state;
    load_ok(GOOD "base.json", ov, 1);
    assert_true(cfg.model.role_exposure[1] == 0.9f);
    assert_true(cfg.model.role_exposure[0] == 0.7f);
}

static void override_should_set_a_role_field_by_name(void **state)
{
    const hc_override ov[] = {{"roles.support.wage", "{\"dist\": \"uniform\", \"min\": 40000, \"max\": 60000}"}};
    (void)state;
    load_ok(GOOD "base.json", ov, 1);
    assert_int_equal(cfg.model.role_wage[0].kind, HC_DIST_UNIFORM);
    assert_close(cfg.model.role_wage[0].p[1], 60000, 0);
    assert_int_equal(cfg.model.role_wage[1].kind, HC_DIST_CONSTANT);
}

static void override_should_apply_in_order_after_extends(void **state)
{
    const hc_override ov[] = {{"inference.price_volatility", "0.2"},
                              {"inference.price_volatility", "{\"dist\": \"gamma\", \"shape\": 1, \"scale\": 0.3}"},
                              {"simulation.worlds", "3"}};
    (void)state;
    load_ok(GOOD "child.json", ov, 3);
    assert_int_equal(input(HC_IN_PRICE_VOLATILITY)->kind, HC_DIST_GAMMA);
    assert_close(input(HC_IN_PRICE_VOLATILITY)->p[1], 0.3, 0);
    assert_int_equal(cfg.worlds, 3);
}

static void override_value_should_be_a_string_when_not_json(void **state)
{
    const hc_override ov[] = {{"name", "from-set"}};
    (void)state;
    load_ok(GOOD "base.json", ov, 1);
    assert_string_equal(cfg.name, "from-set");
}

static void override_of_unknown_key_should_fail_with_did_you_mean(void **state)
{
    const hc_override typo[] = {{"inference.price_per_mtk", "3"}};
    const hc_override section[] = {{"inferenc.price_per_mtok", "3"}};
    (void)state;
    load_fails_with(GOOD "base.json", typo, 1,
                    GOOD "base.json: inference.price_per_mtk (from --set): unknown key (did you mean \"price_per_mtok\"?)");
    load_fails_with(GOOD "base.json", section, 1, "inferenc (from --set): unknown key (did you mean \"inference\"?)");
}

static void override_with_bad_value_should_say_from_set(void **state)
{
    const hc_override neg[] = {{"inference.price_volatility", "-1"}};
    const hc_override inf[] = {{"population.employment", "1e999"}};
    const hc_override dup[] = {{"firms.headcount", "{\"dist\": \"constant\", \"value\": 1, \"value\": 2}"}};
    (void)state;
    load_fails_with(GOOD "base.json", neg, 1,
                    GOOD "base.json: inference.price_volatility (from --set): expected a number >= 0, got -1 (number)");
    load_fails_with(GOOD "base.json", inf, 1, "population.employment (from --set): expected a finite number");
    load_fails_with(GOOD "base.json", dup, 1, "firms.headcount.value (from --set): duplicate key");
}

static void override_of_missing_role_or_index_should_fail(void **state)
{
    const hc_override name[] = {{"roles.suport.wage", "3"}};
    const hc_override index[] = {{"roles[2].wage", "3"}};
    const hc_override path[] = {{"roles..wage", "3"}};
    const hc_override into_number[] = {{"firms.planning_horizon.mean", "3"}};
    (void)state;
    load_fails_with(GOOD "base.json", name, 1, "roles.suport.wage (from --set): no role named \"suport\" (did you mean \"support\"?)");
    load_fails_with(GOOD "base.json", index, 1, "roles[2].wage (from --set): index 2 is out of range (the array has 2 entries)");
    load_fails_with(GOOD "base.json", path, 1, "roles..wage (from --set): invalid key");
    load_fails_with(GOOD "base.json", into_number, 1, "firms.planning_horizon.mean (from --set): cannot set a key inside a number");
}

/* ---- the resolved config */

static void resolved_json_should_have_name_defaults_and_no_extends(void **state)
{
    const cJSON *r;
    char *text;
    (void)state;
    load_ok(GOOD "child.json", NULL, 0);
    r = cfg.resolved;
    assert_non_null(r);
    assert_string_equal(r->child->string, "name"); /* first, then the model version */
    assert_string_equal(r->child->valuestring, "child");
    assert_string_equal(r->child->next->string, "model");
    assert_null(cJSON_GetObjectItemCaseSensitive(r, "extends"));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "inference"), "price_per_mtok"));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "roles"), 2),
                                                     "adoption_start"));
    text = hc_config_resolved_json(&cfg);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"analyst\""));
    free(text);
}

static void resolved_json_should_reload_to_the_same_model(void **state)
{
    const hc_override ov[] = {{"roles.analyst.exposure", "0.35"}};
    char path[] = "/tmp/hc_unit_config_XXXXXX";
    char *text;
    hc_config again;
    FILE *f;
    int fd;
    (void)state;
    load_ok(GOOD "child.json", ov, 1);
    text = hc_config_resolved_json(&cfg);
    assert_non_null(text);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    if (hc_config_load(path, NULL, 0, &again, &err) != 0) {
        unlink(path);
        fail_msg("resolved config should reload: %s", err.message);
    }
    unlink(path);
    assert_string_equal(again.name, cfg.name);
    assert_int_equal(again.worlds, cfg.worlds);
    assert_int_equal(again.n_percentiles, cfg.n_percentiles);
    assert_memory_equal(&again.model, &cfg.model, sizeof cfg.model);
    assert_memory_equal(again.role_names, cfg.role_names, sizeof cfg.role_names);
    hc_config_free(&again);
}

static void failed_load_should_leave_nothing_to_free(void **state)
{
    hc_config c;
    (void)state;
    memset(&c, 0xab, sizeof c);
    assert_int_not_equal(hc_config_load(BAD "normal_unclipped_positive.json", NULL, 0, &c, &err), 0);
    assert_null(c.resolved);
    assert_int_equal(c.model.n_roles, 0);
    hc_config_free(&c);
    assert_int_not_equal(hc_config_load("tests/configs/no_such_file.json", NULL, 0, &c, &err), 0);
    assert_string_equal(err.message, "tests/configs/no_such_file.json: cannot read: No such file or directory");
}

/* ---- every malformed config in tests/configs/bad/ */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void bad_configs_should_fail_with_their_expected_message(void **state)
{
    char *names[256];
    int n = 0, i;
    struct dirent *e;
    DIR *dir = opendir(BAD);
    (void)state;
    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            assert_true(n < 256);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(dir);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    assert_true(n >= 30); /* never pass on an empty or missing directory */
    for (i = 0; i < n; i++) {
        char path[512], expect_path[512], expect[1024];
        size_t len;
        hc_config c;
        FILE *f;
        snprintf(path, sizeof path, BAD "%s", names[i]);
        snprintf(expect_path, sizeof expect_path, BAD "%.*s.expect", (int)(strlen(names[i]) - 5), names[i]);
        f = fopen(expect_path, "r");
        if (f == NULL) fail_msg("%s has no .expect file", path);
        if (fgets(expect, sizeof expect, f) == NULL) expect[0] = '\0';
        fclose(f);
        len = strlen(expect);
        while (len > 0 && (expect[len - 1] == '\n' || expect[len - 1] == '\r')) expect[--len] = '\0';
        if (len < 10) fail_msg("%s: the expected text is too short to be specific", expect_path);
        if (hc_config_load(path, NULL, 0, &c, &err) == 0) {
            hc_config_free(&c);
            fail_msg("%s loaded, but should fail with: %s", path, expect);
        }
        if (strstr(err.message, expect) == NULL)
            fail_msg("%s:\n  message:  %s\n  expected: %s", path, err.message, expect);
        if (strstr(err.message, names[i]) == NULL) fail_msg("%s: message does not name the file: %s", path, err.message);
        if (strchr(err.message, '\n') != NULL) fail_msg("%s: message is not one line", path);
        assert_null(c.resolved);
        free(names[i]);
    }
    print_message("%d malformed configs rejected as expected\n", n);
}

/* Class totals past a double would make the shares NaN, and every class after the first
 * NaN would sample no firm. */
static void size_class_totals_past_a_double_should_fail(void **state)
{
    const hc_override employees[] = {{"firms.size_classes[0].employees", "1e308"},
                                     {"firms.size_classes[1].employees", "1e308"}};
    const hc_override firms[] = {{"firms.size_classes[0].firms", "1.7e308"}, {"firms.size_classes[2].firms", "1e308"}};
    (void)state;
    load_fails_with("configs/cuts.json", employees, 2,
                    "configs/base.json: firms.size_classes: the classes' employees add up to more than a double holds");
    load_fails_with("configs/cuts.json", firms, 2, "firms.size_classes: the classes' firms add up to more than a double");
}

/* ---- size classes: src/config/size_classes.c counts the firms of each class without
 * visiting them; the oracle visits them with hc_size_class. */

#define SIZE_TABLES 6
#define SIZE_M 5566755282872656ull /* g = SIZE_M / 2^53 (HC_SIZE_GOLDEN) */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A rounding tie that rounds down: fl(k g) below k g by half its ulp (k M - 2^e mi =
 * 2^(e-1), mi the 53-bit significand). The count's formula rounds ties up and corrects
 * them; only those that round down need the correction. */
static int size_tie_rounds_down(uint64_t k)
{
    const uint64_t M = SIZE_M;
    int e;
    const double mant = frexp((double)k * HC_SIZE_GOLDEN, &e);
    const uint64_t mi = (uint64_t)ldexp(mant, 53);
    __extension__ const unsigned __int128 exact = (unsigned __int128)k * M, rounded = (unsigned __int128)mi << e;
    return e >= 1 && exact > rounded && exact - rounded == ((unsigned __int128)1 << (e - 1));
}

/* The next k after k with at most 6 significant bits: every tie is one (k = 2^(s-5) o,
 * o odd, below 2^(s+1) in binade s). */
static uint64_t size_next_few_bits(uint64_t k)
{
    const int bits = 64 - __builtin_clzll(k + 1);
    const uint64_t step = bits > 6 ? 1ull << (bits - 6) : 1u;
    return ((k + 1 + step - 1) / step) * step;
}

/* Cumulative shares that the counts must get right, around the firms k_hit - 7919 j:
 * base.json's own; shares equal to a u_k (u_k <= c is the edge), one step of u's grid
 * below one (u_k <= c just fails), one double below one (c 2^53 not a whole number); a
 * repeated one, a zero, unsorted ones; and the u of the first four ties from tie_from
 * on that round down. */
static void size_tables(hc_model m[SIZE_TABLES], uint64_t k_hit, uint64_t tie_from)
{
    static const double base[] = {0.1716, 0.3333, 0.5, 0.7, 1.0};
    double u[4], grid_below[4], double_below[4], tie[4];
    uint64_t k;
    int t, j;
    for (j = 0; j < 4; j++) {
        const uint64_t k_j = k_hit - (uint64_t)j * 7919u;
        const double x_below = nextafter((double)k_j * HC_SIZE_GOLDEN, 0.0);
        u[j] = hc_size_u((uint32_t)(k_j - 1));
        grid_below[j] = x_below - floor(x_below);
        double_below[j] = nextafter(u[j], 0.0);
    }
    for (j = 0, k = tie_from; j < 4; k = size_next_few_bits(k))
        if (size_tie_rounds_down(k)) tie[j++] = hc_size_u((uint32_t)(k - 1));
    memset(m, 0, sizeof(hc_model) * SIZE_TABLES);
    for (t = 0; t < SIZE_TABLES; t++) m[t].n_size_classes = 5;
    memcpy(m[0].size_cum, base, sizeof base);
    memcpy(m[1].size_cum, u, sizeof u);
    memcpy(m[2].size_cum, grid_below, sizeof grid_below);
    memcpy(m[3].size_cum, double_below, sizeof double_below);
    memcpy(m[4].size_cum, tie, sizeof tie);
    for (t = 1; t <= 4; t++) qsort(m[t].size_cum, 4, sizeof(double), cmp_double);
    m[5].size_cum[0] = 0.0, m[5].size_cum[1] = u[0], m[5].size_cum[2] = u[0], m[5].size_cum[3] = 0.2; /* unsorted */
    for (t = 1; t < SIZE_TABLES; t++) m[t].size_cum[4] = 1.0;
}

/* Counts of firms [first, first + n) by visiting them, added to sum[t][j]. */
static void size_visit(const hc_model m[SIZE_TABLES], uint64_t first, uint64_t n, int64_t sum[][HC_MAX_SIZE_CLASSES])
{
    uint64_t f;
    int t;
    for (f = first; f < first + n; f++)
        for (t = 0; t < SIZE_TABLES; t++) sum[t][hc_size_class(&m[t], (uint32_t)f)]++;
}

static void size_expect(const hc_model m[SIZE_TABLES], int64_t F, int64_t want[][HC_MAX_SIZE_CLASSES])
{
    int64_t got[HC_MAX_SIZE_CLASSES];
    int t, j;
    for (t = 0; t < SIZE_TABLES; t++) {
        hc_size_class_counts(&m[t], F, got);
        for (j = 0; j < m[t].n_size_classes; j++)
            if (got[j] != want[t][j])
                fail_msg("table %d, F = %lld: class %d counted %lld firms, visiting finds %lld", t, (long long)F, j,
                         (long long)got[j], (long long)want[t][j]);
    }
}

/* Where the count could slip: k = F near where k g enters a new binade, a rounding tie
 * (k = 2^v times an odd number below 64) or every 4099th. */
static int size_checkpoint(uint64_t k)
{
    const uint64_t M = SIZE_M;
    __extension__ const unsigned __int128 lo = (unsigned __int128)(k - 1) * M, hi = (unsigned __int128)k * M;
    int s;
    if (k % 4099u == 0 || (k >> __builtin_ctzll(k)) < 64u) return 1;
    for (s = 0; s < 40; s++)
        if (lo < ((unsigned __int128)1 << (s + 52)) && hi >= ((unsigned __int128)1 << (s + 52))) return 1;
    return 0;
}

/* Every checkpoint F up to 2^22 (and the F after it), then windows of 2^16 firms up to
 * F = 2^32 - 1: the count's difference across a window equals the window visited. The
 * windows lie at the largest F, at binade starts, and around the first tie that rounds
 * down in each binade from 2^20 firms on, with that tie's u among the shares. */
static void size_class_counts_should_equal_visiting_every_firm(void **state)
{
    const uint64_t M = SIZE_M, small = 1ull << 22, window = 1ull << 16, last = (1ull << 32) - 1;
    __extension__ const unsigned __int128 one = 1;
    uint64_t hits[64][2]; /* window centre, first tie of the tie table */
    hc_model m[SIZE_TABLES];
    int64_t sum[SIZE_TABLES][HC_MAX_SIZE_CLASSES], before[SIZE_TABLES][HC_MAX_SIZE_CLASSES];
    uint64_t f, k;
    int e, n_hits = 0, s, t, j, checked = 0, ties = 0;
    (void)state;
    size_tables(m, 1234567, 20); /* ties 29, 33, 37, 41: 29 is the last k of its binade */
    memset(sum, 0, sizeof sum);
    for (f = 0; f < small; f++) {
        size_visit(m, f, 1, sum);
        if (size_checkpoint(f + 1) || size_checkpoint(f + 2)) {
            size_expect(m, (int64_t)(f + 1), sum);
            checked++;
        }
    }
    hits[n_hits][0] = last - window / 2, hits[n_hits++][1] = last - window;
    hits[n_hits][0] = (1ull << 31) + 12345, hits[n_hits++][1] = 1ull << 31;
    hits[n_hits][0] = 3000000017ull, hits[n_hits++][1] = 3000000017ull;
    for (s = 20; s <= 32; s++) {
        const uint64_t start = (uint64_t)(((one << (s + 52)) + M - 1) / M); /* the first k of binade s */
        hits[n_hits][0] = start, hits[n_hits++][1] = start;
        for (k = start; !size_tie_rounds_down(k); k = size_next_few_bits(k)) {
        }
        if (k + window / 2 <= last) hits[n_hits][0] = k, hits[n_hits++][1] = k, ties++;
    }
    for (e = 0; e < n_hits; e++) {
        const uint64_t end = hits[e][0] + window / 2 < last ? hits[e][0] + window / 2 : last;
        size_tables(m, end - window / 3, hits[e][1]);
        for (t = 0; t < SIZE_TABLES; t++) hc_size_class_counts(&m[t], (int64_t)(end - window), before[t]);
        memset(sum, 0, sizeof sum);
        size_visit(m, end - window, window, sum);
        for (t = 0; t < SIZE_TABLES; t++)
            for (j = 0; j < m[t].n_size_classes; j++) sum[t][j] += before[t][j];
        size_expect(m, (int64_t)end, sum);
        checked++;
    }
    assert_true(ties >= 10); /* windows around a tie that rounds down, in most binades */
    assert_true(checked > 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_specs_should_cover_every_input_once),
        cmocka_unit_test(dist_kind_name_should_name_every_kind),
        cmocka_unit_test(hc_fail_should_format_one_line_and_return_1),
        cmocka_unit_test_teardown(lognormal_p5_p95_should_set_mu_and_sigma, teardown_cfg),
        cmocka_unit_test_teardown(lognormal_median_sigma_should_set_log_median, teardown_cfg),
        cmocka_unit_test_teardown(pert_should_convert_mode_and_lambda_to_beta_shapes, teardown_cfg),
        cmocka_unit_test_teardown(beta_should_rescale_to_min_max_and_default_to_unit_interval, teardown_cfg),
        cmocka_unit_test_teardown(uniform_triangular_gamma_should_keep_their_parameters, teardown_cfg),
        cmocka_unit_test_teardown(pareto_should_set_max_or_zero_when_unbounded, teardown_cfg),
        cmocka_unit_test_teardown(discrete_should_append_values_and_cumulative_weights_to_pool, teardown_cfg),
        cmocka_unit_test_teardown(clip_should_set_bounds_and_numbers_should_be_constants, teardown_cfg),
        cmocka_unit_test_teardown(simulation_and_output_should_fill_config_and_model, teardown_cfg),
        cmocka_unit_test_teardown(roles_should_normalise_shares_and_default_adoption_start, teardown_cfg),
        cmocka_unit_test_teardown(omitted_optional_inputs_should_take_their_defaults, teardown_cfg),
        cmocka_unit_test_teardown(percentiles_should_default_to_5_25_50_75_95, teardown_cfg),
        cmocka_unit_test_teardown(name_should_default_to_file_name_without_json, teardown_cfg),
        cmocka_unit_test_teardown(extends_should_merge_objects_key_by_key, teardown_cfg),
        cmocka_unit_test_teardown(extends_should_replace_distribution_objects_whole, teardown_cfg),
        cmocka_unit_test_teardown(extends_should_merge_roles_by_name_and_append_new_ones, teardown_cfg),
        cmocka_unit_test_teardown(extends_should_not_inherit_name, teardown_cfg),
        cmocka_unit_test_teardown(extends_should_let_a_child_fix_an_inherited_value, teardown_cfg),
        cmocka_unit_test(error_in_inherited_value_should_name_the_file_that_set_it),
        cmocka_unit_test_teardown(override_should_set_a_simulation_field, teardown_cfg),
        cmocka_unit_test_teardown(override_should_set_a_role_field_by_index, teardown_cfg),
        cmocka_unit_test_teardown(override_should_set_a_role_field_by_name, teardown_cfg),
        cmocka_unit_test_teardown(override_should_apply_in_order_after_extends, teardown_cfg),
        cmocka_unit_test_teardown(override_value_should_be_a_string_when_not_json, teardown_cfg),
        cmocka_unit_test(override_of_unknown_key_should_fail_with_did_you_mean),
        cmocka_unit_test(override_with_bad_value_should_say_from_set),
        cmocka_unit_test(override_of_missing_role_or_index_should_fail),
        cmocka_unit_test_teardown(resolved_json_should_have_name_defaults_and_no_extends, teardown_cfg),
        cmocka_unit_test_teardown(resolved_json_should_reload_to_the_same_model, teardown_cfg),
        cmocka_unit_test(failed_load_should_leave_nothing_to_free),
        cmocka_unit_test(bad_configs_should_fail_with_their_expected_message),
        cmocka_unit_test(size_class_counts_should_equal_visiting_every_firm),
        cmocka_unit_test(size_class_totals_past_a_double_should_fail),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
