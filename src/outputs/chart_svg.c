/* chart_svg.c: fan charts and histograms as SVG text (hc_chart.h), and the charts of a
 * run (in the folder charts/). The layout is fixed (640 x 430 user units, scaled by
 * whoever shows it: report.html shows two side by side at about 0.8); text widths are
 * estimated, since SVG cannot measure text without a renderer. report_html.c inlines
 * the files written here. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "hc_chart.h"
#include "hc_export.h"
#include "hc_firm_share.h"
#include "hc_stats.h"

/* ---- frame: the canvas and the plot area inside it, in SVG user units */
#define CW 640.0
#define CH 430.0
#define PX0 72.0  /* plot left */
#define PX1 620.0 /* plot right */
#define PY0 72.0  /* plot top */
#define PY1 312.0 /* plot bottom */
#define LEGEND_Y 380.0
#define FONT "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
#define TITLE_PX 19.0
#define SUBTITLE_PX 13.0
#define TICK_PX 13.0
#define LABEL_PX 14.0
#define LEGEND_PX 13.5
#define INK "#222222"
#define SOFT_INK "#4a4a4a"
#define GRID "#e3e3e3"
#define OUTER_OPACITY 0.16
#define INNER_OPACITY 0.34

static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                      "#E69F00", "#56B4E9", "#000000", "#999933"};

const char *hc_chart_colour(int i)
{
    return palette[i % (int)(sizeof(palette) / sizeof(palette[0]))];
}

void hc_put_xml_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* Roughly the advance of a string in DejaVu Sans at `size` px (about 0.56 em a character). */
static double text_width(const char *s, double size)
{
    return 0.56 * size * (double)strlen(s);
}

void hc_svg_text(FILE *f, double x, double y, double size, const char *anchor, const char *fill, int bold,
                 const char *s)
{
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\" text-anchor=\"%s\" fill=\"%s\"%s>", x, y, size, anchor,
            fill, bold ? " font-weight=\"bold\"" : "");
    hc_put_xml_escaped(f, s);
    fputs("</text>\n", f);
}

static void line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke, double width)
{
    fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n", x1, y1,
            x2, y2, stroke, width);
}

/* An axis: the range shown, and ticks at the multiples of `step` inside it. */
typedef struct {
    double lo, hi, step;
    int decimals;
} axis;

static int decimals_for(double step)
{
    int d = 0;
    while (d < 6 && fabs(step * pow(10.0, d) - floor(step * pow(10.0, d) + 0.5)) > 1e-6) d++;
    return d;
}

/* Range rounded out to whole steps, so the data fill the plot between two ticks. */
static void axis_fit(axis *a, double lo, double hi, double target)
{
    if (!(hi > lo)) {
        const double pad = fabs(lo) > 0.0 ? 0.1 * fabs(lo) : 1.0;
        lo -= pad;
        hi += pad;
    }
    a->step = hc_nice_step(hi - lo, target);
    a->lo = floor(lo / a->step + 1e-9) * a->step;
    a->hi = ceil(hi / a->step - 1e-9) * a->step;
    a->decimals = decimals_for(a->step);
}

/* A given range (histogram bins, a probability's 0 to 100), ticks at nice multiples inside it. */
static void axis_fixed(axis *a, double lo, double hi, double target)
{
    a->lo = lo;
    a->hi = hi;
    a->step = hc_nice_step(hi - lo, target);
    a->decimals = decimals_for(a->step);
}

static double map(double v, double lo, double hi, double p0, double p1)
{
    return p0 + (v - lo) / (hi - lo) * (p1 - p0);
}
static double px(const axis *a, double v)
{
    return map(v, a->lo, a->hi, PX0, PX1);
}
static double py(const axis *a, double v)
{
    return map(v, a->lo, a->hi, PY1, PY0);
}

static void tick_label(char *buf, size_t len, double v, const axis *a)
{
    if (fabs(v) < 1e-9 * a->step) v = 0.0; /* never "-0" */
    snprintf(buf, len, "%.*f", a->decimals, v);
}

