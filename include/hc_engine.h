/* hc_engine.h: a plan, the backend that runs it, and the CPU backend (host only).
 *
 * The simulation line runs one way: the command builds a plan (the scenarios' models and
 * the world-input design), src/engines/simulate.c picks a backend, src/engines/mpi_run.c splits the
 * worlds across ranks when there are several, and the backend fills the results
 * (hc_results.h) for the worlds they hold. Nothing on the line calls back up it. */
#ifndef HC_ENGINE_H
#define HC_ENGINE_H

#include <stdint.h>
#include "hc_config.h"
#include "hc_results.h"

struct hc_design_s;

/* What to simulate: models[s] into scenario slot s of the results, for the plan's
 * worlds; the run's shape (years, steps, firms) is the results'. */
typedef struct {
    const hc_config *models;           /* [n_models] */
    int n_models;                      /* <= the results' n_scenarios */
    /* The world-input design (hc_design.h) whose rows, indexed by global world id,
     * replace hc_world_sample; NULL: draw them. */
    const struct hc_design_s *design;
    /* The plan's worlds, world_begin .. world_begin + worlds - 1: what src/engines/mpi_run.c
     * splits across ranks. A backend fills the worlds the results hold (all of these, or
     * a rank's block of them) and reads no other. */
    int64_t world_begin, worlds;
    /* Worlds finished so far, all scenarios together; NULL: not counted. A backend adds
     * to it atomically (__atomic_fetch_add) as worlds complete, for the progress bar
     * (hc_progress.h) to read while it runs. Counting only; no result depends on it. */
    int64_t *worlds_done;
} hc_plan;

/* A plan of models[0 .. n - 1] for the worlds res holds, drawing the world inputs,
 * uncounted. */
static inline hc_plan hc_plan_of(const hc_config *models, int n, const hc_results *res)
{
    hc_plan p;
    p.models = models;
    p.n_models = n;
    p.design = 0;
    p.world_begin = res->world_begin;
    p.worlds = res->worlds;
    p.worlds_done = 0;
    return p;
}

/* A backend, as src/engines/simulate.c chose it: run fills the worlds of res for plan p; ctx is
 * the backend's own options. Returns 0, or non-zero with err filled. */
typedef struct hc_backend_s {
    int (*run)(const struct hc_backend_s *b, const hc_plan *p, hc_results *res, hc_error *err);
    const void *ctx;
} hc_backend;

/* CPU backend (OpenMP over worlds): fills the worlds of res's slice; results are
 * bit-identical for any thread count and any slicing. threads <= 0: OpenMP's default.
 * Returns 0, or non-zero with err filled. */
int hc_run_cpu(const hc_plan *p, int threads, hc_results *res, hc_error *err);

#endif
