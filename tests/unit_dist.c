/* unit_dist.c: the samplers of hc_dist.h against closed forms. Each distribution is drawn
 * n = 50000 times through hc_rng exactly as the model draws an input (one fresh stream per
 * world: world = i), with a fixed seed, and checked by
 *   - a one-sample Kolmogorov-Smirnov test against the closed-form CDF at alpha = 0.001;
 *   - the sample mean and variance against closed forms at 5 standard errors;
 *   - chi-square at alpha = 0.001 for discrete frequencies.
 * The helpers are shown to reject deliberately wrong distributions (the *_helper_should_
 * reject_* tests), so a pass means something. The incomplete gamma and beta functions used
 * for the gamma, beta and PERT CDFs are written here and checked against closed forms.
 * Sibling: tests/unit_philox.c (the uniform stream itself). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/hc_dist.h"
#include "model/hc_philox.h"

#define SEED    0x5eed2026u
#define N       50000
#define K_SE    5.0   /* moment checks: |estimate - truth| <= 5 standard errors */
#define ALPHA   0.001 /* KS and chi-square significance level */
#define SQRT1_2 0.70710678118654752440

/* cmocka 1.1 has no double comparison (assert_float_equal rounds to float). */
#define assert_close(got, want, tol)                                                               \
    do {                                                                                           \
        double ac_got = (got), ac_want = (want);                                                   \
        if (!(fabs(ac_got - ac_want) <= (tol)))                                                    \
            fail_msg("%s = %.17g, expected %.17g within %g", #got, ac_got, ac_want,                \
                     (double)(tol));                                                               \
    } while (0)

// ---- drawing

static hc_dist mk_dist(int kind, double p0, double p1, double p2, double p3)
{
    hc_dist d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    d.p[0] = p0;
    d.p[1] = p1;
    d.p[2] = p2;
    d.p[3] = p3;
    return d;
}

/* n <= N draws of d, draw i from world i of `stream` (as the model draws a world input),
 * into one static buffer (a failing assertion leaves nothing to free): each call
 * overwrites the previous sample. */
static double *draw(const hc_dist *d, const double *pool, uint32_t stream, int n)
{
    static double x[N];
    int i;
    assert_true(n <= N);
    for (i = 0; i < n; i++) {
        hc_rng r;
        hc_rng_init(&r, SEED, (uint32_t)i, 0u, stream, 0u);
        x[i] = hc_dist_sample(d, pool, &r);
        if (!isfinite(x[i])) fail_msg("draw %d is not finite", i);
    }
    return x;
}

/* The first uniform of world i's stream: what an inverse-CDF sampler maps. */
static double first_uniform(uint32_t stream, int i)
{
    hc_rng r;
    hc_rng_init(&r, SEED, (uint32_t)i, 0u, stream, 0u);
    return hc_rng_uniform(&r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// ---- special functions for the reference CDFs (double precision)

static double normal_cdf(double z) { return 0.5 * erfc(-z * SQRT1_2); }

/* Regularised lower incomplete gamma P(a, x): series for x < a + 1, otherwise Lentz's
 * continued fraction for Q (Numerical Recipes 6.2). */
static double gamma_p(double a, double x)
{
    const double eps = 1e-16, tiny = 1e-300;
    double lpre;
    int n;
    if (x <= 0.0) return 0.0;
    lpre = a * log(x) - x - lgamma(a);
    if (x < a + 1.0) {
        double ap = a, del = 1.0 / a, sum = del;
        for (n = 0; n < 10000; n++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * eps) break;
        }
        return sum * exp(lpre);
    } else {
        double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
        for (n = 1; n < 10000; n++) {
            double an = -n * (n - a), del;
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < tiny) d = tiny;
            c = b + an / c;
            if (fabs(c) < tiny) c = tiny;
            d = 1.0 / d;
            del = d * c;
            h *= del;
            if (fabs(del - 1.0) < eps) break;
        }
        return 1.0 - exp(lpre) * h;
    }
}

/* Continued fraction of the incomplete beta function (Numerical Recipes 6.4, Lentz). */
static double beta_cf(double a, double b, double x)
{
    const double eps = 1e-16, tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0, c = 1.0, d = 1.0 - qab * x / qap, h;
    int m;
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    h = d;
    for (m = 1; m < 10000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2)), del;
        d = 1.0 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) < eps) break;
    }
    return h;
}

/* Regularised incomplete beta I_x(a, b). */
static double beta_i(double a, double b, double x)
{
    double lbt;
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return exp(lbt) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lbt) * beta_cf(b, a, 1.0 - x) / b;
}

