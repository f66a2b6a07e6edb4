/* hc_bands.h: percentile bands across worlds, and firm-level percentiles (host only).
 * Computed from hc_results alone, whichever backend produced them. */
#ifndef HC_BANDS_H
#define HC_BANDS_H

#include "hc_engine.h"

typedef struct {
    const char *name; /* column `metric` of bands.csv */
    const char *unit;
    const char *label; /* for people: summary.md, charts */
} hc_metric_info;

extern const hc_metric_info hc_metric_infos[HC_N_METRICS];
/* The per-role metrics of roles.csv (hc_role_metric_id, model/hc_metrics.h). */
extern const hc_metric_info hc_role_metric_infos[HC_N_ROLE_METRICS];

/* The share of worlds in which a metric is strictly above (sign +1) or below (sign -1)
 * zero, with its Monte Carlo standard error, binomial: sqrt(p (1 - p) / worlds). */
typedef struct {
    double p;    /* in [0, 1] */
    double mcse; /* in the same unit as p */
} hc_share;

/* The shares every run reports at the horizon (summary.md, report.html, the console). */
typedef enum {
    HC_SHARE_AI_RAISES,         /* ai_effect_pct > 0: AI raises employment against the no-AI path */
    HC_SHARE_EMPLOYMENT_FALLS,  /* employment_change_pct < 0 */
    HC_N_SHARES
} hc_share_id;

typedef struct {
    int metric;
    int sign;
    const char *label; /* for people */
} hc_share_info;

extern const hc_share_info hc_share_infos[HC_N_SHARES];

/* The share of the n values with the given sign (strictly), and its standard error. */
hc_share hc_share_of(const double *values, int64_t n, int sign);

typedef struct {
    int n_scenarios;
    int n_steps;          /* T: steps 0..T */
    int years;
    int np;               /* number of percentiles */
    double percentiles[HC_MAX_PERCENTILES];
    /* [scenario][metric][step][np + 2]: the percentiles, then mean and sd across worlds */
    double *world;
    /* [scenario][year 0..years][np + 3]: percentiles, mean, sd across all firms, then
     * the share of firms below their step-0 headcount (in [0, 1]) */
    double *firm;
    /* [scenario][metric][step][np + 2]: the Monte Carlo standard error of each entry of
     * `world` (batch means over blocks of worlds: hc_mcse_row, hc_stats.h) */
    double *mcse;
    /* [scenario][HC_N_SHARES]: hc_share_infos' shares of worlds at the horizon */
    hc_share *shares;
    /* [scenario][role < roles][role metric][step][np + 2]: as `world`, per role (roles.csv);
     * a scenario fills its own roles, cfg[s].model.n_roles */
    int roles;
    double *role;
} hc_bands;

#define HC_BAND_WORLD_COLS(b) ((b)->np + 2)
#define HC_BAND_FIRM_COLS(b) ((b)->np + 3)

static inline double *hc_bands_world(const hc_bands *b, int s, int metric, int t)
{
    return b->world + (((size_t)s * HC_N_METRICS + (size_t)metric) * (size_t)(b->n_steps + 1) +
                       (size_t)t) * (size_t)HC_BAND_WORLD_COLS(b);
}

static inline double *hc_bands_role(const hc_bands *b, int s, int role, int metric, int t)
{
    return b->role + ((((size_t)s * (size_t)b->roles + (size_t)role) * HC_N_ROLE_METRICS + (size_t)metric) *
                          (size_t)(b->n_steps + 1) + (size_t)t) * (size_t)HC_BAND_WORLD_COLS(b);
}

static inline const hc_share *hc_bands_share(const hc_bands *b, int s, int share)
{
    return &b->shares[(size_t)s * HC_N_SHARES + (size_t)share];
}

static inline double *hc_bands_firm(const hc_bands *b, int s, int year)
{
    return b->firm + ((size_t)s * (size_t)(b->years + 1) + (size_t)year) * (size_t)HC_BAND_FIRM_COLS(b);
}

/* Per-world metric values of scenario s at step t (worlds values), from the sums. */
void hc_world_metrics(const hc_results *r, const hc_config *cfg, int s, int t, int metric,
                      double *values);
/* The same for role `role`'s metric (hc_role_metric_id). */
void hc_world_role_metrics(const hc_results *r, const hc_config *cfg, int s, int t, int role, int metric,
                           double *values);

/* Fills b from r. Fails (err filled) if any band is not finite: a table never holds NaN. */
int hc_bands_compute(const hc_results *r, const hc_config *cfg, hc_bands *b, hc_error *err);
void hc_bands_free(hc_bands *b);

#endif
