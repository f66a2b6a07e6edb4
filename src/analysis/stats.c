/* stats.c: numpy-exact percentiles by selection, and mean/sd. See hc_stats.h. */
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hc_stats.h"

/* numpy's linear interpolation between the order statistics a = x(i) and b = x(i+1):
 * d is b - a computed in the input precision, g the fractional part of (n - 1) q. */
static double lerp_numpy(double a, double b, double d, double g)
{
    return (g < 0.5) ? a + d * g : b - d * (1.0 - g);
}

/* Position of percentile p: i = floor((n - 1) q), g = (n - 1) q - i, q = p / 100. */
static void virtual_index(size_t n, double p, ptrdiff_t *i, double *g)
{
    const double h = (double)(n - 1) * (p / 100.0);
    double fl = floor(h);
    if (fl < 0.0) fl = 0.0;
    if (fl > (double)(n - 1)) fl = (double)(n - 1);
    *i = (ptrdiff_t)fl;
    *g = h - fl;
}

/* The two element types share one algorithm; the macro writes it once for each.
 *
 * SELECT: Hoare/Wirth selection on x[lo..hi] with a median-of-three pivot; afterwards
 * x[k] holds the value it would have in sorted order, nothing larger before it and
 * nothing smaller after it. Equal keys are split evenly, so many ties stay O(n).
 *
 * PERCENTILES: percentiles in increasing order of position; each selection works on
 * the part right of the previous one, and x(i+1) is the minimum right of x(i). */
#define HC_DEFINE_PERCENTILES(NAME, T)                                                     \
    static void NAME##_select(T *x, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t k)              \
    {                                                                                      \
        while (lo < hi) {                                                                  \
            const T a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi];                       \
            const T pivot = (a < b) ? ((b < c) ? b : ((a < c) ? c : a))                    \
                                    : ((a < c) ? a : ((b < c) ? c : b));                   \
            ptrdiff_t i = lo, j = hi;                                                      \
            while (i <= j) {                                                               \
                while (x[i] < pivot) i++;                                                  \
                while (pivot < x[j]) j--;                                                  \
                if (i <= j) {                                                              \
                    const T tmp = x[i];                                                    \
                    x[i++] = x[j];                                                         \
                    x[j--] = tmp;                                                          \
                }                                                                          \
            }                                                                              \
            if (k <= j)                                                                    \
                hi = j;                                                                    \
            else if (k >= i)                                                               \
                lo = i;                                                                    \
            else                                                                           \
                return; /* x[j+1..i-1] all equal the pivot */                              \
        }                                                                                  \
    }                                                                                      \
                                                                                           \
    void NAME(T *x, size_t n, const double *p, int np, double *out)                        \
    {                                                                                      \
        int order[64], a, b;                                                               \
        ptrdiff_t done = 0; /* x[done-1] is in sorted place, nothing before it larger */ \
        for (a = 0; a < np; a++) order[a] = a;                                             \
        for (a = 1; a < np; a++)                                                           \
            for (b = a; b > 0 && p[order[b]] < p[order[b - 1]]; b--) {                     \
                const int t = order[b];                                                    \
                order[b] = order[b - 1];                                                   \
                order[b - 1] = t;                                                          \
            }                                                                              \
        for (a = 0; a < np; a++) {                                                         \
            ptrdiff_t i, k;                                                                \
            double g;                                                                      \
            T lo, hi;                                                                      \
            virtual_index(n, p[order[a]], &i, &g);                                         \
            if (i >= done) {                                                               \
                NAME##_select(x, done, (ptrdiff_t)n - 1, i);                               \
                done = i + 1;                                                              \
            }                                                                              \
            lo = x[i];                                                                     \
            hi = lo;                                                                       \
            if (i + 1 < (ptrdiff_t)n) {                                                    \
                hi = x[i + 1];                                                             \
                if (i + 1 >= done)                                                         \
                    for (k = i + 2; k < (ptrdiff_t)n; k++)                                 \
                        if (x[k] < hi) hi = x[k];                                          \
            }                                                                              \
            out[order[a]] = lerp_numpy((double)lo, (double)hi, (double)(T)(hi - lo), g);   \
        }                                                                                  \
    }

