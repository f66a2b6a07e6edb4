/* schema.c: the config's schema (docs/model.md "Config file"): the input table
 * hc_input_specs (key, symbol, level world/firm, valid range, default, meaning, shared with
 * `headcount describe` and the docs), the keys of every section, the defaults, and the
 * checks that fill an hc_config from the merged document. Calls dist_kinds.c for each
 * input's distribution, then bounds.c and correlations.c (config_internal.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

#define CFG_MAX_SEED 9007199254740991.0 /**< 2^53 - 1: exact in a double */
#define CFG_MAX_WORLDS 4294967296.0     /**< world index is 32 counter bits */
#define CFG_MAX_FIRMS 4294967295.0      /**< firm + 1 is 32 counter bits */

/* ---- the input table (MODEL.md "Inputs") */

#define R_OPEN HC_BOUND_OPEN
#define R_CLOSED HC_BOUND_CLOSED
#define R_NONE HC_BOUND_NONE

const hc_input_spec hc_input_specs[HC_N_SCALAR_INPUTS] = {
    [HC_IN_PRICE_PER_MTOK] = {"inference.price_per_mtok", "p0", 0, R_OPEN, 0, R_NONE, 0, 0, 0,
                              "inference price at t=0, USD per million tokens", "Token price at start"},
    [HC_IN_ANNUAL_PRICE_CHANGE] =
        {"inference.annual_price_change", "dp", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
         "realised yearly relative change of the token price (-0.6 = falls 60 %/yr), fraction per year",
         "Token price trend"},
    [HC_IN_PRICE_VOLATILITY] = {"inference.price_volatility", "sp", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                "yearly log-volatility of the token price, per sqrt(year)", "Token price volatility"},
    [HC_IN_SHOCK_RATE] = {"inference.shock_rate", "q", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                          "expected price shocks per year (GPU shortages, repricing), shocks per year",
                          "Price shocks per year"},
    [HC_IN_SHOCK_MULTIPLIER] = {"inference.shock_multiplier", "J", 0, R_OPEN, 0, R_NONE, 0, 1, 1,
                                "price multiplier applied by one shock, ratio", "Price shock size"},
    [HC_IN_ANNUAL_TOKEN_GROWTH] =
        {"inference.annual_token_growth", "dk", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
         "yearly relative growth of tokens needed per unit of work (agents, reasoning), fraction per year",
         "Growth of tokens per task"},
    [HC_IN_CAPABILITY_START] = {"capability.start", "c0", 0, R_OPEN, 0, R_CLOSED, 1, 0, 0,
                                "share of exposed tasks AI can do acceptably at t=0, fraction",
                                "AI capability at start"},
    [HC_IN_CAPABILITY_CEILING] = {"capability.ceiling", "cmax", 0, R_CLOSED, 0, R_CLOSED, 1, 0, 0,
                                  "long-run share of exposed tasks AI can do, >= capability.start, fraction",
                                  "AI capability ceiling"},
    [HC_IN_CAPABILITY_GROWTH] = {"capability.growth_rate", "rc", 0, R_CLOSED, 0, R_NONE, 0, 0, 0,
                                 "logistic growth rate of capability, per year", "AI capability growth"},
    [HC_IN_ERROR_RATE_START] = {"capability.error_rate_start", "e0", 0, R_CLOSED, 0, R_CLOSED, 1, 0, 0,
                                "share of AI output needing human correction at t=0, fraction",
                                "AI error rate at start"},
    [HC_IN_ANNUAL_ERROR_CHANGE] = {"capability.annual_error_change", "de", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                                   "yearly relative change of the error rate, fraction per year",
                                   "AI error rate trend"},
    [HC_IN_OVERSIGHT_RATIO] = {"labor.oversight_ratio", "o0", 0, R_CLOSED, 0, R_NONE, 0, 0, 0,
                               "oversight FTE per automated FTE while the error rate is e0, FTE per FTE",
                               "Oversight per automated FTE"},
    [HC_IN_NEW_TASK_RATIO] = {"labor.new_task_ratio", "nu", 0, R_CLOSED, 0, R_NONE, 0, 0, 0,
                              "FTE of new human work created per automated FTE, FTE per FTE",
                              "New tasks per automated FTE"},
    [HC_IN_WAGE_GROWTH] = {"wages.annual_growth", "gw", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                           "yearly real wage growth, all roles, fraction per year", "Wage growth"},
    [HC_IN_BUDGET_GROWTH] = {"compute.annual_budget_growth", "gb", 0, R_OPEN, -1, R_NONE, 0, 0, 0,
                             "yearly growth of firms' AI compute budgets, fraction per year", "Compute budget growth"},
    [HC_IN_HEADCOUNT] = {"firms.headcount", "H0", 1, R_OPEN, 0, R_NONE, 0, 0, 0, "initial employees of the firm, FTE",
                         "Firm size"},
    [HC_IN_DEMAND_GROWTH] = {"firms.demand_growth", "g", 1, R_OPEN, -1, R_NONE, 0, 0, 0,
                             "yearly growth of the firm's labour demand without AI, fraction per year",
                             "Firm demand growth"},
    [HC_IN_ADOPTION_SPEED] = {"firms.adoption_speed", "lam", 1, R_OPEN, 0, R_CLOSED, 1, 0, 0,
                              "share of the gap to target automation closed per year, fraction per year",
                              "Adoption speed"},
    [HC_IN_EXPECTED_PRICE_CHANGE] = {"firms.expected_price_change", "dh", 1, R_OPEN, -1, R_NONE, 0, 0, 0,
                                     "yearly token price change the firm plans on (its belief), fraction per year",
                                     "Expected price trend"},
    [HC_IN_PLANNING_HORIZON] = {"firms.planning_horizon", "h", 1, R_CLOSED, 0, R_NONE, 0, 0, 0,
                                "years ahead the firm prices automation at, years", "Planning horizon"},
    /* HC_IN_RETIRED_20 (v1's firms.cost_sensitivity): no row, key NULL; validate_inputs refuses the key */
    [HC_IN_BUDGET_SHARE] = {"compute.budget_share", "b", 1, R_CLOSED, 0, R_NONE, 0, 0, 0,
                            "AI compute budget as a share of the initial wage bill, fraction", "Compute budget share"},
    [HC_IN_PER_SPECIALIST] = {"compute.per_specialist", "m_s", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                              "yearly compute spend that needs one AI specialist FTE, USD per year per FTE",
                              "Compute per AI specialist"},
    [HC_IN_DEMAND_ELASTICITY] = {"firms.demand_elasticity", "eta", 1, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                 "how strongly demand answers the firm's unit-cost change, dimensionless",
                                 "Demand elasticity"},
    [HC_IN_WAGE_OVERSIGHT] = {"wages.oversight", "w_o", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                              "yearly wage of an oversight FTE at t=0, USD per year", "Oversight wage"},
    [HC_IN_WAGE_SPECIALIST] = {"wages.specialist", "w_s", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                               "yearly wage of an AI specialist or platform FTE at t=0, USD per year",
                               "Specialist wage"},
    [HC_IN_TASK_COST_DISPERSION] = {"inference.task_cost_dispersion", "s", 0, R_OPEN, 0, R_NONE, 0, 0, 0,
                                    "log-standard deviation of compute cost across a role's tasks, dimensionless",
                                    "Task cost dispersion"},
    [HC_IN_AUGMENTATION_TOKENS] = {"labor.augmentation_tokens", "phi", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                   "tokens an AI-assisted worker uses in a year, as a share of automating that "
                                   "worker's year of work, fraction",
                                   "Tokens per assisted worker"},
    [HC_IN_AUGMENTATION_GAIN] = {"labor.augmentation_gain", "theta", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                 "extra output of an AI-assisted worker (0.14 = 14 % more), fraction",
                                 "Gain of AI assistance"},
    [HC_IN_ROLLBACK_OVERSIGHT] = {"labor.rollback_oversight", "rho", 0, R_CLOSED, 0, R_NONE, 0, 1, 0,
                                  "rise of oversight per automated FTE once a firm has rolled back, fraction",
                                  "Oversight after a roll-back"},
    [HC_IN_BELIEF_LEARNING_RATE] = {"firms.belief_learning_rate", "kappa", 1, R_CLOSED, 0, R_CLOSED, 1, 1, 0,
                                    "share of the gap between the firm's price belief and last year's realised "
                                    "price change closed per year, fraction per year",
                                    "Belief learning rate"},
    [HC_IN_PLATFORM_COST] = {"compute.platform_cost", "P", 1, R_CLOSED, 0, R_NONE, 0, 1, 0,
                             "yearly cost (at t=0 wages) of the platform and evaluation team a firm must staff "
                             "to use AI at all, USD per year",
                             "Platform team cost"},
    [HC_IN_VALUE_SHARE] = {"compute.value_share", "sigma", 0, R_CLOSED, 0, R_CLOSED, 1, 1, 0,
                           "share of the wage an automated task saves, or of the output an assisted worker adds, "
                           "that the AI's price takes (a task costs at least sigma V), fraction",
                           "AI price's share of value"},
};
_Static_assert(__builtin_popcountll(HC_WORLD_INPUTS) == HC_N_WORLD_INPUTS,
               "HC_N_WORLD_INPUTS must count the world-level ids of include/model/hc_model.h");

