/* hc_design.h: the world-input design (host only): how each world's world-level inputs
 * are chosen when they are not simply drawn world by world (docs/uncertainty.md).
 *
 * Without a design (the default: Monte Carlo, no `correlations`, no --sobol) a backend
 * draws world w's inputs itself with hc_world_sample (include/model/hc_model.h), and nothing
 * here runs. With one, the inputs of every world are computed up front, on the host,
 * from the seed and the configs alone (never from a thread, chunk, rank or device), into
 * a table indexed by the world's global id; the backend copies world w's row instead of
 * drawing it (src/engines/engine_cpu.c run_world). Three things make a design:
 *
 *   --sampling lhs   Latin hypercube: each input's uniform is stratified across the worlds
 *                    of a batch, then mapped through the input's own quantile function;
 *   correlations     rank correlations between world-level inputs (config section), by
 *                    Iman-Conover reordering of the table's columns;
 *   --sobol N        the Saltelli design of matrices A, B and AB_i (N (k + 2) worlds),
 *                    whose rows AB_i differ from A only in input i.
 *
 * Only world-level inputs are designed: a firm's inputs, the price path's noise and the
 * shocks stay drawn by counters, addressed by the world's "draw id", which is its own id
 * except in a Sobol design (there AB_i's row j takes the draws of A's row j, so that the
 * only difference between them is input i). */
#ifndef HC_DESIGN_H
#define HC_DESIGN_H

#include <stdint.h>
#include "hc_config.h"
#include "hc_design_columns.h"

/* A design's columns (HC_DESIGN_COL_TOKENS...) are in hc_design_columns.h. */
#define HC_DESIGN_MAX_SCENARIOS 64
#define HC_DESIGN_MAX_BATCHES 64

/* Counter streams of host-only draws (docs/model.md "Randomness: counter layout"); no
 * other stream uses these numbers. Column c is a design column as above. */
#define HC_STREAM_LHS_PERMUTATION 0x0500u /**< + c: the batch's permutation of strata; ctr.w = first world of the batch */
#define HC_STREAM_LHS_JITTER 0x0600u      /**< + c: a world's place inside its stratum; ctr.w = world */
#define HC_STREAM_SOBOL_BOOTSTRAP 0x0700u /**< Sobol bootstrap resamples; ctr.w = replicate */

typedef enum { HC_SAMPLING_MC = 0, HC_SAMPLING_LHS = 1 } hc_sampling;

/* The run options of docs/uncertainty.md. Zero it first: zero fields mean "off". */
typedef struct {
    hc_sampling sampling;  /* --sampling mc|lhs */
    int sensitivity;       /* --sensitivity: write sensitivity.csv and the tornado charts */
    int64_t sobol_n;       /* --sobol N: base samples of the Saltelli design; 0: none */
    double target_mcse;    /* --target-mcse X: percentage points; 0: none */
    int64_t max_worlds;    /* the most worlds --target-mcse may reach; 0: HC_MCSE_DEFAULT_MAX_WORLDS */
} hc_uncertainty_options;

typedef struct hc_design_s {
    int n_scenarios;
    int n_cols;                            /* columns of a row: HC_N_WORLD_INPUTS + the most roles */
    int n_roles[HC_DESIGN_MAX_SCENARIOS];  /* each scenario's own */
    int64_t worlds;                        /* rows: worlds 0 .. worlds - 1 (global ids) */
    int64_t capacity;                      /* rows allocated */
    double *values;                        /* [world][scenario][n_cols] */
    uint32_t *draws;                       /* [world]: its draw id (Sobol); NULL: every world its own id */
    hc_sampling sampling;
    int correlated;                        /* some scenario has correlations */
    /* Rows are built in batches, each a Latin hypercube (and Iman-Conover reordering) of
     * its own: worlds batch_end[b - 1] .. batch_end[b] - 1. --target-mcse adds batches;
     * a batch never changes once built, so worlds 0 .. W - 1 do not depend on how many
     * more are added later. */
    int n_batches;
    int64_t batch_end[HC_DESIGN_MAX_BATCHES];
    /* Sobol (sobol_n > 0): worlds 0 .. N - 1 are A, N .. 2N - 1 are B, and 2N + i N + j is
     * AB_i row j, which is A's row j with column sobol_col[i] taken from B's row j. */
    int64_t sobol_n;
    int sobol_k;
    int sobol_col[HC_DESIGN_MAX_COLS];
} hc_design;

