/* cmd_run.c: `headcount run`: load the scenarios, simulate, compute the bands, write
 * the out folder. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "hc_bands.h"
#include "hc_blend.h"
#include "hc_cli.h"
#include "hc_config.h"
#include "hc_design.h"
#include "hc_engine.h"
#include "hc_export.h"
#include "hc_mcse.h"
#include "hc_mpi.h"
#include "hc_output.h"
#include "hc_progress.h"
#include "hc_run.h"
#include "hc_samples.h"
#include "hc_sensitivity.h"
#include "hc_stats.h"
#include "hc_trace.h"

#define MAX_SCENARIOS 16

static const char *usage_run =
    "usage: headcount run [options] CONFIG...\n"
    "\n"
    "Runs each CONFIG as a scenario with the same random numbers for the inputs they share,\n"
    "and writes report.html, summary.md, the tables (bands, firms, compare), charts/*.svg,\n"
    "worlds.f64 (every world's metrics, for `headcount compare`) and manifest.json to the\n"
    "out folder. A progress bar shows on stderr when it is a terminal.\n"
    "\n"
    "options:\n"
    "  -o, --out DIR           out folder (default results/<scenario names>; an existing\n"
    "                          default folder gets a -2, -3... suffix instead of being replaced)\n"
    "      --force             write into DIR even if it holds a run or other files (those stay:\n"
    "                          only headcount's own files are replaced)\n"
    "      --worlds N          worlds (possible futures); overrides simulation.worlds\n"
    "      --firms N           firms per world; overrides simulation.firms_per_world\n"
    "      --seed N            random seed; overrides simulation.seed\n"
    "      --years N           horizon in years; overrides simulation.years\n"
    "      --threads N         CPU threads (default: all cores); results do not depend on it\n"
    "      --backend B         auto, cpu or cuda (default auto: a GPU when one is usable)\n"
    "      --devices LIST      GPUs to use, e.g. 0,1 (default: every usable one; see headcount\n"
    "                          devices); results do not depend on which or how many\n"
    "      --set KEY=VALUE     override any config value by its dotted path, e.g.\n"
    "                          --set inference.price_volatility=0.3 (repeatable; VALUE is JSON)\n"
    "      --dump-config       print the resolved configs as JSON and exit\n"
    "      --format LIST       formats of the tables: csv, json, md, comma-separated (default csv)\n"
    "      --trajectories LIST also write every world's value of these metrics at every step\n"
    "                          (trajectories.csv), e.g. employment_change_pct,ai_effect_pct or all\n"
    "      --samples LIST      every world's value of these metrics (or all) at --sample-years, as\n"
    "                          samples.json (SIPmath 3.0, for spreadsheet Monte Carlo tools) and\n"
    "                          samples.csv (scenario,world,metric,year,value); 17 digits\n"
    "      --sample-years Y,Y  calendar years of --samples, or all (default: the horizon)\n"
    "      --trace-percentiles P,P  name the firms at these percentiles of the firm-level change\n"
    "                          at the horizon (traced_firms.csv, with the `headcount trace`\n"
    "                          command that replays each) and write their traces (traces.csv)\n"
    "      --sampling M        world-level inputs by mc (independent draws, the default) or lhs\n"
    "                          (Latin hypercube, stratified across the worlds; docs/uncertainty.md)\n"
    "      --sensitivity       sensitivity.csv: Spearman and standardised rank regression\n"
    "                          coefficients of every world-level input, and tornado charts\n"
    "      --sobol N           and Sobol first-order and total indices, from a Saltelli design of\n"
    "                          N base samples (N x (inputs + 2) worlds, in place of --worlds)\n"
    "      --target-mcse X     add worlds until the median of each headline metric at the horizon\n"
    "                          has a Monte Carlo standard error of at most X points\n"
    "      --max-worlds N      the most worlds --target-mcse may reach (default 1000000)\n"
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
        {"format", required_argument, 0, 'R'},  {"trajectories", required_argument, 0, 'T'},
        {"samples", required_argument, 0, 2101}, {"sample-years", required_argument, 0, 2102},
        {"trace-percentiles", required_argument, 0, 2103},
        {"devices", required_argument, 0, 2201},
        {"sampling", required_argument, 0, 2301}, {"sensitivity", no_argument, 0, 2302},
        {"sobol", required_argument, 0, 2303},    {"target-mcse", required_argument, 0, 2304},
        {"max-worlds", required_argument, 0, 2305},
        {0, 0, 0, 0}};
    hc_override ov[HC_CLI_MAX_OVERRIDES];
    char set_keys[HC_CLI_MAX_OVERRIDES][256];
    char sim_values[HC_CLI_MAX_OVERRIDES][32];
    int n_ov = 0, c, quiet = 0, force = 0, dump = 0, i, rc = HC_EXIT_FAILURE;
    unsigned formats = HC_FORMAT_CSV;
    int traj_metrics[HC_N_METRICS], n_traj = 0;
    hc_progress *progress;
    int sim_failed;
    const char *sample_years_arg = NULL;
    hc_samples_spec samples;
    double trace_p[HC_TRACE_MAX_PERCENTILES];
    int n_trace_p = 0;
    hc_file_list extra; /* written here before hc_write_outputs: samples, traced firms */
    long long threads = 0, v;
    const char *out_arg = NULL, *backend = "auto";
    char out_dir[PATH_MAX + 512], final_dir[PATH_MAX + 512] = "", started_at[64];
    int staged = 0; /* out_dir is a staging folder not yet published */
    hc_config *cfg = NULL;
    int n_cfg;
    hc_results res;
    hc_blend_run blend_run; /* blends among the configs: their components, simulated alongside */
    hc_bands bands;
    hc_error err;
    hc_run_info info;
    hc_sim_options sim;
    int devices[HC_SIM_MAX_DEVICES], n_devices = 0;
    hc_uncertainty_options unc; /* --sampling, --sensitivity, --sobol, --target-mcse (docs/uncertainty.md) */
    hc_design design;
    int have_design = 0;
    hc_mcse_target target;
    cJSON *unc_json = NULL;
    int64_t span_begin, span_worlds;
    double t_start = hc_cli_now();
    time_t now = time(NULL);

    memset(&res, 0, sizeof(res));
    memset(&blend_run, 0, sizeof(blend_run));
    memset(&bands, 0, sizeof(bands));
    memset(&samples, 0, sizeof(samples));
    memset(&unc, 0, sizeof(unc));
    memset(&design, 0, sizeof(design));
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
        case 'R':
            if (hc_parse_formats(optarg, &formats))
                return hc_cli_usage_error("run", "--format: expected csv, json or md, comma-separated, got \"%s\"", optarg);
            break;
        case 'T': {
            char bad[256];
            if (hc_parse_metric_list(optarg, traj_metrics, &n_traj, bad, sizeof(bad))) {
                fprintf(stderr, "headcount run: --trajectories: expected metric names (bands.csv column `metric`, "
                        "comma-separated) or all, got \"%s\"; metrics:", bad);
                for (i = 0; i < HC_N_METRICS; i++) fprintf(stderr, " %s", hc_metric_infos[i].name);
                fputc('\n', stderr);
                return HC_EXIT_USAGE;
            }
            break;
        }
        case 2101: /* --samples */
            if (hc_samples_parse_metrics(optarg, &samples, &err)) return hc_cli_usage_error("run", "%s", err.message);
            break;
        case 2102: sample_years_arg = optarg; break;
        case 2103:
            if (hc_trace_parse_percentiles(optarg, trace_p, &n_trace_p, &err))
                return hc_cli_usage_error("run", "%s", err.message);
            break;
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
        case 2201:
            if (hc_cli_parse_devices(optarg, devices, HC_SIM_MAX_DEVICES, &n_devices))
                return hc_cli_usage_error("run", "--devices: expected distinct GPU numbers separated by commas, "
                                          "such as 0,1 (see headcount devices), got \"%s\"", optarg);
            break;
        case 2301:
            if (strcmp(optarg, "mc") && strcmp(optarg, "lhs"))
                return hc_cli_usage_error("run", "--sampling: expected mc or lhs, got \"%s\"", optarg);
            unc.sampling = strcmp(optarg, "lhs") == 0 ? HC_SAMPLING_LHS : HC_SAMPLING_MC;
            break;
        case 2302: unc.sensitivity = 1; break;
        case 2303:
            if (hc_cli_parse_count(optarg, 2, 100000000, &v))
                return hc_cli_usage_error("run", "--sobol: expected a number of base samples from 2 to 100000000, "
                                          "got \"%s\"", optarg);
            unc.sobol_n = v;
            break;
        case 2304: {
            char *end;
            unc.target_mcse = strtod(optarg, &end);
            if (end == optarg || *end || !(unc.target_mcse > 0.0) || !isfinite(unc.target_mcse))
                return hc_cli_usage_error("run", "--target-mcse: expected a positive number of percentage points, "
                                          "got \"%s\"", optarg);
            break;
        }
        case 2305:
            if (hc_cli_parse_count(optarg, 1, 2000000000LL, &v))
                return hc_cli_usage_error("run", "--max-worlds: expected a whole number from 1 to 2000000000, "
                                          "got \"%s\"", optarg);
            unc.max_worlds = v;
            break;
        case 'S': {
            /* room is kept for the --worlds/--firms/--seed/--years overrides */
            const int bad = hc_cli_add_set("run", optarg, ov, set_keys, &n_ov, HC_CLI_MAX_OVERRIDES - 4);
            if (bad) return bad;
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
    if (hc_mpi_rank() != 0) quiet = 1; /* under MPI only rank 0 speaks, besides errors */
    if (n_devices > 0 && strcmp(backend, "cpu") == 0)
        return hc_cli_usage_error("run", "%s", "--devices: GPUs were named, but --backend is cpu");
    if (unc.max_worlds > 0 && unc.target_mcse <= 0.0)
        return hc_cli_usage_error("run", "%s", "--max-worlds: only with --target-mcse");
    n_cfg = argc - optind;
    if (n_cfg < 1) return hc_cli_usage_error("run", "%s", "no CONFIG given");
    if (n_cfg > MAX_SCENARIOS) return hc_cli_usage_error("run", "%s", "too many configs (at most 16 scenarios in one run)");
    cfg = (hc_config *)calloc((size_t)n_cfg, sizeof(hc_config));
    if (!cfg) {
        fprintf(stderr, "headcount: out of memory\n");
        return HC_EXIT_FAILURE;
    }
    err.out_of_memory = 0;
    if (hc_blend_load_run(argv + optind, n_cfg, ov, n_ov, cfg, &blend_run, &err)) { /* blends or plain configs */
        fprintf(stderr, "headcount: %s\n", err.message);
        free(cfg);
        return err.out_of_memory ? HC_EXIT_FAILURE : HC_EXIT_USAGE; /* memory running out is no bad input */
    }
    if (dump) {
        for (i = 0; i < n_cfg; i++) {
            char *text = hc_config_resolved_json(&cfg[i]);
            if (text && hc_mpi_rank() == 0) printf("%s\n", text);
            free(text);
        }
        rc = HC_EXIT_OK;
        goto done;
    }
    if (hc_cli_check_comparable(cfg, n_cfg)) {
        rc = HC_EXIT_USAGE;
        goto done;
    }
    /* A blend's firm in world w is its component's; the replay knows one model per scenario. */
    if (n_trace_p > 0 && hc_blend_run_simulated(&blend_run) != hc_blend_run_slots(&blend_run)) {
        hc_cli_usage_error("run", "%s", "--trace-percentiles: not available for a blend; trace its components");
        rc = HC_EXIT_USAGE;
        goto done;
    }
    /* --sample-years needs the configs' years: checked now rather than after the run. */
    if ((sample_years_arg && samples.n_metrics == 0) ||
        (samples.n_metrics > 0 && hc_samples_parse_years(sample_years_arg, &cfg[0], &samples, &err))) {
        hc_cli_usage_error("run", "%s", samples.n_metrics ? err.message : "--sample-years needs --samples");
        rc = HC_EXIT_USAGE;
        goto done;
    }

    /* A world-input design (LHS, correlations, Sobol; hc_design.h), built from the seed and
     * configs alone, the same on every rank; --sobol sets the number of worlds. */
    if (hc_design_plan(cfg, n_cfg, &unc, hc_blend_run_simulated(&blend_run) != hc_blend_run_slots(&blend_run),
                       hc_mpi_size(), &err)) {
        hc_cli_usage_error("run", "%s", err.message);
        rc = HC_EXIT_USAGE;
        goto done;
    }
    if (hc_design_wanted(cfg, n_cfg, &unc)) {
        if (n_trace_p > 0) { /* the replay draws world inputs itself (src/trace.c) and would not match */
            hc_cli_usage_error("run", "%s", "--trace-percentiles: not available with --sampling lhs, --sobol or "
                                            "correlations yet");
            rc = HC_EXIT_USAGE;
            goto done;
        }
        if (hc_design_build(cfg, n_cfg, &unc, cfg[0].worlds, &design, &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            goto done;
        }
        have_design = 1;
    }

    /* All the worlds, except on MPI ranks other than 0: their own block (src/mpi_run.c). */
    hc_mpi_results_span(cfg[0].worlds, &span_begin, &span_worlds);
    /* Refuse up front what cannot fit, rather than be killed half-way. */
    {
        /* The results, the scratch copy of one year's firm-level changes that the bands sort,
         * and 64 MiB for the program, its tables and the threads' paths. */
        const double need = (double)hc_results_bytes(hc_blend_run_slots(&blend_run), span_worlds,
                                                     cfg[0].firms_per_world, cfg[0].years * cfg[0].steps_per_year,
                                                     cfg[0].years) +
                            4.0 * (double)span_worlds * (double)cfg[0].firms_per_world + 67108864.0;
        char source[96];
        const size_t have = hc_cli_available_memory(source, sizeof(source));
        if (unc.target_mcse > 0.0 && have > 0) { /* --target-mcse: worlds whose results fit twice (while appended) */
            const double per_world = (double)hc_results_bytes(hc_blend_run_slots(&blend_run), 1, cfg[0].firms_per_world,
                                                              cfg[0].years * cfg[0].steps_per_year, cfg[0].years);
            const double fit = (double)have / 10.0 * 8.0 / (2.0 * per_world);
            if (unc.max_worlds == 0) unc.max_worlds = HC_MCSE_DEFAULT_MAX_WORLDS;
            if (fit < (double)unc.max_worlds) unc.max_worlds = fit > (double)cfg[0].worlds ? (int64_t)fit : cfg[0].worlds;
        }
        if (have > 0 && need > (double)have / 10.0 * 8.0) {
            fprintf(stderr, "headcount: %d scenario(s) x %lld worlds x %lld firms need %.3g GiB of memory, and "
                    "%.3g GiB is available (%s); lower --worlds or --firms\n",
                    n_cfg, (long long)cfg[0].worlds, (long long)cfg[0].firms_per_world, need / 1073741824.0,
                    (double)have / 1073741824.0, source);
            rc = HC_EXIT_FAILURE;
            goto done;
        }
    }
    hc_cli_catch_signals(); /* from here a signal ends the run cleanly: no stage left (hc_outdir.h) */
    if (out_arg && strlen(out_arg) >= PATH_MAX) {
        fprintf(stderr, "headcount: -o: a path of %zu bytes is longer than the limit, %d\n", strlen(out_arg), PATH_MAX - 1);
        rc = HC_EXIT_USAGE;
        goto done;
    }
    if (out_arg)
        snprintf(out_dir, sizeof(out_dir), "%s", out_arg);
    else
        hc_cli_default_out_dir(cfg, n_cfg, out_dir, sizeof(out_dir));
    if (hc_mpi_rank() == 0 && hc_output_prepare_dir(out_dir, force, &err)) { /* only rank 0 writes */
        fprintf(stderr, "headcount: %s\n", err.message);
        rc = HC_EXIT_USAGE;
        goto done;
    }
    /* From here on every file goes to a staging folder inside the out folder, published
     * only once all are written (hc_output.h): out_dir names the stage, final_dir the folder.
     * Creating it now also finds an unwritable folder before the simulation, not after. */
    snprintf(final_dir, sizeof(final_dir), "%s", out_dir);
    if (hc_mpi_rank() == 0) {
        if (hc_output_stage(final_dir, out_dir, sizeof(out_dir), &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            rc = HC_EXIT_USAGE;
            goto done;
        }
        staged = 1;
    }
    if (hc_results_alloc(&res, hc_blend_run_slots(&blend_run), span_begin, span_worlds, cfg[0].firms_per_world,
                         cfg[0].years * cfg[0].steps_per_year, cfg[0].steps_per_year, cfg[0].years, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    res.design = have_design ? &design : NULL;
    if (!quiet) {
        fprintf(stderr, "headcount: %d scenario(s), %lld worlds x %lld firms x %d steps, seed %llu\n", n_cfg,
                (long long)cfg[0].worlds, (long long)cfg[0].firms_per_world,
                cfg[0].years * cfg[0].steps_per_year + 1, (unsigned long long)cfg[0].seed);
    }
    memset(&sim, 0, sizeof(sim));
    sim.backend = backend;
    sim.threads = (int)threads;
    sim.quiet = quiet;
    sim.n_devices = n_devices;
    memcpy(sim.devices, devices, sizeof(int) * (size_t)n_devices);
    {
        /* The bar counts this process's worlds: all of them, or its block under MPI. */
        int64_t block_begin, block_worlds;
        hc_mpi_partition(cfg[0].worlds, hc_mpi_rank(), hc_mpi_size(), &block_begin, &block_worlds);
        progress = hc_progress_start(&res.worlds_done, (int64_t)hc_blend_run_simulated(&blend_run) * block_worlds, quiet);
    }
    sim_failed = hc_blend_simulate(cfg, &blend_run, &sim, &res, &err); /* = hc_simulate without blends */
    hc_progress_stop(progress);
    if (!sim_failed && unc.target_mcse > 0.0) { /* more worlds until the headline medians are precise enough */
        sim_failed = hc_mcse_run_to_target(cfg, &blend_run, &sim, have_design ? &design : NULL, unc.target_mcse,
                                           unc.max_worlds, &res, &target, &err);
        for (i = 0; i < n_cfg; i++) cfg[i].worlds = res.worlds; /* what every output reports */
        if (!sim_failed && !quiet)
            fprintf(stderr, "headcount: --target-mcse %g: %s with %lld worlds (largest MCSE of a headline median "
                    "at the horizon: %.3g)\n", unc.target_mcse,
                    target.reached ? "reached" : "NOT reached: stopped at --max-worlds", (long long)res.worlds,
                    target.worst);
    }
    if (sim_failed) {
        if (hc_interrupted) {
            if (hc_mpi_rank() == 0) /* under MPI the others end with it; rank 0 says so once */
                fprintf(stderr, "headcount: interrupted (%s); nothing was written to %s\n", hc_cli_stop_reason(), final_dir);
            rc = HC_EXIT_INTERRUPTED;
        } else {
            fprintf(stderr, "headcount: %s\n", err.message);
        }
        goto done;
    }
    if (hc_mpi_rank() != 0) { /* rank 0 has gathered this rank's worlds and writes the outputs */
        rc = HC_EXIT_OK;
        goto done;
    }
    if (hc_bands_compute(&res, cfg, &bands, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    memset(&extra, 0, sizeof(extra));
    if (samples.n_metrics > 0) {
        char provenance[512], date[16];
        snprintf(provenance, sizeof(provenance), "headcount %s (model %d, commit %s), seed %llu, %lld worlds x %lld "
                 "firms; trial i is world i - 1 of every scenario", HC_VERSION, HC_MODEL_VERSION, HC_GIT_COMMIT,
                 (unsigned long long)cfg[0].seed, (long long)cfg[0].worlds, (long long)cfg[0].firms_per_world);
        snprintf(date, sizeof(date), "%.10s", started_at);
        if (hc_write_samples(out_dir, &res, cfg, &samples, provenance, date, &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            goto done;
        }
        hc_file_list_add(&extra, HC_SAMPLES_JSON);
        hc_file_list_add(&extra, HC_SAMPLES_CSV);
    }
    if (n_trace_p > 0) {
        if (hc_write_traced_firms(out_dir, &res, cfg, n_cfg, trace_p, n_trace_p, ov, n_ov, &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            goto done;
        }
        hc_file_list_add(&extra, HC_TRACED_FIRMS_FILE);
        hc_file_list_add(&extra, HC_TRACES_FILE);
    }
    if (unc.sensitivity || unc.sobol_n > 0) { /* sensitivity.csv and charts/tornado_*.svg */
        if (hc_write_sensitivity(out_dir, &res, cfg, have_design ? &design : NULL, &extra, &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            goto done;
        }
    }
    memset(&info, 0, sizeof(info));
    unc_json = hc_uncertainty_manifest(&unc, have_design ? &design : NULL, unc.target_mcse > 0.0 ? &target : NULL,
                                       cfg, res.worlds);
    info.uncertainty = unc_json;
    info.extra_files = (const char(*)[64])extra.name;
    info.n_extra_files = extra.n;
    info.argc = argc;
    info.argv = argv;
    info.formats = formats;
    info.n_trajectory_metrics = n_traj;
    memcpy(info.trajectory_metrics, traj_metrics, sizeof(int) * (size_t)n_traj);
    info.started_at = started_at;
    info.wall_seconds = hc_cli_now() - t_start;
    if (hc_write_outputs(out_dir, &res, &bands, cfg, &info, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    if (hc_interrupted) { /* Ctrl-C while the files were written: the run is not finished */
        fprintf(stderr, "headcount: interrupted (%s); nothing was written to %s\n", hc_cli_stop_reason(), final_dir);
        rc = HC_EXIT_INTERRUPTED;
        goto done;
    }
    if (hc_output_publish(out_dir, final_dir, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        goto done;
    }
    staged = 0;
    if (!quiet) {
        hc_print_horizon(stdout, &bands, cfg);
        printf("\nwrote %s (report.html, summary.md, tables, charts, manifest.json) in %.1f s "
               "(simulation %.1f s on %d %s, %.3g firm-steps/s)\n",
               final_dir, hc_cli_now() - t_start, res.simulate_seconds, res.threads,
               res.backend && strcmp(res.backend, "cuda") == 0 ? "GPU(s)" : "thread(s)",
               (double)hc_blend_run_simulated(&blend_run) * (double)res.worlds * (double)res.firms *
                   (double)(res.n_steps + 1) /
                   (res.simulate_seconds > 0 ? res.simulate_seconds : 1.0));
    }
    rc = HC_EXIT_OK;
done:
    if (rc == HC_EXIT_FAILURE && hc_interrupted) rc = HC_EXIT_INTERRUPTED; /* failed because it was stopped */
    if (staged) hc_output_discard(out_dir); /* failed or interrupted: none of its files stay */
    hc_samples_free(&samples);
    hc_design_free(&design);
    cJSON_Delete(unc_json);
    hc_bands_free(&bands);
    hc_results_free(&res);
    hc_cli_free_all(cfg, n_cfg);
    hc_blend_run_free(&blend_run);
    free(cfg);
    return rc;
}

