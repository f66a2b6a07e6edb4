/* hc_chart.h: SVG charts written by the program itself (host only): fan charts of
 * bands over time and a histogram of firm-level change. No plotting library and no
 * service: plain SVG 1.1 text, valid XML, no scripts, no external fonts or links, so a
 * chart opens anywhere and can be inlined into report.html (src/outputs/report_html.c). */
#ifndef HC_CHART_H
#define HC_CHART_H

#include <stdio.h>
#include "hc_bands.h"
#include "hc_compare.h"
#include "hc_outdir.h"

/* One scenario's fan: at each of n points, the median (or mean) and the outer and
 * inner bands. inner_* may be NULL (fewer than four percentiles). */
typedef struct {
    const char *name;
    int colour;      /* hc_chart_colour index: a scenario keeps its colour in every chart */
    int n;
    const double *x; /* years */
    const double *mid, *outer_lo, *outer_hi, *inner_lo, *inner_hi;
} hc_fan_series;

typedef struct {
    const char *title;
    const char *subtitle;
    const char *y_label;     /* with its unit: "Net employment change (%)" */
    const char *x_label;     /* "Year" */
    const char *mid_label;   /* "median" */
    const char *outer_label; /* "90 % band (p5 to p95)" */
    const char *inner_label; /* "50 % band (p25 to p75)"; NULL: no inner band */
    int zero_line;           /* draw y = 0 */
} hc_chart_spec;

/* Scenario colours (Okabe-Ito: told apart with any colour vision), by scenario index. */
const char *hc_chart_colour(int i);

int hc_svg_fan_chart(FILE *f, const hc_chart_spec *spec, const hc_fan_series *series, int n_series);

/* Histogram of `counts[s][bin]` over n_bins equal bins from x0 to x1, as % of `totals[s]`. */
typedef struct {
    const char *name;
    int colour;
    const double *counts;
    double total;
} hc_hist_series;
int hc_svg_histogram(FILE *f, const hc_chart_spec *spec, double x0, double x1, int n_bins,
                     const hc_hist_series *series, int n_series);

/* Lines through n points (x[i], y[i]) per series, y from y_lo to y_hi (a fixed range,
 * such as 0 to 100 for a probability), with dashed vertical marks at marks[0 .. n_marks). */
typedef struct {
    const char *name;
    int colour;
    int n;
    const double *x, *y;
} hc_line_series;
int hc_svg_line_chart(FILE *f, const hc_chart_spec *spec, double y_lo, double y_hi, const hc_line_series *series,
                      int n_series, const double *marks, int n_marks);

/* The exceedance charts and probabilities.csv (src/outputs/exceedance.c): per metric of
 * hc_probs, the share of worlds below each value at the horizon, every scenario on one
 * chart (charts/exceedance_METRIC.svg), and the table of b->probs in the chosen formats. */
int hc_write_exceedance(const char *dir, const hc_bands *b, const hc_world_values *wv, const hc_config *cfg,
                        unsigned formats, hc_file_list *files, hc_error *err);

/* The charts of a run into DIR/charts/: a fan chart per headline metric, the paired
 * differences when there are two or more scenarios, and the histogram of firm-level
 * change at the horizon (from r->firm_change). Adds each file to `files`. */
int hc_write_charts(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *c,
                    const hc_config *cfg, hc_file_list *files, hc_error *err);

/* CHARTS_DIR/STEM.svg opened under a temporary name (name gets "STEM.svg"), and put in
 * place and listed in `files` as charts/NAME once drawn (draw_failed: removed, an error). */
int hc_chart_open(const char *charts_dir, const char *stem, char *name, size_t name_len, char *tmp, size_t tmp_len,
                  FILE **f, hc_error *err);
int hc_chart_commit(FILE *f, int draw_failed, const char *tmp, const char *charts_dir, const char *name,
                    hc_file_list *files, hc_error *err);

/* PNG (at twice the size) and PDF copies of CHARTS_DIR/SVG_NAME beside it, listed in
 * files as charts/STEM.png and .pdf, when rsvg-convert is available (hc_chart_commit
 * calls it for every chart); nothing otherwise. Never fails the run. */
int hc_chart_images_available(void);
/* 0: no converter; 1: copies made; 2: the converter failed or hung (stopped after a
 * minute) on some chart, and the charts from it on have no copies. */
int hc_chart_images_state(void);
int hc_chart_images(const char *charts_dir, const char *svg_name, hc_file_list *files, hc_error *err);

/* s with &, <, > and " escaped, for SVG and HTML text and attribute values. */
void hc_put_xml_escaped(FILE *f, const char *s);
/* One SVG <text> element at (x, y), its text XML-escaped; every chart writes text with it. */
void hc_svg_text(FILE *f, double x, double y, double size, const char *anchor, const char *fill, int bold,
                 const char *s);

#endif
