/* main.c: the `headcount` command line: run, validate, describe, devices.
 * Only this file decides exit statuses (hc_defs.h): 0 ok, 2 bad input or usage,
 * 1 other failures, 130 interrupted. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "hc_bands.h"
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_output.h"
#include "hc_stats.h"

#define MAX_SCENARIOS 16
#define MAX_OVERRIDES 256

static const char *usage_main =
    "usage: headcount COMMAND [options]\n"
    "\n"
    "Monte Carlo forecast of net employment under AI narratives (docs/model.md).\n"
    "\n"
    "commands:\n"
    "  run CONFIG...        run each config as a scenario (common random numbers)\n"
    "  validate CONFIG...   check configs without running\n"
    "  describe CONFIG      each input's distribution and its sampled 5/50/95th percentiles\n"
    "  devices              the GPUs headcount can use\n"
    "\n"
    "  headcount COMMAND --help   options of a command\n"
    "  headcount --version\n";

static const char *usage_run =
    "usage: headcount run [options] CONFIG...\n"
    "\n"
    "Runs each CONFIG as a scenario with the same random numbers for the inputs they share,\n"
    "and writes bands.csv, firms.csv, summary.md and manifest.json to the out folder.\n"
    "\n"
    "options:\n"
    "  -o, --out DIR           out folder (default results/<scenario names>; an existing\n"
    "                          default folder gets a -2, -3... suffix instead of being replaced)\n"
    "      --force             write into DIR even if it already holds a run\n"
    "      --worlds N          worlds (possible futures); overrides simulation.worlds\n"
    "      --firms N           firms per world; overrides simulation.firms_per_world\n"
    "      --seed N            random seed; overrides simulation.seed\n"
    "      --years N           horizon in years; overrides simulation.years\n"
    "      --threads N         CPU threads (default: all cores); results do not depend on it\n"
    "      --backend B         auto, cpu or cuda (default auto: a GPU when one is usable)\n"
    "      --set KEY=VALUE     override any config value by its dotted path, e.g.\n"
    "                          --set inference.price_volatility=0.3 (repeatable; VALUE is JSON)\n"
    "      --dump-config       print the resolved configs as JSON and exit\n"
    "  -q, --quiet             print nothing but errors\n"
    "  -h, --help              this help\n";

static const char *usage_validate =
    "usage: headcount validate [--set KEY=VALUE]... CONFIG...\n"
    "\n"
    "Loads each CONFIG (following `extends`) and checks it against the schema of\n"
    "docs/model.md; prints one line per config. Exit status 2 if any is invalid.\n";

static const char *usage_describe =
    "usage: headcount describe [--samples N] [--set KEY=VALUE]... CONFIG\n"
    "\n"
    "Prints each input of CONFIG: whether it is drawn per world or per firm, its\n"
    "distribution, and the 5th, 50th and 95th percentiles of N draws (default 100000)\n"
    "made with the run's own sampler.\n";

static const char *usage_devices =
    "usage: headcount devices\n"
    "\n"
    "Lists the GPUs headcount can use (name, memory, compute capability).\n";

/* ---- small helpers */

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "headcount %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see headcount %s --help)\n", cmd);
    return HC_EXIT_USAGE;
}

/* A whole number in [lo, hi], all of `s`. */
static int parse_count(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) return 1;
    *out = v;
    return 0;
}

