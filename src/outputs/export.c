/* export.c: the tables of an out folder as CSV, JSON and Markdown from one description
 * each (hc_export.h), worlds.f64, and the per-world trajectories of chosen metrics. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_export.h"

/* The shortest decimal that reads back as p: exact, so labels of distinct percentiles
 * differ (with %g, 50 and 50.0000001 were both p50, and 99.9999999 was p100). */
void hc_percentile_label(double p, char *buf, size_t len)
{
    int digits;
    for (digits = 6; digits < 17; digits++) {
        char tmp[40];
        snprintf(tmp, sizeof(tmp), "%.*g", digits, p);
        if (strtod(tmp, NULL) == p) break;
    }
    snprintf(buf, len, "p%.*g", digits, p);
}

void hc_band_label(double lo, double hi, const char *noun, char *buf, size_t len)
{
    char a[32], b[32];
    hc_percentile_label(lo, a, sizeof(a));
    hc_percentile_label(hi, b, sizeof(b));
    snprintf(buf, len, "%g %% %s (%s to %s)", hi - lo, noun, a, b);
}

/* Where step t of a run falls on the calendar, as text a spreadsheet sorts: the value at
 * start_year + t / steps_per_year is measured at the start of this period (2026.25, the
 * first of April, is 2026-Q2). Quarters, halves and months get their usual names; any
 * other step count its number within the year, zero-padded ("2026-S07"). */
void hc_period_label(int start_year, int t, int steps_per_year, char *buf, size_t len)
{
    const int year = start_year + t / steps_per_year, k = t % steps_per_year + 1;
    if (steps_per_year == 1) snprintf(buf, len, "%d", year);
    else if (steps_per_year == 2) snprintf(buf, len, "%d-H%d", year, k);
    else if (steps_per_year == 4) snprintf(buf, len, "%d-Q%d", year, k);
    else if (steps_per_year == 12) snprintf(buf, len, "%d-%02d", year, k);
    else snprintf(buf, len, "%d-S%0*d", year, steps_per_year >= 100 ? 3 : 2, k);
}

/* CSV is always among them: report.html and summary.md point to the CSVs, and every
 * reader of an out folder (headcount compare, validation/validate.py) reads them. */
int hc_parse_formats(const char *s, unsigned *formats)
{
    char buf[256], *tok, *save = NULL;
    unsigned f = 0;
    if (strlen(s) >= sizeof(buf)) return 1;
    strcpy(buf, s);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "csv") == 0) f |= HC_FORMAT_CSV;
        else if (strcmp(tok, "json") == 0) f |= HC_FORMAT_JSON;
        else if (strcmp(tok, "md") == 0) f |= HC_FORMAT_MD;
        else return 1;
    }
    if (!f) return 1;
    *formats = f | HC_FORMAT_CSV;
    return 0;
}

int hc_parse_metric_list(const char *s, int *ids, int *n, char *bad, size_t bad_len)
{
    char buf[1024], *tok, *save = NULL;
    int count = 0, m, k;
    snprintf(bad, bad_len, "%s", s);
    if (strlen(s) >= sizeof(buf) || !*s) return 1;
    if (strcmp(s, "all") == 0) {
        for (m = 0; m < HC_N_METRICS; m++) ids[m] = m;
        *n = HC_N_METRICS;
        return 0;
    }
    strcpy(buf, s);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int found = -1, dup = 0;
        for (m = 0; m < HC_N_METRICS; m++)
            if (strcmp(tok, hc_metric_infos[m].name) == 0) found = m;
        if (found < 0) {
            snprintf(bad, bad_len, "%s", tok);
            return 1;
        }
        for (k = 0; k < count; k++) dup |= ids[k] == found;
        if (!dup) ids[count++] = found;
    }
    if (count == 0) return 1;
    *n = count;
    return 0;
}

/* ---- one table, three formats */

/* A number to read and paste: 3 significant digits, whole numbers from 100 up, never
 * an exponent (1234567 jobs is 1234567, 0.01234 % is 0.0123). */
static void put_rounded(FILE *f, double x)
{
    const double a = fabs(x);
    int decimals = 0;
    if (a > 0.0 && a < 100.0 && isfinite(a)) {
        decimals = 2 - (int)floor(log10(a));
        /* 0.0099996 rounds up to the next power of ten: 0.0100, not 0.01000 (4 digits) */
        if (round(a * pow(10.0, decimals)) >= 1000.0) decimals--;
    }
    if (decimals > 9) decimals = 9;
    if (a == 0.0) x = 0.0; /* not "-0" */
    fprintf(f, "%.*f", decimals, x);
}