static void open_svg_sized(FILE *f, const hc_chart_spec *spec, double height)
{
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
            "role=\"img\" font-family=\"%s\">\n<title>",
            CW, height, CW, height, FONT);
    hc_put_xml_escaped(f, spec->title);
    fputs("</title>\n", f);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", CW, height);
    hc_svg_text(f, 14, 27, TITLE_PX, "start", INK, 1, spec->title);
    if (spec->subtitle) hc_svg_text(f, 14, 49, SUBTITLE_PX, "start", "#555555", 0, spec->subtitle);
}

static void open_svg(FILE *f, const hc_chart_spec *spec)
{
    open_svg_sized(f, spec, CH);
}

/* Grid, ticks, zero line and axis labels. */
static void draw_axes(FILE *f, const hc_chart_spec *spec, const axis *ax, const axis *ay)
{
    char label[64];
    double v;
    for (v = ceil(ay->lo / ay->step - 1e-9) * ay->step; v <= ay->hi + 1e-9 * ay->step; v += ay->step) {
        line(f, PX0, py(ay, v), PX1, py(ay, v), GRID, 1.0);
        tick_label(label, sizeof(label), v, ay);
        hc_svg_text(f, PX0 - 8, py(ay, v) + 4.5, TICK_PX, "end", SOFT_INK, 0, label);
    }
    for (v = ceil(ax->lo / ax->step - 1e-9) * ax->step; v <= ax->hi + 1e-9 * ax->step; v += ax->step) {
        line(f, px(ax, v), PY1, px(ax, v), PY1 + 5, "#888888", 1.0);
        tick_label(label, sizeof(label), v, ax);
        hc_svg_text(f, px(ax, v), PY1 + 20, TICK_PX, "middle", SOFT_INK, 0, label);
    }
    if (spec->zero_line && ay->lo < 0.0 && ay->hi > 0.0) line(f, PX0, py(ay, 0.0), PX1, py(ay, 0.0), "#555555", 1.2);
    line(f, PX0, PY1, PX1, PY1, "#555555", 1.0);
    line(f, PX0, PY0, PX0, PY1, "#555555", 1.0);
    hc_svg_text(f, (PX0 + PX1) / 2, PY1 + 42, LABEL_PX, "middle", INK, 0, spec->x_label);
    fprintf(f,
            "<text x=\"0\" y=\"0\" font-size=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" "
            "transform=\"translate(19 %.1f) rotate(-90)\">",
            LABEL_PX, INK, (PY0 + PY1) / 2);
    hc_put_xml_escaped(f, spec->y_label);
    fputs("</text>\n", f);
}

/* Legend: a row of scenario swatches (wrapping when long), then a row that says what
 * the shapes mean. */
static void draw_legend_at(FILE *f, const hc_chart_spec *spec, const char *const *names, const int *colours, int n,
                           int fan, double y)
{
    double x = PX0;
    int i;
    for (i = 0; i < n; i++) {
        const double w = 22 + text_width(names[i], LEGEND_PX);
        if (x + w > CW - 8 && x > PX0) {
            x = PX0;
            y += 19;
        }
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"11\" fill=\"%s\"/>\n", x, y - 10,
                hc_chart_colour(colours[i]));
        hc_svg_text(f, x + 22, y, LEGEND_PX, "start", INK, 0, names[i]);
        x += w + 22;
    }
    x = PX0;
    y += 22;
    if (fan) {
        line(f, x, y - 4.5, x + 18, y - 4.5, "#555555", 2.2);
        hc_svg_text(f, x + 24, y, LEGEND_PX - 1, "start", SOFT_INK, 0, spec->mid_label);
        x += 24 + text_width(spec->mid_label, LEGEND_PX - 1) + 20;
        if (spec->inner_label) {
            fprintf(f,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"11\" fill=\"#555555\" fill-opacity=\"%.2f\"/>\n",
                    x, y - 10, INNER_OPACITY + OUTER_OPACITY);
            hc_svg_text(f, x + 24, y, LEGEND_PX - 1, "start", SOFT_INK, 0, spec->inner_label);
            x += 24 + text_width(spec->inner_label, LEGEND_PX - 1) + 20;
        }
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"11\" fill=\"#555555\" fill-opacity=\"%.2f\"/>\n",
                x, y - 10, OUTER_OPACITY);
        hc_svg_text(f, x + 24, y, LEGEND_PX - 1, "start", SOFT_INK, 0, spec->outer_label);
    } else if (spec->mid_label) {
        hc_svg_text(f, x, y, LEGEND_PX - 1, "start", SOFT_INK, 0, spec->mid_label);
    }
}

