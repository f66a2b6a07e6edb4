/* sensitivity.c: Spearman correlations, standardised rank regression coefficients and
 * Sobol indices of the world-level inputs (hc_sensitivity.h, docs/uncertainty.md), and
 * the tornado charts. The inputs come from the design or are drawn again by the model's
 * own hc_world_sample; the outputs from the run's per-world sums. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "hc_bands.h"
#include "hc_chart.h"
#include "hc_mcse.h"
#include "hc_sensitivity.h"
#include "hc_stats.h"

/* ---- ranks, correlation, regression */

int hc_ranks(const double *x, int64_t n, double *rank)
{
    hc_keyed *k = (hc_keyed *)malloc((size_t)(n > 0 ? n : 1) * sizeof(hc_keyed));
    int64_t i, j;
    if (!k) return 1;
    for (i = 0; i < n; i++) {
        k[i].v = x[i];
        k[i].i = i;
    }
    qsort(k, (size_t)n, sizeof(hc_keyed), hc_keyed_cmp);
    for (i = 0; i < n; i = j) {
        double avg;
        for (j = i + 1; j < n && k[j].v == k[i].v; j++) {
        }
        avg = 0.5 * (double)(i + j - 1) + 1.0; /* ranks i + 1 .. j share their mean */
        for (; i < j; i++) rank[k[i].i] = avg;
    }
    free(k);
    return 0;
}

