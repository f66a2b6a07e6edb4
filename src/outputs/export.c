/* export.c: the tables of an out folder as CSV, JSON and Markdown from one description
 * each (hc_export.h), worlds.f64, and the per-world trajectories of chosen metrics.
 * bands.csv and firms.csv have writers of their own (below), whose bytes stay as they were. */
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

static void write_percentile_header(FILE *f, const hc_bands *b)
{
    int i;
    for (i = 0; i < b->np; i++) {
        char label[32];
        hc_percentile_label(b->percentiles[i], label, sizeof(label));
        fprintf(f, ",%s", label);
    }
}

int hc_write_bands_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err)
{
    char tmp[4200];
    int s, metric, t, c;
    FILE *f = hc_output_open(dir, "bands.csv", tmp, sizeof(tmp), err);
    if (!f) return 1;
    fputs("scenario,metric,step,year", f);
    write_percentile_header(f, b);
    fputs(",mean,sd", f);
    /* The Monte Carlo standard error of each column before (hc_mcse_row), in their order. */
    for (c = 0; c < b->np; c++) {
        char label[32];
        hc_percentile_label(b->percentiles[c], label, sizeof(label));
        fprintf(f, ",mcse_%s", label);
    }
    fputs(",mcse_mean,mcse_sd\n", f);
    for (s = 0; s < b->n_scenarios; s++)
        for (metric = 0; metric < HC_N_METRICS; metric++)
            for (t = 0; t <= b->n_steps; t++) {
                const double *row = hc_bands_world(b, s, metric, t);
                const size_t at = (size_t)(row - b->world); /* the same place in b->mcse */
                fprintf(f, "%s,%s,%d,%.10g", cfg[s].name, hc_metric_infos[metric].name, t,
                        (double)cfg[s].start_year + (double)t / (double)cfg[s].steps_per_year);
                for (c = 0; c < HC_BAND_WORLD_COLS(b); c++) fprintf(f, ",%.10g", row[c]);
                for (c = 0; c < HC_BAND_WORLD_COLS(b); c++) fprintf(f, ",%.10g", b->mcse ? b->mcse[at + (size_t)c] : 0.0);
                fputc('\n', f);
            }
    return hc_output_commit(f, tmp, dir, "bands.csv", err);
}

int hc_write_firms_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err)
{
    char tmp[4200];
    int s, year, c;
    FILE *f = hc_output_open(dir, "firms.csv", tmp, sizeof(tmp), err);
    if (!f) return 1;
    fputs("scenario,year", f);
    write_percentile_header(f, b);
    fputs(",mean,sd,share_shrinking\n", f);
    for (s = 0; s < b->n_scenarios; s++)
        for (year = 0; year <= b->years; year++) {
            const double *row = hc_bands_firm(b, s, year);
            fprintf(f, "%s,%d", cfg[s].name, cfg[s].start_year + year);
            for (c = 0; c < HC_BAND_FIRM_COLS(b); c++) fprintf(f, ",%.10g", row[c]);
            fputc('\n', f);
        }
    return hc_output_commit(f, tmp, dir, "firms.csv", err);
}

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
    *formats = f;
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

