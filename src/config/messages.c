/* messages.c: the words of the config loader's messages: values as `VALUE (TYPE)`, JSON
 * paths, valid ranges, the shortest text of a double, and "did you mean". Calls nothing
 * of the loader: the bottom of src/config/ (config_internal.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

/* Shortest "%.*g" that reads back as the same double. */
const char *cfg_fmt_num(double x, char *buf, size_t n)
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
void cfg_escape_into(char *buf, size_t n, const char *s, size_t max)
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
void cfg_snippet(char *buf, size_t n, const char *s, size_t max)
{
    size_t k = strcspn(s, "\r\n");
    char tmp[64];
    if (k > max) k = max;
    if (k >= sizeof tmp) k = sizeof tmp - 1;
    memcpy(tmp, s, k);
    tmp[k] = '\0';
    cfg_escape_into(buf, n, tmp, max);
}

const char *cfg_type_name(const cJSON *v)
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
const char *cfg_describe(const cJSON *v, char *buf, size_t n)
{
    char tmp[96];
    if (v == NULL) {
        snprintf(buf, n, "nothing");
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "%s (number)", cfg_fmt_num(v->valuedouble, tmp, sizeof tmp));
    } else if (cJSON_IsString(v)) {
        cfg_escape_into(tmp, sizeof tmp, v->valuestring, 60);
        snprintf(buf, n, "\"%s\" (string)", tmp);
    } else if (cJSON_IsNull(v)) {
        snprintf(buf, n, "null");
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, n, "%s (boolean)", cJSON_IsTrue(v) ? "true" : "false");
    } else {
        char *s = cJSON_PrintUnformatted(v);
        if (s != NULL) {
            cfg_escape_into(tmp, sizeof tmp, s, 60);
            cJSON_free(s);
            snprintf(buf, n, "%s (%s)", tmp, cfg_type_name(v));
        } else {
            snprintf(buf, n, "(%s)", cfg_type_name(v));
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
void cfg_path_key(char *dst, size_t n, const char *base, const char *key)
{
    char k[160];
    cfg_escape_into(k, sizeof k, key, 120);
    if (base == NULL || base[0] == '\0')
        mark_truncated(dst, n, snprintf(dst, n, "%s", k));
    else
        mark_truncated(dst, n, snprintf(dst, n, "%s.%s", base, k));
}

void cfg_path_index(char *dst, size_t n, const char *base, int i)
{
    mark_truncated(dst, n, snprintf(dst, n, "%s[%d]", base, i));
}

/* "> 0", ">= 0", "in (0, 1]": a valid range as words. */
const char *cfg_fmt_range(hc_bound lo_kind, double lo, hc_bound hi_kind, double hi, char *buf, size_t n)
{
    char a[40], b[40];
    cfg_fmt_num(lo, a, sizeof a);
    cfg_fmt_num(hi, b, sizeof b);
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
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

/* The closest candidate within a small distance, or NULL. */
const char *hc_suggest(const char *word, const char *const *cand, int n)
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
const char *cfg_hint_keys(const char *word, const char *const *cand, int n, char *buf, size_t size)
{
    const char *s = hc_suggest(word, cand, n);
    size_t o;
    int i;
    if (s != NULL) {
        snprintf(buf, size, " (did you mean \"%s\"?)", s);
        return buf;
    }
    o = (size_t)snprintf(buf, size, " (expected one of: ");
    for (i = 0; i < n && o < size; i++) o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", cand[i]);
    if (o < size) snprintf(buf + o, size - o, ")");
    return buf;
}