/* Upper critical value of chi-square with df degrees of freedom: P(df/2, x/2) = 1 - alpha. */
static double chi2_crit(int df, double alpha)
{
    double lo = 0.0, hi = 10.0 * df + 100.0;
    int i;
    for (i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (gamma_p(0.5 * df, 0.5 * mid) < 1.0 - alpha)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

// ---- reference CDFs: F(x; a[])

typedef double (*cdf_fn)(double x, const double *a);

static double cdf_normal(double x, const double *a) { return normal_cdf((x - a[0]) / a[1]); }

static double cdf_lognormal(double x, const double *a)
{
    return x <= 0.0 ? 0.0 : normal_cdf((log(x) - a[0]) / a[1]);
}

static double cdf_uniform(double x, const double *a)
{
    return x <= a[0] ? 0.0 : x >= a[1] ? 1.0 : (x - a[0]) / (a[1] - a[0]);
}

static double cdf_triangular(double x, const double *a)
{
    double lo = a[0], m = a[1], hi = a[2];
    if (x <= lo) return 0.0;
    if (x >= hi) return 1.0;
    if (x <= m) return (x - lo) * (x - lo) / ((hi - lo) * (m - lo));
    return 1.0 - (hi - x) * (hi - x) / ((hi - lo) * (hi - m));
}

/* a = {lo, hi, alpha, beta} as in hc_dist */
static double cdf_beta(double x, const double *a)
{
    return beta_i(a[2], a[3], (x - a[0]) / (a[1] - a[0]));
}

/* a = {shape, scale} */
static double cdf_gamma(double x, const double *a) { return gamma_p(a[0], x / a[1]); }

/* a = {alpha, min, max (0: unbounded)} */
static double cdf_pareto(double x, const double *a)
{
    double alpha = a[0], lo = a[1], hi = a[2];
    if (x <= lo) return 0.0;
    if (hi > 0.0) return x >= hi ? 1.0 : -expm1(alpha * log(lo / x)) / -expm1(alpha * log(lo / hi));
    return -expm1(alpha * log(lo / x));
}

/* normal a[0], a[1] clipped to [a[2], a[3]]: atoms at both ends */
static double cdf_clipped_normal(double x, const double *a)
{
    return x < a[2] ? 0.0 : x >= a[3] ? 1.0 : normal_cdf((x - a[0]) / a[1]);
}

static double cdf_clipped_normal_left(double x, const double *a) /* F(x-) */
{
    return x <= a[2] ? 0.0 : x > a[3] ? 1.0 : normal_cdf((x - a[0]) / a[1]);
}

// ---- the statistical helpers

/* Kolmogorov-Smirnov: sorts x, returns 1 if D = sup |F_n - F| is below the alpha = 0.001
 * critical value c / (sqrt n + 0.12 + 0.11 / sqrt n), c = sqrt(-ln(alpha / 2) / 2) = 1.9495
 * (Stephens' finite-n form of Kolmogorov's limit). Ties (atoms) are handled by comparing
 * F_n just before and at each distinct value with F(x-) (`left`, NULL if F is continuous)
 * and F(x). */
static int ks_accepts(const char *what, double *x, int n, cdf_fn F, cdf_fn left, const double *a)
{
    const double c = sqrt(-0.5 * log(0.5 * ALPHA));
    double d = 0.0, crit = c / (sqrt((double)n) + 0.12 + 0.11 / sqrt((double)n));
    int i = 0;
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    while (i < n) {
        int j = i;
        double fx = F(x[i], a), fl = left ? left(x[i], a) : fx;
        while (j < n && x[j] == x[i]) j++;
        d = fmax(d, fmax(fabs((double)j / n - fx), fabs((double)i / n - fl)));
        i = j;
    }
    print_message("# %s: KS D = %.5f, critical %.5f (n = %d)\n", what, d, crit, n);
    return d < crit;
}

/* Sample mean and variance against the truth at K_SE standard errors. SE(mean) = sd / sqrt n;
 * SE(variance) = var * sqrt((excess kurtosis + 2) / n), from Var(s^2) ~ (mu4 - sigma^4) / n.
 * exkurt = NAN skips the variance (infinite fourth moment). */
static int moments_match(const char *what, const double *x, int n, double mean, double var,
                         double exkurt)
{
    double m = 0.0, s2 = 0.0, zm, zv = NAN;
    int i;
    for (i = 0; i < n; i++) m += x[i];
    m /= n;
    for (i = 0; i < n; i++) s2 += (x[i] - m) * (x[i] - m);
    s2 /= n - 1;
    zm = (m - mean) / sqrt(var / n);
    if (!isnan(exkurt)) zv = (s2 - var) / (var * sqrt((exkurt + 2.0) / n));
    print_message(
        "# %s: mean %.6g (truth %.6g, z = %+.2f), variance %.6g (truth %.6g, z = %+.2f%s)\n", what,
        m, mean, zm, s2, var, isnan(zv) ? 0.0 : zv, isnan(zv) ? ", not checked" : "");
    return fabs(zm) <= K_SE && (isnan(zv) || fabs(zv) <= K_SE);
}

/* The sample p-quantile x_q: F(x_q) must be within K_SE * sqrt(p (1 - p) / n) of p
 * (distribution-free: F(X) is uniform). x must be sorted. */
static int quantile_matches(const char *what, const double *x, int n, double p, cdf_fn F,
                            const double *a)
{
    double q = x[(int)ceil(p * n) - 1], fq = F(q, a), se = sqrt(p * (1.0 - p) / n);
    print_message("# %s: sample %.3g-quantile %.6g, F there %.5f (z = %+.2f)\n", what, p, q, fq,
                  (fq - p) / se);
    return fabs(fq - p) <= K_SE * se;
}

/* Chi-square of counts against probabilities at alpha = 0.001 (df = k - 1). */
static int chi2_accepts(const char *what, const long *count, const double *prob, int k, int n)
{
    double chi2 = 0.0, crit = chi2_crit(k - 1, ALPHA);
    int i;
    for (i = 0; i < k; i++) {
        double e = prob[i] * n;
        chi2 += (count[i] - e) * (count[i] - e) / e;
    }
    print_message("# %s: chi-square %.3f, critical %.3f (df = %d)\n", what, chi2, crit, k - 1);
    return chi2 < crit;
}

/* Central moments from raw moments E[X^k], k = 1..4: mean, variance, excess kurtosis. */
static void from_raw(const double r[4], double *mean, double *var, double *exkurt)
{
    double m = r[0], v = r[1] - m * m;
    double mu4 = r[3] - 4.0 * m * r[2] + 6.0 * m * m * r[1] - 3.0 * m * m * m * m;
    *mean = m;
    *var = v;
    *exkurt = mu4 / (v * v) - 3.0;
}

static void beta_moments(double lo, double hi, double a, double b, double *mean, double *var,
                         double *exkurt)
{
    double s = a + b, w = hi - lo;
    *mean = lo + w * a / s;
    *var = w * w * a * b / (s * s * (s + 1.0));
    *exkurt =
        6.0 * ((a - b) * (a - b) * (s + 1.0) - a * b * (s + 2.0)) / (a * b * (s + 2.0) * (s + 3.0));
}

// ---- the helpers themselves

static void special_functions_should_match_closed_forms(void **state)
{
    const double xs[] = {1e-6, 0.01, 0.3, 0.5, 0.9, 1.0, 2.5, 7.0, 30.0};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i], u = x / 31.0; /* u in (0, 1) for the beta cases */
        assert_close(gamma_p(1.0, x), -expm1(-x), 1e-14);
        assert_close(gamma_p(0.5, x), erf(sqrt(x)), 1e-14);
        assert_close(gamma_p(3.0, x), 1.0 - exp(-x) * (1.0 + x + 0.5 * x * x), 1e-14);
        assert_close(beta_i(1.0, 1.0, u), u, 1e-14);
        assert_close(beta_i(2.5, 1.0, u), pow(u, 2.5), 1e-14);
        assert_close(beta_i(1.0, 4.5, u), -expm1(4.5 * log1p(-u)), 1e-14);
        assert_close(beta_i(2.0, 3.0, u),
                     6 * u * u * (1 - u) * (1 - u) + 4 * u * u * u * (1 - u) + u * u * u * u,
                     1e-14);
        assert_close(beta_i(0.5, 0.5, u), 2.0 / M_PI * asin(sqrt(u)), 1e-14);
    }
    /* chi-square critical values at alpha = 0.001 (standard tables) */
    assert_close(chi2_crit(1, 0.001), 10.828, 5e-4);
    assert_close(chi2_crit(4, 0.001), 18.467, 5e-4);
    assert_close(chi2_crit(10, 0.001), 29.588, 5e-4);
}

