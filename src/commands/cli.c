/* cli.c: helpers shared by the commands (src/cmd_*.c): usage errors, option values,
 * loading a run's configs, the default out folder, signals. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "hc_bands.h"
#include "hc_cli.h"
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_output.h"
#include "hc_stats.h"


int hc_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "headcount %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see headcount %s --help)\n", cmd);
    return HC_EXIT_USAGE;
}

/* What was wrong with the option getopt_long refused, in one line, with the option meant
 * when it reads like a misspelling. A long option has moved optind past it; a short one
 * inside a cluster ("-worlds") has not yet. */
static void describe_bad_option(int argc, char **argv, const char *shortopts, const struct option *opts,
                                char *buf, size_t len)
{
    const char *arg = argv[optind - 1], *names[64], *meant;
    char name[64];
    size_t o;
    int n = 0, k, m = 0;
    for (k = 0; opts[k].name && n < 64; k++) names[n++] = opts[k].name;
    if (optind < argc && argv[optind][0] == '-' && argv[optind][1] != '-' && optopt && strchr(argv[optind], optopt))
        arg = argv[optind];
    if (optopt != 0 && strncmp(arg, "--", 2) != 0) { /* a short option: -x */
        if (strchr(shortopts, optopt) && optopt != ':') snprintf(buf, len, "-%c needs a value", optopt);
        else snprintf(buf, len, "unknown option -%c", optopt);
        if (arg[0] == '-' && strlen(arg) > 2 && (meant = hc_suggest(arg + 1, names, n)) != NULL) /* -worlds */
            snprintf(buf + strlen(buf), len - strlen(buf), " (did you mean --%s?)", meant);
        return;
    }
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
    for (k = 0; k < n; k++)
        if (strcmp(opts[k].name, name) == 0) {
            snprintf(buf, len, "--%s %s", name, opts[k].has_arg == no_argument ? "takes no value" : "needs a value");
            return;
        }
    for (k = 0; k < n; k++) /* getopt_long takes a prefix only when it names one option */
        m += name[0] && strncmp(opts[k].name, name, strlen(name)) == 0;
    if (m > 1) {
        o = (size_t)snprintf(buf, len, "ambiguous option --%s (", name);
        for (k = 0, m = 0; k < n && o < len; k++)
            if (strncmp(opts[k].name, name, strlen(name)) == 0)
                o += (size_t)snprintf(buf + o, len - o, "%s--%s", m++ ? ", " : "", opts[k].name);
        if (o < len) snprintf(buf + o, len - o, ")");
        return;
    }
    o = (size_t)snprintf(buf, len, "unknown option --%s", name);
    if ((meant = hc_suggest(name, names, n)) != NULL && o < len)
        snprintf(buf + o, len - o, " (did you mean --%s?)", meant);
}

int hc_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *opts)
{
    int c;
    opterr = 0; /* the error is said here, once and briefly */
    c = getopt_long(argc, argv, shortopts, opts, NULL);
    if (c == '?') {
        char why[512];
        describe_bad_option(argc, argv, shortopts, opts, why, sizeof(why));
        hc_cli_usage_error(cmd, "%s", why);
    }
    return c;
}

/* A whole number in [lo, hi], all of `s`. */
int hc_cli_parse_count(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) return 1;
    *out = v;
    return 0;
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    if (!stop_signal) stop_signal = sig;
    hc_interrupted = 1;
}

int hc_cli_add_set(const char *cmd, const char *arg, hc_override *ov, char (*keys)[256], int *n_ov, int max)
{
    const char *eq = strchr(arg, '=');
    const size_t klen = eq ? (size_t)(eq - arg) : 0;
    if (!eq || klen == 0 || klen >= 256)
        return hc_cli_usage_error(cmd, "--set: expected KEY=VALUE (e.g. inference.price_volatility=0.3), got \"%s\"", arg);
    if (*n_ov >= max) return hc_cli_usage_error(cmd, "--set: too many overrides (%s)", arg);
    memcpy(keys[*n_ov], arg, klen);
    keys[*n_ov][klen] = '\0';
    ov[*n_ov].key = keys[*n_ov];
    ov[*n_ov].value = eq + 1;
    (*n_ov)++;
    return 0;
}

double hc_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

time_t hc_cli_run_time(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v;
    if (e == NULL || *e == '\0') return time(NULL);
    errno = 0;
    v = strtoll(e, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) return time(NULL); /* not a time: the clock, as if unset */
    return (time_t)v;
}

int hc_cli_load_all(char **paths, int n, const hc_override *ov, int n_ov, hc_config *cfg)
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

void hc_cli_free_all(hc_config *cfg, int n)
{
    int i;
    for (i = 0; i < n; i++) hc_config_free(&cfg[i]);
}

/* Scenarios of one run are told apart by name (their shape is checked by
 * hc_shape_build, src/plan/shape.c). */
int hc_cli_check_names(const hc_config *cfg, int n)
{
    int i, j;
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++)
            if (strcmp(cfg[j].name, cfg[i].name) == 0) {
                fprintf(stderr, "headcount: %s and %s are both named \"%s\"; scenario names must differ "
                        "(set \"name\" in one of them)\n", cfg[j].path, cfg[i].path, cfg[i].name);
                return 1;
            }
    return 0;
}

