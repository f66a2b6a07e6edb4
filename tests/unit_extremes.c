/* unit_extremes.c: extreme inputs and hostile conditions (docs/hardening.md).
 *
 * Extreme but valid configs must load and keep every number of the model finite; configs
 * that would drive a firm's 32-bit floats out of range must be refused by the loader
 * with a message naming the input; the model's guards (include/model/hc_model.h) must hold; the
 * loader must not block on a FIFO; sizes that would overflow must be refused; a run's
 * files must be published all at once or not at all (src/outputs/outdir.c staging). The command
 * line side of the same is tests/cli_hardening.sh. Run from the repository root. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hc_config.h"
#include "hc_engine.h"
#include "model/hc_model.h"
#include "hc_outdir.h"

#define CUTS "configs/cuts.json"
#define GROWTH "configs/growth.json"
#define MINIMAL "tests/configs/good/minimal.json"

/* Up to 8 --set KEY=VALUE, NULL-terminated as {key, value} pairs. */
typedef struct {
    const char *kv[8][2];
} sets;

static int load(const char *path, const sets *s, hc_config *c, hc_error *err)
{
    hc_override ov[8];
    int n = 0;
    while (s != NULL && n < 8 && s->kv[n][0] != NULL) {
        ov[n].key = s->kv[n][0];
        ov[n].value = s->kv[n][1];
        n++;
    }
    return hc_config_load(path, ov, n, c, err);
}

/* Runs the model on 3 worlds x 4 firms, every step, the way the CPU backend does, and
 * returns 0 when every firm output, world metric and firm-level change is finite, else
 * 1 with `what` saying where. */
static int model_nonfinite(const hc_config *c, char *what, size_t len)
{
    const hc_model *m = &c->model;
    const int T = m->n_steps, R = m->n_roles, S = m->steps_per_year;
    hc_world_step *steps = (hc_world_step *)malloc((size_t)(T + 1) * sizeof *steps);
    float *Kw = (float *)malloc((size_t)(T + 1) * (size_t)R * sizeof(float));
    double *sums = (double *)malloc((size_t)(T + 1) * HC_N_SUMS * sizeof(double));
    uint32_t w;
    int bad = 0;
    assert_non_null(steps);
    assert_non_null(Kw);
    assert_non_null(sums);
    for (w = 0; w < 3 && !bad; w++) {
        hc_world_inputs wi;
        int f, t, k;
        hc_world_sample(m, w, &wi);
        hc_world_path(m, w, &wi, steps, Kw);
        memset(sums, 0, (size_t)(T + 1) * HC_N_SUMS * sizeof(double));
        for (f = 0; f < 4 && !bad; f++) {
            hc_firm firm;
            hc_firm_sample(m, w, (uint32_t)f, &wi, &firm);
            for (t = 0; t <= T && !bad; t++) {
                hc_firm_out o;
                hc_firm_step(m, &steps[t], Kw + (size_t)t * (size_t)R, t, &firm, &o);
                hc_firm_accumulate(sums + (size_t)t * HC_N_SUMS, &o);
                if (!(isfinite(o.H) && isfinite(o.Hcf) && isfinite(o.A) && isfinite(o.Ho) && isfinite(o.Hn) &&
                      isfinite(o.Hs) && isfinite(o.spend) && isfinite(o.wage_bill) && isfinite(o.exposed)) ||
                    (t % S == 0 && !isfinite(hc_firm_change_pct(&firm, o.H)))) {
                    snprintf(what, len, "world %u firm %d step %d: H %g spend %g wage_bill %g", w, f, t, o.H, o.spend,
                             o.wage_bill);
                    bad = 1;
                }
            }
        }
        for (t = 0; t <= T && !bad; t++) {
            double metric[HC_N_METRICS];
            hc_metrics(sums + (size_t)t * HC_N_SUMS, sums, c->employment, metric);
            for (k = 0; k < HC_N_METRICS && !bad; k++)
                if (!isfinite(metric[k])) {
                    snprintf(what, len, "world %u step %d: metric %d = %g", w, t, k, metric[k]);
                    bad = 1;
                }
        }
    }
    free(steps);
    free(Kw);
    free(sums);
    return bad;
}

