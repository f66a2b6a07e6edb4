/* hc_sensitivity.h: which world-level inputs drive a run's headline results (host only;
 * docs/uncertainty.md "Sensitivity").
 *
 * `run --sensitivity` writes sensitivity.csv, `scenario,metric,input,spearman,srrc,
 * srrc_r2`, one row per headline metric at the horizon (hc_mcse.h) and world-level input
 * that varies in the scenario: the Spearman rank correlation between the input and the
 * metric across worlds, and the standardised rank regression coefficient (SRRC) of the
 * input in the linear regression of the metric's ranks on every input's ranks, with that
 * regression's R^2 (SRRCs rank inputs well only when it is high, i.e. the model is close
 * to monotone). `--sobol N` adds `sobol_first, sobol_first_lo, sobol_first_hi,
 * sobol_total, sobol_total_lo, sobol_total_hi`: Sobol first-order (Saltelli 2010) and
 * total (Jansen 1999) indices from the Saltelli design (hc_design.h), with 95 % bootstrap
 * intervals. A tornado chart per scenario (charts/tornado_NAME.svg) shows the Spearman
 * correlations with employment_change_pct, and report.html inlines it. */
#ifndef HC_SENSITIVITY_H
#define HC_SENSITIVITY_H

#include <stdio.h>
#include "hc_design.h"
#include "hc_engine.h"
#include "hc_outdir.h"

#define HC_SOBOL_BOOTSTRAP 500 /**< bootstrap replicates of the Sobol intervals */

/* Ranks 1 .. n of x[0 .. n), ties sharing their average rank. */
int hc_ranks(const double *x, int64_t n, double *rank);
/* Pearson correlation of x and y (0 when either is constant), sums in index order. */
double hc_pearson(const double *x, const double *y, int64_t n);
/* Standardised coefficients beta[0 .. k) of the least-squares regression of y on the
 * columns x[j][0 .. n), and its R^2 (0s when y is constant or n < 3). Collinear columns
 * get a small ridge rather than a failure. 0, or 1 when out of memory. */
int hc_standardised_regression(const double *const *x, int k, const double *y, int64_t n, double *beta,
                               double *r2);

typedef struct {
    double first, first_lo, first_hi; /* first-order index S_i and its 95 % bootstrap interval */
    double total, total_lo, total_hi; /* total index ST_i and its interval */
} hc_sobol_index;

/* Sobol indices of k inputs from the model's values on Saltelli's design: fA[j], fB[j]
 * and fAB[i * n + j] (A's row j with input i from B's row j), j < n. Estimators: S_i =
 * mean(fB (fAB_i - fA)) / V (Saltelli et al. 2010, with fB centred on the mean), ST_i =
 * mean((fA - fAB_i)^2) / (2 V) (Jansen 1999), V the variance of fA and fB together.
 * Intervals: the 2.5th and 97.5th percentiles over n_boot resamples of the rows j, drawn
 * from the Philox stream HC_STREAM_SOBOL_BOOTSTRAP of `seed`. 0, or 1 out of memory. */
int hc_sobol_indices(const double *fA, const double *fB, const double *fAB, int64_t n, int k, uint64_t seed,
                     int n_boot, hc_sobol_index *out);

/* sensitivity.csv and the tornado charts of a run into dir (files added to `files`). The
 * inputs of each world come from the design d, or are drawn again exactly as the run drew
 * them (d NULL). With a Sobol design the Spearman and SRRC columns use its A and B rows. */
int hc_write_sensitivity(const char *dir, const hc_results *r, const hc_config *cfg, const hc_design *d,
                         hc_file_list *files, hc_error *err);

/* ---- tornado bars in the metric's units (src/analysis/tornado.c) */

#define HC_TORNADO_MAX_INPUTS (HC_DESIGN_MAX_COLS + HC_N_SCALAR_INPUTS + HC_MAX_ROLES)

typedef struct {
    char key[128];   /* the config key: sensitivity.csv's `input`, or roles.NAME.wage */
    char label[96];  /* for people: the input table's label */
    int per_firm;    /* a firm-level input, as the mean of the world's firms' draws */
    double lo, hi;   /* the input's values bounding its bottom and top tenths (about p10 and p90) */
    double effect;   /* mean of the metric in the top tenth minus in the bottom tenth, metric units */
    double se;       /* Welch standard error of `effect` */
    int significant; /* |effect| > 1.96 se */
} hc_tornado_bar;

/* bar's lo, hi, effect, se and significant for input x and metric y over n rows (tenths
 * of at least 2 rows; n < 4: all 0). 0, or 1 out of memory. */
int hc_tornado_effect(const double *x, const double *y, int64_t n, hc_tornado_bar *bar);
/* The firm-level inputs that vary in scenario s (and role wages): their key and label in
 * bars[0 .. *k), and in out[j * n + w] the mean of input j over the `firms` firms of
 * world w (drawn with the counters the run used: d's draw ids, or w), w < n. */
int hc_firm_input_means(const hc_config *cfg, int s, const hc_design *d, int64_t n, int64_t firms, double *out,
                        hc_tornado_bar *bars, int *k);
/* The bars of scenario s for metric m over rows 0 .. n: the world-level inputs first
 * (values raw[k * n ..], config keys names[k], design columns col_of[k], k < n_in), then
 * the firm-level ones (fm and fbars of hc_firm_input_means); a line of tornado.csv each
 * into tf, and the bars into out (NULL: not kept). 0, or 1 out of memory. */
int hc_tornado_bars(FILE *tf, const hc_config *cfg, int s, int m, const double *metric, int64_t n, const double *raw,
                    const char *const *names, const int *col_of, int n_in, const double *fm,
                    const hc_tornado_bar *fbars, int n_firm, hc_tornado_bar *out);
/* charts/tornado_NAME.svg of scenario s: the 12 largest |effect| of bars[0 .. n). */
int hc_write_tornado_chart(const char *charts_dir, const hc_config *cfg, int s, const hc_tornado_bar *bars, int n,
                           int64_t rows, hc_file_list *files, hc_error *err);

#endif
