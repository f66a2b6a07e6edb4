/* output.c: the top-level writer of an out folder (every file, manifest.json last),
 * summary.md and the manifest; the tables are src/outputs/export.c's, the files' mechanics
 * src/outputs/outdir.c's. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hc_chart.h"
#include "hc_export.h"
#include "hc_firm_share.h"
#include "hc_hash.h"
#include "hc_output.h"
#include "hc_report.h"

const char *hc_build_commit(void) { return HC_GIT_COMMIT; }

/* A number for people: thousands separators for jobs, 2 decimals for %. */
static void human_number(double v, const char *unit, char *buf, size_t len)
{
    if (strcmp(unit, "jobs") == 0) {
        const double a = fabs(v);
        if (a >= 1e6)
            snprintf(buf, len, "%+.2f M", v / 1e6);
        else if (a >= 1e3)
            snprintf(buf, len, "%+.1f k", v / 1e3);
        else
            snprintf(buf, len, "%+.0f", v);
    } else {
        snprintf(buf, len, "%.2f", v);
    }
}

void hc_print_firm_share(FILE *out, const hc_results *r, const hc_config *cfg, int markdown)
{
    int s, warn = 0;
    fprintf(out, "%sShare of the spread across worlds at the horizon that comes from sampling %lld firms per "
                 "world rather than from the futures (split-half estimate on the mean firm change; "
                 "docs/uncertainty.md):\n%s",
            markdown ? "" : "\n", (long long)r->firms, markdown ? "\n" : "");
    for (s = 0; s < r->n_scenarios; s++) {
        const double share = hc_horizon_firm_share(r, s);
        if (share < 0.0) fprintf(out, "%s%s: not estimated (fewer than 2 firms or worlds, or no spread)\n",
                                 markdown ? "- " : "  ", hc_scenario_label(&cfg[s]));
        else fprintf(out, "%s%s: %.1f %%\n", markdown ? "- " : "  ", hc_scenario_label(&cfg[s]), 100.0 * share);
        warn |= share > HC_FIRM_SHARE_WARN;
    }
    if (warn)
        fprintf(out, "%s above %.0f %%, the bands are wider than the futures alone make them; more firms "
                     "(--firms) shrink that part as 1/firms\n",
                markdown ? "\n**Warning:**" : "warning:", 100.0 * HC_FIRM_SHARE_WARN);
    if (markdown) fputc('\n', out);
}

int hc_write_summary_md(const char *dir, const hc_results *r, const hc_bands *b, const hc_compare *cmp,
                        const hc_config *cfg, hc_error *err)
{
    char tmp[4200];
    int s, metric, c;
    const int T = b->n_steps;
    FILE *f = hc_output_open(dir, "summary.md", tmp, sizeof(tmp), err);
    if (!f) return 1;
    fprintf(f, "# headcount: %d scenario(s) at the horizon, %d\n\n", b->n_scenarios,
            cfg[0].start_year + cfg[0].years);
    hc_answer_md(f, b, cmp, cfg); /* the answer first (src/outputs/report_html.c), the full tables below */
    fprintf(f, "## Every metric at the horizon\n\n");
    fprintf(f, "%lld worlds x %lld firms per world, seed %llu. Bands are percentiles across worlds "
               "(forecast uncertainty); see bands.csv for every step and firms.csv for firm-level "
               "spread.\n\n",
            (long long)cmp->worlds, (long long)cfg[0].firms_per_world, (unsigned long long)cfg[0].seed);
    hc_print_firm_share(f, r, cfg, 1);
    for (s = 0; s < b->n_scenarios; s++) {
        fprintf(f, "## %s\n\n| metric | unit |", hc_scenario_label(&cfg[s]));
        for (c = 0; c < b->np; c++) {
            char label[32];
            hc_percentile_label(b->percentiles[c], label, sizeof(label));
            fprintf(f, " %s |", label);
        }
        fputs(" mean |\n|---|---|", f);
        for (c = 0; c <= b->np; c++) fputs("---:|", f);
        fputc('\n', f);
        for (metric = 0; metric < HC_N_METRICS; metric++) {
            const double *row = hc_bands_world(b, s, metric, T);
            const hc_metric_info *mi = &hc_metric_infos[metric];
            fprintf(f, "| %s | %s |", mi->name, mi->base);
            for (c = 0; c <= b->np; c++) {
                char num[64];
                human_number(row[c], mi->unit, num, sizeof(num));
                fprintf(f, " %s |", num);
            }
            fputc('\n', f);
        }
        {
            const double *row = hc_bands_firm(b, s, b->years);
            /* firms are sampled in proportion to employment (size classes), so a count of
             * sampled firms is a share of starting employment, not of firms (model.md) */
            fprintf(f, "\nStarting employment in firms below their starting headcount at the horizon: %.1f %%.\n\n",
                    100.0 * row[b->np + 2]);
        }
    }
    return hc_output_commit(f, tmp, dir, "summary.md", err);
}