static void ks_helper_should_reject_a_shifted_or_widened_normal(void **state)
{
    hc_dist d = mk_dist(HC_DIST_NORMAL, 0.0, 1.0, 0.0, 0.0);
    double *x = draw(&d, NULL, 1u, N);
    const double right[2] = {0.0, 1.0}, shifted[2] = {0.05, 1.0}, wide[2] = {0.0, 1.05};
    (void)state;
    assert_true(ks_accepts("normal(0,1) vs itself", x, N, cdf_normal, NULL, right));
    /* a mean 0.05 sd off: D ~ 0.05 phi(0) = 0.020 against a critical 0.0087 */
    assert_false(ks_accepts("normal(0,1) vs mean + 0.05 sd", x, N, cdf_normal, NULL, shifted));
    assert_false(ks_accepts("normal(0,1) vs sd * 1.05", x, N, cdf_normal, NULL, wide));
}

static void moment_helper_should_reject_a_shifted_mean_or_wrong_variance(void **state)
{
    hc_dist d = mk_dist(HC_DIST_NORMAL, 0.0, 1.0, 0.0, 0.0);
    double *x = draw(&d, NULL, 2u, N);
    (void)state;
    assert_true(moments_match("normal(0,1) vs itself", x, N, 0.0, 1.0, 0.0));
    /* 5 SE of the mean is 0.022 sd, of the variance 0.032: both below these errors */
    assert_false(moments_match("normal(0,1) vs mean 0.05", x, N, 0.05, 1.0, 0.0));
    assert_false(moments_match("normal(0,1) vs variance 1.05", x, N, 0.0, 1.05, 0.0));
}

static void chi_square_helper_should_reject_wrong_weights(void **state)
{
    const double pool[] = {1.0, 2.0, 3.0, 0.2, 0.5, 1.0};
    const double right[3] = {0.2, 0.3, 0.5}, wrong[3] = {0.21, 0.29, 0.5};
    hc_dist d = mk_dist(HC_DIST_DISCRETE, 0, 0, 0, 0);
    long count[3] = {0, 0, 0};
    double *x;
    int i;
    (void)state;
    d.n_values = 3;
    x = draw(&d, pool, 3u, N);
    for (i = 0; i < N; i++) count[(int)x[i] - 1]++;
    assert_true(chi2_accepts("discrete vs its weights", count, right, 3, N));
    assert_false(chi2_accepts("discrete vs weights 0.01 off", count, wrong, 3, N));
}

// ---- the normal quantile (AS241)

static void normal_quantile_should_match_known_values(void **state)
{
    /* reference values to 20 digits: mpmath, 60-digit arithmetic, root of log Phi(x) = log p */
    static const struct {
        double p, x;
    } known[] = {
        {0.5, 0.0},
        {0.975, 1.959963984540054235525},
        {0.025, -1.959963984540054235525},
        {0.75, 0.6744897501960817432022},
        {0.6, 0.2533471031357997987982},
        {0.9, 1.281551565544600466965},
        {0.99, 2.326347874040841100886},
        {0.999, 3.09023230616781354154},
        {1e-10, -6.361340902404056204695},
        {1e-12, -7.03448382530113192981},
        {1e-20, -9.262340089798407573717},
        {1e-100, -21.27345356096532429512},
        {1e-300, -37.04709629936119923722},
    };
    size_t i;
    (void)state;
    assert_true(hc_normal_quantile(0.975) - 1.959963984540054 < 1e-14 &&
                hc_normal_quantile(0.975) - 1.959963984540054 > -1e-14);
    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        double got = hc_normal_quantile(known[i].p), tol = 1e-14 * fmax(1.0, fabs(known[i].x));
        if (fabs(got - known[i].x) > tol)
            fail_msg("quantile(%g) = %.17g, expected %.17g", known[i].p, got, known[i].x);
    }
}

