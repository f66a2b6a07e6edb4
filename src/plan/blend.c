/* blend.c: blend configs, a mixture of narratives (see hc_blend.h for the design).
 *
 * What this file is: checking a blend file (its own small schema; the file itself is read,
 * like every config, by the config loader's document layer: hc_config_read_document),
 * loading its components through it too, planning which components a run must simulate,
 * and filling a blend's results slot from its components' slots world by world.
 * What it is not: a model. A blend adds no equation and draws one uniform per world; every
 * number in its slot is a number some component computed for that same world. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_blend.h"
#include "hc_shape.h"
#include "model/hc_philox.h"

/* ---- reading the file: the config loader's document layer (hc_config_read_document) */

static int has_blend_key(const cJSON *doc)
{
    return doc != NULL && cJSON_GetObjectItemCaseSensitive(doc, "blend") != NULL;
}

int hc_blend_is_file(const char *path)
{
    cJSON *doc = hc_config_read_document(path, NULL);
    const int is = has_blend_key(doc);
    cJSON_Delete(doc);
    return is;
}

/* ---- checking the blend object */

static int is_blend_override(const hc_override *o)
{
    return o->key != NULL && (strcmp(o->key, "blend") == 0 || strncmp(o->key, "blend.", 6) == 0);
}

static const char *const blend_keys[] = {"components", "weights"};

/* " (did you mean "weights"?)", or the two keys a blend object takes. */
static const char *blend_key_hint(const char *key, char *buf, size_t len)
{
    const char *s = hc_suggest(key, blend_keys, 2);
    if (s != NULL) snprintf(buf, len, " (did you mean \"%s\"?)", s);
    else snprintf(buf, len, " (a blend takes blend.components and blend.weights)");
    return buf;
}