static void draw_legend(FILE *f, const hc_chart_spec *spec, const char *const *names, const int *colours, int n,
                        int fan)
{
    draw_legend_at(f, spec, names, colours, n, fan, LEGEND_Y);
}

/* A plot area: the main one (PX0..PX1, PY0..PY1), or a small multiple's panel. */
typedef struct {
    double x0, x1, y0, y1;
} plot_rect;
static const plot_rect main_plot = {PX0, PX1, PY0, PY1};
static double rx(const plot_rect *r, const axis *a, double v)
{
    return map(v, a->lo, a->hi, r->x0, r->x1);
}
static double ry(const plot_rect *r, const axis *a, double v)
{
    return map(v, a->lo, a->hi, r->y1, r->y0);
}

static void band_path(FILE *f, const plot_rect *pr, const hc_fan_series *s, const double *lo, const double *hi,
                      const axis *ax, const axis *ay, const char *colour, double opacity)
{
    int i;
    fputs("<path d=\"", f);
    for (i = 0; i < s->n; i++) fprintf(f, "%s%.2f %.2f", i ? " L" : "M", rx(pr, ax, s->x[i]), ry(pr, ay, hi[i]));
    for (i = s->n - 1; i >= 0; i--) fprintf(f, " L%.2f %.2f", rx(pr, ax, s->x[i]), ry(pr, ay, lo[i]));
    fprintf(f, " Z\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\"/>\n", colour, opacity);
}

static void polyline(FILE *f, const plot_rect *pr, const hc_fan_series *s, const double *y, const axis *ax,
                     const axis *ay, const char *colour, double width, const char *extra)
{
    int i;
    fputs("<polyline points=\"", f);
    for (i = 0; i < s->n; i++) fprintf(f, "%s%.2f,%.2f", i ? " " : "", rx(pr, ax, s->x[i]), ry(pr, ay, y[i]));
    fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"%s/>\n", colour, width,
            extra);
}

/* Small multiples: three or more fans overlap into mud, so each gets a panel of its own,
 * in a grid, on the same axes (the y range is every series', so panels compare at a
 * glance). The canvas grows with the rows. */
static int fan_panels(FILE *f, const hc_chart_spec *spec, const hc_fan_series *series, int n, axis *ax, const axis *ay)
{
    const int cols = n <= 4 ? 2 : 3, rows = (n + cols - 1) / cols;
    const double top = 64.0, panel_h = 170.0, gap_x = 14.0, left = 58.0, right = 14.0;
    const double panel_w = (CW - left - right - gap_x * (cols - 1)) / cols, height = top + rows * panel_h + 64.0;
    char label[64];
    int s, i;
    double v;
    if (ax->hi - ax->lo > 4) ax->step = ax->step < 2 ? 2 : ax->step; /* narrower panels: fewer year ticks */
    open_svg_sized(f, spec, height);
    for (s = 0; s < n; s++) {
        const hc_fan_series *se = &series[s];
        const char *colour = hc_chart_colour(se->colour);
        const int row = s / cols, col = s % cols;
        const plot_rect pr = {left + col * (panel_w + gap_x), left + col * (panel_w + gap_x) + panel_w,
                              top + row * panel_h + 22.0, top + row * panel_h + panel_h - 30.0};
        char name[48];
        snprintf(name, sizeof(name), "%s", se->name);
        if (strlen(name) > 40) memcpy(name + 37, "...", 4);
        hc_svg_text(f, pr.x0, pr.y0 - 7, 12.5, "start", colour, 1, name);
        for (v = ceil(ay->lo / ay->step - 1e-9) * ay->step; v <= ay->hi + 1e-9 * ay->step; v += ay->step) {
            line(f, pr.x0, ry(&pr, ay, v), pr.x1, ry(&pr, ay, v), GRID, 1.0);
            if (col == 0) {
                tick_label(label, sizeof(label), v, ay);
                hc_svg_text(f, pr.x0 - 5, ry(&pr, ay, v) + 4, 11, "end", SOFT_INK, 0, label);
            }
        }
        for (v = ceil(ax->lo / ax->step - 1e-9) * ax->step; v <= ax->hi + 1e-9 * ax->step; v += ax->step) {
            tick_label(label, sizeof(label), v, ax);
            hc_svg_text(f, rx(&pr, ax, v), pr.y1 + 14, 11, "middle", SOFT_INK, 0, label);
        }
        if (spec->zero_line && ay->lo < 0.0 && ay->hi > 0.0)
            line(f, pr.x0, ry(&pr, ay, 0.0), pr.x1, ry(&pr, ay, 0.0), "#555555", 1.0);
        line(f, pr.x0, pr.y1, pr.x1, pr.y1, "#555555", 1.0);
        band_path(f, &pr, se, se->outer_lo, se->outer_hi, ax, ay, colour, OUTER_OPACITY);
        if (spec->inner_label && se->inner_lo)
            band_path(f, &pr, se, se->inner_lo, se->inner_hi, ax, ay, colour, INNER_OPACITY);
        polyline(f, &pr, se, se->mid, ax, ay, colour, 2.0, "");
    }
    fprintf(f,
            "<text x=\"0\" y=\"0\" font-size=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" "
            "transform=\"translate(17 %.1f) rotate(-90)\">",
            LABEL_PX - 1, INK, top + rows * panel_h / 2);
    hc_put_xml_escaped(f, spec->y_label);
    fputs("</text>\n", f);
    i = 0;
    draw_legend_at(f, spec, NULL, &i, 0, 1, height - 44.0);
    fputs("</svg>\n", f);
    return ferror(f) ? 1 : 0;
}