/* World `world`'s inputs for scenario s, and the id whose counters draw its price path
 * and firms. Called by a backend for each world when a design is present. */
static inline void hc_design_world(const hc_design *d, int s, int64_t world, hc_world_inputs *wi,
                                   uint32_t *draw_id)
{
    const double *row = d->values + ((size_t)world * (size_t)d->n_scenarios + (size_t)s) * (size_t)d->n_cols;
    int i;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) wi->in[i] = 0.0;
    for (i = 0; i < HC_N_WORLD_INPUTS; i++) wi->in[hc_world_input_id(i)] = row[i];
    for (i = 0; i < d->n_roles[s]; i++) wi->tokens[i] = row[HC_DESIGN_COL_TOKENS(i)];
    *draw_id = d->draws ? d->draws[world] : (uint32_t)world;
}

/* Column c's name: the input's config key, or roles.NAME.tokens_per_fte_year. */
void hc_design_col_name(const hc_config *cfg, int c, char *buf, size_t len);
/* Column c's label for people: the input table's `label`, or "Tokens: ROLE". */
void hc_design_col_label(const hc_config *cfg, int c, char *buf, size_t len);

/* Whether these options and configs call for a design (LHS, correlations or Sobol). */
int hc_design_wanted(const hc_config *cfg, int n_scenarios, const hc_uncertainty_options *o);

/* Checks the options against the run and, for --sobol, sets *worlds (the run's shape,
 * hc_shape.h) to the design's N (k + 2); otherwise leaves it. Returns 0, or 1 with err
 * naming the option of a combination that is not supported (a usage error). */
int hc_design_plan(const hc_config *cfg, int n_scenarios, const hc_uncertainty_options *o, int has_blend,
                   int mpi_ranks, int64_t *worlds, hc_error *err);

/* Builds the design of worlds 0 .. worlds - 1 (one batch; Sobol: the whole design).
 * Returns 0, or 1 with err filled (out of memory). */
int hc_design_build(const hc_config *cfg, int n_scenarios, const hc_uncertainty_options *o, int64_t worlds,
                    hc_design *d, hc_error *err);
/* Appends the batch of worlds d->worlds .. new_worlds - 1 (--target-mcse). */
int hc_design_extend(const hc_config *cfg, hc_design *d, int64_t new_worlds, hc_error *err);
void hc_design_free(hc_design *d);

/* World `world`'s designed columns for scenario s: from the design when there is one,
 * else exactly what hc_world_sample draws. row has HC_DESIGN_MAX_COLS entries. */
void hc_design_inputs(const hc_design *d, const hc_config *cfg, int s, int64_t world, double *row);

/* ---- correlations (the config's `correlations` section) */

/* Reorders rows 0 .. n - 1 of the columns cols[0 .. m) of x (n rows of `stride` doubles)
 * so that their rank correlations approach the m x m matrix target (Iman and Conover
 * 1982, with van der Waerden scores taken from the columns' own ranks). Each column keeps
 * its values, only their pairing changes. Returns 0, or 1 when out of memory. */
int hc_iman_conover(double *x, int64_t n, int stride, const int *cols, int m, const double *target);

/* ---- quantile functions, for stratified designs (host only) */

/* Regularized incomplete gamma P(a, x) and beta I_x(a, b), and their inverses (Newton's
 * method, safeguarded by bisection); u in (0, 1). */
double hc_gamma_p(double a, double x);
double hc_beta_i(double a, double b, double x);
double hc_gamma_p_inv(double a, double u);
double hc_beta_i_inv(double a, double b, double u);
/* The value of distribution d at probability u in (0, 1): its quantile function for every
 * kind the samplers draw by inverse CDF (the sampler itself, fed u as its first uniform),
 * the inverses above for gamma, beta and PERT, and for a mixture u picks the component
 * as the sampler does and, rescaled to that component's share, is its quantile. */
double hc_design_quantile(const hc_dist *d, const double *pool, double u);

#endif