static void normal_quantile_should_be_antisymmetric(void **state)
{
    int k;
    (void)state;
    assert_true(hc_normal_quantile(0.5) == 0.0);
    /* dyadic p: 1 - p is exact, and so is the antisymmetry of AS241 */
    for (k = 1; k < 4096; k++) {
        double p = k / 8192.0;
        assert_true(hc_normal_quantile(p) == -hc_normal_quantile(1.0 - p));
    }
    for (k = 14; k <= 52; k++) {
        double p = ldexp(1.0, -k);
        assert_true(hc_normal_quantile(p) == -hc_normal_quantile(1.0 - p));
    }
}

/* Round trip through 0.5 erfc(-x / sqrt 2):
 *   - |Phi(quantile(p)) - p| <= 1e-13 on a grid from 1e-300 to 1 - 1e-12;
 *   - for 1e-12 <= min(p, 1 - p) the tail probability matches min(p, 1 - p) to a relative
 *     1e-13;
 *   - deeper in the tail the round trip is ill-conditioned (d ln Phi / dx ~ -x, so a
 *     relative error e in x becomes x^2 e in the tail): there the implied relative error of
 *     x, |tail / want - 1| / x^2, must stay below 2e-15 (AS241 claims about 1e-16; glibc's
 *     erfc gives 6.9e-16 here). */
static void normal_quantile_should_invert_the_normal_cdf(void **state)
{
    double worst_body = 0.0, worst_deep = 0.0;
    int k;
    (void)state;
    for (k = 0; k < 2000 + 2 * 300; k++) {
        double p, x, tail, want, rel;
        if (k < 2000)
            p = (k + 0.5) / 2000.0; /* the body */
        else if (k < 2300)
            p = pow(10.0, -1.0 - (k - 2000)); /* 1e-1 .. 1e-300 */
        else
            p = 1.0 - pow(10.0, -1.0 - 11.0 * (k - 2300) / 299.0); /* 1 - 1e-1 .. 1 - 1e-12 */
        x = hc_normal_quantile(p);
        if (!isfinite(x)) fail_msg("quantile(%g) is not finite", p);
        if (fabs(normal_cdf(x) - p) > 1e-13)
            fail_msg("Phi(quantile(%.17g)) - p = %g", p, normal_cdf(x) - p);
        tail = 0.5 * erfc(fabs(x) * SQRT1_2);
        want = x < 0.0 ? p : 1.0 - p; /* 1 - p is exact for p >= 0.5 */
        rel = fabs(tail / want - 1.0);
        if (want >= 1e-12) {
            if (rel > 1e-13)
                fail_msg("quantile(%.17g): tail %.17g, relative error %g", p, tail, rel);
            worst_body = fmax(worst_body, rel);
        } else {
            if (rel / (x * x) > 2e-15)
                fail_msg("quantile(%.17g) = %.17g: tail relative error %g", p, x, rel);
            worst_deep = fmax(worst_deep, rel / (x * x));
        }
    }
    print_message(
        "# worst relative tail error %.3g above 1e-12; worst implied relative x error %.3g below\n",
        worst_body, worst_deep);
}

/* On the 2^32 uniforms hc_rng can produce, the quantile rises strictly, including where
 * AS241 changes formula (|p - 0.5| = 0.425) and at both ends. Between neighbouring doubles
 * it need not: the two rational approximations meet only to about 1e-16, and at p = 0.075
 * the quantile falls by 2 ulp from one double to the next. That is far below the 2^-32 spacing
 * of the uniforms, so only the jump is bounded there (8 ulp). The r = 5 switch, at
 * p = exp(-25) ~ 1.4e-11, is below the smallest uniform (2^-33 ~ 1.2e-10). */
static void normal_quantile_should_rise_on_consecutive_uniforms(void **state)
{
    const double edges[] = {0.075, 0.925, exp(-25.0), 1.0 - exp(-25.0)};
    const uint32_t starts[] = {0u, (uint32_t)(0.075 * 4294967296.0) - 1000u, 2147483648u - 1000u,
                               (uint32_t)(0.925 * 4294967296.0) - 1000u, 0xffffffffu - 2000u};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        uint32_t x;
        double prev = hc_normal_quantile(hc_u01_open_open(starts[i]));
        for (x = starts[i] + 1u; x - starts[i] <= 2000u; x++) {
            double q = hc_normal_quantile(hc_u01_open_open(x));
            if (!(q > prev))
                fail_msg("quantile does not rise at uniform %u: %.17g after %.17g", (unsigned)x, q,
                         prev);
            prev = q;
            if (x == 0xffffffffu) break;
        }
    }
    for (i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        double p = edges[i], prev;
        int k;
        for (k = 0; k < 200; k++) p = nextafter(p, 0.0);
        prev = hc_normal_quantile(p);
        for (k = 0; k < 400; k++) {
            double q;
            p = nextafter(p, 1.0);
            q = hc_normal_quantile(p);
            if (q < prev && prev - q > 8.0 * (nextafter(fabs(q), INFINITY) - fabs(q)))
                fail_msg("quantile falls by more than 8 ulp at p = %.17g: %.17g after %.17g", p, q,
                         prev);
            prev = q;
        }
    }
}