/* Numbers as in bands.csv (%.10g), so a JSON record and a CSV row read the same; rounded
 * in Markdown (put_rounded). */
static void put_cell(FILE *f, const hc_cell *c, int quote_strings, int rounded)
{
    switch (c->kind) {
    case HC_CELL_STR:
        if (quote_strings) {
            const char *p;
            fputc('"', f);
            for (p = c->s; *p; p++) {
                if (*p == '"' || *p == '\\') fputc('\\', f);
                if ((unsigned char)*p < 0x20) fprintf(f, "\\u%04x", (unsigned)(unsigned char)*p);
                else fputc(*p, f);
            }
            fputc('"', f);
        } else {
            fputs(c->s, f);
        }
        break;
    case HC_CELL_INT: fprintf(f, "%lld", c->i); break;
    case HC_CELL_NUM:
        if (rounded) put_rounded(f, c->x);
        else fprintf(f, "%.10g", c->x);
        break;
    }
}

int hc_table_write(const char *dir, const hc_table *t, unsigned format, hc_file_list *files, hc_error *err)
{
    char tmp[4200], name[128];
    hc_cell cells[HC_TABLE_MAX_COLS];
    const char *ext = format == HC_FORMAT_JSON ? "json" : format == HC_FORMAT_MD ? "md" : "csv";
    long long i;
    int k;
    FILE *f;
    snprintf(name, sizeof(name), "%s.%s", t->stem, ext);
    f = hc_output_open(dir, name, tmp, sizeof(tmp), err);
    if (!f) return 1;
    if (format == HC_FORMAT_CSV) {
        for (k = 0; k < t->n_cols; k++) fprintf(f, "%s%s", k ? "," : "", t->cols[k]);
        fputc('\n', f);
    } else if (format == HC_FORMAT_JSON) {
        fputs("[", f);
    } else {
        if (t->n_rows > 0) t->row(t->ctx, 0, cells); /* numbers right-aligned, names left */
        fprintf(f, "# %s\n\n%s, rounded to 3 significant digits; %s.csv has every digit%s.\n\n|", t->title,
                t->md_keep ? "Whole years" : "Every row", t->stem, t->md_keep ? " and every step" : "");
        for (k = 0; k < t->n_cols; k++)
            if (!(t->md_hide >> k & 1)) fprintf(f, " %s |", t->cols[k]);
        fputs("\n|", f);
        for (k = 0; k < t->n_cols; k++)
            if (!(t->md_hide >> k & 1)) fputs(t->n_rows > 0 && cells[k].kind == HC_CELL_STR ? "---|" : "---:|", f);
        fputc('\n', f);
    }
    for (i = 0; i < t->n_rows; i++) {
        if (format == HC_FORMAT_MD && t->md_keep && !t->md_keep(t->ctx, i)) continue;
        t->row(t->ctx, i, cells);
        if (format == HC_FORMAT_CSV) {
            for (k = 0; k < t->n_cols; k++) {
                if (k) fputc(',', f);
                put_cell(f, &cells[k], 0, 0);
            }
            fputc('\n', f);
        } else if (format == HC_FORMAT_JSON) {
            fputs(i ? ",\n{" : "\n{", f);
            for (k = 0; k < t->n_cols; k++) {
                fprintf(f, "%s\"%s\":", k ? "," : "", t->cols[k]);
                put_cell(f, &cells[k], 1, 0);
            }
            fputc('}', f);
        } else {
            fputc('|', f);
            for (k = 0; k < t->n_cols; k++) {
                if (t->md_hide >> k & 1) continue;
                fputc(' ', f);
                put_cell(f, &cells[k], 0, 1);
                fputs(" |", f);
            }
            fputc('\n', f);
        }
    }
    if (format == HC_FORMAT_JSON) fputs("\n]\n", f);
    if (hc_output_commit(f, tmp, dir, name, err)) return 1;
    hc_file_list_add(files, name);
    return 0;
}

int hc_table_write_formats(const char *dir, const hc_table *t, unsigned formats, hc_file_list *files,
                         hc_error *err)
{
    static const unsigned order[] = {HC_FORMAT_CSV, HC_FORMAT_JSON, HC_FORMAT_MD};
    int k;
    for (k = 0; k < 3; k++)
        if ((formats & order[k]) && hc_table_write(dir, t, order[k], files, err)) return 1;
    return 0;
}

