/* hc_mcse.h: how precise a run's bands are (host only; docs/uncertainty.md "Monte Carlo
 * standard errors"): `run --target-mcse X`, which adds worlds until the median of each
 * headline metric at the horizon is known to within X, and the manifest's record of it.
 * The Monte Carlo standard error (MCSE) of every entry of bands.csv is computed with the
 * bands (hc_bands_compute), by batch means (hc_mcse_row, hc_stats.h). */
#ifndef HC_MCSE_H
#define HC_MCSE_H

#include "hc_bands.h"
#include "hc_blend.h"
#include "hc_design.h"
#include "hc_run.h"

#define HC_MCSE_DEFAULT_MAX_WORLDS 1000000 /**< --target-mcse stops here unless --max-worlds says otherwise */
#define HC_N_HEADLINE 3

/* The headline metrics (--target-mcse, --sensitivity): employment_change_pct,
 * ai_effect_pct, displaced_pct. */
extern const int hc_headline_metrics[HC_N_HEADLINE];

/* ---- --target-mcse */

typedef struct {
    double target;             /* X, percentage points */
    int64_t initial_worlds;    /* the run's --worlds */
    int64_t max_worlds;        /* the cap */
    int64_t worlds;            /* worlds run in the end */
    int reached;               /* every headline median's MCSE <= X */
    int rounds;                /* batches of worlds added */
    int n_scenarios;
    double worst;              /* the largest of mcse[][] below */
    double mcse[HC_DESIGN_MAX_SCENARIOS][HC_N_HEADLINE]; /* MCSE of each median at the horizon, at the end */
} hc_mcse_target;

/* Adds worlds to res (which holds worlds 0 .. W - 1 of plan p's slots) in batches, world
 * ids continuing, until each headline metric's median at the horizon has MCSE <= the
 * target, or max_worlds is reached. A design, when given (the plan's, extended here), gets a batch of its own for
 * each addition. Prints one line per batch on stderr unless o->quiet. Returns 0 (target
 * reached or not: see t->reached), or non-zero with err filled (out of memory,
 * interrupted, a backend's failure). */
int hc_mcse_run_to_target(const hc_blend_run *run, const hc_plan *p, hc_design *design, const hc_sim_options *o,
                          double target, int64_t max_worlds, hc_results *res, hc_mcse_target *t, hc_error *err);

/* Appends more's worlds (which must start where dst's end) to dst; both hold dst->slots
 * scenario slots. 0, or 1 with err filled (out of memory; dst is then unchanged). */
int hc_results_append(hc_results *dst, const hc_results *more, hc_error *err);

/* manifest.json's "uncertainty": the sampling, the design's batches, the MCSE method and
 * what --target-mcse found (t may be NULL). Caller frees (cJSON_Delete). */
cJSON *hc_uncertainty_manifest(const hc_uncertainty_options *o, const hc_design *d, const hc_mcse_target *t,
                               const hc_config *cfg, int64_t worlds);

#endif
