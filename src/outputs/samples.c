/* samples.c: per-world metric values as a SIPmath 3.0 library and as CSV (hc_samples.h).
 * The values are hc_world_metrics', the very numbers bands.csv summarises. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hc_bands.h"
#include "hc_outdir.h"
#include "hc_samples.h"

int hc_samples_parse_metrics(const char *arg, hc_samples_spec *spec, hc_error *err)
{
    const char *p = arg;
    spec->n_metrics = 0;
    if (strcmp(arg, "all") == 0) {
        for (spec->n_metrics = 0; spec->n_metrics < HC_N_METRICS; spec->n_metrics++)
            spec->metric[spec->n_metrics] = spec->n_metrics;
        return 0;
    }
    for (;;) {
        const char *comma = strchr(p, ',');
        const size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int m, found = -1, k;
        for (m = 0; m < HC_N_METRICS; m++)
            if (strlen(hc_metric_infos[m].name) == len && strncmp(hc_metric_infos[m].name, p, len) == 0) found = m;
        if (found < 0) {
            char names[600] = "";
            for (m = 0; m < HC_N_METRICS; m++) {
                strncat(names, m ? ", " : "", sizeof(names) - strlen(names) - 1);
                strncat(names, hc_metric_infos[m].name, sizeof(names) - strlen(names) - 1);
            }
            return hc_fail(err, "--samples: \"%.*s\" is not a metric; expected \"all\" or metrics separated by "
                                "commas, from: %s", (int)(len > 80 ? 80 : len), p, names);
        }
        for (k = 0; k < spec->n_metrics; k++)
            if (spec->metric[k] == found)
                return hc_fail(err, "--samples: %s is listed twice", hc_metric_infos[found].name);
        spec->metric[spec->n_metrics++] = found;
        if (!comma) return 0;
        p = comma + 1;
    }
}

int hc_samples_parse_years(const char *arg, const hc_config *cfg, hc_samples_spec *spec, hc_error *err)
{
    const char *p = arg;
    int y;
    free(spec->year);
    spec->n_years = 0;
    spec->year = (int *)malloc((size_t)(cfg->years + 1) * sizeof(int));
    if (!spec->year) return hc_fail(err, "out of memory");
    if (arg == NULL) {
        spec->year[spec->n_years++] = cfg->years;
        return 0;
    }
    if (strcmp(arg, "all") == 0) {
        for (y = 0; y <= cfg->years; y++) spec->year[spec->n_years++] = y;
        return 0;
    }
    for (;;) {
        char *end;
        const long v = strtol(p, &end, 10);
        int k;
        if (end == p || (*end != ',' && *end != '\0') || v < cfg->start_year || v > cfg->start_year + cfg->years)
            return hc_fail(err, "--sample-years: expected \"all\" or whole calendar years from %d to %d separated "
                                "by commas, got \"%s\"", cfg->start_year, cfg->start_year + cfg->years, arg);
        y = (int)(v - cfg->start_year);
        for (k = 0; k < spec->n_years; k++)
            if (spec->year[k] == y) return hc_fail(err, "--sample-years: %ld is listed twice", v);
        /* keep them increasing, whatever order they were given in */
        for (k = spec->n_years; k > 0 && spec->year[k - 1] > y; k--) spec->year[k] = spec->year[k - 1];
        spec->year[k] = y;
        spec->n_years++;
        if (*end == '\0') return 0;
        p = end + 1;
    }
}