static void on_signal(int sig)
{
    (void)sig;
    hc_interrupted = 1;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int load_all(char **paths, int n, const hc_override *ov, int n_ov, hc_config *cfg)
{
    int i;
    for (i = 0; i < n; i++) {
        hc_error err;
        if (hc_config_load(paths[i], ov, n_ov, &cfg[i], &err) != 0) {
            fprintf(stderr, "headcount: %s\n", err.message);
            while (--i >= 0) hc_config_free(&cfg[i]);
            return 1;
        }
    }
    return 0;
}

static void free_all(hc_config *cfg, int n)
{
    int i;
    for (i = 0; i < n; i++) hc_config_free(&cfg[i]);
}

/* Scenarios of one run are compared world by world, so they must share the shape of
 * the simulation and the bands. */
static int check_comparable(const hc_config *cfg, int n)
{
    int i, j;
    for (i = 1; i < n; i++) {
        const hc_config *a = &cfg[0], *b = &cfg[i];
        const char *what = NULL;
        if (a->start_year != b->start_year) what = "simulation.start_year";
        else if (a->years != b->years) what = "simulation.years";
        else if (a->steps_per_year != b->steps_per_year) what = "simulation.steps_per_year";
        else if (a->worlds != b->worlds) what = "simulation.worlds";
        else if (a->firms_per_world != b->firms_per_world) what = "simulation.firms_per_world";
        else if (a->seed != b->seed) what = "simulation.seed";
        else if (a->n_percentiles != b->n_percentiles ||
                 memcmp(a->percentiles, b->percentiles, sizeof(double) * (size_t)a->n_percentiles) != 0)
            what = "output.percentiles";
        if (what) {
            fprintf(stderr, "headcount: %s and %s differ in %s; scenarios of one run share it "
                    "(set it in a common base config, or with a command-line option)\n",
                    a->path, b->path, what);
            return 1;
        }
        for (j = 0; j < i; j++)
            if (strcmp(cfg[j].name, b->name) == 0) {
                fprintf(stderr, "headcount: %s and %s are both named \"%s\"; scenario names must differ "
                        "(set \"name\" in one of them)\n", cfg[j].path, b->path, b->name);
                return 1;
            }
    }
    return 0;
}

/* results/<name>_vs_<name>..., with -2, -3... when that already holds a run. */
static void default_out_dir(const hc_config *cfg, int n, char *out, size_t len)
{
    char base[1024] = "results/";
    char manifest[4096];
    int i, k;
    for (i = 0; i < n; i++) {
        if (i > 0) strncat(base, "_vs_", sizeof(base) - strlen(base) - 1);
        strncat(base, cfg[i].name, sizeof(base) - strlen(base) - 1);
    }
    snprintf(out, len, "%s", base);
    for (k = 2; k < 10000; k++) {
        if (snprintf(manifest, sizeof(manifest), "%s/manifest.json", out) >= (int)sizeof(manifest)) return;
        if (access(manifest, F_OK) != 0) return;
        snprintf(out, len, "%s-%d", base, k);
    }
}

static size_t physical_memory(void)
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return (pages > 0 && page > 0) ? (size_t)pages * (size_t)page : 0;
}

