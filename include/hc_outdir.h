/* hc_outdir.h: the files of an out folder (host only), below every writer. Every file is
 * written under a temporary name in the same folder and renamed into place, so an
 * interrupted run never leaves a half-written table under a real name. */
#ifndef HC_OUTDIR_H
#define HC_OUTDIR_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include "hc_config.h"

/* Run facts the manifest records besides the configs, and what to write. Zero the
 * struct first: a zero field means its default. */
typedef struct {
    int argc;
    char **argv;
    double wall_seconds;
    const char *started_at;   /* ISO 8601, UTC */
    unsigned formats;         /* HC_FORMAT_* bits of the tables (hc_export.h); 0: csv */
    int n_trajectory_metrics; /* --trajectories: metrics whose per-world values to write */
    int trajectory_metrics[HC_N_METRICS];
    /* Files the command wrote into the folder itself before hc_write_outputs (--samples,
     * --trace-percentiles): the manifest lists and hashes them with the rest. */
    const char (*extra_files)[64];
    int n_extra_files;
    /* manifest.json's "uncertainty" (design, sensitivity, --target-mcse: src/analysis/mcse.c);
     * NULL: none. Copied, not owned. */
    const cJSON *uncertainty;
} hc_run_info;

/* The files written into an out folder, in order, for the manifest's "files". */
#define HC_MAX_OUTPUT_FILES 512 /* 16 scenarios: charts per scenario, each with its PNG and PDF copies */
typedef struct {
    int n;
    char name[HC_MAX_OUTPUT_FILES][64];
} hc_file_list;
void hc_file_list_add(hc_file_list *l, const char *name);

/* mkdir -p: `dir` and its parents (`headcount compare -o`, which writes its few files
 * into a folder of the user's choosing, each whole, without a run's staging). */
int hc_output_mkdirs(const char *dir, hc_error *err);

/* Takes the out folder `dir` for this run (docs/hardening.md): creates its parents, locks
 * it against other runs for the rest of the run (the message names the run that holds
 * it), removes what a killed run left, and refuses a folder that holds anything but a
 * headcount run unless `force` (a run, too, needs `force`). One out folder per process. */
int hc_output_prepare_dir(const char *dir, int force, hc_error *err);

/* Opens DIR/.NAME.tmp-PID for writing; hc_output_commit closes it and renames it to
 * DIR/NAME (removing the temporary on any failure). */
FILE *hc_output_open(const char *dir, const char *name, char *tmp_path, size_t tmp_len, hc_error *err);
int hc_output_commit(FILE *f, const char *tmp_path, const char *dir, const char *name, hc_error *err);

/* Staging (docs/hardening.md): a run writes every file into a hidden folder beside its
 * out folder (hc_output_stage gives its path), then hc_output_publish swaps the two
 * folders in one step, keeping the files of the earlier folder that are not headcount's,
 * and removes the earlier run. A run that fails or is interrupted calls hc_output_discard
 * instead. Either lets go of the lock. A reader, a crash or a kill at any instant sees the
 * earlier run or the new one, whole. */
int hc_output_stage(const char *dir, char *stage, size_t len, hc_error *err);
int hc_output_publish(const char *stage, const char *dir, hc_error *err);
void hc_output_discard(const char *stage);

#endif