/* ---- extreme but valid: loads, and the model stays finite */

static const struct {
    const char *name;
    sets set;
} extremes[] = {
    {"price 1e-9 USD per million tokens", {{{"inference.price_per_mtok", "1e-9"}}}},
    {"price 1e9 USD per million tokens", {{{"inference.price_per_mtok", "1e9"}}}},
    {"growth rates near -1",
     {{{"firms.demand_growth", "-0.99"},
       {"wages.annual_growth", "-0.99"},
       {"compute.annual_budget_growth", "-0.99"},
       {"inference.annual_token_growth", "-0.99"},
       {"inference.annual_price_change", "-0.999999"},
       {"capability.annual_error_change", "-0.99"},
       {"firms.expected_price_change", "-0.99"}}}},
    {"firms of 1e9 employees", {{{"firms.size_classes", "null"}, {"firms.headcount", "1e9"}}}},
    {"one world, one firm", {{{"simulation.worlds", "1"}, {"simulation.firms_per_world", "1"}}}},
    {"one step", {{{"simulation.years", "1"}, {"simulation.steps_per_year", "1"}}}},
    {"100 years", {{{"simulation.years", "100"}}}},
    {"100 years of huge firms at 1e9 USD tokens", {{{"simulation.years", "100"}, {"firms.size_classes", "null"}, {"firms.headcount", "1e9"},
                                                    {"inference.price_per_mtok", "1e9"}}}},
    /* Accepted, and only finite thanks to the model's guards: */
    {"elastic demand (eta 50) over 100 years", {{{"firms.demand_elasticity", "50"}, {"simulation.years", "100"}}}},
    {"price rising a million-fold a year", {{{"inference.annual_price_change", "1e6"},
                                             {"inference.price_volatility", "1e3"},
                                             {"simulation.years", "100"}}}},
    {"a price shock at every step", {{{"inference.shock_rate", "1e9"}, {"inference.shock_multiplier", "1e300"},
                                      {"simulation.years", "100"}}}},
    {"wide task-cost spread, rising price, exploding budgets",
     {{{"inference.task_cost_dispersion", "5"}, {"inference.annual_price_change", "100"},
       {"compute.annual_budget_growth", "5"}, {"simulation.years", "30"}}}},
    {"free compute, full automation, elastic demand",
     {{{"inference.price_per_mtok", "1e-9"}, {"firms.demand_elasticity", "3"}, {"labor.oversight_ratio", "0"},
       {"labor.new_task_ratio", "0"}, {"capability.ceiling", "1"}, {"firms.adoption_speed", "1"},
       {"simulation.years", "50"}}}},
};

static void extreme_configs_should_load_and_stay_finite(void **state)
{
    size_t i;
    int k;
    (void)state;
    for (i = 0; i < sizeof extremes / sizeof extremes[0]; i++) {
        const char *paths[2] = {CUTS, GROWTH};
        for (k = 0; k < 2; k++) {
            hc_config c;
            hc_error err;
            char what[256];
            if (load(paths[k], &extremes[i].set, &c, &err) != 0)
                fail_msg("%s (%s) should load: %s", extremes[i].name, paths[k], err.message);
            if (model_nonfinite(&c, what, sizeof what))
                fail_msg("%s (%s): not finite at %s", extremes[i].name, paths[k], what);
            hc_config_free(&c);
        }
    }
}

/* 50 roles (the schema allows 64): a config written out, extending the shipped base. */
static void fifty_roles_should_load_and_stay_finite(void **state)
{
    char text[16384], what[256];
    size_t n = 0;
    hc_config c;
    hc_error err;
    int r;
    (void)state;
    n += (size_t)snprintf(text + n, sizeof text - n, "{\"extends\": \"cuts.json\", \"name\": \"fifty\", \"roles\": [");
    for (r = 0; r < 50; r++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "%s{\"name\": \"role%d\", \"share\": %d, \"exposure\": %.2f, \"wage\": %d, "
                              "\"tokens_per_fte_year\": %de8}",
                              r ? ", " : "", r, 1 + r % 7, (r % 11) / 10.0, 30000 + 1000 * r, 1 + r % 9);
    snprintf(text + n, sizeof text - n, "]}");
    if (hc_config_load_text("configs/fifty.json", text, strlen(text), NULL, 0, &c, &err) != 0)
        fail_msg("50 roles should load: %s", err.message);
    assert_true(c.model.n_roles >= 50); /* these 50 and the base's own */
    if (model_nonfinite(&c, what, sizeof what)) fail_msg("50 roles: not finite at %s", what);
    hc_config_free(&c);
}

