/* output.c: bands.csv, firms.csv, summary.md and manifest.json of an out folder. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "hc_chart.h"
#include "hc_export.h"
#include "hc_hash.h"
#include "hc_output.h"
#include "hc_report.h"

int hc_output_prepare_dir(const char *dir, int force, hc_error *err)
{
    char path[4096], manifest[4200];
    size_t i, len = strlen(dir);
    struct stat st;
    if (len == 0 || len >= sizeof(path)) return hc_fail(err, "bad output folder name \"%s\"", dir);
    memcpy(path, dir, len + 1);
    for (i = 1; i <= len; i++) { /* mkdir -p */
        if (path[i] == '/' || path[i] == '\0') {
            const char saved = path[i];
            path[i] = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return hc_fail(err, "%s: cannot create folder: %s", path, strerror(errno));
            path[i] = saved;
        }
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return hc_fail(err, "%s: not a folder", dir);
    snprintf(manifest, sizeof(manifest), "%s/manifest.json", dir);
    if (!force && access(manifest, F_OK) == 0)
        return hc_fail(err, "%s already holds a run (manifest.json); choose another -o or pass --force "
                       "to overwrite it", dir);
    return 0;
}

FILE *hc_output_open(const char *dir, const char *name, char *tmp_path, size_t tmp_len, hc_error *err)
{
    FILE *f;
    snprintf(tmp_path, tmp_len, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
    f = fopen(tmp_path, "w");
    if (!f) hc_fail(err, "%s: cannot write: %s", tmp_path, strerror(errno));
    return f;
}

int hc_output_commit(FILE *f, const char *tmp_path, const char *dir, const char *name, hc_error *err)
{
    char final_path[4200];
    /* On the disk before its name: a crash just after the rename must not leave an empty file. */
    const int write_failed = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    const int close_failed = fclose(f) != 0;
    snprintf(final_path, sizeof(final_path), "%s/%s", dir, name);
    if (write_failed || close_failed || rename(tmp_path, final_path) != 0) {
        const int saved = errno;
        remove(tmp_path);
        return hc_fail(err, "%s: cannot write: %s", final_path, strerror(saved));
    }
    return 0;
}

/* ---- staging: a run's files appear in its out folder all at once, or not at all */

int hc_output_stage(const char *dir, char *stage, size_t len, hc_error *err)
{
    if (snprintf(stage, len, "%s/.partial-%ld", dir, (long)getpid()) >= (int)len)
        return hc_fail(err, "%s: folder name too long", dir);
    if (mkdir(stage, 0777) != 0) return hc_fail(err, "%s: cannot write into the folder: %s", dir, strerror(errno));
    return 0;
}

/* Staging must clean up even when memory has run out, and opendir() allocates: folders
 * are read with getdents64 into a buffer on the stack instead. */
struct hc_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Calls fn on each entry of the folder dirfd (not . or ..), until fn returns non-zero. */
static int for_each_entry(int dirfd, int (*fn)(int dirfd, const char *name, int is_dir, void *ctx), void *ctx)
{
    char buf[8192];
    long n, off;
    while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
        for (off = 0; off < n;) {
            const struct hc_dirent64 *e = (const struct hc_dirent64 *)(const void *)(buf + off);
            struct stat st;
            int is_dir = e->d_type == DT_DIR, rc;
            off += e->d_reclen;
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if (e->d_type == DT_UNKNOWN) is_dir = fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
            rc = fn(dirfd, e->d_name, is_dir, ctx);
            if (rc) return rc;
        }
    }
    return n < 0 ? -1 : 0;
}

static int remove_entry(int dirfd, const char *name, int is_dir, void *ctx)
{
    (void)ctx;
    if (is_dir) {
        const int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            for_each_entry(fd, remove_entry, NULL);
            close(fd);
        }
        unlinkat(dirfd, name, AT_REMOVEDIR);
    } else {
        unlinkat(dirfd, name, 0);
    }
    return 0;
}

void hc_output_discard(const char *stage)
{
    int fd;
    if (stage == NULL || stage[0] == '\0') return;
    fd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        for_each_entry(fd, remove_entry, NULL);
        close(fd);
    }
    rmdir(stage);
}

/* Moves every entry of the folder `from` into `to` (renames: one file system), folders
 * merged, except manifest.json, which hc_output_publish moves last. */