int hc_write_manifest(const char *dir, const hc_results *r, const hc_config *cfg,
                      const hc_run_info *info, const hc_file_list *written, hc_error *err)
{
    char tmp[4200], host[256] = "unknown";
    const double firm_steps = (double)r->n_scenarios * (double)r->worlds * (double)r->firms *
                              (double)(r->n_steps + 1);
    cJSON *root = cJSON_CreateObject(), *argv = cJSON_CreateArray(), *scenarios = cJSON_CreateArray();
    cJSON *files = cJSON_CreateArray();
    char *text;
    FILE *f;
    int i, rc;
    gethostname(host, sizeof(host) - 1);
    cJSON_AddStringToObject(root, "program", "headcount");
    cJSON_AddStringToObject(root, "version", HC_VERSION);
    cJSON_AddNumberToObject(root, "model", HC_MODEL_VERSION);
    cJSON_AddStringToObject(root, "git_commit", hc_build_commit());
    for (i = 0; i < info->argc; i++) cJSON_AddItemToArray(argv, cJSON_CreateString(info->argv[i]));
    cJSON_AddItemToObject(root, "command", argv);
    cJSON_AddStringToObject(root, "started_at", info->started_at);
    cJSON_AddStringToObject(root, "host", host);
    cJSON_AddStringToObject(root, "backend", r->backend);
    /* where firms.csv's statistics and the horizon's share and histogram were computed: the
     * same bits either way, but "host" on a GPU run means every firm change was copied */
    cJSON_AddStringToObject(root, "firm_statistics", r->firm_stats ? "device" : "host");
    if (r->firm_stats_host_why) cJSON_AddStringToObject(root, "firm_statistics_why", r->firm_stats_host_why);
    cJSON_AddNumberToObject(root, "threads", r->threads);
    cJSON_AddNumberToObject(root, "ranks", r->ranks > 0 ? r->ranks : 1); /* MPI processes, threads each */
    cJSON_AddNumberToObject(root, "seed", (double)cfg[0].seed);
    cJSON_AddNumberToObject(root, "worlds", (double)r->worlds);
    cJSON_AddNumberToObject(root, "firms_per_world", (double)r->firms);
    cJSON_AddNumberToObject(root, "start_year", cfg[0].start_year);
    cJSON_AddNumberToObject(root, "years", r->years);
    cJSON_AddNumberToObject(root, "steps_per_year", r->steps_per_year);
    cJSON_AddNumberToObject(root, "wall_seconds", info->wall_seconds);
    cJSON_AddNumberToObject(root, "simulate_seconds", r->simulate_seconds);
    cJSON_AddNumberToObject(root, "firm_steps", firm_steps);
    cJSON_AddNumberToObject(root, "firm_steps_per_second",
                            r->simulate_seconds > 0.0 ? firm_steps / r->simulate_seconds : 0.0);
    for (i = 0; i < r->n_scenarios; i++) {
        cJSON *sc = cJSON_CreateObject();
        cJSON_AddStringToObject(sc, "name", cfg[i].name);
        cJSON_AddStringToObject(sc, "file", cfg[i].path);
        {
            /* As text, so that every number is exact: cJSON_Print rounds some to 15 digits,
             * and the manifest must reproduce the run bit for bit (hc_config_resolved_json). */
            char *exact = hc_config_resolved_json(&cfg[i]);
            cJSON_AddItemToObject(sc, "config", exact ? cJSON_CreateRaw(exact) : cJSON_Duplicate(cfg[i].resolved, 1));
            free(exact);
        }
        cJSON_AddItemToArray(scenarios, sc);
    }
    cJSON_AddItemToObject(root, "scenarios", scenarios);
    /* Each file with its SHA-256 and size, read back now that it is final (renamed into
     * place), so a table quoted in a report can be matched to this run: `sha256sum
     * DIR/NAME` prints the same digest. */
    for (i = 0; i < written->n; i++) {
        char path[4200], hex[HC_SHA256_HEX];
        long long bytes;
        cJSON *entry;
        snprintf(path, sizeof(path), "%s/%s", dir, written->name[i]);
        if (hc_sha256_file(path, hex, &bytes, err)) {
            cJSON_Delete(files);
            cJSON_Delete(root);
            return 1;
        }
        entry = cJSON_CreateObject();
        cJSON_AddStringToObject(entry, "name", written->name[i]);
        cJSON_AddStringToObject(entry, "sha256", hex);
        cJSON_AddNumberToObject(entry, "bytes", (double)bytes);
        cJSON_AddItemToArray(files, entry);
    }
    cJSON_AddItemToObject(root, "files", files);
    cJSON_AddItemToObject(root, "worlds_file", hc_worlds_file_manifest(r)); /* how to read worlds.f64 */
    if (info->uncertainty) /* design, MCSE, --target-mcse (src/analysis/mcse.c) */
        cJSON_AddItemToObject(root, "uncertainty", cJSON_Duplicate(info->uncertainty, 1));
    text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return hc_fail(err, "out of memory writing manifest.json");
    f = hc_output_open(dir, "manifest.json", tmp, sizeof(tmp), err);
    if (!f) {
        free(text);
        return 1;
    }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    rc = hc_output_commit(f, tmp, dir, "manifest.json", err);
    return rc;
}