static void normal_quantile_should_be_finite_on_every_uniform(void **state)
{
    double lo = hc_normal_quantile(hc_u01_open_open(0u)),
           hi = hc_normal_quantile(hc_u01_open_open(0xffffffffu));
    (void)state;
    assert_true(isfinite(lo) && isfinite(hi));
    assert_true(lo == -hi); /* u(0) + u(0xffffffff) = 1 exactly */
    assert_close(lo, -6.337957754553789252, 1e-13); /* Phi^-1(2^-33), mpmath */
}

// ---- every kind: KS and moments

static void constant_should_always_return_its_value(void **state)
{
    hc_dist d = mk_dist(HC_DIST_CONSTANT, 3.25, 0.0, 0.0, 0.0);
    double *x = draw(&d, NULL, 10u, 1000);
    int i;
    (void)state;
    for (i = 0; i < 1000; i++) assert_true(x[i] == 3.25);
}

static void normal_should_match_mean_and_sd(void **state)
{
    const double a[2] = {10.0, 2.5};
    hc_dist d = mk_dist(HC_DIST_NORMAL, a[0], a[1], 0.0, 0.0);
    double *x = draw(&d, NULL, 11u, N);
    (void)state;
    assert_true(moments_match("normal(10, 2.5)", x, N, 10.0, 6.25, 0.0));
    assert_true(ks_accepts("normal(10, 2.5)", x, N, cdf_normal, NULL, a));
}

static void lognormal_should_match_median_and_sigma(void **state)
{
    const double median = 40.0, sigma = 0.6, mu = log(median), s2 = sigma * sigma;
    const double a[2] = {mu, sigma};
    hc_dist d = mk_dist(HC_DIST_LOGNORMAL, mu, sigma, 0.0, 0.0);
    double *x = draw(&d, NULL, 12u, N);
    double mean = exp(mu + 0.5 * s2), var = expm1(s2) * exp(2.0 * mu + s2);
    double exkurt = exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 6;
    (void)state;
    assert_true(moments_match("lognormal(median 40, sigma 0.6)", x, N, mean, var, exkurt));
    assert_true(
        ks_accepts("lognormal(median 40, sigma 0.6)", x, N, cdf_lognormal, NULL, a)); /* sorts x */
    assert_true(quantile_matches("lognormal median", x, N, 0.5, cdf_lognormal, a));
    assert_true(quantile_matches("lognormal p95", x, N, 0.95, cdf_lognormal, a));
}

static void uniform_should_cover_min_to_max_evenly(void **state)
{
    const double a[2] = {-3.0, 7.0};
    hc_dist d = mk_dist(HC_DIST_UNIFORM, a[0], a[1], 0.0, 0.0);
    double *x = draw(&d, NULL, 13u, N);
    int i;
    (void)state;
    for (i = 0; i < N; i++) assert_true(x[i] > -3.0 && x[i] < 7.0);
    assert_true(moments_match("uniform(-3, 7)", x, N, 2.0, 100.0 / 12.0, -1.2));
    assert_true(ks_accepts("uniform(-3, 7)", x, N, cdf_uniform, NULL, a));
}

static void triangular_should_match_min_mode_max(void **state)
{
    static const double cases[][3] = {{1.0, 2.0, 6.0}, {0.0, 0.0, 1.0}, {-5.0, 10.0, 10.0}};
    size_t c;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *a = cases[c], lo = a[0], m = a[1], hi = a[2];
        hc_dist d = mk_dist(HC_DIST_TRIANGULAR, lo, m, hi, 0.0);
        double *x = draw(&d, NULL, 14u + (uint32_t)c, N);
        char what[64];
        int i;
        snprintf(what, sizeof what, "triangular(%g, %g, %g)", lo, m, hi);
        for (i = 0; i < N; i++) assert_true(x[i] >= lo && x[i] <= hi);
        assert_true(moments_match(what, x, N, (lo + m + hi) / 3.0,
                                  (lo * lo + m * m + hi * hi - lo * m - lo * hi - m * hi) / 18.0,
                                  -0.6));
        assert_true(ks_accepts(what, x, N, cdf_triangular, NULL, a));
    }
}

static void pert_should_match_min_mode_max_with_lambda_4(void **state)
{
    /* as the loader fills it: alpha = 1 + 4 (mode - min) / (max - min), beta = 1 + 4 (max - mode) /
     * (max - min) */
    const double lo = 2.0, mode = 3.0, hi = 10.0, lambda = 4.0;
    const double a[4] = {lo, hi, 1.0 + lambda * (mode - lo) / (hi - lo),
                         1.0 + lambda * (hi - mode) / (hi - lo)};
    hc_dist d = mk_dist(HC_DIST_PERT, a[0], a[1], a[2], a[3]);
    double *x = draw(&d, NULL, 20u, N);
    double mean, var, exkurt;
    int i;
    (void)state;
    beta_moments(lo, hi, a[2], a[3], &mean, &var, &exkurt);
    assert_close(mean, (lo + lambda * mode + hi) / (lambda + 2.0), 1e-12); /* the PERT mean */
    for (i = 0; i < N; i++) assert_true(x[i] >= lo && x[i] <= hi);
    assert_true(moments_match("pert(2, 3, 10)", x, N, mean, var, exkurt));
    assert_true(ks_accepts("pert(2, 3, 10)", x, N, cdf_beta, NULL, a));
}

