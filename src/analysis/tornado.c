/* tornado.c: tornado bars in the metric's own units (hc_sensitivity.h hc_tornado_bar):
 * for each input, the mean of the metric in the worlds where the input is in its top
 * tenth minus the mean where it is in its bottom tenth, the other inputs as drawn, with
 * a Welch standard error; firm-level inputs enter as their mean over the world's firms,
 * drawn again exactly as the run drew them. And the chart (charts/tornado_NAME.svg). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_bands.h"
#include "hc_chart.h"
#include "hc_sensitivity.h"
#include "hc_stats.h"

#define TORNADO_BARS 12
#define Z95 1.959963984540054 /* two-sided 5 %: |effect| > Z95 se is marked significant */

int hc_tornado_effect(const double *x, const double *y, int64_t n, hc_tornado_bar *bar)
{
    hc_keyed *k = (hc_keyed *)malloc((size_t)(n > 0 ? n : 1) * sizeof(hc_keyed));
    const int64_t g = n / 10 > 2 ? n / 10 : 2; /* the worlds in each tenth */
    double sum[2] = {0, 0}, sq[2] = {0, 0}, mean[2];
    int64_t i;
    int h;
    if (!k) return 1;
    bar->lo = bar->hi = bar->effect = bar->se = 0.0;
    if (n < 4) {
        free(k);
        return 0;
    }
    for (i = 0; i < n; i++) {
        k[i].v = x[i];
        k[i].i = i;
    }
    qsort(k, (size_t)n, sizeof(hc_keyed), hc_keyed_cmp); /* ties in world order: the same every run */
    bar->lo = k[g - 1].v;
    bar->hi = k[n - g].v;
    for (h = 0; h < 2; h++) {
        for (i = 0; i < g; i++) sum[h] += y[k[h ? n - g + i : i].i];
        mean[h] = sum[h] / (double)g;
        for (i = 0; i < g; i++) {
            const double dv = y[k[h ? n - g + i : i].i] - mean[h];
            sq[h] += dv * dv;
        }
    }
    bar->effect = mean[1] - mean[0];
    bar->se = sqrt(sq[0] / (double)(g - 1) / (double)g + sq[1] / (double)(g - 1) / (double)g);
    bar->significant = fabs(bar->effect) > Z95 * bar->se;
    free(k);
    return 0;
}

int hc_firm_input_means(const hc_config *cfg, int s, const hc_design *d, int64_t n, int64_t firms, double *out,
                        hc_tornado_bar *bars, int *k)
{
    const hc_model *m = &cfg[s].model;
    int ids[HC_N_SCALAR_INPUTS + HC_MAX_ROLES], i, nk = 0;
    int64_t w;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_level(i) == HC_LEVEL_FIRM &&
            (hc_dist_varies(&m->input[i]) || (i == HC_IN_HEADCOUNT && m->n_size_classes > 0)))
            ids[nk++] = i;
    for (i = 0; i < m->n_roles; i++)
        if (hc_dist_varies(&m->role_wage[i])) ids[nk++] = HC_N_SCALAR_INPUTS + i;
    for (i = 0; i < nk; i++) {
        memset(&bars[i], 0, sizeof(bars[i]));
        bars[i].per_firm = 1;
        if (ids[i] < HC_N_SCALAR_INPUTS) {
            snprintf(bars[i].key, sizeof(bars[i].key), "%s", hc_input_specs[ids[i]].key);
            snprintf(bars[i].label, sizeof(bars[i].label), "%s (firm mean)", hc_input_specs[ids[i]].label);
        } else {
            const char *role = cfg[s].role_names[ids[i] - HC_N_SCALAR_INPUTS];
            snprintf(bars[i].key, sizeof(bars[i].key), "roles.%s.wage", role);
            snprintf(bars[i].label, sizeof(bars[i].label), "Wage: %.30s (firm mean)", role);
        }
    }
    *k = nk;
