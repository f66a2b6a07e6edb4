/* unit_mixture.c: the `mixture` distribution and the 90 % interval shorthand
 * {"p5": a, "p95": b} (include/model/hc_dist.h, src/config/dist_kinds.c), through the config loader as a
 * user writes them (a --set override on configs/cuts.json) and through hc_dist_sample as
 * the model draws them (one stream per world, n = 50000 draws):
 *   - a two-component mixture against its closed-form CDF (Kolmogorov-Smirnov at
 *     alpha = 0.001) and moments (5 standard errors), and component frequencies
 *     (chi-square at alpha = 0.001; a zero-weight component is never drawn);
 *   - a one-component mixture draws exactly what its component draws, bit for bit;
 *   - the shorthand picks lognormal or normal and hits its own p5 and p95;
 *   - malformed mixtures and shorthands fail with one line naming the JSON path.
 * Run from the repository root. Sibling: tests/unit_dist.c (the plain distributions). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hc_config.h"
#include "model/hc_dist.h"

#define SEED 0x5eed2026u
#define N 50000
#define K_SE 5.0
#define ALPHA 0.001
#define Z95 1.6448536269514722
#define STREAM 0x0101u

static double x[N];

static int cmp_double(const void *a, const void *b)
{
    const double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

static double normal_cdf(double z) { return 0.5 * erfc(-z * 0.70710678118654752440); }

/* Loads configs/cuts.json with `key` set to the JSON `value`. */
static int load(const char *key, const char *value, hc_config *cfg, hc_error *err)
{
    hc_override ov[1];
    ov[0].key = key;
    ov[0].value = value;
    return hc_config_load("configs/cuts.json", ov, 1, cfg, err);
}

static void load_ok(const char *key, const char *value, hc_config *cfg)
{
    hc_error err;
    if (load(key, value, cfg, &err) != 0) fail_msg("%s=%s should load: %s", key, value, err.message);
}

static void load_fails_with(const char *key, const char *value, const char *expect)
{
    hc_config cfg;
    hc_error err;
    if (load(key, value, &cfg, &err) == 0) {
        hc_config_free(&cfg);
        fail_msg("%s=%s should fail with \"%s\"", key, value, expect);
    }
    {
        /* an error in an override reads "PATH (from --set): ..."; compare without the tag */
        char msg[sizeof err.message], *tag;
        snprintf(msg, sizeof msg, "%s", err.message);
        if ((tag = strstr(msg, " (from --set)")) != NULL) memmove(tag, tag + 13, strlen(tag + 13) + 1);
        if (strstr(msg, expect) == NULL) fail_msg("message \"%s\" lacks \"%s\"", err.message, expect);
    }
    assert_null(strchr(err.message, '\n'));
}

/* n draws of d, draw i from world i (as the model draws a world input). */
static void draw(const hc_dist *d, const double *pool, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        hc_rng r;
        hc_rng_init(&r, SEED, (uint32_t)i, 0u, STREAM, 0u);
        x[i] = hc_dist_sample(d, pool, &r);
        if (!isfinite(x[i])) fail_msg("draw %d is not finite", i);
    }
}

typedef double (*cdf_fn)(double);

/* Kolmogorov-Smirnov against a continuous F at alpha = 0.001 (Stephens' finite-n form). */
static int ks_accepts(const char *what, int n, cdf_fn F)
{
    const double c = sqrt(-0.5 * log(0.5 * ALPHA));
    const double crit = c / (sqrt((double)n) + 0.12 + 0.11 / sqrt((double)n));
    double d = 0.0;
    int i;
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    for (i = 0; i < n; i++) {
        const double fx = F(x[i]);
        d = fmax(d, fmax(fabs((double)(i + 1) / n - fx), fabs((double)i / n - fx)));
    }
    print_message("# %s: KS D = %.5f, critical %.5f (n = %d)\n", what, d, crit, n);
    return d < crit;
}

// ---- a two-component mixture against its closed form

/* 1/4 lognormal(median 2, sigma 0.5) + 3/4 uniform(10, 20): disjoint-ish bodies, so a wrong
 * pick probability or a wrong component shows at once. */