int hc_svg_fan_chart(FILE *f, const hc_chart_spec *spec, const hc_fan_series *series, int n_series)
{
    const char *names[HC_COMPARE_MAX_SCENARIOS];
    int colours[HC_COMPARE_MAX_SCENARIOS];
    double ylo = spec->zero_line ? 0.0 : INFINITY, yhi = spec->zero_line ? 0.0 : -INFINITY, span;
    axis ax, ay;
    int s, i;
    if (n_series < 1 || n_series > HC_COMPARE_MAX_SCENARIOS || series[0].n < 1) return 1;
    for (s = 0; s < n_series; s++)
        for (i = 0; i < series[s].n; i++) {
            ylo = fmin(ylo, fmin(series[s].outer_lo[i], series[s].mid[i]));
            yhi = fmax(yhi, fmax(series[s].outer_hi[i], series[s].mid[i]));
        }
    axis_fit(&ay, ylo, yhi, 6);
    ax.lo = series[0].x[0];
    ax.hi = series[0].x[series[0].n - 1];
    if (!(ax.hi > ax.lo)) ax.hi = ax.lo + 1;
    span = ax.hi - ax.lo;
    ax.step = span <= 12 ? 1 : span <= 24 ? 2 : span <= 60 ? 5 : 10; /* whole years */
    ax.decimals = 0;
    if (n_series >= 3) return fan_panels(f, spec, series, n_series, &ax, &ay);
    open_svg(f, spec);
    draw_axes(f, spec, &ax, &ay);
    /* Every band first, then the lines on top, so no median hides under another fan.
     * The outer band's edges get a thin line: where fans overlap their tints mix, and
     * the edges keep each one readable. */
    for (s = 0; s < n_series; s++) {
        const char *colour = hc_chart_colour(series[s].colour);
        band_path(f, &main_plot, &series[s], series[s].outer_lo, series[s].outer_hi, &ax, &ay, colour, OUTER_OPACITY);
        if (spec->inner_label && series[s].inner_lo)
            band_path(f, &main_plot, &series[s], series[s].inner_lo, series[s].inner_hi, &ax, &ay, colour,
                      INNER_OPACITY);
    }
    for (s = 0; s < n_series; s++) {
        const char *colour = hc_chart_colour(series[s].colour);
        polyline(f, &main_plot, &series[s], series[s].outer_lo, &ax, &ay, colour, 0.8, " stroke-opacity=\"0.55\"");
        polyline(f, &main_plot, &series[s], series[s].outer_hi, &ax, &ay, colour, 0.8, " stroke-opacity=\"0.55\"");
    }
    for (s = 0; s < n_series; s++) {
        polyline(f, &main_plot, &series[s], series[s].mid, &ax, &ay, hc_chart_colour(series[s].colour), 2.4, "");
        names[s] = series[s].name;
        colours[s] = series[s].colour;
    }
    draw_legend(f, spec, names, colours, n_series, 1);
    fputs("</svg>\n", f);
    return ferror(f) ? 1 : 0;
}

