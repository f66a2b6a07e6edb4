/* cmd_run.c: `headcount run`, one function per stage of the line
 *
 *     parse -> load -> plan -> simulate -> analyse -> write -> publish
 *
 * parse_args reads the command line into run_args; load_run loads the scenarios and
 * builds the run's shape (hc_shape.h); plan_run builds the world-input design, checks the
 * memory, stages the out folder and allocates the results; simulate_run hands the plan to
 * hc_blend_simulate (hc_simulate when there is no blend) and to --target-mcse;
 * analyse_run computes the bands; write_run writes every file into the stage; publish_run
 * makes the out folder. Each stage returns CONTINUE or the command's exit status.
 *
 * Owns: the command's options and the order of the stages. Calls: the config loader and
 * blends, the shape, the design, the simulation line (hc_run.h), MCSE, bands and the
 * writers; nothing calls back into it. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hc_bands.h"
#include "hc_blend.h"
#include "hc_chart.h"
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
#include "hc_shape.h"
#include "hc_stats.h"
#include "hc_trace.h"

#define MAX_SCENARIOS 16
#define CONTINUE (-1) /* a stage went well: on to the next */

static const char *usage_run =
    "usage: headcount run [options] CONFIG...\n"
    "\n"
    "Runs each CONFIG as a scenario with the same random numbers for the inputs they share,\n"
    "and writes report.html, summary.md, the tables (bands, firms, roles, probabilities,\n"
    "compare), charts/*.svg, worlds.f64 (every world's metrics, for `headcount compare`)\n"
    "and manifest.json to the out folder. A progress bar shows on stderr when it is a\n"
    "terminal.\n"
    "\n"
    "The bands mix two spreads: the futures (the world-level inputs) and the finite sample\n"
    "of --firms firms in each world. With few firms the second widens the bands (part of it\n"
    "shrinks as 1/firms); the console and summary.md say what share of the spread comes from\n"
    "the firms, and warn above 25 % (docs/uncertainty.md \"Firms per world\").\n"
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
    "      --dump-config       print the resolved config as JSON and exit (with several CONFIGs,\n"
    "                          one JSON object keyed by scenario name)\n"
    "      --format LIST       also write the tables as json and/or md (comma-separated); the\n"
    "                          CSVs are always written\n"
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
    "      --threshold LIST    also report P(metric < t) at the horizon for each t, in percent, e.g.\n"
    "                          -5,-2: the share of worlds where employment_change_pct and\n"
    "                          ai_effect_pct are below -5 and -2 (probabilities.csv)\n"
    "      --target-mcse X     add worlds until the median of each headline metric at the horizon\n"
    "                          has a Monte Carlo standard error of at most X points\n"
    "      --max-worlds N      the most worlds --target-mcse may reach (default 1000000)\n"
    "  -q, --quiet             print nothing but errors\n"
    "  -h, --help              this help\n";


/* What the command line asked for. */
typedef struct {
    hc_override ov[HC_CLI_MAX_OVERRIDES];
    char set_keys[HC_CLI_MAX_OVERRIDES][256];
    char sim_values[HC_CLI_MAX_OVERRIDES][32];
    int n_ov;
    int quiet, force, dump;
    unsigned formats;
    int traj_metrics[HC_N_METRICS], n_traj;
    const char *sample_years_arg;
    hc_samples_spec samples;
    double trace_p[HC_TRACE_MAX_PERCENTILES];
    int n_trace_p;
    long long threads;
    const char *out_arg, *backend;
    int devices[HC_SIM_MAX_DEVICES], n_devices;
    hc_uncertainty_options unc; /* --sampling, --sensitivity, --sobol, --target-mcse (docs/uncertainty.md) */
    double thresholds[HC_MAX_THRESHOLDS]; /* --threshold: P(metric < t) at the horizon */
    int n_thresholds;
    char **paths;               /* the CONFIGs */
    int n_paths;
    int argc;
    char **argv;
} run_args;