const hc_input_spec hc_role_input_specs[HC_N_ROLE_INPUTS] = {
    [HC_ROLE_IN_WAGE] = {"roles[r].wage", "w_r", 1, R_OPEN, 0, R_NONE, 0, 0, 0,
                         "yearly wage in role r at t=0, USD per year", "Wage"},
    [HC_ROLE_IN_TOKENS] = {"roles[r].tokens_per_fte_year", "m_r", 0, R_OPEN, 0, R_NONE, 0, 0, 0,
                           "tokens AI needs to do one FTE-year of role r's work at t=0, tokens per FTE-year",
                           "Tokens per FTE-year"},
};

static const char *const section_names[] = {"inference", "capability", "labor", "wages", "compute", "firms"};
#define N_SECTIONS ((int)(sizeof section_names / sizeof section_names[0]))

static const char *const root_keys[] = {"name",       "label",     "extends",    "model",  "simulation",
                                        "population", "inference", "capability", "labor",  "wages",
                                        "compute",    "firms",     "roles",      "output", "correlations"};
static const char *const simulation_keys[] = {"start_year", "years",           "steps_per_year",
                                              "worlds",     "firms_per_world", "seed"};
static const char *const population_keys[] = {"employment"};
static const char *const output_keys[] = {"percentiles"};
static const char *const role_keys[] = {"name", "share", "exposure", "wage", "tokens_per_fte_year", "adoption_start"};

