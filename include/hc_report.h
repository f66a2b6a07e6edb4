/* hc_report.h: what people read first: the answer at the top of summary.md, and
 * report.html, one self-contained page (CSS and the SVG charts inline, no scripts, no
 * network, no external fonts) with the answer, the charts and the tables (host only). */
#ifndef HC_REPORT_H
#define HC_REPORT_H

#include <stdio.h>
#include "hc_compare.h"
#include "hc_outdir.h"

/* The opening of summary.md: per scenario, net employment change and the AI effect at
 * the horizon (median and outer band, in % and in jobs), the share of worlds in which AI
 * raises employment and in which employment falls (hc_bands' shares, with their MCSE),
 * and where the narratives separate (their own bands, and the paired difference). c may
 * be NULL. */
/* "12.3 % (MCSE 1.6)": a share of worlds and its standard error, in %. */
void hc_fmt_share(char *buf, size_t len, const hc_share *sh);

void hc_answer_md(FILE *f, const hc_bands *b, const hc_compare *c, const hc_config *cfg);

/* DIR/report.html, inlining the SVGs listed in `files` (written before it). */
int hc_write_report_html(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *c,
                         const hc_config *cfg, const hc_run_info *info, hc_file_list *files,
                         hc_error *err);

#endif