/* Numbers as in bands.csv (%.10g), so a JSON record and a CSV row read the same. */
static void put_cell(FILE *f, const hc_cell *c, int quote_strings)
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
    case HC_CELL_NUM: fprintf(f, "%.10g", c->x); break;
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
        fprintf(f, "# %s\n\n|", t->title);
        for (k = 0; k < t->n_cols; k++) fprintf(f, " %s |", t->cols[k]);
        fputs("\n|", f);
        for (k = 0; k < t->n_cols; k++) fputs("---|", f);
        fputc('\n', f);
    }
    for (i = 0; i < t->n_rows; i++) {
        t->row(t->ctx, i, cells);
        if (format == HC_FORMAT_CSV) {
            for (k = 0; k < t->n_cols; k++) {
                if (k) fputc(',', f);
                put_cell(f, &cells[k], 0);
            }
            fputc('\n', f);
        } else if (format == HC_FORMAT_JSON) {
            fputs(i ? ",\n{" : "\n{", f);
            for (k = 0; k < t->n_cols; k++) {
                fprintf(f, "%s\"%s\":", k ? "," : "", t->cols[k]);
                put_cell(f, &cells[k], 1);
            }
            fputc('}', f);
        } else {
            fputc('|', f);
            for (k = 0; k < t->n_cols; k++) {
                fputc(' ', f);
                put_cell(f, &cells[k], 0);
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

/* ---- bands: scenario,metric,step,year,p...,mean,sd (as bands.csv) */

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
    int k;
    str_cell(&cells[0], c->cfg[s].name);
    str_cell(&cells[1], hc_metric_infos[metric].name);
    int_cell(&cells[2], t);
    num_cell(&cells[3], (double)c->cfg[s].start_year + (double)t / (double)c->cfg[s].steps_per_year);
    for (k = 0; k < HC_BAND_WORLD_COLS(c->b); k++) num_cell(&cells[4 + k], row[k]);
    for (k = 0; k < HC_BAND_WORLD_COLS(c->b); k++) /* the MCSE of each, as bands.csv (hc_mcse_row) */
        num_cell(&cells[4 + HC_BAND_WORLD_COLS(c->b) + k],
                 c->b->mcse ? c->b->mcse[(size_t)(row - c->b->world) + (size_t)k] : 0.0);
}

/* ---- firms: scenario,year,p...,mean,sd,share_shrinking (as firms.csv) */

static void firms_row(const void *ctx, long long i, hc_cell *cells)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int s = (int)(i / (c->b->years + 1)), year = (int)(i % (c->b->years + 1));
    const double *row = hc_bands_firm(c->b, s, year);
    int k;
    str_cell(&cells[0], c->cfg[s].name);
    int_cell(&cells[1], c->cfg[s].start_year + year);
    for (k = 0; k < HC_BAND_FIRM_COLS(c->b); k++) num_cell(&cells[2 + k], row[k]);
}

/* ---- roles: scenario,role,metric,step,year,p...,mean,sd; each scenario its own roles */

static long long role_rows(const run_ctx *c, int s)
{
    return (long long)c->cfg[s].model.n_roles * HC_N_ROLE_METRICS * (c->b->n_steps + 1);
}

static void roles_row(const void *ctx, long long i, hc_cell *cells)
{
    const run_ctx *c = (const run_ctx *)ctx;
    const int steps = c->b->n_steps + 1;
    int s = 0, role, metric, t, k;
    const double *row;
    while (i >= role_rows(c, s)) i -= role_rows(c, s++);
    role = (int)(i / ((long long)HC_N_ROLE_METRICS * steps));
    metric = (int)(i / steps % HC_N_ROLE_METRICS);
    t = (int)(i % steps);
    row = hc_bands_role(c->b, s, role, metric, t);
    str_cell(&cells[0], c->cfg[s].name);
    str_cell(&cells[1], c->cfg[s].role_names[role]);
    str_cell(&cells[2], hc_role_metric_infos[metric].name);
    int_cell(&cells[3], t);
    num_cell(&cells[4], (double)c->cfg[s].start_year + (double)t / (double)c->cfg[s].steps_per_year);
    for (k = 0; k < HC_BAND_WORLD_COLS(c->b); k++) num_cell(&cells[5 + k], row[k]);
}

/* roles.csv/json/md: each role's bands across worlds (hc_bands.role). */
static int write_roles(const char *dir, const run_ctx *rc, unsigned formats, hc_file_list *files, hc_error *err)
{
    hc_table t;
    int s;
    memset(&t, 0, sizeof(t));
    t.stem = "roles";
    t.title = "Bands across worlds per role: each role's own work at every step";
    add_col(&t, "scenario");
    add_col(&t, "role");
    add_col(&t, "metric");
    add_col(&t, "step");
    add_col(&t, "year");
    add_band_cols(&t, rc->b);
    for (s = 0; s < rc->b->n_scenarios; s++) t.n_rows += role_rows(rc, s);
    t.row = roles_row;
    t.ctx = rc;
    return hc_table_write_formats(dir, &t, formats, files, err);
}

/* ---- compare: scenario,baseline,metric,step,year,p...,mean,sd,p_above */

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
    int_cell(&cells[3], t);
    num_cell(&cells[4], (double)c->start_year + (double)t / (double)c->steps_per_year);
    for (k = 0; k < HC_COMPARE_COLS(c); k++) num_cell(&cells[5 + k], row[k]);
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
    add_col(&t, "step");
    add_col(&t, "year");
    add_percentile_cols(&t, c->percentiles, c->np);
    add_col(&t, "mean");
    add_col(&t, "sd");
    add_col(&t, "p_above");
    t.n_rows = (long long)hc_compare_pairs(c) * HC_N_METRICS * (c->n_steps + 1);
    t.row = compare_row;
    t.ctx = c;
    return hc_table_write_formats(dir, &t, formats, files, err);
}