/* Applies one --set blend.KEY=VALUE to the blend object; VALUE is JSON (as for configs). */
static int apply_blend_override(const char *path, cJSON *blend, const hc_override *o, hc_error *err)
{
    const char *field = strcmp(o->key, "blend") == 0 ? "" : o->key + 6;
    char hint[96];
    cJSON *value;
    if (strcmp(field, "weights") != 0 && strcmp(field, "components") != 0)
        return hc_fail(err, "%s: %s (from --set): unknown key%s", path, o->key,
                       blend_key_hint(field, hint, sizeof(hint)));
    value = cJSON_Parse(o->value ? o->value : "");
    if (value == NULL) value = cJSON_CreateString(o->value ? o->value : "");
    if (value == NULL) return hc_fail(err, "%s: out of memory", path);
    if (cJSON_GetObjectItemCaseSensitive(blend, field) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(blend, field, value);
    else
        cJSON_AddItemToObject(blend, field, value);
    return 0;
}

static void join_relative(const char *referrer, const char *rel, char *out, size_t n)
{
    const char *slash = strrchr(referrer, '/');
    const int dir = (rel[0] == '/' || slash == NULL) ? 0 : (int)(slash - referrer) + 1;
    snprintf(out, n, "%.*s%s", dir, referrer, rel);
}

/* The fields a world-by-world copy needs the components to share: the run's shape, and
 * employment, since the components make one scenario (hc_shape.h). */
static const char *shape_difference(const hc_config *a, const hc_config *b)
{
    const char *what = hc_shape_difference(a, b);
    if (what == NULL && a->employment != b->employment) what = "population.employment";
    return what;
}

/* The blend as a scenario's resolved config: the blend object as run, then per component
 * its file, probability, worlds taking it and resolved config. */
static cJSON *resolved_json(const hc_blend *b)
{
    cJSON *root = cJSON_CreateObject(), *blend, *files, *weights, *comps;
    int k;
    if (root == NULL) return NULL;
    cJSON_AddItemToObject(root, "name", cJSON_CreateString(b->name));
    blend = cJSON_AddObjectToObject(root, "blend");
    files = blend ? cJSON_AddArrayToObject(blend, "components") : NULL;
    weights = blend ? cJSON_AddArrayToObject(blend, "weights") : NULL;
    comps = cJSON_AddArrayToObject(root, "components");
    if (!files || !weights || !comps) {
        cJSON_Delete(root);
        return NULL;
    }
    for (k = 0; k < b->n; k++) {
        cJSON *c = cJSON_CreateObject();
        if (c == NULL) {
            cJSON_Delete(root);
            return NULL;
        }
        cJSON_AddItemToArray(files, cJSON_CreateString(b->component_given[k]));
        cJSON_AddItemToArray(weights, cJSON_CreateNumber(b->weight[k]));
        cJSON_AddItemToObject(c, "file", cJSON_CreateString(b->component_file[k]));
        cJSON_AddItemToObject(c, "probability", cJSON_CreateNumber(b->probability[k]));
        cJSON_AddItemToObject(c, "worlds", cJSON_CreateNumber((double)b->worlds_taking[k]));
        cJSON_AddItemToObject(c, "config", cJSON_Duplicate(b->component[k].resolved, 1));
        cJSON_AddItemToArray(comps, c);
    }
    return root;
}

int hc_blend_pick(const hc_blend *b, uint32_t world)
{
    hc_rng rng;
    double u;
    int k;
    hc_rng_init(&rng, b->component[0].seed, world, 0u, HC_STREAM_BLEND, 0u);
    u = hc_rng_uniform(&rng);
    for (k = 0; k < b->n; k++)
        if (u < b->cumulative[k]) return k;
    return b->n - 1; /* not reached: the last positive weight's cumulative is 1 > u */
}

/* The blend's name: `name`, or as for configs the file name without .json. */
static int blend_name(const char *path, const cJSON *root, hc_blend *b, hc_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "name");
    int i;
    if (item != NULL) {
        const char *s = cJSON_GetStringValue(item);
        if (s == NULL || s[0] == '\0' || strlen(s) >= sizeof(b->name))
            return hc_fail(err, "%s: name: expected a non-empty string of at most %d characters", path,
                           (int)sizeof(b->name) - 1);
        for (i = 0; s[i]; i++) /* as a config's: no leading '.' or '-' (a spreadsheet formula) */
            if ((!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.') ||
                (i == 0 && (s[0] == '-' || s[0] == '.')))
                return hc_fail(err,
                               "%s: name: expected letters, digits, '_', '-' or '.', not starting with '.' or '-', "
                               "got \"%s\"",
                               path, s);
        snprintf(b->name, sizeof(b->name), "%s", s);
    } else {
        const char *base = strrchr(path, '/');
        size_t n;
        base = base ? base + 1 : path;
        n = strlen(base);
        if (n > 5 && strcmp(base + n - 5, ".json") == 0) n -= 5;
        if (n >= sizeof(b->name)) n = sizeof(b->name) - 1;
        memcpy(b->name, base, n);
        b->name[n] = '\0';
    }
    return 0;
}

/* Where blend.components and blend.weights came from, for messages: "" (the file) or
 * " (from --set)". */
typedef struct {
    const char *components, *weights;
} blend_sources;

/* ", got [1,\"a\"]": the value as JSON, its first 100 characters. */
static const char *got_text(const cJSON *v, char *buf, size_t len)
{
    char *json = v ? cJSON_PrintUnformatted(v) : NULL;
    if (v == NULL) snprintf(buf, len, ", got nothing");
    else if (json == NULL) buf[0] = '\0';
    else snprintf(buf, len, ", got %.100s%s", json, strlen(json) > 100 ? "..." : "");
    free(json);
    return buf;
}

/* blend.components and blend.weights (after --set) into b: the files, the weights and
 * the cumulative probabilities a world's uniform is drawn against. */
static int blend_components(const char *path, const cJSON *blend, const blend_sources *from, hc_blend *b,
                            hc_error *err)
{
    const cJSON *comps = cJSON_GetObjectItemCaseSensitive(blend, "components");
    const cJSON *weights = cJSON_GetObjectItemCaseSensitive(blend, "weights");
    double sum = 0.0, acc = 0.0;
    char got[160];
    int k;
    if (!cJSON_IsArray(comps) || cJSON_GetArraySize(comps) < 1 ||
        cJSON_GetArraySize(comps) > HC_BLEND_MAX_COMPONENTS)
        return hc_fail(err, "%s: blend.components%s: expected an array of 1 to %d config paths (relative to the "
                       "blend file)%s", path, from->components, HC_BLEND_MAX_COMPONENTS, got_text(comps, got, sizeof(got)));
    b->n = cJSON_GetArraySize(comps);
    if (!cJSON_IsArray(weights) || cJSON_GetArraySize(weights) != b->n)
        return hc_fail(err, "%s: blend.weights%s: expected an array of %d numbers, one per component%s", path,
                       from->weights, b->n, got_text(weights, got, sizeof(got)));
    for (k = 0; k < b->n; k++) {
        const cJSON *c = cJSON_GetArrayItem(comps, k), *wt = cJSON_GetArrayItem(weights, k);
        const char *s = cJSON_GetStringValue(c);
        if (s == NULL || s[0] == '\0')
            return hc_fail(err, "%s: blend.components[%d]%s: expected a config path (a string)%s", path, k,
                           from->components, got_text(c, got, sizeof(got)));
        if (!cJSON_IsNumber(wt) || !isfinite(wt->valuedouble) || wt->valuedouble < 0.0)
            return hc_fail(err, "%s: blend.weights[%d]%s: expected a number >= 0%s", path, k, from->weights,
                           got_text(wt, got, sizeof(got)));
        b->weight[k] = wt->valuedouble;
        sum += b->weight[k];
        snprintf(b->component_given[k], sizeof(b->component_given[k]), "%s", s);
        join_relative(path, s, b->component_file[k], sizeof(b->component_file[k]));
    }
    if (!(sum > 0.0) || !isfinite(sum))
        return hc_fail(err, "%s: blend.weights%s: expected a positive, finite sum (some component must have a weight)%s",
                       path, from->weights, got_text(weights, got, sizeof(got)));
    for (k = 0; k < b->n; k++) {
        b->probability[k] = b->weight[k] / sum;
        acc += b->weight[k];
        b->cumulative[k] = acc / sum;
    }
    for (k = b->n - 1; k >= 0; k--) /* the last drawable component takes any rounding remainder */
        if (b->weight[k] > 0.0) {
            b->cumulative[k] = 1.0;
            break;
        }
    return 0;
}

/* Loads b's components, each read once by the document layer, into b->component[];
 * *loaded counts those that need freeing. */
static int blend_load_components(const char *path, hc_blend *b, const hc_override *ov, int n_ov, int *loaded,
                                 hc_error *err)
{
    int k;
    for (k = 0; k < b->n; k++) {
        hc_error cerr;
        cJSON *doc = hc_config_read_document(b->component_file[k], &cerr);
        if (doc == NULL) return hc_fail(err, "%s: blend.components[%d]: %s", path, k, cerr.message);
        if (has_blend_key(doc)) {
            cJSON_Delete(doc);
            return hc_fail(err, "%s: blend.components[%d]: %s is itself a blend; components must be ordinary configs",
                           path, k, b->component_file[k]);
        }
        if (hc_config_load_document(b->component_file[k], doc, ov, n_ov, &b->component[k], &cerr) != 0)
            return hc_fail(err, "%s: blend.components[%d]: %s", path, k, cerr.message);
        *loaded = k + 1;
        if (k > 0) {
            const char *what = shape_difference(&b->component[0], &b->component[k]);
            if (what != NULL)
                return hc_fail(err, "%s: blend.components: %s and %s differ in %s; the components of a blend share "
                               "the simulation's shape, seed, percentiles and population.employment", path,
                               b->component_file[0], b->component_file[k], what);
        }
    }
    return 0;
}

/* A blend from its document `root` (read by hc_config_read_document; owned: freed here). */
static int blend_from_document(const char *path, cJSON *root, const hc_override *ov, int n_ov, hc_blend **out,
                               hc_error *err)
{
    hc_override *comp_ov = NULL;
    hc_blend *b = NULL;
    blend_sources from = {"", ""};
    char hint[96];
    cJSON *blend, *item;
    int n_comp_ov = 0, i, k, loaded = 0;
    int64_t w;

    *out = NULL;
    b = (hc_blend *)calloc(1, sizeof(*b));
    comp_ov = (hc_override *)malloc(sizeof(hc_override) * (size_t)(n_ov > 0 ? n_ov : 1));
    if (b == NULL || comp_ov == NULL) {
        hc_fail(err, "%s: out of memory", path);
        goto fail;
    }
    snprintf(b->path, sizeof(b->path), "%s", path);
    for (item = root->child; item != NULL; item = item->next)
        if (strcmp(item->string, "name") != 0 && strcmp(item->string, "blend") != 0) {
            hc_fail(err, "%s: %s: unknown key in a blend config (expected name and blend; the "
                    "components carry every other setting)", path, item->string);
            goto fail;
        }
    blend = cJSON_GetObjectItemCaseSensitive(root, "blend");
    if (!cJSON_IsObject(blend)) {
        hc_fail(err, "%s: blend: expected an object {\"components\": [...], \"weights\": [...]}", path);
        goto fail;
    }
    for (i = 0; i < n_ov; i++) {
        if (!is_blend_override(&ov[i])) {
            comp_ov[n_comp_ov++] = ov[i];
        } else if (apply_blend_override(path, blend, &ov[i], err)) {
            goto fail;
        } else {
            if (strcmp(ov[i].key, "blend.components") != 0) from.weights = " (from --set)"; /* or all of blend */
            if (strcmp(ov[i].key, "blend.weights") != 0) from.components = " (from --set)";
        }
    }
    for (item = blend->child; item != NULL; item = item->next)
        if (strcmp(item->string, "components") != 0 && strcmp(item->string, "weights") != 0) {
            hc_fail(err, "%s: blend.%s: unknown key%s", path, item->string,
                    blend_key_hint(item->string, hint, sizeof(hint)));
            goto fail;
        }
    if (blend_name(path, root, b, err) || blend_components(path, blend, &from, b, err) ||
        blend_load_components(path, b, comp_ov, n_comp_ov, &loaded, err))
        goto fail;
    for (w = 0; w < b->component[0].worlds; w++) b->worlds_taking[hc_blend_pick(b, (uint32_t)w)]++;

    b->as_config = b->component[0]; /* the shape; `resolved` is replaced just below */
    snprintf(b->as_config.name, sizeof(b->as_config.name), "%s", b->name);
    snprintf(b->as_config.path, sizeof(b->as_config.path), "%s", path);
    b->as_config.resolved = resolved_json(b);
    if (b->as_config.resolved == NULL) {
        hc_fail(err, "%s: out of memory", path);
        goto fail;
    }
    cJSON_Delete(root);
    free(comp_ov);
    *out = b;
    return 0;
fail:
    if (b != NULL) {
        for (k = 0; k < loaded; k++) hc_config_free(&b->component[k]);
        b->as_config.resolved = NULL;
    }
    cJSON_Delete(root);
    free(comp_ov);
    free(b);
    return 1;
}

int hc_blend_load(const char *path, const hc_override *ov, int n_ov, hc_blend **out, hc_error *err)
{
    cJSON *root = hc_config_read_document(path, err);
    *out = NULL;
    if (root == NULL) return 1;
    return blend_from_document(path, root, ov, n_ov, out, err);
}

void hc_blend_free(hc_blend *b)
{
    int k;
    if (b == NULL) return;
    for (k = 0; k < b->n; k++) hc_config_free(&b->component[k]);
    hc_config_free(&b->as_config);
    free(b);
}

/* ---- a run's plan */

void hc_blend_run_free(hc_blend_run *run)
{
    int i;
    if (run->blend != NULL)
        for (i = 0; i < run->n_user; i++) hc_blend_free(run->blend[i]);
    free(run->blend);
    free(run->hidden);
    free(run->component_slot);
    memset(run, 0, sizeof(*run));
}

int hc_blend_run_slots(const hc_blend_run *run) { return run->n_user + run->n_hidden; }

int hc_blend_run_roles(const hc_blend_run *run, const hc_config *cfg)
{
    int i, roles = 0;
    for (i = 0; i < run->n_user; i++) roles = cfg[i].model.n_roles > roles ? cfg[i].model.n_roles : roles;
    for (i = 0; i < run->n_hidden; i++)
        roles = run->hidden[i].model.n_roles > roles ? run->hidden[i].model.n_roles : roles;
    return roles;
}

int hc_blend_run_simulated(const hc_blend_run *run)
{
    int i, blends = 0;
    for (i = 0; run->blend != NULL && i < run->n_user; i++) blends += run->blend[i] != NULL;
    return run->n_user + run->n_hidden - blends;
}

int hc_blend_load_run(char **paths, int n, const hc_override *ov, int n_ov, hc_config *cfg, hc_blend_run *run,
                      hc_error *err)
{
    hc_override *plain_ov = NULL;
    cJSON **doc = (cJSON **)calloc((size_t)(n > 0 ? n : 1), sizeof(cJSON *));
    hc_error *read_err = (hc_error *)malloc(sizeof(hc_error) * (size_t)(n > 0 ? n : 1));
    int i, j, k, loaded = 0, any = 0, n_plain = 0;

    memset(run, 0, sizeof(*run));
    run->n_user = n;
    run->blend = (hc_blend **)calloc((size_t)n, sizeof(hc_blend *));
    run->component_slot = (int(*)[HC_BLEND_MAX_COMPONENTS])malloc(sizeof(*run->component_slot) * (size_t)n);
    run->hidden = (hc_config *)calloc((size_t)n * HC_BLEND_MAX_COMPONENTS, sizeof(hc_config));
    plain_ov = (hc_override *)malloc(sizeof(hc_override) * (size_t)(n_ov > 0 ? n_ov : 1));
    if (!run->blend || !run->component_slot || !run->hidden || !plain_ov || !doc || !read_err) {
        hc_fail(err, "out of memory loading %d configs", n);
        goto fail;
    }
    /* Each file is read once, by the config loader's document layer; a blend is a file
     * with a `blend` key. One that cannot be read is reported in its turn below, after
     * whatever is wrong with the files before it. */
    for (i = 0; i < n; i++) {
        doc[i] = hc_config_read_document(paths[i], &read_err[i]);
        any |= has_blend_key(doc[i]);
    }
    /* Without a blend in the run every override goes to every config, so a stray
     * --set blend.weights is reported by the config loader like any unknown key. */
    for (i = 0; i < n_ov; i++)
        if (!any || !is_blend_override(&ov[i])) plain_ov[n_plain++] = ov[i];
    for (i = 0; i < n; i++) {
        cJSON *d = doc[i];
        doc[i] = NULL; /* the loaders below own it */
        if (d == NULL) {
            *err = read_err[i];
            goto fail;
        }
        if (has_blend_key(d)) {
            if (blend_from_document(paths[i], d, ov, n_ov, &run->blend[i], err)) goto fail;
            cfg[i] = run->blend[i]->as_config; /* cfg[i] owns the resolved blend from here */
            run->blend[i]->as_config.resolved = NULL;
        } else if (hc_config_load_document(paths[i], d, plain_ov, n_plain, &cfg[i], err) != 0) {
            goto fail;
        }
        loaded = i + 1;
    }
    /* Each component: a scenario of the run with the same resolved config (it would
     * simulate the same numbers), else a hidden slot shared by every blend that has it. */
    for (i = 0; i < n; i++) {
        const hc_blend *b = run->blend[i];
        for (k = 0; k < HC_BLEND_MAX_COMPONENTS; k++) run->component_slot[i][k] = -1;
        if (b == NULL) continue;
        for (k = 0; k < b->n; k++) {
            const hc_config *c = &b->component[k];
            int slot = -1;
            for (j = 0; j < n && slot < 0; j++)
                if (run->blend[j] == NULL && cJSON_Compare(cfg[j].resolved, c->resolved, 1)) slot = j;
            for (j = 0; j < run->n_hidden && slot < 0; j++)
                if (cJSON_Compare(run->hidden[j].resolved, c->resolved, 1)) slot = n + j;
            if (slot < 0 && b->worlds_taking[k] > 0) {
                run->hidden[run->n_hidden] = *c; /* a view: the blend keeps ownership */
                slot = n + run->n_hidden++;
            }
            run->component_slot[i][k] = slot;
        }
    }
    free(plain_ov);
    free(doc);
    free(read_err);
    return 0;
fail:
    for (i = 0; i < loaded; i++) hc_config_free(&cfg[i]);
    for (i = 0; doc != NULL && i < n; i++) cJSON_Delete(doc[i]);
    free(doc);
    free(read_err);
    free(plain_ov);
    hc_blend_run_free(run);
    return 1;
}

/* ---- filling and ordering the results */

void hc_blend_fill(hc_results *res, int dst, const int *src, const hc_blend *b)
{
    const size_t per_world = (size_t)(res->n_steps + 1) * (size_t)res->n_sums, F = (size_t)res->firms;
    int64_t *shrinking = res->shrinking + (size_t)dst * (size_t)(res->years + 1);
    int64_t w;
    int year;
    memset(shrinking, 0, sizeof(int64_t) * (size_t)(res->years + 1));
    for (w = 0; w < res->worlds; w++) {
        const int s = src[hc_blend_pick(b, (uint32_t)(res->world_begin + w))];
        memcpy(hc_results_sums(res, dst, w, 0), hc_results_sums(res, s, w, 0), per_world * sizeof(double));
        for (year = 0; year <= res->years; year++) {
            const float *from = hc_results_firm_change(res, s, year) + (size_t)w * F;
            float *to = hc_results_firm_change(res, dst, year) + (size_t)w * F;
            size_t f;
            int64_t below = 0;
            memcpy(to, from, F * sizeof(float));
            /* Backends count a firm as shrinking when H < H at step 0; its change
             * 100 * (H / H0 - 1) is then negative (IEEE division of H < H0 rounds to at
             * most 1 - 2^-24), and it is >= 0 otherwise, so the sign gives the same count
             * per world, which the backends do not keep. */
            for (f = 0; f < F; f++) below += to[f] < 0.0f;
            shrinking[year] += below;
        }
    }
}

/* Moves scenario slots so that slot d ends up holding what slot perm[d] held. */
static int permute_slots(hc_results *res, const int *perm, int n, hc_error *err)
{
    const size_t sums_len = (size_t)res->worlds * (size_t)(res->n_steps + 1) * (size_t)res->n_sums;
    const size_t firm_len = (size_t)(res->years + 1) * (size_t)res->worlds * (size_t)res->firms;
    const size_t shrink_len = (size_t)(res->years + 1);
    double *tmp_sums = NULL;
    float *tmp_firm = NULL;
    int64_t *tmp_sh = NULL;
    char *done = (char *)calloc((size_t)n, 1);
    int d0;
    for (d0 = 0; d0 < n; d0++)
        if (perm[d0] != d0) break;
    if (d0 == n) {
        free(done);
        return 0;
    }
    tmp_sums = (double *)malloc(sums_len * sizeof(double));
    tmp_firm = (float *)malloc(firm_len * sizeof(float));
    tmp_sh = (int64_t *)malloc(shrink_len * sizeof(int64_t));
    if (!done || !tmp_sums || !tmp_firm || !tmp_sh) {
        free(done);
        free(tmp_sums);
        free(tmp_firm);
        free(tmp_sh);
        return hc_fail(err, "out of memory reordering the scenarios of a blend run");
    }
#define SLOT_SUMS(s) (res->sums + (size_t)(s) * sums_len)
#define SLOT_FIRM(s) (res->firm_change + (size_t)(s) * firm_len)
#define SLOT_SHRINK(s) (res->shrinking + (size_t)(s) * shrink_len)
    for (d0 = 0; d0 < n; d0++) {
        int d = d0;
        if (done[d0] || perm[d0] == d0) continue;
        memcpy(tmp_sums, SLOT_SUMS(d0), sums_len * sizeof(double));
        memcpy(tmp_firm, SLOT_FIRM(d0), firm_len * sizeof(float));
        memcpy(tmp_sh, SLOT_SHRINK(d0), shrink_len * sizeof(int64_t));
        for (;;) { /* follow the cycle d0 <- perm[d0] <- perm[perm[d0]] ... */
            const int s = perm[d];
            done[d] = 1;
            if (s == d0) {
                memcpy(SLOT_SUMS(d), tmp_sums, sums_len * sizeof(double));
                memcpy(SLOT_FIRM(d), tmp_firm, firm_len * sizeof(float));
                memcpy(SLOT_SHRINK(d), tmp_sh, shrink_len * sizeof(int64_t));
                break;
            }
            memcpy(SLOT_SUMS(d), SLOT_SUMS(s), sums_len * sizeof(double));
            memcpy(SLOT_FIRM(d), SLOT_FIRM(s), firm_len * sizeof(float));
            memcpy(SLOT_SHRINK(d), SLOT_SHRINK(s), shrink_len * sizeof(int64_t));
            d = s;
        }
    }
#undef SLOT_SUMS
#undef SLOT_FIRM
#undef SLOT_SHRINK
    free(done);
    free(tmp_sums);
    free(tmp_firm);
    free(tmp_sh);
    return 0;
}

int hc_blend_simulate(const hc_blend_run *run, const hc_plan *p, const hc_sim_options *o, hc_results *res,
                      hc_error *err)
{
    const int n_user = run->n_user, n_slots = hc_blend_run_slots(run);
    int n_sim = 0, n_blend_pos, i, k, rc;
    int *sim_pos = NULL;
    hc_config *sim_cfg = NULL;
    hc_plan expanded = *p;

    if (hc_blend_run_simulated(run) == n_slots) return hc_simulate(p, o, res, err);

    /* Simulation layout: the scenarios to simulate first (the run's ordinary configs in
     * order, then the hidden components), the blends after them, so the backend sees
     * one contiguous list of models whatever it is. sim_pos[slot] is where each final
     * slot (the run's scenarios, then the hidden ones) sits during the simulation. */
    sim_pos = (int *)malloc(sizeof(int) * (size_t)n_slots);
    sim_cfg = (hc_config *)malloc(sizeof(hc_config) * (size_t)n_slots);
    if (!sim_pos || !sim_cfg) {
        rc = hc_fail(err, "out of memory planning a blend run");
        goto done;
    }
    for (i = 0; i < n_user; i++)
        if (run->blend[i] == NULL) {
            sim_cfg[n_sim] = p->models[i];
            sim_pos[i] = n_sim++;
        }
    for (i = 0; i < run->n_hidden; i++) {
        sim_cfg[n_sim] = run->hidden[i];
        sim_pos[n_user + i] = n_sim++;
    }
    n_blend_pos = n_sim;
    for (i = 0; i < n_user; i++)
        if (run->blend[i] != NULL) sim_pos[i] = n_blend_pos++;

    /* The backend (and the MPI gather) fill the n_sim slots of the models they simulate;
     * the blends' slots lie beyond them, filled from them world by world. */
    expanded.models = sim_cfg;
    expanded.n_models = n_sim;
    if ((rc = hc_simulate(&expanded, o, res, err)) != 0) goto done;

    for (i = 0; i < n_user; i++) {
        int src[HC_BLEND_MAX_COMPONENTS];
        if (run->blend[i] == NULL) continue;
        for (k = 0; k < run->blend[i]->n; k++)
            src[k] = run->component_slot[i][k] >= 0 ? sim_pos[run->component_slot[i][k]] : -1;
        hc_blend_fill(res, sim_pos[i], src, run->blend[i]);
    }
    rc = permute_slots(res, sim_pos, n_slots, err);
done:
    free(sim_pos);
    free(sim_cfg);
    return rc;
}
