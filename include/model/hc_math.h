/* hc_math.h: single-precision exp and log written once for the CPU and the GPU.
 *
 * Why not expf/logf from libm: (1) the CPU backend wants gcc to vectorise the firm loop,
 * and gcc only vectorises calls it can see through; these are branch-free (selects, not
 * branches) and inline; (2) glibc and CUDA's libdevice round differently, while these
 * use only +, -, *, exact bit operations and round-to-nearest conversions, so with FMA
 * contraction off (gcc -ffp-contract=off, nvcc --fmad=false) both sides give the same
 * bits. Accuracy: Cephes' polynomials; within 1 ulp of the exact result over the whole
 * float range (tests/unit_math.c measures it against double-precision libm: worst 0.96
 * ulp for exp, 0.80 for log). gcc vectorises loops over them given -fno-trapping-math
 * (which changes no result: it only lets the compiler evaluate both arms of a select). */
#ifndef HC_MATH_H
#define HC_MATH_H

#include <string.h>
#include "hc_defs.h"

HC_HD uint32_t hc_float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

HC_HD float hc_bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

/* e^x. Overflow gives +inf, deep underflow 0, NaN stays NaN. */
HC_HD float hc_expf(float x)
{
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    const float round_magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    /* keep the reduction in range; the selects below give the true limits */
    const float lo_clamped = x < -103.972084f ? -103.972084f : x;
    const float xc = lo_clamped > 88.72283905f ? 88.72283905f : lo_clamped;
    const float shifted = xc * log2e + round_magic;
    const float fn = shifted - round_magic; /* nearest integer to x log2(e) */
    const int32_t n = (int32_t)(hc_float_bits(shifted) - hc_float_bits(round_magic));
    const float r = (xc - fn * ln2_hi) - fn * ln2_lo;
    const float r2 = r * r;
    /* 2^n as two factors, so n down to -150 (subnormal results) stays exact */
    const int32_t n1 = n >> 1, n2 = n - (n >> 1);
    const float s1 = hc_bits_float((uint32_t)(n1 + 127) << 23);
    const float s2 = hc_bits_float((uint32_t)(n2 + 127) << 23);
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = (p * r2 + r) + 1.0f;
    p = (p * s1) * s2;
    p = x > 88.72283905f ? hc_bits_float(0x7F800000u) : p; /* +inf */
    p = x < -103.972084f ? 0.0f : p;
    return x != x ? x : p;
}

/* Natural logarithm. log(0) = -inf, log(x < 0) = NaN, log(inf) = inf. */
HC_HD float hc_logf(float x)
{
    const float sqrt_half = 0.707106781186547524f;
    const int subnormal = x < 1.17549435e-38f;
    const float xs = subnormal ? x * 33554432.0f : x; /* 2^25: subnormals become normal */
    const uint32_t bits = hc_float_bits(xs);
    int32_t e = (int32_t)((bits >> 23) & 0xFFu) - 126 - (subnormal ? 25 : 0);
    float m = hc_bits_float((bits & 0x007FFFFFu) | 0x3F000000u); /* mantissa in [0.5, 1) */
    float z, y, fe;
    const int low = m < sqrt_half;
    e -= low;
    m = low ? (m + m) - 1.0f : m - 1.0f;
    z = m * m;
    y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = (y * m) * z;
    fe = (float)e;
    y = y + fe * -2.12194440e-4f;
    y = y - 0.5f * z;
    m = m + y;
    m = m + fe * 0.693359375f;
    m = x == 0.0f ? -hc_bits_float(0x7F800000u) : m;
    m = x < 0.0f ? hc_bits_float(0x7FC00000u) : m;
    m = x == hc_bits_float(0x7F800000u) ? x : m;
    return x != x ? x : m;
}

/* Phi(x), the standard normal CDF, in float, from the complementary error function's
 * Chebyshev fit (Press et al., Numerical Recipes, erfcc: fractional error below 1.2e-7
 * in exact arithmetic): erfc(z) = t exp(-z^2 - 1.26551223 + t P(t)), t = 1 / (1 + z/2),
 * z = |x| / sqrt(2), and Phi(x) = erfc(z)/2 for x <= 0, 1 - erfc(z)/2 above. Built from
 * hc_expf and + - * / only, so the CPU and the GPU give the same bits. Accuracy, measured
 * against double-precision erfc over x in [-14, 8] in steps of 1/1024
 * (tests/unit_math.c): absolute error at most 1.6e-7 everywhere (the test allows 2e-7),
 * relative error at most 7.2e-6 for x in [-13, 0] (allowed 1e-5; the lower tail the cost
 * cutoffs divide by, where the rounding of the float argument x^2/2 dominates). Phi(-inf) = 0, Phi(+inf) = 1, NaN stays NaN. */
HC_HD float hc_normal_cdff(float x)
{
    const float ax = x < 0.0f ? -x : x;
    const float t = 1.0f / (1.0f + ax * 0.353553390593273762f); /* 1 / (1 + |x| / (2 sqrt 2)) */
    float p = 0.17087277f;
    float e;
    p = p * t - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    /* Upper tail: 1 - e rounds to exactly 1 for every e at most 2^-25 (x above about 5.5),
     * so there an argument below -80 is raised to -80, which keeps e a normal float and
     * changes no result. Left alone, x between about 13.2 and 14.4 gives a subnormal e,
     * and a subnormal result costs the CPU a microcode assist for the whole vector, every
     * step that one firm's cutoff passes there (docs/performance.md "CPU"). */
    const float arg = p - 0.5f * (ax * ax);
    e = 0.5f * (t * hc_expf(x > 0.0f && arg < -80.0f ? -80.0f : arg)); /* erfc(|x| / sqrt 2) / 2 = Phi(-|x|) */
    return x > 0.0f ? 1.0f - e : e;
}

#endif