static const double default_percentiles[] = {5, 25, 50, 75, 95};

int cfg_keys_of(const char *section, const char *const **keys)
{
    static const struct {
        const char *section;
        const char *const *keys;
        int n;
    } all[] = {{"", root_keys, NKEYS(root_keys)},
               {"simulation", simulation_keys, NKEYS(simulation_keys)},
               {"population", population_keys, NKEYS(population_keys)},
               {"output", output_keys, NKEYS(output_keys)},
               {"roles", role_keys, NKEYS(role_keys)}};
    int k;
    for (k = 0; k < NKEYS(all); k++)
        if (strcmp(all[k].section, section) == 0) {
            *keys = all[k].keys;
            return all[k].n;
        }
    return 0;
}

/* ---- distributions: names and fields (MODEL.md "Distributions") */

/* ---- defaults */

static int add_number(loader *L, cJSON *obj, const char *key, double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    if (n == NULL || cfg_object_set(L, obj, key, n)) {
        cJSON_Delete(n);
        return cfg_fail_oom(L);
    }
    return 0;
}

/* The length in characters of s if it is well-formed UTF-8 with no control character (C0,
 * DEL, C1: a label is one line of text for charts), else -1. */
static int label_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int n = 0;
    while (*p) {
        unsigned cp;
        int more, i;
        if (*p < 0x80)
            cp = *p, more = 0;
        else if ((*p & 0xE0) == 0xC0)
            cp = *p & 0x1Fu, more = 1;
        else if ((*p & 0xF0) == 0xE0)
            cp = *p & 0x0Fu, more = 2;
        else if ((*p & 0xF8) == 0xF0)
            cp = *p & 0x07u, more = 3;
        else
            return -1;
        for (i = 1; i <= more; i++) {
            if ((p[i] & 0xC0) != 0x80) return -1;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1; /* overlong, out of range or a surrogate */
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return -1;
        p += more + 1;
        n++;
    }
    return n;
}