/* ---- trajectories: scenario,world,step,year,<metric>... (one row per world and step) */

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
    int_cell(&cells[2], t);
    num_cell(&cells[3], (double)c->cfg[s].start_year + (double)t / (double)c->cfg[s].steps_per_year);
    for (k = 0; k < c->n_metrics; k++) num_cell(&cells[4 + k], hc_world_values_at(c->wv, s, c->metrics[k], t)[w]);
}

int hc_write_tables(const char *dir, const hc_bands *b, const hc_world_values *wv, const hc_compare *c,
                    const hc_config *cfg, const hc_run_info *info, hc_file_list *files, hc_error *err)
{
    const unsigned formats = info->formats ? info->formats : HC_FORMAT_CSV;
    run_ctx rc;
    hc_table t;
    int k;
    rc.b = b;
    rc.cfg = cfg;

    if (formats & HC_FORMAT_CSV) {
        if (hc_write_bands_csv(dir, b, cfg, err)) return 1;
        hc_file_list_add(files, "bands.csv");
        if (hc_write_firms_csv(dir, b, cfg, err)) return 1;
        hc_file_list_add(files, "firms.csv");
    }
    /* JSON and Markdown of bands and firms; their CSVs are written above, as they always were. */
    memset(&t, 0, sizeof(t));
    t.stem = "bands";
    t.title = "Bands across worlds: every metric at every step";
    add_col(&t, "scenario");
    add_col(&t, "metric");
    add_col(&t, "step");
    add_col(&t, "year");
    add_band_cols(&t, b);
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
    if (hc_table_write_formats(dir, &t, formats & ~HC_FORMAT_CSV, files, err)) return 1;

    memset(&t, 0, sizeof(t));
    t.stem = "firms";
    t.title = "Firm-level change in headcount (%) across all firms, by year";
    add_col(&t, "scenario");
    add_col(&t, "year");
    add_band_cols(&t, b);
    add_col(&t, "share_shrinking");
    t.n_rows = (long long)b->n_scenarios * (b->years + 1);
    t.row = firms_row;
    t.ctx = &rc;
    if (hc_table_write_formats(dir, &t, formats & ~HC_FORMAT_CSV, files, err)) return 1;

    if (write_roles(dir, &rc, formats, files, err)) return 1;

    if (hc_write_compare(dir, c, formats, files, err)) return 1;

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
        add_col(&t, "step");
        add_col(&t, "year");
        for (k = 0; k < tc.n_metrics; k++) add_col(&t, hc_metric_infos[tc.metrics[k]].name);
        t.n_rows = (long long)wv->n_scenarios * wv->worlds * (wv->n_steps + 1);
        t.row = traj_row;
        t.ctx = &tc;
        /* A table of every world and step is for programs, not for reading: CSV unless
         * only JSON was asked for, and JSON when it was; never Markdown. */
        if (hc_table_write_formats(dir, &t, (formats & HC_FORMAT_JSON) ? (formats & (HC_FORMAT_CSV | HC_FORMAT_JSON)) : HC_FORMAT_CSV,
                          files, err))
            return 1;
    }
    return 0;
}