/* The run as it goes down the line; every stage adds to it, run_free frees it. */
typedef struct {
    run_args a;
    hc_config *cfg; /* [n_cfg] scenarios, once loaded */
    int n_cfg;
    hc_blend_run blend_run; /* blends among the configs: their components, simulated alongside */
    hc_run_shape shape;     /* what every scenario shares; --sobol and --target-mcse set its worlds */
    int roles;              /* the most roles of any scenario slot: the results' role sums */
    hc_design design;
    int have_design;
    hc_plan plan;
    hc_sim_options sim;
    int64_t worlds_done; /* the progress bar's count (hc_plan.worlds_done) */
    hc_results res;
    hc_mcse_target target;
    hc_bands bands;
    char out_dir[PATH_MAX + 512], final_dir[PATH_MAX + 512], started_at[64];
    int staged; /* out_dir is a staging folder not yet published */
    cJSON *unc_json;
    double t_start;
} run_ctx;

/* --worlds, --firms, --seed and --years: overrides of their simulation.* keys. */
static int add_sim_override(run_args *a, int c, const char *arg)
{
    const char *key, *name;
    long long lo = 1, hi = 2000000000LL, v;
    switch (c) {
    case 'W': key = "simulation.worlds", name = "--worlds"; break;
    case 'f': key = "simulation.firms_per_world", name = "--firms"; break;
    case 's': key = "simulation.seed", name = "--seed", lo = 0, hi = (1LL << 53) - 1; break;
    default: key = "simulation.years", name = "--years", hi = HC_MAX_STEPS; break;
    }
    if (hc_cli_parse_count(arg, lo, hi, &v)) {
        fprintf(stderr, "headcount run: %s: expected a whole number from %lld to %lld, got \"%s\"\n", name, lo,
                hi, arg);
        return HC_EXIT_USAGE;
    }
    if (a->n_ov >= HC_CLI_MAX_OVERRIDES) return hc_cli_usage_error("run", "%s: too many options", name);
    snprintf(a->sim_values[a->n_ov], sizeof(a->sim_values[0]), "%lld", v);
    a->ov[a->n_ov].key = key;
    a->ov[a->n_ov].value = a->sim_values[a->n_ov];
    a->n_ov++;
    return CONTINUE;
}

/* --sampling, --sensitivity, --sobol, --target-mcse, --max-worlds. */
static int parse_uncertainty(hc_uncertainty_options *u, int c, const char *arg)
{
    long long v;
    char *end;
    switch (c) {
    case 2301:
        if (strcmp(arg, "mc") && strcmp(arg, "lhs"))
            return hc_cli_usage_error("run", "--sampling: expected mc or lhs, got \"%s\"", arg);
        u->sampling = strcmp(arg, "lhs") == 0 ? HC_SAMPLING_LHS : HC_SAMPLING_MC;
        return CONTINUE;
    case 2302: u->sensitivity = 1; return CONTINUE;
    case 2303:
        if (hc_cli_parse_count(arg, 2, 100000000, &v))
            return hc_cli_usage_error("run", "--sobol: expected a number of base samples from 2 to 100000000, "
                                      "got \"%s\"", arg);
        u->sobol_n = v;
        return CONTINUE;
    case 2304:
        u->target_mcse = strtod(arg, &end);
        if (end == arg || *end || !(u->target_mcse > 0.0) || !isfinite(u->target_mcse))
            return hc_cli_usage_error("run", "--target-mcse: expected a positive number of percentage points, "
                                      "got \"%s\"", arg);
        return CONTINUE;
    default: /* 2305 */
        if (hc_cli_parse_count(arg, 1, 2000000000LL, &v))
            return hc_cli_usage_error("run", "--max-worlds: expected a whole number from 1 to 2000000000, "
                                      "got \"%s\"", arg);
        u->max_worlds = v;
        return CONTINUE;
    }
}