/* The tables in the chosen formats and worlds.f64 (src/outputs/export.c), the charts
 * (src/outputs/chart_svg.c), summary.md, report.html (src/outputs/report_html.c), then manifest.json,
 * which lists them all. The paired differences are against the first scenario. */
int hc_write_outputs(const char *dir, const hc_results *r, const hc_bands *b, const hc_config *cfg,
                     const hc_run_info *info, hc_error *err)
{
    const char *names[HC_COMPARE_MAX_SCENARIOS];
    hc_world_values wv;
    hc_compare cmp;
    hc_file_list files;
    int s, rc;
    memset(&files, 0, sizeof(files));
    for (s = 0; s < info->n_extra_files; s++) hc_file_list_add(&files, info->extra_files[s]);
    memset(&cmp, 0, sizeof(cmp));
    for (s = 0; s < r->n_scenarios && s < HC_COMPARE_MAX_SCENARIOS; s++) names[s] = cfg[s].name;
    if (hc_world_values_from_results(r, cfg, &wv, err)) return 1;
    rc = hc_compare_compute(&wv, 0, names, cfg[0].start_year, cfg[0].steps_per_year, b->percentiles, b->np,
                            &cmp, err) ||
         hc_write_tables(dir, b, &wv, &cmp, cfg, info, &files, err) ||
         hc_write_charts(dir, r, b, &cmp, cfg, &files, err) ||
         hc_write_exceedance(dir, b, &wv, cfg, info->formats, &files, err) ||
         hc_write_summary_md(dir, r, b, &cmp, cfg, err);
    if (!rc) hc_file_list_add(&files, "summary.md");
    rc = rc || hc_write_report_html(dir, r, b, &cmp, cfg, info, &files, err) ||
         hc_write_manifest(dir, r, cfg, info, &files, err);
    hc_compare_free(&cmp);
    hc_world_values_free(&wv);
    return rc;
}