static const char *two_components =
    "{\"dist\": \"mixture\", \"weights\": [1, 3], \"components\": ["
    "{\"dist\": \"lognormal\", \"median\": 2, \"sigma\": 0.5}, {\"dist\": \"uniform\", \"min\": 10, \"max\": 20}]}";

static double cdf_two(double v)
{
    const double lognormal = v > 0.0 ? normal_cdf((log(v) - log(2.0)) / 0.5) : 0.0;
    const double uniform = v <= 10.0 ? 0.0 : v >= 20.0 ? 1.0 : (v - 10.0) / 10.0;
    return 0.25 * lognormal + 0.75 * uniform;
}

static double cdf_two_wrong_weights(double v)
{
    const double lognormal = v > 0.0 ? normal_cdf((log(v) - log(2.0)) / 0.5) : 0.0;
    const double uniform = v <= 10.0 ? 0.0 : v >= 20.0 ? 1.0 : (v - 10.0) / 10.0;
    return 0.27 * lognormal + 0.73 * uniform;
}

static void two_component_mixture_should_match_its_cdf_and_moments(void **state)
{
    hc_config cfg;
    const hc_dist *d;
    /* moments of the components: lognormal E[X^k] = median^k exp(k^2 sigma^2 / 2) */
    const double m1 = 0.25 * 2.0 * exp(0.125) + 0.75 * 15.0;
    const double m2 = 0.25 * 4.0 * exp(0.5) + 0.75 * (100.0 / 12.0 + 225.0);
    const double var = m2 - m1 * m1;
    double mean = 0.0, s2 = 0.0;
    int i;
    (void)state;
    load_ok("inference.price_per_mtok", two_components, &cfg);
    d = &cfg.model.input[HC_IN_PRICE_PER_MTOK];
    assert_int_equal(d->kind, HC_DIST_MIXTURE);
    assert_int_equal(d->n_values, 2);
    draw(d, cfg.model.pool, N);
    for (i = 0; i < N; i++) mean += x[i];
    mean /= N;
    for (i = 0; i < N; i++) s2 += (x[i] - mean) * (x[i] - mean);
    s2 /= N - 1;
    print_message("# mixture: mean %.5g (truth %.5g), variance %.5g (truth %.5g)\n", mean, m1, s2, var);
    assert_true(fabs(mean - m1) <= K_SE * sqrt(var / N));
    /* SE of the variance from the sample's own fourth moment (no closed form needed) */
    {
        double m4 = 0.0;
        for (i = 0; i < N; i++) m4 += pow(x[i] - mean, 4.0);
        m4 /= N;
        assert_true(fabs(s2 - var) <= K_SE * sqrt((m4 - s2 * s2) / N));
    }
    assert_true(ks_accepts("mixture vs its CDF", N, cdf_two));
    /* the KS check can fail: weights off by 2 points are rejected */
    draw(d, cfg.model.pool, N);
    assert_false(ks_accepts("mixture vs a CDF with weights 0.27/0.73", N, cdf_two_wrong_weights));
    hc_config_free(&cfg);
}

static void components_should_be_drawn_in_proportion_and_never_at_zero_weight(void **state)
{
    hc_config cfg;
    long count[3] = {0, 0, 0};
    const double prob[3] = {0.2, 0.0, 0.8};
    double chi2 = 0.0;
    int i;
    (void)state;
    load_ok("inference.shock_multiplier",
            "{\"dist\": \"mixture\", \"components\": [1.5, 2.5, {\"dist\": \"constant\", \"value\": 3.5}], "
            "\"weights\": [0.5, 0, 2]}",
            &cfg);
    draw(&cfg.model.input[HC_IN_SHOCK_MULTIPLIER], cfg.model.pool, N);
    for (i = 0; i < N; i++) {
        const int k = (int)(x[i] - 1.0);
        assert_true(k >= 0 && k <= 2 && x[i] == k + 1.5);
        count[k]++;
    }
    assert_int_equal(count[1], 0);
    for (i = 0; i < 3; i += 2) chi2 += (count[i] - prob[i] * N) * (count[i] - prob[i] * N) / (prob[i] * N);
    print_message("# pick frequencies %ld / %ld / %ld: chi-square %.3f (df 1, critical 10.828)\n", count[0],
                  count[1], count[2], chi2);
    assert_true(chi2 < 10.828); /* chi-square quantile 0.999, df = 1 */
    hc_config_free(&cfg);
}

