/* cmd_compare.c: `headcount compare DIR`: the paired differences of the run in DIR,
 * from the per-world values it stored (worlds.f64, described in manifest.json), without
 * simulating again. With the default baseline it writes the same compare.csv bytes the
 * run wrote; --baseline picks another scenario to compare against. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_cli.h"
#include "hc_compare.h"
#include "hc_export.h"
#include "hc_output.h"

static const char *usage_compare =
    "usage: headcount compare [options] DIR\n"
    "\n"
    "Paired differences between the scenarios of the run in DIR (an out folder of\n"
    "`headcount run` with two or more scenarios): every metric, step and world of each\n"
    "scenario minus the baseline's, from DIR/worlds.f64. Writes compare.csv, columns\n"
    "scenario,baseline,metric,step,year,period,p5,...,mean,sd,above_pct (docs/comparison.md);\n"
    "against another baseline, compare_vs_NAME.csv, so the run's own files stay as they were.\n"
    "\n"
    "options:\n"
    "      --baseline NAME   scenario to compare against (default: the first)\n"
    "      --format LIST     also json and/or md, comma-separated (CSV is always written)\n"
    "  -o, --out DIR2        write there instead of DIR\n"
    "  -q, --quiet           print nothing but errors\n"
    "  -h, --help            this help\n";

/* What compare needs from manifest.json. */
typedef struct {
    int n_scenarios;
    char names[HC_COMPARE_MAX_SCENARIOS][128];
    int start_year, steps_per_year, years;
    int64_t worlds;
    int np;
    double percentiles[HC_MAX_PERCENTILES];
    int n_file_metrics;
    char file_metrics[64][64];
    char file_name[256];
} run_facts;

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = (char *)malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            *len = (size_t)n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* A whole number at `key` of object o in [lo, hi]; 0 on success, else prints why. */
static int get_int(const char *path, const cJSON *o, const char *where, const char *key, double lo, double hi,
                   double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble || v->valuedouble < lo ||
        v->valuedouble > hi) {
        fprintf(stderr, "headcount compare: %s: %s%s: expected a whole number from %.0f to %.0f\n", path, where, key,
                lo, hi);
        return 1;
    }
    *out = v->valuedouble;
    return 0;
}

static int read_manifest(const char *dir, run_facts *rf)
{
    char path[4200];
    const cJSON *sc, *item, *wf, *pc;
    cJSON *root;
    size_t len = 0;
    char *text;
    double v;
    int i;
    memset(rf, 0, sizeof(*rf));
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    text = read_text(path, &len);
    if (!text) {
        fprintf(stderr, "headcount compare: %s: cannot read it; DIR must be the out folder of a `headcount run`\n",
                path);
        return 1;
    }
    root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!cJSON_IsObject(root)) {
        fprintf(stderr, "headcount compare: %s: not valid JSON\n", path);
        cJSON_Delete(root);
        return 1;
    }