HC_DEFINE_PERCENTILES(hc_percentiles_d, double)
HC_DEFINE_PERCENTILES(hc_percentiles_f, float)

float hc_select_f(float *x, size_t n, size_t k)
{
    hc_percentiles_f_select(x, 0, (ptrdiff_t)n - 1, (ptrdiff_t)k);
    return x[k];
}

/* Threads for `tasks` selections of n floats, each with its scratch copy (above). */
static int scratch_threads(int tasks, size_t n)
{
    const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const double room = pages > 0 && page > 0 ? 0.5 * (double)pages * (double)page : 0.0;
    int t = omp_get_max_threads();
    if (t > tasks) t = tasks;
    while (t > 1 && (double)t * (double)n * sizeof(float) > room) t--;
    return t < 1 ? 1 : t;
}

int hc_percentiles_f_each(const float *const *x, int tasks, size_t n, const double *p, int np, int moments,
                          double *const *out, const volatile sig_atomic_t *stop)
{
    int failed = 0, k;
#pragma omp parallel num_threads(scratch_threads(tasks, n)) reduction(| : failed)
    {
        float *scratch = (float *)malloc(n * sizeof(float));
#pragma omp for schedule(dynamic, 1)
        for (k = 0; k < tasks; k++) {
            if (!scratch || (stop && *stop)) { /* Ctrl-C or SIGTERM: stop within a task */
                failed = 1;
                continue;
            }
            if (moments) hc_mean_sd_f(x[k], n, &out[k][np], &out[k][np + 1]);
            memcpy(scratch, x[k], n * sizeof(float));
            hc_percentiles_f(scratch, n, p, np, out[k]);
        }
        free(scratch);
    }
    return failed;
}

/* Two passes (mean, then squared deviations) in index order, in double. */
#define HC_DEFINE_MEAN_SD(NAME, T)                                                         \
    void NAME(const T *x, size_t n, double *mean, double *sd)                              \
    {                                                                                      \
        double s = 0.0, ss = 0.0, m;                                                       \
        size_t i;                                                                          \
        for (i = 0; i < n; i++) s += (double)x[i];                                         \
        m = s / (double)n;                                                                 \
        for (i = 0; i < n; i++) ss += ((double)x[i] - m) * ((double)x[i] - m);             \
        *mean = m;                                                                         \
        *sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;                                    \
    }

HC_DEFINE_MEAN_SD(hc_mean_sd, double)

/* hc_mean_sd_f's tree (hc_stats.h), streamed: acc[l] adds the values of level l into the
 * open node of level l + 1, and a full node moves up; levels - 1 is the root's level. */
#define TREE_MAX_LEVELS 16 /* 64^15 values: more than a size_t counts */
typedef struct {
    double acc[TREE_MAX_LEVELS];
    int count[TREE_MAX_LEVELS];
    int top;
} mean_tree;

static void tree_start(mean_tree *t, size_t n)
{
    memset(t, 0, sizeof(*t));
    while (n > HC_MEAN_FANOUT) {
        n = (n + HC_MEAN_FANOUT - 1) / HC_MEAN_FANOUT;
        t->top++;
    }
}

static void tree_add(mean_tree *t, double v)
{
    int l;
    t->acc[0] += v;
    for (l = 0; l < t->top && ++t->count[l] == HC_MEAN_FANOUT; l++) {
        t->acc[l + 1] += t->acc[l];
        t->acc[l] = 0.0;
        t->count[l] = 0;
    }
}

/* The root: the open (short) nodes move up, lowest first. */
static double tree_total(mean_tree *t)
{
    int l;
    for (l = 0; l < t->top; l++)
        if (t->count[l] > 0) {
            t->acc[l + 1] += t->acc[l];
            t->count[l + 1]++;
        }
    return t->acc[t->top];
}