/* `label`: optional free text that charts and tables show for the scenario (its `name`
 * stays the id of file names and CSV columns). */
static int validate_label(loader *L, const cJSON *root)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "label");
    char d[160];
    int n;
    if (v == NULL) return 0;
    n = cJSON_IsString(v) ? label_chars(v->valuestring) : -1;
    if (n < 1 || strlen(v->valuestring) > HC_LABEL_MAX || v->valuestring[0] == ' ')
        return cfg_fail_at(L, v, "label",
                           "expected a display label: text of 1 to %d bytes (UTF-8), not starting with a space, with "
                           "no control characters (tabs, newlines), got %s",
                           HC_LABEL_MAX, cfg_describe(v, d, sizeof d));
    memcpy(L->out->label, v->valuestring, strlen(v->valuestring) + 1);
    return 0;
}

int cfg_fill_defaults(loader *L, cJSON *root)
{
    cJSON *roles, *r, *output;
    int i;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        const hc_input_spec *s = &hc_input_specs[i];
        char section[32];
        const char *dot;
        cJSON *sec;
        if (s->key == NULL || !s->has_default) continue;
        dot = strchr(s->key, '.');
        snprintf(section, sizeof section, "%.*s", (int)(dot - s->key), s->key);
        sec = cJSON_GetObjectItemCaseSensitive(root, section);
        if (sec == NULL) {
            sec = cJSON_AddObjectToObject(root, section);
            if (sec == NULL) return cfg_fail_oom(L);
        }
        if (cJSON_IsObject(sec) && cJSON_GetObjectItemCaseSensitive(sec, dot + 1) == NULL &&
            add_number(L, sec, dot + 1, s->default_value))
            return 1;
    }
    roles = cJSON_GetObjectItemCaseSensitive(root, "roles");
    if (cJSON_IsArray(roles)) cJSON_ArrayForEach(r, roles)
        {
            if (cJSON_IsObject(r) && cJSON_GetObjectItemCaseSensitive(r, "adoption_start") == NULL &&
                add_number(L, r, "adoption_start", 0.0))
                return 1;
        }
    output = cJSON_GetObjectItemCaseSensitive(root, "output");
    if (output == NULL) {
        output = cJSON_AddObjectToObject(root, "output");
        if (output == NULL) return cfg_fail_oom(L);
    }
    if (cJSON_IsObject(output) && cJSON_GetObjectItemCaseSensitive(output, "percentiles") == NULL) {
        cJSON *p = cJSON_CreateDoubleArray(default_percentiles, NKEYS(default_percentiles));
        if (p == NULL || !cJSON_AddItemToObject(output, "percentiles", p)) {
            cJSON_Delete(p);
            return cfg_fail_oom(L);
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(root, "model") == NULL && add_number(L, root, "model", HC_MODEL_VERSION))
        return 1;
    return 0;
}

/* ---- validation of the merged config, filling the hc_config */

