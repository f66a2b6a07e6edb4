/* hc_stats.h: percentiles with numpy's default (method="linear", Hyndman-Fan type 7),
 * mean and standard deviation (host only).
 *
 * Bit-exact with numpy 1.24 given the same input precision: the difference b - a is
 * taken in the input's precision (float for float data), then interpolated in double
 * (see docs/model.md "Bands"). tests/unit_stats.c checks it against numpy itself. */
#ifndef HC_STATS_H
#define HC_STATS_H

#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "model/hc_defs.h"

/* Percentiles p[0..np) (each in [0, 100]) of x[0..n), n >= 1, written to out[0..np).
 * Reorders x in place (selection, O(n) per distinct percentile, no full sort). */
void hc_percentiles_d(double *x, size_t n, const double *p, int np, double *out); /* np <= 64 */
void hc_percentiles_f(float *x, size_t n, const double *p, int np, double *out);
/* The k-th smallest of x[0..n) (k < n), by the same selection; reorders x. */
float hc_select_f(float *x, size_t n, size_t k);
/* hc_percentiles_f of each of `tasks` arrays of n floats (x[k], left as they are) into
 * out[k][0 .. np), and with `moments` their mean and sd (hc_mean_sd_f) into out[k][np] and
 * out[k][np + 1]. The arrays are a year's firm changes, up to 1e9 values, so the tasks run
 * in parallel, each thread selecting in its own scratch copy: as many threads as copies
 * fit in half the memory the system has free (at most the OpenMP maximum, at least 1).
 * Every task's bits are the same at any thread count. 0; or 1 when a copy could not be
 * allocated or *stop became non-zero (Ctrl-C), out then partly written. */
int hc_percentiles_f_each(const float *const *x, int tasks, size_t n, const double *p, int np, int moments,
                          double *const *out, const volatile sig_atomic_t *stop);

/* Mean, and the sample standard deviation (n - 1 in the denominator; 0 when n = 1),
 * summed in index order. */
void hc_mean_sd(const double *x, size_t n, double *mean, double *sd);

/* The same of float data (a year's firm changes, up to 1e9 and more), in double, each of
 * its two sums added in a fixed tree so that a GPU adds them in parallel to the same bits
 * (kernels/firm_stats.cu): while more than HC_MEAN_FANOUT values are left, each run of
 * HC_MEAN_FANOUT consecutive ones (the last shorter) is added in order, from 0.0, into one
 * value of the next level; the last <= HC_MEAN_FANOUT are added in order. Up to
 * HC_MEAN_FANOUT values, that is index order. */
#define HC_MEAN_FANOUT 64
void hc_mean_sd_f(const float *x, size_t n, double *mean, double *sd);
/* The sum, in double and in that tree, of x[0], x[stride], ... x[(n - 1) * stride]. */
double hc_tree_sum_f(const float *x, size_t n, size_t stride);

/* A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into at most about
 * `target` pieces: axis ticks, histogram bins. */
double hc_nice_step(double span, double target);

/* The bin of v among bins of width `step` from x0, before clamping to the bins there are:
 * floor((v - x0) / step), in double. It never decreases as v grows, so a sorted array's
 * count below bin k is a binary search (the device's way, kernels/firm_stats.cu) and equals
 * the per-value count (src/analysis/firm_share.c). */
HC_HD double hc_bin_index(float v, double x0, double step)
{
    return floor(((double)v - x0) / step);
}

/* A value with its index, for qsort with ties broken by index: the same order on every
 * machine and every qsort implementation (ranks, Iman-Conover reordering). */
typedef struct {
    double v;
    int64_t i;
} hc_keyed;

int hc_keyed_cmp(const void *a, const void *b);

/* Cholesky factorisation in place: the lower triangle of the m x m symmetric matrix a
 * becomes L with L L^T = a (the strict upper triangle is left as it was). Returns 1 if a
 * pivot is not above min_pivot (a is not positive definite enough). */
int hc_cholesky_in_place(double *a, int m, double min_pivot);

/* Monte Carlo standard errors (docs/uncertainty.md "Monte Carlo standard errors"), for
 * every entry of bands.csv (src/analysis/bands.c) and --target-mcse (src/analysis/mcse.c).
 *
 * Method: batch means. The W worlds are cut into B = floor(sqrt(W)) blocks of consecutive
 * world ids (block b holds worlds b W / B .. (b + 1) W / B - 1); each block's statistic
 * (a percentile, or the sd) is computed as the bands compute it, and the MCSE of the
 * statistic over all W worlds is the standard deviation of the block values over
 * sqrt(B): a percentile's variance falls as 1/n, so the whole's is a block's over B. The
 * mean's MCSE is sd / sqrt(W), exact for independent worlds. Blocks are fixed by world
 * id and nothing is random, so the MCSE is as reproducible as the bands; a bootstrap
 * would cost R passes of every percentile and need its own random stream. */

/* Blocks of the batch means for n worlds: floor(sqrt(n)), or 0 below 4 worlds (no MCSE
 * can be estimated; every MCSE is then written as 0). */
int64_t hc_mcse_blocks(int64_t n);

/* MCSE of the percentiles p[0 .. np) (numpy's linear interpolation, as the bands), of
 * the mean and of the sd of x[0 .. n) in world order, into out[0 .. np + 2). x is not
 * changed; scratch holds n doubles. */
void hc_mcse_row(const double *x, int64_t n, const double *p, int np, double *out, double *scratch);

#endif