/* results/<name>_vs_<name>..., with -2, -3... when that already holds anything (a run,
 * or files headcount would not write into without --force). */
void hc_cli_default_out_dir(const hc_config *cfg, int n, char *out, size_t len)
{
    char base[1024] = "results/";
    int i, k;
    for (i = 0; i < n; i++) {
        if (i > 0) strncat(base, "_vs_", sizeof(base) - strlen(base) - 1);
        strncat(base, cfg[i].name, sizeof(base) - strlen(base) - 1);
    }
    snprintf(out, len, "%s", base);
    for (k = 2; k < 10000; k++) {
        DIR *d = opendir(out);
        struct dirent *e;
        int empty = 1;
        if (!d) return; /* new (or not a folder, which the out folder's checks refuse) */
        while (empty && (e = readdir(d)) != NULL) empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
        closedir(d);
        if (empty) return;
        snprintf(out, len, "%s-%d", base, k);
    }
}

size_t hc_cli_physical_memory(void)
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return (pages > 0 && page > 0) ? (size_t)pages * (size_t)page : 0;
}

/* A number from a /proc or /sys file: the value after `key` (whole file when key is NULL),
 * times `unit`; 0 when absent or unlimited ("max"). */
static double read_number_file(const char *path, const char *key, double unit)
{
    char buf[4096], *p;
    size_t n;
    FILE *f = fopen(path, "r");
    if (!f) return 0.0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = key ? strstr(buf, key) : buf;
    if (!p) return 0.0;
    p += key ? strlen(key) : 0;
    return strtod(p, NULL) * unit;
}

/* What an address-space or data limit leaves: the limit, less what the process already
 * maps (`field` of /proc/self/statm: 0 the whole size, 5 data and stack) and a reserve
 * for the stacks of the threads it will start (8 MiB each by default). */
static double rlimit_left(int resource, int field)
{
    struct rlimit rl;
    unsigned long v[7] = {0, 0, 0, 0, 0, 0, 0};
    const double page = (double)sysconf(_SC_PAGE_SIZE), cpus = (double)sysconf(_SC_NPROCESSORS_ONLN);
    FILE *f;
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0.0;
    f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) v[0] = v[5] = 0;
        fclose(f);
    }
    return fmax(1.0, (double)rl.rlim_cur - (double)v[field] * page - (cpus > 1 ? cpus : 1) * 16.0 * 1048576.0);
}

size_t hc_cli_available_memory(char *source, size_t len)
{
    struct {
        double bytes;
        const char *name;
    } lim[5];
    double best = 0.0, cg_max;
    int i, k = 0;
    lim[k].bytes = read_number_file("/proc/meminfo", "MemAvailable:", 1024.0);
    lim[k++].name = "MemAvailable in /proc/meminfo";
    /* A container's memory cgroup (v2, then v1) kills at its own limit, whatever the host has. */
    cg_max = read_number_file("/sys/fs/cgroup/memory.max", NULL, 1.0);
    lim[k].bytes = cg_max > 0 ? fmax(1.0, cg_max - read_number_file("/sys/fs/cgroup/memory.current", NULL, 1.0)) : 0.0;
    lim[k++].name = "the memory cgroup's memory.max";
    cg_max = read_number_file("/sys/fs/cgroup/memory/memory.limit_in_bytes", NULL, 1.0);
    lim[k].bytes = cg_max > 0 && cg_max < 1e18
                       ? fmax(1.0, cg_max - read_number_file("/sys/fs/cgroup/memory/memory.usage_in_bytes", NULL, 1.0))
                       : 0.0;
    lim[k++].name = "the memory cgroup's memory.limit_in_bytes";
    lim[k].bytes = rlimit_left(RLIMIT_AS, 0);
    lim[k++].name = "the address-space limit (ulimit -v)";
    lim[k].bytes = rlimit_left(RLIMIT_DATA, 5);
    lim[k++].name = "the data limit (ulimit -d)";
    for (i = 0; i < k; i++) {
        if (lim[i].bytes > 0 && (best == 0.0 || lim[i].bytes < best)) {
            best = lim[i].bytes;
            if (source) snprintf(source, len, "%s", lim[i].name);
        }
    }
    if (best == 0.0) { /* nothing readable: all of the physical memory */
        best = (double)hc_cli_physical_memory();
        if (source) snprintf(source, len, "physical memory");
    }
    return best >= (double)SIZE_MAX ? SIZE_MAX : (size_t)best;
}

static const struct {
    int sig;
    const char *name;
} caught[] = {{SIGINT, "SIGINT"},   {SIGTERM, "SIGTERM"},       {SIGHUP, "SIGHUP"},
              {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},       {SIGALRM, "SIGALRM"},
              {SIGPROF, "SIGPROF"}, {SIGVTALRM, "SIGVTALRM"},   {SIGXCPU, "SIGXCPU, the CPU time limit"}};

void hc_cli_catch_signals(void)
{
    size_t i;
    for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) signal(caught[i].sig, on_signal);
    signal(SIGXFSZ, SIG_IGN); /* the write fails with EFBIG ("File too large") and says where */
    signal(SIGPIPE, SIG_IGN);
}

const char *hc_cli_stop_reason(void)
{
    size_t i;
    for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
        if (caught[i].sig == stop_signal) return caught[i].name;
    return "";
}