static void one_component_mixture_should_draw_exactly_its_component(void **state)
{
    /* gamma: a rejection sampler, so a shifted stream would show at once */
    static const char *const comps[] = {
        "{\"dist\": \"gamma\", \"shape\": 2.5, \"scale\": 3}",
        "{\"dist\": \"pert\", \"min\": 1, \"mode\": 2, \"max\": 9}",
        "{\"dist\": \"discrete\", \"values\": [1, 2, 4], \"weights\": [1, 1, 2]}",
        "{\"p5\": 0.5, \"p95\": 40}",
    };
    size_t k;
    (void)state;
    for (k = 0; k < sizeof comps / sizeof comps[0]; k++) {
        hc_config plain, mixed;
        char mixture[400];
        int i;
        snprintf(mixture, sizeof mixture, "{\"dist\": \"mixture\", \"components\": [%s], \"weights\": [7]}", comps[k]);
        load_ok("inference.price_per_mtok", comps[k], &plain);
        load_ok("inference.price_per_mtok", mixture, &mixed);
        for (i = 0; i < 20000; i++) {
            hc_rng a, b;
            double xa, xb;
            hc_rng_init(&a, SEED, (uint32_t)i, 0u, STREAM, 0u);
            hc_rng_init(&b, SEED, (uint32_t)i, 0u, STREAM, 0u);
            xa = hc_dist_sample(&plain.model.input[HC_IN_PRICE_PER_MTOK], plain.model.pool, &a);
            xb = hc_dist_sample(&mixed.model.input[HC_IN_PRICE_PER_MTOK], mixed.model.pool, &b);
            if (memcmp(&xa, &xb, sizeof xa) != 0) fail_msg("%s draw %d: %.17g vs mixture %.17g", comps[k], i, xa, xb);
        }
        hc_config_free(&plain);
        hc_config_free(&mixed);
    }
}

static void mixture_clip_should_clamp_after_the_component(void **state)
{
    hc_config cfg;
    int i, at_lo = 0, at_hi = 0;
    (void)state;
    /* normal components would reach <= 0, which price_per_mtok forbids, unless clipped */
    load_fails_with("inference.price_per_mtok",
                    "{\"dist\": \"mixture\", \"components\": [{\"dist\": \"normal\", \"mean\": 1, \"sd\": 1}, 5], "
                    "\"weights\": [1, 1]}",
                    "inference.price_per_mtok.components[0]: a normal distribution can produce values <= 0");
    load_ok("inference.price_per_mtok",
            "{\"dist\": \"mixture\", \"components\": [{\"dist\": \"normal\", \"mean\": 1, \"sd\": 1}, 5], "
            "\"weights\": [1, 1], \"clip\": [0.5, 4]}",
            &cfg);
    draw(&cfg.model.input[HC_IN_PRICE_PER_MTOK], cfg.model.pool, N);
    for (i = 0; i < N; i++) {
        assert_true(x[i] >= 0.5 && x[i] <= 4.0);
        at_lo += x[i] == 0.5;
        at_hi += x[i] == 4.0;
    }
    /* P(clamped at 0.5) = 0.5 P(N(1,1) < 0.5) = 0.154; P(at 4) = 0.5 (the constant 5) + 0.5 P(N > 4) */
    print_message("# clipped at 0.5: %d, at 4: %d of %d\n", at_lo, at_hi, N);
    assert_true(fabs(at_lo / (double)N - 0.5 * normal_cdf(-0.5)) < 5.0 * sqrt(0.16 * 0.84 / N));
    assert_true(fabs(at_hi / (double)N - 0.5 - 0.5 * normal_cdf(-3.0)) < 5.0 * sqrt(0.25 / N));
    hc_config_free(&cfg);
}

/* A component's own clip travels with it through the pool (hc_dist_encode/decode) and
 * applies before the mixture picks the next draw: no mixture clip here, so only the
 * component's keeps the normal above 0. */