static void beta_should_match_shapes_on_the_rescaled_range(void **state)
{
    static const double cases[][4] = {
        {10.0, 20.0, 2.0, 5.0}, /* rescaled */
        {0.0, 1.0, 0.5, 0.5},   /* both shapes below 1: the gamma boost on both sides */
        {-1.0, 1.0, 1.0, 1.0},  /* uniform */
        {0.0, 100.0, 30.0, 3.0},
    };
    size_t c;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *a = cases[c];
        hc_dist d = mk_dist(HC_DIST_BETA, a[0], a[1], a[2], a[3]);
        double *x = draw(&d, NULL, 21u + (uint32_t)c, N);
        double mean, var, exkurt;
        char what[80];
        int i;
        snprintf(what, sizeof what, "beta(%g, %g) on [%g, %g]", a[2], a[3], a[0], a[1]);
        beta_moments(a[0], a[1], a[2], a[3], &mean, &var, &exkurt);
        for (i = 0; i < N; i++) assert_true(x[i] >= a[0] && x[i] <= a[1]);
        assert_true(moments_match(what, x, N, mean, var, exkurt));
        assert_true(ks_accepts(what, x, N, cdf_beta, NULL, a));
    }
}

/* The squeeze (hc_gamma_squeeze) must never accept a try the logarithms reject, for any
 * uniform the generator makes: at each z, the largest one it accepts (a binary search
 * over the 2^32 values of hc_u01_open_open) must pass the logarithms too. z from 1e-8 to
 * 3 on both sides, where the two boundaries come closest (z near 0) included; d from
 * the smallest the boost leaves (2/3) to the squeeze's limit. A squeeze constant below
 * 1 / (108 d), 0.0139 at d = 2/3, fails here. */
static void gamma_squeeze_should_decide_as_the_logarithms_do(void **state)
{
    static const double ds[] = {2.0 / 3.0, 0.7, 1.0, 2.0, 5.0, 30.0, 1000.0, 9999.0};
    int bad = 0, checked = 0;
    (void)state;
    for (size_t j = 0; j < sizeof ds / sizeof ds[0]; j++)
        for (int sign = -1; sign <= 1; sign += 2)
            for (double e = -8.0; e <= 0.48; e += 0.01) {
                const double d = ds[j], z = sign * pow(10.0, e), c = 1.0 / sqrt(9.0 * d), v1 = 1.0 + c * z;
                const double v = v1 * v1 * v1; /* as hc_gamma_unit computes it */
                uint64_t lo = 0, hi = UINT32_MAX;
                if (v1 <= 0.0 || !hc_gamma_squeeze(d, z, hc_u01_open_open(0))) continue;
                while (lo < hi) { /* the largest k whose uniform the squeeze accepts */
                    const uint64_t mid = lo + (hi - lo + 1) / 2;
                    if (hc_gamma_squeeze(d, z, hc_u01_open_open((uint32_t)mid)))
                        lo = mid;
                    else
                        hi = mid - 1;
                }
                checked++;
                if (!hc_gamma_logs_accept(d, z, v, hc_u01_open_open((uint32_t)lo)) && bad++ < 5)
                    print_message("squeeze accepts u = %.17g at d = %g, z = %g; the logarithms reject it\n",
                                  hc_u01_open_open((uint32_t)lo), d, z);
            }
    assert_true(checked > 10000);
    assert_int_equal(bad, 0);
}

static void gamma_should_match_shape_and_scale(void **state)
{
    static const double cases[][2] = {{0.3, 2.0}, {1.0, 1.0}, {4.5, 0.5}, {50.0, 0.1}};
    size_t c;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *a = cases[c], k = a[0], th = a[1];
        hc_dist d = mk_dist(HC_DIST_GAMMA, k, th, 0.0, 0.0);
        double *x = draw(&d, NULL, 30u + (uint32_t)c, N);
        char what[64];
        int i;
        snprintf(what, sizeof what, "gamma(shape %g, scale %g)", k, th);
        for (i = 0; i < N; i++) assert_true(x[i] > 0.0);
        assert_true(moments_match(what, x, N, k * th, k * th * th, 6.0 / k));
        assert_true(ks_accepts(what, x, N, cdf_gamma, NULL, a));
    }
}

static void pareto_should_match_alpha_and_min_when_unbounded(void **state)
{
    static const double cases[][3] = {{2.5, 1.5, 0.0}, {6.0, 100.0, 0.0}, {0.8, 1.0, 0.0}};
    size_t c;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *a = cases[c], al = a[0], xm = a[1];
        hc_dist d = mk_dist(HC_DIST_PARETO, al, xm, 0.0, 0.0);
        double *x = draw(&d, NULL, 40u + (uint32_t)c, N);
        char what[64];
        int i;
        snprintf(what, sizeof what, "pareto(alpha %g, min %g)", al, xm);
        for (i = 0; i < N; i++) assert_true(x[i] >= xm);
        if (al > 2.0) { /* finite variance: the mean; finite 4th moment: the variance too */
            double var = xm * xm * al / ((al - 1.0) * (al - 1.0) * (al - 2.0));
            double exkurt = al > 4.0 ? 6.0 * (al * al * al + al * al - 6.0 * al - 2.0) /
                                           (al * (al - 3.0) * (al - 4.0))
                                     : NAN;
            assert_true(moments_match(what, x, N, al * xm / (al - 1.0), var, exkurt));
        }
        assert_true(ks_accepts(what, x, N, cdf_pareto, NULL, a));
    }
}

