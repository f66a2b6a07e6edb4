/* cmd_run.c: `headcount run`: load the scenarios, simulate, compute the bands, write
 * the out folder. */
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
#include "hc_cli.h"
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_output.h"
#include "hc_run.h"
#include "hc_stats.h"

#define MAX_SCENARIOS 16

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


int hc_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},     {"force", no_argument, 0, 'F'},
        {"worlds", required_argument, 0, 'W'},  {"firms", required_argument, 0, 'f'},
        {"seed", required_argument, 0, 's'},    {"years", required_argument, 0, 'y'},
        {"threads", required_argument, 0, 't'}, {"backend", required_argument, 0, 'b'},
        {"set", required_argument, 0, 'S'},     {"dump-config", no_argument, 0, 'D'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    hc_override ov[HC_CLI_MAX_OVERRIDES];
    char set_keys[HC_CLI_MAX_OVERRIDES][256];
    char sim_values[HC_CLI_MAX_OVERRIDES][32];
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
    hc_sim_options sim;
    double t_start = hc_cli_now();
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
            if (hc_cli_parse_count(optarg, 1, 4096, &threads))
                return hc_cli_usage_error("run", "--threads: expected a whole number from 1 to 4096, got \"%s\"", optarg);
            break;
        case 'b':
            if (strcmp(optarg, "auto") && strcmp(optarg, "cpu") && strcmp(optarg, "cuda"))
                return hc_cli_usage_error("run", "--backend: expected auto, cpu or cuda, got \"%s\"", optarg);
            backend = optarg;
            break;
        case 'S': {
            const char *eq = strchr(optarg, '=');
            size_t klen = eq ? (size_t)(eq - optarg) : 0;
            if (!eq || klen == 0 || klen >= sizeof(set_keys[0]))
                return hc_cli_usage_error("run", "--set: expected KEY=VALUE (e.g. inference.price_volatility=0.3), got \"%s\"", optarg);
            if (n_ov >= HC_CLI_MAX_OVERRIDES - 4) return hc_cli_usage_error("run", "--set: too many overrides (%s)", optarg);
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
            if (hc_cli_parse_count(optarg, lo, hi, &v)) {
                fprintf(stderr, "headcount run: %s: expected a whole number from %lld to %lld, got \"%s\"\n",
                        optname, lo, hi, optarg);
                return HC_EXIT_USAGE;
            }
            if (n_ov >= HC_CLI_MAX_OVERRIDES) return hc_cli_usage_error("run", "%s: too many options", optname);
            snprintf(sim_values[n_ov], sizeof(sim_values[0]), "%lld", v);
            ov[n_ov].key = sim_key;
            ov[n_ov].value = sim_values[n_ov];
            n_ov++;
        }
    }
    n_cfg = argc - optind;
    if (n_cfg < 1) return hc_cli_usage_error("run", "%s", "no CONFIG given");
    if (n_cfg > MAX_SCENARIOS) return hc_cli_usage_error("run", "%s", "too many configs (at most 16 scenarios in one run)");
    cfg = (hc_config *)calloc((size_t)n_cfg, sizeof(hc_config));
    if (!cfg) return HC_EXIT_FAILURE;
    if (hc_cli_load_all(argv + optind, n_cfg, ov, n_ov, cfg)) {
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
    if (hc_cli_check_comparable(cfg, n_cfg)) {
        rc = HC_EXIT_USAGE;
        goto done;
    }

    /* Refuse up front what cannot fit, rather than be killed half-way. */
    {
        const size_t need = hc_results_bytes(n_cfg, cfg[0].worlds, cfg[0].firms_per_world,
                                             cfg[0].years * cfg[0].steps_per_year, cfg[0].years);
        const size_t have = hc_cli_physical_memory();
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
        hc_cli_default_out_dir(cfg, n_cfg, out_dir, sizeof(out_dir));
    if (hc_output_prepare_dir(out_dir, force, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        rc = HC_EXIT_USAGE;
        goto done;
    }
    if (hc_results_alloc(&res, n_cfg, 0, cfg[0].worlds, cfg[0].firms_per_world,
                         cfg[0].years * cfg[0].steps_per_year, cfg[0].steps_per_year, cfg[0].years, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    if (!quiet) {
        fprintf(stderr, "headcount: %d scenario(s), %lld worlds x %lld firms x %d steps, seed %llu\n", n_cfg,
                (long long)cfg[0].worlds, (long long)cfg[0].firms_per_world,
                cfg[0].years * cfg[0].steps_per_year + 1, (unsigned long long)cfg[0].seed);
    }
    hc_cli_catch_signals();
    sim.backend = backend;
    sim.threads = (int)threads;
    sim.quiet = quiet;
    if (hc_simulate(cfg, n_cfg, &sim, &res, &err)) {
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
    info.wall_seconds = hc_cli_now() - t_start;
    if (hc_write_outputs(out_dir, &res, &bands, cfg, &info, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    if (!quiet) {
        hc_print_horizon(stdout, &bands, cfg);
        printf("\nwrote %s (bands.csv, firms.csv, summary.md, manifest.json) in %.1f s "
               "(simulation %.1f s on %d thread(s), %.3g firm-steps/s)\n",
               out_dir, hc_cli_now() - t_start, res.simulate_seconds, res.threads,
               (double)n_cfg * (double)res.worlds * (double)res.firms * (double)(res.n_steps + 1) /
                   (res.simulate_seconds > 0 ? res.simulate_seconds : 1.0));
    }
    rc = HC_EXIT_OK;
done:
    hc_bands_free(&bands);
    hc_results_free(&res);
    hc_cli_free_all(cfg, n_cfg);
    free(cfg);
    return rc;
}