int hc_svg_histogram(FILE *f, const hc_chart_spec *spec, double x0, double x1, int n_bins, const hc_hist_series *series,
                     int n_series)
{
    const char *names[HC_COMPARE_MAX_SCENARIOS];
    int colours[HC_COMPARE_MAX_SCENARIOS];
    const double width = (x1 - x0) / n_bins;
    double ymax = 0.0;
    axis ax, ay;
    int s, i;
    if (n_series < 1 || n_series > HC_COMPARE_MAX_SCENARIOS || n_bins < 1 || !(x1 > x0)) return 1;
    for (s = 0; s < n_series; s++)
        for (i = 0; i < n_bins; i++)
            if (series[s].total > 0) ymax = fmax(ymax, 100.0 * series[s].counts[i] / series[s].total);
    axis_fit(&ay, 0.0, ymax > 0 ? ymax : 1.0, 5);
    /* The bins set the range shown; ticks at nice multiples inside it. */
    axis_fixed(&ax, x0, x1, 8);
    open_svg(f, spec);
    draw_axes(f, spec, &ax, &ay);
    if (x0 < 0.0 && x1 > 0.0) line(f, px(&ax, 0.0), PY0, px(&ax, 0.0), PY1, "#555555", 1.2); /* no change */
    /* Each scenario as a filled step outline, so overlapping histograms stay readable. */
    for (s = 0; s < n_series; s++) {
        const char *colour = hc_chart_colour(series[s].colour);
        fprintf(f, "<path d=\"M%.2f %.2f", PX0, py(&ay, 0.0));
        for (i = 0; i < n_bins; i++) {
            const double pct = series[s].total > 0 ? 100.0 * series[s].counts[i] / series[s].total : 0.0;
            fprintf(f, " L%.2f %.2f L%.2f %.2f", px(&ax, x0 + i * width), py(&ay, pct), px(&ax, x0 + (i + 1) * width),
                    py(&ay, pct));
        }
        fprintf(f,
                " L%.2f %.2f Z\" fill=\"%s\" fill-opacity=\"0.22\" stroke=\"%s\" stroke-width=\"1.6\" "
                "stroke-linejoin=\"round\"/>\n",
                PX1, py(&ay, 0.0), colour, colour);
        names[s] = series[s].name;
        colours[s] = series[s].colour;
    }
    draw_legend(f, spec, names, colours, n_series, 0);
    fputs("</svg>\n", f);
    return ferror(f) ? 1 : 0;
}

int hc_svg_line_chart(FILE *f, const hc_chart_spec *spec, double y_lo, double y_hi, const hc_line_series *series,
                      int n_series, const double *marks, int n_marks)
{
    const char *names[HC_COMPARE_MAX_SCENARIOS];
    int colours[HC_COMPARE_MAX_SCENARIOS];
    double xlo = INFINITY, xhi = -INFINITY;
    axis ax, ay;
    int s, i;
    if (n_series < 1 || n_series > HC_COMPARE_MAX_SCENARIOS || !(y_hi > y_lo)) return 1;
    for (s = 0; s < n_series; s++)
        for (i = 0; i < series[s].n; i++) {
            xlo = fmin(xlo, series[s].x[i]);
            xhi = fmax(xhi, series[s].x[i]);
        }
    for (i = 0; i < n_marks; i++) {
        xlo = fmin(xlo, marks[i]);
        xhi = fmax(xhi, marks[i]);
    }
    if (!isfinite(xlo)) xlo = xhi = 0.0;
    axis_fit(&ax, xlo, xhi, 8);
    axis_fixed(&ay, y_lo, y_hi, 5);
    open_svg(f, spec);
    draw_axes(f, spec, &ax, &ay);
    for (i = 0; i < n_marks; i++)
        fprintf(f,
                "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#555555\" stroke-width=\"1.1\" "
                "stroke-dasharray=\"4 3\"/>\n",
                px(&ax, marks[i]), PY0, px(&ax, marks[i]), PY1);
    for (s = 0; s < n_series; s++) {
        fputs("<polyline points=\"", f);
        for (i = 0; i < series[s].n; i++)
            fprintf(f, "%s%.2f,%.2f", i ? " " : "", px(&ax, series[s].x[i]), py(&ay, series[s].y[i]));
        fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>\n",
                hc_chart_colour(series[s].colour));
        names[s] = series[s].name;
        colours[s] = series[s].colour;
    }
    draw_legend(f, spec, names, colours, n_series, 0);
    fputs("</svg>\n", f);
    return ferror(f) ? 1 : 0;
}

