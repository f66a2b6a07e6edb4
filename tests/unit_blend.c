/* unit_blend.c: blend configs (src/plan/blend.c, include/hc_blend.h) through the same calls
 * `headcount run` makes (hc_blend_load_run, hc_blend_simulate on the CPU backend):
 *   - weights [1, 0] give exactly the first component, [0, 1] exactly the second: world
 *     sums, every firm's change and the shrinking counts, bit for bit;
 *   - with [0.5, 0.5] every world is one of the two components' same world, the one
 *     hc_blend_pick names, and the share of worlds taking each is within 5 binomial
 *     standard deviations of 0.5;
 *   - the blend's slot does not depend on where the blend and its components sit in the
 *     run (components reused as scenarios, or hidden);
 *   - the plan reuses a component already in the run and skips one no world takes;
 *   - the resolved blend (what the manifest records) holds the weights and each
 *     component's resolved config;
 *   - malformed blends fail with one line naming the file and the JSON path.
 * Run from the repository root: it loads configs/blend.json, cuts.json and growth.json. */
#include <cjson/cJSON.h>
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

#include "hc_blend.h"

#define MAX_PATHS 4

typedef struct {
    hc_config cfg[MAX_PATHS];
    hc_blend_run plan;
    hc_results res;
    int n;
} blend_run;

/* Loads and simulates `paths` with small sizes and the given blend weights (NULL: the file's). */
static void run_paths(blend_run *r, const char *const *paths, int n, const char *weights, const char *worlds)
{
    hc_override ov[5] = {{"simulation.worlds", worlds}, {"simulation.firms_per_world", "12"},
                         {"simulation.years", "2"}, {"simulation.steps_per_year", "2"}, {"blend.weights", weights}};
    hc_sim_options o;
    hc_plan pl;
    hc_error err;
    char *p[MAX_PATHS];
    int i;
    for (i = 0; i < n; i++) p[i] = (char *)(uintptr_t)paths[i];
    memset(r, 0, sizeof(*r));
    memset(&o, 0, sizeof(o)); /* hc_run.h: zero first, so a field added later is off */
    r->n = n;
    o.backend = "cpu";
    o.threads = 2;
    o.quiet = 1;
    if (hc_blend_load_run(p, n, ov, weights ? 5 : 4, r->cfg, &r->plan, &err) != 0) fail_msg("load: %s", err.message);
    if (hc_results_alloc(&r->res, hc_blend_run_slots(&r->plan), 0, r->cfg[0].worlds, r->cfg[0].firms_per_world,
                         r->cfg[0].model.n_steps, r->cfg[0].steps_per_year, r->cfg[0].years,
                         hc_blend_run_roles(&r->plan, r->cfg), &err) != 0)
        fail_msg("alloc: %s", err.message);
    r->res.n_scenarios = n; /* the run's scenarios; hidden components lie beyond */
    pl = hc_plan_of(r->cfg, n, &r->res);
    if (hc_blend_simulate(&r->plan, &pl, &o, &r->res, &err) != 0)
        fail_msg("run: %s", err.message);
    assert_int_equal(r->res.n_scenarios, n);
}

static void free_run(blend_run *r)
{
    int i;
    hc_results_free(&r->res);
    for (i = 0; i < r->n; i++) hc_config_free(&r->cfg[i]);
    hc_blend_run_free(&r->plan);
}

static size_t sums_per_world(const hc_results *r) { return (size_t)(r->n_steps + 1) * (size_t)r->n_sums; }

/* World w of slot a of ra against world w of slot b of rb, bit for bit. */
static int same_world(const hc_results *ra, int a, const hc_results *rb, int b, int64_t w)
{
    int year;
    const size_t F = (size_t)ra->firms;
    if (memcmp(hc_results_sums(ra, a, w, 0), hc_results_sums(rb, b, w, 0), sums_per_world(ra) * sizeof(double)))
        return 0;
    for (year = 0; year <= ra->years; year++)
        if (memcmp(hc_results_firm_change(ra, a, year) + (size_t)w * F,
                   hc_results_firm_change(rb, b, year) + (size_t)w * F, F * sizeof(float)))
            return 0;
    return 1;
}