void hc_samples_free(hc_samples_spec *spec)
{
    free(spec->year);
    spec->year = NULL;
    spec->n_years = 0;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Every value of every SIP, checked finite before anything is written: JSON has no NaN. */
static int check_finite(const hc_results *r, const hc_config *cfg, const hc_samples_spec *spec, double *v,
                        hc_error *err)
{
    int s, k, j;
    int64_t w;
    for (s = 0; s < r->n_scenarios; s++)
        for (k = 0; k < spec->n_metrics; k++)
            for (j = 0; j < spec->n_years; j++) {
                hc_world_metrics(r, cfg, s, spec->year[j] * r->steps_per_year, spec->metric[k], v);
                for (w = 0; w < r->worlds; w++)
                    if (!isfinite(v[w]))
                        return hc_fail(err, "scenario %s: %s of world %lld in %d is not finite", cfg[s].name,
                                       hc_metric_infos[spec->metric[k]].name, (long long)(r->world_begin + w),
                                       cfg[s].start_year + spec->year[j]);
            }
    return 0;
}

static void write_json(FILE *f, const hc_results *r, const hc_config *cfg, const hc_samples_spec *spec,
                       const char *provenance, const char *date, double *v)
{
    int s, k, j, first = 1;
    int64_t w;
    fputs("{\n  \"name\": ", f);
    {
        char name[600] = "headcount samples:";
        for (s = 0; s < r->n_scenarios; s++) {
            strncat(name, s ? ", " : " ", sizeof(name) - strlen(name) - 1);
            strncat(name, cfg[s].name, sizeof(name) - strlen(name) - 1);
        }
        json_string(f, name);
    }
    fputs(",\n  \"objectType\": \"sipModel\",\n  \"libraryType\": \"SIPmath_3_0\",\n  \"dateCreated\": ", f);
    json_string(f, date);
    fputs(",\n  \"provenance\": ", f);
    json_string(f, provenance);
    /* Trials are looked up by index (the "Index" generator): the values are data, not a
     * Metalog fitted to them, so nothing is lost. */
    fputs(",\n  \"version\": \"1\",\n"
          "  \"U01\": {\"rng\": [{\"name\": \"world\", \"function\": \"Index\", "
          "\"arguments\": {\"counter\": \"PM_Index\"}}]},\n"
          "  \"sips\": [",
          f);
    for (s = 0; s < r->n_scenarios; s++)
        for (k = 0; k < spec->n_metrics; k++)
            for (j = 0; j < spec->n_years; j++) {
                const hc_metric_info *mi = &hc_metric_infos[spec->metric[k]];
                const int t = spec->year[j] * r->steps_per_year, year = cfg[s].start_year + spec->year[j];
                char name[400];
                hc_world_metrics(r, cfg, s, t, spec->metric[k], v);
                snprintf(name, sizeof(name), "%s.%s.%d", cfg[s].name, mi->name, year);
                fputs(first ? "\n    {\"name\": " : ",\n    {\"name\": ", f);
                first = 0;
                json_string(f, name);
                fputs(", \"ref\": {\"source\": \"rng\", \"name\": \"world\"}, \"function\": \"SIP_Array\",\n"
                      "     \"arguments\": {\"type\": \"array\", \"value\": [",
                      f);
                for (w = 0; w < r->worlds; w++)
                    fprintf(f, "%s%.17g", w == 0 ? "" : (w % 8 == 0 ? ",\n       " : ", "), v[w]);
                fputs("]},\n     \"metadata\": {\"scenario\": ", f);
                json_string(f, cfg[s].name);
                fputs(", \"metric\": ", f);
                json_string(f, mi->name);
                fputs(", \"unit\": ", f);
                json_string(f, mi->unit);
                fputs(", \"description\": ", f);
                json_string(f, mi->label);
                fprintf(f, ", \"year\": %d, \"step\": %d, \"count\": %lld, \"first_world\": %lld}}", year, t,
                        (long long)r->worlds, (long long)r->world_begin);
            }
    fputs("\n  ]\n}\n", f);
}

static void write_csv(FILE *f, const hc_results *r, const hc_config *cfg, const hc_samples_spec *spec, double *v)
{
    int s, k, j;
    int64_t w;
    fputs("scenario,world,metric,year,value\n", f);
    for (s = 0; s < r->n_scenarios; s++)
        for (k = 0; k < spec->n_metrics; k++)
            for (j = 0; j < spec->n_years; j++) {
                const char *metric = hc_metric_infos[spec->metric[k]].name;
                const int year = cfg[s].start_year + spec->year[j];
                hc_world_metrics(r, cfg, s, spec->year[j] * r->steps_per_year, spec->metric[k], v);
                for (w = 0; w < r->worlds; w++)
                    fprintf(f, "%s,%lld,%s,%d,%.17g\n", cfg[s].name, (long long)(r->world_begin + w), metric, year,
                            v[w]);
            }
}

int hc_write_samples(const char *dir, const hc_results *r, const hc_config *cfg, const hc_samples_spec *spec,
                     const char *provenance, const char *date, hc_error *err)
{
    char tmp[4200];
    FILE *f;
    double *v = (double *)malloc((size_t)r->worlds * sizeof(double));
    if (!v) return hc_fail(err, "out of memory writing samples of %lld worlds", (long long)r->worlds);
    if (check_finite(r, cfg, spec, v, err)) goto fail;
    f = hc_output_open(dir, HC_SAMPLES_JSON, tmp, sizeof(tmp), err);
    if (!f) goto fail;
    write_json(f, r, cfg, spec, provenance, date, v);
    if (hc_output_commit(f, tmp, dir, HC_SAMPLES_JSON, err)) goto fail;
    f = hc_output_open(dir, HC_SAMPLES_CSV, tmp, sizeof(tmp), err);
    if (!f) goto fail;
    write_csv(f, r, cfg, spec, v);
    if (hc_output_commit(f, tmp, dir, HC_SAMPLES_CSV, err)) goto fail;
    free(v);
    return 0;
fail:
    free(v);
    return 1;
}