/* ---- the charts of a run */

typedef struct {
    int metric;
    const char *stem;
    const char *title;
    const char *y_label;
} fan_def;

static const fan_def fan_defs[] = {
    {HC_M_EMPLOYMENT_CHANGE, "employment_change_pct", "Net employment change", "Employment vs the start (%)"},
    {HC_M_AI_EFFECT, "ai_effect_pct", "AI effect: employment vs the same firms without AI",
     "Employment vs the no-AI path (%)"},
    {HC_M_DISPLACED, "displaced_pct", "Work automated", "Automated work (% of no-AI headcount)"},
    {HC_M_ROLLED_BACK, "rolled_back_pct", "Firms rolling adoption back",
     "Firms automating less than a year before (%)"},
    {HC_M_BUDGET_CAPPED, "budget_capped_pct", "Firms whose compute budget holds adoption down",
     "Firms held back by their budget (%)"},
};

static const fan_def diff_defs[] = {
    {HC_M_EMPLOYMENT_CHANGE, "paired_employment_change_pct", "Paired difference: net employment change",
     "Difference (percentage points)"},
    {HC_M_AI_EFFECT, "paired_ai_effect_pct", "Paired difference: AI effect on employment",
     "Difference (percentage points)"},
};

int hc_chart_open(const char *charts_dir, const char *stem, char *name, size_t name_len, char *tmp, size_t tmp_len,
                  FILE **f, hc_error *err)
{
    snprintf(name, name_len, "%s.svg", stem);
    *f = hc_output_open(charts_dir, name, tmp, tmp_len, err);
    return *f ? 0 : 1;
}

int hc_chart_commit(FILE *f, int draw_failed, const char *tmp, const char *charts_dir, const char *name,
                    hc_file_list *files, hc_error *err)
{
    char listed[128];
    if (draw_failed) {
        fclose(f);
        remove(tmp);
        return hc_fail(err, "%s/%s: could not draw the chart", charts_dir, name);
    }
    if (hc_output_commit(f, tmp, charts_dir, name, err)) return 1;
    snprintf(listed, sizeof(listed), "charts/%s", name);
    hc_file_list_add(files, listed);
    return hc_chart_images(charts_dir, name, files, err); /* PNG and PDF copies, when rsvg-convert is there */
}

/* Labels of the bands, from output.percentiles: "90 % band (p5 to p95)". */
static void band_labels(const double *p, const hc_band_cols *bc, char *mid, char *outer, char *inner, size_t len)
{
    snprintf(mid, len, "%s", bc->mid_is_median ? "median" : "mean");
    hc_band_label(p[bc->lo], p[bc->hi], "band", outer, len);
    if (bc->inner_lo >= 0)
        hc_band_label(p[bc->inner_lo], p[bc->inner_hi], "band", inner, len);
    else
        inner[0] = '\0';
}

/* Where a fan's numbers come from: a scenario's bands, or its paired difference. */
typedef struct {
    const hc_bands *b;
    const hc_compare *c;
    int metric;
    int scenario;
} row_source;

