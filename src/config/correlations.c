/* correlations.c: the `correlations` section (docs/uncertainty.md): pairs of world-level
 * inputs as design columns (include/hc_design_columns.h) with a rank correlation, refused
 * when together they cannot hold. Calls fields.c and messages.c. */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"
#include "hc_design_columns.h"

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
        return cfg_fail_at(L, v, path, "expected the name of a world-level input, got %s",
                           cfg_describe(v, d, sizeof d));
    s = v->valuestring;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_specs[i].key != NULL && strcmp(s, hc_input_specs[i].key) == 0) {
            if (hc_input_specs[i].per_firm)
                return cfg_fail_at(L, v, path, "%s is drawn per firm; only world-level inputs can be correlated", s);
            for (*col = 0; hc_world_input_id(*col) != i; ++*col) continue; /* its design column */
            return 0;
        }
    if (strncmp(s, "roles[", 6) == 0 && strchr(s, ']') &&
        strcmp(strchr(s, ']'), "].tokens_per_fte_year") == 0) { /* the index as written, range-checked */
        const int n_digits = (int)(strchr(s, ']') - (s + 6));
        if (sscanf(s, "roles[%d].tokens_per_fte_year%n", &r, &end) != 1 || end != (int)strlen(s) || n_digits > 4 ||
            r < 0 || r >= L->out->model.n_roles)
            return cfg_fail_at(L, v, path,
                               "%s: the role index %.*s is out of range: the config has %d roles, roles[0] to "
                               "roles[%d]",
                               s, n_digits, s + 6, L->out->model.n_roles, L->out->model.n_roles - 1);
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
            return cfg_fail_at(L, v, path, "%s: no role is named \"%s\"", s, name);
        }
        if (dot)
            return cfg_fail_at(L, v, path,
                               "%s: only a role's tokens_per_fte_year is drawn per world (its wage is per firm)", s);
    }
    if (strncmp(s, "roles[", 6) == 0)
        return cfg_fail_at(L, v, path, "%s: of a role, only roles[i].tokens_per_fte_year is drawn per world", s);
    for (i = 0; i < HC_N_WORLD_INPUTS; i++) world_keys[i] = hc_input_specs[hc_world_input_id(i)].key;
    hint = hc_suggest(s, world_keys, HC_N_WORLD_INPUTS);
    cfg_escape_into(d, sizeof d, s, 100);
    if (hint) return cfg_fail_at(L, v, path, "unknown input \"%s\" (did you mean \"%s\"?)", d, hint);
    return cfg_fail_at(L, v, path,
                       "unknown input \"%s\"; expected a world-level input such as "
                       "inference.annual_price_change or roles.NAME.tokens_per_fte_year",
                       d);
}

int cfg_validate_correlations(loader *L, const cJSON *root)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "correlations"), *e;
    hc_config *o = L->out;
    char d[128];
    int n, i = 0, k;
    if (list == NULL) return 0;
    n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n > HC_MAX_CORRELATIONS)
        return cfg_fail_at(
            L, list, "correlations",
            "expected an array of at most %d pairs such as {\"inputs\": [\"inference.annual_price_change\", "
            "\"capability.growth_rate\"], \"rank_correlation\": -0.5}, got %s",
            HC_MAX_CORRELATIONS, cfg_describe(list, d, sizeof d));
    cJSON_ArrayForEach(e, list)
    {
        char ep[64], sub[CFG_PATH], names[2][CFG_PATH];
        const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(e, "inputs");
        int col[2], j;
        double rho;
        snprintf(ep, sizeof ep, "correlations[%d]", i);
        if (cfg_expect_object(L, e, ep) || cfg_check_keys(L, e, ep, correlation_keys, NKEYS(correlation_keys)))
            return 1;
        cfg_path_key(sub, sizeof sub, ep, "inputs");
        if (inputs == NULL) return cfg_fail_src(L, cfg_prov_src(L, e), sub, "required key missing");
        if (!cJSON_IsArray(inputs) || cJSON_GetArraySize(inputs) != 2)
            return cfg_fail_at(L, inputs, sub, "expected two input names, got %s", cfg_describe(inputs, d, sizeof d));
        for (j = 0; j < 2; j++) {
            const cJSON *v = cJSON_GetArrayItem(inputs, j);
            cfg_path_index(names[j], sizeof names[j], sub, j);
            if (correlation_column(L, v, names[j], &col[j])) return 1;
            if (!hc_design_col_varies(o, col[j]))
                return cfg_fail_at(L, v, names[j],
                                   "%s is a constant in this config; only an input that varies can be "
                                   "correlated",
                                   v->valuestring);
        }
        if (col[0] == col[1]) return cfg_fail_at(L, inputs, sub, "expected two different inputs");
        if (cfg_get_ranged(L, e, ep, "rank_correlation", 1, HC_BOUND_CLOSED, -1, HC_BOUND_CLOSED, 1, NULL, &rho))
            return 1;
        for (k = 0; k < i; k++)
            if ((o->correlations[k].a == col[0] && o->correlations[k].b == col[1]) ||
                (o->correlations[k].a == col[1] && o->correlations[k].b == col[0]))
                return cfg_fail_at(L, inputs, sub, "this pair is already given (correlations[%d])", k);
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
            return cfg_fail_at(L, list, "correlations",
                               "these rank correlations cannot hold together: their matrix is not positive "
                               "semi-definite (smallest eigenvalue %.3g); weaken the pairs that contradict each other "
                               "(if A goes with B and B with C, A cannot go strongly against C)",
                               least);
    }
    return 0;
}