static int validate_simulation(loader *L, const cJSON *root)
{
    const cJSON *sim = cJSON_GetObjectItemCaseSensitive(root, "simulation");
    hc_config *o = L->out;
    double x;
    const cJSON *spy;
    if (sim == NULL) return cfg_fail_src(L, SRC_DEFAULT, "simulation", "required key missing");
    if (cfg_expect_object(L, sim, "simulation") ||
        cfg_check_keys(L, sim, "simulation", simulation_keys, NKEYS(simulation_keys)))
        return 1;
    if (cfg_get_integer(L, sim, "simulation", "start_year", 1, 9999, &x)) return 1;
    o->start_year = (int)x;
    if (cfg_get_integer(L, sim, "simulation", "years", 1, HC_MAX_STEPS, &x)) return 1;
    o->years = (int)x;
    if (cfg_get_integer(L, sim, "simulation", "steps_per_year", 1, HC_MAX_STEPS, &x)) return 1;
    o->steps_per_year = (int)x;
    if ((long)o->years * o->steps_per_year > HC_MAX_STEPS) {
        spy = cJSON_GetObjectItemCaseSensitive(sim, "steps_per_year");
        return cfg_fail_at(L, spy, "simulation.steps_per_year",
                           "years x steps_per_year = %d x %d = %ld steps, but at most %d steps are allowed", o->years,
                           o->steps_per_year, (long)o->years * o->steps_per_year, HC_MAX_STEPS);
    }
    if (cfg_get_integer(L, sim, "simulation", "worlds", 1, CFG_MAX_WORLDS, &x)) return 1;
    o->worlds = (int64_t)x;
    if (cfg_get_integer(L, sim, "simulation", "firms_per_world", 1, CFG_MAX_FIRMS, &x)) return 1;
    o->firms_per_world = (int64_t)x;
    if (cfg_get_integer(L, sim, "simulation", "seed", 0, CFG_MAX_SEED, &x)) return 1;
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
        const char *known[HC_N_SCALAR_INPUTS + 2];
        int n = 0;
        size_t len = strlen(section_names[s]);
        sec[s] = cJSON_GetObjectItemCaseSensitive(root, section_names[s]);
        if (sec[s] == NULL) continue; /* its first required input is reported missing below */
        if (cfg_expect_object(L, sec[s], section_names[s])) return 1;
        for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
            if (hc_input_specs[i].key != NULL && strncmp(hc_input_specs[i].key, section_names[s], len) == 0 &&
                hc_input_specs[i].key[len] == '.')
                known[n++] = hc_input_specs[i].key + len + 1;
        if (strcmp(section_names[s], "firms") == 0) {
            const cJSON *retired = cJSON_GetObjectItemCaseSensitive(sec[s], "cost_sensitivity");
            if (retired != NULL)
                return cfg_fail_at(L, retired, "firms.cost_sensitivity",
                                   "was removed in model 2: the steepness of adoption is now the spread of task costs "
                                   "(inference.task_cost_dispersion); see docs/model.md \"What changed from v1\"");
            known[n++] = "size_classes";
            known[n++] = "size_alpha";
        }
        if (cfg_check_keys(L, sec[s], section_names[s], known, n)) return 1;
    }
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        const hc_input_spec *sp = &hc_input_specs[i];
        const char *dot;
        const cJSON *section = NULL, *v;
        valid_range vr;
        if (sp->key == NULL) continue; /* a retired id */
        dot = strchr(sp->key, '.');
        for (s = 0; s < N_SECTIONS; s++)
            if (strncmp(section_names[s], sp->key, (size_t)(dot - sp->key)) == 0 &&
                section_names[s][dot - sp->key] == '\0')
                section = sec[s];
        v = section != NULL ? cJSON_GetObjectItemCaseSensitive(section, dot + 1) : NULL;
        if (i == HC_IN_HEADCOUNT) {
            const int classes = cfg_parse_size_classes(L, sec[N_SECTIONS - 1], v, &L->out->model, &sup[i]);
            if (classes < 0) return 1;
            if (classes > 0) continue;
        }
        if (v == NULL)
            return cfg_fail_src(L, SRC_DEFAULT, sp->key, "required key missing (%s: %s)", sp->symbol, sp->meaning);
        vr.name = sp->key;
        vr.lo_kind = sp->lo_kind;
        vr.lo = sp->lo;
        vr.hi_kind = sp->hi_kind;
        vr.hi = sp->hi;
        if (cfg_parse_dist(L, v, sp->key, &vr, &L->out->model.input[i], &sup[i])) return 1;
    }
    /* cmax >= c0 in every world: the ceiling's lowest value against the start's highest. */
    if (sup[HC_IN_CAPABILITY_CEILING].lo < sup[HC_IN_CAPABILITY_START].hi) {
        const cJSON *cap = sec[1];
        char a[40], b[40];
        return cfg_fail_at(L, cJSON_GetObjectItemCaseSensitive(cap, "ceiling"), "capability.ceiling",
                           "capability.ceiling can be as low as %s while capability.start can be as high as %s, but "
                           "capability.ceiling must be >= capability.start in every world",
                           cfg_fmt_num(sup[HC_IN_CAPABILITY_CEILING].lo, a, sizeof a),
                           cfg_fmt_num(sup[HC_IN_CAPABILITY_START].hi, b, sizeof b));
    }
    return 0;
}

