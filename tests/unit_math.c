/* unit_math.c: hc_expf, hc_logf and hc_normal_cdff (include/model/hc_math.h) against double-precision libm
 * over the whole float range, and their special values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "model/hc_math.h"

/* |got - exact| in units of the last place of the correctly rounded float. */
static double ulp_error(float got, double exact)
{
    const float rounded = (float)exact;
    double ulp;
    if (isinf(rounded) || isinf(got)) return (isinf(rounded) && got == rounded) ? 0.0 : INFINITY;
    ulp = fabs((double)nextafterf(rounded, INFINITY) - (double)rounded);
    if (ulp == 0.0) ulp = 0x1p-149;
    return fabs((double)got - exact) / ulp;
}

static void expf_should_be_within_one_ulp_everywhere(void **state)
{
    double worst = 0.0;
    float worst_x = 0.0f;
    uint32_t b;
    long n = 0;
    (void)state;
    for (b = 0; b < 0x43000000u; b += 61) { /* |x| from 0 to 128, both signs */
        const float x = hc_bits_float(b);
        const double e1 = ulp_error(hc_expf(x), exp((double)x)), e2 = ulp_error(hc_expf(-x), exp(-(double)x));
        if (e1 > worst) worst = e1, worst_x = x;
        if (e2 > worst) worst = e2, worst_x = -x;
        n += 2;
    }
    print_message("# hc_expf: %ld arguments, worst %.3f ulp at %a\n", n, worst, (double)worst_x);
    assert_true(n > 1000000);
    assert_true(worst <= 1.0);
}

static void logf_should_be_within_one_ulp_everywhere(void **state)
{
    double worst = 0.0;
    float worst_x = 0.0f;
    uint32_t b;
    long n = 0;
    (void)state;
    for (b = 1; b < 0x7F800000u; b += 251) { /* every positive finite float class, subnormals included */
        const float x = hc_bits_float(b);
        const double e = ulp_error(hc_logf(x), log((double)x));
        if (e > worst) worst = e, worst_x = x;
        n++;
    }
    print_message("# hc_logf: %ld arguments, worst %.3f ulp at %a\n", n, worst, (double)worst_x);
    assert_true(n > 1000000);
    assert_true(worst <= 1.0);
}

static void special_values_should_follow_c99(void **state)
{
    const float inf = hc_bits_float(0x7F800000u), nan = hc_bits_float(0x7FC00000u);
    (void)state;
    assert_true(hc_expf(0.0f) == 1.0f);
    assert_true(hc_expf(89.0f) == inf && hc_expf(inf) == inf);
    assert_true(hc_expf(-104.0f) == 0.0f && hc_expf(-inf) == 0.0f);
    assert_true(hc_expf(-100.0f) > 0.0f); /* subnormal results survive */
    assert_true(isnan(hc_expf(nan)));
    assert_true(hc_logf(1.0f) == 0.0f);
    assert_true(hc_logf(0.0f) == -inf && hc_logf(-0.0f) == -inf);
    assert_true(isnan(hc_logf(-1.0f)) && isnan(hc_logf(nan)));
    assert_true(hc_logf(inf) == inf);
    assert_true(fabs(hc_logf(0x1p-149f) - log(0x1p-149)) < 1e-5); /* smallest subnormal */
}

/* hc_normal_cdff against 0.5 erfc(-x / sqrt 2) in double over [-14, 8] in steps of 1/1024:
 * the bounds stated in include/model/hc_math.h. */
static void normal_cdf_should_be_within_its_stated_error(void **state)
{
    double worst_abs = 0.0, worst_rel = 0.0;
    int i;
    (void)state;
    for (i = -14 * 1024; i <= 8 * 1024; i++) {
        const float x = (float)i / 1024.0f;
        const double exact = 0.5 * erfc(-(double)x / sqrt(2.0)), got = (double)hc_normal_cdff(x);
        const double abs_err = fabs(got - exact);
        if (abs_err > worst_abs) worst_abs = abs_err;
        if (x <= 0.0f && x >= -13.0f && abs_err / exact > worst_rel) worst_rel = abs_err / exact;
    }
    print_message("# hc_normal_cdff: worst absolute error %.3g, worst relative error on [-13, 0] %.3g\n", worst_abs,
                  worst_rel);
    assert_true(worst_abs <= 2e-7);
    assert_true(worst_rel <= 1e-5);
    assert_true(hc_normal_cdff(0.0f) == 0.5f);
    assert_true(hc_normal_cdff(-hc_bits_float(0x7F800000u)) == 0.0f);
    assert_true(hc_normal_cdff(hc_bits_float(0x7F800000u)) == 1.0f);
    assert_true(isnan(hc_normal_cdff(hc_bits_float(0x7FC00000u))));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expf_should_be_within_one_ulp_everywhere),
        cmocka_unit_test(logf_should_be_within_one_ulp_everywhere),
        cmocka_unit_test(special_values_should_follow_c99),
        cmocka_unit_test(normal_cdf_should_be_within_its_stated_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
