/* compare.c: per-world metric values (and their file, worlds.f64) and the paired
 * differences of every scenario against a baseline. See hc_compare.h; the tables are
 * written by src/outputs/export.c, the charts by src/chart_svg.c. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_compare.h"
#include "hc_outdir.h"
#include "hc_stats.h"

int hc_world_values_from_results(const hc_results *r, const hc_config *cfg, hc_world_values *wv,
                                 hc_error *err)
{
    int s, metric, t;
    memset(wv, 0, sizeof(*wv));
    wv->n_scenarios = r->n_scenarios;
    wv->n_steps = r->n_steps;
    wv->worlds = r->worlds;
    wv->v = (double *)malloc((size_t)r->n_scenarios * HC_N_METRICS * (size_t)(r->n_steps + 1) *
                             (size_t)r->worlds * sizeof(double));
    if (!wv->v)
        return hc_fail(err, "out of memory for the per-world values of %d scenario(s) x %lld worlds",
                       r->n_scenarios, (long long)r->worlds);
    for (s = 0; s < r->n_scenarios; s++)
        for (metric = 0; metric < HC_N_METRICS; metric++)
            for (t = 0; t <= r->n_steps; t++) hc_world_metrics(r, cfg, s, t, metric, hc_world_values_at(wv, s, metric, t));
    return 0;
}

/* The file is little-endian whatever the host, so a folder can move between machines. */
static void put_le64(unsigned char *out, double x)
{
    uint64_t u;
    int i;
    memcpy(&u, &x, sizeof(u));
    for (i = 0; i < 8; i++) out[i] = (unsigned char)(u >> (8 * i));
}

static double get_le64(const unsigned char *in)
{
    uint64_t u = 0;
    double x;
    int i;
    for (i = 0; i < 8; i++) u |= (uint64_t)in[i] << (8 * i);
    memcpy(&x, &u, sizeof(x));
    return x;
}

int hc_world_values_write(const char *dir, const hc_world_values *wv, hc_error *err)
{
    enum { CHUNK = 4096 };
    unsigned char buf[CHUNK * 8];
    char tmp[4200];
    const size_t n = (size_t)wv->n_scenarios * HC_N_METRICS * (size_t)(wv->n_steps + 1) * (size_t)wv->worlds;
    size_t i = 0;
    FILE *f = hc_output_open(dir, HC_WORLDS_FILE, tmp, sizeof(tmp), err);
    if (!f) return 1;
    while (i < n) {
        const size_t k = n - i < CHUNK ? n - i : CHUNK;
        size_t j;
        for (j = 0; j < k; j++) put_le64(buf + 8 * j, wv->v[i + j]);
        if (fwrite(buf, 8, k, f) != k) break;
        i += k;
    }
    return hc_output_commit(f, tmp, dir, HC_WORLDS_FILE, err);
}

int hc_world_values_read(const char *path, int n_scenarios, int n_steps, int64_t worlds,
                         const char *const *metric_names, int n_file_metrics, hc_world_values *wv,
                         hc_error *err)
{
    const size_t steps = (size_t)(n_steps + 1), W = (size_t)worlds;
    const size_t per_metric = steps * W;
    const size_t expected = (size_t)n_scenarios * (size_t)n_file_metrics * per_metric * 8;
    int file_index[HC_N_METRICS];
    unsigned char *buf = NULL;
    FILE *f = NULL;
    long size;
    int s, metric, k;

    memset(wv, 0, sizeof(*wv));
    for (metric = 0; metric < HC_N_METRICS; metric++) {
        file_index[metric] = -1;
        for (k = 0; k < n_file_metrics; k++)
            if (strcmp(metric_names[k], hc_metric_infos[metric].name) == 0) file_index[metric] = k;
        if (file_index[metric] < 0)
            return hc_fail(err, "%s: has no metric %s (manifest.json worlds_file.metrics); it was written by "
                           "another version of headcount: run it again", path, hc_metric_infos[metric].name);
    }
    f = fopen(path, "rb");
    if (!f) return hc_fail(err, "%s: cannot read: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return hc_fail(err, "%s: cannot read its size", path);
    }
    if ((size_t)size != expected) {
        fclose(f);
        return hc_fail(err, "%s: expected %zu bytes (%d scenario(s) x %d metrics x %zu steps x %zu worlds "
                       "of 8 bytes, manifest.json worlds_file.shape), got %ld",
                       path, expected, n_scenarios, n_file_metrics, steps, W, size);
    }
    wv->n_scenarios = n_scenarios;
    wv->n_steps = n_steps;
    wv->worlds = worlds;
    wv->v = (double *)malloc((size_t)n_scenarios * HC_N_METRICS * per_metric * sizeof(double));
    buf = (unsigned char *)malloc(per_metric * 8);
    if (!wv->v || !buf) {
        fclose(f);
        free(buf);
        hc_world_values_free(wv);
        return hc_fail(err, "%s: out of memory reading %zu bytes", path, expected);
    }
    /* One metric block (all steps and worlds) at a time, placed by name. */
    for (s = 0; s < n_scenarios; s++)
        for (k = 0; k < n_file_metrics; k++) {
            size_t j;
            double *out = NULL;
            if (fread(buf, 8, per_metric, f) != per_metric) {
                fclose(f);
                free(buf);
                hc_world_values_free(wv);
                return hc_fail(err, "%s: read failed", path);
            }
            for (metric = 0; metric < HC_N_METRICS; metric++)
                if (file_index[metric] == k) out = hc_world_values_at(wv, s, metric, 0);
            if (!out) continue; /* a metric this version does not know */
            for (j = 0; j < per_metric; j++) out[j] = get_le64(buf + 8 * j);
        }
    fclose(f);
    free(buf);
    return 0;
}