static void assert_same_slot(const hc_results *ra, int a, const hc_results *rb, int b)
{
    int64_t w;
    int year;
    for (w = 0; w < ra->worlds; w++)
        if (!same_world(ra, a, rb, b, w)) fail_msg("world %lld differs", (long long)w);
    for (year = 0; year <= ra->years; year++)
        assert_int_equal(ra->shrinking[(size_t)a * (size_t)(ra->years + 1) + (size_t)year],
                         rb->shrinking[(size_t)b * (size_t)(rb->years + 1) + (size_t)year]);
}

static const char *const CUTS_GROWTH_BLEND[] = {"configs/cuts.json", "configs/growth.json", "configs/blend.json"};

// ---- one weight 1: the component itself

static void weights_1_0_should_give_the_first_component_exactly(void **state)
{
    blend_run r;
    (void)state;
    run_paths(&r, CUTS_GROWTH_BLEND, 3, "[1, 0]", "64");
    assert_same_slot(&r.res, 2, &r.res, 0);
    free_run(&r);
}

static void weights_0_1_should_give_the_second_component_exactly(void **state)
{
    blend_run r;
    (void)state;
    run_paths(&r, CUTS_GROWTH_BLEND, 3, "[0, 1]", "64");
    assert_same_slot(&r.res, 2, &r.res, 1);
    free_run(&r);
}

// ---- half and half

static void every_world_should_be_its_picked_components_same_world(void **state)
{
    const int64_t W = 400;
    blend_run r;
    int64_t w, taking[2] = {0, 0};
    double sd;
    (void)state;
    run_paths(&r, CUTS_GROWTH_BLEND, 3, "[0.5, 0.5]", "400");
    assert_false(same_world(&r.res, 0, &r.res, 1, 0)); /* the two narratives do differ */
    for (w = 0; w < W; w++) {
        const int k = hc_blend_pick(r.plan.blend[2], (uint32_t)w);
        assert_true(k == 0 || k == 1);
        if (!same_world(&r.res, 2, &r.res, k, w)) fail_msg("world %lld is not component %d's", (long long)w, k);
        taking[k]++;
    }
    assert_int_equal(taking[0], r.plan.blend[2]->worlds_taking[0]);
    /* 5 standard deviations of a binomial(400, 0.5): 50 worlds */
    sd = sqrt((double)W * 0.25);
    assert_true(fabs((double)taking[0] - 0.5 * (double)W) <= 5.0 * sd);
    assert_true(taking[0] > 0 && taking[1] > 0);
    free_run(&r);
}

static void uneven_weights_should_give_their_share_of_worlds(void **state)
{
    blend_run r;
    double share;
    (void)state;
    run_paths(&r, CUTS_GROWTH_BLEND + 2, 1, "[3, 7]", "2000");
    share = (double)r.plan.blend[0]->worlds_taking[0] / 2000.0;
    assert_true(fabs(share - 0.3) <= 5.0 * sqrt(0.3 * 0.7 / 2000.0));
    assert_true(fabs(r.plan.blend[0]->probability[0] - 0.3) < 1e-15);
    free_run(&r);
}

// ---- where the blend sits in the run does not matter

