/* results.c: the raw results' allocation and the interruption flag. See hc_results.h.
 * Owns: hc_results' buffers and hc_interrupted. Calls: nothing but the C library. */
#include <stdlib.h>
#include <string.h>
#include "hc_results.h"

volatile sig_atomic_t hc_interrupted = 0;

size_t hc_results_bytes(int n_scenarios, int64_t worlds, int64_t firms, int n_steps, int years, int roles)
{
    /* In double, saturating at SIZE_MAX: worlds x firms x years can overflow 64 bits. */
    const double S = (double)n_scenarios, W = (double)worlds, F = (double)firms;
    const double bytes = S * W * (double)(n_steps + 1) * (double)hc_sums_width(roles) * sizeof(double) +
                         S * (double)(years + 1) * W * F * sizeof(float) + S * (double)(years + 1) * sizeof(int64_t);
    return bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}

int hc_results_alloc(hc_results *r, int n_scenarios, int64_t world_begin, int64_t worlds, int64_t firms, int n_steps,
                     int steps_per_year, int years, int roles, hc_error *err)
{
    const size_t S = (size_t)n_scenarios, W = (size_t)worlds, F = (size_t)firms;
    memset(r, 0, sizeof(*r));
    if (hc_results_bytes(n_scenarios, worlds, firms, n_steps, years, roles) ==
        SIZE_MAX) /* the counts below would wrap */
        return hc_fail(err,
                       "out of memory: the results of %d scenario(s) x %lld worlds x %lld firms do not fit in "
                       "an address space; lower --worlds or --firms",
                       n_scenarios, (long long)worlds, (long long)firms);
    r->n_scenarios = n_scenarios;
    r->slots = n_scenarios;
    r->world_begin = world_begin;
    r->worlds = worlds;
    r->firms = firms;
    r->n_steps = n_steps;
    r->steps_per_year = steps_per_year;
    r->years = years;
    r->roles = roles;
    r->n_sums = hc_sums_width(roles);
    r->sums = (double *)calloc(S * W * (size_t)(n_steps + 1) * (size_t)r->n_sums, sizeof(double));
    r->firm_change = (float *)calloc(S * (size_t)(years + 1) * W * F, sizeof(float));
    r->shrinking = (int64_t *)calloc(S * (size_t)(years + 1), sizeof(int64_t));
    if (!r->sums || !r->firm_change || !r->shrinking) {
        const size_t need = hc_results_bytes(n_scenarios, worlds, firms, n_steps, years, roles);
        hc_results_free(r);
        return hc_fail(err,
                       "out of memory: the results of %d scenario(s) x %lld worlds x %lld firms "
                       "need %.1f MiB; lower --worlds or --firms",
                       n_scenarios, (long long)worlds, (long long)firms, (double)need / 1048576.0);
    }
    return 0;
}

void hc_results_drop_backend_stats(hc_results *r)
{
    free(r->firm_stats);
    r->firm_stats = NULL;
    free(r->firm_horizon);
    r->firm_horizon = NULL;
    r->firm_stats_host_why = NULL;
}

int hc_results_alloc_firm_stats(hc_results *r, int np)
{
    const size_t rows = (size_t)r->slots * (size_t)(r->years + 1); /* every scenario a run may hold */
    r->firm_stats_np = np;
    r->firm_stats = (double *)calloc(rows * (size_t)(np + 2), sizeof(double));
    return r->firm_stats == NULL;
}

void hc_results_free(hc_results *r)
{
    free(r->sums);
    free(r->firm_change);
    free(r->shrinking);
    hc_results_drop_backend_stats(r);
    r->sums = NULL;
    r->firm_change = NULL;
    r->shrinking = NULL;
}