void hc_world_values_free(hc_world_values *wv)
{
    free(wv->v);
    wv->v = NULL;
}

cJSON *hc_worlds_file_manifest(const hc_results *r)
{
    static const char *const axes[] = {"scenario", "metric", "step", "world"};
    cJSON *o = cJSON_CreateObject(), *shape = cJSON_CreateArray(), *names = cJSON_CreateArray();
    int m;
    cJSON_AddStringToObject(o, "name", HC_WORLDS_FILE);
    cJSON_AddStringToObject(o, "dtype", "<f8");
    cJSON_AddItemToObject(o, "axes", cJSON_CreateStringArray(axes, 4));
    cJSON_AddItemToArray(shape, cJSON_CreateNumber(r->n_scenarios));
    cJSON_AddItemToArray(shape, cJSON_CreateNumber(HC_N_METRICS));
    cJSON_AddItemToArray(shape, cJSON_CreateNumber(r->n_steps + 1));
    cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)r->worlds));
    cJSON_AddItemToObject(o, "shape", shape);
    for (m = 0; m < HC_N_METRICS; m++) cJSON_AddItemToArray(names, cJSON_CreateString(hc_metric_infos[m].name));
    cJSON_AddItemToObject(o, "metrics", names);
    return o;
}

int hc_compare_compute(const hc_world_values *wv, int baseline, const char *const *names,
                       int start_year, int steps_per_year, const double *percentiles, int np,
                       hc_compare *c, hc_error *err)
{
    const size_t W = (size_t)wv->worlds;
    double *d = NULL;
    int s, metric, t;

    memset(c, 0, sizeof(*c));
    if (wv->n_scenarios > HC_COMPARE_MAX_SCENARIOS)
        return hc_fail(err, "at most %d scenarios can be compared, got %d", HC_COMPARE_MAX_SCENARIOS,
                       wv->n_scenarios);
    c->n_scenarios = wv->n_scenarios;
    c->baseline = baseline;
    c->n_steps = wv->n_steps;
    c->start_year = start_year;
    c->steps_per_year = steps_per_year;
    c->worlds = wv->worlds;
    c->np = np;
    memcpy(c->percentiles, percentiles, sizeof(double) * (size_t)np);
    for (s = 0; s < wv->n_scenarios; s++) snprintf(c->names[s], sizeof(c->names[s]), "%s", names[s]);
    if (wv->n_scenarios < 2) return 0;

    c->rows = (double *)calloc((size_t)wv->n_scenarios * HC_N_METRICS * (size_t)(wv->n_steps + 1) *
                                   (size_t)HC_COMPARE_COLS(c), sizeof(double));
    d = (double *)malloc(W * sizeof(double));
    if (!c->rows || !d) {
        free(d);
        hc_compare_free(c);
        return hc_fail(err, "out of memory computing paired differences");
    }
    for (s = 0; s < wv->n_scenarios; s++) {
        if (s == baseline) continue;
        for (metric = 0; metric < HC_N_METRICS; metric++)
            for (t = 0; t <= wv->n_steps; t++) {
                const double *a = hc_world_values_at(wv, s, metric, t);
                const double *b = hc_world_values_at(wv, baseline, metric, t);
                double *row = hc_compare_row(c, s, metric, t);
                size_t w, above = 0;
                int finite = 1, k;
                for (w = 0; w < W; w++) {
                    d[w] = a[w] - b[w];
                    above += d[w] > 0.0;
                    finite &= isfinite(d[w]) != 0;
                }
                if (finite) { /* a NaN would not sort: check before selecting percentiles */
                    /* Mean and sd before the percentiles, which reorder d. */
                    hc_mean_sd(d, W, &row[np], &row[np + 1]);
                    hc_percentiles_d(d, W, percentiles, np, row);
                    row[np + 2] = (double)above / (double)W;
                    for (k = 0; k < np + 3; k++) finite &= isfinite(row[k]) != 0;
                }
                if (!finite) {
                    free(d);
                    hc_fail(err, "%s minus %s: %s at step %d is not finite", names[s], names[baseline],
                            hc_metric_infos[metric].name, t);
                    hc_compare_free(c);
                    return 1;
                }
            }
    }
    free(d);
    return 0;
}

void hc_compare_free(hc_compare *c)
{
    free(c->rows);
    c->rows = NULL;
}

int hc_compare_excludes_zero_from(const hc_compare *c, int s, int metric, int lo, int hi)
{
    int t, from = -1;
    for (t = c->n_steps; t >= 0; t--) {
        const double *row = hc_compare_row(c, s, metric, t);
        if (!(row[lo] > 0.0 || row[hi] < 0.0)) break;
        from = t;
    }
    return from;
}

int hc_bands_separate_from(const hc_bands *b, int s, int base, int metric, int lo, int hi)
{
    int t, from = -1;
    for (t = b->n_steps; t >= 0; t--) {
        const double *x = hc_bands_world(b, s, metric, t), *y = hc_bands_world(b, base, metric, t);
        if (!(x[lo] > y[hi] || x[hi] < y[lo])) break;
        from = t;
    }
    return from;
}

void hc_band_cols_pick(const double *percentiles, int np, hc_band_cols *bc)
{
    int i;
    bc->mid = np; /* the mean column */
    bc->mid_is_median = 0;
    for (i = 0; i < np; i++)
        if (percentiles[i] == 50.0) {
            bc->mid = i;
            bc->mid_is_median = 1;
        }
    bc->lo = 0;
    bc->hi = np - 1;
    bc->inner_lo = np >= 4 ? 1 : -1;
    bc->inner_hi = np >= 4 ? np - 2 : -1;
}