static void a_components_own_clip_should_apply_inside_the_mixture(void **state)
{
    hc_config cfg;
    int i, at_lo = 0, at_hi = 0, fives = 0;
    (void)state;
    load_ok("inference.price_per_mtok",
            "{\"dist\": \"mixture\", \"components\": [{\"dist\": \"normal\", \"mean\": 1, \"sd\": 1, "
            "\"clip\": [0.5, 1.5]}, 5], \"weights\": [1, 1]}",
            &cfg);
    draw(&cfg.model.input[HC_IN_PRICE_PER_MTOK], cfg.model.pool, N);
    for (i = 0; i < N; i++) {
        fives += x[i] == 5.0;
        assert_true(x[i] == 5.0 || (x[i] >= 0.5 && x[i] <= 1.5));
        at_lo += x[i] == 0.5;
        at_hi += x[i] == 1.5;
    }
    /* P(at 0.5) = P(at 1.5) = 0.5 P(N(1,1) < -0.5 from the mean) = 0.154; P(5) = 0.5 */
    print_message("# component clipped at 0.5: %d, at 1.5: %d, the constant 5: %d of %d\n", at_lo, at_hi, fives, N);
    assert_true(fabs(at_lo / (double)N - 0.5 * normal_cdf(-0.5)) < 5.0 * sqrt(0.16 * 0.84 / N));
    assert_true(fabs(at_hi / (double)N - 0.5 * normal_cdf(-0.5)) < 5.0 * sqrt(0.16 * 0.84 / N));
    assert_true(fabs(fives / (double)N - 0.5) < 5.0 * sqrt(0.25 / N));
    hc_config_free(&cfg);
}

static void malformed_mixtures_should_fail_with_their_json_path(void **state)
{
    const char *key = "inference.price_per_mtok";
    (void)state;
    load_fails_with(key,
                    "{\"dist\": \"mixture\", \"components\": [2, {\"dist\": \"mixture\", \"components\": [1], "
                    "\"weights\": [1]}], \"weights\": [1, 1]}",
                    "inference.price_per_mtok.components[1].dist: a mixture's components are distributions, not mixtures");
    load_fails_with(key, "{\"dist\": \"mixture\", \"components\": [1, 2], \"weights\": [1]}",
                    "inference.price_per_mtok.weights: expected an array of 2 numbers (one per component)");
    load_fails_with(key, "{\"dist\": \"mixture\", \"components\": [1, 2], \"weights\": [1, -1]}",
                    "inference.price_per_mtok.weights[1]: expected a number >= 0");
    load_fails_with(key, "{\"dist\": \"mixture\", \"components\": [1, 2], \"weights\": [0, 0]}",
                    "inference.price_per_mtok.weights: expected weights with a positive, finite sum");
    load_fails_with(key, "{\"dist\": \"mixture\", \"weights\": [1]}",
                    "inference.price_per_mtok.components: required key missing");
    load_fails_with(key, "{\"dist\": \"mixture\", \"components\": [], \"weights\": []}",
                    "inference.price_per_mtok.components: expected an array of 1 to 16 distributions");
    load_fails_with(key, "{\"dist\": \"mixture\", \"component\": [1], \"weights\": [1]}",
                    "did you mean \"components\"");
    load_fails_with(key, "{\"dist\": \"mixture\", \"components\": [1, -2], \"weights\": [1, 1]}",
                    "inference.price_per_mtok.components[1]: expected a number > 0, got -2");
    load_fails_with(key, "{\"dist\": \"mixture\", \"components\": [1, {\"dist\": \"uniform\", \"min\": 3}], \"weights\": [1, 1]}",
                    "inference.price_per_mtok.components[1].max: required key missing");
}

// ---- the 90 % interval shorthand

static void interval_shorthand_should_be_lognormal_when_both_bounds_are_positive(void **state)
{
    hc_config cfg;
    const hc_dist *d;
    (void)state;
    load_ok("inference.price_per_mtok", "{\"p5\": 2, \"p95\": 8}", &cfg);
    d = &cfg.model.input[HC_IN_PRICE_PER_MTOK];
    assert_int_equal(d->kind, HC_DIST_LOGNORMAL);
    assert_true(fabs(d->p[0] - 0.5 * (log(2.0) + log(8.0))) < 1e-15);
    assert_true(fabs(d->p[1] - (log(8.0) - log(2.0)) / (2.0 * Z95)) < 1e-15);
    draw(d, cfg.model.pool, N);
    qsort(x, N, sizeof *x, cmp_double);
    print_message("# lognormal shorthand: sample p5 %.4f p95 %.4f\n", x[N / 20 - 1], x[N - N / 20 - 1]);
    assert_true(fabs(x[N / 20 - 1] - 2.0) < 0.1 && fabs(x[N - N / 20 - 1] - 8.0) < 0.4);
    hc_config_free(&cfg);
}