static void add_percentile_cols(hc_table *t, const double *percentiles, int np)
{
    int k;
    for (k = 0; k < np; k++) hc_percentile_label(percentiles[k], t->cols[t->n_cols++], sizeof(t->cols[0]));
}

static void add_col(hc_table *t, const char *name)
{
    snprintf(t->cols[t->n_cols++], sizeof(t->cols[0]), "%s", name);
}

/* A band's columns, as bands.csv has them: the percentiles, mean, sd. */
static void add_band_cols(hc_table *t, const hc_bands *b)
{
    add_percentile_cols(t, b->percentiles, b->np);
    add_col(t, "mean");
    add_col(t, "sd");
}

static void str_cell(hc_cell *c, const char *s)
{
    c->kind = HC_CELL_STR;
    c->s = s;
}
static void int_cell(hc_cell *c, long long i)
{
    c->kind = HC_CELL_INT;
    c->i = i;
}
static void num_cell(hc_cell *c, double x)
{
    c->kind = HC_CELL_NUM;
    c->x = x;
}

/* The step, its year as a number (2026.25) and its period ("2026-Q2"), in that order. */
static void time_cells(hc_cell *cells, int start_year, int steps_per_year, int t)
{
    int_cell(&cells[0], t);
    num_cell(&cells[1], (double)start_year + (double)t / (double)steps_per_year);
    hc_period_label(start_year, t, steps_per_year, cells[2].text, sizeof(cells[2].text));
    str_cell(&cells[2], cells[2].text);
}

/* In Markdown, whose rows are whole years, the year alone says when. */
static void add_time_cols(hc_table *t)
{
    t->md_hide |= 1ull << t->n_cols;
    add_col(t, "step");
    add_col(t, "year");
    t->md_hide |= 1ull << t->n_cols;
    add_col(t, "period");
}

/* ---- bands: scenario,metric,step,year,period,p...,mean,sd,mcse_... */

typedef struct {
    const hc_bands *b;
    const hc_config *cfg;
} run_ctx;

static void bands_row(const void *ctx, long long i, hc_cell *cells)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int steps = c->b->n_steps + 1;
    const int s = (int)(i / ((long long)HC_N_METRICS * steps));
    const int metric = (int)(i / steps % HC_N_METRICS), t = (int)(i % steps);
    const double *row = hc_bands_world(c->b, s, metric, t);
    const int n = HC_BAND_WORLD_COLS(c->b);
    int k;
    str_cell(&cells[0], c->cfg[s].name);
    str_cell(&cells[1], hc_metric_infos[metric].name);
    time_cells(&cells[2], c->cfg[s].start_year, c->cfg[s].steps_per_year, t);
    for (k = 0; k < n; k++) num_cell(&cells[5 + k], row[k]);
    for (k = 0; k < n; k++) /* the MCSE of each (hc_mcse_row), in their order */
        num_cell(&cells[5 + n + k], c->b->mcse ? c->b->mcse[(size_t)(row - c->b->world) + (size_t)k] : 0.0);
}

static int bands_whole_year(const void *ctx, long long i)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int steps = c->b->n_steps + 1;
    const int s = (int)(i / ((long long)HC_N_METRICS * steps));
    return (int)(i % steps) % c->cfg[s].steps_per_year == 0;
}

/* ---- firms: scenario,year,p...,mean,sd,shrinking_pct (whole years) */

static void firms_row(const void *ctx, long long i, hc_cell *cells)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int s = (int)(i / (c->b->years + 1)), year = (int)(i % (c->b->years + 1));
    const double *row = hc_bands_firm(c->b, s, year);
    int k;
    str_cell(&cells[0], c->cfg[s].name);
    int_cell(&cells[1], c->cfg[s].start_year + year);
    for (k = 0; k < c->b->np + 2; k++) num_cell(&cells[2 + k], row[k]);
    num_cell(&cells[2 + c->b->np + 2], 100.0 * row[c->b->np + 2]); /* a share, in % as its neighbours */
}

/* ---- roles: scenario,role,metric,step,year,period,p...,mean,sd; each scenario its own roles */

static long long role_rows(const run_ctx *c, int s)
{
    return (long long)c->cfg[s].model.n_roles * HC_N_ROLE_METRICS * (c->b->n_steps + 1);
}

/* Row i of roles.csv: its scenario s and the row within that scenario's roles. */
static int role_row_scenario(const run_ctx *c, long long *i)
{
    int s = 0;
    while (*i >= role_rows(c, s)) *i -= role_rows(c, s++);
    return s;
}