/* ---- what a firm's floats cannot hold is refused, naming the input */

static const struct {
    const char *path;
    sets set;
    const char *expect; /* the input the message must name */
} refused[] = {
    {CUTS, {{{"firms.demand_growth", "10"}, {"simulation.years", "100"}}}, "firms.demand_growth"},
    {CUTS, {{{"firms.demand_growth", "-0.9999"}}}, "firms.demand_growth"},
    {CUTS, {{{"wages.annual_growth", "-0.9999"}, {"simulation.years", "20"}}}, "wages.annual_growth"},
    {CUTS, {{{"wages.annual_growth", "5"}, {"simulation.years", "60"}}}, "wages.annual_growth"},
    {CUTS,
     {{{"capability.error_rate_start", "1e-300"}, {"capability.annual_error_change", "1"}, {"simulation.years", "200"}}},
     "capability.annual_error_change"},
    {CUTS, {{{"firms.expected_price_change", "5"}, {"firms.planning_horizon", "1e4"}}}, "firms.expected_price_change"},
    {CUTS, {{{"compute.per_specialist", "1e-20"}}}, "compute.per_specialist"},
    {CUTS, {{{"inference.task_cost_dispersion", "1e-40"}}}, "inference.task_cost_dispersion"},
    {CUTS, {{{"firms.size_classes", "null"}, {"firms.headcount", "1e40"}}}, "firms.headcount"},
    {CUTS, {{{"firms.size_classes", "null"}, {"firms.headcount", "{\"dist\": \"gamma\", \"shape\": 0.5, \"scale\": 100}"}}}, "firms.headcount"},
    {CUTS, {{{"population.employment", "1e250"}}}, "population.employment"},
    {CUTS, {{{"capability.start", "1e-310"}}}, "capability.start"},
    {CUTS, {{{"inference.price_volatility", "1e300"}}}, "inference.price_volatility"},
    {MINIMAL,
     {{{"roles[0].exposure", "1"}, {"roles[0].adoption_start", "1"}, {"labor.oversight_ratio", "0"},
       {"labor.new_task_ratio", "0"}}},
     "roles"},
};

static void out_of_float_range_should_be_refused_naming_the_input(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        hc_config c;
        hc_error err;
        if (load(refused[i].path, &refused[i].set, &c, &err) == 0) {
            hc_config_free(&c);
            fail_msg("case %d (%s=%s) should be refused", (int)i, refused[i].set.kv[0][0], refused[i].set.kv[0][1]);
        }
        if (strstr(err.message, refused[i].expect) == NULL || strstr(err.message, ".json: ") == NULL ||
            strstr(err.message, "32-bit floats") == NULL || strchr(err.message, '\n') != NULL)
            fail_msg("case %d: message should name the file and %s and say why: %s", (int)i, refused[i].expect,
                     err.message);
        assert_int_equal(err.out_of_memory, 0);
    }
}

/* The shipped narratives at their own horizon and at 100 years pass the numeric checks. */
static void shipped_configs_should_pass_the_numeric_checks(void **state)
{
    static const sets century = {{{"simulation.years", "100"}}};
    const char *paths[] = {CUTS, GROWTH, "tests/configs/good/base.json", "tests/configs/good/child.json", MINIMAL};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        hc_config c;
        hc_error err;
        if (load(paths[i], NULL, &c, &err) != 0) fail_msg("%s: %s", paths[i], err.message);
        hc_config_free(&c);
        if (i < 2 && load(paths[i], &century, &c, &err) != 0) fail_msg("%s over 100 years: %s", paths[i], err.message);
        if (i < 2) hc_config_free(&c);
    }
}