static void the_blends_slot_should_not_depend_on_the_runs_order(void **state)
{
    static const char *const alone[] = {"configs/blend.json"};
    static const char *const between[] = {"configs/growth.json", "configs/blend.json", "configs/cuts.json"};
    static const char *const with_cuts[] = {"configs/blend.json", "configs/cuts.json"};
    blend_run ref, r;
    (void)state;
    run_paths(&ref, CUTS_GROWTH_BLEND, 3, NULL, "48");
    run_paths(&r, alone, 1, NULL, "48");
    assert_int_equal(r.plan.n_hidden, 2);
    assert_same_slot(&r.res, 0, &ref.res, 2);
    free_run(&r);
    run_paths(&r, between, 3, NULL, "48");
    assert_int_equal(r.plan.n_hidden, 0);
    assert_same_slot(&r.res, 1, &ref.res, 2);
    assert_same_slot(&r.res, 0, &ref.res, 1); /* the ordinary scenarios keep their places too */
    assert_same_slot(&r.res, 2, &ref.res, 0);
    free_run(&r);
    run_paths(&r, with_cuts, 2, NULL, "48");
    assert_int_equal(r.plan.n_hidden, 1); /* cuts reused, growth hidden */
    assert_same_slot(&r.res, 0, &ref.res, 2);
    assert_same_slot(&r.res, 1, &ref.res, 0);
    free_run(&ref);
    free_run(&r);
}

static void a_component_no_world_takes_should_not_be_simulated(void **state)
{
    blend_run r;
    (void)state;
    run_paths(&r, CUTS_GROWTH_BLEND + 2, 1, "[1, 0]", "32");
    assert_int_equal(r.plan.n_hidden, 1);
    assert_int_equal(r.plan.component_slot[0][1], -1);
    assert_int_equal(hc_blend_run_simulated(&r.plan), 1);
    free_run(&r);
}

// ---- what the manifest records

static void the_resolved_blend_should_hold_weights_and_component_configs(void **state)
{
    blend_run r;
    const cJSON *root, *weights, *comps;
    int k;
    (void)state;
    run_paths(&r, CUTS_GROWTH_BLEND + 2, 1, "[0.25, 0.75]", "16");
    root = r.cfg[0].resolved;
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "name")), "blend");
    weights = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "blend"), "weights");
    assert_int_equal(cJSON_GetArraySize(weights), 2);
    assert_true(cJSON_GetArrayItem(weights, 0)->valuedouble == 0.25);
    assert_true(cJSON_GetArrayItem(weights, 1)->valuedouble == 0.75);
    comps = cJSON_GetObjectItemCaseSensitive(root, "components");
    assert_int_equal(cJSON_GetArraySize(comps), 2);
    for (k = 0; k < 2; k++) {
        const cJSON *c = cJSON_GetArrayItem(comps, k);
        assert_true(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(c, "config"),
                                  r.plan.blend[0]->component[k].resolved, 1));
        assert_true(cJSON_GetObjectItemCaseSensitive(c, "probability")->valuedouble == (k ? 0.75 : 0.25));
    }
    free_run(&r);
}

// ---- malformed blends

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    if (f == NULL) fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Loading tmpdir/name must fail with a message containing `want`. */
static void expect_error(const char *name, const char *want)
{
    char path[256];
    hc_blend *b = NULL;
    hc_error err;
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    if (hc_blend_load(path, NULL, 0, &b, &err) == 0) {
        hc_blend_free(b);
        fail_msg("%s loaded, expected an error containing \"%s\"", name, want);
    }
    if (strstr(err.message, want) == NULL || strstr(err.message, path) != err.message || strchr(err.message, '\n'))
        fail_msg("%s: got \"%s\", expected one line starting with the file and containing \"%s\"", name,
                 err.message, want);
}

