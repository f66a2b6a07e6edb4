/* config.c: reads, merges and validates scenario configs (docs/model.md "Config file" and
 * "Distributions") into an hc_config. Host only; no printing, no exit: every error is one
 * line in hc_error, `FILE: JSON.PATH: what was expected, got what`.
 *
 * Pipeline: read each file of the `extends` chain, parse it strictly and lint it (NUL,
 * duplicate keys, non-finite numbers, nesting), merge the chain, apply --set overrides,
 * fill defaults, then validate against the tables below and fill the hc_model. Every
 * cJSON node remembers the file (or --set) it came from, so an error names its source.
 * The input table hc_input_specs is shared with `headcount describe` (src/main.c). */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "hc_config.h"
#include "hc_design.h"
#include <cjson/cJSON.h>

#define CFG_MAX_DEPTH 8          /**< root(1).roles(2)[r](3).wage(4).components(5)[i](6).clip(7)[0](8) */
#define CFG_MAX_EXTENDS 16       /**< files in one extends chain, the given one included */
#define CFG_MAX_FILE_MIB 16
#define CFG_MAX_FILE_BYTES ((long)CFG_MAX_FILE_MIB << 20)
#define HC_STR_(x) #x
#define HC_STR(x) HC_STR_(x)
#define CFG_MAX_KEYS 256         /**< members of one object; the schema's largest has 13 */
#define CFG_PATH 512             /**< JSON path buffer */
#define CFG_MAX_SEED 9007199254740991.0     /**< 2^53 - 1: exact in a double */
#define CFG_MAX_WORLDS 4294967296.0         /**< world index is 32 counter bits */
#define CFG_MAX_FIRMS 4294967295.0          /**< firm + 1 is 32 counter bits */
#define Z95 1.6448536269514722              /**< standard normal quantile at 0.95 */

/* ---- the input table (MODEL.md "Inputs") */

#define R_OPEN HC_BOUND_OPEN
#define R_CLOSED HC_BOUND_CLOSED
#define R_NONE HC_BOUND_NONE

const hc_input_spec hc_input_specs[HC_N_SCALAR_INPUTS] = {
    [HC_IN_PRICE_PER_MTOK] = {"inference.price_per_mtok", "p0", 0, R_OPEN, 0, R_NONE, 0, 0, 0,
                              "inference price at t=0, USD per million tokens"},
    [HC_IN_ANNUAL_PRICE_CHANGE] = {"inference.annual_price_change", "dp", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                                   "realised yearly relative change of the token price (-0.6 = falls 60 %/yr), fraction per year"},
    [HC_IN_PRICE_VOLATILITY] = {"inference.price_volatility", "sp", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                "yearly log-volatility of the token price, per sqrt(year)"},
    [HC_IN_SHOCK_RATE] = {"inference.shock_rate", "q", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                          "expected price shocks per year (GPU shortages, repricing), shocks per year"},
    [HC_IN_SHOCK_MULTIPLIER] = {"inference.shock_multiplier", "J", 0, R_OPEN, 0, R_NONE, 0, 1, 1,
                                "price multiplier applied by one shock, ratio"},
    [HC_IN_ANNUAL_TOKEN_GROWTH] = {"inference.annual_token_growth", "dk", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                                   "yearly relative growth of tokens needed per unit of work (agents, reasoning), fraction per year"},
    [HC_IN_CAPABILITY_START] = {"capability.start", "c0", 0, R_OPEN, 0, R_CLOSED, 1, 0, 0,
                                "share of exposed tasks AI can do acceptably at t=0, fraction"},
    [HC_IN_CAPABILITY_CEILING] = {"capability.ceiling", "cmax", 0, R_CLOSED, 0, R_CLOSED, 1, 0, 0,
                                  "long-run share of exposed tasks AI can do, >= capability.start, fraction"},
    [HC_IN_CAPABILITY_GROWTH] = {"capability.growth_rate", "rc", 0, R_CLOSED, 0, R_NONE, 0, 0, 0,
                                 "logistic growth rate of capability, per year"},
    [HC_IN_ERROR_RATE_START] = {"capability.error_rate_start", "e0", 0, R_CLOSED, 0, R_CLOSED, 1, 0, 0,
                                "share of AI output needing human correction at t=0, fraction"},
    [HC_IN_ANNUAL_ERROR_CHANGE] = {"capability.annual_error_change", "de", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                                   "yearly relative change of the error rate, fraction per year"},
    [HC_IN_OVERSIGHT_RATIO] = {"labor.oversight_ratio", "o0", 0, R_CLOSED, 0, R_NONE, 0, 0, 0,
                               "oversight FTE per automated FTE while the error rate is e0, FTE per FTE"},
    [HC_IN_NEW_TASK_RATIO] = {"labor.new_task_ratio", "nu", 0, R_CLOSED, 0, R_NONE, 0, 0, 0,
                              "FTE of new human work created per automated FTE, FTE per FTE"},
    [HC_IN_WAGE_GROWTH] = {"wages.annual_growth", "gw", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                           "yearly real wage growth, all roles, fraction per year"},
    [HC_IN_BUDGET_GROWTH] = {"compute.annual_budget_growth", "gb", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                             "yearly growth of firms' AI compute budgets, fraction per year"},
    [HC_IN_HEADCOUNT] = {"firms.headcount", "H0", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                         "initial employees of the firm, FTE"},
    [HC_IN_DEMAND_GROWTH] = {"firms.demand_growth", "g", 1, R_OPEN, -1, R_NONE, 0, 0, 0,
                             "yearly growth of the firm's labour demand without AI, fraction per year"},
    [HC_IN_ADOPTION_SPEED] = {"firms.adoption_speed", "lam", 1, R_OPEN, 0, R_CLOSED, 1, 0, 0,
                              "share of the gap to target automation closed per year, fraction per year"},
    [HC_IN_EXPECTED_PRICE_CHANGE] = {"firms.expected_price_change", "dh", 1, R_OPEN, -1, R_NONE, 0, 0, 0,
                                     "yearly token price change the firm plans on (its belief), fraction per year"},
    [HC_IN_PLANNING_HORIZON] = {"firms.planning_horizon", "h", 1, R_CLOSED, 0, R_NONE, 0, 0, 0,
                                "years ahead the firm prices automation at, years"},
    [HC_IN_COST_SENSITIVITY] = {"firms.cost_sensitivity", "beta", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                                "steepness of adoption in the log cost ratio, dimensionless"},
    [HC_IN_BUDGET_SHARE] = {"compute.budget_share", "b", 1, R_CLOSED, 0, R_NONE, 0, 0, 0,
                            "AI compute budget as a share of the initial wage bill, fraction"},
    [HC_IN_PER_SPECIALIST] = {"compute.per_specialist", "m_s", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                              "yearly compute spend that needs one AI specialist FTE, USD per year per FTE"},
    [HC_IN_DEMAND_ELASTICITY] = {"firms.demand_elasticity", "eta", 1, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                 "how strongly demand answers the firm's unit-cost change, dimensionless"},
    [HC_IN_WAGE_OVERSIGHT] = {"wages.oversight", "w_o", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                              "yearly wage of an oversight FTE at t=0, USD per year"},
    [HC_IN_WAGE_SPECIALIST] = {"wages.specialist", "w_s", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                               "yearly wage of an AI specialist FTE at t=0, USD per year"},
};

const hc_input_spec hc_role_input_specs[HC_N_ROLE_INPUTS] = {
    [HC_ROLE_IN_WAGE] = {"roles[r].wage", "w_r", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                         "yearly wage in role r at t=0, USD per year"},
    [HC_ROLE_IN_TOKENS] = {"roles[r].tokens_per_fte_year", "m_r", 0, R_OPEN, 0, R_NONE, 0, 0, 0,
                           "tokens AI needs to do one FTE-year of role r's work at t=0, tokens per FTE-year"},
};

static const char *const section_names[] = {"inference", "capability", "labor", "wages", "compute", "firms"};
#define N_SECTIONS ((int)(sizeof section_names / sizeof section_names[0]))

static const char *const root_keys[] = {"name", "extends", "model", "simulation", "population",
                                        "inference", "capability", "labor", "wages", "compute",
                                        "firms", "roles", "output", "correlations"};
static const char *const simulation_keys[] = {"start_year", "years", "steps_per_year", "worlds",
                                              "firms_per_world", "seed"};
static const char *const population_keys[] = {"employment"};
static const char *const output_keys[] = {"percentiles"};
static const char *const role_keys[] = {"name", "share", "exposure", "wage", "tokens_per_fte_year",
                                        "adoption_start"};
#define NKEYS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const double default_percentiles[] = {5, 25, 50, 75, 95};

/* ---- distributions: names and fields (MODEL.md "Distributions") */

static const char *const dist_names[HC_DIST_KINDS] = {
    "constant", "normal", "lognormal", "uniform", "triangular",
    "pert", "beta", "gamma", "pareto", "discrete", "mixture",
};

/* Fields each kind accepts besides "dist" and "clip"; NULL-terminated. */
static const char *const dist_fields[HC_DIST_KINDS][6] = {
    [HC_DIST_CONSTANT] = {"value", NULL},
    [HC_DIST_NORMAL] = {"mean", "sd", NULL},
    [HC_DIST_LOGNORMAL] = {"median", "sigma", "p5", "p95", NULL},
    [HC_DIST_UNIFORM] = {"min", "max", NULL},
    [HC_DIST_TRIANGULAR] = {"min", "mode", "max", NULL},
    [HC_DIST_PERT] = {"min", "mode", "max", "lambda", NULL},
    [HC_DIST_BETA] = {"alpha", "beta", "min", "max", NULL},
    [HC_DIST_GAMMA] = {"shape", "scale", NULL},
    [HC_DIST_PARETO] = {"alpha", "min", "max", NULL},
    [HC_DIST_DISCRETE] = {"values", "weights", NULL},
    [HC_DIST_MIXTURE] = {"components", "weights", NULL},
};

const char *hc_dist_kind_name(int kind)
{
    return (kind >= 0 && kind < HC_DIST_KINDS) ? dist_names[kind] : "unknown";
}

int hc_fail(hc_error *err, const char *fmt, ...)
{
    va_list ap;
    char *p;
    /* One line, whatever the arguments held; except that a format of our own may end in
     * a second line "\nhint: ..." telling the user what to do, which is kept. */
    int hint_allowed = strstr(fmt, "\nhint: ") != NULL;
    if (err == NULL) return 1;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    for (p = err->message; *p; p++) {
        if (*p == '\n' && hint_allowed && strncmp(p + 1, "hint: ", 6) == 0) {
            hint_allowed = 0;
            continue;
        }
        if (*p == '\n' || *p == '\r') *p = ' ';
    }
    return 1;
}

/* ---- loader state: files of the chain, where every node came from, discarded nodes */

enum { SRC_DEFAULT = -1, SRC_OVERRIDE = -2 };

typedef struct {
    const cJSON *node;
    int src; /* index into files, or SRC_OVERRIDE */
} provenance;

typedef struct {
    hc_error *err;
    const char *top;                      /* the path as given */
    char *files[CFG_MAX_EXTENDS + 1];     /* display path of each file of the chain */
    char *real[CFG_MAX_EXTENDS + 1];      /* its realpath, for cycle detection */
    int n_files;
    provenance *prov;
    size_t n_prov, cap_prov;
    /* Nodes detached during merging live here until the end, so no address recorded in
     * `prov` is ever freed and reused by a later node. */
    cJSON *graveyard;
    hc_config *out;
    int pool_used;
    const char *text; /* hc_config_load_text: the top file's contents, else NULL */
    size_t text_len;
} loader;

static int prov_add(loader *L, const cJSON *node, int src)
{
    if (L->n_prov == L->cap_prov) {
        size_t cap = L->cap_prov ? 2 * L->cap_prov : 256;
        provenance *p = (provenance *)realloc(L->prov, cap * sizeof *p);
        if (p == NULL) return 1;
        L->prov = p;
        L->cap_prov = cap;
    }
    L->prov[L->n_prov].node = node;
    L->prov[L->n_prov].src = src;
    L->n_prov++;
    return 0;
}

static int prov_src(const loader *L, const cJSON *node)
{
    size_t i;
    if (node == NULL) return SRC_DEFAULT;
    for (i = L->n_prov; i-- > 0;)
        if (L->prov[i].node == node) return L->prov[i].src;
    return SRC_DEFAULT;
}

static void bury(loader *L, cJSON *node)
{
    if (node != NULL) cJSON_AddItemToArray(L->graveyard, node);
}

/* ---- errors */

static int vfail_src(loader *L, int src, const char *path, const char *fmt, va_list ap)
{
    char msg[1600];
    const char *file = src >= 0 ? L->files[src] : L->top;
    const char *tag = src == SRC_OVERRIDE ? " (from --set)" : "";
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (path != NULL && path[0] != '\0') return hc_fail(L->err, "%s: %s%s: %s", file, path, tag, msg);
    return hc_fail(L->err, "%s%s: %s", file, tag, msg);
}

#if defined(__GNUC__)
#define CFG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CFG_PRINTF(a, b)
#endif

static int fail_src(loader *L, int src, const char *path, const char *fmt, ...) CFG_PRINTF(4, 5);
static int fail_src(loader *L, int src, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_src(L, src, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* An error about `node` (or about a key of the object `node`), naming its source file. */
static int fail_at(loader *L, const cJSON *node, const char *path, const char *fmt, ...) CFG_PRINTF(4, 5);
static int fail_at(loader *L, const cJSON *node, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_src(L, prov_src(L, node), path, fmt, ap);
    va_end(ap);
    return rc;
}

static int fail_oom(loader *L)
{
    L->err->out_of_memory = 1;
    return hc_fail(L->err, "%s: out of memory while loading the config", L->top);
}

/* cJSON returns NULL both for text it cannot parse and when malloc fails. Its allocations
 * go through this hook, so the loader can tell the two apart and never report memory
 * running out as invalid JSON. Loading runs on one thread, before any simulation. */
static volatile int cjson_alloc_failed;

static void *cjson_malloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) cjson_alloc_failed = 1;
    return p;
}

static void watch_cjson_allocations(void)
{
    cJSON_Hooks hooks;
    hooks.malloc_fn = cjson_malloc;
    hooks.free_fn = free;
    cJSON_InitHooks(&hooks);
    cjson_alloc_failed = 0;
}

/* ---- formatting helpers for messages */

/* Shortest "%.*g" that reads back as the same double. */
static const char *fmt_num(double x, char *buf, size_t n)
{
    int prec;
    if (isnan(x)) return snprintf(buf, n, "nan"), buf;
    if (isinf(x)) return snprintf(buf, n, x > 0 ? "inf" : "-inf"), buf;
    if (x == floor(x) && fabs(x) < 1e15) return snprintf(buf, n, "%.0f", x), buf;
    for (prec = 1; prec < 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return buf;
    }
    snprintf(buf, n, "%.17g", x);
    return buf;
}

/* Copies `s` into buf with control characters escaped, cut at `max` bytes. */
static void escape_into(char *buf, size_t n, const char *s, size_t max)
{
    size_t o = 0, i;
    if (n == 0) return;
    for (i = 0; s[i] != '\0' && o + 5 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= max) {
            if (o + 4 < n) memcpy(buf + o, "...", 3), o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o] = '\0';
}