/* ---- the model's guards (include/model/hc_model.h) */

static void price_path_should_saturate_instead_of_overflowing(void **state)
{
    static const sets s = {{{"inference.annual_price_change", "1e6"}, {"simulation.years", "100"}}};
    hc_config c;
    hc_error err;
    hc_world_inputs wi;
    hc_world_step *steps;
    float *Kw;
    size_t i, n;
    (void)state;
    if (load(CUTS, &s, &c, &err) != 0) fail_msg("%s", err.message);
    n = (size_t)(c.model.n_steps + 1);
    steps = (hc_world_step *)malloc(n * sizeof *steps);
    Kw = (float *)malloc(n * (size_t)c.model.n_roles * sizeof(float));
    assert_non_null(steps);
    assert_non_null(Kw);
    hc_world_sample(&c.model, 0, &wi);
    hc_world_path(&c.model, 0, &wi, steps, Kw);
    for (i = 0; i < n * (size_t)c.model.n_roles; i++) assert_true(isfinite(Kw[i]) && Kw[i] >= 0.0f);
    for (i = 0; i < n; i++) assert_true(isfinite(steps[i].price) && isfinite(steps[i].budget_index));
    assert_true(steps[n - 1].price == FLT_MAX); /* a million-fold a year for 100 years: saturated */
    free(steps);
    free(Kw);
    hc_config_free(&c);
}

/* The largest demand multiplier Q the last run_one_firm reached. */
static float q_reached;

/* Steps one firm of world 0 through the whole horizon; returns the firm. */
static hc_firm run_one_firm(const hc_config *c, float *spend_max)
{
    const hc_model *m = &c->model;
    const size_t n = (size_t)(m->n_steps + 1);
    hc_world_step *steps = (hc_world_step *)malloc(n * sizeof *steps);
    float *Kw = (float *)malloc(n * (size_t)m->n_roles * sizeof(float));
    hc_world_inputs wi;
    hc_firm f;
    int t;
    assert_non_null(steps);
    assert_non_null(Kw);
    hc_world_sample(m, 0, &wi);
    hc_world_path(m, 0, &wi, steps, Kw);
    hc_firm_sample(m, 0, 0, &wi, &f);
    *spend_max = 0.0f;
    q_reached = 0.0f;
    for (t = 0; t <= m->n_steps; t++) {
        hc_firm_out o;
        hc_firm_step(m, &steps[t], Kw + (size_t)t * (size_t)m->n_roles, t, &f, &o);
        if (o.spend > *spend_max) *spend_max = o.spend;
        if (f.Q > q_reached) q_reached = f.Q;
        assert_true(f.Q >= HC_Q_MIN && f.Q <= HC_Q_MAX);
    }
    free(steps);
    free(Kw);
    return f;
}

static void demand_multiplier_should_stay_within_its_bounds(void **state)
{
    /* cheap compute and fast adoption bring the unit cost U well below 1, and U^-50 far past
     * HC_Q_MAX */
    static const sets s = {{{"firms.demand_elasticity", "50"}, {"simulation.years", "20"},
                            {"inference.price_per_mtok", "1e-6"}, {"labor.oversight_ratio", "0"},
                            {"firms.adoption_speed", "1"}, {"capability.ceiling", "1"}}};
    hc_config c;
    hc_error err;
    float spend_max;
    (void)state;
    if (load(CUTS, &s, &c, &err) != 0) fail_msg("%s", err.message);
    run_one_firm(&c, &spend_max); /* asserts HC_Q_MIN <= Q <= HC_Q_MAX at every step */
    /* ...and the bound was reached: U^-50 runs far past it, so without the clamp Q would
     * leave [HC_Q_MIN, HC_Q_MAX] (a test that never reaches the bound checks nothing) */
    printf("# largest Q reached: %g\n", (double)q_reached);
    assert_true(q_reached == HC_Q_MAX);
    hc_config_free(&c);
}