/* A role that lacks a key every role needs, named like another role: most likely a
 * misspelling, which made it a new role (roles merge by name, document.c) rather than a
 * change to the one meant. Fails with what is missing and the name meant; 0 otherwise. */
static int misspelled_role(loader *L, const cJSON *roles, const cJSON *r, const char *rp, const char *name)
{
    static const char *const needed[] = {"share", "exposure", "wage", "tokens_per_fte_year"};
    const char *others[HC_MAX_ROLES], *meant;
    const cJSON *p;
    char sub[CFG_PATH];
    int n = 0, k;
    for (k = 0; k < NKEYS(needed) && cJSON_GetObjectItemCaseSensitive(r, needed[k]) != NULL; k++) {
    }
    if (k == NKEYS(needed)) return 0;
    cJSON_ArrayForEach(p, roles)
    {
        const char *pn = cfg_role_name_of(p);
        if (p != r && pn != NULL && n < HC_MAX_ROLES) others[n++] = pn;
    }
    meant = hc_suggest(name, others, n);
    if (meant == NULL) return 0;
    cfg_path_key(sub, sizeof sub, rp, "name"); /* the cause first: the name, then what it lacks */
    return cfg_fail_src(L, cfg_prov_src(L, r) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub,
                        "no role \"%s\" is inherited or named before (did you mean \"%s\"?); as a new role it "
                        "would need \"%s\", which it lacks",
                        name, meant, needed[k]);
}