/* Up to `max` bytes of `s` before its first line break, for "near ..." in messages. */
static void snippet(char *buf, size_t n, const char *s, size_t max)
{
    size_t k = strcspn(s, "\r\n");
    char tmp[64];
    if (k > max) k = max;
    if (k >= sizeof tmp) k = sizeof tmp - 1;
    memcpy(tmp, s, k);
    tmp[k] = '\0';
    escape_into(buf, n, tmp, max);
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsNumber(v)) return "number";
    if (cJSON_IsString(v)) return "string";
    if (cJSON_IsBool(v)) return "boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "array";
    if (cJSON_IsObject(v)) return "object";
    return "invalid";
}

/* "VALUE (TYPE)" for messages: `got -1 (number)`, `got "0.3" (string)`. */
static const char *describe(const cJSON *v, char *buf, size_t n)
{
    char tmp[96];
    if (v == NULL) {
        snprintf(buf, n, "nothing");
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "%s (number)", fmt_num(v->valuedouble, tmp, sizeof tmp));
    } else if (cJSON_IsString(v)) {
        escape_into(tmp, sizeof tmp, v->valuestring, 60);
        snprintf(buf, n, "\"%s\" (string)", tmp);
    } else if (cJSON_IsNull(v)) {
        snprintf(buf, n, "null");
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, n, "%s (boolean)", cJSON_IsTrue(v) ? "true" : "false");
    } else {
        char *s = cJSON_PrintUnformatted(v);
        if (s != NULL) {
            escape_into(tmp, sizeof tmp, s, 60);
            cJSON_free(s);
            snprintf(buf, n, "%s (%s)", tmp, type_name(v));
        } else {
            snprintf(buf, n, "(%s)", type_name(v));
        }
    }
    return buf;
}

/* A path too long for its buffer ends in "..." rather than silently cut. */
static void mark_truncated(char *dst, size_t n, int written)
{
    if ((written < 0 || (size_t)written >= n) && n > 4) memcpy(dst + n - 4, "...", 4);
}

/* JSON paths: base.key and base[i], with control characters in keys escaped. */
static void path_key(char *dst, size_t n, const char *base, const char *key)
{
    char k[160];
    escape_into(k, sizeof k, key, 120);
    if (base == NULL || base[0] == '\0')
        mark_truncated(dst, n, snprintf(dst, n, "%s", k));
    else
        mark_truncated(dst, n, snprintf(dst, n, "%s.%s", base, k));
}

static void path_index(char *dst, size_t n, const char *base, int i)
{
    mark_truncated(dst, n, snprintf(dst, n, "%s[%d]", base, i));
}

/* "> 0", ">= 0", "in (0, 1]": a valid range as words. */
static const char *fmt_range(hc_bound lo_kind, double lo, hc_bound hi_kind, double hi, char *buf, size_t n)
{
    char a[40], b[40];
    fmt_num(lo, a, sizeof a);
    fmt_num(hi, b, sizeof b);
    if (lo_kind != HC_BOUND_NONE && hi_kind != HC_BOUND_NONE)
        snprintf(buf, n, "in %c%s, %s%c", lo_kind == HC_BOUND_OPEN ? '(' : '[', a, b,
                 hi_kind == HC_BOUND_OPEN ? ')' : ']');
    else if (lo_kind != HC_BOUND_NONE)
        snprintf(buf, n, "%s %s", lo_kind == HC_BOUND_OPEN ? ">" : ">=", a);
    else if (hi_kind != HC_BOUND_NONE)
        snprintf(buf, n, "%s %s", hi_kind == HC_BOUND_OPEN ? "<" : "<=", b);
    else
        buf[0] = '\0';
    return buf;
}

/* ---- "did you mean": optimal string alignment distance, case-insensitive */

static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b), i, j;
    int d[66][66];
    if (la > 64 || lb > 64) return 1000;
    for (i = 0; i <= la; i++) d[i][0] = i;
    for (j = 0; j <= lb; j++) d[0][j] = j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int cost = ca != cb, v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

/* The closest candidate within a small distance, or NULL. */
static const char *suggest(const char *word, const char *const *cand, int n)
{
    const char *best = NULL;
    int best_d = 1000, i;
    for (i = 0; i < n; i++) {
        int len = (int)strlen(cand[i]);
        int limit = len <= 3 ? 1 : (len <= 6 ? 2 : 3);
        int d = edit_distance(word, cand[i]);
        if (d <= limit && d < best_d) {
            best = cand[i];
            best_d = d;
        }
    }
    return best;
}

