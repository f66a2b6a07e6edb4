/* firm_share.c: the share of the spread across worlds that comes from sampling firms
 * (include/hc_firm_share.h has the method). Calls nothing but the results' layout. */
#include "hc_firm_share.h"

double hc_firm_sampling_share(const hc_results *r, int s, int year)
{
    const int64_t F = r->firms, n_even = (F + 1) / 2, n_odd = F / 2;
    const float *change = hc_results_firm_change(r, s, year);
    double within = 0.0, sum = 0.0, sum_sq = 0.0, total;
    int64_t w, f;
    if (F < 2 || r->worlds < 2) return -1.0;
    for (w = 0; w < r->worlds; w++) {
        const float *x = change + w * F;
        double even = 0.0, odd = 0.0, mean;
        for (f = 0; f < F; f += 2) even += x[f];
        for (f = 1; f < F; f += 2) odd += x[f];
        mean = (even + odd) / (double)F;
        sum += mean;
        sum_sq += mean * mean;
        even /= (double)n_even;
        odd /= (double)n_odd;
        within += (even - odd) * (even - odd);
    }
    within *= (double)n_even * (double)n_odd / ((double)F * (double)F) / (double)r->worlds;
    sum /= (double)r->worlds;
    total = (sum_sq / (double)r->worlds - sum * sum) * (double)r->worlds / (double)(r->worlds - 1);
    if (!(total > 0.0)) return -1.0;
    return within >= total ? 1.0 : within / total;
}
