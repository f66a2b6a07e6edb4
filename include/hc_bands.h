/* hc_bands.h: percentile bands across worlds, and firm-level percentiles (host only).
 * Computed from hc_results alone, whichever backend produced them. */
#ifndef HC_BANDS_H
#define HC_BANDS_H

#include "hc_engine.h"

typedef struct {
    const char *name; /* column `metric` of bands.csv */
    const char *unit;
    const char *label; /* for people: summary.md, charts */
    const char *base;  /* the unit with what it is a share of, for tables read by people */
} hc_metric_info;

extern const hc_metric_info hc_metric_infos[HC_N_METRICS];
/* The per-role metrics of roles.csv (hc_role_metric_id, model/hc_metrics.h). */
extern const hc_metric_info hc_role_metric_infos[HC_N_ROLE_METRICS];

/* A probability read off the worlds: the share p of the W worlds in which an event holds,
 * and its Monte Carlo standard error, binomial: sqrt(p (1 - p) / W) (0 when no world or
 * every world has it: then read it as "fewer than about 1 in W"). */
typedef struct {
    double p;    /* in [0, 1] */
    double mcse; /* in the same unit as p */
    int64_t n;   /* the worlds it is a share of: at p = 0 or 1 the MCSE is 0, and 3 / n (the
                  * rule of three) bounds the share at 95 % instead */
} hc_share;

/* An event at the horizon: `metric` strictly below `threshold` (in the metric's unit, %),
 * or strictly above it when `above` is set (only "AI raises employment": ai_effect_pct > 0,
 * which model v2 exists to let the growth narrative show; a world where AI changed nothing,
 * ai_effect_pct exactly 0, neither raises nor lowers employment). */
#define HC_MAX_THRESHOLDS 8
#define HC_PROB_METRICS 2 /* employment_change_pct and ai_effect_pct */
#define HC_MAX_EVENTS (HC_PROB_METRICS * (HC_MAX_THRESHOLDS + 1) + 1)
typedef struct {
    int metric;
    double threshold;
    int above;
} hc_event;

/* The probabilities every run reports at the horizon (src/analysis/probability.c): for
 * employment_change_pct and ai_effect_pct, P(metric < 0) (employment falls; AI lowers
 * employment), for ai_effect_pct also P(metric > 0) (AI raises employment), then
 * P(metric < t) for each of `run --threshold`'s t. */
typedef struct {
    int n_events;
    hc_event events[HC_MAX_EVENTS];
    int n_thresholds; /* the user's, as given (0 left out: it is always there) */
    double thresholds[HC_MAX_THRESHOLDS];
    hc_share *p; /* [scenario][n_events] */
} hc_probs;

/* The share of the n values strictly below `threshold` (strictly above it when `above`),
 * and its standard error. */
hc_share hc_share_of(const double *values, int64_t n, double threshold, int above);
/* "-5,-2" -> thresholds (finite numbers, at most HC_MAX_THRESHOLDS, no repeats); 0, or 1
 * with err saying what was expected and what was given. */
int hc_parse_thresholds(const char *s, double *thresholds, int *n, hc_error *err);
/* "employment_change_pct < -5" / "employment falls (employment_change_pct < 0)". */
void hc_event_label(const hc_event *e, char *buf, size_t len);

typedef struct {
    int n_scenarios;
    int n_steps; /* T: steps 0..T */
    int years;
    int np; /* number of percentiles */
    double percentiles[HC_MAX_PERCENTILES];
    /* [scenario][metric][step][np + 2]: the percentiles, then mean and sd across worlds */
    double *world;
    /* [scenario][year 0..years][np + 3]: percentiles, mean, sd across all firms, then
     * the share of firms below their step-0 headcount (in [0, 1]) */
    double *firm;
    /* [scenario][metric][step][np + 2]: the Monte Carlo standard error of each entry of
     * `world` (batch means over blocks of worlds: hc_mcse_row, hc_stats.h) */
    double *mcse;
    /* [scenario][role < roles][role metric][step][np + 2]: as `world`, per role (roles.csv);
     * a scenario fills its own roles, cfg[s].model.n_roles */
    int roles;
    double *role;
    /* P(metric < threshold) at the horizon, with their MCSE (hc_bands_probabilities) */
    hc_probs probs;
    /* Set when the worlds are not independent plain draws (hc_bands_set_design): what the
     * report, summary.md and the console say above the bands; "" for a plain run. */
    char caveat[640];
    int caveat_is_warning; /* 1: the bands themselves are not plain draws (--sobol) */
} hc_bands;

#define HC_BAND_WORLD_COLS(b) ((b)->np + 2)
#define HC_BAND_FIRM_COLS(b) ((b)->np + 3)

static inline double *hc_bands_world(const hc_bands *b, int s, int metric, int t)
{
    return b->world + (((size_t)s * HC_N_METRICS + (size_t)metric) * (size_t)(b->n_steps + 1) + (size_t)t) *
                          (size_t)HC_BAND_WORLD_COLS(b);
}

static inline double *hc_bands_role(const hc_bands *b, int s, int role, int metric, int t)
{
    return b->role + ((((size_t)s * (size_t)b->roles + (size_t)role) * HC_N_ROLE_METRICS + (size_t)metric) *
                          (size_t)(b->n_steps + 1) +
                      (size_t)t) *
                         (size_t)HC_BAND_WORLD_COLS(b);
}

/* The Monte Carlo standard errors of hc_bands_world's row, entry for entry. */
static inline double *hc_bands_mcse(const hc_bands *b, int s, int metric, int t)
{
    return b->mcse + (((size_t)s * HC_N_METRICS + (size_t)metric) * (size_t)(b->n_steps + 1) + (size_t)t) *
                         (size_t)HC_BAND_WORLD_COLS(b);
}

static inline const hc_share *hc_bands_prob(const hc_bands *b, int s, int event)
{
    return &b->probs.p[(size_t)s * (size_t)b->probs.n_events + (size_t)event];
}

static inline double *hc_bands_firm(const hc_bands *b, int s, int year)
{
    return b->firm + ((size_t)s * (size_t)(b->years + 1) + (size_t)year) * (size_t)HC_BAND_FIRM_COLS(b);
}

/* Per-world metric values of scenario s at step t (worlds values), from the sums. */
void hc_world_metrics(const hc_results *r, const hc_config *cfg, int s, int t, int metric, double *values);
/* The same for role `role`'s metric (hc_role_metric_id). */
void hc_world_role_metrics(const hc_results *r, const hc_config *cfg, int s, int t, int role, int metric,
                           double *values);

/* Fills b from r, with the probabilities at threshold 0 only. Fails (err filled) if any
 * band is not finite: a table never holds NaN. */
int hc_bands_compute(const hc_results *r, const hc_config *cfg, hc_bands *b, hc_error *err);
/* b->probs again, at 0 and each of the n thresholds (`run --threshold`). 0, or 1 with err. */
int hc_bands_probabilities(hc_bands *b, const hc_results *r, const hc_config *cfg, const double *thresholds, int n,
                           hc_error *err);
void hc_bands_free(hc_bands *b);

/* b->caveat from the run's world-input design d (NULL: plain independent draws, no
 * caveat): a Sobol design's worlds repeat their rows' inputs, so its bands are not those of
 * plain draws (a warning); a Latin hypercube's bands are, and only their MCSE is
 * conservative (a note); correlations are the inputs' own joint law (a note). */
struct hc_design_s;
void hc_bands_set_design(hc_bands *b, const struct hc_design_s *d);

#endif