/* " (did you mean "x"?)" or " (expected one of: a, b, c)". */
static const char *hint_keys(const char *word, const char *const *cand, int n, char *buf, size_t size)
{
    const char *s = suggest(word, cand, n);
    size_t o;
    int i;
    if (s != NULL) {
        snprintf(buf, size, " (did you mean \"%s\"?)", s);
        return buf;
    }
    o = (size_t)snprintf(buf, size, " (expected one of: ");
    for (i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", cand[i]);
    if (o < size) snprintf(buf + o, size - o, ")");
    return buf;
}

/* ---- reading, parsing and linting one file */

/* Reads a whole regular file. Anything else is refused before a byte is read: a FIFO,
 * a terminal or /dev/stdin named by `extends` would block the loader forever, and a
 * device such as /dev/zero would feed it 16 MiB of nothing. */
#define CFG_NOT_REGULAR (-1) /**< read_file: the path is not a regular file */

static const char *read_error(int e)
{
    return e == CFG_NOT_REGULAR ? "not a regular file"
           : e == EFBIG       ? "larger than the limit for a config file, " HC_STR(CFG_MAX_FILE_MIB) " MiB"
                              : strerror(e);
}

static int read_file(const char *path, char **out, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    FILE *f;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    struct stat st;
    int e;
    if (fd < 0) return errno ? errno : EIO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        e = S_ISDIR(st.st_mode) ? EISDIR : CFG_NOT_REGULAR;
        close(fd);
        return e;
    }
    f = fdopen(fd, "rb");
    if (f == NULL) {
        e = errno ? errno : EIO;
        close(fd);
        return e;
    }
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            char *b;
            cap = cap ? 2 * cap : 8192;
            if ((long)cap > CFG_MAX_FILE_BYTES + 8192L) {
                free(buf);
                fclose(f);
                return EFBIG;
            }
            b = (char *)realloc(buf, cap);
            if (b == NULL) {
                free(buf);
                fclose(f);
                return ENOMEM;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    e = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (e) {
        free(buf);
        return e;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static void line_col(const char *buf, size_t off, int *line, int *col)
{
    size_t i;
    *line = 1;
    *col = 1;
    for (i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int hex4_is_zero(const char *s)
{
    int i;
    for (i = 0; i < 4; i++)
        if (s[i] != '0') return 0;
    return 1;
}

/* Offset of a \u0000 escape inside a string of valid JSON, or -1. cJSON would decode it
 * and silently cut the C string there. */
static long find_nul_escape(const char *s, size_t n)
{
    size_t i;
    int in_str = 0;
    for (i = 0; i < n; i++) {
        if (!in_str) {
            if (s[i] == '"') in_str = 1;
        } else if (s[i] == '"') {
            in_str = 0;
        } else if (s[i] == '\\') {
            if (i + 5 < n && s[i + 1] == 'u' && hex4_is_zero(s + i + 2)) return (long)i;
            i++;
        }
    }
    return -1;
}

/* Records where every node came from, and rejects what cJSON lets through: non-finite
 * numbers, duplicate keys, nesting deeper than the schema. */
static int lint(loader *L, const cJSON *node, const char *path, int depth, int src)
{
    char sub[CFG_PATH];
    const cJSON *c;
    int i = 0;
    if (prov_add(L, node, src)) return fail_oom(L);
    if (depth > CFG_MAX_DEPTH)
        return fail_src(L, src, path, "nested deeper than any config value can be (at most %d levels)",
                        CFG_MAX_DEPTH);
    if (cJSON_IsNumber(node) && !isfinite(node->valuedouble))
        return fail_src(L, src, path, "expected a finite number, got %s (beyond the range of a double)",
                        node->valuedouble > 0 ? "+inf" : "-inf");
    if (cJSON_IsObject(node)) {
        cJSON_ArrayForEach(c, node) {
            const cJSON *p;
            path_key(sub, sizeof sub, path, c->string);
            if (++i > CFG_MAX_KEYS)
                return fail_src(L, src, path, "more than %d keys in one object", CFG_MAX_KEYS);
            for (p = node->child; p != c; p = p->next)
                if (strcmp(p->string, c->string) == 0)
                    return fail_src(L, src, sub, "duplicate key (each key may appear once in an object)");
            if (lint(L, c, sub, depth + 1, src)) return 1;
        }
    } else if (cJSON_IsArray(node)) {
        cJSON_ArrayForEach(c, node) {
            path_index(sub, sizeof sub, path, i++);
            if (lint(L, c, sub, depth + 1, src)) return 1;
        }
    }
    return 0;
}

static int fail_pos(loader *L, int src, const char *buf, size_t off, const char *what)
{
    int line, col;
    line_col(buf, off, &line, &col);
    return hc_fail(L->err, "%s:%d:%d: %s", L->files[src], line, col, what);
}

/* How deep the arrays and objects of buf[0, len) are nested at len (strings skipped):
 * past CJSON_NESTING_LIMIT cJSON refuses the text without saying why. */
static int json_depth(const char *buf, size_t len)
{
    size_t i;
    int depth = 0, max = 0, in_string = 0;
    for (i = 0; i < len; i++) {
        const char c = buf[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max) max = depth;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

static cJSON *parse_and_lint(loader *L, int src, const char *buf, size_t len)
{
    const char *end = NULL, *nul;
    cJSON *root;
    char what[160], near[64];
    long k;
    nul = (const char *)memchr(buf, '\0', len);
    if (nul != NULL) {
        fail_pos(L, src, buf, (size_t)(nul - buf), "invalid JSON: NUL byte in the file");
        return NULL;
    }
    /* The length includes the terminating NUL: with require_null_terminated, cJSON 1.7.15
     * rejects even valid JSON when the NUL lies outside the given length. */
    watch_cjson_allocations();
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (root == NULL && cjson_alloc_failed) {
        fail_oom(L);
        return NULL;
    }
    if (root == NULL) {
        const char *end2 = NULL;
        cJSON *t = cJSON_ParseWithLengthOpts(buf, len + 1, &end2, 0);
        size_t off;
        if (t != NULL) { /* a valid value followed by more text */
            cJSON_Delete(t);
            off = (size_t)(end2 - buf);
            while (off < len && isspace((unsigned char)buf[off])) off++;
            snippet(near, sizeof near, buf + off, 20);
            snprintf(what, sizeof what, "invalid JSON: unexpected text after the top-level value: \"%s\"", near);
            fail_pos(L, src, buf, off, what);
            return NULL;
        }
        off = end != NULL && end >= buf && (size_t)(end - buf) <= len ? (size_t)(end - buf) : 0;
        if (len == 0 || off >= len) {
            fail_pos(L, src, buf, off, "invalid JSON: unexpected end of file");
        } else if (json_depth(buf, off) >= CJSON_NESTING_LIMIT) {
            snprintf(what, sizeof what, "invalid JSON: nested deeper than the parser's limit, %d levels (a config "
                     "needs at most %d)", CJSON_NESTING_LIMIT, CFG_MAX_DEPTH);
            fail_pos(L, src, buf, off, what);
        } else {
            snippet(near, sizeof near, buf + off, 20);
            snprintf(what, sizeof what, "invalid JSON near \"%s\"", near);
            fail_pos(L, src, buf, off, what);
        }
        return NULL;
    }
    k = find_nul_escape(buf, len);
    if (k >= 0) {
        cJSON_Delete(root);
        fail_pos(L, src, buf, (size_t)k, "invalid string: \\u0000 (NUL) is not allowed in a string");
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        char d[128];
        fail_src(L, src, NULL, "expected an object at the top level, got %s", describe(root, d, sizeof d));
        cJSON_Delete(root);
        return NULL;
    }
    if (lint(L, root, "", 1, src)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* ---- merging (MODEL.md "Config file": objects key by key, roles by name, else replace) */

/* Puts `repl` (detached; its key already set when parent is an object) where `old` is,
 * and buries `old`. The linking is cJSON_ReplaceItemViaPointer's, which would free `old`
 * instead; cJSON_InsertItemInArray cannot be used: Debian's 1.7.15-1+deb12u4 returns false
 * for every index but 0. */
static void replace_in_place(loader *L, cJSON *parent, cJSON *old, cJSON *repl)
{
    repl->next = old->next;
    repl->prev = old->prev;
    if (repl->next != NULL) repl->next->prev = repl;
    if (parent->child == old) {
        if (old->prev == old) repl->prev = repl; /* the only element: it is its own tail */
        parent->child = repl;
    } else {
        repl->prev->next = repl;
        if (repl->next == NULL) parent->child->prev = repl; /* new tail */
    }
    old->next = NULL;
    old->prev = NULL;
    bury(L, old);
}

/* Sets key of obj to value (detached, no key yet), keeping the key's position. */
static int object_set(loader *L, cJSON *obj, const char *key, cJSON *value)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_AddItemToObject(obj, key, value)) return 1;
    if (old != NULL) {
        cJSON_DetachItemViaPointer(obj, value);
        replace_in_place(L, obj, old, value);
    }
    return 0;
}

static const char *role_name_of(const cJSON *role)
{
    const cJSON *n = cJSON_IsObject(role) ? cJSON_GetObjectItemCaseSensitive(role, "name") : NULL;
    return cJSON_IsString(n) ? n->valuestring : NULL;
}

static int merge_objects(loader *L, cJSON *dst, cJSON *src, int level, int src_file);

/* Roles of the child merge into the parent's role of the same name, key by key; new
 * names are appended in the child's order. */
static int merge_roles(loader *L, cJSON *dst, cJSON *src, int src_file)
{
    cJSON *c, *next;
    int i = 0;
    if (cJSON_GetArraySize(src) > HC_MAX_ROLES)
        return fail_src(L, src_file, "roles", "expected at most %d roles, got %d", HC_MAX_ROLES,
                        cJSON_GetArraySize(src));
    cJSON_ArrayForEach(c, src) { /* a duplicate would silently merge twice: reject it here */
        const char *name = role_name_of(c);
        const cJSON *p;
        int j = 0;
        if (name != NULL) {
            for (p = src->child; p != c; p = p->next, j++) {
                const char *other = role_name_of(p);
                if (other != NULL && strcmp(other, name) == 0) {
                    char path[64];
                    snprintf(path, sizeof path, "roles[%d].name", i);
                    return fail_src(L, src_file, path, "duplicate role name \"%s\" (also roles[%d])", name, j);
                }
            }
        }
        i++;
    }
    for (c = src->child; c != NULL; c = next) {
        const char *name = role_name_of(c);
        cJSON *target = NULL, *p;
        next = c->next;
        cJSON_DetachItemViaPointer(src, c);
        if (name != NULL)
            cJSON_ArrayForEach(p, dst) {
                const char *pn = role_name_of(p);
                if (pn != NULL && strcmp(pn, name) == 0) {
                    target = p;
                    break;
                }
            }
        if (target != NULL) {
            if (merge_objects(L, target, c, 1, src_file)) {
                cJSON_Delete(c);
                return 1;
            }
            bury(L, c);
        } else {
            cJSON_AddItemToArray(dst, c);
        }
    }
    return 0;
}

/* Merges src into dst. Level 0 is the top level: its objects (the sections) merge key by
 * key and `roles` by name; at level 1 every value replaces the inherited one, so a
 * distribution object is never mixed with its parent's. */
static int merge_objects(loader *L, cJSON *dst, cJSON *src, int level, int src_file)
{
    cJSON *m, *next;
    for (m = src->child; m != NULL; m = next) {
        cJSON *d = cJSON_GetObjectItemCaseSensitive(dst, m->string);
        next = m->next;
        cJSON_DetachItemViaPointer(src, m);
        if (d != NULL && level == 0 && strcmp(m->string, "roles") == 0 && cJSON_IsArray(d) &&
            cJSON_IsArray(m)) {
            int rc = merge_roles(L, d, m, src_file);
            bury(L, m);
            if (rc) return 1;
        } else if (d != NULL && level == 0 && cJSON_IsObject(d) && cJSON_IsObject(m)) {
            int rc = merge_objects(L, d, m, 1, src_file);
            bury(L, m);
            if (rc) return 1;
        } else if (d != NULL) {
            replace_in_place(L, dst, d, m);
        } else {
            cJSON_AddItemToArray(dst, m); /* m keeps its key */
        }
    }
    return 0;
}

/* ---- the extends chain */

static char *join_relative(const char *referrer, const char *rel)
{
    const char *slash = strrchr(referrer, '/');
    size_t dir = slash ? (size_t)(slash - referrer) + 1 : 0;
    size_t n = strlen(rel);
    char *s;
    if (rel[0] == '/') dir = 0;
    s = (char *)malloc(dir + n + 1);
    if (s == NULL) return NULL;
    memcpy(s, referrer, dir);
    memcpy(s + dir, rel, n + 1);
    return s;
}

/* Loads files[depth] (already set) and everything it extends; returns the merged tree. */
static cJSON *load_chain(loader *L, int depth, const char *ext_value)
{
    const char *display = L->files[depth];
    char *buf = NULL;
    size_t len = 0;
    int e, i;
    cJSON *root, *ext, *base;
    char d[128];

    if (depth == 0 && L->text != NULL) { /* hc_config_load_text: the top file is in memory */
        e = 0;
        len = L->text_len;
        buf = (char *)malloc(len + 1);
        if (buf == NULL) return fail_oom(L), NULL;
        memcpy(buf, L->text, len);
        buf[len] = '\0';
    } else {
        e = read_file(display, &buf, &len);
    }
    if (e == 0 && len > (size_t)CFG_MAX_FILE_BYTES) {
        free(buf);
        e = EFBIG;
    }
    if (e != 0) {
        if (depth == 0) {
            hc_fail(L->err, "%s: cannot read: %s", display, read_error(e));
        } else {
            escape_into(d, sizeof d, ext_value, 100);
            fail_src(L, depth - 1, "extends", "cannot read \"%s\" (%s): %s", d, display, read_error(e));
        }
        return NULL;
    }
    /* Text in memory is no file on disk, so nothing can extend it: a name no realpath has
     * (they all start with '/') keeps it out of cycle detection. */
    L->real[depth] = depth == 0 && L->text != NULL ? strdup("(text)") : realpath(display, NULL);
    if (L->real[depth] == NULL) {
        e = errno;
        free(buf);
        if (depth == 0) return hc_fail(L->err, "%s: cannot resolve path: %s", display, strerror(e)), NULL;
        fail_src(L, depth - 1, "extends", "cannot resolve \"%s\": %s", display, strerror(e));
        return NULL;
    }
    for (i = 0; i < depth; i++) {
        if (strcmp(L->real[i], L->real[depth]) == 0) {
            char chain[1200];
            size_t o = 0;
            int j;
            for (j = 0; j <= depth && o < sizeof chain; j++)
                o += (size_t)snprintf(chain + o, sizeof chain - o, "%s%s", j ? " -> " : "", L->files[j]);
            free(buf);
            escape_into(d, sizeof d, ext_value, 100);
            fail_src(L, depth - 1, "extends", "\"%s\" makes a cycle: %s", d, chain);
            return NULL;
        }
    }
    root = parse_and_lint(L, depth, buf, len);
    free(buf);
    if (root == NULL) {
        if (depth > 0 && !L->err->out_of_memory) { /* say which file led here */
            size_t n = strlen(L->err->message);
            snprintf(L->err->message + n, sizeof L->err->message - n, " (extended by %s)", L->files[depth - 1]);
        }
        return NULL;
    }
    ext = cJSON_GetObjectItemCaseSensitive(root, "extends");
    if (ext == NULL) return root;
    if (!cJSON_IsString(ext) || ext->valuestring[0] == '\0') {
        fail_src(L, depth, "extends", "expected a path (a non-empty string), got %s", describe(ext, d, sizeof d));
        cJSON_Delete(root);
        return NULL;
    }
    bury(L, cJSON_DetachItemViaPointer(root, ext));
    if (depth + 1 >= CFG_MAX_EXTENDS) {
        fail_src(L, depth, "extends", "more than %d files in the extends chain", CFG_MAX_EXTENDS);
        cJSON_Delete(root);
        return NULL;
    }
    L->files[depth + 1] = join_relative(display, ext->valuestring);
    if (L->files[depth + 1] == NULL) {
        cJSON_Delete(root);
        fail_oom(L);
        return NULL;
    }
    L->n_files = depth + 2;
    base = load_chain(L, depth + 1, ext->valuestring);
    if (base == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    /* The scenario's name is the child's own (or its file name), never the parent's. */
    bury(L, cJSON_DetachItemFromObjectCaseSensitive(base, "name"));
    if (merge_objects(L, base, root, 0, depth)) {
        cJSON_Delete(root);
        cJSON_Delete(base);
        return NULL;
    }
    bury(L, root);
    return base;
}

/* ---- overrides (--set KEY=VALUE) */

typedef struct {
    char key[128]; /* empty for an index segment */
    long index;
} path_seg;

/* Splits `a.b[2].c` into segments; returns the count, or -1 when malformed. */
static int split_path(const char *s, path_seg *seg, int max)
{
    int n = 0;
    const char *p = s;
    if (*p == '\0' || *p == '.' || *p == '[') return -1;
    while (*p != '\0') {
        if (n == max) return -1;
        if (*p == '[') {
            char *end;
            long v;
            if (!isdigit((unsigned char)p[1])) return -1;
            v = strtol(p + 1, &end, 10);
            if (*end != ']' || v > INT_MAX) return -1;
            seg[n].key[0] = '\0';
            seg[n].index = v;
            n++;
            p = end + 1;
        } else {
            size_t k = strcspn(p, ".[");
            if (k == 0 || k >= sizeof seg[n].key) return -1;
            memcpy(seg[n].key, p, k);
            seg[n].key[k] = '\0';
            seg[n].index = -1;
            n++;
            p += k;
        }
        if (*p == '.') {
            p++;
            if (*p == '\0' || *p == '.' || *p == '[') return -1;
        } else if (*p != '\0' && *p != '[') {
            return -1;
        }
    }
    return n;
}

static int apply_override(loader *L, cJSON *root, const hc_override *o)
{
    path_seg seg[16];
    const char *key = o->key != NULL ? o->key : "";
    int n = split_path(key, seg, 16), i;
    cJSON *cur = root, *value;
    const char *end = NULL;

    if (n < 0)
        return fail_src(L, SRC_OVERRIDE, key,
                        "invalid key (expected a path such as simulation.worlds, roles[2].wage or roles.NAME.wage)");
    if (o->value == NULL) return fail_src(L, SRC_OVERRIDE, key, "missing value");
    watch_cjson_allocations();
    value = cJSON_ParseWithOpts(o->value, &end, 1);
    if (value == NULL && cjson_alloc_failed) return fail_oom(L);
    if (value == NULL) value = cJSON_CreateString(o->value); /* not JSON: a string */
    if (value == NULL) return fail_oom(L);
    /* From here on `value` is either attached to the tree or buried, never freed early:
     * lint() records its nodes' addresses. */
    if (lint(L, value, key, n + 1, SRC_OVERRIDE)) {
        bury(L, value);
        return 1;
    }
    for (i = 0; i < n; i++) {
        int last = i == n - 1;
        cJSON *child = NULL;
        if (seg[i].index >= 0) {
            if (!cJSON_IsArray(cur)) {
                bury(L, value);
                return fail_src(L, SRC_OVERRIDE, key, "cannot index %s with [%ld]", cJSON_IsObject(cur) ? "an object" : type_name(cur), seg[i].index);
            }
            child = cJSON_GetArrayItem(cur, (int)seg[i].index);
            if (child == NULL) {
                bury(L, value);
                return fail_src(L, SRC_OVERRIDE, key, "index %ld is out of range (the array has %d entries)",
                                seg[i].index, cJSON_GetArraySize(cur));
            }
            if (last) replace_in_place(L, cur, child, value);
        } else if (cJSON_IsArray(cur)) { /* roles.NAME */
            const char *names[HC_MAX_ROLES];
            int nn = 0;
            cJSON *p;
            cJSON_ArrayForEach(p, cur) {
                const char *pn = role_name_of(p);
                if (pn != NULL && strcmp(pn, seg[i].key) == 0) {
                    child = p;
                    break;
                }
                if (pn != NULL && nn < HC_MAX_ROLES) names[nn++] = pn;
            }
            if (child == NULL) {
                char h[600];
                bury(L, value);
                return fail_src(L, SRC_OVERRIDE, key, "no role named \"%s\"%s", seg[i].key,
                                nn ? hint_keys(seg[i].key, names, nn, h, sizeof h) : "");
            }
            if (last) replace_in_place(L, cur, child, value);
        } else if (cJSON_IsObject(cur)) {
            child = cJSON_GetObjectItemCaseSensitive(cur, seg[i].key);
            if (last) {
                if (object_set(L, cur, seg[i].key, value)) {
                    bury(L, value);
                    return fail_oom(L);
                }
            } else if (child == NULL) {
                child = cJSON_CreateObject();
                if (child == NULL || !cJSON_AddItemToObject(cur, seg[i].key, child)) {
                    cJSON_Delete(child);
                    bury(L, value);
                    return fail_oom(L);
                }
                if (prov_add(L, child, SRC_OVERRIDE)) {
                    bury(L, value);
                    return fail_oom(L);
                }
            }
        } else {
            bury(L, value);
            return fail_src(L, SRC_OVERRIDE, key, "cannot set a key inside a %s", type_name(cur));
        }
        cur = child;
    }
    return 0;
}

/* ---- defaults */

static int add_number(loader *L, cJSON *obj, const char *key, double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    if (n == NULL || object_set(L, obj, key, n)) {
        cJSON_Delete(n);
        return fail_oom(L);
    }
    return 0;
}

static int fill_defaults(loader *L, cJSON *root)
{
    cJSON *roles, *r, *output;
    int i;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        const hc_input_spec *s = &hc_input_specs[i];
        char section[32];
        const char *dot = strchr(s->key, '.');
        cJSON *sec;
        if (!s->has_default) continue;
        snprintf(section, sizeof section, "%.*s", (int)(dot - s->key), s->key);
        sec = cJSON_GetObjectItemCaseSensitive(root, section);
        if (sec == NULL) {
            sec = cJSON_AddObjectToObject(root, section);
            if (sec == NULL) return fail_oom(L);
        }
        if (cJSON_IsObject(sec) && cJSON_GetObjectItemCaseSensitive(sec, dot + 1) == NULL &&
            add_number(L, sec, dot + 1, s->default_value))
            return 1;
    }
    roles = cJSON_GetObjectItemCaseSensitive(root, "roles");
    if (cJSON_IsArray(roles))
        cJSON_ArrayForEach(r, roles) {
            if (cJSON_IsObject(r) && cJSON_GetObjectItemCaseSensitive(r, "adoption_start") == NULL &&
                add_number(L, r, "adoption_start", 0.0))
                return 1;
        }
    output = cJSON_GetObjectItemCaseSensitive(root, "output");
    if (output == NULL) {
        output = cJSON_AddObjectToObject(root, "output");
        if (output == NULL) return fail_oom(L);
    }
    if (cJSON_IsObject(output) && cJSON_GetObjectItemCaseSensitive(output, "percentiles") == NULL) {
        cJSON *p = cJSON_CreateDoubleArray(default_percentiles, NKEYS(default_percentiles));
        if (p == NULL || !cJSON_AddItemToObject(output, "percentiles", p)) {
            cJSON_Delete(p);
            return fail_oom(L);
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(root, "model") == NULL && add_number(L, root, "model", HC_MODEL_VERSION))
        return 1;
    return 0;
}

/* ---- validation helpers */

static int check_keys(loader *L, const cJSON *obj, const char *path, const char *const *known, int n)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, obj) {
        int i, found = 0;
        for (i = 0; i < n && !found; i++) found = strcmp(c->string, known[i]) == 0;
        if (!found) {
            char sub[CFG_PATH], h[600];
            path_key(sub, sizeof sub, path, c->string);
            return fail_at(L, c, sub, "unknown key%s", hint_keys(c->string, known, n, h, sizeof h));
        }
    }
    return 0;
}

static int expect_object(loader *L, const cJSON *v, const char *path)
{
    char d[128];
    if (cJSON_IsObject(v)) return 0;
    return fail_at(L, v, path, "expected an object, got %s", describe(v, d, sizeof d));
}

/* A required (or optional) number field of obj; returns 0 and sets *x when present, 1 on
 * error, 2 when absent and optional. */
static int get_number_x(loader *L, const cJSON *obj, const char *path, const char *key, int required,
                        const char *expect, double *x, const cJSON **item)
{
    char sub[CFG_PATH], d[128];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    path_key(sub, sizeof sub, path, key);
    if (item != NULL) *item = v;
    if (v == NULL) {
        if (!required) return 2;
        return fail_src(L, prov_src(L, obj) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub,
                        "required key missing");
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return fail_at(L, v, sub, "expected %s, got %s", expect, describe(v, d, sizeof d));
    *x = v->valuedouble;
    return 0;
}

static int get_number(loader *L, const cJSON *obj, const char *path, const char *key, int required, double *x,
                      const cJSON **item)
{
    return get_number_x(L, obj, path, key, required, "a number", x, item);
}

static int in_range(double x, hc_bound lk, double lo, hc_bound hk, double hi)
{
    if (lk == HC_BOUND_OPEN && !(x > lo)) return 0;
    if (lk == HC_BOUND_CLOSED && !(x >= lo)) return 0;
    if (hk == HC_BOUND_OPEN && !(x < hi)) return 0;
    if (hk == HC_BOUND_CLOSED && !(x <= hi)) return 0;
    return 1;
}

/* A number field checked against a range; `what` (may be NULL) explains the bound. */
static int get_ranged(loader *L, const cJSON *obj, const char *path, const char *key, int required,
                      hc_bound lk, double lo, hc_bound hk, double hi, const char *what, double *x)
{
    const cJSON *v;
    char expect[200], r[96];
    int rc;
    snprintf(expect, sizeof expect, "a number %s%s%s", fmt_range(lk, lo, hk, hi, r, sizeof r), what ? " " : "",
             what ? what : "");
    rc = get_number_x(L, obj, path, key, required, expect, x, &v);
    if (rc) return rc;
    if (!in_range(*x, lk, lo, hk, hi)) {
        char sub[CFG_PATH], d[128];
        path_key(sub, sizeof sub, path, key);
        return fail_at(L, v, sub, "expected %s, got %s", expect, describe(v, d, sizeof d));
    }
    return 0;
}

static int get_integer(loader *L, const cJSON *obj, const char *path, const char *key, double lo, double hi,
                       double *x)
{
    const cJSON *v;
    char sub[CFG_PATH], d[128], a[40], b[40];
    int rc;
    path_key(sub, sizeof sub, path, key);
    v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v != NULL && !cJSON_IsNumber(v))
        return fail_at(L, v, sub, "expected an integer in [%s, %s], got %s", fmt_num(lo, a, sizeof a),
                       fmt_num(hi, b, sizeof b), describe(v, d, sizeof d));
    rc = get_number(L, obj, path, key, 1, x, &v);
    if (rc) return rc;
    if (floor(*x) != *x || *x < lo || *x > hi)
        return fail_at(L, v, sub, "expected an integer in [%s, %s], got %s", fmt_num(lo, a, sizeof a),
                       fmt_num(hi, b, sizeof b), describe(v, d, sizeof d));
    return 0;
}

/* Letters, digits, '_', '-' and (when allow_dot) '.'; not starting with '.' (a hidden
 * file) or '-' (an option, and a formula to a spreadsheet, as '+', '=' and '@' would be:
 * names reach CSV, JSON, SVG and HTML). */
static int safe_name(const char *s, int allow_dot)
{
    const char *p;
    if (s[0] == '\0' || s[0] == '.' || s[0] == '-') return 0;
    for (p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || (allow_dot && *p == '.'))) return 0;
    return 1;
}

/* ---- distributions */

typedef struct {
    double lo, hi;
    int lo_closed, hi_closed;
} support;

typedef struct {
    const char *name; /* for messages: "firms.headcount", "roles[2].wage" */
    hc_bound lo_kind, hi_kind;
    double lo, hi;
} valid_range;

/* The extreme uniforms the sampler can see (hc_u01_open_open of 0 and 2^32 - 1) and their
 * normal quantiles: the floating-point support of the inverse-CDF samplers. */
static double u_min(void) { return hc_u01_open_open(0u); }
static double z_min(void) { return hc_normal_quantile(hc_u01_open_open(0u)); }
static double z_max(void) { return hc_normal_quantile(hc_u01_open_open(0xFFFFFFFFu)); }

/* Whether hc_gamma_unit(shape) * scale can come out as 0 (or subnormal): for shape < 1
 * the boost U^(1/shape) underflows. */
static int gamma_can_underflow(double shape, double scale)
{
    double boost = shape < 1.0 ? pow(u_min(), 1.0 / shape) : 1.0;
    return boost * scale * 1e-3 < DBL_MIN;
}

static int dist_kind_of(const char *s)
{
    int k;
    for (k = 0; k < HC_DIST_KINDS; k++)
        if (strcmp(s, dist_names[k]) == 0) return k;
    return -1;
}

/* Checks that a distribution's support lies inside an input's valid range. */
static int check_support(loader *L, const cJSON *node, const char *path, const char *kind_name, support s,
                         const valid_range *vr, int unbounded_lo, int unbounded_hi, int underflow)
{
    char r[96], a[40], b[40];
    fmt_range(vr->lo_kind, vr->lo, vr->hi_kind, vr->hi, r, sizeof r);
    if ((vr->lo_kind == HC_BOUND_OPEN && (s.lo < vr->lo || (s.lo == vr->lo && s.lo_closed))) ||
        (vr->lo_kind == HC_BOUND_CLOSED && s.lo < vr->lo)) {
        char detail[96] = "";
        const char *hint = "";
        if (unbounded_lo)
            hint = vr->lo == 0.0 ? " (add \"clip\" or use a positive distribution)" : " (add \"clip\")";
        else if (underflow)
            snprintf(detail, sizeof detail, " (its samples can underflow to 0)");
        else
            snprintf(detail, sizeof detail, " (down to %s)", fmt_num(s.lo, b, sizeof b));
        return fail_at(L, node, path, "a %s distribution can produce values %s %s%s but %s must be %s%s", kind_name,
                       vr->lo_kind == HC_BOUND_OPEN ? "<=" : "<", fmt_num(vr->lo, a, sizeof a), detail, vr->name, r,
                       hint);
    }
    if ((vr->hi_kind == HC_BOUND_OPEN && (s.hi > vr->hi || (s.hi == vr->hi && s.hi_closed))) ||
        (vr->hi_kind == HC_BOUND_CLOSED && s.hi > vr->hi)) {
        char detail[96] = "";
        if (!unbounded_hi) snprintf(detail, sizeof detail, " (up to %s)", fmt_num(s.hi, b, sizeof b));
        return fail_at(L, node, path, "a %s distribution can produce values %s %s%s but %s must be %s%s", kind_name,
                       vr->hi_kind == HC_BOUND_OPEN ? ">=" : ">", fmt_num(vr->hi, a, sizeof a), detail, vr->name, r,
                       unbounded_hi ? " (add \"clip\")" : "");
    }
    return 0;
}

static int fail_overflow(loader *L, const cJSON *node, const char *path, const char *kind)
{
    return fail_at(L, node, path,
                   "a %s distribution with these parameters can produce infinite values (a sample overflows a "
                   "double); use smaller parameters or add \"clip\"",
                   kind);
}

/* ---- the 90 % interval shorthand and mixtures (docs/model.md "Implementation notes") */

#define CFG_MAX_COMPONENTS 16 /**< components of one mixture */

/* {"p5": a, "p95": b} without "dist": a lognormal when both bounds are numbers > 0 (the
 * lognormal's own p5/p95 form), a normal otherwise. Returns 1 (kind set) if node is one. */
static int interval_shorthand_kind(const cJSON *node, int *kind)
{
    const cJSON *p5 = cJSON_GetObjectItemCaseSensitive(node, "p5");
    const cJSON *p95 = cJSON_GetObjectItemCaseSensitive(node, "p95");
    if (p5 == NULL && p95 == NULL) return 0;
    *kind = (cJSON_IsNumber(p5) && p5->valuedouble > 0.0 && cJSON_IsNumber(p95) && p95->valuedouble > 0.0)
                ? HC_DIST_LOGNORMAL
                : HC_DIST_NORMAL;
    return 1;
}

/* The normal whose 5th and 95th percentiles are p5 and p95: mean (p5 + p95) / 2,
 * sd (p95 - p5) / (2 z95). */
static int interval_shorthand_normal(loader *L, const cJSON *node, const char *path, double *mean, double *sd)
{
    char why[64], e[40], sub[CFG_PATH];
    double a, b;
    if (get_number(L, node, path, "p5", 1, &a, NULL)) return 1;
    snprintf(why, sizeof why, "(p5 is %s)", fmt_num(a, e, sizeof e));
    if (get_ranged(L, node, path, "p95", 1, HC_BOUND_OPEN, a, HC_BOUND_NONE, 0, why, &b)) return 1;
    *mean = (a + b) / 2.0;
    *sd = (b - a) / (2.0 * Z95);
    path_key(sub, sizeof sub, path, "p95");
    if (!isfinite(*mean) || !isfinite(*sd))
        return fail_at(L, cJSON_GetObjectItemCaseSensitive(node, "p95"), sub,
                       "p5 and p95 are too far apart for a double (the normal's sd would be infinite)");
    if (!(*sd > 0.0))
        return fail_at(L, cJSON_GetObjectItemCaseSensitive(node, "p95"), sub,
                       "p5 and p95 are too close together to give a spread");
    return 0;
}

static int parse_dist(loader *L, const cJSON *node, const char *path, const valid_range *vr, hc_dist *d,
                      support *sup_out);

/* "mixture": `components` (distributions, never mixtures) drawn with probabilities
 * proportional to `weights`. Into the pool go the cumulative weights, then each component
 * encoded (hc_dist.h). Without a clip on the mixture itself, each component must fit the
 * input's range on its own and an error names that component; with one, only the clipped
 * union has to (parse_dist checks it). *s receives the union of the components' supports. */
static int parse_mixture(loader *L, const cJSON *node, const char *path, const valid_range *vr, hc_dist *d,
                         support *s)
{
    const cJSON *comps = cJSON_GetObjectItemCaseSensitive(node, "components");
    const cJSON *wts = cJSON_GetObjectItemCaseSensitive(node, "weights");
    const cJSON *e;
    char cpath[CFG_PATH], wpath[CFG_PATH], ep[CFG_PATH], desc[128];
    hc_dist comp[CFG_MAX_COMPONENTS];
    valid_range unbounded = *vr;
    const valid_range *component_range = vr;
    double total = 0.0, run = 0.0, *pool = L->out->model.pool;
    int n, k = 0, need;

    path_key(cpath, sizeof cpath, path, "components");
    path_key(wpath, sizeof wpath, path, "weights");
    if (comps == NULL) return fail_at(L, node, cpath, "required key missing");
    n = cJSON_GetArraySize(comps);
    if (!cJSON_IsArray(comps) || n < 1 || n > CFG_MAX_COMPONENTS)
        return fail_at(L, comps, cpath, "expected an array of 1 to %d distributions, got %s", CFG_MAX_COMPONENTS,
                       describe(comps, desc, sizeof desc));
    if (wts == NULL) return fail_at(L, node, wpath, "required key missing");
    if (!cJSON_IsArray(wts) || cJSON_GetArraySize(wts) != n)
        return fail_at(L, wts, wpath, "expected an array of %d numbers (one per component), got %s", n,
                       describe(wts, desc, sizeof desc));
    if (cJSON_GetObjectItemCaseSensitive(node, "clip") != NULL) {
        unbounded.lo_kind = unbounded.hi_kind = HC_BOUND_NONE;
        component_range = &unbounded;
    }
    s->lo = INFINITY;
    s->hi = -INFINITY;
    s->lo_closed = s->hi_closed = 0;
    cJSON_ArrayForEach(e, comps) {
        const cJSON *kd = cJSON_GetObjectItemCaseSensitive(e, "dist");
        support cs;
        path_index(ep, sizeof ep, cpath, k);
        if (cJSON_IsString(kd) && strcmp(kd->valuestring, dist_names[HC_DIST_MIXTURE]) == 0) {
            char dp[CFG_PATH];
            path_key(dp, sizeof dp, ep, "dist");
            return fail_at(L, kd, dp, "a mixture's components are distributions, not mixtures (list the inner "
                                      "mixture's components here instead)");
        }
        if (parse_dist(L, e, ep, component_range, &comp[k], &cs)) return 1;
        if (cs.lo < s->lo || (cs.lo == s->lo && cs.lo_closed)) {
            s->lo = cs.lo;
            s->lo_closed = cs.lo_closed;
        }
        if (cs.hi > s->hi || (cs.hi == s->hi && cs.hi_closed)) {
            s->hi = cs.hi;
            s->hi_closed = cs.hi_closed;
        }
        k++;
    }
    k = 0;
    cJSON_ArrayForEach(e, wts) {
        path_index(ep, sizeof ep, wpath, k++);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble) || e->valuedouble < 0.0)
            return fail_at(L, e, ep, "expected a number >= 0, got %s", describe(e, desc, sizeof desc));
        total += e->valuedouble;
    }
    if (!(total > 0.0) || !isfinite(total))
        return fail_at(L, wts, wpath, "expected weights with a positive, finite sum, got a sum of %s",
                       fmt_num(total, desc, sizeof desc));
    need = n * (1 + HC_DIST_ENCODED);
    if (L->pool_used + need > HC_DIST_POOL_MAX)
        return fail_at(L, comps, cpath,
                       "mixtures and discrete distributions need more than %d pool entries in all (this "
                       "mixture needs %d, %d already used)",
                       HC_DIST_POOL_MAX, need, L->pool_used);
    k = 0;
    cJSON_ArrayForEach(e, wts) {
        run += e->valuedouble;
        pool[L->pool_used + k] = run / total;
        k++;
    }
    pool[L->pool_used + n - 1] = 1.0;
    for (k = 0; k < n; k++) hc_dist_encode(&comp[k], pool + L->pool_used + n + (size_t)k * HC_DIST_ENCODED);
    d->pool_offset = L->pool_used;
    d->n_values = n;
    L->pool_used += need;
    return 0;
}

/* Parses a distribution (a number, an object with "dist", or the 90 % interval shorthand)
 * into d and checks its support against vr. `sup_out` receives the support after clipping. */
static int parse_dist(loader *L, const cJSON *node, const char *path, const valid_range *vr, hc_dist *d,
                      support *sup_out)
{
    char sub[CFG_PATH], desc[128], h[600];
    const cJSON *kv, *f = NULL, *clip;
    const char *known[8];
    int kind = HC_DIST_CONSTANT, nk = 0, i, unb_lo = 0, unb_hi = 0, underflow = 0, rc, shorthand;
    support s = {0, 0, 1, 1};
    double x, a, b, c;

    memset(d, 0, sizeof *d);
    if (cJSON_IsNumber(node)) {
        x = node->valuedouble;
        if (!isfinite(x)) return fail_at(L, node, path, "expected a finite number, got %s", describe(node, desc, sizeof desc));
        if (!in_range(x, vr->lo_kind, vr->lo, vr->hi_kind, vr->hi)) {
            char r[96];
            return fail_at(L, node, path, "expected a number %s, got %s",
                           fmt_range(vr->lo_kind, vr->lo, vr->hi_kind, vr->hi, r, sizeof r),
                           describe(node, desc, sizeof desc));
        }
        d->kind = HC_DIST_CONSTANT;
        d->p[0] = x;
        sup_out->lo = sup_out->hi = x;
        sup_out->lo_closed = sup_out->hi_closed = 1;
        return 0;
    }
    if (!cJSON_IsObject(node))
        return fail_at(L, node, path, "expected a number or a distribution object with \"dist\", got %s",
                       describe(node, desc, sizeof desc));
    kv = cJSON_GetObjectItemCaseSensitive(node, "dist");
    path_key(sub, sizeof sub, path, "dist");
    shorthand = kv == NULL && interval_shorthand_kind(node, &kind);
    if (kv == NULL && !shorthand)
        return fail_at(L, node, sub, "required key missing (a distribution object needs \"dist\")");
    if (shorthand) {
        known[nk++] = "p5";
        known[nk++] = "p95";
    } else {
        if (!cJSON_IsString(kv))
            return fail_at(L, kv, sub, "expected a distribution name (string), got %s", describe(kv, desc, sizeof desc));
        kind = dist_kind_of(kv->valuestring);
        if (kind < 0) {
            char e[96];
            escape_into(e, sizeof e, kv->valuestring, 60);
            return fail_at(L, kv, sub, "unknown distribution \"%s\"%s", e,
                           hint_keys(kv->valuestring, dist_names, HC_DIST_KINDS, h, sizeof h));
        }
        known[nk++] = "dist";
        for (i = 0; dist_fields[kind][i] != NULL; i++) known[nk++] = dist_fields[kind][i];
    }
    known[nk++] = "clip";
    if (check_keys(L, node, path, known, nk)) return 1;
    d->kind = kind;

#define NUM(key, req, var) \
    do { \
        rc = get_number(L, node, path, key, req, &(var), &f); \
        if (rc == 1) return 1; \
    } while (0)
#define RANGED(key, req, lk, lo, hk, hi, what, var) \
    do { \
        rc = get_ranged(L, node, path, key, req, lk, lo, hk, hi, what, &(var)); \
        if (rc == 1) return 1; \
    } while (0)

    switch (kind) {
    case HC_DIST_CONSTANT:
        NUM("value", 1, x);
        if (!in_range(x, vr->lo_kind, vr->lo, vr->hi_kind, vr->hi)) {
            char r[96];
            path_key(sub, sizeof sub, path, "value");
            return fail_at(L, f, sub, "expected a number %s, got %s",
                           fmt_range(vr->lo_kind, vr->lo, vr->hi_kind, vr->hi, r, sizeof r),
                           describe(f, desc, sizeof desc));
        }
        d->p[0] = x;
        s.lo = s.hi = x;
        break;
    case HC_DIST_NORMAL:
        if (shorthand) {
            if (interval_shorthand_normal(L, node, path, &a, &b)) return 1;
        } else {
            NUM("mean", 1, a);
            RANGED("sd", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
        }
        if (!isfinite(a + b * z_min()) || !isfinite(a + b * z_max())) return fail_overflow(L, node, path, "normal");
        d->p[0] = a;
        d->p[1] = b;
        s.lo = -INFINITY;
        s.hi = INFINITY;
        s.lo_closed = s.hi_closed = 0;
        unb_lo = unb_hi = 1;
        break;
    case HC_DIST_LOGNORMAL: {
        int has_ms = cJSON_GetObjectItemCaseSensitive(node, "median") || cJSON_GetObjectItemCaseSensitive(node, "sigma");
        int has_p = cJSON_GetObjectItemCaseSensitive(node, "p5") || cJSON_GetObjectItemCaseSensitive(node, "p95");
        double mu, sigma;
        if (has_ms && has_p)
            return fail_at(L, node, path, "a lognormal takes either \"median\" and \"sigma\" or \"p5\" and \"p95\", not both");
        if (has_p) {
            char why[64], e[40];
            RANGED("p5", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
            snprintf(why, sizeof why, "(p5 is %s)", fmt_num(a, e, sizeof e));
            RANGED("p95", 1, HC_BOUND_OPEN, a, HC_BOUND_NONE, 0, why, b);
            mu = 0.5 * (log(a) + log(b));
            sigma = (log(b) - log(a)) / (2.0 * Z95);
            if (!(sigma > 0.0)) { /* p95 > p5 but so close that the logs are equal */
                path_key(sub, sizeof sub, path, "p95");
                return fail_at(L, cJSON_GetObjectItemCaseSensitive(node, "p95"), sub,
                               "p5 and p95 are too close together to give a spread");
            }
        } else {
            RANGED("median", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
            RANGED("sigma", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
            mu = log(a);
            sigma = b;
        }
        if (!isfinite(exp(mu + sigma * z_max()))) return fail_overflow(L, node, path, "lognormal");
        d->p[0] = mu;
        d->p[1] = sigma;
        underflow = exp(mu + sigma * z_min()) < DBL_MIN;
        s.lo = 0.0;
        s.lo_closed = underflow; /* exp() of the lowest quantile can round to 0 */
        s.hi = INFINITY;
        s.hi_closed = 0;
        unb_hi = 1;
        break;
    }
    case HC_DIST_UNIFORM:
    case HC_DIST_TRIANGULAR:
    case HC_DIST_PERT: {
        char why[64], e[40];
        NUM("min", 1, a);
        snprintf(why, sizeof why, "(min is %s)", fmt_num(a, e, sizeof e));
        RANGED("max", 1, HC_BOUND_OPEN, a, HC_BOUND_NONE, 0, why, b);
        if (!isfinite(b - a) || (kind != HC_DIST_UNIFORM && !isfinite((b - a) * (b - a)))) {
            path_key(sub, sizeof sub, path, "max");
            return fail_at(L, f, sub, "max - min is too large for a double (samples would be infinite)");
        }
        d->p[0] = a;
        if (kind == HC_DIST_UNIFORM) {
            d->p[1] = b;
        } else {
            char e2[40];
            snprintf(why, sizeof why, "(min is %s, max is %s)", fmt_num(a, e, sizeof e), fmt_num(b, e2, sizeof e2));
            RANGED("mode", 1, HC_BOUND_CLOSED, a, HC_BOUND_CLOSED, b, why, c);
            if (kind == HC_DIST_TRIANGULAR) {
                d->p[1] = c;
                d->p[2] = b;
            } else {
                double lambda = 4.0;
                RANGED("lambda", 0, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, lambda);
                d->p[1] = b;
                d->p[2] = 1.0 + lambda * (c - a) / (b - a);
                d->p[3] = 1.0 + lambda * (b - c) / (b - a);
                if (!isfinite(d->p[2]) || !isfinite(d->p[3])) {
                    path_key(sub, sizeof sub, path, "lambda");
                    return fail_at(L, node, sub, "lambda is too large (the beta shapes overflow a double)");
                }
            }
        }
        s.lo = a;
        s.hi = b;
        break;
    }
    case HC_DIST_BETA: {
        char why[64], e[40];
        double lo = 0.0, hi = 1.0;
        RANGED("alpha", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
        RANGED("beta", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
        NUM("min", 0, lo);
        snprintf(why, sizeof why, "(min is %s)", fmt_num(lo, e, sizeof e));
        RANGED("max", 0, HC_BOUND_OPEN, lo, HC_BOUND_NONE, 0, why, hi);
        if (rc == 2 && !(hi > lo)) { /* min given, max defaulted to 1 */
            path_key(sub, sizeof sub, path, "min");
            return fail_at(L, node, sub, "expected a number < 1 (max defaults to 1), got %s", fmt_num(lo, e, sizeof e));
        }
        if (!isfinite(hi - lo)) {
            path_key(sub, sizeof sub, path, "max");
            return fail_at(L, node, sub, "max - min is too large for a double (samples would be infinite)");
        }
        if (gamma_can_underflow(a, 1.0) && gamma_can_underflow(b, 1.0)) {
            char e2[40];
            return fail_at(L, node, path,
                           "a beta distribution with alpha %s and beta %s can produce NaN (both gamma draws can "
                           "underflow to 0); use a larger alpha or beta",
                           fmt_num(a, e, sizeof e), fmt_num(b, e2, sizeof e2));
        }
        d->p[0] = lo;
        d->p[1] = hi;
        d->p[2] = a;
        d->p[3] = b;
        s.lo = lo;
        s.hi = hi;
        break;
    }
    case HC_DIST_GAMMA:
        RANGED("shape", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
        RANGED("scale", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
        {
            /* Largest hc_gamma_unit output: d v with v = (1 + c z_max)^3. */
            double k = a < 1.0 ? a + 1.0 : a, dd = k - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd);
            double v = 1.0 + cc * z_max();
            if (!isfinite(b * dd * v * v * v)) return fail_overflow(L, node, path, "gamma");
        }
        d->p[0] = a;
        d->p[1] = b;
        underflow = gamma_can_underflow(a, b);
        s.lo = 0.0;
        s.lo_closed = underflow;
        s.hi = INFINITY;
        s.hi_closed = 0;
        unb_hi = 1;
        break;
    case HC_DIST_PARETO: {
        char why[64], e[40];
        double hi = 0.0;
        RANGED("alpha", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, a);
        RANGED("min", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, b);
        snprintf(why, sizeof why, "(min is %s)", fmt_num(b, e, sizeof e));
        RANGED("max", 0, HC_BOUND_OPEN, b, HC_BOUND_NONE, 0, why, hi);
        d->p[0] = a;
        d->p[1] = b;
        d->p[2] = rc == 2 ? 0.0 : hi;
        s.lo = b;
        if (rc == 2) {
            if (!isfinite(b * pow(u_min(), -1.0 / a))) return fail_overflow(L, node, path, "pareto");
            s.hi = INFINITY;
            s.hi_closed = 0;
            unb_hi = 1;
        } else {
            /* The sampler's inverse CDF at the largest uniform: a tiny alpha overflows. */
            double top = b / pow(1.0 - hc_u01_open_open(0xFFFFFFFFu) * (1.0 - pow(b / hi, a)), 1.0 / a);
            if (!isfinite(top)) return fail_overflow(L, node, path, "pareto");
            s.hi = top > hi ? top : hi;
        }
        break;
    }
    case HC_DIST_DISCRETE: {
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(node, "values");
        const cJSON *wts = cJSON_GetObjectItemCaseSensitive(node, "weights");
        const cJSON *e;
        char vpath[CFG_PATH], wpath[CFG_PATH], ep[CFG_PATH];
        int n, k = 0;
        double total = 0.0, run = 0.0, *pool = L->out->model.pool;
        path_key(vpath, sizeof vpath, path, "values");
        path_key(wpath, sizeof wpath, path, "weights");
        if (vals == NULL) return fail_at(L, node, vpath, "required key missing");
        n = cJSON_GetArraySize(vals);
        if (!cJSON_IsArray(vals) || n < 1 || n > HC_MAX_DISCRETE)
            return fail_at(L, vals, vpath, "expected an array of 1 to %d numbers, got %s", HC_MAX_DISCRETE,
                           describe(vals, desc, sizeof desc));
        if (wts == NULL) return fail_at(L, node, wpath, "required key missing");
        if (!cJSON_IsArray(wts) || cJSON_GetArraySize(wts) != n)
            return fail_at(L, wts, wpath, "expected an array of %d numbers (one per value), got %s", n,
                           describe(wts, desc, sizeof desc));
        if (L->pool_used + 2 * n > HC_DIST_POOL_MAX)
            return fail_at(L, vals, vpath,
                           "discrete distributions need more than %d pool entries in all (this one needs %d, %d "
                           "already used)",
                           HC_DIST_POOL_MAX, 2 * n, L->pool_used);
        s.lo = INFINITY;
        s.hi = -INFINITY;
        cJSON_ArrayForEach(e, vals) {
            path_index(ep, sizeof ep, vpath, k);
            if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
                return fail_at(L, e, ep, "expected a finite number, got %s", describe(e, desc, sizeof desc));
            pool[L->pool_used + k] = e->valuedouble;
            if (e->valuedouble < s.lo) s.lo = e->valuedouble;
            if (e->valuedouble > s.hi) s.hi = e->valuedouble;
            k++;
        }
        k = 0;
        cJSON_ArrayForEach(e, wts) {
            path_index(ep, sizeof ep, wpath, k++);
            if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble) || e->valuedouble < 0.0)
                return fail_at(L, e, ep, "expected a number >= 0, got %s", describe(e, desc, sizeof desc));
            total += e->valuedouble;
        }
        if (!(total > 0.0) || !isfinite(total))
            return fail_at(L, wts, wpath, "expected weights with a positive, finite sum, got a sum of %s",
                           fmt_num(total, desc, sizeof desc));
        k = 0;
        cJSON_ArrayForEach(e, wts) {
            run += e->valuedouble;
            pool[L->pool_used + n + k] = run / total;
            k++;
        }
        pool[L->pool_used + 2 * n - 1] = 1.0;
        d->pool_offset = L->pool_used;
        d->n_values = n;
        L->pool_used += 2 * n;
        break;
    }
    case HC_DIST_MIXTURE:
        if (parse_mixture(L, node, path, vr, d, &s)) return 1;
        unb_lo = s.lo == -INFINITY;
        unb_hi = s.hi == INFINITY;
        break;
    default:
        return fail_at(L, node, path, "internal error: unhandled distribution kind");
    }
#undef NUM
#undef RANGED

    clip = cJSON_GetObjectItemCaseSensitive(node, "clip");
    if (clip != NULL) {
        const cJSON *lo = cJSON_GetArrayItem(clip, 0), *hi = cJSON_GetArrayItem(clip, 1);
        path_key(sub, sizeof sub, path, "clip");
        if (!cJSON_IsArray(clip) || cJSON_GetArraySize(clip) != 2 || !cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) ||
            !(lo->valuedouble <= hi->valuedouble))
            return fail_at(L, clip, sub, "expected [lo, hi], two numbers with lo <= hi, got %s",
                           describe(clip, desc, sizeof desc));
        d->has_clip = 1;
        d->clip_lo = lo->valuedouble;
        d->clip_hi = hi->valuedouble;
        {
            support t = s;
            t.lo = s.lo < d->clip_lo ? d->clip_lo : (s.lo > d->clip_hi ? d->clip_hi : s.lo);
            t.hi = s.hi < d->clip_lo ? d->clip_lo : (s.hi > d->clip_hi ? d->clip_hi : s.hi);
            t.lo_closed = s.lo_closed || t.lo != s.lo;
            t.hi_closed = s.hi_closed || t.hi != s.hi;
            if (t.lo != s.lo) unb_lo = 0, underflow = 0;
            if (t.hi != s.hi) unb_hi = 0;
            s = t;
        }
    }
    if (check_support(L, node, path, dist_names[kind], s, vr, unb_lo, unb_hi, underflow)) return 1;
    *sup_out = s;
    return 0;
}

/* ---- validation of the merged config, filling the hc_config */

static int validate_simulation(loader *L, const cJSON *root)
{
    const cJSON *sim = cJSON_GetObjectItemCaseSensitive(root, "simulation");
    hc_config *o = L->out;
    double x;
    const cJSON *spy;
    if (sim == NULL) return fail_src(L, SRC_DEFAULT, "simulation", "required key missing");
    if (expect_object(L, sim, "simulation") || check_keys(L, sim, "simulation", simulation_keys, NKEYS(simulation_keys)))
        return 1;
    if (get_integer(L, sim, "simulation", "start_year", 1, 9999, &x)) return 1;
    o->start_year = (int)x;
    if (get_integer(L, sim, "simulation", "years", 1, HC_MAX_STEPS, &x)) return 1;
    o->years = (int)x;
    if (get_integer(L, sim, "simulation", "steps_per_year", 1, HC_MAX_STEPS, &x)) return 1;
    o->steps_per_year = (int)x;
    if ((long)o->years * o->steps_per_year > HC_MAX_STEPS) {
        spy = cJSON_GetObjectItemCaseSensitive(sim, "steps_per_year");
        return fail_at(L, spy, "simulation.steps_per_year",
                       "years x steps_per_year = %d x %d = %ld steps, but at most %d steps are allowed", o->years,
                       o->steps_per_year, (long)o->years * o->steps_per_year, HC_MAX_STEPS);
    }
    if (get_integer(L, sim, "simulation", "worlds", 1, CFG_MAX_WORLDS, &x)) return 1;
    o->worlds = (int64_t)x;
    if (get_integer(L, sim, "simulation", "firms_per_world", 1, CFG_MAX_FIRMS, &x)) return 1;
    o->firms_per_world = (int64_t)x;
    if (get_integer(L, sim, "simulation", "seed", 0, CFG_MAX_SEED, &x)) return 1;
    o->seed = (uint64_t)x;
    o->model.steps_per_year = o->steps_per_year;
    o->model.years = o->years;
    o->model.n_steps = o->years * o->steps_per_year;
    o->model.seed = o->seed;
    return 0;
}

static int validate_inputs(loader *L, const cJSON *root)
{
    support sup[HC_N_SCALAR_INPUTS];
    const cJSON *sec[N_SECTIONS];
    int s, i;
    for (s = 0; s < N_SECTIONS; s++) {
        const char *known[HC_N_SCALAR_INPUTS];
        int n = 0;
        size_t len = strlen(section_names[s]);
        sec[s] = cJSON_GetObjectItemCaseSensitive(root, section_names[s]);
        if (sec[s] == NULL) continue; /* its first required input is reported missing below */
        if (expect_object(L, sec[s], section_names[s])) return 1;
        for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
            if (strncmp(hc_input_specs[i].key, section_names[s], len) == 0 && hc_input_specs[i].key[len] == '.')
                known[n++] = hc_input_specs[i].key + len + 1;
        if (check_keys(L, sec[s], section_names[s], known, n)) return 1;
    }
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        const hc_input_spec *sp = &hc_input_specs[i];
        const char *dot = strchr(sp->key, '.');
        const cJSON *section = NULL, *v;
        valid_range vr;
        for (s = 0; s < N_SECTIONS; s++)
            if (strncmp(section_names[s], sp->key, (size_t)(dot - sp->key)) == 0 &&
                section_names[s][dot - sp->key] == '\0')
                section = sec[s];
        v = section != NULL ? cJSON_GetObjectItemCaseSensitive(section, dot + 1) : NULL;
        if (v == NULL) return fail_src(L, SRC_DEFAULT, sp->key, "required key missing (%s: %s)", sp->symbol, sp->meaning);
        vr.name = sp->key;
        vr.lo_kind = sp->lo_kind;
        vr.lo = sp->lo;
        vr.hi_kind = sp->hi_kind;
        vr.hi = sp->hi;
        if (parse_dist(L, v, sp->key, &vr, &L->out->model.input[i], &sup[i])) return 1;
    }
    /* cmax >= c0 in every world: the ceiling's lowest value against the start's highest. */
    if (sup[HC_IN_CAPABILITY_CEILING].lo < sup[HC_IN_CAPABILITY_START].hi) {
        const cJSON *cap = sec[1];
        char a[40], b[40];
        return fail_at(L, cJSON_GetObjectItemCaseSensitive(cap, "ceiling"), "capability.ceiling",
                       "capability.ceiling can be as low as %s while capability.start can be as high as %s, but "
                       "capability.ceiling must be >= capability.start in every world",
                       fmt_num(sup[HC_IN_CAPABILITY_CEILING].lo, a, sizeof a),
                       fmt_num(sup[HC_IN_CAPABILITY_START].hi, b, sizeof b));
    }
    return 0;
}

static int validate_roles(loader *L, const cJSON *root)
{
    const cJSON *roles = cJSON_GetObjectItemCaseSensitive(root, "roles"), *r;
    hc_config *o = L->out;
    double shares[HC_MAX_ROLES], total = 0.0;
    char d[128];
    int n, i = 0;
    if (roles == NULL) return fail_src(L, SRC_DEFAULT, "roles", "required key missing");
    n = cJSON_GetArraySize(roles);
    if (!cJSON_IsArray(roles) || n < 1 || n > HC_MAX_ROLES)
        return fail_at(L, roles, "roles", "expected an array of 1 to %d roles, got %s", HC_MAX_ROLES,
                       describe(roles, d, sizeof d));
    cJSON_ArrayForEach(r, roles) {
        char rp[64], sub[CFG_PATH];
        const cJSON *name;
        valid_range vr;
        support sup;
        double x;
        int j;
        snprintf(rp, sizeof rp, "roles[%d]", i);
        if (expect_object(L, r, rp) || check_keys(L, r, rp, role_keys, NKEYS(role_keys))) return 1;
        name = cJSON_GetObjectItemCaseSensitive(r, "name");
        path_key(sub, sizeof sub, rp, "name");
        if (name == NULL) return fail_src(L, prov_src(L, r) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub, "required key missing");
        if (!cJSON_IsString(name) || !safe_name(name->valuestring, 0) || strlen(name->valuestring) >= 64)
            return fail_at(L, name, sub,
                           "expected a role name of 1 to 63 letters, digits, '_' or '-', not starting with '-', got %s",
                           describe(name, d, sizeof d));
        for (j = 0; j < i; j++)
            if (strcmp(o->role_names[j], name->valuestring) == 0)
                return fail_at(L, name, sub, "duplicate role name \"%s\" (also roles[%d])", name->valuestring, j);
        memcpy(o->role_names[i], name->valuestring, strlen(name->valuestring) + 1);
        if (get_ranged(L, r, rp, "share", 1, HC_BOUND_CLOSED, 0, HC_BOUND_NONE, 0, NULL, &shares[i])) return 1;
        total += shares[i];
        if (get_ranged(L, r, rp, "exposure", 1, HC_BOUND_CLOSED, 0, HC_BOUND_CLOSED, 1, NULL, &x)) return 1;
        o->model.role_exposure[i] = (float)x;
        {
            char why[64], e[40];
            double a0 = 0.0;
            snprintf(why, sizeof why, "(the role's exposure is %s)", fmt_num(x, e, sizeof e));
            if (get_ranged(L, r, rp, "adoption_start", 0, HC_BOUND_CLOSED, 0, HC_BOUND_CLOSED, x, why, &a0) == 1)
                return 1;
            o->model.role_adoption_start[i] = (float)a0;
        }
        for (j = 0; j < HC_N_ROLE_INPUTS; j++) {
            const hc_input_spec *sp = &hc_role_input_specs[j];
            const char *field = strchr(sp->key, '.') + 1;
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, field);
            path_key(sub, sizeof sub, rp, field);
            if (v == NULL)
                return fail_src(L, prov_src(L, r) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub,
                                "required key missing (%s: %s)", sp->symbol, sp->meaning);
            vr.name = sub;
            vr.lo_kind = sp->lo_kind;
            vr.lo = sp->lo;
            vr.hi_kind = sp->hi_kind;
            vr.hi = sp->hi;
            if (parse_dist(L, v, sub, &vr, j == HC_ROLE_IN_WAGE ? &o->model.role_wage[i] : &o->model.role_tokens[i],
                           &sup))
                return 1;
        }
        i++;
    }
    if (!(total > 0.0) || !isfinite(total))
        return fail_at(L, roles, "roles", "the role shares sum to %s; at least one role needs a share > 0",
                       fmt_num(total, d, sizeof d));
    for (i = 0; i < n; i++) o->model.role_share[i] = (float)(shares[i] / total);
    o->model.n_roles = n;
    return 0;
}

static int validate_output(loader *L, const cJSON *root)
{
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(root, "output"), *p, *e;
    char d[128];
    int n, i = 0;
    if (expect_object(L, out, "output") || check_keys(L, out, "output", output_keys, NKEYS(output_keys))) return 1;
    p = cJSON_GetObjectItemCaseSensitive(out, "percentiles");
    n = cJSON_GetArraySize(p);
    if (!cJSON_IsArray(p) || n < 1 || n > HC_MAX_PERCENTILES)
        return fail_at(L, p, "output.percentiles", "expected an array of 1 to %d numbers in (0, 100), got %s",
                       HC_MAX_PERCENTILES, describe(p, d, sizeof d));
    cJSON_ArrayForEach(e, p) {
        char ep[64], a[40];
        double lo = i ? L->out->percentiles[i - 1] : 0.0;
        snprintf(ep, sizeof ep, "output.percentiles[%d]", i);
        if (!cJSON_IsNumber(e) || !(e->valuedouble > 0.0 && e->valuedouble < 100.0))
            return fail_at(L, e, ep, "expected a number in (0, 100), got %s", describe(e, d, sizeof d));
        if (i > 0 && !(e->valuedouble > lo))
            return fail_at(L, e, ep, "expected a number > %s (percentiles must strictly increase), got %s",
                           fmt_num(lo, a, sizeof a), describe(e, d, sizeof d));
        L->out->percentiles[i++] = e->valuedouble;
    }
    L->out->n_percentiles = n;
    return 0;
}

/* ---- numeric range: what the model's 32-bit floats can hold (docs/hardening.md)
 *
 * A firm's constants, state and step are floats (include/model/hc_model.h). Every distribution
 * has been checked against its input's valid range; here the combinations are: from the
 * values each sampler can actually return and the horizon, bounds on every quantity of a
 * firm's step, refused when one could overflow a float or, where the model divides by it
 * or compares with it, underflow to 0. The bounds multiply extremes of independent
 * inputs, so they are loose: they bind on configs that are extreme in several inputs at
 * once over a long horizon, and the message names the input to clip. The token price is
 * a random walk that no bound holds, so the model saturates the price and caps a firm's
 * compute budget instead (the guards in hc_model.h); the final check in src/bands.c
 * stays as the last line of defence. */

#define CFG_NUM_CEIL 1e37   /**< the largest a float quantity of a firm may reach: FLT_MAX / 34 */
#define CFG_NUM_FLOOR 1e-30 /**< the smallest a float the model divides by may reach: 1e8 x FLT_MIN */
/** The largest a metric in jobs (population.employment times a firm's change) may reach: its
 * deviations squared, summed over up to 2e9 worlds (the standard deviation, src/stats.c)
 * and paired across scenarios (src/compare.c), stay finite. */
#define CFG_MAX_JOBS 1e148

typedef struct {
    double lo, hi;
} span;

/* Smallest value hc_gamma_unit(shape) can return: d v^3 at the smallest positive
 * v = 1 + c z over the 2^32 uniforms (bisection: z grows with the uniform), times the
 * smallest boost U^(1/shape) when shape < 1. Proposals the acceptance test would refuse
 * count too, so this is a lower bound. */
static double gamma_unit_min(double shape)
{
    const double k = shape < 1.0 ? shape + 1.0 : shape, dd = k - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd);
    uint32_t lo = 0u, hi = 0xFFFFFFFFu; /* v > 0 at hi: z_max > 0 */
    double v;
    if (1.0 + cc * z_min() > 0.0) {
        hi = 0u;
    } else {
        while (hi - lo > 1u) {
            const uint32_t mid = lo + (hi - lo) / 2u;
            if (1.0 + cc * hc_normal_quantile(hc_u01_open_open(mid)) > 0.0)
                hi = mid;
            else
                lo = mid;
        }
    }
    v = 1.0 + cc * hc_normal_quantile(hc_u01_open_open(hi));
    return dd * v * v * v * (shape < 1.0 ? pow(u_min(), 1.0 / shape) : 1.0);
}

/* Largest value hc_gamma_unit(shape) can return: d v^3 with v = 1 + c z_max. */
static double gamma_unit_max(double shape)
{
    const double k = shape < 1.0 ? shape + 1.0 : shape, dd = k - 1.0 / 3.0, cc = 1.0 / sqrt(9.0 * dd);
    const double v = 1.0 + cc * z_max();
    return dd * v * v * v;
}

/* The values hc_dist_sample can return for d, clip included: the sampler's
 * floating-point support (a lognormal's samples lie in [exp(mu + sigma z_min),
 * exp(mu + sigma z_max)], not in (0, inf)). */
static span sample_span(const hc_dist *d, const double *pool)
{
    span s = {0.0, 0.0};
    int i;
    switch (d->kind) {
    case HC_DIST_CONSTANT: s.lo = s.hi = d->p[0]; break;
    case HC_DIST_NORMAL: s.lo = d->p[0] + d->p[1] * z_min(); s.hi = d->p[0] + d->p[1] * z_max(); break;
    case HC_DIST_LOGNORMAL: s.lo = exp(d->p[0] + d->p[1] * z_min()); s.hi = exp(d->p[0] + d->p[1] * z_max()); break;
    case HC_DIST_UNIFORM:
    case HC_DIST_PERT:
    case HC_DIST_BETA: s.lo = d->p[0]; s.hi = d->p[1]; break;
    case HC_DIST_TRIANGULAR: s.lo = d->p[0]; s.hi = d->p[2]; break;
    case HC_DIST_GAMMA: s.lo = d->p[1] * gamma_unit_min(d->p[0]); s.hi = d->p[1] * gamma_unit_max(d->p[0]); break;
    case HC_DIST_PARETO:
        s.lo = d->p[1];
        s.hi = d->p[2] > 0.0 ? d->p[1] / pow(1.0 - hc_u01_open_open(0xFFFFFFFFu) * (1.0 - pow(d->p[1] / d->p[2], d->p[0])),
                                            1.0 / d->p[0])
                             : d->p[1] * pow(u_min(), -1.0 / d->p[0]);
        if (d->p[2] > 0.0 && s.hi < d->p[2]) s.hi = d->p[2];
        break;
    case HC_DIST_DISCRETE:
        s.lo = INFINITY;
        s.hi = -INFINITY;
        for (i = 0; i < d->n_values; i++) {
            const double v = pool[d->pool_offset + i];
            s.lo = v < s.lo ? v : s.lo;
            s.hi = v > s.hi ? v : s.hi;
        }
        break;
#ifdef HC_DIST_ENCODED
    case HC_DIST_MIXTURE: /* the union of the components' ranges */
        s.lo = INFINITY;
        s.hi = -INFINITY;
        for (i = 0; i < d->n_values; i++) {
            hc_dist c;
            span cs;
            hc_dist_decode(pool + d->pool_offset + d->n_values + (size_t)i * HC_DIST_ENCODED, &c);
            if (c.kind == HC_DIST_MIXTURE) continue; /* never nested (parse_mixture) */
            cs = sample_span(&c, pool);
            s.lo = cs.lo < s.lo ? cs.lo : s.lo;
            s.hi = cs.hi > s.hi ? cs.hi : s.hi;
        }
        break;
#endif
    default: s.lo = -INFINITY; s.hi = INFINITY; break;
    }
    if (d->has_clip) {
        s.lo = s.lo < d->clip_lo ? d->clip_lo : (s.lo > d->clip_hi ? d->clip_hi : s.lo);
        s.hi = s.hi < d->clip_lo ? d->clip_lo : (s.hi > d->clip_hi ? d->clip_hi : s.hi);
    }
    return s;
}

/* (1 + rate)^tau over tau in [0, years], for rate in r. */
static span growth_index(span r, double years)
{
    span s;
    s.lo = fmin(1.0, exp(years * log1p(r.lo)));
    s.hi = fmax(1.0, exp(years * log1p(r.hi)));
    return s;
}

/* The node of a scalar input ("firms.headcount") or of roles[r].FIELD (key "roles[r].x",
 * role r), or of "roles" itself, for naming its file. */
static const cJSON *numeric_node(const cJSON *root, const char *key, int role)
{
    const char *dot = strchr(key, '.');
    char section[32];
    const cJSON *sec;
    if (strncmp(key, "roles", 5) == 0) {
        const cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "roles"), role);
        return dot != NULL ? cJSON_GetObjectItemCaseSensitive(r, dot + 1) : cJSON_GetObjectItemCaseSensitive(root, "roles");
    }
    if (dot == NULL || (size_t)(dot - key) >= sizeof section) return NULL;
    snprintf(section, sizeof section, "%.*s", (int)(dot - key), key);
    sec = cJSON_GetObjectItemCaseSensitive(root, section);
    return cJSON_IsObject(sec) ? cJSON_GetObjectItemCaseSensitive(sec, dot + 1) : NULL;
}

/* `FILE: KEY: <message> (the model keeps a firm's numbers in 32-bit floats; see
 * docs/hardening.md)`, with the file KEY's value came from. */
static int fail_numeric(loader *L, const cJSON *root, const char *key, int role, const char *fmt, ...)
    CFG_PRINTF(5, 6);
static int fail_numeric(loader *L, const cJSON *root, const char *key, int role, const char *fmt, ...)
{
    char msg[900], path[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (strncmp(key, "roles", 5) == 0 && strchr(key, '.') != NULL)
        snprintf(path, sizeof path, "roles[%d]%s", role, strchr(key, '.'));
    else
        snprintf(path, sizeof path, "%s", key);
    return fail_at(L, numeric_node(root, key, role), path,
                   "%s (the model keeps a firm's numbers in 32-bit floats; see docs/hardening.md)", msg);
}

/* A float the model holds must lie in [lo_min, CFG_NUM_CEIL] (lo_min 0: no lower limit). */
static int check_float_input(loader *L, const cJSON *root, const char *key, int role, span s, double lo_min)
{
    if (s.hi > CFG_NUM_CEIL)
        return fail_numeric(L, root, key, role, "can be as large as %.3g, but at most %.0e works; add \"clip\" or "
                            "use a narrower distribution", s.hi, CFG_NUM_CEIL);
    if (lo_min > 0.0 && s.lo < lo_min)
        return fail_numeric(L, root, key, role, "can be as small as %.3g, but at least %.0e is needed; add \"clip\" "
                            "or use a narrower distribution", s.lo, lo_min);
    return 0;
}

static int validate_numeric_range(loader *L, const cJSON *root)
{
    const hc_model *m = &L->out->model;
    const int R = m->n_roles, T = m->n_steps;
    const double Y = (double)m->years, S = (double)m->steps_per_year;
    span in[HC_N_SCALAR_INPUTS], w, G, omega, budget_index, err_index;
    double wage_lo = INFINITY, wage_hi = 0.0, kept_lo = 0.0, wage_sum_hi = 0.0, start_frac = 0.0;
    double U_lo, Q_hi, demand_hi, o_hi, staff_hi, pf_hi, budget_hi, Hs_hi, ratio_hi, log_p_bound;
    int i, r, wage_lo_role = 0, wage_hi_role = 0;
    static const int float_inputs[] = {HC_IN_HEADCOUNT, HC_IN_COST_SENSITIVITY, HC_IN_PER_SPECIALIST,
                                       HC_IN_WAGE_OVERSIGHT, HC_IN_WAGE_SPECIALIST, HC_IN_DEMAND_ELASTICITY,
                                       HC_IN_NEW_TASK_RATIO, HC_IN_OVERSIGHT_RATIO, HC_IN_BUDGET_SHARE};

    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) in[i] = sample_span(&m->input[i], m->pool);
    /* Inputs held as floats; those the model divides by (or scales a log by) need a floor. */
    for (i = 0; i < (int)(sizeof float_inputs / sizeof float_inputs[0]); i++) {
        const int id = float_inputs[i];
        const int divisor = id == HC_IN_HEADCOUNT || id == HC_IN_COST_SENSITIVITY || id == HC_IN_PER_SPECIALIST;
        if (check_float_input(L, root, hc_input_specs[id].key, 0, in[id], divisor ? CFG_NUM_FLOOR : 0.0)) return 1;
    }
    for (r = 0; r < R; r++) {
        const double s_r = (double)m->role_share[r], x_r = (double)m->role_exposure[r];
        const double a0 = (double)m->role_adoption_start[r];
        w = sample_span(&m->role_wage[r], m->pool);
        if (check_float_input(L, root, "roles[r].wage", r, w, CFG_NUM_FLOOR)) return 1;
        if (w.lo < wage_lo) wage_lo = w.lo, wage_lo_role = r;
        if (w.hi > wage_hi) wage_hi = w.hi, wage_hi_role = r;
        kept_lo += s_r * (1.0 - x_r) * w.lo;
        wage_sum_hi += s_r * w.hi;
        /* Headcount at step 0 over H0: a share a <= a0 of the role is automated, and an
         * automated FTE leaves o0 + nu FTE of oversight and new tasks. */
        start_frac += s_r * fmin(1.0, 1.0 - a0 * (1.0 - fmin(1.0, in[HC_IN_OVERSIGHT_RATIO].lo + in[HC_IN_NEW_TASK_RATIO].lo)));
    }

    /* Capability: c_t divides cmax by c0. */
    if (!isfinite(1.0 / in[HC_IN_CAPABILITY_START].lo))
        return fail_numeric(L, root, "capability.start", 0, "can be as small as %.3g, and the model divides by it",
                            in[HC_IN_CAPABILITY_START].lo);

    /* The price path's logarithm, step by step at most: drift, noise (|z| <= z_max) and a
     * shock. It only has to stay a finite double: the model saturates the price itself. */
    log_p_bound = fmax(fabs(log(in[HC_IN_PRICE_PER_MTOK].lo)), fabs(log(in[HC_IN_PRICE_PER_MTOK].hi))) +
                  (double)T * (fmax(fabs(log1p(in[HC_IN_ANNUAL_PRICE_CHANGE].lo)), fabs(log1p(in[HC_IN_ANNUAL_PRICE_CHANGE].hi))) / S +
                               in[HC_IN_PRICE_VOLATILITY].hi / sqrt(S) * z_max() +
                               fmax(fabs(log(in[HC_IN_SHOCK_MULTIPLIER].lo)), fabs(log(in[HC_IN_SHOCK_MULTIPLIER].hi))));
    if (!(log_p_bound < 1e300))
        return fail_numeric(L, root, "inference.price_volatility", 0,
                            "with the other inference inputs, the log of the token price could reach %.3g", log_p_bound);

    /* Demand: H0 (1+g)^tau Q. Q = U^-eta, where U >= the wages kept by the unexposed share
     * of work over all wages (the guard in hc_model.h keeps Q within [HC_Q_MIN, HC_Q_MAX]). */
    G = growth_index(in[HC_IN_DEMAND_GROWTH], Y);
    if (G.lo < CFG_NUM_FLOOR || in[HC_IN_HEADCOUNT].lo * G.lo < CFG_NUM_FLOOR)
        return fail_numeric(L, root, "firms.demand_growth", 0,
                            "can be as low as %.6g: over %d years a firm's labour demand without AI can shrink "
                            "%.3g-fold (from firms.headcount %.3g)",
                            in[HC_IN_DEMAND_GROWTH].lo, m->years, 1.0 / G.lo, in[HC_IN_HEADCOUNT].lo);
    U_lo = fmax((double)FLT_MIN, kept_lo / wage_sum_hi);
    Q_hi = in[HC_IN_DEMAND_ELASTICITY].hi > 0.0 ? fmin((double)HC_Q_MAX, pow(U_lo, -in[HC_IN_DEMAND_ELASTICITY].hi)) : 1.0;
    demand_hi = in[HC_IN_HEADCOUNT].hi * G.hi * Q_hi;
    if (G.hi > CFG_NUM_CEIL || demand_hi > CFG_NUM_CEIL)
        return fail_numeric(L, root, "firms.demand_growth", 0,
                            "can be as high as %.6g: over %d years a firm's labour demand (firms.headcount up to "
                            "%.3g, demand multiplier up to %.3g) can grow to %.3g",
                            in[HC_IN_DEMAND_GROWTH].hi, m->years, in[HC_IN_HEADCOUNT].hi, Q_hi, demand_hi);

    /* Wages W = w_r omega_t: the model divides by them, and a firm's wage bill sums D W. */
    omega = growth_index(in[HC_IN_WAGE_GROWTH], Y);
    if (omega.lo < CFG_NUM_FLOOR || wage_lo * omega.lo < CFG_NUM_FLOOR || omega.hi > CFG_NUM_CEIL ||
        wage_hi * omega.hi > CFG_NUM_CEIL) {
        const int low = omega.lo < CFG_NUM_FLOOR || wage_lo * omega.lo < CFG_NUM_FLOOR;
        return fail_numeric(L, root, "wages.annual_growth", 0,
                            "ranges over [%.6g, %.6g]: over %d years the wage index reaches %.3g, so wages "
                            "(roles[%d].wage %s %.3g) can %s %.3g",
                            in[HC_IN_WAGE_GROWTH].lo, in[HC_IN_WAGE_GROWTH].hi, m->years, low ? omega.lo : omega.hi,
                            low ? wage_lo_role : wage_hi_role, low ? "from" : "up to", low ? wage_lo : wage_hi,
                            low ? "fall to" : "reach", low ? wage_lo * omega.lo : wage_hi * omega.hi);
    }
    if (demand_hi * wage_hi * omega.hi > CFG_NUM_CEIL)
        return fail_numeric(L, root, G.hi > omega.hi ? "firms.demand_growth" : "wages.annual_growth", 0,
                            "over %d years, labour demand up to %.3g FTE per firm (firms.headcount up to %.3g, "
                            "demand growth index up to %.3g, demand multiplier up to %.3g) at wages up to %.3g "
                            "(wage index up to %.3g) makes a wage bill of %.3g",
                            m->years, demand_hi, in[HC_IN_HEADCOUNT].hi, G.hi, Q_hi, wage_hi * omega.hi, omega.hi,
                            demand_hi * wage_hi * omega.hi);

    /* Oversight per automated FTE: o0 e_t / e0 <= o0 min((1+de)^tau, 1/e0). */
    err_index = growth_index(in[HC_IN_ANNUAL_ERROR_CHANGE], Y);
    o_hi = in[HC_IN_OVERSIGHT_RATIO].hi == 0.0
               ? 0.0
               : in[HC_IN_OVERSIGHT_RATIO].hi *
                     fmax(1.0, in[HC_IN_ERROR_RATE_START].lo > 0.0 ? fmin(err_index.hi, 1.0 / in[HC_IN_ERROR_RATE_START].lo)
                                                                  : err_index.hi);
    if (!(o_hi <= CFG_NUM_CEIL))
        return fail_numeric(L, root, "capability.annual_error_change", 0,
                            "can be as high as %.6g: over %d years oversight per automated FTE "
                            "(labor.oversight_ratio up to %.3g) can reach %.3g",
                            in[HC_IN_ANNUAL_ERROR_CHANGE].hi, m->years, in[HC_IN_OVERSIGHT_RATIO].hi, o_hi);
    staff_hi = (o_hi + in[HC_IN_NEW_TASK_RATIO].hi) * demand_hi;
    if (!(staff_hi <= CFG_NUM_CEIL) || !(o_hi * in[HC_IN_WAGE_OVERSIGHT].hi * omega.hi <= CFG_NUM_CEIL) ||
        !(staff_hi * in[HC_IN_WAGE_OVERSIGHT].hi * omega.hi <= CFG_NUM_CEIL))
        return fail_numeric(L, root, "wages.oversight", 0,
                            "up to %.3g, with up to %.3g oversight and new-task FTE per firm and a wage index up "
                            "to %.3g, makes their wage bill reach %.3g",
                            in[HC_IN_WAGE_OVERSIGHT].hi, staff_hi, omega.hi,
                            staff_hi * in[HC_IN_WAGE_OVERSIGHT].hi * omega.hi);

    /* The planned cost factor (1+dh)^h. */
    pf_hi = fmax(1.0, pow(1.0 + in[HC_IN_EXPECTED_PRICE_CHANGE].hi, in[HC_IN_PLANNING_HORIZON].hi));
    if (!(pf_hi <= CFG_NUM_CEIL))
        return fail_numeric(L, root, "firms.expected_price_change", 0,
                            "up to %.6g over a firms.planning_horizon of up to %.3g years makes the planned "
                            "cost factor (1 + dh)^h reach %.3g",
                            in[HC_IN_EXPECTED_PRICE_CHANGE].hi, in[HC_IN_PLANNING_HORIZON].hi, pf_hi);

    /* The compute bill is at most the budget b W0 (1+gb)^tau, W0 = H0 sum_r s_r w_r, which
     * the model caps at HC_BUDGET_MAX; the specialists it pays for are bill / m_s. */
    budget_index = growth_index(in[HC_IN_BUDGET_GROWTH], Y);
    budget_hi = fmin((double)HC_BUDGET_MAX, in[HC_IN_BUDGET_SHARE].hi * in[HC_IN_HEADCOUNT].hi * wage_hi * budget_index.hi);
    Hs_hi = budget_hi / in[HC_IN_PER_SPECIALIST].lo;
    if (!(Hs_hi <= CFG_NUM_CEIL) || !(Hs_hi * in[HC_IN_WAGE_SPECIALIST].hi * omega.hi <= CFG_NUM_CEIL))
        return fail_numeric(L, root, "compute.per_specialist", 0,
                            "can be as small as %.3g: a compute budget of up to %.3g then pays for %.3g AI "
                            "specialists (wages.specialist up to %.3g)",
                            in[HC_IN_PER_SPECIALIST].lo, budget_hi, Hs_hi, in[HC_IN_WAGE_SPECIALIST].hi);

    /* A firm's change is H_t over its headcount at step 0, which must not be 0. */
    if (!(in[HC_IN_HEADCOUNT].lo * start_frac >= CFG_NUM_FLOOR))
        return fail_numeric(L, root, "roles", 0,
                            "every role starts fully automated (adoption_start 1) with no oversight or new tasks "
                            "(labor.oversight_ratio and labor.new_task_ratio can be 0), so a firm's headcount at "
                            "step 0 can be 0 and its change undefined");
    /* H_t / H at step 0, both per unit of H0: specialists per H0 are at most the budget per
     * H0 over m_s. */
    ratio_hi = (G.hi * Q_hi * (1.0 + o_hi + in[HC_IN_NEW_TASK_RATIO].hi) +
                fmin(in[HC_IN_BUDGET_SHARE].hi * wage_hi * budget_index.hi, budget_hi / in[HC_IN_HEADCOUNT].lo) /
                    in[HC_IN_PER_SPECIALIST].lo) /
               start_frac;
    if (!(100.0 * ratio_hi <= CFG_NUM_CEIL))
        return fail_numeric(L, root, "roles", 0,
                            "a firm's headcount can start as low as %.3g of firms.headcount (adoption_start) and "
                            "grow %.3g-fold from there",
                            start_frac, ratio_hi);
    if (!(L->out->employment * (ratio_hi + 1.0) <= CFG_MAX_JOBS))
        return fail_numeric(L, root, "population.employment", 0,
                            "is %.3g: with a firm's headcount growing up to %.3g-fold, a metric in jobs could reach "
                            "%.3g, over the limit %.0e (its standard deviation across worlds must stay finite)",
                            L->out->employment, ratio_hi, L->out->employment * (ratio_hi + 1.0), CFG_MAX_JOBS);
    return 0;
}

/* The file name without directory and ".json". */
/* ---- correlations (docs/uncertainty.md): pairs of world-level inputs with a rank
 * correlation, which src/design.c imposes by Iman-Conover reordering. Self-contained:
 * validate() calls it once the inputs and roles are known. */

static const char *const correlation_keys[] = {"inputs", "rank_correlation"};

/* A world-level input named as in the config: its key ("capability.growth_rate"), or a
 * role's token need, "roles.NAME.tokens_per_fte_year" or "roles[i].tokens_per_fte_year". */
static int correlation_column(loader *L, const cJSON *v, const char *path, int *col)
{
    const char *world_keys[HC_N_WORLD_INPUTS];
    const char *s, *hint;
    char d[128], name[80];
    int i, r = -1, end = 0;
    if (!cJSON_IsString(v))
        return fail_at(L, v, path, "expected the name of a world-level input, got %s", describe(v, d, sizeof d));
    s = v->valuestring;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (strcmp(s, hc_input_specs[i].key) == 0) {
            if (hc_input_specs[i].per_firm)
                return fail_at(L, v, path, "%s is drawn per firm; only world-level inputs can be correlated", s);
            *col = i;
            return 0;
        }
    if (strncmp(s, "roles[", 6) == 0 && strchr(s, ']') &&
        strcmp(strchr(s, ']'), "].tokens_per_fte_year") == 0) { /* the index as written, range-checked */
        const int n_digits = (int)(strchr(s, ']') - (s + 6));
        if (sscanf(s, "roles[%d].tokens_per_fte_year%n", &r, &end) != 1 || end != (int)strlen(s) ||
            n_digits > 4 || r < 0 || r >= L->out->model.n_roles)
            return fail_at(L, v, path, "%s: the role index %.*s is out of range: the config has %d roles, "
                           "roles[0] to roles[%d]", s, n_digits, s + 6, L->out->model.n_roles,
                           L->out->model.n_roles - 1);
        *col = HC_DESIGN_COL_TOKENS(r);
        return 0;
    }
    if (strncmp(s, "roles.", 6) == 0 && strlen(s) < sizeof name + 6) {
        const char *dot = strchr(s + 6, '.');
        if (dot && strcmp(dot, ".tokens_per_fte_year") == 0) {
            snprintf(name, sizeof name, "%.*s", (int)(dot - (s + 6)), s + 6);
            for (r = 0; r < L->out->model.n_roles; r++)
                if (strcmp(L->out->role_names[r], name) == 0) {
                    *col = HC_DESIGN_COL_TOKENS(r);
                    return 0;
                }
            return fail_at(L, v, path, "%s: no role is named \"%s\"", s, name);
        }
        if (dot)
            return fail_at(L, v, path, "%s: only a role's tokens_per_fte_year is drawn per world (its wage is per firm)",
                           s);
    }
    if (strncmp(s, "roles[", 6) == 0)
        return fail_at(L, v, path, "%s: of a role, only roles[i].tokens_per_fte_year is drawn per world", s);
    for (i = 0; i < HC_N_WORLD_INPUTS; i++) world_keys[i] = hc_input_specs[i].key;
    hint = suggest(s, world_keys, HC_N_WORLD_INPUTS);
    escape_into(d, sizeof d, s, 100);
    if (hint) return fail_at(L, v, path, "unknown input \"%s\" (did you mean \"%s\"?)", d, hint);
    return fail_at(L, v, path, "unknown input \"%s\"; expected a world-level input such as "
                   "inference.annual_price_change or roles.NAME.tokens_per_fte_year", d);
}

static int validate_correlations(loader *L, const cJSON *root)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "correlations"), *e;
    hc_config *o = L->out;
    char d[128];
    int n, i = 0, k;
    if (list == NULL) return 0;
    n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n > HC_MAX_CORRELATIONS)
        return fail_at(L, list, "correlations",
                       "expected an array of at most %d pairs such as {\"inputs\": [\"inference.annual_price_change\", "
                       "\"capability.growth_rate\"], \"rank_correlation\": -0.5}, got %s",
                       HC_MAX_CORRELATIONS, describe(list, d, sizeof d));
    cJSON_ArrayForEach(e, list) {
        char ep[64], sub[CFG_PATH], names[2][CFG_PATH];
        const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(e, "inputs");
        int col[2], j;
        double rho;
        snprintf(ep, sizeof ep, "correlations[%d]", i);
        if (expect_object(L, e, ep) || check_keys(L, e, ep, correlation_keys, NKEYS(correlation_keys))) return 1;
        path_key(sub, sizeof sub, ep, "inputs");
        if (inputs == NULL) return fail_src(L, prov_src(L, e), sub, "required key missing");
        if (!cJSON_IsArray(inputs) || cJSON_GetArraySize(inputs) != 2)
            return fail_at(L, inputs, sub, "expected two input names, got %s", describe(inputs, d, sizeof d));
        for (j = 0; j < 2; j++) {
            const cJSON *v = cJSON_GetArrayItem(inputs, j);
            path_index(names[j], sizeof names[j], sub, j);
            if (correlation_column(L, v, names[j], &col[j])) return 1;
            if (!hc_design_col_varies(o, col[j]))
                return fail_at(L, v, names[j], "%s is a constant in this config; only an input that varies can be "
                               "correlated", v->valuestring);
        }
        if (col[0] == col[1]) return fail_at(L, inputs, sub, "expected two different inputs");
        if (get_ranged(L, e, ep, "rank_correlation", 1, HC_BOUND_CLOSED, -1, HC_BOUND_CLOSED, 1, NULL, &rho))
            return 1;
        for (k = 0; k < i; k++)
            if ((o->correlations[k].a == col[0] && o->correlations[k].b == col[1]) ||
                (o->correlations[k].a == col[1] && o->correlations[k].b == col[0]))
                return fail_at(L, inputs, sub, "this pair is already given (correlations[%d])", k);
        o->correlations[i].a = col[0] < col[1] ? col[0] : col[1];
        o->correlations[i].b = col[0] < col[1] ? col[1] : col[0];
        o->correlations[i].rank = rho;
        o->n_correlations = ++i;
    }
    if (i > 1) {
        /* Pairwise values can each be valid and together impossible (a with b +0.9, b with
         * c +0.9, a with c -0.9): no joint distribution has a correlation matrix that is
         * not positive semi-definite. Refused rather than silently altered. */
        int cols[HC_DESIGN_MAX_COLS], m;
        double c[HC_DESIGN_MAX_COLS * HC_DESIGN_MAX_COLS], least;
        hc_design_correlation_matrix(o, cols, &m, c);
        least = hc_design_min_eigenvalue(c, m);
        if (least < -1e-9)
            return fail_at(L, list, "correlations",
                           "these rank correlations cannot hold together: their matrix is not positive "
                           "semi-definite (smallest eigenvalue %.3g); weaken the pairs that contradict each other "
                           "(if A goes with B and B with C, A cannot go strongly against C)", least);
    }
    return 0;
}

