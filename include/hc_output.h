/* hc_output.h: the files of an out folder (host only). Every file is written under a
 * temporary name in the same folder and renamed into place, so an interrupted run never
 * leaves a half-written table under a real name. */
#ifndef HC_OUTPUT_H
#define HC_OUTPUT_H

#include <stdio.h>
#include "hc_bands.h"
#include "hc_compare.h"

/* Run facts the manifest records besides the configs, and what to write. Zero the
 * struct first: a zero field means its default. */
typedef struct {
    int argc;
    char **argv;
    double wall_seconds;
    const char *started_at; /* ISO 8601, UTC */
    unsigned formats;       /* HC_FORMAT_* bits of the tables (hc_export.h); 0: csv */
    int n_trajectory_metrics; /* --trajectories: metrics whose per-world values to write */
    int trajectory_metrics[HC_N_METRICS];
    /* Files the command wrote into the folder itself before hc_write_outputs (--samples,
     * --trace-percentiles): the manifest lists and hashes them with the rest. */
    const char (*extra_files)[64];
    int n_extra_files;
    /* manifest.json's "uncertainty" (design, sensitivity, --target-mcse: src/mcse.c);
     * NULL: none. Copied, not owned. */
    const cJSON *uncertainty;
} hc_run_info;

/* The files written into an out folder, in order, for the manifest's "files". */
#define HC_MAX_OUTPUT_FILES 64
typedef struct {
    int n;
    char name[HC_MAX_OUTPUT_FILES][64];
} hc_file_list;
void hc_file_list_add(hc_file_list *l, const char *name);

/* Creates `dir` (and parents). An existing folder that already holds a run
 * (manifest.json) is refused unless `force`. */
int hc_output_prepare_dir(const char *dir, int force, hc_error *err);

/* Opens DIR/.NAME.tmp-PID for writing; hc_output_commit closes it and renames it to
 * DIR/NAME (removing the temporary on any failure). */
FILE *hc_output_open(const char *dir, const char *name, char *tmp_path, size_t tmp_len, hc_error *err);
int hc_output_commit(FILE *f, const char *tmp_path, const char *dir, const char *name, hc_error *err);

/* Staging (docs/hardening.md): a run writes every file into a hidden folder inside its
 * out folder (hc_output_stage gives its path), then moves them all into place with
 * hc_output_publish, manifest.json last, after removing the old run's manifest. A run
 * that fails or is interrupted calls hc_output_discard instead, so the out folder never
 * holds a partial run, nor (with --force) a mix of two runs under one manifest. */
int hc_output_stage(const char *dir, char *stage, size_t len, hc_error *err);
int hc_output_publish(const char *stage, const char *dir, hc_error *err);
void hc_output_discard(const char *stage);

/* Column name of percentile p: 5 -> "p5", 2.5 -> "p2.5". */
void hc_percentile_label(double p, char *buf, size_t len);

int hc_write_bands_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err);
int hc_write_firms_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err);
/* c: the paired differences the summary leads with (NULL or empty: one scenario). */
int hc_write_summary_md(const char *dir, const hc_bands *b, const hc_compare *c, const hc_config *cfg,
                        hc_error *err);
int hc_write_manifest(const char *dir, const hc_results *r, const hc_config *cfg,
                      const hc_run_info *info, const hc_file_list *files, hc_error *err);

/* Every file of a run's out folder, manifest.json last (it lists the others). */
int hc_write_outputs(const char *dir, const hc_results *r, const hc_bands *b, const hc_config *cfg,
                     const hc_run_info *info, hc_error *err);

/* The horizon table printed after a run (stdout). */
void hc_print_horizon(FILE *out, const hc_bands *b, const hc_config *cfg);

#endif
