/* printer.c: the resolved config as JSON (hc_config_resolved_json), every number exact.
 * Calls messages.c's cfg_fmt_num. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

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

static void put_str(text_buf *t, const char *s)
{
    put(t, s, strlen(s));
}

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
        put_str(t, cfg_fmt_num(v->valuedouble, num, sizeof num));
    } else if (cJSON_IsString(v)) {
        put_string(t, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        put_str(t, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        put(t, "[", 1);
        cJSON_ArrayForEach(c, v)
        {
            put_value(t, c, depth);
            if (c->next) put(t, ", ", 2);
        }
        put(t, "]", 1);
    } else if (cJSON_IsObject(v)) {
        put(t, "{\n", 2);
        cJSON_ArrayForEach(c, v)
        {
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
