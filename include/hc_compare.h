/* hc_compare.h: per-world metric values and the paired differences between scenarios
 * (host only). src/analysis/compare.c implements it; docs/comparison.md explains it.
 *
 * Scenarios of one run share their seed and their worlds (common random numbers), so
 * world w of one scenario and world w of another saw the same draws for every input
 * they share. The paired difference (scenario minus baseline, world by world) removes
 * the noise both share, and is far tighter than the difference of two independent runs.
 *
 * The per-world values are what `headcount compare DIR` needs, so `run` always stores
 * them in the out folder as worlds.f64 (raw little-endian float64, shape in
 * manifest.json "worlds_file"); `compare` reads them back and gets the same bits. */
#ifndef HC_COMPARE_H
#define HC_COMPARE_H

#include <stdint.h>
#include "hc_bands.h"

#define HC_COMPARE_MAX_SCENARIOS 16 /**< scenarios of one run (cmd_run's limit) */
#define HC_WORLDS_FILE "worlds.f64"

/* Every metric of every world at every step, for every scenario. */
typedef struct {
    int n_scenarios;
    int n_steps;    /* T: steps 0..T */
    int64_t worlds;
    double *v;      /* [scenario][metric][step 0..T][world] */
} hc_world_values;

static inline double *hc_world_values_at(const hc_world_values *wv, int s, int metric, int t)
{
    return wv->v + (((size_t)s * HC_N_METRICS + (size_t)metric) * (size_t)(wv->n_steps + 1) + (size_t)t) *
                       (size_t)wv->worlds;
}

/* From a backend's sums (hc_world_metrics, the same values bands.csv is made of). */
int hc_world_values_from_results(const hc_results *r, const hc_config *cfg, hc_world_values *wv,
                                 hc_error *err);
/* DIR/worlds.f64: the values as little-endian float64 in the order of `v`. */
int hc_world_values_write(const char *dir, const hc_world_values *wv, hc_error *err);
/* Reads `path`, whose metrics are listed in `metric_names` in the file's order (a file
 * may list them in another order, or more of them; a missing one is an error). */
int hc_world_values_read(const char *path, int n_scenarios, int n_steps, int64_t worlds,
                         const char *const *metric_names, int n_file_metrics, hc_world_values *wv,
                         hc_error *err);
void hc_world_values_free(hc_world_values *wv);
/* manifest.json "worlds_file": name, dtype, axes, shape and metric names of worlds.f64
 * for results r, so numpy reads it with np.fromfile(...).reshape(shape). */
cJSON *hc_worlds_file_manifest(const hc_results *r);

/* Paired differences of every scenario against the baseline. */
typedef struct {
    int n_scenarios; /* of the run; the baseline's own rows are zero and never written */
    int baseline;
    int n_steps;
    int start_year;
    int steps_per_year;
    int64_t worlds;
    int np;
    double percentiles[HC_MAX_PERCENTILES];
    char names[HC_COMPARE_MAX_SCENARIOS][128];
    /* [scenario][metric][step][np + 3]: percentiles of the difference across worlds,
     * then mean, sd (n - 1) and the share of worlds where the scenario is
     * strictly above the baseline (in [0, 1]; compare.csv above_pct, in %). */
    double *rows;
} hc_compare;

#define HC_COMPARE_COLS(c) ((c)->np + 3)

static inline double *hc_compare_row(const hc_compare *c, int s, int metric, int t)
{
    return c->rows + (((size_t)s * HC_N_METRICS + (size_t)metric) * (size_t)(c->n_steps + 1) + (size_t)t) *
                         (size_t)HC_COMPARE_COLS(c);
}

/* Computes the paired differences. `names` has wv->n_scenarios entries. With a single
 * scenario c->rows is NULL and nothing is compared (not an error). Fails if a
 * difference is not finite: no table ever holds NaN or Inf. */
int hc_compare_compute(const hc_world_values *wv, int baseline, const char *const *names,
                       int start_year, int steps_per_year, const double *percentiles, int np,
                       hc_compare *c, hc_error *err);
void hc_compare_free(hc_compare *c);

/* Number of comparisons (scenarios other than the baseline) that c holds. */
static inline int hc_compare_pairs(const hc_compare *c) { return c->rows ? c->n_scenarios - 1 : 0; }

/* ---- where things separate: the first step from which a condition holds at every later
 * step through the horizon (so "from then on"), or -1 when it does not hold at the
 * horizon. */

/* The paired difference's band [col lo, col hi] excludes 0. */
int hc_compare_excludes_zero_from(const hc_compare *c, int s, int metric, int lo, int hi);
/* The two scenarios' own bands [col lo, col hi] (bands.csv) do not overlap. */
int hc_bands_separate_from(const hc_bands *b, int s, int base, int metric, int lo, int hi);

/* Columns of the headline numbers given output.percentiles: the median (50) or else
 * the mean, and the outer band (first and last percentile) and the inner band (second
 * and second to last; -1 when there are fewer than four percentiles). */
typedef struct {
    int mid, lo, hi, inner_lo, inner_hi;
    int mid_is_median;
} hc_band_cols;
void hc_band_cols_pick(const double *percentiles, int np, hc_band_cols *bc);

#endif
