/* unit_stats.c: percentiles must equal numpy's np.percentile bit for bit (default
 * method="linear"), for float64 and float32 input, on ties, n = 1, n = 2, sorted and
 * reversed input; mean and sd against closed forms. numpy runs as a subprocess
 * (tests/ref/numpy_percentiles.py with Debian's /usr/bin/python3). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hc_stats.h"

#define NP 11
static const double pcts[NP] = {0, 5, 25, 33.3, 50, 66.7, 75, 95, 97.5, 99.9, 100};

typedef struct {
    const char *name;
    int is_float;
    size_t n;
    double *x;
} pct_case;

#define MAX_CASES 32
static pct_case cases[MAX_CASES];
static int n_cases;

/* Deterministic pseudo-random doubles (splitmix64) so the cases are the same every run. */
static uint64_t mix_state = 0x243F6A8885A308D3ull;
static double next_double(void)
{
    uint64_t z = (mix_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static void add_case(const char *name, int is_float, size_t n, double (*gen)(size_t i, size_t n))
{
    pct_case *c = &cases[n_cases++];
    size_t i;
    c->name = name;
    c->is_float = is_float;
    c->n = n;
    c->x = malloc(n * sizeof(double));
    for (i = 0; i < n; i++) {
        c->x[i] = gen(i, n);
        if (is_float) c->x[i] = (double)(float)c->x[i];
    }
}

static double gen_random(size_t i, size_t n) { (void)i; (void)n; return 200.0 * next_double() - 100.0; }
static double gen_sorted(size_t i, size_t n) { (void)n; return 0.37 * (double)i - 11.0; }
static double gen_reversed(size_t i, size_t n) { return 0.37 * (double)(n - i) - 11.0; }
static double gen_ties(size_t i, size_t n) { (void)n; return (double)(i % 4) * 1.5; }
static double gen_const(size_t i, size_t n) { (void)i; (void)n; return 3.25; }
static double gen_heavy(size_t i, size_t n) { (void)i; (void)n; return exp(8.0 * next_double()); }

/* One numpy call for every case: written to a file, answers read back in order. */
static double numpy_answer[MAX_CASES][NP];

static int setup_numpy(void **state)
{
    char path[] = "/tmp/hc_pct_XXXXXX", cmd[256];
    int fd = mkstemp(path), k, j;
    FILE *f, *p;
    (void)state;
    add_case("n = 1", 0, 1, gen_random);
    add_case("n = 2", 0, 2, gen_random);
    add_case("n = 3", 0, 3, gen_random);
    add_case("random n = 1000", 0, 1000, gen_random);
    add_case("random n = 1001", 0, 1001, gen_random);
    add_case("sorted n = 500", 0, 500, gen_sorted);
    add_case("reversed n = 500", 0, 500, gen_reversed);
    add_case("ties n = 997", 0, 997, gen_ties);
    add_case("all equal n = 64", 0, 64, gen_const);
    add_case("heavy tail n = 4096", 0, 4096, gen_heavy);
    add_case("float32 n = 1", 1, 1, gen_random);
    add_case("float32 n = 2", 1, 2, gen_random);
    add_case("float32 random n = 100003", 1, 100003, gen_random);
    add_case("float32 ties n = 1000", 1, 1000, gen_ties);
    add_case("float32 reversed n = 777", 1, 777, gen_reversed);
    add_case("float32 heavy tail n = 5000", 1, 5000, gen_heavy);
    if (fd < 0 || !(f = fdopen(fd, "w"))) return -1;
    for (k = 0; k < n_cases; k++) {
        size_t i;
        fprintf(f, "%s ", cases[k].is_float ? "f32" : "f64");
        for (j = 0; j < NP; j++) fprintf(f, "%s%g", j ? "," : "", pcts[j]);
        for (i = 0; i < cases[k].n; i++) fprintf(f, " %a", cases[k].x[i]);
        fputc('\n', f);
    }
    fclose(f);
    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 tests/ref/numpy_percentiles.py < %s", path);
    p = popen(cmd, "r");
    if (!p) return -1;
    for (k = 0; k < n_cases; k++)
        for (j = 0; j < NP; j++) {
            char tok[64];
            if (fscanf(p, "%63s", tok) != 1) { pclose(p); remove(path); return -1; }
            numpy_answer[k][j] = strtod(tok, NULL); /* hex floats */
        }
    if (pclose(p) != 0) { remove(path); return -1; }
    remove(path);
    return 0;
}

static int teardown_numpy(void **state)
{
    int k;
    (void)state;
    for (k = 0; k < n_cases; k++) free(cases[k].x);
    return 0;
}

static void percentiles_should_equal_numpy_bit_for_bit(void **state)
{
    int k, j, mismatches = 0;
    (void)state;
    assert_true(n_cases >= 16); /* the harness really ran the cases */
    for (k = 0; k < n_cases; k++) {
        double got[NP];
        const pct_case *c = &cases[k];
        size_t i;
        if (c->is_float) {
            float *xf = malloc(c->n * sizeof(float));
            for (i = 0; i < c->n; i++) xf[i] = (float)c->x[i];
            hc_percentiles_f(xf, c->n, pcts, NP, got);
            free(xf);
        } else {
            double *xd = malloc(c->n * sizeof(double));
            memcpy(xd, c->x, c->n * sizeof(double));
            hc_percentiles_d(xd, c->n, pcts, NP, got);
            free(xd);
        }
        for (j = 0; j < NP; j++)
            if (got[j] != numpy_answer[k][j]) {
                print_error("%s, p%g: headcount %.17g, numpy %.17g\n", c->name, pcts[j], got[j], numpy_answer[k][j]);
                mismatches++;
            }
    }
    assert_int_equal(mismatches, 0);
}

static void percentiles_should_not_depend_on_the_order_asked(void **state)
{
    double x[9] = {5, 1, 4, 1, 5, 9, 2, 6, 5}, y[9];
    const double p_fwd[3] = {10, 50, 90}, p_rev[3] = {90, 50, 10};
    double fwd[3], rev[3];
    (void)state;
    memcpy(y, x, sizeof(x));
    hc_percentiles_d(x, 9, p_fwd, 3, fwd);
    hc_percentiles_d(y, 9, p_rev, 3, rev);
    assert_true(fwd[0] == rev[2] && fwd[1] == rev[1] && fwd[2] == rev[0]);
    assert_true(fwd[1] == 5.0); /* the median of the nine values */
}

static void mean_and_sd_should_match_closed_forms(void **state)
{
    const double x[5] = {2, 4, 4, 5, 5};
    double mean, sd;
    (void)state;
    hc_mean_sd(x, 5, &mean, &sd);
    assert_true(mean == 4.0);
    assert_true(fabs(sd - sqrt(1.5)) < 1e-15); /* sum of squares 6 over n - 1 = 4 */
    hc_mean_sd(x, 1, &mean, &sd);
    assert_true(mean == 2.0 && sd == 0.0);     /* one world: no spread, not NaN */
}

/* hc_mean_sd_f's tree written out level by level (hc_stats.h), to check the streamed one:
 * sums that a change of order would move by an ulp, at sizes around each level's edge. */
static double level_sum(double *v, size_t n)
{
    size_t j, b;
    double s;
    while (n > HC_MEAN_FANOUT) {
        for (j = 0; j * HC_MEAN_FANOUT < n; j++) {
            for (s = 0.0, b = j * HC_MEAN_FANOUT; b < n && b < (j + 1) * HC_MEAN_FANOUT; b++) s += v[b];
            v[j] = s;
        }
        n = (n + HC_MEAN_FANOUT - 1) / HC_MEAN_FANOUT;
    }
    for (s = 0.0, b = 0; b < n; b++) s += v[b];
    return s;
}

static void float_mean_and_sd_should_add_in_their_fixed_tree(void **state)
{
    static const size_t sizes[] = {1, 2, 64, 65, 4096, 4097, 262145, 300001};
    const size_t max_n = 300001;
    float *x = (float *)malloc(max_n * sizeof(float));
    double *v = (double *)malloc(max_n * sizeof(double));
    uint64_t z = 12345;
    size_t i, k;
    (void)state;
    assert_non_null(x);
    assert_non_null(v);
    for (i = 0; i < max_n; i++) { /* magnitudes 1e-3 to 1e3, both signs: orders round apart */
        z = z * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)(((double)(z >> 11) * 0x1.0p-53 - 0.4) * pow(10.0, (double)(i % 7) - 3.0));
    }
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        const size_t n = sizes[k];
        double mean, sd, m, ss, plain = 0.0;
        hc_mean_sd_f(x, n, &mean, &sd);
        for (i = 0; i < n; i++) v[i] = (double)x[i];
        m = level_sum(v, n) / (double)n;
        for (i = 0; i < n; i++) v[i] = ((double)x[i] - m) * ((double)x[i] - m);
        ss = level_sum(v, n);
        assert_true(memcmp(&mean, &m, sizeof(double)) == 0);
        assert_true(sd == (n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0));
        for (i = 0; i < n; i++) plain += (double)x[i];
        if (n <= HC_MEAN_FANOUT) assert_true(mean == plain / (double)n);          /* index order */
        assert_true(fabs(mean - plain / (double)n) <= 1e-8 * (fabs(mean) + 1.0)); /* a sum, either way */
    }
    free(x);
    free(v);
}