static void pareto_should_match_alpha_min_and_max_when_bounded(void **state)
{
    static const double cases[][3] = {{1.2, 1.0, 50.0}, {3.5, 2.0, 3.0}};
    size_t c;
    (void)state;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *a = cases[c], al = a[0], lo = a[1], hi = a[2];
        hc_dist d = mk_dist(HC_DIST_PARETO, al, lo, hi, 0.0);
        double *x = draw(&d, NULL, 50u + (uint32_t)c, N);
        double raw[4], mean, var, exkurt, norm = al * pow(lo, al) / -expm1(al * log(lo / hi));
        char what[64];
        int i, k;
        snprintf(what, sizeof what, "pareto(alpha %g, min %g, max %g)", al, lo, hi);
        for (k = 1; k <= 4;
             k++) /* E[X^k] = norm * (hi^(k - alpha) - lo^(k - alpha)) / (k - alpha) */
            raw[k - 1] = norm * (pow(hi, k - al) - pow(lo, k - al)) / (k - al);
        from_raw(raw, &mean, &var, &exkurt);
        for (i = 0; i < N; i++) assert_true(x[i] >= lo && x[i] <= hi);
        assert_true(moments_match(what, x, N, mean, var, exkurt));
        assert_true(ks_accepts(what, x, N, cdf_pareto, NULL, a));
    }
}

static void discrete_should_match_its_weights(void **state)
{
    /* pool: three unrelated doubles, then values, then cumulative weights ending at 1 */
    const double values[5] = {0.5, 1.0, 2.0, 4.0, 8.0}, w[5] = {0.1, 0.25, 0.3, 0.2, 0.15};
    double pool[3 + 10] = {-99.0, -99.0, -99.0};
    hc_dist d = mk_dist(HC_DIST_DISCRETE, 0, 0, 0, 0);
    long count[5] = {0};
    double *x, cum = 0.0, mean = 0.0, m2 = 0.0, m4 = 0.0;
    int i, j;
    (void)state;
    for (j = 0; j < 5; j++) {
        pool[3 + j] = values[j];
        cum += w[j];
        pool[3 + 5 + j] = cum;
    }
    pool[3 + 5 + 4] = 1.0;
    d.pool_offset = 3;
    d.n_values = 5;
    x = draw(&d, pool, 60u, N);
    for (i = 0; i < N; i++) {
        for (j = 0; j < 5 && x[i] != values[j]; j++) {
        }
        if (j == 5) fail_msg("draw %d = %g is not one of the values", i, x[i]);
        count[j]++;
    }
    assert_true(chi2_accepts("discrete {0.5, 1, 2, 4, 8}", count, w, 5, N));
    for (j = 0; j < 5; j++) mean += w[j] * values[j];
    for (j = 0; j < 5; j++) {
        m2 += w[j] * pow(values[j] - mean, 2);
        m4 += w[j] * pow(values[j] - mean, 4);
    }
    assert_true(moments_match("discrete {0.5, 1, 2, 4, 8}", x, N, mean, m2, m4 / (m2 * m2) - 3.0));
}

static void discrete_should_never_draw_a_zero_weight_value(void **state)
{
    const double pool[] = {1.0, 2.0, 3.0, 4.0, 0.0, 0.5, 0.5, 1.0}; /* weights 0, .5, 0, .5 */
    const double single[] = {7.0, 1.0};
    hc_dist d = mk_dist(HC_DIST_DISCRETE, 0, 0, 0, 0);
    double *x;
    long twos = 0;
    int i;
    (void)state;
    d.n_values = 4;
    x = draw(&d, pool, 61u, N);
    for (i = 0; i < N; i++) {
        assert_true(x[i] == 2.0 || x[i] == 4.0);
        twos += x[i] == 2.0;
    }
    assert_true(fabs(twos - 0.5 * N) <= K_SE * sqrt(0.25 * N));
    d.n_values = 1;
    x = draw(&d, single, 62u, 1000);
    for (i = 0; i < 1000; i++) assert_true(x[i] == 7.0);
}

static void clip_should_clamp_into_lo_and_hi(void **state)
{
    const double a[4] = {0.0, 1.0, -1.0, 1.5}; /* normal(0, 1) clipped to [-1, 1.5] */
    hc_dist d = mk_dist(HC_DIST_NORMAL, 0.0, 1.0, 0.0, 0.0);
    hc_dist c = mk_dist(HC_DIST_CONSTANT, 5.0, 0.0, 0.0, 0.0);
    double *x;
    long at_lo = 0, at_hi = 0;
    int i;
    (void)state;
    d.has_clip = 1;
    d.clip_lo = a[2];
    d.clip_hi = a[3];
    x = draw(&d, NULL, 70u, N);
    for (i = 0; i < N; i++) {
        assert_true(x[i] >= -1.0 && x[i] <= 1.5);
        at_lo += x[i] == -1.0;
        at_hi += x[i] == 1.5;
    }
    /* the atoms hold the clipped tails: Phi(-1) and 1 - Phi(1.5) */
    assert_true(fabs(at_lo - N * normal_cdf(-1.0)) <=
                K_SE * sqrt(N * normal_cdf(-1.0) * normal_cdf(1.0)));
    assert_true(fabs(at_hi - N * normal_cdf(-1.5)) <=
                K_SE * sqrt(N * normal_cdf(-1.5) * normal_cdf(1.5)));
    assert_true(ks_accepts("normal(0, 1) clipped to [-1, 1.5]", x, N, cdf_clipped_normal,
                           cdf_clipped_normal_left, a));
    /* a constant outside the clip is clamped; clipping is off unless has_clip */
    c.has_clip = 1;
    c.clip_lo = 0.0;
    c.clip_hi = 1.0;
    x = draw(&c, NULL, 71u, 10);
    for (i = 0; i < 10; i++) assert_true(x[i] == 1.0);
    c.p[0] = -2.0;
    x = draw(&c, NULL, 71u, 10);
    for (i = 0; i < 10; i++) assert_true(x[i] == 0.0);
    c.has_clip = 0;
    x = draw(&c, NULL, 71u, 10);
    for (i = 0; i < 10; i++) assert_true(x[i] == -2.0);
}

