/* json_schema.c: the JSON Schema of a config file (`headcount schema`, shipped as
 * docs/config.schema.json), made from the tables the loader checks against: the input
 * table hc_input_specs (each input: a number in its valid range, or a distribution),
 * the keys of each section (schema.c cfg_keys_of) and the distribution kinds with their
 * fields (dist_kinds.c). So an editor completes and checks a config with the keys, ranges
 * and meanings the loader uses, and cannot drift from them.
 *
 * What it cannot say: a file that `extends` another may leave out anything, so nothing is
 * required but a role's name; the loader's cross-checks (a distribution's support inside
 * the valid range, shares summing above 0) stay the loader's (`headcount validate`). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

static void add_range(cJSON *o, hc_bound lo_kind, double lo, hc_bound hi_kind, double hi)
{
    if (lo_kind != HC_BOUND_NONE)
        cJSON_AddNumberToObject(o, lo_kind == HC_BOUND_OPEN ? "exclusiveMinimum" : "minimum", lo);
    if (hi_kind != HC_BOUND_NONE)
        cJSON_AddNumberToObject(o, hi_kind == HC_BOUND_OPEN ? "exclusiveMaximum" : "maximum", hi);
}

static cJSON *typed(const char *type, const char *description)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", type);
    if (description) cJSON_AddStringToObject(o, "description", description);
    return o;
}

static cJSON *array_of(cJSON *items, const char *description)
{
    cJSON *o = typed("array", description);
    cJSON_AddItemToObject(o, "items", items);
    return o;
}

static cJSON *ref(const char *to)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "$ref", to);
    return o;
}

/* An object with exactly these properties (the loader refuses any other key). */
static cJSON *closed_object(cJSON *props, const char *description)
{
    cJSON *o = typed("object", description);
    cJSON_AddItemToObject(o, "properties", props);
    cJSON_AddFalseToObject(o, "additionalProperties");
    return o;
}

/* #/definitions/distribution: {"dist": KIND, its fields..., "clip": [lo, hi]}, one
 * branch per kind, or the shorthand {"p5", "p95"} (docs/model.md "Distributions"). */
static cJSON *distribution(void)
{
    cJSON *any = cJSON_CreateArray(), *o, *props, *req;
    int k, i;
    for (k = 0; k < HC_DIST_KINDS; k++) {
        const char *const *fields = cfg_dist_kind_fields(k);
        props = cJSON_CreateObject();
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "const", hc_dist_kind_name(k));
        cJSON_AddItemToObject(props, "dist", o);
        for (i = 0; fields[i] != NULL; i++) {
            if (strcmp(fields[i], "components") == 0)
                o = array_of(ref("#/definitions/distribution"), "the distributions mixed");
            else if (strcmp(fields[i], "values") == 0 || strcmp(fields[i], "weights") == 0)
                o = array_of(typed("number", NULL), NULL);
            else
                o = typed("number", NULL);
            cJSON_AddItemToObject(props, fields[i], o);
        }
        cJSON_AddItemToObject(props, "clip", ref("#/definitions/clip"));
        o = closed_object(props, NULL);
        req = cJSON_CreateArray();
        cJSON_AddItemToArray(req, cJSON_CreateString("dist"));
        cJSON_AddItemToObject(o, "required", req);
        cJSON_AddItemToArray(any, o);
    }
    props = cJSON_CreateObject(); /* the shorthand: a lognormal or normal from its 5th and 95th percentiles */
    cJSON_AddItemToObject(props, "p5", typed("number", NULL));
    cJSON_AddItemToObject(props, "p95", typed("number", NULL));
    cJSON_AddItemToObject(props, "clip", ref("#/definitions/clip"));
    o = closed_object(props, "shorthand: the 5th and 95th percentiles");
    req = cJSON_CreateArray();
    cJSON_AddItemToArray(req, cJSON_CreateString("p5"));
    cJSON_AddItemToArray(req, cJSON_CreateString("p95"));
    cJSON_AddItemToObject(o, "required", req);
    cJSON_AddItemToArray(any, o);
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "anyOf", any);
    return o;
}

/* One input: a number inside its valid range, or a distribution; described by its
 * meaning, symbol and level as in the input table. */