static void default_name(const char *path, char *buf, size_t n)
{
    const char *base = strrchr(path, '/');
    size_t len;
    base = base ? base + 1 : path;
    len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".json") == 0) len -= 5;
    snprintf(buf, n, "%.*s", (int)len, base);
}

static int validate(loader *L, cJSON *root)
{
    const cJSON *v, *pop;
    char d[128];
    double x;
    if (check_keys(L, root, "", root_keys, NKEYS(root_keys))) return 1;
    v = cJSON_GetObjectItemCaseSensitive(root, "extends");
    if (v != NULL) return fail_at(L, v, "extends", "cannot be set by an override (use it in the file)");
    v = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!cJSON_IsNumber(v) || v->valuedouble != HC_MODEL_VERSION)
        return fail_at(L, v, "model", "expected %d (the only model version), got %s", HC_MODEL_VERSION,
                       describe(v, d, sizeof d));
    v = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (v != NULL) {
        if (!cJSON_IsString(v) || !safe_name(v->valuestring, 1) || strlen(v->valuestring) >= sizeof L->out->name)
            return fail_at(L, v, "name",
                           "expected a name of 1 to %d letters, digits, '_', '.' or '-', not starting with '.' or '-', "
                           "got %s",
                           (int)sizeof L->out->name - 1, describe(v, d, sizeof d));
        memcpy(L->out->name, v->valuestring, strlen(v->valuestring) + 1);
    } else {
        char nm[512], e[160];
        default_name(L->top, nm, sizeof nm);
        if (!safe_name(nm, 1) || strlen(nm) >= sizeof L->out->name) {
            escape_into(e, sizeof e, nm, 100);
            return fail_src(L, SRC_DEFAULT, "name",
                            "the file name gives the scenario name \"%s\", which is not made of letters, digits, "
                            "'_', '.' and '-', not starting with '.' or '-' (set \"name\")",
                            e);
        }
        memcpy(L->out->name, nm, strlen(nm) + 1); /* length checked above */
    }
    if (validate_simulation(L, root)) return 1;
    pop = cJSON_GetObjectItemCaseSensitive(root, "population");
    if (pop == NULL) return fail_src(L, SRC_DEFAULT, "population.employment", "required key missing");
    if (expect_object(L, pop, "population") ||
        check_keys(L, pop, "population", population_keys, NKEYS(population_keys)) ||
        get_ranged(L, pop, "population", "employment", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, &x))
        return 1;
    L->out->employment = x;
    if (validate_inputs(L, root) || validate_roles(L, root) || validate_output(L, root) ||
        validate_numeric_range(L, root) || validate_correlations(L, root))
        return 1;
    return 0;
}

