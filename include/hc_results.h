/* hc_results.h: the raw results a backend hands back, and the run's interruption flag
 * (host only; src/engines/results.c).
 *
 * Owns: the hc_results layout, its allocation, and hc_interrupted. May call: nothing but
 * hc_error (hc_config.h). Everything downstream (bands, tables, reports) reads only this
 * structure, so every backend is interchangeable and compared on it.
 *
 * A backend fills, per scenario, world and step, the world's sums over its firms
 * (hc_sum_id, then per role hc_role_sum_id; double, added in firm order), and per scenario, whole year and firm the
 * firm's change in % (float). */
#ifndef HC_RESULTS_H
#define HC_RESULTS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "hc_config.h"

typedef struct {
    int n_scenarios;     /* the run's scenarios, what bands and outputs read: slots 0 .. n_scenarios - 1 */
    int slots;           /* scenario slots held: n_scenarios, and a blend run's hidden components beyond */
    int64_t world_begin; /* the first world held here: a process or device may hold a slice */
    int64_t worlds;      /* worlds held: world_begin .. world_begin + worlds - 1 */
    int64_t firms;       /* per world */
    int n_steps;         /* T: steps are 0..T */
    int steps_per_year;
    int years;
    int roles;          /* role sums per row: the most roles of any scenario slot */
    int n_sums;         /* doubles per row of sums: hc_sums_width(roles) */
    double *sums;       /* [scenario][world][step 0..T][n_sums]: hc_sum_id, then the role sums */
    float *firm_change; /* [scenario][year 0..years][world * firms + firm], % */
    int64_t *shrinking; /* [scenario][year 0..years]: firms below their step-0 headcount */
    /* NULL, or [scenario][year 0..years][firm_stats_np + 2]: the firm changes' percentiles
     * (the first scenario's output.percentiles), mean and sd, computed by the backend (the
     * CUDA backend's device statistics, asked for by hc_sim_options.firm_stats): the same
     * bits as src/analysis/bands.c computes from firm_change, which then holds the horizon
     * year at most (zeros before it). */
    double *firm_stats;
    int firm_stats_np;
    /* NULL, or the horizon year's firm-sampling shares and histogram computed by the backend
     * (the same device statistics; include/hc_firm_share.h): firm_change then holds no year
     * unless the horizon's was asked for (hc_sim_options.firm_changes_at_horizon). */
    struct hc_firm_horizon *firm_horizon;
    /* NULL, or why a backend asked for device statistics left them to the host (a static
     * text: "the worlds are split across GPUs"...): every firm change then crossed back. */
    const char *firm_stats_host_why;
    double simulate_seconds; /* wall time of the simulation proper */
    int threads;             /* threads the backend used */
    int ranks;               /* MPI ranks that shared the worlds (src/engines/mpi_run.c); 0: one process */
    const char *backend;     /* "cpu", "cuda" */
} hc_results;

/* Bytes hc_results_alloc would take, to refuse a run up front rather than be killed. */
size_t hc_results_bytes(int n_scenarios, int64_t worlds, int64_t firms, int n_steps, int years, int roles);
/* Allocates results for worlds world_begin .. world_begin + worlds - 1. */
int hc_results_alloc(hc_results *r, int n_scenarios, int64_t world_begin, int64_t worlds, int64_t firms, int n_steps,
                     int steps_per_year, int years, int roles, hc_error *err);
void hc_results_free(hc_results *r);
/* Frees what a backend may fill beside the firm changes (firm_stats, firm_horizon): before
 * a run of r, after a failed one, and in hc_results_free. */
void hc_results_drop_backend_stats(hc_results *r);
/* Allocates firm_stats, zeroed, for np percentiles (firm_stats_np): where a backend
 * computes the firm statistics itself. 0, or 1 out of memory. */
int hc_results_alloc_firm_stats(hc_results *r, int np);

/* w is the index within this slice (0 .. worlds - 1); the world's id is world_begin + w. */
static inline double *hc_results_sums(const hc_results *r, int s, int64_t w, int t)
{
    return r->sums +
           ((((size_t)s * (size_t)r->worlds + (size_t)w) * (size_t)(r->n_steps + 1) + (size_t)t) * (size_t)r->n_sums);
}

static inline float *hc_results_firm_change(const hc_results *r, int s, int year)
{
    return r->firm_change + ((size_t)s * (size_t)(r->years + 1) + (size_t)year) * (size_t)r->worlds * (size_t)r->firms;
}

/* Set from a signal handler (hc_cli_catch_signals); backends poll it and stop at the next
 * world, and so do the long loops after them (bands), returning HC_EXIT_INTERRUPTED. */
extern volatile sig_atomic_t hc_interrupted;

#endif
