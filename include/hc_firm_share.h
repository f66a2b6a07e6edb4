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
 * be estimated (fewer than 2 firms or 2 worlds, or no spread across worlds). */
double hc_firm_sampling_share(const hc_results *r, int s, int year);
#endif