/* name first, then model, then the rest in merged order. */
static cJSON *finish_resolved(loader *L, cJSON *root)
{
    cJSON *res = cJSON_CreateObject(), *c;
    if (res == NULL) return NULL;
    bury(L, cJSON_DetachItemFromObjectCaseSensitive(root, "name"));
    if (cJSON_AddStringToObject(res, "name", L->out->name) == NULL ||
        cJSON_AddNumberToObject(res, "model", HC_MODEL_VERSION) == NULL) {
        cJSON_Delete(res);
        return NULL;
    }
    bury(L, cJSON_DetachItemFromObjectCaseSensitive(root, "model"));
    while ((c = root->child) != NULL) {
        cJSON_DetachItemViaPointer(root, c);
        cJSON_AddItemToArray(res, c);
    }
    bury(L, root);
    return res;
}

static int load(const char *path, const char *text, size_t text_len, const hc_override *overrides,
                int n_overrides, hc_config *out, hc_error *err)
{
    loader L;
    cJSON *root = NULL;
    int i, rc = 1;
    hc_error scratch;
    if (err == NULL) err = &scratch;
    err->message[0] = '\0';
    err->out_of_memory = 0;
    if (out == NULL) return hc_fail(err, "hc_config_load: no output");
    memset(out, 0, sizeof *out);
    if (path == NULL || path[0] == '\0') return hc_fail(err, "no config file given");
    if (strlen(path) >= sizeof out->path) return hc_fail(err, "%.200s...: path too long", path);
    memset(&L, 0, sizeof L);
    L.err = err;
    L.top = path;
    L.out = out;
    L.text = text;
    L.text_len = text_len;
    L.graveyard = cJSON_CreateArray();
    L.files[0] = strdup(path);
    L.n_files = 1;
    if (L.graveyard == NULL || L.files[0] == NULL) {
        fail_oom(&L);
        goto done;
    }
    root = load_chain(&L, 0, NULL);
    if (root == NULL) goto done;
    for (i = 0; overrides != NULL && i < n_overrides; i++)
        if (apply_override(&L, root, &overrides[i])) goto done;
    if (fill_defaults(&L, root) || validate(&L, root)) goto done;
    memcpy(out->path, path, strlen(path) + 1); /* length checked above */
    out->resolved = finish_resolved(&L, root);
    root = NULL;
    if (out->resolved == NULL) {
        fail_oom(&L);
        goto done;
    }
    rc = 0;
done:
    cJSON_Delete(root);
    cJSON_Delete(L.graveyard);
    for (i = 0; i <= CFG_MAX_EXTENDS; i++) {
        free(L.files[i]);
        free(L.real[i]);
    }
    free(L.prov);
    if (rc) {
        memset(out, 0, sizeof *out);
    }
    return rc;
}