/* The caveat of a run whose worlds are not plain draws, wrapped for a terminal. */
static void print_caveat(FILE *out, const hc_bands *b)
{
    const char *p = b->caveat;
    int col = 0;
    if (!b->caveat[0]) return;
    fputs(b->caveat_is_warning ? "\n!! WARNING, not plain draws: " : "\nNote: ", out);
    col = b->caveat_is_warning ? 29 : 6;
    while (*p) {
        const char *sp = strchr(p, ' ');
        const int w = sp ? (int)(sp - p) : (int)strlen(p);
        if (col + w > 96) {
            fputs(b->caveat_is_warning ? "\n!! " : "\n  ", out);
            col = b->caveat_is_warning ? 3 : 2;
        }
        fprintf(out, "%.*s", w, p);
        col += w;
        p += w;
        if (*p == ' ') {
            fputc(' ', out);
            col++;
            p++;
        }
    }
    fputc('\n', out);
}

void hc_print_horizon(FILE *out, const hc_bands *b, const hc_config *cfg)
{
    static const int shown[] = {HC_M_EMPLOYMENT_CHANGE, HC_M_AI_EFFECT, HC_M_DISPLACED, HC_M_ROLLED_BACK};
    const int lo = 0, hi = b->np - 1;
    int mid = -1, s, k, c, w = 16; /* the scenario column: as wide as its longest name */
    char lo_label[32], hi_label[32];
    for (s = 0; s < b->n_scenarios; s++)
        if ((int)strlen(hc_scenario_label(&cfg[s])) > w) w = (int)strlen(hc_scenario_label(&cfg[s]));
    for (c = 0; c < b->np; c++)
        if (b->percentiles[c] == 50.0) mid = c;
    hc_percentile_label(b->percentiles[lo], lo_label, sizeof(lo_label));
    hc_percentile_label(b->percentiles[hi], hi_label, sizeof(hi_label));
    print_caveat(out, b);
    fprintf(out, "\nAt the horizon (%d), %s \u00b1 its Monte Carlo standard error [%s .. %s] across worlds:\n",
            cfg[0].start_year + cfg[0].years, mid >= 0 ? "median" : "mean", lo_label, hi_label);
    fprintf(out, "  %-*s", w, "scenario");
    for (k = 0; k < (int)(sizeof(shown) / sizeof(shown[0])); k++)
        fprintf(out, "  %-34s", hc_metric_infos[shown[k]].name);
    fputc('\n', out);
    for (s = 0; s < b->n_scenarios; s++) {
        fprintf(out, "  %-*s", w, hc_scenario_label(&cfg[s]));
        for (k = 0; k < (int)(sizeof(shown) / sizeof(shown[0])); k++) {
            const double *row = hc_bands_world(b, s, shown[k], b->n_steps);
            const double *mc = hc_bands_mcse(b, s, shown[k], b->n_steps);
            const int m = mid >= 0 ? mid : b->np;
            char cell[80];
            snprintf(cell, sizeof(cell), "%.2f \u00b1%.2f [%.2f .. %.2f]", row[m], mc[m], row[lo], row[hi]);
            fprintf(out, "  %-35s", cell); /* one more: the 2-byte \u00b1 is one column */
        }
        fputc('\n', out);
    }
    fputs("\nProbability at the horizon: share of worlds (Monte Carlo standard error, binomial, in points; "
          "where no world or every world has it, the rule of three's 95 % bound, 3 / worlds):\n",
          out);
    fprintf(out, "  %-50s", "event");
    for (s = 0; s < b->n_scenarios; s++) fprintf(out, "  %-20s", hc_scenario_label(&cfg[s]));
    fputc('\n', out);
    for (k = 0; k < b->probs.n_events; k++) {
        char label[128];
        hc_event_label(&b->probs.events[k], label, sizeof(label));
        fprintf(out, "  %-50s", label);
        for (s = 0; s < b->n_scenarios; s++) {
            char cell[64];
            hc_fmt_share(cell, sizeof(cell), hc_bands_prob(b, s, k));
            fprintf(out, "  %-*s", (int)(strlen(hc_scenario_label(&cfg[s])) > 20 ? strlen(hc_scenario_label(&cfg[s]))
                                                                                  : 20), cell);
        }
        fputc('\n', out);
    }
}