static cJSON *input(const hc_input_spec *s)
{
    char desc[512], range[96];
    cJSON *o = cJSON_CreateObject(), *any = cJSON_CreateArray(), *num = typed("number", NULL);
    cfg_fmt_range(s->lo_kind, s->lo, s->hi_kind, s->hi, range, sizeof range);
    snprintf(desc, sizeof desc, "%s (%s, drawn once per %s; valid %s)", s->meaning, s->symbol,
             s->per_firm ? "firm" : "world", range[0] ? range : "any number");
    cJSON_AddStringToObject(o, "description", desc);
    add_range(num, s->lo_kind, s->lo, s->hi_kind, s->hi);
    cJSON_AddItemToArray(any, num);
    cJSON_AddItemToArray(any, ref("#/definitions/distribution"));
    cJSON_AddItemToObject(o, "anyOf", any);
    return o;
}

static cJSON *keyed_numbers(const char *section, const char *type, double minimum)
{
    const char *const *keys;
    cJSON *props = cJSON_CreateObject();
    int n = cfg_keys_of(section, &keys), k;
    for (k = 0; k < n; k++) {
        cJSON *o = typed(type, NULL);
        cJSON_AddNumberToObject(o, "minimum", minimum);
        cJSON_AddItemToObject(props, keys[k], o);
    }
    return closed_object(props, NULL);
}

static cJSON *role(void)
{
    const char *const *keys;
    cJSON *props = cJSON_CreateObject(), *o, *req = cJSON_CreateArray();
    int n = cfg_keys_of("roles", &keys), k, j;
    for (k = 0; k < n; k++) {
        o = NULL;
        for (j = 0; j < HC_N_ROLE_INPUTS; j++)
            if (strcmp(strchr(hc_role_input_specs[j].key, '.') + 1, keys[k]) == 0) o = input(&hc_role_input_specs[j]);
        if (o == NULL && strcmp(keys[k], "name") == 0) o = typed("string", "the role's name (roles merge by name)");
        if (o == NULL) {
            o = typed("number", strcmp(keys[k], "share") == 0 ? "share of employment (normalised over the roles)"
                                                              : "a fraction from 0 to 1");
            add_range(o, HC_BOUND_CLOSED, 0, strcmp(keys[k], "share") == 0 ? HC_BOUND_NONE : HC_BOUND_CLOSED, 1);
        }
        cJSON_AddItemToObject(props, keys[k], o);
    }
    o = closed_object(props, NULL);
    cJSON_AddItemToArray(req, cJSON_CreateString("name"));
    cJSON_AddItemToObject(o, "required", req);
    return o;
}

/* correlations: [{"inputs": [two world-level inputs], "rank_correlation": -1..1}] */
static cJSON *correlations(void)
{
    cJSON *props = cJSON_CreateObject(), *names = cJSON_CreateArray(), *o, *pair;
    int i;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_specs[i].key != NULL && !hc_input_specs[i].per_firm)
            cJSON_AddItemToArray(names, cJSON_CreateString(hc_input_specs[i].key));
    o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "enum", names);
    pair = array_of(o, "two world-level inputs");
    cJSON_AddNumberToObject(pair, "minItems", 2);
    cJSON_AddNumberToObject(pair, "maxItems", 2);
    cJSON_AddItemToObject(props, "inputs", pair);
    o = typed("number", "Spearman rank correlation");
    add_range(o, HC_BOUND_CLOSED, -1, HC_BOUND_CLOSED, 1);
    cJSON_AddItemToObject(props, "rank_correlation", o);
    return array_of(closed_object(props, NULL), "rank correlations between world-level inputs (Iman-Conover)");
}

