/* cmd_trace.c: `headcount trace`: replay one firm of one world step by step (hc_trace.h),
 * print it, and optionally write it as CSV. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_cli.h"
#include "hc_output.h"
#include "hc_trace.h"

static const char *usage_trace =
    "usage: headcount trace [options] CONFIG --world W --firm F\n"
    "\n"
    "Replays firm F of world W exactly as `headcount run CONFIG` simulates it (every draw is\n"
    "addressed by world, firm and input, so no other firm is needed) and prints its drawn\n"
    "inputs, the world's macro path, and per step the per-role demand and adoption (before\n"
    "and after the budget check), the compute bill, the budget, roll-back and the headcount\n"
    "components. Give the same --set, --seed and --years as the run.\n"
    "\n"
    "options:\n"
    "      --world W           world index, 0 .. worlds - 1\n"
    "      --firm F            firm index in that world, 0 .. firms_per_world - 1\n"
    "  -o, --out FILE.csv      also write the trace as CSV\n"
    "                          (scenario,world,firm,step,year,quantity,role,value)\n"
    "      --worlds N          overrides simulation.worlds\n"
    "      --firms N           overrides simulation.firms_per_world\n"
    "      --seed N            overrides simulation.seed\n"
    "      --years N           overrides simulation.years\n"
    "      --set KEY=VALUE     override any config value by its dotted path (repeatable)\n"
    "  -q, --quiet             print nothing (with -o: write the CSV only)\n"
    "  -h, --help              this help\n";

/* FILE.csv under a temporary name in its own folder, then renamed (hc_outdir.h). */
static int write_csv_file(const char *path, const hc_config *cfg, const hc_trace *tr, hc_error *err)
{
    char dir[4096], tmp[4200];
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    FILE *f;
    if (*name == '\0' || strlen(path) >= sizeof(dir)) return hc_fail(err, "-o: \"%s\" is not a file name", path);
    if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else if (slash)
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof(dir), ".");
    f = hc_output_open(dir, name, tmp, sizeof(tmp), err);
    if (!f) return 1;
    fputs(HC_TRACE_CSV_HEADER, f);
    hc_trace_write_csv(f, cfg, tr);
    return hc_output_commit(f, tmp, dir, name, err);
}

int hc_cmd_trace(int argc, char **argv)
{
    static const struct option opts[] = {
        {"world", required_argument, 0, 'w'},  {"firm", required_argument, 0, 'i'},
        {"out", required_argument, 0, 'o'},    {"worlds", required_argument, 0, 'W'},
        {"firms", required_argument, 0, 'f'},  {"seed", required_argument, 0, 's'},
        {"years", required_argument, 0, 'y'},  {"set", required_argument, 0, 'S'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    hc_override ov[HC_CLI_MAX_OVERRIDES];
    char set_keys[HC_CLI_MAX_OVERRIDES][256];
    char sim_values[HC_CLI_MAX_OVERRIDES][32];
    long long world = -1, firm = -1, v;
    const char *out_path = NULL;
    int n_ov = 0, quiet = 0, c, rc;
    hc_config cfg;
    hc_trace tr;
    hc_error err;

    optind = 1;
    while ((c = hc_cli_getopt("trace", argc, argv, "o:qh", opts)) != -1) {
        const char *sim_key = NULL, *optname = NULL;
        long long lo = 1, hi = 4294967295LL;
        switch (c) {
        case 'o': out_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_trace, stdout); return HC_EXIT_OK;
        case 'w':
            if (hc_cli_parse_count(optarg, 0, 4294967295LL, &world))
                return hc_cli_usage_error("trace", "--world: expected a whole number from 0, got \"%s\"", optarg);
            break;
        case 'i':
            if (hc_cli_parse_count(optarg, 0, 4294967294LL, &firm))
                return hc_cli_usage_error("trace", "--firm: expected a whole number from 0, got \"%s\"", optarg);
            break;
        case 'W': sim_key = "simulation.worlds"; optname = "--worlds"; break;
        case 'f': sim_key = "simulation.firms_per_world"; optname = "--firms"; break;
        case 's': sim_key = "simulation.seed"; optname = "--seed"; lo = 0; hi = (1LL << 53) - 1; break;
        case 'y': sim_key = "simulation.years"; optname = "--years"; hi = HC_MAX_STEPS; break;
        case 'S': {
            const int bad = hc_cli_add_set("trace", optarg, ov, set_keys, &n_ov, HC_CLI_MAX_OVERRIDES);
            if (bad) return bad;
            break;
        }
        default: return HC_EXIT_USAGE; /* said by hc_cli_getopt */
        }
        if (sim_key) {
            if (hc_cli_parse_count(optarg, lo, hi, &v)) {
                fprintf(stderr, "headcount trace: %s: expected a whole number from %lld to %lld, got \"%s\"\n",
                        optname, lo, hi, optarg);
                return HC_EXIT_USAGE;
            }
            if (n_ov >= HC_CLI_MAX_OVERRIDES) return hc_cli_usage_error("trace", "%s: too many options", optname);
            snprintf(sim_values[n_ov], sizeof(sim_values[0]), "%lld", v);
            ov[n_ov].key = sim_key;
            ov[n_ov].value = sim_values[n_ov];
            n_ov++;
        }
    }
    if (optind != argc - 1) return hc_cli_usage_error("trace", "%s", "expected exactly one CONFIG");
    if (world < 0) return hc_cli_usage_error("trace", "%s", "--world W is required");
    if (firm < 0) return hc_cli_usage_error("trace", "%s", "--firm F is required");
    if (hc_config_load(argv[optind], ov, n_ov, &cfg, &err) != 0) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_USAGE;
    }
    /* With correlations a world's inputs come from a design table built over all worlds
     * (src/plan/design.c), not from the world's own draws that the replay makes. */
    if (cfg.n_correlations > 0) {
        fprintf(stderr, "headcount trace: %s has correlations: its world inputs are reordered across "
                "worlds, which trace does not replay yet; trace a copy without \"correlations\"\n", argv[optind]);
        hc_config_free(&cfg);
        return HC_EXIT_USAGE;
    }
    /* The replay is of the run this config describes: a world or firm it does not have
     * would be a trajectory no run of it ever computed. */
    if (world >= cfg.worlds || firm >= cfg.firms_per_world) {
        fprintf(stderr, "headcount trace: --%s %lld: %s has %lld %s (0 .. %lld); set --%s to trace beyond it\n",
                world >= cfg.worlds ? "world" : "firm", world >= cfg.worlds ? world : firm, argv[optind],
                (long long)(world >= cfg.worlds ? cfg.worlds : cfg.firms_per_world),
                world >= cfg.worlds ? "worlds" : "firms per world",
                (long long)(world >= cfg.worlds ? cfg.worlds : cfg.firms_per_world) - 1,
                world >= cfg.worlds ? "worlds" : "firms");
        hc_config_free(&cfg);
        return HC_EXIT_USAGE;
    }
    if (hc_trace_firm(&cfg, (uint32_t)world, (uint32_t)firm, &tr, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        hc_config_free(&cfg);
        return HC_EXIT_FAILURE;
    }
    rc = HC_EXIT_OK;
    if (!quiet) hc_trace_print(stdout, &cfg, &tr);
    if (out_path && write_csv_file(out_path, &cfg, &tr, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        rc = HC_EXIT_FAILURE;
    }
    hc_trace_free(&tr);
    hc_config_free(&cfg);
    return rc;
}
