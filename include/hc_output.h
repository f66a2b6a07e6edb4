/* hc_output.h: the top-level writer of an out folder (host only): every file of a run,
 * manifest.json last. It calls the writers (tables, charts, report), which sit on
 * hc_outdir.h's files of an out folder; none of them calls back up here. */
#ifndef HC_OUTPUT_H
#define HC_OUTPUT_H

#include <stdio.h>
#include "hc_bands.h"
#include "hc_compare.h"
#include "hc_outdir.h"

/* c: the paired differences the summary leads with (NULL or empty: one scenario). */
int hc_write_summary_md(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *c,
                        const hc_config *cfg, hc_error *err);
/* The share of each scenario's spread that comes from sampling firms rather than futures
 * (hc_firm_share.h), one line per scenario, and a warning above HC_FIRM_SHARE_WARN: on
 * the console, or as Markdown for summary.md. */
void hc_print_firm_share(FILE *out, const hc_results *r, const hc_config *cfg, int markdown);
int hc_write_manifest(const char *dir, const hc_results *r, const hc_config *cfg,
                      const hc_run_info *info, const hc_file_list *files, hc_error *err);

/* Every file of a run's out folder, manifest.json last (it lists the others). */
int hc_write_outputs(const char *dir, const hc_results *r, const hc_bands *b, const hc_config *cfg,
                     const hc_run_info *info, hc_error *err);

/* The horizon table printed after a run (stdout). */
void hc_print_horizon(FILE *out, const hc_bands *b, const hc_config *cfg);
/* The git commit the program was built from ("unknown" outside a checkout): the one
 * source of it for --version, the manifest and samples.json (build/commit.h is compiled
 * into output.c alone, so no file can record "unknown" while another has the commit). */
const char *hc_build_commit(void);

#endif