double hc_pearson(const double *x, const double *y, int64_t n)
{
    double mx = 0.0, my = 0.0, sxy = 0.0, sxx = 0.0, syy = 0.0;
    int64_t i;
    if (n < 2) return 0.0;
    for (i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    for (i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (!(sxx > 0.0) || !(syy > 0.0)) return 0.0;
    return fmax(-1.0, fmin(1.0, sxy / sqrt(sxx * syy)));
}

/* Solves a x = b for the k x k symmetric positive definite a (Cholesky, in place); 1 if
 * a pivot is not positive. */
static int solve_spd(double *a, int k, const double *b, double *x)
{
    int i, m;
    if (hc_cholesky_in_place(a, k, 1e-13)) return 1;
    for (i = 0; i < k; i++) { /* L y = b */
        double s = b[i];
        for (m = 0; m < i; m++) s -= a[i * k + m] * x[m];
        x[i] = s / a[i * k + i];
    }
    for (i = k - 1; i >= 0; i--) { /* L^T x = y */
        double s = x[i];
        for (m = i + 1; m < k; m++) s -= a[m * k + i] * x[m];
        x[i] = s / a[i * k + i];
    }
    return 0;
}

int hc_standardised_regression(const double *const *x, int k, const double *y, int64_t n, double *beta, double *r2)
{
    double *rxx = (double *)malloc(sizeof(double) * (size_t)k * (size_t)k);
    double *a = (double *)malloc(sizeof(double) * (size_t)k * (size_t)k);
    double *rxy = (double *)malloc(sizeof(double) * (size_t)(k > 0 ? k : 1));
    double ridge = 0.0;
    int i, j;
    if (!rxx || !a || !rxy) {
        free(rxx);
        free(a);
        free(rxy);
        return 1;
    }
    for (i = 0; i < k; i++) beta[i] = 0.0;
    *r2 = 0.0;
    if (n >= 3 && k > 0) {
        int constant_y = 1;
        for (i = 1; i < n && constant_y; i++) constant_y = y[i] == y[0];
        if (!constant_y) {
            /* Standardised regression: the normal equations in correlation form,
             * Rxx beta = rxy. A constant column has zero correlations and a unit diagonal,
             * so its coefficient is 0. */
            for (i = 0; i < k; i++) {
                rxy[i] = hc_pearson(x[i], y, n);
                for (j = 0; j <= i; j++) rxx[i * k + j] = rxx[j * k + i] = i == j ? 1.0 : hc_pearson(x[i], x[j], n);
            }
            for (;;) { /* collinear inputs: the least ridge that makes the system solvable */
                memcpy(a, rxx, sizeof(double) * (size_t)k * (size_t)k);
                for (i = 0; i < k; i++) a[i * k + i] += ridge;
                if (solve_spd(a, k, rxy, beta) == 0 || ridge >= 1.0) break;
                ridge = ridge == 0.0 ? 1e-10 : ridge * 10.0;
            }
            for (i = 0; i < k; i++) *r2 += beta[i] * rxy[i];
            *r2 = fmax(0.0, fmin(1.0, *r2));
        }
    }
    free(rxx);
    free(a);
    free(rxy);
    return 0;
}

/* ---- Sobol indices */

/* S_i and ST_i for rows idx[0 .. n) (a resample, or NULL for 0 .. n - 1). */
static void sobol_estimate(const double *fA, const double *fB, const double *fAB, int64_t n, int k, const int64_t *idx,
                           double *first, double *total)
{
    double f0 = 0.0, v = 0.0;
    int64_t r;
    int i;
    for (r = 0; r < n; r++) {
        const int64_t j = idx ? idx[r] : r;
        f0 += fA[j] + fB[j];
    }
    f0 /= 2.0 * (double)n;
    for (r = 0; r < n; r++) {
        const int64_t j = idx ? idx[r] : r;
        v += (fA[j] - f0) * (fA[j] - f0) + (fB[j] - f0) * (fB[j] - f0);
    }
    v /= 2.0 * (double)n - 1.0;
    for (i = 0; i < k; i++) {
        const double *fi = fAB + (size_t)i * (size_t)n;
        double s1 = 0.0, st = 0.0;
        for (r = 0; r < n; r++) {
            const int64_t j = idx ? idx[r] : r;
            s1 += (fB[j] - f0) * (fi[j] - fA[j]);
            st += (fA[j] - fi[j]) * (fA[j] - fi[j]);
        }
        first[i] = v > 0.0 ? s1 / (double)n / v : 0.0;
        total[i] = v > 0.0 ? st / (2.0 * (double)n) / v : 0.0;
    }
}

int hc_sobol_indices(const double *fA, const double *fB, const double *fAB, int64_t n, int k, uint64_t seed, int n_boot,
                     hc_sobol_index *out)
{
    static const double interval[2] = {2.5, 97.5};
    double *first = (double *)malloc(sizeof(double) * (size_t)k), *total = (double *)malloc(sizeof(double) * (size_t)k);
    double *boot_first = (double *)malloc(sizeof(double) * (size_t)k * (size_t)(n_boot > 0 ? n_boot : 1));
    double *boot_total = (double *)malloc(sizeof(double) * (size_t)k * (size_t)(n_boot > 0 ? n_boot : 1));
    double *column = (double *)malloc(sizeof(double) * (size_t)(n_boot > 0 ? n_boot : 1));
    int64_t *idx = (int64_t *)malloc(sizeof(int64_t) * (size_t)(n > 0 ? n : 1));
    int b, i, rc = 1;
    int64_t r;
    if (!first || !total || !boot_first || !boot_total || !column || !idx) goto done;
    sobol_estimate(fA, fB, fAB, n, k, NULL, first, total);
    for (b = 0; b < n_boot; b++) {
        hc_rng rng;
        hc_rng_init(&rng, seed, (uint32_t)b, 0u, HC_STREAM_SOBOL_BOOTSTRAP, 0u);
        for (r = 0; r < n; r++) idx[r] = (int64_t)(((uint64_t)hc_rng_next_u32(&rng) * (uint64_t)n) >> 32);
        sobol_estimate(fA, fB, fAB, n, k, idx, boot_first + (size_t)b * (size_t)k, boot_total + (size_t)b * (size_t)k);
    }
    for (i = 0; i < k; i++) {
        double q[2];
        out[i].first = first[i];
        out[i].total = total[i];
        out[i].first_lo = out[i].first_hi = first[i];
        out[i].total_lo = out[i].total_hi = total[i];
        if (n_boot < 2) continue;
        for (b = 0; b < n_boot; b++) column[b] = boot_first[(size_t)b * (size_t)k + (size_t)i];
        hc_percentiles_d(column, (size_t)n_boot, interval, 2, q);
        out[i].first_lo = q[0];
        out[i].first_hi = q[1];
        for (b = 0; b < n_boot; b++) column[b] = boot_total[(size_t)b * (size_t)k + (size_t)i];
        hc_percentiles_d(column, (size_t)n_boot, interval, 2, q);
        out[i].total_lo = q[0];
        out[i].total_hi = q[1];
    }
    rc = 0;
done:
    free(first);
    free(total);
    free(boot_first);
    free(boot_total);
    free(column);
    free(idx);
    return rc;
}

/* ---- Sobol indices by year (--sobol): sobol_years.csv and a chart per scenario */

#define SOBOL_YEAR_LINES 6 /* inputs drawn in the chart: the largest total indices at the horizon */

/* Scenario s's total index of every input at each whole year for employment_change_pct,
 * as lines: the inputs with the largest indices at the horizon. */
static int sobol_years_chart(const char *charts, const hc_config *cfg, int s, const char *const *labels, int n_in,
                             int years, const double *total, hc_file_list *files, hc_error *err)
{
    hc_line_series series[SOBOL_YEAR_LINES];
    double x[HC_MAX_STEPS + 1];
    int order[HC_DESIGN_MAX_COLS], i, j, shown = n_in < SOBOL_YEAR_LINES ? n_in : SOBOL_YEAR_LINES, failed;
    char stem[200], name[256], tmp[4400], title[256];
    hc_chart_spec spec;
    FILE *f;
    for (i = 0; i < n_in; i++) order[i] = i;
    for (i = 1; i < n_in; i++) /* by the total index at the horizon, largest first */
        for (j = i; j > 0 && total[(size_t)order[j] * (size_t)years + (size_t)(years - 1)] >
                                 total[(size_t)order[j - 1] * (size_t)years + (size_t)(years - 1)];
             j--) {
            const int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (i = 0; i < years; i++) x[i] = (double)(cfg[s].start_year + i + 1);
    for (i = 0; i < shown; i++) {
        series[i].name = labels[order[i]];
        series[i].colour = i;
        series[i].n = years;
        series[i].x = x;
        series[i].y = total + (size_t)order[i] * (size_t)years;
    }
    snprintf(stem, sizeof(stem), "sobol_years_%s", cfg[s].name);
    if (strlen(stem) + 12 >= sizeof(files->name[0])) snprintf(stem, sizeof(stem), "sobol_years_%d", s + 1);
    snprintf(title, sizeof(title), "Which inputs drive net employment change, by year: %s", hc_scenario_label(&cfg[s]));
    memset(&spec, 0, sizeof(spec));
    spec.title = title;
    spec.subtitle = "Sobol total index of the inputs largest at the horizon (sobol_years.csv has every one)";
    spec.y_label = "Sobol total index";
    spec.x_label = "Year";
    if (hc_chart_open(charts, stem, name, sizeof(name), tmp, sizeof(tmp), &f, err)) return 1;
    failed = shown < 1 || hc_svg_line_chart(f, &spec, 0.0, 1.0, series, shown, NULL, 0);
    return hc_chart_commit(f, failed, tmp, charts, name, files, err);
}

/* sobol_years.csv: the Sobol indices of each headline metric at every whole year, so that
 * what drives the uncertainty early can be told from what drives it at the horizon. */
static int write_sobol_years(const char *dir, const hc_results *r, const hc_config *cfg, const hc_design *d,
                             hc_file_list *files, hc_error *err)
{
    const int64_t N = d->sobol_n, W = r->worlds;
    const int years = r->years, S = r->steps_per_year;
    double *metric = (double *)malloc(sizeof(double) * (size_t)W);
    double *total = (double *)malloc(sizeof(double) * (size_t)HC_DESIGN_MAX_COLS * (size_t)(years > 0 ? years : 1));
    char tmp[4200], charts[4200];
    FILE *f = NULL;
    int s, k, y, i, j, rc = 1;
    snprintf(charts, sizeof(charts), "%s/charts", dir);
    if (!metric || !total) {
        hc_fail(err, "out of memory computing the Sobol indices by year");
        goto done;
    }
    f = hc_output_open(dir, "sobol_years.csv", tmp, sizeof(tmp), err);
    if (!f) goto done;
    fputs("scenario,metric,year,input,sobol_first,sobol_first_lo,sobol_first_hi,sobol_total,sobol_total_lo,"
          "sobol_total_hi\n",
          f);
    for (s = 0; s < r->n_scenarios; s++) {
        char name_buf[HC_DESIGN_MAX_COLS][128], label_buf[HC_DESIGN_MAX_COLS][64];
        const char *labels[HC_DESIGN_MAX_COLS];
        int col_of[HC_DESIGN_MAX_COLS], n_in = 0;
        for (i = 0; i < d->sobol_k; i++) {
            if (!hc_design_col_varies(&cfg[s], d->sobol_col[i])) continue;
            col_of[n_in] = i;
            hc_design_col_name(&cfg[s], d->sobol_col[i], name_buf[n_in], sizeof(name_buf[0]));
            hc_design_col_label(&cfg[s], d->sobol_col[i], label_buf[n_in], sizeof(label_buf[0]));
            labels[n_in] = label_buf[n_in];
            n_in++;
        }
        for (k = 0; k < HC_N_HEADLINE; k++) {
            const int m = hc_headline_metrics[k];
            for (y = 1; y <= years; y++) {
                hc_sobol_index all[HC_DESIGN_MAX_COLS];
                hc_world_metrics(r, cfg, s, y * S, m, metric);
                if (hc_sobol_indices(metric, metric + N, metric + 2 * N, N, d->sobol_k, cfg[0].seed, HC_SOBOL_BOOTSTRAP,
                                     all)) {
                    hc_fail(err, "out of memory computing the Sobol indices by year");
                    goto done;
                }
                for (j = 0; j < n_in; j++) {
                    const hc_sobol_index *ix = &all[col_of[j]];
                    fprintf(f, "%s,%s,%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", cfg[s].name, hc_metric_infos[m].name,
                            cfg[s].start_year + y, name_buf[j], ix->first, ix->first_lo, ix->first_hi, ix->total,
                            ix->total_lo, ix->total_hi);
                    if (m == HC_M_EMPLOYMENT_CHANGE) total[(size_t)j * (size_t)years + (size_t)(y - 1)] = ix->total;
                }
            }
        }
        if (years > 0 && sobol_years_chart(charts, cfg, s, labels, n_in, years, total, files, err)) goto done;
    }
    rc = hc_output_commit(f, tmp, dir, "sobol_years.csv", err);
    f = NULL;
    if (!rc) hc_file_list_add(files, "sobol_years.csv");
done:
    if (f) {
        fclose(f);
        remove(tmp);
    }
    free(metric);
    free(total);
    return rc;
}

/* ---- sensitivity.csv */

int hc_write_sensitivity(const char *dir, const hc_results *r, const hc_config *cfg, const hc_design *d,
                         hc_file_list *files, hc_error *err)
{
    const int sobol = d && d->sobol_n > 0;
    const int64_t W = r->worlds, n = sobol ? 2 * d->sobol_n : W; /* Spearman and SRRC: independent rows */
    double *x = (double *)malloc(sizeof(double) * (size_t)n * HC_DESIGN_MAX_COLS); /* [col][world] ranks */
    double *metric = (double *)malloc(sizeof(double) * (size_t)W), *y = (double *)malloc(sizeof(double) * (size_t)n);
    double *raw = (double *)malloc(sizeof(double) * (size_t)n * HC_DESIGN_MAX_COLS); /* [col][world] values */
    double *fm = (double *)malloc(sizeof(double) * (size_t)n * (HC_N_SCALAR_INPUTS + HC_MAX_ROLES)); /* firm means */
    hc_tornado_bar *bars = (hc_tornado_bar *)malloc(sizeof(hc_tornado_bar) * HC_TORNADO_MAX_INPUTS);
    hc_tornado_bar fbars[HC_N_SCALAR_INPUTS + HC_MAX_ROLES];
    char ttmp[4200];
    FILE *tf = NULL;
    hc_sobol_index idx[HC_DESIGN_MAX_COLS];
    char tmp[4200], charts[4200];
    FILE *f = NULL;
    int s, k, c, rc = 1;
    int64_t w;

    if (!x || !metric || !y || !raw || !fm || !bars) {
        hc_fail(err, "out of memory computing the sensitivity of %lld worlds", (long long)W);
        goto done;
    }
    snprintf(charts, sizeof(charts), "%s/charts", dir);
    if (mkdir(charts, 0777) != 0 && errno != EEXIST) {
        hc_fail(err, "%s: cannot create folder: %s", charts, strerror(errno));
        goto done;
    }
    f = hc_output_open(dir, "sensitivity.csv", tmp, sizeof(tmp), err);
    if (!f) goto done;
    tf = hc_output_open(dir, "tornado.csv", ttmp, sizeof(ttmp), err);
    if (!tf) goto done;
    fputs("scenario,metric,input,level,input_lo,input_hi,effect,se,significant\n", tf);
    fputs("scenario,metric,input,spearman,srrc,srrc_r2", f);
    if (sobol) fputs(",sobol_first,sobol_first_lo,sobol_first_hi,sobol_total,sobol_total_lo,sobol_total_hi", f);
    fputc('\n', f);
    for (s = 0; s < r->n_scenarios; s++) {
        const double *cols[HC_DESIGN_MAX_COLS];
        const char *names[HC_DESIGN_MAX_COLS];
        char name_buf[HC_DESIGN_MAX_COLS][128];
        int col_of[HC_DESIGN_MAX_COLS], n_in = 0, n_firm = 0;
        /* The inputs that vary in this scenario, ranked across the independent rows. */
        for (c = 0; c < HC_DESIGN_MAX_COLS; c++) {
            if (!hc_design_col_varies(&cfg[s], c)) continue;
            col_of[n_in] = c;
            hc_design_col_name(&cfg[s], c, name_buf[n_in], sizeof(name_buf[0]));
            names[n_in] = name_buf[n_in];
            n_in++;
        }
        for (w = 0; w < n; w++) { /* one pass over the worlds: without a design each is drawn again */
            double row[HC_DESIGN_MAX_COLS];
            hc_design_inputs(d, cfg, s, w, row);
            for (k = 0; k < n_in; k++) raw[(size_t)k * (size_t)n + (size_t)w] = row[col_of[k]];
        }
        for (k = 0; k < n_in; k++) {
            double *col = x + (size_t)k * (size_t)n;
            if (hc_ranks(raw + (size_t)k * (size_t)n, n, col)) goto oom;
            cols[k] = col;
        }
        hc_firm_input_means(cfg, s, d, n, r->firms, fm, fbars, &n_firm); /* firm-level inputs: their world means */
        for (k = 0; k < HC_N_HEADLINE; k++) {
            const int m = hc_headline_metrics[k];
            double beta[HC_DESIGN_MAX_COLS], r2, *fab = NULL;
            int i;
            hc_world_metrics(r, cfg, s, r->n_steps, m, metric);
            if (hc_ranks(metric, n, y) || hc_standardised_regression(cols, n_in, y, n, beta, &r2)) goto oom;
            if (sobol) {
                /* Sobol's inputs are the run's (d->sobol_col); this scenario's rows pick its own. */
                const int64_t N = d->sobol_n;
                hc_sobol_index all[HC_DESIGN_MAX_COLS];
                fab = metric + 2 * N;
                if (hc_sobol_indices(metric, metric + N, fab, N, d->sobol_k, cfg[0].seed, HC_SOBOL_BOOTSTRAP, all))
                    goto oom;
                for (i = 0; i < n_in; i++) {
                    int j;
                    memset(&idx[i], 0, sizeof(idx[i]));
                    for (j = 0; j < d->sobol_k; j++)
                        if (d->sobol_col[j] == col_of[i]) idx[i] = all[j];
                }
            }
            if (hc_tornado_bars(tf, cfg, s, m, metric, n, raw, names, col_of, n_in, fm, fbars, n_firm,
                                m == HC_M_EMPLOYMENT_CHANGE ? bars : NULL)) /* in the metric's points */
                goto oom;
            for (i = 0; i < n_in; i++) {
                const double rho = hc_pearson(cols[i], y, n);
                fprintf(f, "%s,%s,%s,%.6f,%.6f,%.6f", cfg[s].name, hc_metric_infos[m].name, names[i], rho, beta[i], r2);
                if (sobol)
                    fprintf(f, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f", idx[i].first, idx[i].first_lo, idx[i].first_hi,
                            idx[i].total, idx[i].total_lo, idx[i].total_hi);
                fputc('\n', f);
            }
        }
        if (hc_write_tornado_chart(charts, cfg, s, bars, n_in + n_firm, n, files, err)) goto done;
    }
    rc = hc_output_commit(f, tmp, dir, "sensitivity.csv", err);
    f = NULL;
    if (!rc) hc_file_list_add(files, "sensitivity.csv");
    if (!rc) rc = hc_output_commit(tf, ttmp, dir, "tornado.csv", err);
    tf = NULL;
    if (!rc) hc_file_list_add(files, "tornado.csv");
    if (!rc && sobol) rc = write_sobol_years(dir, r, cfg, d, files, err);
    goto done;
oom:
    hc_fail(err, "out of memory computing the sensitivity of %lld worlds", (long long)W);
done:
    if (f) {
        fclose(f);
        remove(tmp);
    }
    if (tf) {
        fclose(tf);
        remove(ttmp);
    }
    free(fm);
    free(bars);
    free(x);
    free(metric);
    free(y);
    free(raw);
    return rc;
}
