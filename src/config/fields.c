/* fields.c: reading one typed field of a config object (a number, one in a range, an
 * integer, a safe name, known keys), each failure a message naming the field's file and
 * path. Calls messages.c and document.c's errors (config_internal.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* ---- validation helpers */

int cfg_check_keys(loader *L, const cJSON *obj, const char *path, const char *const *known, int n)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, obj)
    {
        int i, found = 0;
        for (i = 0; i < n && !found; i++) found = strcmp(c->string, known[i]) == 0;
        if (!found) {
            char sub[CFG_PATH], h[600];
            cfg_path_key(sub, sizeof sub, path, c->string);
            return cfg_fail_at(L, c, sub, "unknown key%s", cfg_hint_keys(c->string, known, n, h, sizeof h));
        }
    }
    return 0;
}

int cfg_expect_object(loader *L, const cJSON *v, const char *path)
{
    char d[128];
    if (cJSON_IsObject(v)) return 0;
    return cfg_fail_at(L, v, path, "expected an object, got %s", cfg_describe(v, d, sizeof d));
}

/* A required (or optional) number field of obj; returns 0 and sets *x when present, 1 on
 * error, 2 when absent and optional. */
static int get_number_x(loader *L, const cJSON *obj, const char *path, const char *key, int required,
                        const char *expect, double *x, const cJSON **item)
{
    char sub[CFG_PATH], d[128];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    cfg_path_key(sub, sizeof sub, path, key);
    if (item != NULL) *item = v;
    if (v == NULL) {
        if (!required) return 2;
        return cfg_fail_src(L, cfg_prov_src(L, obj) == SRC_OVERRIDE ? SRC_OVERRIDE : SRC_DEFAULT, sub,
                            "required key missing");
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return cfg_fail_at(L, v, sub, "expected %s, got %s", expect, cfg_describe(v, d, sizeof d));
    *x = v->valuedouble;
    return 0;
}

int cfg_get_number(loader *L, const cJSON *obj, const char *path, const char *key, int required, double *x,
                   const cJSON **item)
{
    return get_number_x(L, obj, path, key, required, "a number", x, item);
}

int cfg_in_range(double x, hc_bound lk, double lo, hc_bound hk, double hi)
{
    if (lk == HC_BOUND_OPEN && !(x > lo)) return 0;
    if (lk == HC_BOUND_CLOSED && !(x >= lo)) return 0;
    if (hk == HC_BOUND_OPEN && !(x < hi)) return 0;
    if (hk == HC_BOUND_CLOSED && !(x <= hi)) return 0;
    return 1;
}

/* A number field checked against a range; `what` (may be NULL) explains the bound. */
int cfg_get_ranged(loader *L, const cJSON *obj, const char *path, const char *key, int required, hc_bound lk, double lo,
                   hc_bound hk, double hi, const char *what, double *x)
{
    const cJSON *v;
    char expect[200], r[96];
    int rc;
    snprintf(expect, sizeof expect, "a number %s%s%s", cfg_fmt_range(lk, lo, hk, hi, r, sizeof r), what ? " " : "",
             what ? what : "");
    rc = get_number_x(L, obj, path, key, required, expect, x, &v);
    if (rc) return rc;
    if (!cfg_in_range(*x, lk, lo, hk, hi)) {
        char sub[CFG_PATH], d[128];
        cfg_path_key(sub, sizeof sub, path, key);
        return cfg_fail_at(L, v, sub, "expected %s, got %s", expect, cfg_describe(v, d, sizeof d));
    }
    return 0;
}

int cfg_get_integer(loader *L, const cJSON *obj, const char *path, const char *key, double lo, double hi, double *x)
{
    const cJSON *v;
    char sub[CFG_PATH], d[128], a[40], b[40];
    int rc;
    cfg_path_key(sub, sizeof sub, path, key);
    v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v != NULL && !cJSON_IsNumber(v))
        return cfg_fail_at(L, v, sub, "expected an integer in [%s, %s], got %s", cfg_fmt_num(lo, a, sizeof a),
                           cfg_fmt_num(hi, b, sizeof b), cfg_describe(v, d, sizeof d));
    rc = cfg_get_number(L, obj, path, key, 1, x, &v);
    if (rc) return rc;
    if (floor(*x) != *x || *x < lo || *x > hi)
        return cfg_fail_at(L, v, sub, "expected an integer in [%s, %s], got %s", cfg_fmt_num(lo, a, sizeof a),
                           cfg_fmt_num(hi, b, sizeof b), cfg_describe(v, d, sizeof d));
    return 0;
}

/* Letters, digits, '_', '-' and (when allow_dot) '.'; not starting with '.' (a hidden
 * file) or '-' (an option, and a formula to a spreadsheet, as '+', '=' and '@' would be:
 * names reach CSV, JSON, SVG and HTML). */
int cfg_safe_name(const char *s, int allow_dot)
{
    const char *p;
    if (s[0] == '\0' || s[0] == '.' || s[0] == '-') return 0;
    for (p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || (allow_dot && *p == '.'))) return 0;
    return 1;
}