// ---- common random numbers: inverse-CDF kinds map their first uniform to its quantile

/* F(x) = u for the first uniform u of the draw's stream: the sample is the u-quantile, so
 * two narratives drawing an input from the same counter are coupled rank for rank. */
static void check_quantile_of_first_uniform(const char *what, const hc_dist *d, const double *pool,
                                            cdf_fn F, const double *a)
{
    const int n = 4000;
    const uint32_t stream = 80u;
    double *x = draw(d, pool, stream, n);
    int i;
    for (i = 0; i < n; i++) {
        double u = first_uniform(stream, i), f = F(x[i], a);
        if (fabs(f - u) > 1e-9)
            fail_msg("%s: world %d: u = %.12f but F(sample) = %.12f", what, i, u, f);
    }
}

static void inverse_cdf_kinds_should_map_their_uniform_to_its_quantile(void **state)
{
    const double an[2] = {10.0, 2.5}, al[2] = {log(40.0), 0.6}, au[2] = {-3.0, 7.0};
    const double at[3] = {1.0, 2.0, 6.0}, ap[3] = {1.2, 1.0, 50.0};
    hc_dist d;
    (void)state;
    d = mk_dist(HC_DIST_NORMAL, an[0], an[1], 0, 0);
    check_quantile_of_first_uniform("normal", &d, NULL, cdf_normal, an);
    d = mk_dist(HC_DIST_LOGNORMAL, al[0], al[1], 0, 0);
    check_quantile_of_first_uniform("lognormal", &d, NULL, cdf_lognormal, al);
    d = mk_dist(HC_DIST_UNIFORM, au[0], au[1], 0, 0);
    check_quantile_of_first_uniform("uniform", &d, NULL, cdf_uniform, au);
    d = mk_dist(HC_DIST_TRIANGULAR, at[0], at[1], at[2], 0);
    check_quantile_of_first_uniform("triangular", &d, NULL, cdf_triangular, at);
    d = mk_dist(HC_DIST_PARETO, ap[0], ap[1], ap[2], 0);
    check_quantile_of_first_uniform("bounded pareto", &d, NULL, cdf_pareto, ap);
}

/* The unbounded Pareto once drew xm * u^(-1/alpha), the (1 - u)-quantile: it fell as
 * its uniform rose, so two narratives giving one input an unbounded Pareto and any other
 * kind were coupled antithetically instead of rank for rank. */
static void pareto_unbounded_should_map_its_uniform_to_its_quantile(void **state)
{
    const double a[3] = {2.5, 1.5, 0.0};
    hc_dist d = mk_dist(HC_DIST_PARETO, a[0], a[1], a[2], 0);
    (void)state;
    check_quantile_of_first_uniform("unbounded pareto", &d, NULL, cdf_pareto, a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(special_functions_should_match_closed_forms),
        cmocka_unit_test(ks_helper_should_reject_a_shifted_or_widened_normal),
        cmocka_unit_test(moment_helper_should_reject_a_shifted_mean_or_wrong_variance),
        cmocka_unit_test(chi_square_helper_should_reject_wrong_weights),
        cmocka_unit_test(normal_quantile_should_match_known_values),
        cmocka_unit_test(normal_quantile_should_be_antisymmetric),
        cmocka_unit_test(normal_quantile_should_invert_the_normal_cdf),
        cmocka_unit_test(normal_quantile_should_rise_on_consecutive_uniforms),
        cmocka_unit_test(normal_quantile_should_be_finite_on_every_uniform),
        cmocka_unit_test(constant_should_always_return_its_value),
        cmocka_unit_test(normal_should_match_mean_and_sd),
        cmocka_unit_test(lognormal_should_match_median_and_sigma),
        cmocka_unit_test(uniform_should_cover_min_to_max_evenly),
        cmocka_unit_test(triangular_should_match_min_mode_max),
        cmocka_unit_test(pert_should_match_min_mode_max_with_lambda_4),
        cmocka_unit_test(beta_should_match_shapes_on_the_rescaled_range),
        cmocka_unit_test(gamma_squeeze_should_decide_as_the_logarithms_do),
        cmocka_unit_test(gamma_should_match_shape_and_scale),
        cmocka_unit_test(pareto_should_match_alpha_and_min_when_unbounded),
        cmocka_unit_test(pareto_should_match_alpha_min_and_max_when_bounded),
        cmocka_unit_test(discrete_should_match_its_weights),
        cmocka_unit_test(discrete_should_never_draw_a_zero_weight_value),
        cmocka_unit_test(clip_should_clamp_into_lo_and_hi),
        cmocka_unit_test(inverse_cdf_kinds_should_map_their_uniform_to_its_quantile),
        cmocka_unit_test(pareto_unbounded_should_map_its_uniform_to_its_quantile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
