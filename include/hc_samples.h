/* hc_samples.h: the raw per-world values behind the bands, for the reader's own tools
 * (host only): `run --samples METRIC[,METRIC] [--sample-years Y[,Y]]`.
 *
 * Two files with the same numbers:
 *   samples.json  a SIPmath 3.0 library (ProbabilityManagement.org's open standard, which
 *                 spreadsheet Monte Carlo tools import): one SIP per scenario, metric and
 *                 year, each an array of one value per world ("SIP_Array" with inline
 *                 values, indexed by trial through an "Index" generator; docs/audit.md
 *                 cites the schema followed);
 *   samples.csv   scenario,world,metric,year,value.
 * Values are written with 17 significant digits, so reading them back gives the same
 * doubles, and their numpy-linear percentiles are bands.csv's numbers (tests/cli_audit.sh).
 * Trial i of every SIP is world i - 1 in every scenario (common random numbers), so the
 * SIPs form one coherent library: a spreadsheet may subtract them trial by trial. */
#ifndef HC_SAMPLES_H
#define HC_SAMPLES_H

#include "hc_engine.h"

#define HC_SAMPLES_JSON "samples.json"
#define HC_SAMPLES_CSV "samples.csv"

typedef struct {
    int n_metrics;
    int metric[HC_N_METRICS]; /* hc_metric_id, in the order asked */
    int n_years;
    int *year;                /* whole years after the start, 0..years, increasing */
} hc_samples_spec;

/* --samples: "employment_change_pct,net_jobs" or "all". 0 on success, else err filled. */
int hc_samples_parse_metrics(const char *arg, hc_samples_spec *spec, hc_error *err);

/* --sample-years: calendar years ("2030,2036"), or "all" for every whole year from the
 * start; NULL means the horizon alone. cfg gives start_year and years. 0 on success. */
int hc_samples_parse_years(const char *arg, const hc_config *cfg, hc_samples_spec *spec, hc_error *err);

void hc_samples_free(hc_samples_spec *spec);

/* Writes DIR/samples.json and DIR/samples.csv; `provenance` (one line: program, version,
 * seed, sizes) goes into the library's "provenance", `date` (YYYY-MM-DD) into
 * "dateCreated". Returns 0, or 1 with err filled. */
int hc_write_samples(const char *dir, const hc_results *r, const hc_config *cfg, const hc_samples_spec *spec,
                     const char *provenance, const char *date, hc_error *err);

#endif
