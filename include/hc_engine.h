/* hc_engine.h: running scenarios and the raw results a backend hands back (host only).
 *
 * A backend fills, per scenario, world and step, the world's sums over its firms
 * (hc_sum_id, double, added in firm order), and per scenario, whole year and firm the
 * firm's change in % (float). Everything downstream (bands, tables, reports) reads only
 * this structure, so every backend is interchangeable and compared on it. */
#ifndef HC_ENGINE_H
#define HC_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "hc_config.h"

typedef struct {
    int n_scenarios;
    int64_t world_begin;     /* the first world held here: a process or device may hold a slice */
    int64_t worlds;          /* worlds held: world_begin .. world_begin + worlds - 1 */
    int64_t firms;           /* per world */
    int n_steps;             /* T: steps are 0..T */
    int steps_per_year;
    int years;
    double *sums;            /* [scenario][world][step 0..T][HC_N_SUMS] */
    float *firm_change;      /* [scenario][year 0..years][world * firms + firm], % */
    int64_t *shrinking;      /* [scenario][year 0..years]: firms below their step-0 headcount */
    double simulate_seconds; /* wall time of the simulation proper */
    int threads;             /* threads the backend used */
    int ranks;               /* MPI ranks that shared the worlds (src/mpi_run.c); 0: one process */
    const char *backend;     /* "cpu", "cuda" */
    /* Worlds finished so far, all scenarios together: a backend adds to it atomically
     * (__atomic_fetch_add) as worlds complete, for the progress bar (hc_progress.h) to
     * read while it runs. Counting only; no result depends on it. */
    int64_t worlds_done;
    /* Input, set by the caller after hc_results_alloc: the world-input design (hc_design.h)
     * whose rows, indexed by global world id, replace hc_world_sample; NULL: draw them. */
    const struct hc_design_s *design;
} hc_results;

/* Bytes hc_results_alloc would take, to refuse a run up front rather than be killed. */
size_t hc_results_bytes(int n_scenarios, int64_t worlds, int64_t firms, int n_steps, int years);
/* Allocates results for worlds world_begin .. world_begin + worlds - 1. */
int hc_results_alloc(hc_results *r, int n_scenarios, int64_t world_begin, int64_t worlds, int64_t firms,
                     int n_steps, int steps_per_year, int years, hc_error *err);
void hc_results_free(hc_results *r);

/* w is the index within this slice (0 .. worlds - 1); the world's id is world_begin + w. */
static inline double *hc_results_sums(const hc_results *r, int s, int64_t w, int t)
{
    return r->sums + ((((size_t)s * (size_t)r->worlds + (size_t)w) * (size_t)(r->n_steps + 1) +
                       (size_t)t) * HC_N_SUMS);
}

static inline float *hc_results_firm_change(const hc_results *r, int s, int year)
{
    return r->firm_change +
           ((size_t)s * (size_t)(r->years + 1) + (size_t)year) * (size_t)r->worlds * (size_t)r->firms;
}

/* Set from a signal handler; backends stop at the next world and return HC_EXIT_INTERRUPTED. */
extern volatile sig_atomic_t hc_interrupted;

/* CPU backend (OpenMP over worlds): fills the worlds of res's slice; results are
 * bit-identical for any thread count and any slicing. threads <= 0: OpenMP's default.
 * Returns 0, or non-zero with err filled. */
int hc_run_cpu(const hc_config *cfg, int n_scenarios, int threads, hc_results *res, hc_error *err);

#endif
