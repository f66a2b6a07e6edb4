/* unit_mcse.c: Monte Carlo standard errors (src/analysis/stats.c): the block count, the mean's
 * sd / sqrt(n), batch means calibrated against the true spread of repeated estimates,
 * appending worlds to a run (world ids continue: the same bits as one run), and
 * --target-mcse reaching its target or stopping at the cap. Runs from the repository
 * root (tests/run_all.sh), reading configs/cuts.json. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hc_mcse.h"
#include "hc_stats.h"

/* splitmix64 uniforms in (0, 1), then normals by the model's own inverse CDF. */
static uint64_t mix_state;
static double next_normal(void)
{
    uint64_t z = (mix_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return hc_normal_quantile(((double)(z >> 11) + 0.5) * 0x1.0p-53);
}

static void blocks_should_be_the_integer_square_root(void **state)
{
    (void)state;
    assert_int_equal(hc_mcse_blocks(0), 0);
    assert_int_equal(hc_mcse_blocks(3), 0); /* too few worlds: no estimate */
    assert_int_equal(hc_mcse_blocks(4), 2);
    assert_int_equal(hc_mcse_blocks(8), 2);
    assert_int_equal(hc_mcse_blocks(9), 3);
    assert_int_equal(hc_mcse_blocks(400), 20);
    assert_int_equal(hc_mcse_blocks(10000), 100);
    assert_int_equal(hc_mcse_blocks(2000000000), 44721);
}

static void mean_mcse_should_be_sd_over_sqrt_n_and_x_untouched(void **state)
{
    static const double p[3] = {5, 50, 95};
    const int n = 400;
    double x[400], copy[400], scratch[400], out[5], mean, sd;
    int i;
    (void)state;
    mix_state = 11;
    for (i = 0; i < n; i++) x[i] = 3.0 + 2.0 * next_normal();
    memcpy(copy, x, sizeof(x));
    hc_mcse_row(x, n, p, 3, out, scratch);
    assert_memory_equal(x, copy, sizeof(x));
    hc_mean_sd(x, n, &mean, &sd);
    assert_true(out[3] == sd / sqrt(400.0));
    for (i = 0; i < 5; i++) assert_true(isfinite(out[i]) && out[i] > 0.0);
    /* fewer than 4 worlds: every MCSE is 0, never NaN */
    hc_mcse_row(x, 3, p, 3, out, scratch);
    for (i = 0; i < 5; i++) assert_true(out[i] == 0.0);
}

static void batch_means_should_match_the_spread_of_repeated_estimates(void **state)
{
    /* 300 independent samples of 2500 standard normals: the standard deviation of their
     * 300 medians (and 300 p25s, sds) is the true MCSE, known to about 4 %; the batch-means
     * estimate, averaged over the 300 samples, must agree within 15 % (over 3 standard
     * errors). Theory for the median: sqrt(pi / 2 / 2500) = 0.02507. */
    static const double p[2] = {25, 50};
    enum { R = 300, N = 2500 };
    static double x[N], scratch[N];
    double est[R][4], mean_est[4] = {0}, truth[4];
    int r, i, k;
    (void)state;
    mix_state = 12;
    for (r = 0; r < R; r++) {
        double q[2], m, sd;
        for (i = 0; i < N; i++) x[i] = next_normal();
        hc_mcse_row(x, N, p, 2, est[r], scratch);
        for (k = 0; k < 4; k++) mean_est[k] += est[r][k] / R;
        hc_mean_sd(x, N, &m, &sd);
        memcpy(scratch, x, sizeof(x));
        hc_percentiles_d(scratch, N, p, 2, q);
        est[r][0] = q[0]; /* from here on est[r] holds the estimates themselves */
        est[r][1] = q[1];
        est[r][2] = m;
        est[r][3] = sd;
    }
    for (k = 0; k < 4; k++) {
        double m = 0.0, ss = 0.0;
        for (r = 0; r < R; r++) m += est[r][k] / R;
        for (r = 0; r < R; r++) ss += (est[r][k] - m) * (est[r][k] - m);
        truth[k] = sqrt(ss / (R - 1));
        print_message("# %s: batch-means MCSE %.5f, spread of %d repeats %.5f\n",
                      k == 0 ? "p25" : k == 1 ? "p50" : k == 2 ? "mean" : "sd", mean_est[k], R, truth[k]);
        assert_true(mean_est[k] / truth[k] > 0.85 && mean_est[k] / truth[k] < 1.15);
    }
    assert_true(fabs(truth[1] - sqrt(M_PI / 2.0 / N)) < 0.15 * truth[1]); /* the harness itself */
}

/* ---- growing a run */

static void load_cuts(const char *worlds, hc_config *c)
{
    static const char *keys[4] = {"simulation.worlds", "simulation.firms_per_world", "simulation.years",
                                  "simulation.steps_per_year"};
    const char *values[4];
    hc_override ov[4];
    hc_error err;
    int i;
    values[0] = worlds;
    values[1] = "5";
    values[2] = "2";
    values[3] = "2";
    for (i = 0; i < 4; i++) {
        ov[i].key = keys[i];
        ov[i].value = values[i];
    }
    if (hc_config_load("configs/cuts.json", ov, 4, c, &err)) fail_msg("%s", err.message);
}

static void run_slice(const hc_config *c, int64_t begin, int64_t worlds, hc_results *res)
{
    hc_error err;
    assert_int_equal(hc_results_alloc(res, 1, begin, worlds, c->firms_per_world, c->model.n_steps, c->steps_per_year,
                                      c->years, c->model.n_roles, &err), 0);
    if (hc_run_cpu(&(hc_plan){.models = c, .n_models = 1}, 2, res, &err)) fail_msg("%s", err.message);
}

static void appended_worlds_should_equal_one_run(void **state)
{
    hc_config c;
    hc_results all, head, tail;
    hc_error err;
    int y;
    (void)state;
    load_cuts("25", &c);
    run_slice(&c, 0, 25, &all);
    run_slice(&c, 0, 10, &head);
    run_slice(&c, 10, 15, &tail);
    assert_int_equal(hc_results_append(&head, &tail, &err), 0);
    assert_int_equal(head.worlds, 25);
    assert_memory_equal(all.sums, head.sums, sizeof(double) * 25 * (size_t)(c.model.n_steps + 1) * (size_t)all.n_sums);
    assert_memory_equal(all.firm_change, head.firm_change, sizeof(float) * 25 * 5 * (size_t)(c.years + 1));
    for (y = 0; y <= c.years; y++) assert_int_equal(all.shrinking[y], head.shrinking[y]);
    hc_results_free(&all);
    hc_results_free(&head);
    hc_results_free(&tail);
    hc_config_free(&c);
}

static void target_mcse_should_add_worlds_until_reached_or_capped(void **state)
{
    char *paths[1] = {(char *)"configs/cuts.json"};
    static const char *keys[4] = {"simulation.worlds", "simulation.firms_per_world", "simulation.years",
                                  "simulation.steps_per_year"};
    static const char *values[4] = {"16", "5", "2", "2"};
    hc_override ov[4];
    hc_config cfg[1];
    hc_blend_run run;
    hc_sim_options sim;
    hc_plan plan;
    hc_results res, first;
    hc_mcse_target t;
    hc_error err;
    int i, s, k;
    (void)state;
    for (i = 0; i < 4; i++) {
        ov[i].key = keys[i];
        ov[i].value = values[i];
    }
    memset(&sim, 0, sizeof(sim));
    sim.backend = "cpu";
    sim.threads = 2;
    sim.quiet = 1;
    if (hc_blend_load_run(paths, 1, ov, 4, cfg, &run, &err)) fail_msg("%s", err.message);
    run_slice(&cfg[0], 0, 16, &first);
    plan = hc_plan_of(cfg, 1, &first);

    /* 0.1 points: reached, with more worlds than the 16 it started from */
    run_slice(&cfg[0], 0, 16, &res);
    assert_int_equal(hc_mcse_run_to_target(&run, &plan, NULL, &sim, 0.1, 100000, &res, &t, &err), 0);
    print_message("# --target-mcse 0.1: %lld worlds in %d rounds, largest MCSE %.3f\n", (long long)t.worlds, t.rounds,
                  t.worst);
    assert_true(t.reached);
    assert_true(t.worlds > 16 && t.worlds == res.worlds);
    for (s = 0; s < 1; s++)
        for (k = 0; k < HC_N_HEADLINE; k++) assert_true(t.mcse[s][k] <= 0.1);
    /* world ids continue: the first 16 worlds are those of the 16-world run */
    assert_memory_equal(first.sums, res.sums, sizeof(double) * 16 * (size_t)(cfg[0].model.n_steps + 1) * (size_t)res.n_sums);
    hc_results_free(&res);

    /* a cap it cannot reach the target under: stops there, and says so */
    run_slice(&cfg[0], 0, 16, &res);
    assert_int_equal(hc_mcse_run_to_target(&run, &plan, NULL, &sim, 0.001, 40, &res, &t, &err), 0);
    assert_false(t.reached);
    assert_int_equal(res.worlds, 40);
    assert_int_equal(t.worlds, 40);
    hc_results_free(&res);
    hc_results_free(&first);
    hc_blend_run_free(&run);
    hc_config_free(&cfg[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_should_be_the_integer_square_root),
        cmocka_unit_test(mean_mcse_should_be_sd_over_sqrt_n_and_x_untouched),
        cmocka_unit_test(batch_means_should_match_the_spread_of_repeated_estimates),
        cmocka_unit_test(appended_worlds_should_equal_one_run),
        cmocka_unit_test(target_mcse_should_add_worlds_until_reached_or_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
