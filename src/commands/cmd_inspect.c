/* cmd_inspect.c: `headcount validate` and `headcount describe`: look at configs
 * without running them. */
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
#include "hc_blend.h"
#include "hc_cli.h"
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_output.h"
#include "hc_stats.h"

static const char *usage_validate =
    "usage: headcount validate [--set KEY=VALUE]... CONFIG...\n"
    "\n"
    "Loads each CONFIG (following `extends`) and checks it against the schema of\n"
    "docs/model.md; prints one line per config. Exit status 2 if any is invalid.\n"
    "\n"
    "options:\n"
    "      --set KEY=VALUE   override any config value by its dotted path (repeatable)\n"
    "  -h, --help            this help\n";

static const char *usage_describe =
    "usage: headcount describe [--draws N] [--set KEY=VALUE]... CONFIG\n"
    "\n"
    "Prints each input of CONFIG: whether it is drawn per world or per firm, its\n"
    "distribution, and the 5th, 50th and 95th percentiles of N draws (default 100000)\n"
    "made with the run's own sampler.\n"
    "\n"
    "options:\n"
    "      --draws N         draws of each input (default 100000)\n"
    "                        (--samples N, its old name, is a deprecated alias: it clashed\n"
    "                        with `run --samples LIST`, which names metrics)\n"
    "      --set KEY=VALUE   override any config value by its dotted path (repeatable)\n"
    "  -h, --help            this help\n";

/* validate and describe share the --set option; describe alone has --draws. */