/* All work automated at no cost makes U = 0; without demand elasticity Q must stay 1. */
static void zero_unit_cost_without_elasticity_should_leave_demand_alone(void **state)
{
    static const sets s = {{{"roles[0].exposure", "1"}, {"roles[0].adoption_start", "1"},
                            {"labor.oversight_ratio", "0"}, {"labor.new_task_ratio", "0.5"},
                            {"inference.price_per_mtok", "1e-30"}, {"wages.oversight", "1e-30"},
                            {"firms.adoption_speed", "1"}, {"capability.ceiling", "1"}}};
    hc_config c;
    hc_error err;
    hc_firm f;
    float spend_max;
    (void)state;
    if (load(MINIMAL, &s, &c, &err) != 0) fail_msg("%s", err.message);
    assert_true(c.model.input[HC_IN_DEMAND_ELASTICITY].p[0] == 0.0);
    f = run_one_firm(&c, &spend_max);
    assert_true(f.Q == 1.0f);
    hc_config_free(&c);
}

static void compute_budget_should_be_capped(void **state)
{
    static const sets s = {{{"compute.annual_budget_growth", "9"}, {"compute.budget_share", "1"},
                            {"inference.annual_price_change", "20"}, {"inference.task_cost_dispersion", "4"},
                            {"simulation.years", "40"}}};
    hc_config c;
    hc_error err;
    float spend_max;
    (void)state;
    if (load(MINIMAL, &s, &c, &err) != 0) fail_msg("%s", err.message);
    run_one_firm(&c, &spend_max);
    assert_true(isfinite(spend_max) && spend_max <= HC_BUDGET_MAX * 1.0001f);
    hc_config_free(&c);
}

/* ---- the loader against hostile files */

static void extends_to_a_fifo_should_fail_without_blocking(void **state)
{
    char dir[] = "/tmp/hc_extremes_XXXXXX", fifo[64], text[128];
    hc_config c;
    hc_error err;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/pipe.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    snprintf(text, sizeof text, "{\"extends\": \"%s\"}", fifo);
    /* With a blocking open this would wait forever for a writer. */
    assert_int_not_equal(hc_config_load_text("tests/configs/good/x.json", text, strlen(text), NULL, 0, &c, &err), 0);
    assert_non_null(strstr(err.message, "not a regular file"));
    snprintf(text, sizeof text, "{\"extends\": \"%s\"}", dir);
    assert_int_not_equal(hc_config_load_text("tests/configs/good/x.json", text, strlen(text), NULL, 0, &c, &err), 0);
    assert_non_null(strstr(err.message, "Is a directory"));
    unlink(fifo);
    rmdir(dir);
}

/* cJSON_Print keeps 15 digits when they read back within DBL_EPSILON: the resolved config
 * (the manifest's record of the run) must keep them all (tests/fuzz/regressions/config). */
static void resolved_config_should_keep_every_digit(void **state)
{
    static const sets s = {{{"firms.demand_growth", "{\"dist\": \"normal\", \"mean\": 0.02, \"sd\": 0.03, "
                                                    "\"clip\": [-0.5, 0.59007199254740994]}"}}};
    hc_config c, again;
    hc_error err;
    char *text;
    (void)state;
    if (load(CUTS, &s, &c, &err) != 0) fail_msg("%s", err.message);
    text = hc_config_resolved_json(&c);
    assert_non_null(text);
    assert_non_null(strstr(text, "0.590071992547409")); /* not cJSON's 0.590071992547410 */
    if (hc_config_load_text(CUTS, text, strlen(text), NULL, 0, &again, &err) != 0) fail_msg("%s", err.message);
    assert_memory_equal(&again.model, &c.model, sizeof c.model);
    hc_config_free(&again);
    hc_config_free(&c);
    free(text);
}

/* ---- sizes */

static void results_bytes_should_saturate_instead_of_wrapping(void **state)
{
    hc_results r;
    hc_error err;
    (void)state;
    /* 16 x 8 x 2^23 x 2^32 floats is 2^64 bytes: as size_t arithmetic it would wrap to 0. */
    assert_true(hc_results_bytes(16, (int64_t)1 << 23, (int64_t)1 << 32, 7, 7, 8) == SIZE_MAX);
    assert_int_not_equal(hc_results_alloc(&r, 16, 0, (int64_t)1 << 23, (int64_t)1 << 32, 7, 1, 7, 8, &err), 0);
    assert_non_null(strstr(err.message, "out of memory"));
    assert_null(r.sums);
    assert_true(hc_results_bytes(1, 10, 10, 4, 1, 3) == 1 * 10 * 5 * (HC_N_SUMS + 3 * HC_N_ROLE_SUMS) * sizeof(double) + 2 * 10 * 10 * sizeof(float) + 2 * sizeof(int64_t));
}