static int validate_roles(loader *L, const cJSON *root)
{
    const cJSON *roles = cJSON_GetObjectItemCaseSensitive(root, "roles"), *r;
    hc_config *o = L->out;
    double shares[HC_MAX_ROLES], total = 0.0;
    char d[128];
    int n, i = 0;
    if (roles == NULL) return cfg_fail_src(L, SRC_DEFAULT, "roles", "required key missing");
    n = cJSON_GetArraySize(roles);
    if (!cJSON_IsArray(roles) || n < 1 || n > HC_MAX_ROLES)
        return cfg_fail_at(L, roles, "roles", "expected an array of 1 to %d roles, got %s", HC_MAX_ROLES,
                           cfg_describe(roles, d, sizeof d));
    cJSON_ArrayForEach(r, roles)
    {
        char rp[64], sub[CFG_PATH];
        const cJSON *name;
        valid_range vr;
        support sup;
        double x;
        int j;
        snprintf(rp, sizeof rp, "roles[%d]", i);
        if (cfg_expect_object(L, r, rp) || cfg_check_keys(L, r, rp, role_keys, NKEYS(role_keys))) return 1;
        name = cJSON_GetObjectItemCaseSensitive(r, "name");
        cfg_path_key(sub, sizeof sub, rp, "name");
        if (name == NULL)
            return cfg_fail_src(L, cfg_prov_src(L, r) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub,
                                "required key missing");
        if (!cJSON_IsString(name) || !cfg_safe_name(name->valuestring, 0) || strlen(name->valuestring) >= 64)
            return cfg_fail_at(L, name, sub,
                               "expected a role name of 1 to 63 letters, digits, '_' or '-', not starting with '-', "
                               "got %s",
                               cfg_describe(name, d, sizeof d));
        for (j = 0; j < i; j++)
            if (strcmp(o->role_names[j], name->valuestring) == 0)
                return cfg_fail_at(L, name, sub, "duplicate role name \"%s\" (also roles[%d])", name->valuestring, j);
        memcpy(o->role_names[i], name->valuestring, strlen(name->valuestring) + 1);
        if (misspelled_role(L, roles, r, rp, name->valuestring)) return 1;
        if (cfg_get_ranged(L, r, rp, "share", 1, HC_BOUND_CLOSED, 0, HC_BOUND_NONE, 0, NULL, &shares[i])) return 1;
        total += shares[i];
        if (cfg_get_ranged(L, r, rp, "exposure", 1, HC_BOUND_CLOSED, 0, HC_BOUND_CLOSED, 1, NULL, &x)) return 1;
        o->model.role_exposure[i] = (float)x;
        {
            char why[64], e[40];
            double a0 = 0.0;
            snprintf(why, sizeof why, "(the role's exposure is %s)", cfg_fmt_num(x, e, sizeof e));
            if (cfg_get_ranged(L, r, rp, "adoption_start", 0, HC_BOUND_CLOSED, 0, HC_BOUND_CLOSED, x, why, &a0) == 1)
                return 1;
            o->model.role_adoption_start[i] = (float)a0;
        }
        for (j = 0; j < HC_N_ROLE_INPUTS; j++) {
            const hc_input_spec *sp = &hc_role_input_specs[j];
            const char *field = strchr(sp->key, '.') + 1;
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, field);
            cfg_path_key(sub, sizeof sub, rp, field);
            if (v == NULL)
                return cfg_fail_src(L, cfg_prov_src(L, r) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub,
                                    "required key missing (%s: %s)", sp->symbol, sp->meaning);
            vr.name = sub;
            vr.lo_kind = sp->lo_kind;
            vr.lo = sp->lo;
            vr.hi_kind = sp->hi_kind;
            vr.hi = sp->hi;
            if (cfg_parse_dist(L, v, sub, &vr, j == HC_ROLE_IN_WAGE ? &o->model.role_wage[i] : &o->model.role_tokens[i],
                               &sup))
                return 1;
        }
        i++;
    }
    if (!(total > 0.0) || !isfinite(total))
        return cfg_fail_at(L, roles, "roles", "the role shares sum to %s; at least one role needs a share > 0",
                           cfg_fmt_num(total, d, sizeof d));
    for (i = 0; i < n; i++) o->model.role_share[i] = (float)(shares[i] / total);
    o->model.n_roles = n;
    return 0;
}