double hc_tree_sum_f(const float *x, size_t n, size_t stride)
{
    mean_tree t;
    size_t i;
    tree_start(&t, n);
    for (i = 0; i < n; i++) tree_add(&t, (double)x[i * stride]);
    return tree_total(&t);
}

double hc_nice_step(double span, double target)
{
    const double raw = span / target, mag = pow(10.0, floor(log10(raw))), r = raw / mag;
    return mag * (r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 2.5 ? 2.5 : r <= 5.0 ? 5.0 : 10.0);
}

void hc_mean_sd_f(const float *x, size_t n, double *mean, double *sd)
{
    mean_tree t;
    double m;
    size_t i;
    tree_start(&t, n);
    for (i = 0; i < n; i++) tree_add(&t, (double)x[i]);
    m = tree_total(&t) / (double)n;
    tree_start(&t, n);
    for (i = 0; i < n; i++) tree_add(&t, ((double)x[i] - m) * ((double)x[i] - m));
    *mean = m;
    *sd = n > 1 ? sqrt(tree_total(&t) / (double)(n - 1)) : 0.0;
}

int hc_keyed_cmp(const void *pa, const void *pb)
{
    const hc_keyed *a = (const hc_keyed *)pa, *b = (const hc_keyed *)pb;
    if (a->v < b->v) return -1;
    if (a->v > b->v) return 1;
    return (a->i > b->i) - (a->i < b->i);
}

int hc_cholesky_in_place(double *a, int m, double min_pivot)
{
    int i, j, k;
    for (j = 0; j < m; j++) {
        double d = a[j * m + j];
        for (k = 0; k < j; k++) d -= a[j * m + k] * a[j * m + k];
        if (!(d > min_pivot)) return 1;
        a[j * m + j] = sqrt(d);
        for (i = j + 1; i < m; i++) {
            double s = a[i * m + j];
            for (k = 0; k < j; k++) s -= a[i * m + k] * a[j * m + k];
            a[i * m + j] = s / a[j * m + j];
        }
    }
    return 0;
}

int64_t hc_mcse_blocks(int64_t n)
{
    int64_t b = (int64_t)floor(sqrt((double)n));
    while (b * b > n) b--; /* exact integer square root, whatever sqrt rounds to */
    while ((b + 1) * (b + 1) <= n) b++;
    return b >= 2 ? b : 0;
}

void hc_mcse_row(const double *x, int64_t n, const double *p, int np, double *out, double *scratch)
{
    const int64_t B = hc_mcse_blocks(n);
    double first[HC_MAX_PERCENTILES + 1], sum[HC_MAX_PERCENTILES + 1], sum2[HC_MAX_PERCENTILES + 1];
    double mean, sd;
    int64_t b;
    int k;
    for (k = 0; k < np + 2; k++) out[k] = 0.0;
    if (B == 0) return;
    hc_mean_sd(x, (size_t)n, &mean, &sd);
    out[np] = sd / sqrt((double)n);
    /* Sums of the block values shifted by block 0's, so the variance is not the small
     * difference of two large sums; added in block order. */
    for (b = 0; b < B; b++) {
        const int64_t lo = b * n / B, hi = (b + 1) * n / B;
        double v[HC_MAX_PERCENTILES + 1], m;
        memcpy(scratch, x + lo, (size_t)(hi - lo) * sizeof(double));
        hc_mean_sd(scratch, (size_t)(hi - lo), &m, &v[np]);
        hc_percentiles_d(scratch, (size_t)(hi - lo), p, np, v);
        for (k = 0; k <= np; k++) {
            double d;
            if (b == 0) {
                first[k] = v[k];
                sum[k] = sum2[k] = 0.0;
            }
            d = v[k] - first[k];
            sum[k] += d;
            sum2[k] += d * d;
        }
    }
    for (k = 0; k <= np; k++) {
        const double var_blocks = fmax(0.0, (sum2[k] - sum[k] * sum[k] / (double)B) / (double)(B - 1));
        out[k == np ? np + 1 : k] = sqrt(var_blocks / (double)B);
    }
}
