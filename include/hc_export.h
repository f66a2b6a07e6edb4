/* hc_export.h: the tables of an out folder in the formats users ask for (host only).
 *
 * One table (bands, firms, compare, trajectories) is written as CSV, JSON (an array of
 * records whose keys are the CSV's columns, numbers printed the same way) or a Markdown
 * table, from one description of its columns and rows, so the formats cannot drift
 * apart. CSV is always written (the reports link to it); the Markdown is rounded, yearly. */
#ifndef HC_EXPORT_H
#define HC_EXPORT_H

#include "hc_compare.h"
#include "hc_outdir.h"

enum { HC_FORMAT_CSV = 1u, HC_FORMAT_JSON = 2u, HC_FORMAT_MD = 4u };

/* "csv,json,md" (any non-empty subset, any order) -> HC_FORMAT_* bits; 0 on success. */
int hc_parse_formats(const char *s, unsigned *formats);
/* "employment_change_pct,ai_effect_pct" or "all" -> metric ids (no duplicates); 0 on
 * success, else `bad` holds the first name that is not a metric. */
int hc_parse_metric_list(const char *s, int *ids, int *n, char *bad, size_t bad_len);

typedef enum { HC_CELL_STR, HC_CELL_INT, HC_CELL_NUM } hc_cell_kind;
typedef struct {
    hc_cell_kind kind;
    const char *s;
    long long i;
    double x;
    char text[24]; /* a string made for this cell (a period); s points here */
} hc_cell;

#define HC_TABLE_MAX_COLS 48

/* A table described by its columns and a function that produces row i. */
typedef struct {
    const char *stem;  /* file name without extension: "bands" */
    const char *title; /* heading of the Markdown file */
    int n_cols;
    char cols[HC_TABLE_MAX_COLS][40];
    long long n_rows;
    void (*row)(const void *ctx, long long i, hc_cell *cells);
    const void *ctx;
    /* Markdown is for pasting into a paper, not for programs: rows for which md_keep is
     * true (NULL: all), the columns whose bit is clear in md_hide, numbers rounded. */
    int (*md_keep)(const void *ctx, long long i);
    unsigned long long md_hide;
} hc_table;

/* Writes DIR/STEM.csv, .json or .md (one of HC_FORMAT_*) and adds it to `files`. */
int hc_table_write(const char *dir, const hc_table *t, unsigned format, hc_file_list *files, hc_error *err);

/* The table in each format of `formats` (HC_FORMAT_* bits), CSV first. */
int hc_table_write_formats(const char *dir, const hc_table *t, unsigned formats, hc_file_list *files, hc_error *err);

/* compare.csv/json/md in the chosen formats (nothing when c compares nothing);
 * compare_vs_NAME.* when the baseline is not the first scenario. */
int hc_write_compare(const char *dir, const hc_compare *c, unsigned formats, hc_file_list *files,
                     hc_error *err);

/* Every table of a run in the chosen formats, worlds.f64 and the trajectories asked for
 * (info->trajectory_metrics). */
int hc_write_tables(const char *dir, const hc_bands *b, const hc_world_values *wv, const hc_compare *c,
                    const hc_config *cfg, const hc_run_info *info, hc_file_list *files, hc_error *err);

/* Column name of percentile p: 5 -> "p5", 2.5 -> "p2.5". */
void hc_percentile_label(double p, char *buf, size_t len);
/* "90 % band (p5 to p95)" for the percentiles lo and hi; noun "band" or "bands". */
void hc_band_label(double lo, double hi, const char *noun, char *buf, size_t len);

/* Step t of a run as a calendar period a spreadsheet sorts ("2026-Q2"; the `period`
 * column of bands, compare and trajectories; docs/outputs.md). */
void hc_period_label(int start_year, int t, int steps_per_year, char *buf, size_t len);

#endif