static int move_entry(int from, const char *name, int is_dir, void *ctx)
{
    const int to = *(const int *)ctx;
    if (strcmp(name, "manifest.json") == 0) return 0;
    if (is_dir) {
        int sub_from, sub_to, rc;
        if (mkdirat(to, name, 0777) != 0 && errno != EEXIST) return errno;
        sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        rc = sub_from < 0 || sub_to < 0 ? errno : for_each_entry(sub_from, move_entry, &sub_to);
        if (sub_from >= 0) close(sub_from);
        if (sub_to >= 0) close(sub_to);
        return rc;
    }
    return renameat(from, name, to, name) != 0 ? errno : 0;
}

int hc_output_publish(const char *stage, const char *dir, hc_error *err)
{
    char manifest[4200], staged_manifest[4200];
    snprintf(manifest, sizeof(manifest), "%s/manifest.json", dir);
    snprintf(staged_manifest, sizeof(staged_manifest), "%s/manifest.json", stage);
    /* An old run's manifest goes first: until the new one is in place the folder holds no
     * complete run, rather than a mix that claims to be one. */
    if (remove(manifest) != 0 && errno != ENOENT)
        return hc_fail(err, "%s: cannot replace: %s", manifest, strerror(errno));
    {
        const int from = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int to = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        const int rc = from < 0 || to < 0 ? errno : for_each_entry(from, move_entry, &to);
        if (from >= 0) close(from);
        if (to >= 0) close(to);
        if (rc) return hc_fail(err, "%s: cannot move the run's files into place: %s", dir, strerror(rc > 0 ? rc : errno));
    }
    if (rename(staged_manifest, manifest) != 0) return hc_fail(err, "%s: cannot write: %s", manifest, strerror(errno));
    hc_output_discard(stage); /* empty folders by now */
    return 0;
}

void hc_percentile_label(double p, char *buf, size_t len) { snprintf(buf, len, "p%g", p); }

static void write_percentile_header(FILE *f, const hc_bands *b)
{
    int i;
    for (i = 0; i < b->np; i++) {
        char label[32];
        hc_percentile_label(b->percentiles[i], label, sizeof(label));
        fprintf(f, ",%s", label);
    }
}

int hc_write_bands_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err)
{
    char tmp[4200];
    int s, metric, t, c;
    FILE *f = hc_output_open(dir, "bands.csv", tmp, sizeof(tmp), err);
    if (!f) return 1;
    fputs("scenario,metric,step,year", f);
    write_percentile_header(f, b);
    fputs(",mean,sd", f);
    /* The Monte Carlo standard error of each column before (src/mcse.c), in their order. */
    for (c = 0; c < b->np; c++) {
        char label[32];
        hc_percentile_label(b->percentiles[c], label, sizeof(label));
        fprintf(f, ",mcse_%s", label);
    }
    fputs(",mcse_mean,mcse_sd\n", f);
    for (s = 0; s < b->n_scenarios; s++)
        for (metric = 0; metric < HC_N_METRICS; metric++)
            for (t = 0; t <= b->n_steps; t++) {
                const double *row = hc_bands_world(b, s, metric, t);
                const size_t at = (size_t)(row - b->world); /* the same place in b->mcse */
                fprintf(f, "%s,%s,%d,%.10g", cfg[s].name, hc_metric_infos[metric].name, t,
                        (double)cfg[s].start_year + (double)t / (double)cfg[s].steps_per_year);
                for (c = 0; c < HC_BAND_WORLD_COLS(b); c++) fprintf(f, ",%.10g", row[c]);
                for (c = 0; c < HC_BAND_WORLD_COLS(b); c++) fprintf(f, ",%.10g", b->mcse ? b->mcse[at + (size_t)c] : 0.0);
                fputc('\n', f);
            }
    return hc_output_commit(f, tmp, dir, "bands.csv", err);
}

int hc_write_firms_csv(const char *dir, const hc_bands *b, const hc_config *cfg, hc_error *err)
{
    char tmp[4200];
    int s, year, c;
    FILE *f = hc_output_open(dir, "firms.csv", tmp, sizeof(tmp), err);
    if (!f) return 1;
    fputs("scenario,year", f);
    write_percentile_header(f, b);
    fputs(",mean,sd,share_shrinking\n", f);
    for (s = 0; s < b->n_scenarios; s++)
        for (year = 0; year <= b->years; year++) {
            const double *row = hc_bands_firm(b, s, year);
            fprintf(f, "%s,%d", cfg[s].name, cfg[s].start_year + year);
            for (c = 0; c < HC_BAND_FIRM_COLS(b); c++) fprintf(f, ",%.10g", row[c]);
            fputc('\n', f);
        }
    return hc_output_commit(f, tmp, dir, "firms.csv", err);
}

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