static void interval_shorthand_should_be_normal_otherwise(void **state)
{
    hc_config cfg;
    const hc_dist *d;
    const double se = K_SE * sqrt(0.05 * 0.95 / N);
    (void)state;
    load_ok("inference.annual_price_change", "{\"p5\": -0.8, \"p95\": 0.4, \"clip\": [-0.99, 3]}", &cfg);
    d = &cfg.model.input[HC_IN_ANNUAL_PRICE_CHANGE];
    assert_int_equal(d->kind, HC_DIST_NORMAL);
    assert_true(fabs(d->p[0] - (-0.2)) < 1e-15);
    assert_true(fabs(d->p[1] - 1.2 / (2.0 * 1.6448536269514722)) < 1e-15);
    draw(d, cfg.model.pool, N);
    {
        int i, below = 0, above = 0;
        for (i = 0; i < N; i++) {
            below += x[i] < -0.8;
            above += x[i] > 0.4;
        }
        print_message("# normal shorthand: %.4f below p5, %.4f above p95\n", below / (double)N, above / (double)N);
        assert_true(fabs(below / (double)N - 0.05) < se && fabs(above / (double)N - 0.05) < se);
    }
    hc_config_free(&cfg);
    /* a bound of exactly 0 is not positive: normal */
    load_ok("compute.budget_share", "{\"p5\": 0, \"p95\": 0.1, \"clip\": [0, 1]}", &cfg);
    assert_int_equal(cfg.model.input[HC_IN_BUDGET_SHARE].kind, HC_DIST_NORMAL);
    hc_config_free(&cfg);
}

static void malformed_shorthands_should_fail_with_their_json_path(void **state)
{
    (void)state;
    load_fails_with("inference.annual_price_change", "{\"p5\": -0.8, \"p95\": 0.4}",
                    "inference.annual_price_change: a normal distribution can produce values <= -1");
    load_fails_with("inference.price_per_mtok", "{\"p5\": 8, \"p95\": 2}",
                    "inference.price_per_mtok.p95: expected a number > 8 (p5 is 8), got 2");
    load_fails_with("inference.annual_price_change", "{\"p5\": -0.2, \"p95\": -0.5, \"clip\": [-0.9, 1]}",
                    "inference.annual_price_change.p95: expected a number > -0.2 (p5 is -0.2), got -0.5");
    load_fails_with("inference.price_per_mtok", "{\"p5\": 2}", "inference.price_per_mtok.p95: required key missing");
    load_fails_with("inference.price_per_mtok", "{\"p5\": 2, \"p95\": 8, \"median\": 4}",
                    "inference.price_per_mtok.median: unknown key");
    load_fails_with("inference.price_per_mtok", "{\"p5\": \"2\", \"p95\": 8}",
                    "inference.price_per_mtok.p5: expected a number");
    load_fails_with("inference.price_per_mtok", "{\"sd\": 2}",
                    "inference.price_per_mtok.dist: required key missing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_component_mixture_should_match_its_cdf_and_moments),
        cmocka_unit_test(components_should_be_drawn_in_proportion_and_never_at_zero_weight),
        cmocka_unit_test(one_component_mixture_should_draw_exactly_its_component),
        cmocka_unit_test(mixture_clip_should_clamp_after_the_component),
        cmocka_unit_test(a_components_own_clip_should_apply_inside_the_mixture),
        cmocka_unit_test(malformed_mixtures_should_fail_with_their_json_path),
        cmocka_unit_test(interval_shorthand_should_be_lognormal_when_both_bounds_are_positive),
        cmocka_unit_test(interval_shorthand_should_be_normal_otherwise),
        cmocka_unit_test(malformed_shorthands_should_fail_with_their_json_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
