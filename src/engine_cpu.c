/* engine_cpu.c: the CPU backend. OpenMP threads take whole worlds; inside a world the
 * firms run in index order, so every sum is added in the same order whatever the
 * thread count or schedule, and results are bit-identical for any --threads.
 * The model itself lives in include/hc_model.h, shared with kernels/. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "hc_design.h"
#include "hc_engine.h"

volatile sig_atomic_t hc_interrupted = 0;

size_t hc_results_bytes(int n_scenarios, int64_t worlds, int64_t firms, int n_steps, int years)
{
    /* In double, saturating at SIZE_MAX: worlds x firms x years can overflow 64 bits. */
    const double S = (double)n_scenarios, W = (double)worlds, F = (double)firms;
    const double bytes = S * W * (double)(n_steps + 1) * HC_N_SUMS * sizeof(double) +
                         S * (double)(years + 1) * W * F * sizeof(float) + S * (double)(years + 1) * sizeof(int64_t);
    return bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}

int hc_results_alloc(hc_results *r, int n_scenarios, int64_t world_begin, int64_t worlds, int64_t firms,
                     int n_steps, int steps_per_year, int years, hc_error *err)
{
    const size_t S = (size_t)n_scenarios, W = (size_t)worlds, F = (size_t)firms;
    memset(r, 0, sizeof(*r));
    if (hc_results_bytes(n_scenarios, worlds, firms, n_steps, years) == SIZE_MAX) /* the counts below would wrap */
        return hc_fail(err, "out of memory: the results of %d scenario(s) x %lld worlds x %lld firms do not fit in "
                       "an address space; lower --worlds or --firms", n_scenarios, (long long)worlds, (long long)firms);
    r->n_scenarios = n_scenarios;
    r->world_begin = world_begin;
    r->worlds = worlds;
    r->firms = firms;
    r->n_steps = n_steps;
    r->steps_per_year = steps_per_year;
    r->years = years;
    r->sums = (double *)calloc(S * W * (size_t)(n_steps + 1) * HC_N_SUMS, sizeof(double));
    r->firm_change = (float *)calloc(S * (size_t)(years + 1) * W * F, sizeof(float));
    r->shrinking = (int64_t *)calloc(S * (size_t)(years + 1), sizeof(int64_t));
    if (!r->sums || !r->firm_change || !r->shrinking) {
        const size_t need = hc_results_bytes(n_scenarios, worlds, firms, n_steps, years);
        hc_results_free(r);
        return hc_fail(err, "out of memory: the results of %d scenario(s) x %lld worlds x %lld firms "
                       "need %.1f MiB; lower --worlds or --firms",
                       n_scenarios, (long long)worlds, (long long)firms, (double)need / 1048576.0);
    }
    return 0;
}

void hc_results_free(hc_results *r)
{
    free(r->sums);
    free(r->firm_change);
    free(r->shrinking);
    r->sums = NULL;
    r->firm_change = NULL;
    r->shrinking = NULL;
}

/* World w of res's slice (id world_begin + w) of one scenario: its macro path, then
 * every firm through every step. */
static void run_world(const hc_model *m, int s, int64_t w, hc_results *res,
                      hc_world_step *steps, float *Kw)
{
    const uint32_t world_id = (uint32_t)(res->world_begin + w);
    const int T = m->n_steps, S = m->steps_per_year, R = m->n_roles;
    const int64_t F = res->firms;
    double *sums = hc_results_sums(res, s, w, 0);
    hc_world_inputs wi;
    uint32_t draw_id = world_id; /* whose counters draw the price path and the firms */
    int64_t f;

    if (res->design) /* inputs chosen up front (hc_design.h): LHS, correlations, Sobol */
        hc_design_world(res->design, s, world_id, &wi, &draw_id);
    else
        hc_world_sample(m, world_id, &wi);
    hc_world_path(m, draw_id, &wi, steps, Kw);
    memset(sums, 0, (size_t)(T + 1) * HC_N_SUMS * sizeof(double));
    for (f = 0; f < F; f++) {
        hc_firm firm;
        int t;
        hc_firm_sample(m, draw_id, (uint32_t)f, &wi, &firm);
        for (t = 0; t <= T; t++) {
            hc_firm_out out;
            hc_firm_step(m, &steps[t], Kw + (size_t)t * (size_t)R, t, &firm, &out);
            hc_firm_accumulate(sums + (size_t)t * HC_N_SUMS, &out);
            if (t % S == 0) {
                const int year = t / S;
                hc_results_firm_change(res, s, year)[w * F + f] = hc_firm_change_pct(&firm, out.H);
                if (out.H < firm.H_start) {
#pragma omp atomic
                    res->shrinking[(size_t)s * (size_t)(res->years + 1) + (size_t)year]++;
                }
            }
        }
    }
}

int hc_run_cpu(const hc_config *cfg, int n_scenarios, int threads, hc_results *res, hc_error *err)
{
    const double t0 = omp_get_wtime();
    int s, n_threads;
    if (threads > 0) omp_set_num_threads(threads);
    n_threads = omp_get_max_threads();
    res->threads = n_threads;
    res->backend = "cpu";
    for (s = 0; s < n_scenarios && !hc_interrupted; s++) {
        const hc_model *m = &cfg[s].model;
        const size_t path_len = (size_t)(m->n_steps + 1);
        /* Scratch for one world path per thread, indexed by thread: it holds only
         * intermediate values, so which thread takes which world cannot matter. */
        hc_world_step *steps = (hc_world_step *)malloc((size_t)n_threads * path_len * sizeof(hc_world_step));
        float *Kw = (float *)malloc((size_t)n_threads * path_len * (size_t)m->n_roles * sizeof(float));
        int64_t w;
        if (!steps || !Kw) {
            free(steps);
            free(Kw);
            return hc_fail(err, "out of memory for %d world paths of %d steps", n_threads, m->n_steps + 1);
        }
#pragma omp parallel for schedule(dynamic, 1)
        for (w = 0; w < res->worlds; w++) {
            const size_t tid = (size_t)omp_get_thread_num();
            if (hc_interrupted) continue;
            run_world(m, s, w, res, steps + tid * path_len, Kw + tid * path_len * (size_t)m->n_roles);
            __atomic_fetch_add(&res->worlds_done, 1, __ATOMIC_RELAXED); /* progress bar only */
        }
        free(steps);
        free(Kw);
    }
    res->simulate_seconds = omp_get_wtime() - t0;
    if (hc_interrupted) return hc_fail(err, "interrupted");
    return 0;
}