static cJSON *top_level_property(const char *key)
{
    cJSON *o, *props;
    int i, any = 0;
    if (strcmp(key, "name") == 0) return typed("string", "the scenario's name");
    if (strcmp(key, "label") == 0) {
        /* the loader's check in bytes (HC_LABEL_MAX) and of control characters is
         * validate_label's; a schema counts characters, so it bounds only the length */
        o = typed("string", "a display label for charts, tables and the report (free text, UTF-8, no control "
                            "characters); the name stays the id of file names and CSVs");
        cJSON_AddNumberToObject(o, "minLength", 1);
        cJSON_AddNumberToObject(o, "maxLength", HC_LABEL_MAX);
        return o;
    }
    if (strcmp(key, "extends") == 0) return typed("string", "a config file this one changes, relative to this file");
    if (strcmp(key, "model") == 0) {
        o = typed("integer", "the model version (docs/model.md)");
        cJSON_AddNumberToObject(o, "const", HC_MODEL_VERSION);
        return o;
    }
    if (strcmp(key, "simulation") == 0) return keyed_numbers(key, "integer", 0);
    if (strcmp(key, "population") == 0) return keyed_numbers(key, "number", 0);
    if (strcmp(key, "roles") == 0) {
        o = array_of(role(), "the roles of every firm; a file that extends another changes its roles by name");
        cJSON_AddNumberToObject(o, "maxItems", HC_MAX_ROLES);
        return o;
    }
    if (strcmp(key, "output") == 0) {
        props = cJSON_CreateObject();
        o = typed("number", NULL);
        add_range(o, HC_BOUND_OPEN, 0, HC_BOUND_OPEN, 100);
        o = array_of(o, "the percentiles of the bands, increasing");
        cJSON_AddNumberToObject(o, "maxItems", HC_MAX_PERCENTILES);
        cJSON_AddItemToObject(props, "percentiles", o);
        return closed_object(props, NULL);
    }
    if (strcmp(key, "correlations") == 0) return correlations();
    props = cJSON_CreateObject(); /* a section of inputs */
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
        const char *k = hc_input_specs[i].key;
        if (k != NULL && strncmp(k, key, strlen(key)) == 0 && k[strlen(key)] == '.') {
            cJSON_AddItemToObject(props, k + strlen(key) + 1, input(&hc_input_specs[i]));
            any = 1;
        }
    }
    if (strcmp(key, "firms") == 0) { /* firm sizes from a size-class table (size_classes.c) */
        static const char *const class_keys[] = {"min", "max", "firms", "employees"};
        cJSON *cp = cJSON_CreateObject(), *list;
        for (i = 0; i < 4; i++) cJSON_AddItemToObject(cp, class_keys[i], typed("number", NULL));
        list = array_of(closed_object(cp, NULL), "firm size classes (in place of firms.headcount), or null for none");
        cJSON_ReplaceItemInObject(list, "type", cJSON_CreateStringArray((const char *const[]){"array", "null"}, 2));
        cJSON_AddItemToObject(props, "size_classes", list);
        o = typed("number", "Pareto tail exponent of firm sizes within a class");
        add_range(o, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0);
        cJSON_AddItemToObject(props, "size_alpha", o);
    }
    return any ? closed_object(props, NULL) : (cJSON_Delete(props), cJSON_CreateObject());
}

char *hc_config_json_schema(void)
{
    const char *const *keys;
    cJSON *root = cJSON_CreateObject(), *props = cJSON_CreateObject(), *defs = cJSON_CreateObject(), *o;
    int n = cfg_keys_of("", &keys), k;
    char *text;
    cJSON_AddStringToObject(root, "$schema", "http://json-schema.org/draft-07/schema#");
    cJSON_AddStringToObject(root, "title", "headcount config");
    cJSON_AddStringToObject(root, "description",
                            "A scenario of headcount (docs/model.md \"Config file\"), or a blend of scenarios. "
                            "Generated by `headcount schema` from the loader's own tables; `headcount validate` "
                            "makes the checks a schema cannot (a distribution inside its input's valid range).");
    for (k = 0; k < n; k++) cJSON_AddItemToObject(props, keys[k], top_level_property(keys[k]));
    o = cJSON_CreateObject(); /* a blend file (src/plan/blend.c): scenarios mixed by weight */
    cJSON_AddItemToObject(o, "components", array_of(typed("string", NULL), "the configs blended"));
    cJSON_AddItemToObject(o, "weights", array_of(typed("number", NULL), "their weights"));
    cJSON_AddItemToObject(props, "blend", closed_object(o, "a blend of configs, world by world"));
    cJSON_AddItemToObject(root, "type", cJSON_CreateString("object"));
    cJSON_AddItemToObject(root, "properties", props);
    cJSON_AddFalseToObject(root, "additionalProperties");
    cJSON_AddItemToObject(defs, "distribution", distribution());
    o = array_of(typed("number", NULL), "bounds the samples: [lo, hi]");
    cJSON_AddNumberToObject(o, "minItems", 2);
    cJSON_AddNumberToObject(o, "maxItems", 2);
    cJSON_AddItemToObject(defs, "clip", o);
    cJSON_AddItemToObject(root, "definitions", defs);
    text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}