static void malformed_blends_should_fail_naming_file_and_path(void **state)
{
    char cwd[2048], text[8192];
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hc_unit_blend.XXXXXX");
    if (getcwd(cwd, sizeof(cwd)) == NULL || mkdtemp(tmpdir) == NULL) fail_msg("no temporary folder");
#define BLEND(comps, weights) "{\"blend\": {\"components\": " comps ", \"weights\": " weights "}}"
    snprintf(text, sizeof(text), "{\"extends\": \"%s/configs/cuts.json\", \"simulation\": {\"seed\": 7}}", cwd);
    write_file("cuts_seed7.json", text);
    snprintf(text, sizeof(text), BLEND("[\"%s/configs/cuts.json\", \"%s/configs/growth.json\"]", "[1, 1]"), cwd, cwd);
    write_file("ok.json", text);
    snprintf(text, sizeof(text), BLEND("[\"%s/configs/cuts.json\", \"%s/configs/growth.json\"]", "[1, -1]"), cwd, cwd);
    write_file("negative.json", text);
    snprintf(text, sizeof(text), BLEND("[\"%s/configs/cuts.json\", \"%s/configs/growth.json\"]", "[0, 0]"), cwd, cwd);
    write_file("zero.json", text);
    snprintf(text, sizeof(text), BLEND("[\"%s/configs/cuts.json\", \"%s/configs/growth.json\"]", "[1]"), cwd, cwd);
    write_file("short.json", text);
    snprintf(text, sizeof(text), BLEND("[\"%s/configs/cuts.json\", \"cuts_seed7.json\"]", "[1, 1]"), cwd);
    write_file("seeds.json", text);
    write_file("nested.json", BLEND("[\"ok.json\"]", "[1]"));
    write_file("missing.json", BLEND("[\"no_such.json\"]", "[1]"));
    write_file("unknown.json", "{\"blend\": {\"components\": [\"ok.json\"], \"weights\": [1]}, \"worlds\": 3}");
    write_file("inner.json", "{\"blend\": {\"components\": [\"ok.json\"], \"weight\": [1]}}");
    write_file("notobject.json", "{\"blend\": [1]}");
    expect_error("negative.json", "blend.weights[1]: expected a number >= 0");
    expect_error("zero.json", "blend.weights: expected a positive, finite sum");
    expect_error("short.json", "blend.weights: expected an array of 2 numbers");
    expect_error("seeds.json", "differ in simulation.seed");
    expect_error("nested.json", "blend.components[0]: ");
    expect_error("nested.json", "is itself a blend");
    expect_error("missing.json", "blend.components[0]: ");
    expect_error("missing.json", "cannot read");
    expect_error("unknown.json", "worlds: unknown key");
    expect_error("inner.json", "blend.weight: unknown key");
    expect_error("notobject.json", "blend: expected an object");
    {
        char path[256];
        hc_blend *b;
        hc_error err;
        const hc_override bad = {"blend.wieghts", "[1]"};
        snprintf(path, sizeof(path), "%s/ok.json", tmpdir);
        assert_int_equal(hc_blend_load(path, &bad, 1, &b, &err), 1);
        assert_non_null(strstr(err.message, "blend.wieghts (from --set): unknown key"));
        assert_int_equal(hc_blend_load(path, NULL, 0, &b, &err), 0);
        assert_string_equal(b->name, "ok"); /* no name: the file name without .json */
        hc_blend_free(b);
    }
    assert_true(hc_blend_is_file("configs/blend.json"));
    assert_false(hc_blend_is_file("configs/cuts.json"));
    assert_false(hc_blend_is_file("configs/no_such_file.json"));
    {
        static const char *const names[] = {"cuts_seed7.json", "ok.json", "negative.json", "zero.json", "short.json",
                                            "seeds.json", "nested.json", "missing.json", "unknown.json",
                                            "inner.json", "notobject.json"};
        size_t i;
        char path[256];
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
            remove(path);
        }
        rmdir(tmpdir);
    }
#undef BLEND
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weights_1_0_should_give_the_first_component_exactly),
        cmocka_unit_test(weights_0_1_should_give_the_second_component_exactly),
        cmocka_unit_test(every_world_should_be_its_picked_components_same_world),
        cmocka_unit_test(uneven_weights_should_give_their_share_of_worlds),
        cmocka_unit_test(the_blends_slot_should_not_depend_on_the_runs_order),
        cmocka_unit_test(a_component_no_world_takes_should_not_be_simulated),
        cmocka_unit_test(the_resolved_blend_should_hold_weights_and_component_configs),
        cmocka_unit_test(malformed_blends_should_fail_naming_file_and_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
