/* exceedance.c: how sure, as files: probabilities.csv (P(metric < threshold), or
 * P(metric > threshold) where direction is "above", at the horizon, per scenario, in %,
 * with its binomial MCSE: hc_bands' probs) and the exceedance
 * charts, one per metric of hc_probs with every scenario on it (blends included): the
 * share of worlds below each value at the horizon, the thresholds marked. */
#include <stdlib.h>
#include <string.h>
#include "hc_chart.h"
#include "hc_export.h"

#define CURVE_POINTS 400 /* at most this many steps of a curve are drawn: more worlds are sampled evenly */

typedef struct {
    const hc_bands *b;
    const hc_config *cfg;
} prob_ctx;

static void prob_row(const void *ctx, long long i, hc_cell *cells)
{
    const prob_ctx *pc = (const prob_ctx *)ctx;
    const int n = pc->b->probs.n_events, s = (int)(i / n), e = (int)(i % n);
    const hc_share *sh = hc_bands_prob(pc->b, s, e);
    cells[0].kind = HC_CELL_STR;
    cells[0].s = pc->cfg[s].name;
    cells[1].kind = HC_CELL_STR;
    cells[1].s = hc_metric_infos[pc->b->probs.events[e].metric].name;
    cells[2].kind = HC_CELL_INT;
    cells[2].i = pc->cfg[0].start_year + pc->cfg[0].years;
    cells[3].kind = HC_CELL_STR;
    cells[3].s = pc->b->probs.events[e].above ? "above" : "below";
    cells[4].kind = HC_CELL_NUM;
    cells[4].x = pc->b->probs.events[e].threshold;
    cells[5].kind = HC_CELL_NUM;
    cells[5].x = 100.0 * sh->p;
    cells[6].kind = HC_CELL_NUM;
    cells[6].x = 100.0 * sh->mcse;
}

static int double_cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The empirical distribution of n values as a step curve of at most CURVE_POINTS steps:
 * (x, 100 * share of values <= x). x and y hold 2 * CURVE_POINTS + 2 entries; returns the
 * number of points. values is sorted in place. */
static int curve_points(double *values, int64_t n, double *x, double *y)
{
    const int64_t steps = n < CURVE_POINTS ? n : CURVE_POINTS;
    int64_t k;
    int m = 0;
    qsort(values, (size_t)n, sizeof(double), double_cmp);
    for (k = 0; k < steps; k++) {
        /* the k-th of `steps` evenly spaced order statistics, the last one the maximum */
        const int64_t i = steps == n ? k : (k + 1) * n / steps - 1;
        const double before = steps == n ? (double)i / (double)n : (double)(k * n / steps) / (double)n;
        x[m] = values[i];
        y[m++] = 100.0 * before;
        x[m] = values[i];
        y[m++] = 100.0 * (double)(i + 1) / (double)n;
    }
    return m;
}

static int write_curve_chart(const char *charts_dir, int metric, const hc_bands *b, const hc_world_values *wv,
                             const hc_config *cfg, hc_file_list *files, hc_error *err)
{
    const int S = b->n_scenarios;
    const int64_t W = wv->worlds;
    double *values = (double *)malloc((size_t)(W > 0 ? W : 1) * sizeof(double));
    double *pts = (double *)malloc((size_t)S * 2 * (2 * CURVE_POINTS + 2) * sizeof(double));
    hc_line_series series[HC_COMPARE_MAX_SCENARIOS];
    double marks[HC_MAX_THRESHOLDS + 1];
    char stem[96], name[128], tmp[4400], title[256], sub[256], xl[160];
    hc_chart_spec spec;
    int s, k, n_marks = 0, failed;
    FILE *f;
    if (!values || !pts) {
        free(values);
        free(pts);
        return hc_fail(err, "out of memory drawing the exceedance charts");
    }
    for (s = 0; s < S && s < HC_COMPARE_MAX_SCENARIOS; s++) {
        double *x = pts + (size_t)s * 2 * (2 * CURVE_POINTS + 2), *y = x + 2 * CURVE_POINTS + 2;
        memcpy(values, hc_world_values_at(wv, s, metric, wv->n_steps), (size_t)W * sizeof(double));
        series[s].name = hc_scenario_label(&cfg[s]);
        series[s].colour = s;
        series[s].n = curve_points(values, W, x, y);
        series[s].x = x;
        series[s].y = y;
    }
    free(values);
    marks[n_marks++] = 0.0;
    for (k = 0; k < b->probs.n_thresholds; k++) marks[n_marks++] = b->probs.thresholds[k];
    snprintf(stem, sizeof(stem), "exceedance_%s", hc_metric_infos[metric].name);
    snprintf(title, sizeof(title), "How likely: share of futures below each value, %d",
             cfg[0].start_year + cfg[0].years);
    snprintf(sub, sizeof(sub), "%s, across %lld possible futures; dashed: 0 and --threshold",
             hc_metric_infos[metric].label, (long long)W);
    snprintf(xl, sizeof(xl), "%s at the horizon (%s)", hc_metric_infos[metric].name, hc_metric_infos[metric].unit);
    memset(&spec, 0, sizeof(spec));
    spec.title = title;
    spec.subtitle = sub;
    spec.y_label = "Share of futures at or below x (%)";
    spec.x_label = xl;
    spec.mid_label = "Read up from x: the chance the outcome is no higher than x.";
    if (hc_chart_open(charts_dir, stem, name, sizeof(name), tmp, sizeof(tmp), &f, err)) {
        free(pts);
        return 1;
    }
    failed = hc_svg_line_chart(f, &spec, 0.0, 100.0, series,
                               S < HC_COMPARE_MAX_SCENARIOS ? S : HC_COMPARE_MAX_SCENARIOS, marks, n_marks);
    free(pts);
    return hc_chart_commit(f, failed, tmp, charts_dir, name, files, err);
}

int hc_write_exceedance(const char *dir, const hc_bands *b, const hc_world_values *wv, const hc_config *cfg,
                        unsigned formats, hc_file_list *files, hc_error *err)
{
    static const char *const cols[] = {"scenario",  "metric",          "year",    "direction",
                                       "threshold", "probability_pct", "mcse_pct"};
    char charts_dir[4200];
    prob_ctx pc;
    hc_table t;
    int k, m;
    pc.b = b;
    pc.cfg = cfg;
    memset(&t, 0, sizeof(t));
    t.stem = "probabilities";
    t.title = "Probabilities at the horizon: probability_pct is the share of worlds (in %) with metric below "
              "(or above) the threshold";
    for (k = 0; k < (int)(sizeof(cols) / sizeof(cols[0])); k++)
        snprintf(t.cols[t.n_cols++], sizeof(t.cols[0]), "%s", cols[k]);
    t.n_rows = (long long)b->n_scenarios * b->probs.n_events;
    t.row = prob_row;
    t.ctx = &pc;
    if (hc_table_write_formats(dir, &t, formats | HC_FORMAT_CSV, files, err)) return 1;
    snprintf(charts_dir, sizeof(charts_dir), "%s/charts", dir);
    for (m = 0; m < b->probs.n_events; m++)
        if (b->probs.events[m].threshold == 0.0 && !b->probs.events[m].above &&
            write_curve_chart(charts_dir, b->probs.events[m].metric, b, wv, cfg, files, err))
            return 1;
    return 0;
}
