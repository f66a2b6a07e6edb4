/* hc_firm_share.h: how much of the spread across worlds comes from sampling a finite
 * number of firms per world rather than from the futures (host only;
 * src/analysis/firm_share.c; docs/uncertainty.md "Firms per world").
 *
 * Each world's firms are split into two halves (even and odd firm numbers, drawn
 * independently: the Philox streams are addressed by firm); the difference of the
 * halves' mean firm-level change has expectation 0 and a variance that is the firm
 * sampling variance alone, so n_even * n_odd / F^2 times its mean square estimates the
 * firm sampling variance of the world's mean firm change. Divided by that mean's
 * variance across worlds, it is the share of the spread the firms make. It is measured on
 * the mean firm-level change (firms.csv "mean"), the one per-firm quantity the results
 * keep; the employment-weighted metrics weigh large firms more, so when firm sizes vary
 * their share is usually larger than this estimate: a guide to --firms, not a bound. */
#ifndef HC_FIRM_SHARE_H
#define HC_FIRM_SHARE_H
#include "hc_results.h"

/* Above this share of the variance, the console and summary.md warn. */
#define HC_FIRM_SHARE_WARN 0.25

/* The share in [0, 1] for scenario s at whole year `year` (0 .. years); -1 when it cannot
 * be estimated (fewer than 2 firms or 2 worlds, or no spread across worlds). Each world's
 * two halves are summed in hc_mean_sd_f's tree (hc_tree_sum_f), so that a GPU can add
 * them in parallel to the same bits. */
double hc_firm_sampling_share(const hc_results *r, int s, int year);

/* The same from each world's half sums, halves[2 w] over the even and halves[2 w + 1]
 * over the odd firm numbers: what the CUDA backend computes on the device. */
double hc_firm_share_of_halves(const double *halves, int64_t worlds, int64_t firms);

/* ---- the histogram of the horizon year's firm changes (charts/firm_change_histogram.svg)
 *
 * Every scenario in the same bins: HC_FIRM_HIST_BINS_TARGET bins of a round width
 * (hc_nice_step) over the range from the lowest scenario's HC_FIRM_HIST_P_LO-th percentile
 * to the highest one's HC_FIRM_HIST_P_HI-th; the firms beyond it are counted in the end
 * bins. */
#define HC_FIRM_HIST_P_LO 1.0
#define HC_FIRM_HIST_P_HI 99.0
#define HC_FIRM_HIST_BINS_TARGET 40
#define HC_FIRM_HIST_MAX_BINS 64      /* the target plus the range rounded out to whole bins, and room */
#define HC_FIRM_HIST_MAX_SCENARIOS 16 /* cmd_run's limit, HC_COMPARE_MAX_SCENARIOS */

typedef struct {
    int n_scenarios, n_bins;
    double x0, step; /* bin b holds x0 + b step <= v < x0 + (b + 1) step, as hc_bin_index rounds */
    double x1;       /* the last bin's upper end, as drawn (n_bins is (x1 - x0) / step, rounded) */
    int64_t counts[HC_FIRM_HIST_MAX_SCENARIOS][HC_FIRM_HIST_MAX_BINS];
} hc_firm_histogram;

/* The bins for ranges[s] = {P_LO-th, P_HI-th percentile} of scenarios s = 0 .. S - 1; the
 * counts are left to the caller. */
void hc_firm_histogram_bins(const double (*ranges)[2], int S, hc_firm_histogram *h);

/* What the outputs read of the horizon year's firm changes. The CUDA backend fills
 * res->firm_horizon on the device with the same bits (only these cross to the host);
 * else they come from res->firm_change here. */
struct hc_firm_horizon {
    double share[HC_FIRM_HIST_MAX_SCENARIOS]; /* hc_firm_sampling_share at the horizon */
    hc_firm_histogram histogram;              /* of scenarios 0 .. n_scenarios - 1 */
};

/* The horizon's share for scenario s: the backend's, or computed from firm_change. */
double hc_horizon_firm_share(const hc_results *r, int s);
/* The horizon's histogram of scenarios 0 .. S - 1 into *h; 1 (err) when out of memory. */
int hc_horizon_firm_histogram(const hc_results *r, int S, hc_firm_histogram *h, hc_error *err);
#endif