/* One option c with its argument: CONTINUE, or the exit status. */
static int parse_option(run_args *a, int c, const char *arg)
{
    hc_error err;
    int i;
    switch (c) {
    case 'o': a->out_arg = arg; break;
    case 'F': a->force = 1; break;
    case 'q': a->quiet = 1; break;
    case 'D': a->dump = 1; break;
    case 'h': fputs(usage_run, stdout); return HC_EXIT_OK;
    case 'R':
        if (hc_parse_formats(arg, &a->formats))
            return hc_cli_usage_error("run", "--format: expected csv, json or md, comma-separated, got \"%s\"", arg);
        break;
    case 'T': {
        char bad[256];
        if (hc_parse_metric_list(arg, a->traj_metrics, &a->n_traj, bad, sizeof(bad))) {
            fprintf(stderr, "headcount run: --trajectories: expected metric names (bands.csv column `metric`, "
                    "comma-separated) or all, got \"%s\"; metrics:", bad);
            for (i = 0; i < HC_N_METRICS; i++) fprintf(stderr, " %s", hc_metric_infos[i].name);
            fputc('\n', stderr);
            return HC_EXIT_USAGE;
        }
        break;
    }
    case 2101: /* --samples */
        if (hc_samples_parse_metrics(arg, &a->samples, &err)) return hc_cli_usage_error("run", "%s", err.message);
        break;
    case 2102: a->sample_years_arg = arg; break;
    case 2104:
        if (hc_parse_thresholds(arg, a->thresholds, &a->n_thresholds, &err))
            return hc_cli_usage_error("run", "%s", err.message);
        break;
    case 2103:
        if (hc_trace_parse_percentiles(arg, a->trace_p, &a->n_trace_p, &err))
            return hc_cli_usage_error("run", "%s", err.message);
        break;
    case 'W': case 'f': case 's': case 'y': return add_sim_override(a, c, arg);
    case 't':
        if (hc_cli_parse_count(arg, 1, 4096, &a->threads))
            return hc_cli_usage_error("run", "--threads: expected a whole number from 1 to 4096, got \"%s\"", arg);
        break;
    case 'b':
        if (strcmp(arg, "auto") && strcmp(arg, "cpu") && strcmp(arg, "cuda"))
            return hc_cli_usage_error("run", "--backend: expected auto, cpu or cuda, got \"%s\"", arg);
        a->backend = arg;
        break;
    case 2201:
        if (hc_cli_parse_devices(arg, a->devices, HC_SIM_MAX_DEVICES, &a->n_devices))
            return hc_cli_usage_error("run", "--devices: expected distinct GPU numbers separated by commas, "
                                      "such as 0,1 (see headcount devices), got \"%s\"", arg);
        break;
    case 2301: case 2302: case 2303: case 2304: case 2305: return parse_uncertainty(&a->unc, c, arg);
    case 'S':
        /* room is kept for the --worlds/--firms/--seed/--years overrides */
        i = hc_cli_add_set("run", arg, a->ov, a->set_keys, &a->n_ov, HC_CLI_MAX_OVERRIDES - 4);
        if (i) return i;
        break;
    default: return HC_EXIT_USAGE; /* said by hc_cli_getopt */
    }
    return CONTINUE;
}

/* parse: the options and the CONFIGs, checked against each other. */
static int parse_args(run_args *a, int argc, char **argv)
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
        {"trace-percentiles", required_argument, 0, 2103}, {"threshold", required_argument, 0, 2104},
        {"devices", required_argument, 0, 2201},
        {"sampling", required_argument, 0, 2301}, {"sensitivity", no_argument, 0, 2302},
        {"sobol", required_argument, 0, 2303},    {"target-mcse", required_argument, 0, 2304},
        {"max-worlds", required_argument, 0, 2305},
        {0, 0, 0, 0}};
    int c, rc;
    a->formats = HC_FORMAT_CSV;
    a->backend = "auto";
    a->argc = argc;
    a->argv = argv;
    optind = 1;
    while ((c = hc_cli_getopt("run", argc, argv, "o:qh", opts)) != -1)
        if ((rc = parse_option(a, c, optarg)) != CONTINUE) return rc;
    if (hc_mpi_rank() != 0) a->quiet = 1; /* under MPI only rank 0 speaks, besides errors */
    if (a->n_devices > 0 && strcmp(a->backend, "cpu") == 0)
        return hc_cli_usage_error("run", "%s", "--devices: GPUs were named, but --backend is cpu");
    if (a->unc.max_worlds > 0 && a->unc.target_mcse <= 0.0)
        return hc_cli_usage_error("run", "%s", "--max-worlds: only with --target-mcse");
    a->paths = argv + optind;
    a->n_paths = argc - optind;
    if (a->n_paths < 1) return hc_cli_usage_error("run", "%s", "no CONFIG given");
    if (a->n_paths > MAX_SCENARIOS)
        return hc_cli_usage_error("run", "%s", "too many configs (at most 16 scenarios in one run)");
    return CONTINUE;
}

