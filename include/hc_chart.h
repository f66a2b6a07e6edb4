/* hc_chart.h: SVG charts written by the program itself (host only): fan charts of
 * bands over time and a histogram of firm-level change. No plotting library and no
 * service: plain SVG 1.1 text, valid XML, no scripts, no external fonts or links, so a
 * chart opens anywhere and can be inlined into report.html (src/outputs/report_html.c). */
#ifndef HC_CHART_H
#define HC_CHART_H

#include <stdio.h>
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

/* The charts of a run into DIR/charts/: a fan chart per headline metric, the paired
 * differences when there are two or more scenarios, and the histogram of firm-level
 * change at the horizon (from r->firm_change). Adds each file to `files`. */
int hc_write_charts(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *c,
                    const hc_config *cfg, hc_file_list *files, hc_error *err);

/* s with &, <, > and " escaped, for SVG and HTML text and attribute values. */
void hc_put_xml_escaped(FILE *f, const char *s);
/* One SVG <text> element at (x, y), its text XML-escaped; every chart writes text with it. */
void hc_svg_text(FILE *f, double x, double y, double size, const char *anchor, const char *fill, int bold,
                 const char *s);

#endif