static void fill_series(hc_fan_series *se, const char *name, int colour, const row_source *src, const hc_band_cols *bc,
                        const double *x, int n, double *d)
{
    int t;
    for (t = 0; t < n; t++) {
        const double *row = src->b ? hc_bands_world(src->b, src->scenario, src->metric, t)
                                   : hc_compare_row(src->c, src->scenario, src->metric, t);
        d[t] = row[bc->mid];
        d[n + t] = row[bc->lo];
        d[2 * n + t] = row[bc->hi];
        d[3 * n + t] = bc->inner_lo >= 0 ? row[bc->inner_lo] : row[bc->lo];
        d[4 * n + t] = bc->inner_hi >= 0 ? row[bc->inner_hi] : row[bc->hi];
    }
    se->name = name;
    se->colour = colour;
    se->n = n;
    se->x = x;
    se->mid = d;
    se->outer_lo = d + n;
    se->outer_hi = d + 2 * n;
    se->inner_lo = bc->inner_lo >= 0 ? d + 3 * n : NULL;
    se->inner_hi = bc->inner_lo >= 0 ? d + 4 * n : NULL;
}

/* One fan chart: charts_dir/STEM.svg of n series, listed in files. */
static int write_fan(const char *charts_dir, const fan_def *fd, const char *subtitle, const char *const labels[3],
                     const hc_fan_series *series, int n, hc_file_list *files, hc_error *err)
{
    char tmp[4400], name[128];
    hc_chart_spec spec;
    FILE *f;
    int failed;
    memset(&spec, 0, sizeof(spec));
    spec.title = fd->title;
    spec.subtitle = subtitle;
    spec.y_label = fd->y_label;
    spec.x_label = "Year";
    spec.mid_label = labels[0];
    spec.outer_label = labels[1];
    spec.inner_label = labels[2][0] ? labels[2] : NULL;
    spec.zero_line = 1;
    if (hc_chart_open(charts_dir, fd->stem, name, sizeof(name), tmp, sizeof(tmp), &f, err)) return 1;
    failed = hc_svg_fan_chart(f, &spec, series, n);
    return hc_chart_commit(f, failed, tmp, charts_dir, name, files, err);
}

_Static_assert(HC_FIRM_HIST_MAX_SCENARIOS == HC_COMPARE_MAX_SCENARIOS, "the histogram holds every scenario of a run");

/* Histogram of firm-level change at the horizon (hc_horizon_firm_histogram: the range
 * holds the middle 98 % of firms of every scenario; the rest are counted in the end bins). */
static int write_firm_histogram(const char *charts_dir, const hc_results *r, const hc_config *cfg, int S,
                                hc_file_list *files, hc_error *err)
{
    const size_t N = (size_t)r->worlds * (size_t)r->firms;
    double counts[HC_FIRM_HIST_MAX_SCENARIOS][HC_FIRM_HIST_MAX_BINS];
    hc_firm_histogram *hist = (hc_firm_histogram *)malloc(sizeof(*hist));
    hc_hist_series hs[HC_COMPARE_MAX_SCENARIOS];
    hc_chart_spec spec;
    char sub[600], tmp[4400], name[128];
    int failed, s, k;
    FILE *f;
    if (!hist) return hc_fail(err, "out of memory drawing the firm histogram");
    if (hc_horizon_firm_histogram(r, S, hist, err)) {
        free(hist);
        return 1;
    }
    for (s = 0; s < S; s++) {
        for (k = 0; k < hist->n_bins; k++) counts[s][k] = (double)hist->counts[s][k];
        hs[s].name = hc_scenario_label(&cfg[s]);
        hs[s].colour = s;
        hs[s].counts = counts[s];
        hs[s].total = (double)N;
    }
    {
        /* 800000 -> "800,000": a count people read at a glance */
        char digits[32], count[48];
        size_t nd, i, o = 0;
        snprintf(digits, sizeof(digits), "%lld", (long long)N);
        nd = strlen(digits);
        for (i = 0; i < nd; i++) {
            if (i > 0 && (nd - i) % 3 == 0) count[o++] = ',';
            count[o++] = digits[i];
        }
        count[o] = '\0';
        snprintf(sub, sizeof(sub), "All %s firms of each scenario, %d; bins of %g points", count,
                 cfg[0].start_year + cfg[0].years, hist->step);
    }
    memset(&spec, 0, sizeof(spec));
    spec.title = "Firm-level change in headcount at the horizon";
    spec.subtitle = sub;
    spec.y_label = "Share of firms (%)";
    spec.x_label = "Change in a firm's headcount since the start (%)";
    spec.mid_label = "The end bins also hold the firms beyond them (at most 1 % of a scenario per side).";
    if (hc_chart_open(charts_dir, "firm_change_histogram", name, sizeof(name), tmp, sizeof(tmp), &f, err)) {
        free(hist);
        return 1;
    }
    failed = hc_svg_histogram(f, &spec, hist->x0, hist->x1, hist->n_bins, hs, S);
    free(hist);
    return hc_chart_commit(f, failed, tmp, charts_dir, name, files, err);
}