#pragma omp parallel for schedule(dynamic, 4)
    for (w = 0; w < n; w++) {
        const uint32_t draw = d && d->draws ? d->draws[w] : (uint32_t)w; /* the counters the run drew world w with */
        double sum[HC_N_SCALAR_INPUTS + HC_MAX_ROLES] = {0};
        hc_world_inputs wi;
        int64_t f;
        int j;
        hc_world_sample(m, draw, &wi); /* only for hc_firm_sample's derived constants; the size needs none */
        for (f = 0; f < firms; f++)
            for (j = 0; j < nk; j++) {
                const int id = ids[j];
                double v;
                if (id == HC_IN_HEADCOUNT && m->n_size_classes > 0) { /* a size class's Pareto: the model's own */
                    hc_firm firm;
                    hc_firm_sample(m, draw, (uint32_t)f, &wi, &firm);
                    v = firm.H0;
                } else if (id < HC_N_SCALAR_INPUTS) {
                    v = hc_model_draw(m, &m->input[id], draw, (uint32_t)f + 1u, HC_STREAM_SCALAR_INPUT + (uint32_t)id);
                } else {
                    v = hc_model_draw(m, &m->role_wage[id - HC_N_SCALAR_INPUTS], draw, (uint32_t)f + 1u,
                                      HC_STREAM_ROLE_WAGE + (uint32_t)(id - HC_N_SCALAR_INPUTS));
                }
                sum[j] += v;
            }
        for (j = 0; j < nk; j++) out[(size_t)j * (size_t)n + (size_t)w] = firms > 0 ? sum[j] / (double)firms : 0.0;
    }
    return 0;
}

int hc_tornado_bars(FILE *tf, const hc_config *cfg, int s, int m, const double *metric, int64_t n, const double *raw,
                    const char *const *names, const int *col_of, int n_in, const double *fm,
                    const hc_tornado_bar *fbars, int n_firm, hc_tornado_bar *out)
{
    int i;
    for (i = 0; i < n_in + n_firm; i++) {
        hc_tornado_bar one;
        if (i < n_in) {
            memset(&one, 0, sizeof(one));
            snprintf(one.key, sizeof(one.key), "%s", names[i]);
            hc_design_col_label(&cfg[s], col_of[i], one.label, sizeof(one.label));
        } else {
            one = fbars[i - n_in];
        }
        if (hc_tornado_effect(i < n_in ? raw + (size_t)i * (size_t)n : fm + (size_t)(i - n_in) * (size_t)n, metric, n,
                              &one))
            return 1;
        fprintf(tf, "%s,%s,%s,%s,%.6g,%.6g,%.6f,%.6f,%d\n", cfg[s].name, hc_metric_infos[m].name, one.key,
                one.per_firm ? "firm_mean" : "world", one.lo, one.hi, one.effect, one.se, one.significant);
        if (out) out[i] = one;
    }
    return 0;
}

/* ---- the chart: bars from 0, largest |effect| first, whiskers at +-1.96 se, the
 * significant ones solid and marked with *, the others pale */