/* ---- run */

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},     {"force", no_argument, 0, 'F'},
        {"worlds", required_argument, 0, 'W'},  {"firms", required_argument, 0, 'f'},
        {"seed", required_argument, 0, 's'},    {"years", required_argument, 0, 'y'},
        {"threads", required_argument, 0, 't'}, {"backend", required_argument, 0, 'b'},
        {"set", required_argument, 0, 'S'},     {"dump-config", no_argument, 0, 'D'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    hc_override ov[MAX_OVERRIDES];
    char set_keys[MAX_OVERRIDES][256];
    char sim_values[MAX_OVERRIDES][32];
    int n_ov = 0, c, quiet = 0, force = 0, dump = 0, i, rc = HC_EXIT_FAILURE;
    long long threads = 0, v;
    const char *out_arg = NULL, *backend = "auto";
    char out_dir[1200], started_at[64];
    hc_config *cfg = NULL;
    int n_cfg;
    hc_results res;
    hc_bands bands;
    hc_error err;
    hc_run_info info;
    double t_start = now_seconds();
    time_t now = time(NULL);

    memset(&res, 0, sizeof(res));
    memset(&bands, 0, sizeof(bands));
    strftime(started_at, sizeof(started_at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        const char *sim_key = NULL;
        long long lo = 1, hi = 2000000000LL;
        switch (c) {
        case 'o': out_arg = optarg; break;
        case 'F': force = 1; break;
        case 'q': quiet = 1; break;
        case 'D': dump = 1; break;
        case 'h': fputs(usage_run, stdout); return HC_EXIT_OK;
        case 'W': sim_key = "simulation.worlds"; break;
        case 'f': sim_key = "simulation.firms_per_world"; break;
        case 's': sim_key = "simulation.seed"; lo = 0; hi = (1LL << 53) - 1; break;
        case 'y': sim_key = "simulation.years"; hi = HC_MAX_STEPS; break;
        case 't':
            if (parse_count(optarg, 1, 4096, &threads))
                return usage_error("run", "--threads: expected a whole number from 1 to 4096, got \"%s\"", optarg);
            break;
        case 'b':
            if (strcmp(optarg, "auto") && strcmp(optarg, "cpu") && strcmp(optarg, "cuda"))
                return usage_error("run", "--backend: expected auto, cpu or cuda, got \"%s\"", optarg);
            backend = optarg;
            break;
        case 'S': {
            const char *eq = strchr(optarg, '=');
            size_t klen = eq ? (size_t)(eq - optarg) : 0;
            if (!eq || klen == 0 || klen >= sizeof(set_keys[0]))
                return usage_error("run", "--set: expected KEY=VALUE (e.g. inference.price_volatility=0.3), got \"%s\"", optarg);
            if (n_ov >= MAX_OVERRIDES - 4) return usage_error("run", "--set: too many overrides (%s)", optarg);
            memcpy(set_keys[n_ov], optarg, klen);
            set_keys[n_ov][klen] = '\0';
            ov[n_ov].key = set_keys[n_ov];
            ov[n_ov].value = eq + 1;
            n_ov++;
            break;
        }
        default: fputs(usage_run, stderr); return HC_EXIT_USAGE;
        }
        if (sim_key) {
            char optname[32];
            snprintf(optname, sizeof(optname), "--%s", c == 'W' ? "worlds" : c == 'f' ? "firms" : c == 's' ? "seed" : "years");
            if (parse_count(optarg, lo, hi, &v)) {
                fprintf(stderr, "headcount run: %s: expected a whole number from %lld to %lld, got \"%s\"\n",
                        optname, lo, hi, optarg);
                return HC_EXIT_USAGE;
            }
            if (n_ov >= MAX_OVERRIDES) return usage_error("run", "%s: too many options", optname);
            snprintf(sim_values[n_ov], sizeof(sim_values[0]), "%lld", v);
            ov[n_ov].key = sim_key;
            ov[n_ov].value = sim_values[n_ov];
            n_ov++;
        }
    }
    n_cfg = argc - optind;
    if (n_cfg < 1) return usage_error("run", "%s", "no CONFIG given");
    if (n_cfg > MAX_SCENARIOS) return usage_error("run", "%s", "too many configs (at most 16 scenarios in one run)");
    cfg = (hc_config *)calloc((size_t)n_cfg, sizeof(hc_config));
    if (!cfg) return HC_EXIT_FAILURE;
    if (load_all(argv + optind, n_cfg, ov, n_ov, cfg)) {
        free(cfg);
        return HC_EXIT_USAGE;
    }
    if (dump) {
        for (i = 0; i < n_cfg; i++) {
            char *text = hc_config_resolved_json(&cfg[i]);
            if (text) printf("%s\n", text);
            free(text);
        }
        rc = HC_EXIT_OK;
        goto done;
    }
    if (check_comparable(cfg, n_cfg)) {
        rc = HC_EXIT_USAGE;
        goto done;
    }
    if (strcmp(backend, "cuda") == 0) {
        fprintf(stderr, "headcount: --backend cuda: this build has no CUDA backend yet\n"
                        "hint: run with --backend cpu (or auto)\n");
        rc = HC_EXIT_FAILURE;
        goto done;
    }
    if (strcmp(backend, "auto") == 0 && !quiet)
        fprintf(stderr, "headcount: no usable GPU backend in this build; running on the CPU\n");

    /* Refuse up front what cannot fit, rather than be killed half-way. */
    {
        const size_t need = hc_results_bytes(n_cfg, cfg[0].worlds, cfg[0].firms_per_world,
                                             cfg[0].years * cfg[0].steps_per_year, cfg[0].years);
        const size_t have = physical_memory();
        if (have > 0 && need > have / 10 * 8) {
            fprintf(stderr, "headcount: %d scenario(s) x %lld worlds x %lld firms need %.1f GiB of memory for "
                    "their results, and this machine has %.1f GiB; lower --worlds or --firms\n",
                    n_cfg, (long long)cfg[0].worlds, (long long)cfg[0].firms_per_world,
                    (double)need / 1073741824.0, (double)have / 1073741824.0);
            rc = HC_EXIT_FAILURE;
            goto done;
        }
    }
    if (out_arg)
        snprintf(out_dir, sizeof(out_dir), "%s", out_arg);
    else
        default_out_dir(cfg, n_cfg, out_dir, sizeof(out_dir));
    if (hc_output_prepare_dir(out_dir, force, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        rc = HC_EXIT_USAGE;
        goto done;
    }
    if (hc_results_alloc(&res, n_cfg, cfg[0].worlds, cfg[0].firms_per_world,
                         cfg[0].years * cfg[0].steps_per_year, cfg[0].steps_per_year, cfg[0].years, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    if (!quiet) {
        fprintf(stderr, "headcount: %d scenario(s), %lld worlds x %lld firms x %d steps, seed %llu\n", n_cfg,
                (long long)cfg[0].worlds, (long long)cfg[0].firms_per_world,
                cfg[0].years * cfg[0].steps_per_year + 1, (unsigned long long)cfg[0].seed);
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (hc_run_cpu(cfg, n_cfg, (int)threads, &res, &err)) {
        if (hc_interrupted) {
            fprintf(stderr, "headcount: interrupted; nothing was written to %s\n", out_dir);
            rc = HC_EXIT_INTERRUPTED;
        } else {
            fprintf(stderr, "headcount: %s\n", err.message);
        }
        goto done;
    }
    if (hc_bands_compute(&res, cfg, &bands, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    info.argc = argc;
    info.argv = argv;
    info.started_at = started_at;
    info.wall_seconds = now_seconds() - t_start;
    if (hc_write_bands_csv(out_dir, &bands, cfg, &err) || hc_write_firms_csv(out_dir, &bands, cfg, &err) ||
        hc_write_summary_md(out_dir, &bands, cfg, &err) || hc_write_manifest(out_dir, &res, cfg, &info, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    if (!quiet) {
        hc_print_horizon(stdout, &bands, cfg);
        printf("\nwrote %s/{bands.csv,firms.csv,summary.md,manifest.json} in %.1f s "
               "(simulation %.1f s on %d thread(s), %.3g firm-steps/s)\n",
               out_dir, now_seconds() - t_start, res.simulate_seconds, res.threads,
               (double)n_cfg * (double)res.worlds * (double)res.firms * (double)(res.n_steps + 1) /
                   (res.simulate_seconds > 0 ? res.simulate_seconds : 1.0));
    }
    rc = HC_EXIT_OK;
done:
    hc_bands_free(&bands);
    hc_results_free(&res);
    free_all(cfg, n_cfg);
    free(cfg);
    return rc;
}

/* ---- validate and describe share the --set option */

static int parse_set_only(int argc, char **argv, const char *cmd, const char *usage, hc_override *ov,
                          char (*keys)[256], int *n_ov, long long *samples)
{
    static const struct option opts[] = {{"set", required_argument, 0, 'S'},
                                         {"samples", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    *n_ov = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return -1;
        } else if (c == 'S') {
            const char *eq = strchr(optarg, '=');
            const size_t klen = eq ? (size_t)(eq - optarg) : 0;
            if (!eq || klen == 0 || klen >= 256 || *n_ov >= MAX_OVERRIDES)
                return usage_error(cmd, "--set: expected KEY=VALUE, got \"%s\"", optarg);
            memcpy(keys[*n_ov], optarg, klen);
            keys[*n_ov][klen] = '\0';
            ov[*n_ov].key = keys[*n_ov];
            ov[*n_ov].value = eq + 1;
            (*n_ov)++;
        } else if (c == 'n' && samples) {
            if (parse_count(optarg, 1, 100000000LL, samples))
                return usage_error(cmd, "--samples: expected a whole number from 1 to 1e8, got \"%s\"", optarg);
        } else {
            fputs(usage, stderr);
            return HC_EXIT_USAGE;
        }
    }
    return 0;
}

static int cmd_validate(int argc, char **argv)
{
    hc_override ov[MAX_OVERRIDES];
    char keys[MAX_OVERRIDES][256];
    int n_ov, i, bad = 0;
    const int prc = parse_set_only(argc, argv, "validate", usage_validate, ov, keys, &n_ov, NULL);
    if (prc) return prc < 0 ? HC_EXIT_OK : prc;
    if (optind >= argc) return usage_error("validate", "%s", "no CONFIG given");
    for (i = optind; i < argc; i++) {
        hc_config cfg;
        hc_error err;
        if (hc_config_load(argv[i], ov, n_ov, &cfg, &err) != 0) {
            fprintf(stderr, "headcount: %s\n", err.message);
            bad = 1;
            continue;
        }
        printf("%s: ok (scenario %s: %d roles, %lld worlds x %lld firms, %d years x %d steps)\n", argv[i],
               cfg.name, cfg.model.n_roles, (long long)cfg.worlds, (long long)cfg.firms_per_world, cfg.years,
               cfg.steps_per_year);
        hc_config_free(&cfg);
    }
    return bad ? HC_EXIT_USAGE : HC_EXIT_OK;
}

/* The resolved JSON of one input, e.g. "inference.price_per_mtok" or roles[r].wage. */
static char *input_json(const hc_config *c, const char *key, int role, const char *role_field)
{
    const cJSON *node = c->resolved;
    if (role >= 0) {
        node = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(node, "roles"), role);
        node = cJSON_GetObjectItemCaseSensitive(node, role_field);
    } else {
        char section[64];
        const char *dot = strchr(key, '.');
        const size_t len = dot ? (size_t)(dot - key) : 0;
        if (!dot || len >= sizeof(section)) return NULL;
        memcpy(section, key, len);
        section[len] = '\0';
        node = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, section), dot + 1);
    }
    return node ? cJSON_PrintUnformatted(node) : NULL;
}

static void describe_line(const hc_config *c, const char *label, const char *per, const hc_dist *d,
                          const char *json, long long n, double *buf)
{
    static const double p[3] = {5.0, 50.0, 95.0};
    double q[3];
    long long i;
    for (i = 0; i < n; i++) {
        hc_rng rng;
        hc_rng_init(&rng, c->seed, (uint32_t)i, 0u, 0xFFFFu, 0u);
        buf[i] = hc_dist_sample(d, c->model.pool, &rng);
    }
    hc_percentiles_d(buf, (size_t)n, p, 3, q);
    printf("%-44s %-5s %12.4g %12.4g %12.4g   %s\n", label, per, q[0], q[1], q[2], json ? json : "");
}

static int cmd_describe(int argc, char **argv)
{
    hc_override ov[MAX_OVERRIDES];
    char keys[MAX_OVERRIDES][256];
    long long samples = 100000;
    int n_ov, i, r;
    hc_config cfg;
    hc_error err;
    double *buf;
    const int prc = parse_set_only(argc, argv, "describe", usage_describe, ov, keys, &n_ov, &samples);
    if (prc) return prc < 0 ? HC_EXIT_OK : prc;
    if (optind != argc - 1) return usage_error("describe", "%s", "expected exactly one CONFIG");
    if (hc_config_load(argv[optind], ov, n_ov, &cfg, &err) != 0) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_USAGE;
    }
    buf = (double *)malloc((size_t)samples * sizeof(double));
    if (!buf) {
        hc_config_free(&cfg);
        return HC_EXIT_FAILURE;
    }
    printf("scenario %s (%s): %lld draws of each input\n\n", cfg.name, cfg.path, samples);
    printf("%-44s %-5s %12s %12s %12s   %s\n", "input", "per", "p5", "p50", "p95", "distribution");
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        char *json = input_json(&cfg, hc_input_specs[i].key, -1, NULL);
        describe_line(&cfg, hc_input_specs[i].key, hc_input_specs[i].per_firm ? "firm" : "world",
                      &cfg.model.input[i], json, samples, buf);
        cJSON_free(json);
    }
    for (r = 0; r < cfg.model.n_roles; r++) {
        char label[128];
        char *json;
        snprintf(label, sizeof(label), "roles.%s.wage", cfg.role_names[r]);
        json = input_json(&cfg, NULL, r, "wage");
        describe_line(&cfg, label, "firm", &cfg.model.role_wage[r], json, samples, buf);
        cJSON_free(json);
        snprintf(label, sizeof(label), "roles.%s.tokens_per_fte_year", cfg.role_names[r]);
        json = input_json(&cfg, NULL, r, "tokens_per_fte_year");
        describe_line(&cfg, label, "world", &cfg.model.role_tokens[r], json, samples, buf);
        cJSON_free(json);
    }
    printf("\nroles (fixed): name, share (normalised), exposure, adoption_start\n");
    for (r = 0; r < cfg.model.n_roles; r++)
        printf("  %-28s %8.4f %8.4f %8.4f\n", cfg.role_names[r], (double)cfg.model.role_share[r],
               (double)cfg.model.role_exposure[r], (double)cfg.model.role_adoption_start[r]);
    free(buf);
    hc_config_free(&cfg);
    return HC_EXIT_OK;
}

static int cmd_devices(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_devices, stdout);
        return HC_EXIT_OK;
    }
    printf("no GPUs: this build of headcount has no CUDA backend yet; runs use the CPU\n");
    return HC_EXIT_OK;
}

int main(int argc, char **argv)
{
    const char *cmd;
    if (argc < 2) {
        fputs(usage_main, stderr);
        return HC_EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("headcount %s (model %d, commit %s)\n", HC_VERSION, HC_MODEL_VERSION, HC_GIT_COMMIT);
        return HC_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return HC_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0) return cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "describe") == 0) return cmd_describe(argc - 1, argv + 1);
    if (strcmp(cmd, "devices") == 0) return cmd_devices(argc - 1, argv + 1);
    fprintf(stderr, "headcount: unknown command \"%s\"\n\n%s", cmd, usage_main);
    return HC_EXIT_USAGE;
}
