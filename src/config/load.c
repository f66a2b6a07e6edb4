/* load.c: the config pipeline's entry points (include/hc_config.h): read and merge the
 * document (document.c), apply --set, fill defaults and validate (schema.c), keep the
 * resolved tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* name first, then model, then the rest in merged order. */
static cJSON *finish_resolved(loader *L, cJSON *root)
{
    cJSON *res = cJSON_CreateObject(), *c;
    if (res == NULL) return NULL;
    cfg_bury(L, cJSON_DetachItemFromObjectCaseSensitive(root, "name"));
    if (cJSON_AddStringToObject(res, "name", L->out->name) == NULL ||
        cJSON_AddNumberToObject(res, "model", HC_MODEL_VERSION) == NULL) {
        cJSON_Delete(res);
        return NULL;
    }
    cfg_bury(L, cJSON_DetachItemFromObjectCaseSensitive(root, "model"));
    while ((c = root->child) != NULL) {
        cJSON_DetachItemViaPointer(root, c);
        cJSON_AddItemToArray(res, c);
    }
    cfg_bury(L, root);
    return res;
}

/* The top file comes from `path`, or from `text` (hc_config_load_text), or is `doc`,
 * already read (hc_config_load_document; owned: freed whatever happens). */
static int load(const char *path, const char *text, size_t text_len, cJSON *doc, const hc_override *overrides,
                int n_overrides, hc_config *out, hc_error *err)
{
    loader L;
    cJSON *root = NULL;
    int i, rc = 1;
    hc_error scratch;
    if (err == NULL) err = &scratch;
    err->message[0] = '\0';
    err->out_of_memory = 0;
    if (out == NULL) return cJSON_Delete(doc), hc_fail(err, "hc_config_load: no output");
    memset(out, 0, sizeof *out);
    if (path == NULL || path[0] == '\0') return cJSON_Delete(doc), hc_fail(err, "no config file given");
    if (strlen(path) >= sizeof out->path) return cJSON_Delete(doc), hc_fail(err, "%.200s...: path too long", path);
    memset(&L, 0, sizeof L);
    L.doc = doc;
    L.err = err;
    L.top = path;
    L.out = out;
    L.text = text;
    L.text_len = text_len;
    L.graveyard = cJSON_CreateArray();
    L.files[0] = strdup(path);
    L.n_files = 1;
    if (L.graveyard == NULL || L.files[0] == NULL) {
        cfg_fail_oom(&L);
        goto done;
    }
    root = cfg_load_chain(&L, 0, NULL);
    if (root == NULL) goto done;
    for (i = 0; overrides != NULL && i < n_overrides; i++)
        if (cfg_apply_override(&L, root, &overrides[i])) goto done;
    if (cfg_fill_defaults(&L, root) || cfg_validate(&L, root)) goto done;
    memcpy(out->path, path, strlen(path) + 1); /* length checked above */
    out->resolved = finish_resolved(&L, root);
    root = NULL;
    if (out->resolved == NULL) {
        cfg_fail_oom(&L);
        goto done;
    }
    rc = 0;
done:
    cJSON_Delete(root);
    cJSON_Delete(L.doc); /* not adopted: a failure came first */
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
    return load(path, NULL, 0, NULL, overrides, n_overrides, out, err);
}

int hc_config_load_text(const char *name, const char *text, size_t len, const hc_override *overrides, int n_overrides,
                        hc_config *out, hc_error *err)
{
    if (text == NULL) len = 0, text = ""; /* reported as an empty file */
    return load(name, text, len, NULL, overrides, n_overrides, out, err);
}

int hc_config_load_document(const char *path, cJSON *doc, const hc_override *overrides, int n_overrides, hc_config *out,
                            hc_error *err)
{
    return load(path, NULL, 0, doc, overrides, n_overrides, out, err);
}

void hc_config_free(hc_config *c)
{
    if (c == NULL) return;
    cJSON_Delete(c->resolved);
    c->resolved = NULL;
}