static void roles_row(const void *ctx, long long i, hc_cell *cells)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int steps = c->b->n_steps + 1, s = role_row_scenario(c, &i);
    const int role = (int)(i / ((long long)HC_N_ROLE_METRICS * steps));
    const int metric = (int)(i / steps % HC_N_ROLE_METRICS), t = (int)(i % steps);
    const double *row = hc_bands_role(c->b, s, role, metric, t);
    int k;
    str_cell(&cells[0], c->cfg[s].name);
    str_cell(&cells[1], c->cfg[s].role_names[role]);
    str_cell(&cells[2], hc_role_metric_infos[metric].name);
    time_cells(&cells[3], c->cfg[s].start_year, c->cfg[s].steps_per_year, t);
    for (k = 0; k < HC_BAND_WORLD_COLS(c->b); k++) num_cell(&cells[6 + k], row[k]);
}

static int roles_whole_year(const void *ctx, long long i)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int s = role_row_scenario(c, &i);
    return (int)(i % (c->b->n_steps + 1)) % c->cfg[s].steps_per_year == 0;
}

/* roles.csv/json/md: each role's bands across worlds (hc_bands.role). */
static int write_roles(const char *dir, const run_ctx *rc, unsigned formats, hc_file_list *files, hc_error *err)
{
    hc_table t;
    int s;
    memset(&t, 0, sizeof(t));
    t.stem = "roles";
    t.title = "Bands across worlds per role: each role's own work";
    add_col(&t, "scenario");
    add_col(&t, "role");
    add_col(&t, "metric");
    add_time_cols(&t);
    add_band_cols(&t, rc->b);
    for (s = 0; s < rc->b->n_scenarios; s++) t.n_rows += role_rows(rc, s);
    t.row = roles_row;
    t.ctx = rc;
    t.md_keep = roles_whole_year;
    return hc_table_write_formats(dir, &t, formats, files, err);
}

/* ---- compare: scenario,baseline,metric,step,year,period,p...,mean,sd,above_pct */

static int compared_index(const hc_compare *c, int k) { return k < c->baseline ? k : k + 1; }

static void compare_row(const void *ctx, long long i, hc_cell *cells)
{
    const hc_compare *c = (const hc_compare *)ctx;
    const int steps = c->n_steps + 1;
    const int s = compared_index(c, (int)(i / ((long long)HC_N_METRICS * steps)));
    const int metric = (int)(i / steps % HC_N_METRICS), t = (int)(i % steps);
    const double *row = hc_compare_row(c, s, metric, t);
    int k;
    str_cell(&cells[0], c->names[s]);
    str_cell(&cells[1], c->names[c->baseline]);
    str_cell(&cells[2], hc_metric_infos[metric].name);
    time_cells(&cells[3], c->start_year, c->steps_per_year, t);
    for (k = 0; k < c->np + 2; k++) num_cell(&cells[6 + k], row[k]);
    num_cell(&cells[6 + c->np + 2], 100.0 * row[c->np + 2]); /* a share of worlds, in % */
}

static int compare_whole_year(const void *ctx, long long i)
{
    const hc_compare *c = (const hc_compare *)ctx;
    return (int)(i % (c->n_steps + 1)) % c->steps_per_year == 0;
}

int hc_write_compare(const char *dir, const hc_compare *c, unsigned formats, hc_file_list *files,
                     hc_error *err)
{
    hc_table t;
    char stem[200];
    if (hc_compare_pairs(c) == 0) return 0;
    /* Against the run's own baseline (its first scenario) the file is compare.csv, as the
     * run wrote it; against another, compare_vs_NAME.csv, so compare.csv and the digest
     * manifest.json holds for it stay the run's. */
    if (c->baseline == 0) snprintf(stem, sizeof(stem), "compare");
    else snprintf(stem, sizeof(stem), "compare_vs_%s", c->names[c->baseline]);
    memset(&t, 0, sizeof(t));
    t.stem = stem;
    t.title = "Paired differences: each scenario minus the baseline, world by world";
    add_col(&t, "scenario");
    add_col(&t, "baseline");
    add_col(&t, "metric");
    add_time_cols(&t);
    add_percentile_cols(&t, c->percentiles, c->np);
    add_col(&t, "mean");
    add_col(&t, "sd");
    add_col(&t, "above_pct");
    t.n_rows = (long long)hc_compare_pairs(c) * HC_N_METRICS * (c->n_steps + 1);
    t.row = compare_row;
    t.ctx = c;
    t.md_keep = compare_whole_year;
    return hc_table_write_formats(dir, &t, formats, files, err);
}

