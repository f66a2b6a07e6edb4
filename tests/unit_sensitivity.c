/* unit_sensitivity.c: the sensitivity measures of src/analysis/sensitivity.c, independent of the
 * model: ranks with ties, Pearson and Spearman on known data, standardised regression
 * coefficients of an exact linear model, and the Sobol estimators on the Ishigami
 * function, whose indices are known in closed form. The end-to-end run (sensitivity.csv,
 * the tornado charts) is tests/cli_uncertainty.sh. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hc_sensitivity.h"

/* splitmix64: the same pseudo-random doubles in [0, 1) every run, independent of Philox. */
static uint64_t mix_state;
static double next_double(void)
{
    uint64_t z = (mix_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static void ranks_should_average_ties(void **state)
{
    static const double x[7] = {3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 4.0};
    static const double want[7] = {3.0, 1.5, 4.5, 1.5, 6.0, 7.0, 4.5};
    double r[7];
    int i;
    (void)state;
    assert_int_equal(hc_ranks(x, 7, r), 0);
    for (i = 0; i < 7; i++) assert_true(r[i] == want[i]);
}

static void pearson_should_match_a_hand_computation(void **state)
{
    /* x = 1..5, y = 2, 4, 5, 4, 5: sxy = 6, sxx = 10, syy = 6; r = 6 / sqrt(60) */
    static const double x[5] = {1, 2, 3, 4, 5}, y[5] = {2, 4, 5, 4, 5}, c[5] = {7, 7, 7, 7, 7};
    (void)state;
    assert_true(fabs(hc_pearson(x, y, 5) - 6.0 / sqrt(60.0)) < 1e-15);
    assert_true(hc_pearson(x, c, 5) == 0.0); /* a constant: 0, never NaN */
}

static void spearman_should_be_one_for_a_monotone_transform(void **state)
{
    const int n = 1000;
    double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
    double *rx = malloc(sizeof(double) * n), *ry = malloc(sizeof(double) * n);
    int i;
    (void)state;
    mix_state = 1;
    for (i = 0; i < n; i++) {
        x[i] = next_double();
        y[i] = exp(5.0 * x[i]) - 3.0;
    }
    assert_int_equal(hc_ranks(x, n, rx), 0);
    assert_int_equal(hc_ranks(y, n, ry), 0);
    assert_true(fabs(hc_pearson(rx, ry, n) - 1.0) < 1e-12);
    for (i = 0; i < n; i++) y[i] = -y[i];
    assert_int_equal(hc_ranks(y, n, ry), 0);
    assert_true(fabs(hc_pearson(rx, ry, n) + 1.0) < 1e-12);
    free(x);
    free(y);
    free(rx);
    free(ry);
}

static void regression_should_recover_standardised_coefficients(void **state)
{
    /* y = 3 a - 2 b + 0 c exactly: the standardised coefficient of a is 3 sd(a) / sd(y),
     * R^2 is 1, and c's coefficient is 0. */
    const int n = 2000;
    double *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * n), *c = malloc(sizeof(double) * n);
    double *y = malloc(sizeof(double) * n), beta[3], r2, ma = 0, mb = 0, my = 0, va = 0, vb = 0, vy = 0;
    const double *cols[3];
    int i;
    (void)state;
    mix_state = 2;
    for (i = 0; i < n; i++) {
        a[i] = next_double();
        b[i] = 4.0 * next_double() + 0.3 * a[i]; /* correlated with a: the regression must separate them */
        c[i] = next_double();
        y[i] = 3.0 * a[i] - 2.0 * b[i];
    }
    for (i = 0; i < n; i++) {
        ma += a[i] / n;
        mb += b[i] / n;
        my += y[i] / n;
    }
    for (i = 0; i < n; i++) {
        va += (a[i] - ma) * (a[i] - ma);
        vb += (b[i] - mb) * (b[i] - mb);
        vy += (y[i] - my) * (y[i] - my);
    }
    cols[0] = a;
    cols[1] = b;
    cols[2] = c;
    assert_int_equal(hc_standardised_regression(cols, 3, y, n, beta, &r2), 0);
    assert_true(fabs(beta[0] - 3.0 * sqrt(va / vy)) < 1e-9);
    assert_true(fabs(beta[1] + 2.0 * sqrt(vb / vy)) < 1e-9);
    assert_true(fabs(beta[2]) < 1e-9);
    assert_true(fabs(r2 - 1.0) < 1e-9);
    /* A duplicated column is collinear: a ridge, not a failure, and finite numbers. */
    cols[2] = a;
    assert_int_equal(hc_standardised_regression(cols, 3, y, n, beta, &r2), 0);
    assert_true(isfinite(beta[0]) && isfinite(beta[2]) && fabs(beta[0] + beta[2] - 3.0 * sqrt(va / vy)) < 1e-3);
    free(a);
    free(b);
    free(c);
    free(y);
}

/* ---- Sobol indices on the Ishigami function */

static double ishigami(const double *x) { return sin(x[0]) + 7.0 * pow(sin(x[1]), 2.0) + 0.1 * pow(x[2], 4.0) * sin(x[0]); }

static void sobol_should_find_the_ishigami_indices(void **state)
{
    /* a = 7, b = 0.1, inputs uniform on (-pi, pi): S = 0.3139, 0.4424, 0; ST = 0.5576,
     * 0.4424, 0.2437 (Ishigami and Homma 1990; Saltelli et al. 2010). N = 50000 base rows,
     * 250000 evaluations: the estimators' standard errors are then below 0.006. */
    static const double s1[3] = {0.3139, 0.4424, 0.0}, st[3] = {0.5576, 0.4424, 0.2437};
    const int64_t N = 50000;
    double *fA = malloc(sizeof(double) * N), *fB = malloc(sizeof(double) * N), *fAB = malloc(sizeof(double) * 3 * N);
    double (*A)[3] = malloc(sizeof(double[3]) * N), (*B)[3] = malloc(sizeof(double[3]) * N);
    hc_sobol_index idx[3], again[3];
    int64_t j;
    int i;
    (void)state;
    assert_non_null(fA);
    assert_non_null(fAB);
    assert_non_null(A);
    assert_non_null(B);
    mix_state = 3;
    for (j = 0; j < N; j++)
        for (i = 0; i < 3; i++) {
            A[j][i] = M_PI * (2.0 * next_double() - 1.0);
            B[j][i] = M_PI * (2.0 * next_double() - 1.0);
        }
    for (j = 0; j < N; j++) {
        fA[j] = ishigami(A[j]);
        fB[j] = ishigami(B[j]);
        for (i = 0; i < 3; i++) {
            double x[3];
            memcpy(x, A[j], sizeof(x));
            x[i] = B[j][i];
            fAB[i * N + j] = ishigami(x);
        }
    }
    assert_int_equal(hc_sobol_indices(fA, fB, fAB, N, 3, 42, 200, idx), 0);
    for (i = 0; i < 3; i++) {
        print_message("# x%d: S %.4f [%.4f, %.4f] (%.4f), ST %.4f [%.4f, %.4f] (%.4f)\n", i + 1, idx[i].first,
                      idx[i].first_lo, idx[i].first_hi, s1[i], idx[i].total, idx[i].total_lo, idx[i].total_hi, st[i]);
        assert_true(fabs(idx[i].first - s1[i]) < 0.02);
        assert_true(fabs(idx[i].total - st[i]) < 0.02);
        /* The intervals hold their estimate, have width, and are narrow at this size. */
        assert_true(idx[i].first_lo <= idx[i].first && idx[i].first <= idx[i].first_hi);
        assert_true(idx[i].total_lo <= idx[i].total && idx[i].total <= idx[i].total_hi);
        assert_true(idx[i].first_hi - idx[i].first_lo > 1e-4 && idx[i].first_hi - idx[i].first_lo < 0.08);
        assert_true(idx[i].total_hi - idx[i].total_lo > 1e-4 && idx[i].total_hi - idx[i].total_lo < 0.08);
    }
    /* The bootstrap has its own counter stream: the same seed gives the same intervals. */
    assert_int_equal(hc_sobol_indices(fA, fB, fAB, N, 3, 42, 200, again), 0);
    assert_memory_equal(idx, again, sizeof(idx));
    free(fA);
    free(fB);
    free(fAB);
    free(A);
    free(B);
}

static void sobol_of_a_constant_should_be_zero(void **state)
{
    static const double f[4] = {2, 2, 2, 2}, fab[8] = {2, 2, 2, 2, 2, 2, 2, 2};
    hc_sobol_index idx[2];
    (void)state;
    assert_int_equal(hc_sobol_indices(f, f, fab, 4, 2, 1, 10, idx), 0);
    assert_true(idx[0].first == 0.0 && idx[1].total == 0.0 && idx[0].total_hi == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranks_should_average_ties),
        cmocka_unit_test(pearson_should_match_a_hand_computation),
        cmocka_unit_test(spearman_should_be_one_for_a_monotone_transform),
        cmocka_unit_test(regression_should_recover_standardised_coefficients),
        cmocka_unit_test(sobol_should_find_the_ishigami_indices),
        cmocka_unit_test(sobol_of_a_constant_should_be_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
