/* firm_share.c: what the outputs read of the horizon year's firm changes: the share of the
 * spread across worlds that comes from sampling firms (include/hc_firm_share.h has the
 * method) and the histogram of firm changes. Calls nothing but the results' layout and the
 * sums and steps of hc_stats.h, which the CUDA backend's device statistics share. */
#include "hc_firm_share.h"
#include <stdlib.h>
#include <string.h>
#include "hc_stats.h"

/* The share's three sums over worlds, from each world's half sums. */
typedef struct {
    double within, sum, sum_sq;
} share_sums;

static void share_add(share_sums *a, double even, double odd, int64_t firms)
{
    const double mean = (even + odd) / (double)firms;
    const double d = even / (double)((firms + 1) / 2) - odd / (double)(firms / 2);
    a->sum += mean;
    a->sum_sq += mean * mean;
    a->within += d * d;
}

static double share_of(const share_sums *a, int64_t worlds, int64_t firms)
{
    const double n_even = (double)((firms + 1) / 2), n_odd = (double)(firms / 2), W = (double)worlds;
    const double within = a->within * (n_even * n_odd / ((double)firms * (double)firms) / W);
    const double mean = a->sum / W, total = (a->sum_sq / W - mean * mean) * W / (W - 1.0);
    if (!(total > 0.0)) return -1.0;
    return within >= total ? 1.0 : within / total;
}

double hc_firm_share_of_halves(const double *halves, int64_t worlds, int64_t firms)
{
    share_sums a = {0.0, 0.0, 0.0};
    int64_t w;
    if (firms < 2 || worlds < 2) return -1.0;
    for (w = 0; w < worlds; w++) share_add(&a, halves[2 * w], halves[2 * w + 1], firms);
    return share_of(&a, worlds, firms);
}

double hc_firm_sampling_share(const hc_results *r, int s, int year)
{
    const int64_t F = r->firms;
    const float *change = hc_results_firm_change(r, s, year);
    share_sums a = {0.0, 0.0, 0.0};
    int64_t w;
    if (F < 2 || r->worlds < 2) return -1.0;
    for (w = 0; w < r->worlds; w++) {
        const float *x = change + w * F;
        share_add(&a, hc_tree_sum_f(x, (size_t)(F + 1) / 2, 2), hc_tree_sum_f(x + 1, (size_t)F / 2, 2), F);
    }
    return share_of(&a, r->worlds, F);
}

void hc_firm_histogram_bins(const double (*ranges)[2], int S, hc_firm_histogram *h)
{
    double lo = INFINITY, hi = -INFINITY;
    int s;
    memset(h, 0, sizeof(*h));
    h->n_scenarios = S;
    for (s = 0; s < S; s++) {
        if (ranges[s][0] < lo) lo = ranges[s][0];
        if (ranges[s][1] > hi) hi = ranges[s][1];
    }
    if (!(hi > lo)) {
        lo -= 1.0;
        hi += 1.0;
    }
    h->step = hc_nice_step(hi - lo, HC_FIRM_HIST_BINS_TARGET);
    h->x0 = floor(lo / h->step + 1e-9) * h->step;
    h->x1 = ceil(hi / h->step - 1e-9) * h->step;
    if (!(h->x1 > h->x0)) h->x1 = h->x0 + h->step;
    h->n_bins = (int)floor((h->x1 - h->x0) / h->step + 0.5);
    if (h->n_bins > HC_FIRM_HIST_MAX_BINS) { /* not reached: 42 at most */
        h->n_bins = HC_FIRM_HIST_MAX_BINS;
        h->x1 = h->x0 + h->n_bins * h->step;
    }
}

double hc_horizon_firm_share(const hc_results *r, int s)
{
    if (r->firm_horizon) /* the backend's; its firm changes may not be there (it holds <= 16 scenarios) */
        return s < HC_FIRM_HIST_MAX_SCENARIOS ? r->firm_horizon->share[s] : -1.0;
    return hc_firm_sampling_share(r, s, r->years);
}

int hc_horizon_firm_histogram(const hc_results *r, int S, hc_firm_histogram *h, hc_error *err)
{
    const size_t N = (size_t)r->worlds * (size_t)r->firms;
    const double p[2] = {HC_FIRM_HIST_P_LO, HC_FIRM_HIST_P_HI};
    double ranges[HC_FIRM_HIST_MAX_SCENARIOS][2];
    const float *horizon[HC_FIRM_HIST_MAX_SCENARIOS];
    double *range_of[HC_FIRM_HIST_MAX_SCENARIOS];
    int s;
    if (S < 1 || S > HC_FIRM_HIST_MAX_SCENARIOS)
        return hc_fail(err, "internal error: a histogram of %d scenarios (1 to %d)", S, HC_FIRM_HIST_MAX_SCENARIOS);
    if (r->firm_horizon) { /* the backend's; its firm changes may not be there */
        if (r->firm_horizon->histogram.n_scenarios != S)
            return hc_fail(err, "internal error: the backend's firm histogram has %d scenarios, the run %d",
                           r->firm_horizon->histogram.n_scenarios, S);
        *h = r->firm_horizon->histogram;
        return 0;
    }
    /* Each scenario's range is a selection over every firm (about 2 s at 1e8 firms), the
     * scenarios in parallel; each count is added up per thread, in integers: neither
     * depends on the number of threads. */
    for (s = 0; s < S; s++) {
        horizon[s] = hc_results_firm_change(r, s, r->years);
        range_of[s] = ranges[s];
    }
    if (hc_percentiles_f_each(horizon, S, N, p, 2, 0, range_of, NULL))
        return hc_fail(err, "out of memory drawing the firm histogram");
    hc_firm_histogram_bins((const double(*)[2])ranges, S, h);
    for (s = 0; s < S; s++) {
        const float *v = hc_results_firm_change(r, s, r->years);
        int64_t *counts = h->counts[s];
#pragma omp parallel
        {
            int64_t mine[HC_FIRM_HIST_MAX_BINS] = {0};
            int b;
#pragma omp for schedule(static)
            for (size_t i = 0; i < N; i++) {
                const double bin = hc_bin_index(v[i], h->x0, h->step);
                mine[bin < 0.0 ? 0 : bin >= (double)h->n_bins ? h->n_bins - 1 : (int)bin]++;
            }
#pragma omp critical(hc_firm_histogram_counts)
            for (b = 0; b < h->n_bins; b++) counts[b] += mine[b];
        }
    }
    return 0;
}