int hc_write_charts(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *c, const hc_config *cfg,
                    hc_file_list *files, hc_error *err)
{
    const int S = b->n_scenarios, n = b->n_steps + 1;
    char charts_dir[4200], subtitle[512], mid_l[96], outer_l[96], inner_l[96];
    const char *const labels[3] = {mid_l, outer_l, inner_l};
    char diff_names[HC_COMPARE_MAX_SCENARIOS][300];
    hc_fan_series series[HC_COMPARE_MAX_SCENARIOS];
    hc_band_cols bc;
    double *x = NULL, *data = NULL;
    int rc = 1, k, s, t;

    snprintf(charts_dir, sizeof(charts_dir), "%s/charts", dir);
    if (mkdir(charts_dir, 0777) != 0 && errno != EEXIST)
        return hc_fail(err, "%s: cannot create folder: %s", charts_dir, strerror(errno));
    hc_band_cols_pick(b->percentiles, b->np, &bc);
    band_labels(b->percentiles, &bc, mid_l, outer_l, inner_l, sizeof(mid_l));
    x = (double *)malloc((size_t)n * sizeof(double));
    data = (double *)malloc((size_t)S * 5 * (size_t)n * sizeof(double));
    if (!x || !data) {
        hc_fail(err, "out of memory drawing charts");
        goto done;
    }
    for (t = 0; t < n; t++) x[t] = (double)cfg[0].start_year + (double)t / (double)cfg[0].steps_per_year;
    snprintf(subtitle, sizeof(subtitle), "Across %lld possible futures (worlds) of %lld firms each",
             (long long)r->worlds, (long long)cfg[0].firms_per_world);

    for (k = 0; k < (int)(sizeof(fan_defs) / sizeof(fan_defs[0])); k++) {
        const fan_def *fd = &fan_defs[k];
        for (s = 0; s < S; s++) {
            const row_source src = {b, NULL, fd->metric, s};
            fill_series(&series[s], hc_scenario_label(&cfg[s]), s, &src, &bc, x, n, data + (size_t)s * 5 * (size_t)n);
        }
        if (write_fan(charts_dir, fd, subtitle, labels, series, S, files, err)) goto done;
    }

    if (c && hc_compare_pairs(c) > 0) {
        const int pairs = hc_compare_pairs(c);
        char diff_sub[700];
        snprintf(diff_sub, sizeof(diff_sub), "Minus %s, world by world in the same %lld futures",
                 hc_scenario_label(&cfg[c->baseline]), (long long)c->worlds);
        for (k = 0; k < (int)(sizeof(diff_defs) / sizeof(diff_defs[0])); k++) {
            const fan_def *fd = &diff_defs[k];
            int j;
            for (j = 0; j < pairs; j++) {
                const int sj = j < c->baseline ? j : j + 1;
                const row_source src = {NULL, c, fd->metric, sj};
                snprintf(diff_names[j], sizeof(diff_names[j]), "%s minus %s", hc_scenario_label(&cfg[sj]),
                         hc_scenario_label(&cfg[c->baseline]));
                fill_series(&series[j], diff_names[j], sj, &src, &bc, x, n, data + (size_t)j * 5 * (size_t)n);
            }
            if (write_fan(charts_dir, fd, diff_sub, labels, series, pairs, files, err)) goto done;
        }
    }

    if (write_firm_histogram(charts_dir, r, cfg, S, files, err)) goto done;
    rc = 0;
done:
    free(x);
    free(data);
    return rc;
}