/* ---- staging: all of a run's files at once, or none */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int file_is(const char *dir, const char *name, const char *text)
{
    char path[512], buf[128] = "";
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    if (f == NULL) return 0;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strcmp(buf, text) == 0;
}

static void staged_run_should_replace_the_old_one_whole(void **state)
{
    char dir[] = "/tmp/hc_stage_XXXXXX", stage[600], sub[700];
    hc_error err;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/charts", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    write_file(dir, "manifest.json", "old");
    write_file(dir, "bands.csv", "old");
    write_file(dir, "charts/a.svg", "old");
    write_file(dir, "notes.txt", "mine"); /* not headcount's: kept (--force) */
    assert_int_equal(hc_output_prepare_dir(dir, 0, &err), 1); /* not a headcount run */
    assert_int_equal(hc_output_prepare_dir(dir, 1, &err), 0);
    assert_int_equal(hc_output_stage(dir, stage, sizeof stage, &err), 0);
    snprintf(sub, sizeof sub, "%s/charts", stage);
    assert_int_equal(mkdir(sub, 0777), 0);
    write_file(stage, "bands.csv", "new");
    write_file(stage, "charts/a.svg", "new");
    write_file(stage, "charts/b.svg", "new");
    write_file(stage, "manifest.json", "new");
    assert_true(file_is(dir, "bands.csv", "old")); /* nothing moves before publishing */
    assert_int_equal(hc_output_publish(stage, dir, &err), 0);
    assert_true(file_is(dir, "manifest.json", "new"));
    assert_true(file_is(dir, "bands.csv", "new"));
    assert_true(file_is(dir, "charts/a.svg", "new"));
    assert_true(file_is(dir, "charts/b.svg", "new"));
    assert_true(file_is(dir, "notes.txt", "mine"));
    assert_int_equal(access(stage, F_OK), -1);
    /* A second run that fails: discarded, the first one untouched. */
    assert_int_equal(hc_output_prepare_dir(dir, 1, &err), 0);
    assert_int_equal(hc_output_stage(dir, stage, sizeof stage, &err), 0);
    write_file(stage, "bands.csv", "half");
    snprintf(sub, sizeof sub, "%s/charts", stage);
    assert_int_equal(mkdir(sub, 0777), 0);
    write_file(stage, "charts/a.svg", "half");
    hc_output_discard(stage);
    assert_int_equal(access(stage, F_OK), -1);
    assert_true(file_is(dir, "bands.csv", "new"));
    assert_true(file_is(dir, "charts/a.svg", "new"));
    assert_true(file_is(dir, "manifest.json", "new"));
    snprintf(sub, sizeof sub, "rm -rf '%s'", dir);
    assert_int_equal(system(sub), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extreme_configs_should_load_and_stay_finite),
        cmocka_unit_test(fifty_roles_should_load_and_stay_finite),
        cmocka_unit_test(out_of_float_range_should_be_refused_naming_the_input),
        cmocka_unit_test(shipped_configs_should_pass_the_numeric_checks),
        cmocka_unit_test(price_path_should_saturate_instead_of_overflowing),
        cmocka_unit_test(demand_multiplier_should_stay_within_its_bounds),
        cmocka_unit_test(zero_unit_cost_without_elasticity_should_leave_demand_alone),
        cmocka_unit_test(compute_budget_should_be_capped),
        cmocka_unit_test(extends_to_a_fifo_should_fail_without_blocking),
        cmocka_unit_test(resolved_config_should_keep_every_digit),
        cmocka_unit_test(results_bytes_should_saturate_instead_of_wrapping),
        cmocka_unit_test(staged_run_should_replace_the_old_one_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