static int has_blend(const run_ctx *x)
{
    return hc_blend_run_simulated(&x->blend_run) != hc_blend_run_slots(&x->blend_run);
}

/* load: the scenarios (blends or plain configs), --dump-config, and the run's shape. */
static int load_run(run_ctx *x)
{
    run_args *a = &x->a;
    hc_error err;
    int i;
    x->cfg = (hc_config *)calloc((size_t)a->n_paths, sizeof(hc_config));
    if (!x->cfg) {
        fprintf(stderr, "headcount: out of memory\n");
        return HC_EXIT_FAILURE;
    }
    err.out_of_memory = 0;
    if (hc_blend_load_run(a->paths, a->n_paths, a->ov, a->n_ov, x->cfg, &x->blend_run, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return err.out_of_memory ? HC_EXIT_FAILURE : HC_EXIT_USAGE; /* memory running out is no bad input */
    }
    x->n_cfg = a->n_paths;
    if (a->dump) {
        /* One JSON value: a config as it is (a file `run` loads back), several as an object
         * keyed by scenario name. Printed as text, so every number stays exact. */
        if (x->n_cfg > 1 && hc_cli_check_names(x->cfg, x->n_cfg)) return HC_EXIT_USAGE;
        if (x->n_cfg > 1 && hc_mpi_rank() == 0) fputs("{\n", stdout);
        for (i = 0; i < x->n_cfg; i++) {
            char *text = hc_config_resolved_json(&x->cfg[i]);
            if (!text) {
                fprintf(stderr, "headcount: out of memory\n");
                return HC_EXIT_FAILURE;
            }
            if (hc_mpi_rank() == 0 && x->n_cfg > 1)
                printf("\"%s\": %s%s\n", x->cfg[i].name, text, i + 1 < x->n_cfg ? "," : "");
            else if (hc_mpi_rank() == 0)
                printf("%s\n", text);
            free(text);
        }
        if (x->n_cfg > 1 && hc_mpi_rank() == 0) fputs("}\n", stdout);
        return HC_EXIT_OK;
    }
    if (hc_shape_build(x->cfg, x->n_cfg, &x->shape, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_USAGE;
    }
    if (hc_cli_check_names(x->cfg, x->n_cfg)) return HC_EXIT_USAGE;
    x->roles = hc_blend_run_roles(&x->blend_run, x->cfg);
    /* A blend's firm in world w is its component's; the replay knows one model per scenario. */
    if (a->n_trace_p > 0 && has_blend(x))
        return hc_cli_usage_error("run", "%s", "--trace-percentiles: not available for a blend; trace its components");
    /* --sample-years needs the configs' years: checked now rather than after the run. */
    if ((a->sample_years_arg && a->samples.n_metrics == 0) ||
        (a->samples.n_metrics > 0 && hc_samples_parse_years(a->sample_years_arg, &x->cfg[0], &a->samples, &err)))
        return hc_cli_usage_error("run", "%s", a->samples.n_metrics ? err.message : "--sample-years needs --samples");
    return CONTINUE;
}

/* Refuses up front what cannot fit, rather than be killed half-way; for --target-mcse,
 * caps the worlds at those whose results fit twice (while appended). */
static int check_memory(run_ctx *x, int64_t span_worlds)
{
    const hc_run_shape *sh = &x->shape;
    const int slots = hc_blend_run_slots(&x->blend_run);
    hc_uncertainty_options *unc = &x->a.unc;
    /* The results, the scratch copy of one year's firm-level changes that the bands sort,
     * and 64 MiB for the program, its tables and the threads' paths. */
    const double need = (double)hc_results_bytes(slots, span_worlds, sh->firms, sh->n_steps, sh->years, x->roles) +
                        4.0 * (double)span_worlds * (double)sh->firms + 67108864.0;
    char source[96];
    const size_t have = hc_cli_available_memory(source, sizeof(source));
    if (unc->target_mcse > 0.0 && have > 0) {
        const double per_world = (double)hc_results_bytes(slots, 1, sh->firms, sh->n_steps, sh->years, x->roles);
        const double fit = (double)have / 10.0 * 8.0 / (2.0 * per_world);
        if (unc->max_worlds == 0) unc->max_worlds = HC_MCSE_DEFAULT_MAX_WORLDS;
        if (fit < (double)unc->max_worlds) unc->max_worlds = fit > (double)sh->worlds ? (int64_t)fit : sh->worlds;
    }
    if (have > 0 && need > (double)have / 10.0 * 8.0) {
        fprintf(stderr, "headcount: %d scenario(s) x %lld worlds x %lld firms need %.3g GiB of memory, and "
                "%.3g GiB is available (%s); lower --worlds or --firms\n",
                x->n_cfg, (long long)sh->worlds, (long long)sh->firms, need / 1073741824.0,
                (double)have / 1073741824.0, source);
        return HC_EXIT_FAILURE;
    }
    return CONTINUE;
}

/* The out folder, and from here on a staging folder inside it, published only once every
 * file is written (hc_output.h): out_dir names the stage, final_dir the folder. Creating
 * it now also finds an unwritable folder before the simulation, not after. Only rank 0
 * writes. */
static int stage_out_dir(run_ctx *x)
{
    hc_error err;
    hc_cli_catch_signals(); /* from here a signal ends the run cleanly: no stage left (hc_outdir.h) */
    if (x->a.out_arg && strlen(x->a.out_arg) >= PATH_MAX) {
        fprintf(stderr, "headcount: -o: a path of %zu bytes is longer than the limit, %d\n", strlen(x->a.out_arg),
                PATH_MAX - 1);
        return HC_EXIT_USAGE;
    }
    if (x->a.out_arg)
        snprintf(x->out_dir, sizeof(x->out_dir), "%s", x->a.out_arg);
    else
        hc_cli_default_out_dir(x->cfg, x->n_cfg, x->out_dir, sizeof(x->out_dir));
    if (hc_mpi_rank() == 0 && hc_output_prepare_dir(x->out_dir, x->a.force, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_USAGE;
    }
    snprintf(x->final_dir, sizeof(x->final_dir), "%s", x->out_dir);
    if (hc_mpi_rank() == 0) {
        if (hc_output_stage(x->final_dir, x->out_dir, sizeof(x->out_dir), &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            return HC_EXIT_USAGE;
        }
        x->staged = 1;
    }
    return CONTINUE;
}

/* plan: the world-input design, the memory, the out folder, the results and the plan. */
static int plan_run(run_ctx *x)
{
    run_args *a = &x->a;
    const hc_run_shape *sh = &x->shape;
    int64_t span_begin, span_worlds;
    hc_error err;
    int rc;
    /* A world-input design (LHS, correlations, Sobol; hc_design.h), built from the seed and
     * configs alone, the same on every rank; --sobol sets the number of worlds. */
    if (hc_design_plan(x->cfg, x->n_cfg, &a->unc, has_blend(x), hc_mpi_size(), &x->shape.worlds, &err))
        return hc_cli_usage_error("run", "%s", err.message);
    if (hc_design_wanted(x->cfg, x->n_cfg, &a->unc)) {
        if (a->n_trace_p > 0) /* the replay draws world inputs itself (src/engines/trace.c) and would not match */
            return hc_cli_usage_error("run", "%s", "--trace-percentiles: not available with --sampling lhs, --sobol or "
                                                   "correlations yet");
        if (hc_design_build(x->cfg, x->n_cfg, &a->unc, sh->worlds, &x->design, &err)) {
            fprintf(stderr, "headcount: %s\n", err.message);
            return HC_EXIT_FAILURE;
        }
        x->have_design = 1;
    }
    /* All the worlds, except on MPI ranks other than 0: their own block (src/engines/mpi_run.c). */
    hc_mpi_results_span(sh->worlds, &span_begin, &span_worlds);
    if ((rc = check_memory(x, span_worlds)) != CONTINUE || (rc = stage_out_dir(x)) != CONTINUE) return rc;
    if (hc_results_alloc(&x->res, hc_blend_run_slots(&x->blend_run), span_begin, span_worlds, sh->firms,
                         sh->n_steps, sh->steps_per_year, sh->years, x->roles, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_FAILURE;
    }
    x->res.n_scenarios = x->n_cfg; /* a blend's hidden components lie in the slots beyond */
    x->plan = hc_plan_of(x->cfg, x->n_cfg, &x->res);
    x->plan.design = x->have_design ? &x->design : NULL;
    x->plan.world_begin = 0;
    x->plan.worlds = sh->worlds;
    x->plan.worlds_done = &x->worlds_done;
    memset(&x->sim, 0, sizeof(x->sim));
    x->sim.backend = a->backend;
    x->sim.threads = (int)a->threads;
    x->sim.quiet = a->quiet;
    x->sim.n_devices = a->n_devices;
    memcpy(x->sim.devices, a->devices, sizeof(int) * (size_t)a->n_devices);
    /* What reads firm changes after the run: --trace-percentiles the horizon's; a blend (its
     * firms are its components') and --target-mcse (it appends worlds) every year's. The
     * rest (firms.csv, the firm histogram, the firm-sampling share) reads statistics, which
     * a GPU may compute itself and send instead of the firm changes. */
    x->sim.firm_stats = !has_blend(x) && a->unc.target_mcse <= 0.0;
    x->sim.firm_changes_at_horizon = a->n_trace_p > 0;
    return CONTINUE;
}

/* simulate: the plan, then --target-mcse's further worlds. */
static int simulate_run(run_ctx *x)
{
    const run_args *a = &x->a;
    int64_t block_begin, block_worlds;
    hc_progress *progress;
    hc_error err;
    int failed;
    if (!a->quiet) {
        fprintf(stderr, "headcount: %d scenario(s), %lld worlds x %lld firms x %d steps, seed %llu\n", x->n_cfg,
                (long long)x->shape.worlds, (long long)x->shape.firms, x->shape.n_steps + 1,
                (unsigned long long)x->shape.seed);
    }
    /* The bar counts this process's worlds: all of them, or its block under MPI. */
    hc_mpi_partition(x->shape.worlds, hc_mpi_rank(), hc_mpi_size(), &block_begin, &block_worlds);
    progress = hc_progress_start(&x->worlds_done, (int64_t)hc_blend_run_simulated(&x->blend_run) * block_worlds,
                                 a->quiet);
    failed = hc_blend_simulate(&x->blend_run, &x->plan, &x->sim, &x->res, &err); /* = hc_simulate without blends */
    hc_progress_stop(progress);
    if (!failed && !a->quiet && x->res.firm_stats_host_why) /* the run was slower than it might have been */
        fprintf(stderr, "headcount: the firm statistics were computed on the host, not on the GPU: %s; every year's "
                        "firm changes crossed to the host\n", x->res.firm_stats_host_why);
    if (!failed && a->unc.target_mcse > 0.0) { /* more worlds until the headline medians are precise enough */
        failed = hc_mcse_run_to_target(&x->blend_run, &x->plan, x->have_design ? &x->design : NULL, &x->sim,
                                       a->unc.target_mcse, a->unc.max_worlds, &x->res, &x->target, &err);
        x->shape.worlds = x->res.worlds; /* what every output reports */
        if (!failed && !a->quiet)
            fprintf(stderr, "headcount: --target-mcse %g: %s with %lld worlds (largest MCSE of a headline median "
                    "at the horizon: %.3g)\n", a->unc.target_mcse,
                    x->target.reached ? "reached" : "NOT reached: stopped at --max-worlds", (long long)x->res.worlds,
                    x->target.worst);
    }
    if (!failed) return CONTINUE;
    if (hc_interrupted) {
        if (hc_mpi_rank() == 0) /* under MPI the others end with it; rank 0 says so once */
            fprintf(stderr, "headcount: interrupted (%s); nothing was written to %s\n", hc_cli_stop_reason(),
                    x->final_dir);
        return HC_EXIT_INTERRUPTED;
    }
    fprintf(stderr, "headcount: %s\n", err.message);
    return HC_EXIT_FAILURE;
}

/* analyse: the bands (rank 0 only: it has gathered every rank's worlds). */
static int analyse_run(run_ctx *x)
{
    hc_error err;
    if (hc_mpi_rank() != 0) return HC_EXIT_OK;
    if (hc_bands_compute(&x->res, x->cfg, &x->bands, &err) ||
        (x->a.n_thresholds > 0 &&
         hc_bands_probabilities(&x->bands, &x->res, x->cfg, x->a.thresholds, x->a.n_thresholds, &err))) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_FAILURE;
    }
    hc_bands_set_design(&x->bands, x->have_design ? &x->design : NULL); /* the report's caveat, if any */
    return CONTINUE;
}

/* The files the options ask for beside the standard ones: samples, traced firms,
 * sensitivity; named in `extra` for the manifest. */
static int write_extras(run_ctx *x, hc_file_list *extra, hc_error *err)
{
    const run_args *a = &x->a;
    const hc_design *design = x->have_design ? &x->design : NULL;
    if (a->samples.n_metrics > 0) {
        char provenance[512], date[16];
        snprintf(provenance, sizeof(provenance), "headcount %s (model %d, commit %s), seed %llu, %lld worlds x %lld "
                 "firms; trial i is world i - 1 of every scenario", HC_VERSION, HC_MODEL_VERSION, hc_build_commit(),
                 (unsigned long long)x->shape.seed, (long long)x->shape.worlds, (long long)x->shape.firms);
        snprintf(date, sizeof(date), "%.10s", x->started_at);
        if (hc_write_samples(x->out_dir, &x->res, x->cfg, &a->samples, provenance, date, err)) return 1;
        hc_file_list_add(extra, HC_SAMPLES_JSON);
        hc_file_list_add(extra, HC_SAMPLES_CSV);
    }
    if (a->n_trace_p > 0) {
        if (hc_write_traced_firms(x->out_dir, &x->res, x->cfg, x->n_cfg, a->trace_p, a->n_trace_p, a->ov, a->n_ov,
                                  err))
            return 1;
        hc_file_list_add(extra, HC_TRACED_FIRMS_FILE);
        hc_file_list_add(extra, HC_TRACES_FILE);
    }
    if (a->unc.sensitivity || a->unc.sobol_n > 0) /* sensitivity.csv and charts/tornado_*.svg */
        return hc_write_sensitivity(x->out_dir, &x->res, x->cfg, design, extra, err);
    return 0;
}

/* write: every file into the staging folder. */
static int write_run(run_ctx *x)
{
    const run_args *a = &x->a;
    hc_file_list extra;
    hc_run_info info;
    hc_error err;
    memset(&extra, 0, sizeof(extra));
    memset(&info, 0, sizeof(info));
    if (write_extras(x, &extra, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_FAILURE;
    }
    x->unc_json = hc_uncertainty_manifest(&a->unc, x->have_design ? &x->design : NULL,
                                          a->unc.target_mcse > 0.0 ? &x->target : NULL, x->cfg, x->res.worlds);
    info.uncertainty = x->unc_json;
    info.extra_files = (const char(*)[64])extra.name;
    info.n_extra_files = extra.n;
    info.argc = a->argc;
    info.argv = a->argv;
    info.formats = a->formats;
    info.n_trajectory_metrics = a->n_traj;
    memcpy(info.trajectory_metrics, a->traj_metrics, sizeof(int) * (size_t)a->n_traj);
    info.started_at = x->started_at;
    info.wall_seconds = hc_cli_now() - x->t_start;
    if (hc_write_outputs(x->out_dir, &x->res, &x->bands, x->cfg, &info, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_FAILURE;
    }
    return CONTINUE;
}

/* publish: the staging folder becomes the out folder, and the horizon is printed. */
static int publish_run(run_ctx *x)
{
    const hc_results *r = &x->res;
    hc_error err;
    if (hc_interrupted) { /* Ctrl-C while the files were written: the run is not finished */
        fprintf(stderr, "headcount: interrupted (%s); nothing was written to %s\n", hc_cli_stop_reason(),
                x->final_dir);
        return HC_EXIT_INTERRUPTED;
    }
    if (hc_output_publish(x->out_dir, x->final_dir, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_FAILURE;
    }
    x->staged = 0;
    if (!x->a.quiet) {
        hc_print_horizon(stdout, &x->bands, x->cfg);
        hc_print_firm_share(stdout, r, x->cfg, 0);
        printf("\nwrote %s (report.html, summary.md, tables, charts, manifest.json) in %.1f s "
               "(simulation %.1f s on %d %s, %.3g firm-steps/s)\n",
               x->final_dir, hc_cli_now() - x->t_start, r->simulate_seconds, r->threads,
               r->backend && strcmp(r->backend, "cuda") == 0 ? "GPU(s)" : "thread(s)",
               (double)hc_blend_run_simulated(&x->blend_run) * (double)r->worlds * (double)r->firms *
                   (double)(r->n_steps + 1) / (r->simulate_seconds > 0 ? r->simulate_seconds : 1.0));
        if (hc_chart_images_state() != 1)
            printf(hc_chart_images_state() == 0 ? "charts as SVG only: no PNG or PDF copies, rsvg-convert was not found "
                                                  "(Debian package librsvg2-bin)\n"
                                                : "rsvg-convert failed on a chart: some charts have no PNG or PDF copy\n");
    }
    return HC_EXIT_OK;
}

static void run_free(run_ctx *x)
{
    if (x->staged) hc_output_discard(x->out_dir); /* failed or interrupted: none of its files stay */
    hc_samples_free(&x->a.samples);
    hc_design_free(&x->design);
    cJSON_Delete(x->unc_json);
    hc_bands_free(&x->bands);
    hc_results_free(&x->res);
    hc_cli_free_all(x->cfg, x->n_cfg);
    hc_blend_run_free(&x->blend_run);
    free(x->cfg);
}

int hc_cmd_run(int argc, char **argv)
{
    static run_ctx x; /* large (the overrides' text); one run per process */
    time_t now = hc_cli_run_time();
    int rc;
    memset(&x, 0, sizeof(x));
    x.t_start = hc_cli_now();
    strftime(x.started_at, sizeof(x.started_at), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    if ((rc = parse_args(&x.a, argc, argv)) == CONTINUE && (rc = load_run(&x)) == CONTINUE && (rc = plan_run(&x)) == CONTINUE && (rc = simulate_run(&x)) == CONTINUE &&
        (rc = analyse_run(&x)) == CONTINUE && (rc = write_run(&x)) == CONTINUE)
        rc = publish_run(&x);
    if (rc == HC_EXIT_FAILURE && hc_interrupted) rc = HC_EXIT_INTERRUPTED; /* failed because it was stopped */
    run_free(&x);
    return rc;
}
