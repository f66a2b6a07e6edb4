/* bands.c: bands across worlds per metric and step, firm-level percentiles per year. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hc_bands.h"
#include "hc_stats.h"

const hc_metric_info hc_metric_infos[HC_N_METRICS] = {
    {"employment_change_pct", "%", "Net employment change", "% of starting employment"},
    {"ai_effect_pct", "%", "AI effect on employment (vs no AI)", "% of employment without AI"},
    {"net_jobs", "jobs", "Net employment change", "jobs (scaled to population.employment)"},
    {"ai_net_jobs", "jobs", "AI effect on employment (vs no AI)", "jobs (scaled to population.employment)"},
    {"displaced_pct", "%", "Work automated (of counterfactual headcount)", "% of headcount without AI"},
    {"oversight_pct", "%", "Oversight staff", "% of headcount without AI"},
    {"new_tasks_pct", "%", "Staff in new tasks", "% of headcount without AI"},
    {"specialists_pct", "%", "AI specialists", "% of headcount without AI"},
    {"compute_share_pct", "%", "Compute spend (of wage bill)", "% of the wage bill"},
    {"rolled_back_pct", "%", "Firms rolling adoption back", "% of firms"},
    {"automated_exposed_pct", "%", "Work automated (of exposed work)", "% of exposed work"},
    {"platform_pct", "%", "AI platform teams", "% of headcount without AI"},
    {"budget_capped_pct", "%", "Firms whose budget holds adoption down", "% of firms"},
    {"adoption_pct", "%", "Employment in firms using AI", "% of employment"},
    {"adoption_firms_pct", "%", "Firms using AI", "% of firms"},
    {"output_per_worker_pct", "%", "Output per worker (vs no AI)", "% vs output per worker without AI"},
};

const hc_metric_info hc_role_metric_infos[HC_N_ROLE_METRICS] = {
    {"employment_change_pct", "%", "Employment in the role's own work", "% of the role's starting employment"},
    {"ai_effect_pct", "%", "AI effect on the role's own work (vs no AI)", "% of the role's employment without AI"},
    {"automated_share_pct", "%", "Role's work automated", "% of the role's work"},
};

void hc_world_metrics(const hc_results *r, const hc_config *cfg, int s, int t, int metric,
                      double *values)
{
    int64_t w;
    for (w = 0; w < r->worlds; w++) {
        double m[HC_N_METRICS];
        hc_metrics(hc_results_sums(r, s, w, t), hc_results_sums(r, s, w, 0), cfg[s].employment, m);
        values[w] = m[metric];
    }
}

void hc_world_role_metrics(const hc_results *r, const hc_config *cfg, int s, int t, int role, int metric,
                           double *values)
{
    int64_t w;
    for (w = 0; w < r->worlds; w++) {
        double m[HC_N_ROLE_METRICS];
        hc_role_metrics(hc_results_sums(r, s, w, t), hc_results_sums(r, s, w, 0), role,
                        (double)cfg[s].model.role_share[role], m);
        values[w] = m[metric];
    }
}

static int all_finite(const double *x, int n)
{
    int i;
    for (i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

/* Fills b->mcse (allocating it) from r. 0, or 1 with err. */
static int mcse_bands(const hc_results *r, const hc_config *cfg, hc_bands *b, hc_error *err)
{
    const size_t W = (size_t)r->worlds;
    double *values = (double *)malloc(W * sizeof(double)), *scratch = (double *)malloc(W * sizeof(double));
    int s, metric, t, k;
    free(b->mcse);
    b->mcse = (double *)calloc((size_t)r->n_scenarios * HC_N_METRICS * (size_t)(r->n_steps + 1) *
                                   (size_t)HC_BAND_WORLD_COLS(b), sizeof(double));
    if (!values || !scratch || !b->mcse) {
        free(values);
        free(scratch);
        return hc_fail(err, "out of memory computing the Monte Carlo standard errors");
    }
    for (s = 0; s < r->n_scenarios; s++)
        for (metric = 0; metric < HC_N_METRICS; metric++) {
            if (hc_interrupted) {
                free(values);
                free(scratch);
                return hc_fail(err, "interrupted");
            }
            for (t = 0; t <= r->n_steps; t++) {
                double *row = hc_bands_mcse(b, s, metric, t);
                hc_world_metrics(r, cfg, s, t, metric, values);
                hc_mcse_row(values, r->worlds, b->percentiles, b->np, row, scratch);
                for (k = 0; k < HC_BAND_WORLD_COLS(b); k++)
                    if (!isfinite(row[k])) row[k] = 0.0; /* unreachable for finite bands, which were checked */
            }
        }
    free(values);
    free(scratch);
    return 0;
}

/* One band row across worlds: percentiles, mean and sd of values[0 .. W). 0, or 1 when
 * one of them is not finite. */
static int band_row(double *values, size_t W, const hc_bands *b, double *row)
{
    hc_mean_sd(values, W, &row[b->np], &row[b->np + 1]);
    hc_percentiles_d(values, W, b->percentiles, b->np, row);
    return !all_finite(row, HC_BAND_WORLD_COLS(b));
}

