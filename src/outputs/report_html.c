/* report_html.c: the answer summary.md opens with, and report.html: one self-contained
 * page (inline CSS, the SVG charts of src/outputs/chart_svg.c inlined, no scripts, no network,
 * no web fonts) with the answer, the charts and the tables. tests/report_check.py
 * renders it in headless Chromium and checks the screenshot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_chart.h"
#include "hc_export.h"
#include "hc_report.h"

/* ---- numbers for people */

static void fmt_pct(char *buf, size_t len, double v) { snprintf(buf, len, "%+.1f %%", v); }

static void fmt_jobs(char *buf, size_t len, double v)
{
    const double a = fabs(v);
    if (a >= 1e6) snprintf(buf, len, "%+.2f M", v / 1e6);
    else if (a >= 1e3) snprintf(buf, len, "%+.1f k", v / 1e3);
    else snprintf(buf, len, "%+.0f", v);
}

/* 158457000 -> "158,457,000" */
static void fmt_thousands(char *buf, size_t len, double v)
{
    char digits[64];
    size_t n, i, o = 0;
    snprintf(digits, sizeof(digits), "%.0f", fabs(v));
    n = strlen(digits);
    if (v < 0 && o + 1 < len) buf[o++] = '-';
    for (i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* A step as the reader says it: the year at a whole year, else the period the CSVs'
 * period column names (2026-Q2, not 2026.25). */
static void fmt_year(char *buf, size_t len, const hc_config *cfg, int t)
{
    if (t % cfg[0].steps_per_year == 0) snprintf(buf, len, "%d", cfg[0].start_year + t / cfg[0].steps_per_year);
    else hc_period_label(cfg[0].start_year, t, cfg[0].steps_per_year, buf, len);
}

/* "-20.3 % ±0.4 (-31.8 % to -4.4 %)" from a bands row and its MCSE row (the ± is the
 * Monte Carlo standard error of the middle value), in % or in jobs. */
static void fmt_band(char *buf, size_t len, const double *row, const double *mcse, const hc_band_cols *bc, int jobs)
{
    char m[40], lo[40], hi[40], e[40];
    if (jobs) {
        fmt_jobs(m, sizeof(m), row[bc->mid]);
        fmt_jobs(lo, sizeof(lo), row[bc->lo]);
        fmt_jobs(hi, sizeof(hi), row[bc->hi]);
        fmt_jobs(e, sizeof(e), mcse[bc->mid]);
        if (e[0] == '+') memmove(e, e + 1, strlen(e));
    } else {
        fmt_pct(m, sizeof(m), row[bc->mid]);
        fmt_pct(lo, sizeof(lo), row[bc->lo]);
        fmt_pct(hi, sizeof(hi), row[bc->hi]);
        snprintf(e, sizeof(e), "%.2f", mcse[bc->mid]);
    }
    snprintf(buf, len, "%s \u00b1%s (%s to %s)", m, e, lo, hi);
}

/* "12.3 % (MCSE 1.0)"; where no world or every world has the event, the binomial MCSE is
 * 0, which would read as certainty: the rule of three's 95 % bound, 3 / n, instead. */
void hc_fmt_share(char *buf, size_t len, const hc_share *sh)
{
    const double bound = sh->n > 3 ? 300.0 / (double)sh->n : 100.0;
    const int digits = bound >= 1.0 ? 0 : (int)-floor(log10(bound)); /* one significant digit of it */
    if (sh->p == 0.0) snprintf(buf, len, "0.0 %% (95 %% bound: under %.*f)", digits, bound);
    else if (sh->p == 1.0) snprintf(buf, len, "100.0 %% (95 %% bound: over %.*f)", digits, 100.0 - bound);
    else snprintf(buf, len, "%.1f %% (MCSE %.1f)", 100.0 * sh->p, 100.0 * sh->mcse);
}

/* ---- the answer, in Markdown or HTML */

typedef struct {
    FILE *f;
    int html;
} writer;

static void w_text(const writer *w, const char *s)
{
    if (w->html) hc_put_xml_escaped(w->f, s);
    else fputs(s, w->f);
}

static void w_strong(const writer *w, const char *s)
{
    fputs(w->html ? "<strong>" : "**", w->f);
    w_text(w, s);
    fputs(w->html ? "</strong>" : "**", w->f);
}

static void band_name(char *buf, size_t len, const hc_bands *b, const hc_band_cols *bc)
{
    hc_band_label(b->percentiles[bc->lo], b->percentiles[bc->hi], "band", buf, len);
}

/* One line on where scenario s and the baseline separate, for one metric. */
static void separation_line(const writer *w, const hc_bands *b, const hc_compare *c, const hc_config *cfg,
                            const hc_band_cols *bc, int s, int metric, int jobs_metric, const char *what)
{
    const int base = c->baseline, T = b->n_steps;
    const int bands_from = hc_bands_separate_from(b, s, base, metric, bc->lo, bc->hi);
    const int diff_from = hc_compare_excludes_zero_from(c, s, metric, bc->lo, bc->hi);
    const double *d = hc_compare_row(c, s, metric, T), *dj = hc_compare_row(c, s, jobs_metric, T);
    char buf[1024], y[32], yT[32], m[48], lo[48], hi[48], jobs[48], bands[96];
    hc_band_label(b->percentiles[bc->lo], b->percentiles[bc->hi], "bands", bands, sizeof(bands));
    fmt_year(yT, sizeof(yT), cfg, T);
    const char *name = hc_scenario_label(&cfg[s]), *base_name = hc_scenario_label(&cfg[base]);
    snprintf(buf, sizeof(buf), "%s vs %s, %s:", name, base_name, what);
    fputs(w->html ? "<li>" : "- ", w->f);
    w_strong(w, buf);
    if (bands_from < 0)
        snprintf(buf, sizeof(buf), " the two %s still overlap in %s", bands, yT);
    else if (bands_from == 0)
        snprintf(buf, sizeof(buf), " the two %s are apart at every step", bands);
    else {
        fmt_year(y, sizeof(y), cfg, bands_from);
        snprintf(buf, sizeof(buf), " the two %s separate from %s on", bands, y);
    }
    w_text(w, buf);
    snprintf(m, sizeof(m), "%+.1f", d[bc->mid]);
    snprintf(lo, sizeof(lo), "%+.1f", d[bc->lo]);
    snprintf(hi, sizeof(hi), "%+.1f", d[bc->hi]);
    fmt_jobs(jobs, sizeof(jobs), dj[bc->mid]);
    snprintf(buf, sizeof(buf), ". Paired world by world: %s minus %s = %s points (%s to %s), %s jobs, in %s; "
             "%s is higher in %.1f %% of the %lld futures; the difference's %g %% band ",
             name, base_name, m, lo, hi, jobs, yT, name, 100.0 * d[HC_COMPARE_COLS(c) - 1],
             (long long)c->worlds, b->percentiles[bc->hi] - b->percentiles[bc->lo]);
    w_text(w, buf);
    if (diff_from < 0)
        snprintf(buf, sizeof(buf), "includes 0 in %s.", yT);
    else if (diff_from == 0)
        snprintf(buf, sizeof(buf), "excludes 0 at every step.");
    else {
        fmt_year(y, sizeof(y), cfg, diff_from);
        snprintf(buf, sizeof(buf), "excludes 0 from %s on.", y);
    }
    w_text(w, buf);
    fputs(w->html ? "</li>\n" : "\n", w->f);
}

/* Per scenario, P(employment falls), P(AI lowers employment) and P(metric < t) at each
 * --threshold t, at the horizon, with the binomial MCSE (hc_bands' probs). */
static void probs_table(const writer *w, const hc_bands *b, const hc_config *cfg, long long worlds)
{
    char buf[512];
    int s, k;
    fputs(w->html ? "<p>" : "", w->f);
    snprintf(buf, sizeof(buf), "How sure: the share of the %lld futures in which, at the horizon, employment falls "
             "(against the start), AI lowers employment (against the same firms without AI), and each metric falls "
             "below the thresholds asked for (--threshold), in %%, with its Monte Carlo standard error (binomial, "
             "sqrt(p (1 - p) / %lld), in points; where no future or every one has the event, the rule of three's "
             "95 %% bound, 3 / %lld, instead; probabilities.csv has them):", worlds, worlds, worlds);
    w_text(w, buf);
    /* an event a row, a scenario a column: thresholds add rows, and the table stays narrow */
    fputs(w->html ? "</p>\n<div class=\"wrap\"><table class=\"answer\" id=\"probabilities\">\n<thead><tr><th>event at "
                    "the horizon</th>"
                  : "\n\n| event at the horizon |",
          w->f);
    for (s = 0; s < b->n_scenarios; s++) {
        fputs(w->html ? "<th>" : " ", w->f);
        w_text(w, hc_scenario_label(&cfg[s]));
        fputs(w->html ? "</th>" : " |", w->f);
    }
    fputs(w->html ? "</tr></thead>\n<tbody>\n" : "\n|---|", w->f);
    if (!w->html)
        for (s = 0; s < b->n_scenarios; s++) fputs("---:|", w->f);
    if (!w->html) fputc('\n', w->f);
    for (k = 0; k < b->probs.n_events; k++) {
        hc_event_label(&b->probs.events[k], buf, sizeof(buf));
        fputs(w->html ? "<tr><th>" : "| ", w->f);
        w_text(w, buf);
        fputs(w->html ? "</th>" : " |", w->f);
        for (s = 0; s < b->n_scenarios; s++) {
            hc_fmt_share(buf, sizeof(buf), hc_bands_prob(b, s, k));
            fputs(w->html ? "<td>" : " ", w->f);
            w_text(w, buf);
            fputs(w->html ? "</td>" : " |", w->f);
        }
        fputs(w->html ? "</tr>\n" : "\n", w->f);
    }
    fputs(w->html ? "</tbody></table></div>\n" : "\n", w->f);
}

/* The caveat of a run whose worlds are not plain draws (hc_bands_set_design), first. */
static void caveat_banner(const writer *w, const hc_bands *b)
{
    if (!b->caveat[0]) return;
    fputs(w->html ? (b->caveat_is_warning ? "<p class=\"banner warning\" id=\"caveat\"><strong>Not plain draws.</strong> "
                                          : "<p class=\"banner\" id=\"caveat\">")
                  : (b->caveat_is_warning ? "> **WARNING: not plain draws.** " : "> Note: "),
          w->f);
    w_text(w, b->caveat);
    fputs(w->html ? "</p>\n" : "\n\n", w->f);
}

/* A cell "-5.4 % ±0.24 (-12.1 % to -1.0 %)" as two lines: the value and its MCSE, then
 * the band. */
static void td_band(FILE *f, const char *cell)
{
    const char *band = strstr(cell, " (");
    fputs("<td>", f);
    if (band) {
        char value[96];
        snprintf(value, sizeof(value), "%.*s", (int)(band - cell), cell);
        hc_put_xml_escaped(f, value);
        fputs("<br><span class=\"band\">", f);
        hc_put_xml_escaped(f, band + 1);
        fputs("</span>", f);
    } else {
        hc_put_xml_escaped(f, cell);
    }
    fputs("</td>", f);
}

static void answer(const writer *w, const hc_bands *b, const hc_compare *c, const hc_config *cfg)
{
    static const int shown[2][2] = {{HC_M_EMPLOYMENT_CHANGE, HC_M_NET_JOBS}, {HC_M_AI_EFFECT, HC_M_AI_NET_JOBS}};
    const int T = b->n_steps, horizon = cfg[0].start_year + cfg[0].years;
    hc_band_cols bc;
    char buf[1024], bn[96];
    int s, k, same_employment = 1;
    hc_band_cols_pick(b->percentiles, b->np, &bc);
    band_name(bn, sizeof(bn), b, &bc);
    for (s = 1; s < b->n_scenarios; s++) same_employment &= cfg[s].employment == cfg[0].employment;

    snprintf(buf, sizeof(buf), "At the horizon (%d), %s \u00b1 its Monte Carlo standard error (batch means, "
             "docs/uncertainty.md) and %s across %lld possible futures, for the firms each scenario describes; jobs "
             "scale the %% to population.employment", horizon, bc.mid_is_median ? "median" : "mean", bn,
             (long long)c->worlds);
    w_text(w, buf);
    if (same_employment) {
        char jobs[64];
        fmt_thousands(jobs, sizeof(jobs), cfg[0].employment);
        snprintf(buf, sizeof(buf), " (%s jobs)", jobs);
        w_text(w, buf);
    }
    w_text(w, ".");
    fputs(w->html ? "</p>\n<div class=\"wrap\"><table class=\"answer\">\n<thead><tr><th>scenario</th>"
                    "<th>net employment change</th><th>in jobs</th><th>AI effect (vs no AI)</th><th>in jobs</th>"
                    "</tr></thead>\n<tbody>\n"
                  : "\n\n| scenario | net employment change | in jobs | AI effect (vs no AI) | in jobs |\n"
                    "|---|---:|---:|---:|---:|\n",
          w->f);
    for (s = 0; s < b->n_scenarios; s++) {
        fputs(w->html ? "<tr><th>" : "| ", w->f);
        w_text(w, hc_scenario_label(&cfg[s]));
        fputs(w->html ? "</th>" : " |", w->f);
        for (k = 0; k < 2; k++) {
            char pct[200], jobs[200];
            fmt_band(pct, sizeof(pct), hc_bands_world(b, s, shown[k][0], T), hc_bands_mcse(b, s, shown[k][0], T), &bc,
                     0);
            fmt_band(jobs, sizeof(jobs), hc_bands_world(b, s, shown[k][1], T), hc_bands_mcse(b, s, shown[k][1], T),
                     &bc, 1);
            if (w->html) {
                td_band(w->f, pct);
                td_band(w->f, jobs);
            } else {
                fprintf(w->f, " %s | %s |", pct, jobs);
            }
        }
        fputs(w->html ? "</tr>\n" : "\n", w->f);
    }
    fputs(w->html ? "</tbody></table></div>\n" : "\n", w->f);
    probs_table(w, b, cfg, (long long)c->worlds);

    if (!c || hc_compare_pairs(c) == 0) {
        fputs(w->html ? "<p>" : "", w->f);
        w_text(w, "One scenario in this run: run two or more configs together to compare them on the same "
                  "futures (paired differences, compare.csv).");
        fputs(w->html ? "</p>\n" : "\n\n", w->f);
        return;
    }
    fputs(w->html ? "<p>" : "", w->f);
    snprintf(buf, sizeof(buf), "Where the narratives separate, each against %s. The scenarios share their "
             "random numbers, so each of the %lld futures can be compared with itself (compare.csv):",
             hc_scenario_label(&cfg[c->baseline]), (long long)c->worlds);
    w_text(w, buf);
    fputs(w->html ? "</p>\n<ul class=\"separation\">\n" : "\n\n", w->f);
    for (s = 0; s < c->n_scenarios; s++) {
        if (s == c->baseline) continue;
        separation_line(w, b, c, cfg, &bc, s, HC_M_EMPLOYMENT_CHANGE, HC_M_NET_JOBS, "net employment change");
        separation_line(w, b, c, cfg, &bc, s, HC_M_AI_EFFECT, HC_M_AI_NET_JOBS, "AI effect");
    }
    fputs(w->html ? "</ul>\n" : "\n", w->f);
}

void hc_answer_md(FILE *f, const hc_bands *b, const hc_compare *c, const hc_config *cfg)
{
    writer w;
    w.f = f;
    w.html = 0;
    fputs("## The answer\n\n", f);
    caveat_banner(&w, b);
    answer(&w, b, c, cfg);
}

/* ---- report.html */

static const char *css =
    "*{box-sizing:border-box}\n"
    "html{background:#eef0f2}\n"
    "body{margin:0;color:#1f2328;font:15px/1.5 'DejaVu Sans','Liberation Sans',Arial,Helvetica,sans-serif}\n"
    "main{max-width:1120px;margin:0 auto;padding:28px 36px 40px;background:#ffffff}\n"
    "h1{font-size:26px;line-height:1.25;margin:0 0 6px}\n"
    "h2{font-size:19px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid #d0d7de}\n"
    "h3{font-size:16px;margin:20px 0 6px}\n"
    ".meta{color:#57606a;font-size:13px;margin:0}\n"
    ".lead{font-size:15.5px}\n"
    ".wrap{max-width:100%;overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0 12px;font-variant-numeric:tabular-nums}\n"
    "th,td{padding:4px 10px;border-bottom:1px solid #e1e4e8;text-align:right;white-space:nowrap}\n"
    "thead th{background:#f3f4f6;border-bottom:2px solid #d0d7de}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "td.metric{white-space:normal;min-width:14em}\n"
    "td.metric code{font-size:11.5px;color:#57606a;background:none;padding:0}\n"
    "table.answer{font-size:14px}\n"
    "table.answer .band{font-size:12.5px;color:#57606a}\n"
    "ul.separation li{margin-bottom:6px}\n"
    ".banner{border-left:5px solid #0b5cad;background:#eef5fc;padding:8px 12px;margin:8px 0 14px}\n"
    ".banner.warning{border-left-color:#b35900;background:#fff4e5;font-size:15.5px}\n"
    ".charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:18px}\n"
    "figure.chart{margin:0;border:1px solid #d0d7de;border-radius:4px;padding:6px;background:#ffffff}\n"
    "figure.chart svg{display:block;width:100%;height:auto}\n"
    "figcaption{font-size:12px;color:#57606a;padding:2px 4px}\n"
    "code{font-family:'DejaVu Sans Mono','Liberation Mono',monospace;font-size:12.5px;background:#f3f4f6;"
    "padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}\n"
    "a{color:#0b5cad}\n"
    "ul.files{columns:3;font-size:13px}\n";

/* Copies DIR/NAME into f, leaving out an XML declaration if there is one. */
static int inline_file(FILE *f, const char *dir, const char *name, hc_error *err)
{
    char path[4400], buf[8192];
    size_t n;
    FILE *in;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    in = fopen(path, "rb");
    if (!in) return hc_fail(err, "%s: cannot read it back for report.html", path);
    n = fread(buf, 1, sizeof(buf), in);
    if (n > 5 && memcmp(buf, "<?xml", 5) == 0) {
        const char *end = (const char *)memchr(buf, '>', n);
        const size_t skip = end ? (size_t)(end - buf) + 1 : 0;
        fwrite(buf + skip, 1, n - skip, f);
    } else {
        fwrite(buf, 1, n, f);
    }
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) fwrite(buf, 1, n, f);
    fclose(in);
    return 0;
}

static void th_percentiles(FILE *f, const double *p, int np)
{
    int k;
    for (k = 0; k < np; k++) {
        char label[32];
        hc_percentile_label(p[k], label, sizeof(label));
        fprintf(f, "<th>%s</th>", label);
    }
}

/* Jobs in k and M; % with 2 decimals, signed for differences; never "-0.00". */
static void td_num(FILE *f, double v, const char *unit, int signed_pct)
{
    if (strcmp(unit, "jobs") == 0) {
        char j[48];
        fmt_jobs(j, sizeof(j), v);
        fprintf(f, "<td>%s</td>", j);
    } else {
        if (fabs(v) < 0.005) v = 0.0;
        fprintf(f, signed_pct && v != 0.0 ? "<td>%+.2f</td>" : "<td>%.2f</td>", v);
    }
}

/* Every metric of every scenario at the horizon: percentiles and the mean across worlds. */
static void section_horizon(FILE *f, const hc_bands *b, const hc_config *cfg)
{
    const int T = b->n_steps, S = b->n_scenarios;
    int s, k, metric;
    fprintf(f, "<section id=\"horizon\">\n<h2>Every metric at the horizon (%d)</h2>\n",
            cfg[0].start_year + cfg[0].years);
    fputs("<p>Percentiles, and the mean, across worlds (forecast uncertainty). bands.csv has every step.</p>\n", f);
    for (s = 0; s < S; s++) {
        const double *fr = hc_bands_firm(b, s, b->years);
        fputs("<h3>", f);
        hc_put_xml_escaped(f, hc_scenario_label(&cfg[s]));
        fputs("</h3>\n<div class=\"wrap\"><table>\n<thead><tr><th>metric</th><th>unit</th>", f);
        th_percentiles(f, b->percentiles, b->np);
        fputs("<th>mean</th></tr></thead>\n<tbody>\n", f);
        for (metric = 0; metric < HC_N_METRICS; metric++) {
            const double *row = hc_bands_world(b, s, metric, T);
            const hc_metric_info *mi = &hc_metric_infos[metric];
            fprintf(f, "<tr><td class=\"metric\">%s <code>%s</code></td><td>%s</td>", mi->label, mi->name, mi->base);
            for (k = 0; k <= b->np; k++) td_num(f, row[k], mi->unit, 0);
            fputs("</tr>\n", f);
        }
        fprintf(f, "</tbody></table></div>\n<p>Starting employment in firms below their starting headcount at the horizon: %.1f %%.</p>\n",
                100.0 * fr[b->np + 2]);
    }
    fputs("</section>\n", f);
}

/* Each scenario minus the baseline, world by world, at the horizon (step T). */
static void section_paired(FILE *f, const hc_compare *c, const hc_config *cfg, int T)
{
    int s, k, metric;
    fprintf(f, "<section id=\"paired\">\n<h2>Paired differences at the horizon (%d)</h2>\n",
            cfg[0].start_year + cfg[0].years);
    fputs("<p>Each scenario minus ", f);
    hc_put_xml_escaped(f, hc_scenario_label(&cfg[c->baseline]));
    fputs(", world by world; <em>above</em> is the share of worlds where the scenario is higher. "
          "compare.csv has every step.</p>\n", f);
    for (s = 0; s < c->n_scenarios; s++) {
        if (s == c->baseline) continue;
        fputs("<h3>", f);
        hc_put_xml_escaped(f, hc_scenario_label(&cfg[s]));
        fputs(" minus ", f);
        hc_put_xml_escaped(f, hc_scenario_label(&cfg[c->baseline]));
        fputs("</h3>\n<div class=\"wrap\"><table>\n<thead><tr><th>metric</th><th>unit</th>", f);
        th_percentiles(f, c->percentiles, c->np);
        fputs("<th>mean</th><th>sd</th><th>above</th></tr></thead>\n<tbody>\n", f);
        for (metric = 0; metric < HC_N_METRICS; metric++) {
            const double *row = hc_compare_row(c, s, metric, T);
            const hc_metric_info *mi = &hc_metric_infos[metric];
            fprintf(f, "<tr><td class=\"metric\">%s <code>%s</code></td><td>%s</td>", mi->label, mi->name,
                    strcmp(mi->unit, "%") == 0 ? "points" : mi->unit);
            for (k = 0; k < c->np; k++) td_num(f, row[k], mi->unit, 1);
            td_num(f, row[c->np], mi->unit, 1);     /* mean */
            td_num(f, row[c->np + 1], mi->unit, 0); /* sd */
            fprintf(f, "<td>%.1f %%</td></tr>\n", 100.0 * row[c->np + 2]);
        }
        fputs("</tbody></table></div>\n", f);
    }
    fputs("</section>\n", f);
}

int hc_write_report_html(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *c,
                         const hc_config *cfg, const hc_run_info *info, hc_file_list *files, hc_error *err)
{
    const int T = b->n_steps, S = b->n_scenarios;
    char tmp[4200], title[1024] = "";
    hc_band_cols bc;
    writer w;
    int s, k, year, i;
    FILE *f = hc_output_open(dir, "report.html", tmp, sizeof(tmp), err);
    if (!f) return 1;
    hc_band_cols_pick(b->percentiles, b->np, &bc);
    for (s = 0; s < S; s++) {
        if (s) strncat(title, " vs ", sizeof(title) - strlen(title) - 1);
        strncat(title, hc_scenario_label(&cfg[s]), sizeof(title) - strlen(title) - 1);
    }
    w.f = f;
    w.html = 1;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>headcount: ", f);
    hc_put_xml_escaped(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<header>\n<h1>", css);
    hc_put_xml_escaped(f, title);
    fprintf(f, ": employment, %d to %d</h1>\n<p class=\"meta\">", cfg[0].start_year, cfg[0].start_year + cfg[0].years);
    fprintf(f, "%lld possible futures (worlds) &times; %lld firms, %d steps a year, seed %llu &middot; headcount %s "
               "(model %d, commit %s) &middot; %s backend, %d thread(s), %.1f s &middot; started %s</p>\n</header>\n",
            (long long)r->worlds, (long long)cfg[0].firms_per_world, cfg[0].steps_per_year,
            (unsigned long long)cfg[0].seed, HC_VERSION, HC_MODEL_VERSION, HC_GIT_COMMIT, r->backend, r->threads,
            info->wall_seconds, info->started_at ? info->started_at : "");

    fputs("<section id=\"answer\">\n<h2>The answer</h2>\n", f);
    caveat_banner(&w, b);
    fputs("<p class=\"lead\">", f);
    answer(&w, b, c, cfg);
    fputs("</section>\n", f);

    fputs("<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n", f);
    for (i = 0; i < files->n; i++) {
        const char *name = files->name[i];
        const size_t len = strlen(name);
        if (strncmp(name, "charts/", 7) != 0 || len < 4 || strcmp(name + len - 4, ".svg") != 0) continue;
        fprintf(f, "<figure class=\"chart\" id=\"chart-%.*s\">\n", (int)(len - 11), name + 7);
        if (inline_file(f, dir, name, err)) {
            fclose(f);
            remove(tmp);
            return 1;
        }
        fprintf(f, "<figcaption><a href=\"%s\">%s</a></figcaption>\n</figure>\n", name, name);
    }
    fputs("</div>\n</section>\n", f);

    section_horizon(f, b, cfg);
    if (c && hc_compare_pairs(c) > 0) section_paired(f, c, cfg, T);

    fputs("<section id=\"firms\">\n<h2>Firm-level change in headcount by year</h2>\n"
          "<p>Percentiles across all firms of all worlds of the change in each firm's headcount since the start "
          "(%), and the share of starting employment in firms below their starting headcount (firms "
          "are sampled in proportion to employment, so both are weighted by it).</p>\n"
          "<div class=\"wrap\"><table>\n<thead><tr><th>scenario</th><th>year</th>", f);
    th_percentiles(f, b->percentiles, b->np);
    fputs("<th>mean</th><th>shrinking</th></tr></thead>\n<tbody>\n", f);
    for (s = 0; s < S; s++)
        for (year = 0; year <= b->years; year++) {
            const double *row = hc_bands_firm(b, s, year);
            fputs("<tr><td>", f);
            hc_put_xml_escaped(f, hc_scenario_label(&cfg[s]));
            fprintf(f, "</td><td>%d</td>", cfg[s].start_year + year);
            for (k = 0; k <= b->np; k++) td_num(f, row[k], "%", 0);
            fprintf(f, "<td>%.1f %%</td></tr>\n", 100.0 * row[b->np + 2]);
        }
    fputs("</tbody></table></div>\n</section>\n", f);

    fputs("<section id=\"files\">\n<h2>Files and reproduction</h2>\n<ul class=\"files\">\n", f);
    for (i = 0; i < files->n; i++) fprintf(f, "<li><a href=\"%s\">%s</a></li>\n", files->name[i], files->name[i]);
    fputs("<li>report.html</li>\n<li><a href=\"manifest.json\">manifest.json</a></li>\n</ul>\n", f);
    fputs(hc_chart_images_state() == 1
              ? "<p id=\"images\">Every chart is also in charts/ as PNG (twice the size) and PDF, for slides and papers "
                "(made by rsvg-convert).</p>\n"
          : hc_chart_images_state() == 2
              ? "<p id=\"images\">rsvg-convert failed on a chart: some charts have no PNG or PDF copy.</p>\n"
              : "<p id=\"images\">No PNG or PDF copies of the charts: rsvg-convert was not found (Debian: apt-get "
                "install librsvg2-bin); the SVGs open in any browser.</p>\n",
          f);
    fputs(""
          "<p>manifest.json holds the resolved configs, the seed and the sizes; the same command gives the same "
          "numbers:</p>\n<p><code>headcount", f);
    for (i = 0; i < info->argc; i++) {
        fputc(' ', f);
        hc_put_xml_escaped(f, info->argv[i]);
    }
    fputs("</code></p>\n</section>\n</main>\n</body>\n</html>\n", f);
    if (hc_output_commit(f, tmp, dir, "report.html", err)) return 1;
    hc_file_list_add(files, "report.html");
    return 0;
}