static int validate_output(loader *L, const cJSON *root)
{
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(root, "output"), *p, *e;
    char d[128];
    int n, i = 0;
    if (cfg_expect_object(L, out, "output") || cfg_check_keys(L, out, "output", output_keys, NKEYS(output_keys)))
        return 1;
    p = cJSON_GetObjectItemCaseSensitive(out, "percentiles");
    n = cJSON_GetArraySize(p);
    if (!cJSON_IsArray(p) || n < 1 || n > HC_MAX_PERCENTILES)
        return cfg_fail_at(L, p, "output.percentiles", "expected an array of 1 to %d numbers in (0, 100), got %s",
                           HC_MAX_PERCENTILES, cfg_describe(p, d, sizeof d));
    cJSON_ArrayForEach(e, p)
    {
        char ep[64], a[40];
        double lo = i ? L->out->percentiles[i - 1] : 0.0;
        snprintf(ep, sizeof ep, "output.percentiles[%d]", i);
        if (!cJSON_IsNumber(e) || !(e->valuedouble > 0.0 && e->valuedouble < 100.0))
            return cfg_fail_at(L, e, ep, "expected a number in (0, 100), got %s", cfg_describe(e, d, sizeof d));
        if (i > 0 && !(e->valuedouble > lo))
            return cfg_fail_at(L, e, ep, "expected a number > %s (percentiles must strictly increase), got %s",
                               cfg_fmt_num(lo, a, sizeof a), cfg_describe(e, d, sizeof d));
        L->out->percentiles[i++] = e->valuedouble;
    }
    L->out->n_percentiles = n;
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

int cfg_validate(loader *L, cJSON *root)
{
    const cJSON *v, *pop;
    char d[128];
    double x;
    if (cfg_check_keys(L, root, "", root_keys, NKEYS(root_keys))) return 1;
    v = cJSON_GetObjectItemCaseSensitive(root, "extends");
    if (v != NULL) return cfg_fail_at(L, v, "extends", "cannot be set by an override (use it in the file)");
    v = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (cJSON_IsNumber(v) && v->valuedouble == 1)
        return cfg_fail_at(L, v, "model",
                           "model 1 is no longer runnable: it was last run by commit a96fc0b; this build runs model %d "
                           "(docs/model.md \"What changed from v1\" lists the differences)",
                           HC_MODEL_VERSION);
    if (!cJSON_IsNumber(v) || v->valuedouble != HC_MODEL_VERSION)
        return cfg_fail_at(L, v, "model", "expected %d (the only model version), got %s", HC_MODEL_VERSION,
                           cfg_describe(v, d, sizeof d));
    v = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (v != NULL) {
        if (!cJSON_IsString(v) || !cfg_safe_name(v->valuestring, 1) || strlen(v->valuestring) >= sizeof L->out->name)
            return cfg_fail_at(L, v, "name",
                               "expected a name of 1 to %d letters, digits, '_', '.' or '-', not starting with '.' or "
                               "'-', got %s",
                               (int)sizeof L->out->name - 1, cfg_describe(v, d, sizeof d));
        memcpy(L->out->name, v->valuestring, strlen(v->valuestring) + 1);
    } else {
        char nm[512], e[160];
        default_name(L->top, nm, sizeof nm);
        if (!cfg_safe_name(nm, 1) || strlen(nm) >= sizeof L->out->name) {
            cfg_escape_into(e, sizeof e, nm, 100);
            return cfg_fail_src(L, SRC_DEFAULT, "name",
                                "the file name gives the scenario name \"%s\", which is not made of letters, digits, "
                                "'_', '.' and '-', not starting with '.' or '-' (set \"name\")",
                                e);
        }
        memcpy(L->out->name, nm, strlen(nm) + 1); /* length checked above */
    }
    if (validate_label(L, root) || validate_simulation(L, root)) return 1;
    pop = cJSON_GetObjectItemCaseSensitive(root, "population");
    if (pop == NULL) return cfg_fail_src(L, SRC_DEFAULT, "population.employment", "required key missing");
    if (cfg_expect_object(L, pop, "population") ||
        cfg_check_keys(L, pop, "population", population_keys, NKEYS(population_keys)) ||
        cfg_get_ranged(L, pop, "population", "employment", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, &x))
        return 1;
    L->out->employment = x;
    if (validate_inputs(L, root) || validate_roles(L, root) || validate_output(L, root) ||
        cfg_validate_numeric_range(L, root) || cfg_validate_correlations(L, root))
        return 1;
    cfg_size_weights(&L->out->model, L->out->firms_per_world); /* F is known now */
    return 0;
}