/* b->role, allocated, for every scenario's roles. 0, or 1 with err. */
static int role_bands(const hc_results *r, const hc_config *cfg, hc_bands *b, double *values, hc_error *err)
{
    int s, role, metric, t;
    b->roles = r->roles;
    b->role = (double *)calloc((size_t)r->n_scenarios * (size_t)r->roles * HC_N_ROLE_METRICS *
                                   (size_t)(r->n_steps + 1) * (size_t)HC_BAND_WORLD_COLS(b),
                               sizeof(double));
    if (!b->role && r->roles > 0) return hc_fail(err, "out of memory computing the roles' bands");
    for (s = 0; s < r->n_scenarios; s++)
        for (role = 0; role < cfg[s].model.n_roles && role < r->roles; role++)
            for (metric = 0; metric < HC_N_ROLE_METRICS; metric++) {
                if (hc_interrupted) return hc_fail(err, "interrupted");
                for (t = 0; t <= r->n_steps; t++) {
                    hc_world_role_metrics(r, cfg, s, t, role, metric, values);
                    if (band_row(values, (size_t)r->worlds, b, hc_bands_role(b, s, role, metric, t)))
                        return hc_fail(err, "scenario %s: role %s's %s at step %d is not finite; the config "
                                       "drives the model outside its numeric range (please report it with "
                                       "the config)", cfg[s].name, cfg[s].role_names[role],
                                       hc_role_metric_infos[metric].name, t);
                }
            }
    return 0;
}

/* Each scenario and year's firm row but its share shrinking: the backend's statistics where
 * it computed them (the same bits, hc_results.h), else the percentiles, mean and sd over
 * every firm, the rows in parallel (hc_percentiles_f_each: about 2 s a row on one core at
 * 1e8 firms, 22 rows for two narratives over ten years). 0, or 1 out of memory or
 * interrupted. */
static int firm_rows(const hc_results *r, hc_bands *b)
{
    const int Y1 = r->years + 1, rows = r->n_scenarios * Y1;
    const float **x = NULL;
    double **out = (double **)malloc((size_t)rows * sizeof(*out));
    int failed = !out, i;
    for (i = 0; out && i < rows; i++) out[i] = hc_bands_firm(b, i / Y1, i % Y1);
    if (!failed && r->firm_stats && r->firm_stats_np == b->np) {
        for (i = 0; i < rows; i++)
            memcpy(out[i], r->firm_stats + (size_t)i * (size_t)(b->np + 2), (size_t)(b->np + 2) * sizeof(double));
    } else if (!failed) {
        x = (const float **)malloc((size_t)rows * sizeof(*x));
        for (i = 0; x && i < rows; i++) x[i] = hc_results_firm_change(r, i / Y1, i % Y1);
        failed = !x || hc_percentiles_f_each(x, rows, (size_t)r->worlds * (size_t)r->firms, b->percentiles, b->np,
                                             1, out, &hc_interrupted);
    }
    free(x);
    free(out);
    return failed;
}

int hc_bands_compute(const hc_results *r, const hc_config *cfg, hc_bands *b, hc_error *err)
{
    const size_t W = (size_t)r->worlds, N = (size_t)r->worlds * (size_t)r->firms;
    double *values = NULL;
    int s, metric, t, year;

    memset(b, 0, sizeof(*b));
    b->n_scenarios = r->n_scenarios;
    b->n_steps = r->n_steps;
    b->years = r->years;
    b->np = cfg[0].n_percentiles;
    memcpy(b->percentiles, cfg[0].percentiles, sizeof(double) * (size_t)b->np);
    b->world = (double *)calloc((size_t)r->n_scenarios * HC_N_METRICS * (size_t)(r->n_steps + 1) *
                                    (size_t)HC_BAND_WORLD_COLS(b), sizeof(double));
    b->firm = (double *)calloc((size_t)r->n_scenarios * (size_t)(r->years + 1) * (size_t)HC_BAND_FIRM_COLS(b),
                               sizeof(double));
    values = (double *)malloc(W * sizeof(double));
    if (!b->world || !b->firm || !values) {
        hc_fail(err, "out of memory computing bands");
        goto fail;
    }
    if (firm_rows(r, b)) {
        hc_fail(err, hc_interrupted ? "interrupted" : "out of memory computing the firm-level percentiles");
        goto fail;
    }
    for (s = 0; s < r->n_scenarios; s++) {
        for (metric = 0; metric < HC_N_METRICS; metric++) {
            if (hc_interrupted) { /* Ctrl-C or SIGTERM: stop within a second, even on a huge run */
                hc_fail(err, "interrupted");
                goto fail;
            }
            for (t = 0; t <= r->n_steps; t++) {
                double *row = hc_bands_world(b, s, metric, t);
                hc_world_metrics(r, cfg, s, t, metric, values);
                if (band_row(values, W, b, row)) {
                    hc_fail(err, "scenario %s: %s at step %d is not finite; the config drives the "
                            "model outside its numeric range (please report it with the config)",
                            cfg[s].name, hc_metric_infos[metric].name, t);
                    goto fail;
                }
            }
        }
        for (year = 0; year <= r->years; year++) {
            double *row = hc_bands_firm(b, s, year);
            row[b->np + 2] = (double)r->shrinking[(size_t)s * (size_t)(r->years + 1) + (size_t)year] / (double)N;
            if (!all_finite(row, HC_BAND_FIRM_COLS(b))) {
                hc_fail(err, "scenario %s: the firm-level change in year %d is not finite; the config "
                        "drives the model outside its numeric range (please report it with the config)",
                        cfg[s].name, year);
                goto fail;
            }
        }
    }
    if (role_bands(r, cfg, b, values, err)) goto fail;
    if (mcse_bands(r, cfg, b, err)) goto fail; /* each band's Monte Carlo standard error */
    if (hc_bands_probabilities(b, r, cfg, NULL, 0, err)) goto fail; /* P(metric < 0) at the horizon */
    free(values);
    return 0;
fail:
    free(values);
    hc_bands_free(b);
    return 1;
}

void hc_bands_free(hc_bands *b)
{
    free(b->world);
    free(b->firm);
    free(b->mcse);
    free(b->probs.p);
    free(b->role);
    b->role = NULL;
    b->world = NULL;
    b->firm = NULL;
    b->mcse = NULL;
    b->probs.p = NULL;
}