int hc_write_summary_md(const char *dir, const hc_bands *b, const hc_compare *cmp, const hc_config *cfg,
                        hc_error *err)
{
    char tmp[4200];
    int s, metric, c;
    const int T = b->n_steps;
    FILE *f = hc_output_open(dir, "summary.md", tmp, sizeof(tmp), err);
    if (!f) return 1;
    fprintf(f, "# headcount: %d scenario(s) at the horizon, %d\n\n", b->n_scenarios,
            cfg[0].start_year + cfg[0].years);
    hc_answer_md(f, b, cmp, cfg); /* the answer first (src/report_html.c), the full tables below */
    fprintf(f, "## Every metric at the horizon\n\n");
    fprintf(f, "%lld worlds x %lld firms per world, seed %llu. Bands are percentiles across worlds "
               "(forecast uncertainty); see bands.csv for every step and firms.csv for firm-level "
               "spread.\n\n",
            (long long)cmp->worlds, (long long)cfg[0].firms_per_world, (unsigned long long)cfg[0].seed);
    for (s = 0; s < b->n_scenarios; s++) {
        fprintf(f, "## %s\n\n| metric | unit |", cfg[s].name);
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
            fprintf(f, "| %s | %s |", mi->name, mi->unit);
            for (c = 0; c <= b->np; c++) {
                char num[64];
                human_number(row[c], mi->unit, num, sizeof(num));
                fprintf(f, " %s |", num);
            }
            fputc('\n', f);
        }
        {
            const double *row = hc_bands_firm(b, s, b->years);
            fprintf(f, "\nFirms below their starting headcount at the horizon: %.1f %%.\n\n",
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
    cJSON_AddStringToObject(root, "git_commit", HC_GIT_COMMIT);
    for (i = 0; i < info->argc; i++) cJSON_AddItemToArray(argv, cJSON_CreateString(info->argv[i]));
    cJSON_AddItemToObject(root, "command", argv);
    cJSON_AddStringToObject(root, "started_at", info->started_at);
    cJSON_AddStringToObject(root, "host", host);
    cJSON_AddStringToObject(root, "backend", r->backend);
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
    if (info->uncertainty) /* design, MCSE, --target-mcse (src/mcse.c) */
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

void hc_file_list_add(hc_file_list *l, const char *name)
{
    if (l->n < HC_MAX_OUTPUT_FILES) snprintf(l->name[l->n++], sizeof(l->name[0]), "%s", name);
}

/* The tables in the chosen formats and worlds.f64 (src/export.c), the charts
 * (src/chart_svg.c), summary.md, report.html (src/report_html.c), then manifest.json,
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
         hc_write_charts(dir, r, b, &cmp, cfg, &files, err) || hc_write_summary_md(dir, b, &cmp, cfg, err);
    if (!rc) hc_file_list_add(&files, "summary.md");
    rc = rc || hc_write_report_html(dir, r, b, &cmp, cfg, info, &files, err) ||
         hc_write_manifest(dir, r, cfg, info, &files, err);
    hc_compare_free(&cmp);
    hc_world_values_free(&wv);
    return rc;
}

void hc_print_horizon(FILE *out, const hc_bands *b, const hc_config *cfg)
{
    static const int shown[] = {HC_M_EMPLOYMENT_CHANGE, HC_M_AI_EFFECT, HC_M_DISPLACED, HC_M_ROLLED_BACK};
    const int lo = 0, hi = b->np - 1;
    int mid = -1, s, k, c;
    char lo_label[32], hi_label[32];
    for (c = 0; c < b->np; c++)
        if (b->percentiles[c] == 50.0) mid = c;
    hc_percentile_label(b->percentiles[lo], lo_label, sizeof(lo_label));
    hc_percentile_label(b->percentiles[hi], hi_label, sizeof(hi_label));
    fprintf(out, "\nAt the horizon (%d), %s [%s .. %s] across worlds:\n", cfg[0].start_year + cfg[0].years,
            mid >= 0 ? "median" : "mean", lo_label, hi_label);
    fprintf(out, "  %-16s", "scenario");
    for (k = 0; k < (int)(sizeof(shown) / sizeof(shown[0])); k++)
        fprintf(out, "  %-28s", hc_metric_infos[shown[k]].name);
    fputc('\n', out);
    for (s = 0; s < b->n_scenarios; s++) {
        fprintf(out, "  %-16s", cfg[s].name);
        for (k = 0; k < (int)(sizeof(shown) / sizeof(shown[0])); k++) {
            const double *row = hc_bands_world(b, s, shown[k], b->n_steps);
            char cell[64];
            snprintf(cell, sizeof(cell), "%.2f [%.2f .. %.2f]", mid >= 0 ? row[mid] : row[b->np], row[lo], row[hi]);
            fprintf(out, "  %-28s", cell);
        }
        fputc('\n', out);
    }
}