/* ---- trajectories: scenario,world,step,year,period,<metric>... (one row per world and step) */

typedef struct {
    const hc_world_values *wv;
    const hc_config *cfg;
    const int *metrics;
    int n_metrics;
} traj_ctx;

static void traj_row(const void *ctx, long long i, hc_cell *cells)
{
    const traj_ctx *c = (const traj_ctx *)ctx;
    const int steps = c->wv->n_steps + 1;
    const long long per_scenario = c->wv->worlds * steps;
    const int s = (int)(i / per_scenario);
    const long long w = i % per_scenario / steps;
    const int t = (int)(i % steps);
    int k;
    str_cell(&cells[0], c->cfg[s].name);
    int_cell(&cells[1], w);
    time_cells(&cells[2], c->cfg[s].start_year, c->cfg[s].steps_per_year, t);
    for (k = 0; k < c->n_metrics; k++) num_cell(&cells[5 + k], hc_world_values_at(c->wv, s, c->metrics[k], t)[w]);
}

/* bands, firms and roles: the tables of hc_bands. */
static int write_band_tables(const char *dir, const hc_bands *b, const hc_config *cfg, unsigned formats,
                             hc_file_list *files, hc_error *err)
{
    run_ctx rc;
    hc_table t;
    int k;
    rc.b = b;
    rc.cfg = cfg;
    memset(&t, 0, sizeof(t));
    t.stem = "bands";
    t.title = "Bands across worlds";
    add_col(&t, "scenario");
    add_col(&t, "metric");
    add_time_cols(&t);
    add_band_cols(&t, b);
    /* the MCSE columns are for checking, not for pasting */
    t.md_hide |= ~0ull << t.n_cols;
    for (k = 0; k < b->np; k++) {
        char label[32];
        hc_percentile_label(b->percentiles[k], label, sizeof(label));
        snprintf(t.cols[t.n_cols++], sizeof(t.cols[0]), "mcse_%s", label);
    }
    add_col(&t, "mcse_mean");
    add_col(&t, "mcse_sd");
    t.n_rows = (long long)b->n_scenarios * HC_N_METRICS * (b->n_steps + 1);
    t.row = bands_row;
    t.ctx = &rc;
    t.md_keep = bands_whole_year;
    if (hc_table_write_formats(dir, &t, formats, files, err)) return 1;

    memset(&t, 0, sizeof(t));
    t.stem = "firms";
    t.title = "Firm-level change in headcount (%) across all firms, by year";
    add_col(&t, "scenario");
    add_col(&t, "year");
    add_band_cols(&t, b);
    add_col(&t, "shrinking_pct");
    t.n_rows = (long long)b->n_scenarios * (b->years + 1);
    t.row = firms_row;
    t.ctx = &rc;
    if (hc_table_write_formats(dir, &t, formats, files, err)) return 1;

    return write_roles(dir, &rc, formats, files, err);
}

int hc_write_tables(const char *dir, const hc_bands *b, const hc_world_values *wv, const hc_compare *c,
                    const hc_config *cfg, const hc_run_info *info, hc_file_list *files, hc_error *err)
{
    const unsigned formats = info->formats | HC_FORMAT_CSV;
    hc_table t;
    int k;
    if (write_band_tables(dir, b, cfg, formats, files, err) || hc_write_compare(dir, c, formats, files, err))
        return 1;
    if (hc_world_values_write(dir, wv, err)) return 1;
    hc_file_list_add(files, HC_WORLDS_FILE);

    if (info->n_trajectory_metrics > 0) {
        traj_ctx tc;
        tc.wv = wv;
        tc.cfg = cfg;
        tc.metrics = info->trajectory_metrics;
        tc.n_metrics = info->n_trajectory_metrics;
        memset(&t, 0, sizeof(t));
        t.stem = "trajectories";
        t.title = "Per-world trajectories";
        add_col(&t, "scenario");
        add_col(&t, "world");
        add_time_cols(&t);
        for (k = 0; k < tc.n_metrics; k++) add_col(&t, hc_metric_infos[tc.metrics[k]].name);
        t.n_rows = (long long)wv->n_scenarios * wv->worlds * (wv->n_steps + 1);
        t.row = traj_row;
        t.ctx = &tc;
        /* A table of every world and step is for programs, not for reading: CSV, and JSON
         * when it was asked for; never Markdown. */
        if (hc_table_write_formats(dir, &t, formats & (HC_FORMAT_CSV | HC_FORMAT_JSON), files, err)) return 1;
    }
    return 0;
}