/* The firm-sampling share's halves (hc_tree_sum_f over every stride-th value) in the same
 * tree; and a last node of zeros, which the device's tree over the odd firms may have
 * where the host's does not (kernels/firm_stats.cu), changes no bit. */
static void strided_tree_sums_should_add_in_the_same_tree_and_ignore_a_zero_node(void **state)
{
    static const size_t sizes[] = {1, 2, 63, 64, 65, 4096, 4097, 262144, 262145};
    const size_t max_n = 262145 * 3 + 64;
    float *x = (float *)malloc(max_n * sizeof(float));
    double *v = (double *)malloc(max_n * sizeof(double));
    uint64_t z = 777;
    size_t i, k, stride;
    (void)state;
    assert_non_null(x);
    assert_non_null(v);
    for (i = 0; i < max_n; i++) {
        z = z * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)(((double)(z >> 11) * 0x1.0p-53 - 0.4) * pow(10.0, (double)(i % 7) - 3.0));
    }
    for (stride = 1; stride <= 3; stride++)
        for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            const size_t n = sizes[k];
            const double got = hc_tree_sum_f(x, n, stride);
            double want;
            for (i = 0; i < n; i++) v[i] = (double)x[i * stride];
            want = level_sum(v, n);
            assert_true(memcmp(&got, &want, sizeof(double)) == 0);
        }
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        const size_t n = sizes[k];
        const double without = hc_tree_sum_f(x, n, 1);
        float *padded = (float *)malloc((n + 64) * sizeof(float));
        double with;
        assert_non_null(padded);
        memcpy(padded, x, n * sizeof(float));
        for (i = n; i < n + 64; i++) padded[i] = 0.0f;
        with = hc_tree_sum_f(padded, n + 64, 1);
        assert_true(memcmp(&with, &without, sizeof(double)) == 0);
        free(padded);
    }
    free(x);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles_should_equal_numpy_bit_for_bit),
        cmocka_unit_test(percentiles_should_not_depend_on_the_order_asked),
        cmocka_unit_test(mean_and_sd_should_match_closed_forms),
        cmocka_unit_test(float_mean_and_sd_should_add_in_their_fixed_tree),
        cmocka_unit_test(strided_tree_sums_should_add_in_the_same_tree_and_ignore_a_zero_node),
    };
    return cmocka_run_group_tests(tests, setup_numpy, teardown_numpy);
}