int hc_config_load(const char *path, const hc_override *overrides, int n_overrides, hc_config *out, hc_error *err)
{
    return load(path, NULL, 0, overrides, n_overrides, out, err);
}

int hc_config_load_text(const char *name, const char *text, size_t len, const hc_override *overrides,
                        int n_overrides, hc_config *out, hc_error *err)
{
    if (text == NULL) len = 0, text = ""; /* reported as an empty file */
    return load(name, text, len, overrides, n_overrides, out, err);
}

void hc_config_free(hc_config *c)
{
    if (c == NULL) return;
    cJSON_Delete(c->resolved);
    c->resolved = NULL;
}

/* ---- printing the resolved config exactly
 *
 * cJSON_Print writes a number with 15 significant digits whenever those read back within
 * DBL_EPSILON of it, so 0.59007199254740994 would come back as 0.59007199254741005 and a
 * resolved config (the manifest's record of a run) would not reproduce its run bit for
 * bit (found by tests/fuzz/fuzz_config.c). This printer writes every number as the
 * shortest text that reads back as the same double, in cJSON_Print's layout. */

typedef struct {
    char *s;
    size_t n, cap;
    int failed;
} text_buf;

static void put(text_buf *t, const char *s, size_t n)
{
    if (t->failed) return;
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        char *g;
        while (cap < t->n + n + 1) cap *= 2;
        g = (char *)realloc(t->s, cap);
        if (g == NULL) {
            t->failed = 1;
            return;
        }
        t->s = g;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

static void put_str(text_buf *t, const char *s) { put(t, s, strlen(s)); }

static void put_string(text_buf *t, const char *s)
{
    const unsigned char *p;
    put(t, "\"", 1);
    for (p = (const unsigned char *)s; *p; p++) {
        char e[8];
        if (*p == '"' || *p == '\\') {
            e[0] = '\\';
            e[1] = (char)*p;
            put(t, e, 2);
        } else if (*p < 0x20) {
            snprintf(e, sizeof e, "\\u%04x", *p);
            put_str(t, e);
        } else {
            put(t, (const char *)p, 1);
        }
    }
    put(t, "\"", 1);
}

static void put_tabs(text_buf *t, int depth)
{
    while (depth-- > 0) put(t, "\t", 1);
}

static void put_value(text_buf *t, const cJSON *v, int depth)
{
    const cJSON *c;
    char num[64];
    if (cJSON_IsNumber(v)) {
        put_str(t, fmt_num(v->valuedouble, num, sizeof num));
    } else if (cJSON_IsString(v)) {
        put_string(t, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        put_str(t, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        put(t, "[", 1);
        cJSON_ArrayForEach(c, v) {
            put_value(t, c, depth);
            if (c->next) put(t, ", ", 2);
        }
        put(t, "]", 1);
    } else if (cJSON_IsObject(v)) {
        put(t, "{\n", 2);
        cJSON_ArrayForEach(c, v) {
            put_tabs(t, depth + 1);
            put_string(t, c->string);
            put(t, ":\t", 2);
            put_value(t, c, depth + 1);
            put_str(t, c->next ? ",\n" : "\n");
        }
        put_tabs(t, depth);
        put(t, "}", 1);
    } else {
        put_str(t, "null");
    }
}

char *hc_config_resolved_json(const hc_config *c)
{
    text_buf t = {NULL, 0, 0, 0};
    if (c == NULL || c->resolved == NULL) return NULL;
    put_value(&t, c->resolved, 0);
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    return t.s;
}