#define FAIL(...)                                                                                            \
    do {                                                                                                     \
        fprintf(stderr, "headcount compare: %s: ", path);                                                    \
        fprintf(stderr, __VA_ARGS__);                                                                        \
        fputc('\n', stderr);                                                                                 \
        cJSON_Delete(root);                                                                                  \
        return 1;                                                                                            \
    } while (0)
    sc = cJSON_GetObjectItemCaseSensitive(root, "scenarios");
    if (!cJSON_IsArray(sc) || cJSON_GetArraySize(sc) < 1 || cJSON_GetArraySize(sc) > HC_COMPARE_MAX_SCENARIOS)
        FAIL("scenarios: expected an array of 1 to %d scenarios", HC_COMPARE_MAX_SCENARIOS);
    rf->n_scenarios = cJSON_GetArraySize(sc);
    for (i = 0; i < rf->n_scenarios; i++) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sc, i), "name");
        if (!cJSON_IsString(name) || strlen(name->valuestring) >= sizeof(rf->names[0]))
            FAIL("scenarios[%d].name: expected a string", i);
        snprintf(rf->names[i], sizeof(rf->names[i]), "%s", name->valuestring);
    }
    if (get_int(path, root, "", "start_year", -1e9, 1e9, &v)) goto fail;
    rf->start_year = (int)v;
    if (get_int(path, root, "", "steps_per_year", 1, HC_MAX_STEPS, &v)) goto fail;
    rf->steps_per_year = (int)v;
    if (get_int(path, root, "", "years", 0, HC_MAX_STEPS, &v)) goto fail;
    rf->years = (int)v;
    if (get_int(path, root, "", "worlds", 1, 9007199254740991.0, &v)) goto fail;
    rf->worlds = (int64_t)v;
    if ((long long)rf->years * rf->steps_per_year > HC_MAX_STEPS) FAIL("years x steps_per_year: expected at most %d", HC_MAX_STEPS);

    /* The percentiles of the run's bands: compare.csv has the same columns. */
    pc = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sc, 0), "config"), "output"),
        "percentiles");
    if (!cJSON_IsArray(pc) || cJSON_GetArraySize(pc) < 1 || cJSON_GetArraySize(pc) > HC_MAX_PERCENTILES)
        FAIL("scenarios[0].config.output.percentiles: expected an array of 1 to %d numbers", HC_MAX_PERCENTILES);
    cJSON_ArrayForEach(item, pc)
    {
        if (!cJSON_IsNumber(item) || !(item->valuedouble > 0.0 && item->valuedouble < 100.0))
            FAIL("scenarios[0].config.output.percentiles[%d]: expected a number in (0, 100)", rf->np);
        rf->percentiles[rf->np++] = item->valuedouble;
    }

    wf = cJSON_GetObjectItemCaseSensitive(root, "worlds_file");
    if (!cJSON_IsObject(wf))
        FAIL("worlds_file: missing; this run was written before `headcount run` stored per-world values "
             "(worlds.f64): run it again with this version");
    item = cJSON_GetObjectItemCaseSensitive(wf, "name");
    if (!cJSON_IsString(item) || strchr(item->valuestring, '/') || strlen(item->valuestring) >= sizeof(rf->file_name))
        FAIL("worlds_file.name: expected a file name in the out folder");
    snprintf(rf->file_name, sizeof(rf->file_name), "%s", item->valuestring);
    item = cJSON_GetObjectItemCaseSensitive(wf, "dtype");
    if (!cJSON_IsString(item) || strcmp(item->valuestring, "<f8") != 0)
        FAIL("worlds_file.dtype: expected \"<f8\" (little-endian float64)");
    item = cJSON_GetObjectItemCaseSensitive(wf, "metrics");
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) < 1 || cJSON_GetArraySize(item) > 64)
        FAIL("worlds_file.metrics: expected an array of metric names");
    cJSON_ArrayForEach(pc, item)
    {
        if (!cJSON_IsString(pc) || strlen(pc->valuestring) >= sizeof(rf->file_metrics[0]))
            FAIL("worlds_file.metrics[%d]: expected a metric name", rf->n_file_metrics);
        snprintf(rf->file_metrics[rf->n_file_metrics++], sizeof(rf->file_metrics[0]), "%s", pc->valuestring);
    }
    /* The shape must agree with the facts above: it is what the file's size is checked against. */
    item = cJSON_GetObjectItemCaseSensitive(wf, "shape");
    if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 4 ||
        cJSON_GetArrayItem(item, 0)->valuedouble != rf->n_scenarios ||
        cJSON_GetArrayItem(item, 1)->valuedouble != rf->n_file_metrics ||
        cJSON_GetArrayItem(item, 2)->valuedouble != rf->years * rf->steps_per_year + 1 ||
        cJSON_GetArrayItem(item, 3)->valuedouble != (double)rf->worlds)
        FAIL("worlds_file.shape: expected [%d, %d, %d, %lld] (scenarios, metrics, steps, worlds)", rf->n_scenarios,
             rf->n_file_metrics, rf->years * rf->steps_per_year + 1, (long long)rf->worlds);
#undef FAIL
    cJSON_Delete(root);
    return 0;
fail:
    cJSON_Delete(root);
    return 1;
}