int hc_write_tornado_chart(const char *charts_dir, const hc_config *cfg, int s, const hc_tornado_bar *bars, int n,
                           int64_t rows, hc_file_list *files, hc_error *err)
{
    const double x0 = 262, x1 = 606, top = 80, bottom = 366;
    const double mid = 0.5 * (x0 + x1), half = 0.5 * (x1 - x0);
    int order[HC_TORNADO_MAX_INPUTS], shown = n < TORNADO_BARS ? n : TORNADO_BARS, i, j, failed;
    double reach = 0.0, step, v, row_h;
    char stem[200], name[256], tmp[4400], title[256], sub[300], label[64];
    hc_chart_spec spec;
    FILE *f;
    for (i = 0; i < n; i++) order[i] = i;
    for (i = 1; i < n; i++) /* by |effect|, largest first; ties keep input order */
        for (j = i; j > 0 && fabs(bars[order[j]].effect) > fabs(bars[order[j - 1]].effect); j--) {
            const int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (i = 0; i < shown; i++) reach = fmax(reach, fabs(bars[order[i]].effect) + Z95 * bars[order[i]].se);
    if (!(reach > 0.0)) reach = 1.0;
    step = hc_nice_step(reach, 3);
    reach = ceil(reach / step - 1e-9) * step;
    snprintf(stem, sizeof(stem), "tornado_%s", cfg[s].name);
    if (strlen(stem) + 12 >= sizeof(files->name[0])) snprintf(stem, sizeof(stem), "tornado_%d", s + 1);
    snprintf(title, sizeof(title), "What drives net employment change: %s", hc_scenario_label(&cfg[s]));
    snprintf(sub, sizeof(sub),
             "Top tenth minus bottom tenth of each input, %lld worlds; * p < 0.05; tornado.csv has all %d",
             (long long)rows, n);
    memset(&spec, 0, sizeof(spec));
    spec.title = title;
    if (hc_chart_open(charts_dir, stem, name, sizeof(name), tmp, sizeof(tmp), &f, err)) return 1;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 430\" width=\"640\" height=\"430\" "
               "role=\"img\" font-family=\"DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif\">\n<title>");
    hc_put_xml_escaped(f, title);
    fputs("</title>\n<rect x=\"0\" y=\"0\" width=\"640\" height=\"430\" fill=\"#ffffff\"/>\n", f);
    hc_svg_text(f, 14, 27, 19, "start", "#222222", 1, title);
    hc_svg_text(f, 14, 49, 12.5, "start", "#555555", 0, sub);
    for (v = -reach; v <= reach + 1e-9 * step; v += step) {
        const double x = mid + v / reach * half;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.0\"/>\n", x,
                top - 6, x, bottom, fabs(v) < 1e-9 * step ? "#555555" : "#e3e3e3");
        snprintf(label, sizeof(label), "%+g", fabs(v) < 1e-9 * step ? 0.0 : v);
        hc_svg_text(f, x, bottom + 20, 13, "middle", "#4a4a4a", 0, fabs(v) < 1e-9 * step ? "0" : label);
    }
    hc_svg_text(f, mid, bottom + 42, 13.5, "middle", "#222222", 0,
                "Difference in net employment change at the horizon (points)");
    row_h = shown > 0 ? (bottom - top) / shown : 1.0;
    for (i = 0; i < shown; i++) {
        const hc_tornado_bar *b = &bars[order[i]];
        const double y = top + i * row_h, e = b->effect, bx = e < 0.0 ? mid + e / reach * half : mid;
        const double wl = mid + (e - Z95 * b->se) / reach * half, wr = mid + (e + Z95 * b->se) / reach * half;
        char name_cut[64];
        snprintf(name_cut, sizeof(name_cut), "%.60s", b->label);
        if (strlen(name_cut) > 38) memcpy(name_cut + 35, "...", 4);
        hc_svg_text(f, x0 - 8, y + 0.5 * row_h + 4.5, 11.5, "end", "#222222", 0, name_cut);
        fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" fill-opacity=\"%s\"/>\n", bx,
                y + 0.2 * row_h, fabs(e) / reach * half, 0.6 * row_h, hc_chart_colour(s),
                b->significant ? "1" : "0.35");
        fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\" stroke-width=\"1.1\"/>\n",
                wl, y + 0.5 * row_h, wr, y + 0.5 * row_h);
        snprintf(label, sizeof(label), "%+.2f%s", e, b->significant ? "*" : "");
        hc_svg_text(f, e < 0.0 ? fmin(bx, wl) - 4 : fmax(bx + fabs(e) / reach * half, wr) + 4, y + 0.5 * row_h + 4.5,
                    11, e < 0.0 ? "end" : "start", "#4a4a4a", 0, label);
    }
    hc_svg_text(f, 14, 420, 11.5, "start", "#555555", 0,
                "Bars: mean difference, others as drawn; line: 95 % interval; pale: not significant.");
    fputs("</svg>\n", f);
    failed = ferror(f) ? 1 : 0;
    return hc_chart_commit(f, failed, tmp, charts_dir, name, files, err);
}