static int parse_set_only(int argc, char **argv, const char *cmd, const char *usage, hc_override *ov,
                          char (*keys)[256], int *n_ov, long long *draws)
{
    static const struct option validate_opts[] = {
        {"set", required_argument, 0, 'S'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    static const struct option describe_opts[] = {{"set", required_argument, 0, 'S'},
                                                  {"draws", required_argument, 0, 'n'},
                                                  {"samples", required_argument, 0, 'N'},
                                                  {"help", no_argument, 0, 'h'},
                                                  {0, 0, 0, 0}};
    int c;
    optind = 1;
    *n_ov = 0;
    while ((c = hc_cli_getopt(cmd, argc, argv, "h", draws ? describe_opts : validate_opts)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return -1;
        } else if (c == 'S') {
            const int bad = hc_cli_add_set(cmd, optarg, ov, keys, n_ov, HC_CLI_MAX_OVERRIDES);
            if (bad) return bad;
        } else if (c == 'n' || c == 'N') {
            if (c == 'N') /* `run --samples LIST` names metrics; a count here was a clash */
                fprintf(stderr, "headcount %s: --samples N is deprecated: use --draws N\n", cmd);
            if (hc_cli_parse_count(optarg, 1, 100000000LL, draws))
                return hc_cli_usage_error(cmd, "--draws: expected a whole number from 1 to 1e8, got \"%s\"", optarg);
        } else {
            return HC_EXIT_USAGE; /* said by hc_cli_getopt */
        }
    }
    return 0;
}

int hc_cmd_validate(int argc, char **argv)
{
    hc_override ov[HC_CLI_MAX_OVERRIDES];
    char keys[HC_CLI_MAX_OVERRIDES][256];
    int n_ov, i, bad = 0;
    const int prc = parse_set_only(argc, argv, "validate", usage_validate, ov, keys, &n_ov, NULL);
    if (prc) return prc < 0 ? HC_EXIT_OK : prc;
    if (optind >= argc) return hc_cli_usage_error("validate", "%s", "no CONFIG given");
    for (i = optind; i < argc; i++) {
        hc_config cfg;
        hc_error err;
        if (hc_blend_is_file(argv[i])) { /* a mixture of configs (hc_blend.h), checked with its components */
            hc_blend *b;
            int k;
            if (hc_blend_load(argv[i], ov, n_ov, &b, &err) != 0) {
                fprintf(stderr, "headcount: %s\n", err.message);
                bad = 1;
                continue;
            }
            printf("%s: ok (blend %s of", argv[i], b->name);
            for (k = 0; k < b->n; k++) printf("%s %s %.4g", k ? "," : "", b->component[k].name, b->probability[k]);
            printf(": %lld worlds x %lld firms, %d years x %d steps)\n", (long long)b->component[0].worlds,
                   (long long)b->component[0].firms_per_world, b->component[0].years, b->component[0].steps_per_year);
            hc_blend_free(b);
            continue;
        }
        if (hc_config_load(argv[i], ov, n_ov, &cfg, &err) != 0) {
            fprintf(stderr, "headcount: %s\n", err.message);
            bad = err.out_of_memory ? 2 : (bad ? bad : 1); /* 2: memory ran out, which is no bad input */
            continue;
        }
        printf("%s: ok (scenario %s: %d roles, %lld worlds x %lld firms, %d years x %d steps)\n", argv[i],
               cfg.name, cfg.model.n_roles, (long long)cfg.worlds, (long long)cfg.firms_per_world, cfg.years,
               cfg.steps_per_year);
        hc_config_free(&cfg);
    }
    return bad == 2 ? HC_EXIT_FAILURE : bad ? HC_EXIT_USAGE : HC_EXIT_OK;
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

/* The draws of `describe` (n of them, into buf): draw i takes its own stream of the
 * config's seed, apart from every stream a run uses. */
static void describe_rng(const hc_config *c, long long i, hc_rng *rng)
{
    hc_rng_init(rng, c->seed, (uint32_t)i, 0u, 0xFFFFu, 0u);
}

/* "label  per  p5  p50  p95" of the n draws in buf, without a line end. */
static void print_draws(const char *label, const char *per, double *buf, long long n)
{
    static const double p[3] = {5.0, 50.0, 95.0};
    double q[3];
    hc_percentiles_d(buf, (size_t)n, p, 3, q);
    printf("%-44s %-5s %12.4g %12.4g %12.4g", label, per, q[0], q[1], q[2]);
}

static void describe_line(const hc_config *c, const char *label, const char *per, const hc_dist *d,
                          const char *json, long long n, double *buf)
{
    long long i;
    for (i = 0; i < n; i++) {
        hc_rng rng;
        describe_rng(c, i, &rng);
        buf[i] = hc_dist_sample(d, c->model.pool, &rng);
    }
    print_draws(label, per, buf, n);
    printf("   %s", json ? json : "");
    /* {"p5": a, "p95": b} without "dist": say which distribution the loader chose */
    if (json && json[0] == '{' && strstr(json, "\"dist\"") == NULL)
        printf("  (90 %% interval read as a %s)", hc_dist_kind_name(d->kind));
    if (d->kind == HC_DIST_MIXTURE) { /* a component may be a shorthand too */
        const double *cumw = c->model.pool + d->pool_offset;
        for (i = 0; i < d->n_values; i++) {
            hc_dist comp;
            hc_dist_decode(cumw + d->n_values + (size_t)i * HC_DIST_ENCODED, &comp);
            printf("%s%s %.3g", i ? ", " : "  (components: ", hc_dist_kind_name(comp.kind),
                   cumw[i] - (i ? cumw[i - 1] : 0.0));
        }
        putchar(')');
    }
    putchar('\n');
}

/* With firms.size_classes, a firm's size is not firms.headcount's draw (unused then) but
 * its class's bounded Pareto, the class by the firm's index (hc_firm_sample): the sizes
 * of the first n firms of a world, as a run samples them (in proportion to employment). */
static void describe_sizes(const hc_config *c, long long n, double *buf)
{
    long long i;
    for (i = 0; i < n; i++) {
        const hc_dist size = hc_size_class_dist(&c->model, hc_size_class(&c->model, (uint32_t)i));
        hc_rng rng;
        describe_rng(c, i, &rng);
        buf[i] = hc_dist_sample(&size, c->model.pool, &rng);
    }
    print_draws("firms.headcount", "firm", buf, n);
    printf("   from the %d firms.size_classes (a Pareto of alpha %.3g in each; the firms.headcount value is unused)\n",
           c->model.n_size_classes, c->model.size_alpha);
}

/* Every input of one loaded config: its distribution and percentiles of its draws. */
static int describe_config(const hc_config *c, long long samples)
{
    const hc_config cfg = *c; /* a view, for the lines below */
    int i, r;
    double *buf = (double *)malloc((size_t)samples * sizeof(double));
    if (!buf) return HC_EXIT_FAILURE;
    printf("scenario %s (%s): %lld draws of each input\n\n", cfg.name, cfg.path, samples);
    printf("%-44s %-5s %12s %12s %12s   %s\n", "input", "per", "p5", "p50", "p95", "distribution");
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        char *json;
        if (hc_input_specs[i].key == NULL) continue; /* a retired id */
        if (i == HC_IN_HEADCOUNT && cfg.model.n_size_classes > 0) {
            describe_sizes(&cfg, samples, buf);
            continue;
        }
        json = input_json(&cfg, hc_input_specs[i].key, -1, NULL);
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
    return HC_EXIT_OK;
}

/* A blend (hc_blend.h): how worlds pick a component, then each component in full. */
static int describe_blend(const char *path, const hc_override *ov, int n_ov, long long samples)
{
    hc_blend *b;
    hc_error err;
    int k, rc = HC_EXIT_OK;
    if (hc_blend_load(path, ov, n_ov, &b, &err)) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return HC_EXIT_USAGE;
    }
    printf("blend %s (%s): each world takes one component for all its inputs, with these\n"
           "probabilities (worlds taking it, of the %lld at seed %llu):\n", b->name, b->path,
           (long long)b->component[0].worlds, (unsigned long long)b->component[0].seed);
    for (k = 0; k < b->n; k++)
        printf("  %-16s %-36s p = %.4f  (%lld worlds)\n", b->component[k].name, b->component_file[k],
               b->probability[k], (long long)b->worlds_taking[k]);
    for (k = 0; k < b->n && rc == HC_EXIT_OK; k++) {
        printf("\n");
        rc = describe_config(&b->component[k], samples);
    }
    hc_blend_free(b);
    return rc;
}

int hc_cmd_describe(int argc, char **argv)
{
    hc_override ov[HC_CLI_MAX_OVERRIDES];
    char keys[HC_CLI_MAX_OVERRIDES][256];
    long long samples = 100000;
    int n_ov, rc;
    hc_config cfg;
    hc_error err;
    const int prc = parse_set_only(argc, argv, "describe", usage_describe, ov, keys, &n_ov, &samples);
    if (prc) return prc < 0 ? HC_EXIT_OK : prc;
    if (optind != argc - 1) return hc_cli_usage_error("describe", "%s", "expected exactly one CONFIG");
    if (hc_blend_is_file(argv[optind])) return describe_blend(argv[optind], ov, n_ov, samples);
    if (hc_config_load(argv[optind], ov, n_ov, &cfg, &err) != 0) {
        fprintf(stderr, "headcount: %s\n", err.message);
        return err.out_of_memory ? HC_EXIT_FAILURE : HC_EXIT_USAGE;
    }
    rc = describe_config(&cfg, samples);
    hc_config_free(&cfg);
    return rc;
}


static const char *usage_schema =
    "usage: headcount schema\n"
    "\n"
    "Prints the JSON Schema of config files (draft-07), made from the tables the loader\n"
    "checks against, so an editor can complete and check a config as it is typed; the\n"
    "repository ships it as docs/config.schema.json (`make schema` rewrites it).\n";

int hc_cmd_schema(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    char *text;
    int c;
    optind = 1;
    while ((c = hc_cli_getopt("schema", argc, argv, "h", opts)) != -1) {
        if (c != 'h') return HC_EXIT_USAGE; /* said by hc_cli_getopt */
        fputs(usage_schema, stdout);
        return HC_EXIT_OK;
    }
    if (optind < argc) return hc_cli_usage_error("schema", "unexpected argument \"%s\"", argv[optind]);
    text = hc_config_json_schema();
    if (!text) {
        fprintf(stderr, "headcount: out of memory\n");
        return HC_EXIT_FAILURE;
    }
    printf("%s\n", text);
    free(text);
    return HC_EXIT_OK;
}