int hc_cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"baseline", required_argument, 0, 'B'}, {"format", required_argument, 0, 'R'},
                                         {"out", required_argument, 0, 'o'},      {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *baseline_name = NULL, *out_arg = NULL, *dir;
    const char *names[HC_COMPARE_MAX_SCENARIOS], *metric_names[64];
    char path[4400];
    unsigned formats = HC_FORMAT_CSV;
    int c, quiet = 0, baseline = 0, s, k, rc = HC_EXIT_FAILURE;
    run_facts rf;
    hc_world_values wv;
    hc_compare cmp;
    hc_file_list files;
    hc_error err;

    optind = 1;
    while ((c = hc_cli_getopt("compare", argc, argv, "o:qh", opts)) != -1) {
        switch (c) {
        case 'B': baseline_name = optarg; break;
        case 'o': out_arg = optarg; break;
        case 'q': quiet = 1; break;
        case 'R':
            if (hc_parse_formats(optarg, &formats))
                return hc_cli_usage_error("compare", "--format: expected csv, json or md, comma-separated, got \"%s\"",
                                          optarg);
            break;
        case 'h': fputs(usage_compare, stdout); return HC_EXIT_OK;
        default: return HC_EXIT_USAGE; /* said by hc_cli_getopt */
        }
    }
    if (argc - optind != 1) return hc_cli_usage_error("compare", "%s", "expected one DIR (an out folder of `headcount run`)");
    dir = argv[optind];
    if (read_manifest(dir, &rf)) return HC_EXIT_USAGE;
    if (rf.n_scenarios < 2) {
        fprintf(stderr, "headcount compare: %s holds one scenario (%s); a comparison needs two or more, run "
                "together (`headcount run A.json B.json`)\n", dir, rf.names[0]);
        return HC_EXIT_USAGE;
    }
    if (baseline_name) {
        baseline = -1;
        for (s = 0; s < rf.n_scenarios; s++)
            if (strcmp(rf.names[s], baseline_name) == 0) baseline = s;
        if (baseline < 0) {
            fprintf(stderr, "headcount compare: --baseline: expected one of the scenarios of %s (", dir);
            for (s = 0; s < rf.n_scenarios; s++) fprintf(stderr, "%s%s", s ? ", " : "", rf.names[s]);
            fprintf(stderr, "), got \"%s\"\n", baseline_name);
            return HC_EXIT_USAGE;
        }
    }
    for (k = 0; k < rf.n_file_metrics; k++) metric_names[k] = rf.file_metrics[k];
    for (s = 0; s < rf.n_scenarios; s++) names[s] = rf.names[s];
    snprintf(path, sizeof(path), "%s/%s", dir, rf.file_name);
    if (hc_world_values_read(path, rf.n_scenarios, rf.years * rf.steps_per_year, rf.worlds, metric_names,
                             rf.n_file_metrics, &wv, &err)) {
        fprintf(stderr, "headcount compare: %s\n", err.message);
        return HC_EXIT_USAGE;
    }
    memset(&cmp, 0, sizeof(cmp));
    memset(&files, 0, sizeof(files));
    if (hc_compare_compute(&wv, baseline, names, rf.start_year, rf.steps_per_year, rf.percentiles, rf.np, &cmp, &err)) {
        fprintf(stderr, "headcount compare: %s\n", err.message);
        goto done;
    }
    if (out_arg && hc_output_mkdirs(out_arg, &err)) {
        fprintf(stderr, "headcount compare: %s\n", err.message);
        rc = HC_EXIT_USAGE;
        goto done;
    }
    if (hc_write_compare(out_arg ? out_arg : dir, &cmp, formats, &files, &err)) {
        fprintf(stderr, "headcount compare: %s\n", err.message);
        goto done;
    }
    if (!quiet) {
        static const int shown[] = {HC_M_EMPLOYMENT_CHANGE, HC_M_AI_EFFECT, HC_M_DISPLACED};
        hc_band_cols bc;
        const int T = cmp.n_steps;
        int w = 16; /* the scenario column: as wide as its longest name */
        for (s = 0; s < cmp.n_scenarios; s++)
            if ((int)strlen(rf.names[s]) > w) w = (int)strlen(rf.names[s]);
        hc_band_cols_pick(cmp.percentiles, cmp.np, &bc);
        printf("Paired differences at the horizon (%d), scenario minus %s, world by world in %lld worlds:\n",
               rf.start_year + rf.years, rf.names[baseline], (long long)rf.worlds);
        printf("  %-*s", w, "scenario");
        for (k = 0; k < 3; k++) printf("  %-38s", hc_metric_infos[shown[k]].name);
        printf("\n");
        for (s = 0; s < cmp.n_scenarios; s++) {
            if (s == baseline) continue;
            printf("  %-*s", w, rf.names[s]);
            for (k = 0; k < 3; k++) {
                const double *row = hc_compare_row(&cmp, s, shown[k], T);
                char cell[96];
                snprintf(cell, sizeof(cell), "%+.2f [%+.2f .. %+.2f] above %.0f%%", row[bc.mid], row[bc.lo],
                         row[bc.hi], 100.0 * row[cmp.np + 2]);
                printf("  %-38s", cell);
            }
            printf("\n");
        }
        printf("\nwrote");
        for (k = 0; k < files.n; k++) printf(" %s/%s", out_arg ? out_arg : dir, files.name[k]);
        printf("\n");
    }
    rc = HC_EXIT_OK;
done:
    hc_compare_free(&cmp);
    hc_world_values_free(&wv);
    return rc;
}
