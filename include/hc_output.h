/* hc_output.h: the files of an out folder (host only). Every file is written under a
 * temporary name in the same folder and renamed into place, so an interrupted run never
 * leaves a half-written table under a real name. */
#ifndef HC_OUTPUT_H
#define HC_OUTPUT_H

#include <stdio.h>
#include "hc_bands.h"

/* Run facts the manifest records besides the configs. */
typedef struct {
    int argc;
    char **argv;
    double wall_seconds;
    const char *started_at; /* ISO 8601, UTC */
} hc_run_info;

/* Creates `dir` (and parents). An existing folder that already holds a run
 * (manifest.json) is refused unless `force`. */
int hc_output_prepare_dir(const char *dir, int force, hc_error *err);

/* Opens DIR/.NAME.tmp-PID for writing; hc_output_commit closes it and renames it to
 * DIR/NAME (removing the temporary on any failure). */
FILE *hc_output_open(const char *dir, const char *name, char *tmp_path, size_t tmp_len, hc_error *err);
int hc_output_commit(FILE *f, const char *tmp_path, const char *dir, const char *name, hc_error *err);

/* Column name of percentile p: 5 -> "p5", 2.5 -> "p2.5". */
void hc_percentile_label(double p, char *buf, size_t len);

int hc_write_bands_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err);
int hc_write_firms_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err);
int hc_write_summary_md(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err);
int hc_write_manifest(const char *dir, const hc_results *r, const hc_config *cfg,
                      const hc_run_info *info, hc_error *err);

/* Every file of a run's out folder, manifest.json last (it lists the others). */
int hc_write_outputs(const char *dir, const hc_results *r, const hc_bands *b, const hc_config *cfg,
                     const hc_run_info *info, hc_error *err);

/* The horizon table printed after a run (stdout). */
void hc_print_horizon(FILE *out, const hc_bands *b, const hc_config *cfg);

#endif
