/* document.c: the document layer of the config loader (config_internal.h). Reads every
 * file through one safe open (read_file: O_NONBLOCK, only regular files, at most
 * CFG_MAX_FILE_BYTES), parses it strictly and lints it (NUL, duplicate keys, non-finite
 * numbers, nesting), records which file (or --set) every node came from so an error can
 * name it, follows and merges the `extends` chain, and applies --set overrides. Blend
 * files are read by the same path (hc_config_read_document). Calls messages.c only. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

int cfg_prov_add(loader *L, const cJSON *node, int src)
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

int cfg_prov_src(const loader *L, const cJSON *node)
{
    size_t i;
    if (node == NULL) return SRC_DEFAULT;
    for (i = L->n_prov; i-- > 0;)
        if (L->prov[i].node == node) return L->prov[i].src;
    return SRC_DEFAULT;
}

void cfg_bury(loader *L, cJSON *node)
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

int cfg_fail_src(loader *L, int src, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_src(L, src, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* An error about `node` (or about a key of the object `node`), naming its source file. */
int cfg_fail_at(loader *L, const cJSON *node, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vfail_src(L, cfg_prov_src(L, node), path, fmt, ap);
    va_end(ap);
    return rc;
}

int cfg_fail_oom(loader *L)
{
    L->err->out_of_memory = 1;
    return hc_fail(L->err, "%s: out of memory while loading the config", L->top);
}

/* cJSON returns NULL both for text it cannot parse and when malloc fails. Its allocations
 * go through this hook, so the loader can tell the two apart and never report memory
 * running out as invalid JSON. Loading runs on one thread, before any simulation. */
static volatile int cfg_cjson_alloc_failed;

static void *cjson_malloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) cfg_cjson_alloc_failed = 1;
    return p;
}

void cfg_watch_cjson_allocations(void)
{
    cJSON_Hooks hooks;
    hooks.malloc_fn = cjson_malloc;
    hooks.free_fn = free;
    cJSON_InitHooks(&hooks);
    cfg_cjson_alloc_failed = 0;
}

/* ---- reading, parsing and linting one file */

/* Reads a whole regular file. Anything else is refused before a byte is read: a FIFO,
 * a terminal or /dev/stdin named by `extends` would block the loader forever, and a
 * device such as /dev/zero would feed it 16 MiB of nothing. */
#define CFG_NOT_REGULAR (-1) /**< read_file: the path is not a regular file */

static const char *read_error(int e)
{
    return e == CFG_NOT_REGULAR ? "not a regular file"
           : e == EFBIG         ? "larger than the limit for a config file, " HC_STR(CFG_MAX_FILE_MIB) " MiB"
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
    if (fstat(fd, &st) != 0) {
        e = errno ? errno : EIO;
        close(fd);
        return e;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > CFG_MAX_FILE_BYTES) { /* refused before a byte is read */
        e = S_ISDIR(st.st_mode) ? EISDIR : S_ISREG(st.st_mode) ? EFBIG : CFG_NOT_REGULAR;
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
    if (n > (size_t)CFG_MAX_FILE_BYTES) { /* it grew while being read */
        free(buf);
        return EFBIG;
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
int cfg_lint(loader *L, const cJSON *node, const char *path, int depth, int src)
{
    char sub[CFG_PATH];
    const cJSON *c;
    int i = 0;
    if (cfg_prov_add(L, node, src)) return cfg_fail_oom(L);
    if (depth > CFG_MAX_DEPTH)
        return cfg_fail_src(L, src, path, "nested deeper than any config value can be (at most %d levels)",
                            CFG_MAX_DEPTH);
    if (cJSON_IsNumber(node) && !isfinite(node->valuedouble))
        return cfg_fail_src(L, src, path, "expected a finite number, got %s (beyond the range of a double)",
                            node->valuedouble > 0 ? "+inf" : "-inf");
    if (cJSON_IsObject(node)) {
        cJSON_ArrayForEach(c, node)
        {
            const cJSON *p;
            cfg_path_key(sub, sizeof sub, path, c->string);
            if (++i > CFG_MAX_KEYS) return cfg_fail_src(L, src, path, "more than %d keys in one object", CFG_MAX_KEYS);
            for (p = node->child; p != c; p = p->next)
                if (strcmp(p->string, c->string) == 0)
                    return cfg_fail_src(L, src, sub, "duplicate key (each key may appear once in an object)");
            if (cfg_lint(L, c, sub, depth + 1, src)) return 1;
        }
    } else if (cJSON_IsArray(node)) {
        cJSON_ArrayForEach(c, node)
        {
            cfg_path_index(sub, sizeof sub, path, i++);
            if (cfg_lint(L, c, sub, depth + 1, src)) return 1;
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
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
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
    cfg_watch_cjson_allocations();
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (root == NULL && cfg_cjson_alloc_failed) {
        cfg_fail_oom(L);
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
            cfg_snippet(near, sizeof near, buf + off, 20);
            snprintf(what, sizeof what, "invalid JSON: unexpected text after the top-level value: \"%s\"", near);
            fail_pos(L, src, buf, off, what);
            return NULL;
        }
        off = end != NULL && end >= buf && (size_t)(end - buf) <= len ? (size_t)(end - buf) : 0;
        if (len == 0 || off >= len) {
            fail_pos(L, src, buf, off, "invalid JSON: unexpected end of file");
        } else if (json_depth(buf, off) >= CJSON_NESTING_LIMIT) {
            snprintf(what, sizeof what,
                     "invalid JSON: nested deeper than the parser's limit, %d levels (a config needs at most %d)",
                     CJSON_NESTING_LIMIT, CFG_MAX_DEPTH);
            fail_pos(L, src, buf, off, what);
        } else {
            cfg_snippet(near, sizeof near, buf + off, 20);
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
        cfg_fail_src(L, src, NULL, "expected an object at the top level, got %s", cfg_describe(root, d, sizeof d));
        cJSON_Delete(root);
        return NULL;
    }
    if (cfg_lint(L, root, "", 1, src)) {
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
void cfg_replace_in_place(loader *L, cJSON *parent, cJSON *old, cJSON *repl)
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
    cfg_bury(L, old);
}

/* Sets key of obj to value (detached, no key yet), keeping the key's position. */
int cfg_object_set(loader *L, cJSON *obj, const char *key, cJSON *value)
{
    cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_AddItemToObject(obj, key, value)) return 1;
    if (old != NULL) {
        cJSON_DetachItemViaPointer(obj, value);
        cfg_replace_in_place(L, obj, old, value);
    }
    return 0;
}

const char *cfg_role_name_of(const cJSON *role)
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
        return cfg_fail_src(L, src_file, "roles", "expected at most %d roles, got %d", HC_MAX_ROLES,
                            cJSON_GetArraySize(src));
    cJSON_ArrayForEach(c, src)
    { /* a duplicate would silently merge twice: reject it here */
        const char *name = cfg_role_name_of(c);
        const cJSON *p;
        int j = 0;
        if (name != NULL) {
            for (p = src->child; p != c; p = p->next, j++) {
                const char *other = cfg_role_name_of(p);
                if (other != NULL && strcmp(other, name) == 0) {
                    char path[64];
                    snprintf(path, sizeof path, "roles[%d].name", i);
                    return cfg_fail_src(L, src_file, path, "duplicate role name \"%s\" (also roles[%d])", name, j);
                }
            }
        }
        i++;
    }
    for (c = src->child; c != NULL; c = next) {
        const char *name = cfg_role_name_of(c);
        cJSON *target = NULL, *p;
        next = c->next;
        cJSON_DetachItemViaPointer(src, c);
        if (name != NULL) cJSON_ArrayForEach(p, dst)
            {
                const char *pn = cfg_role_name_of(p);
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
            cfg_bury(L, c);
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
        if (d != NULL && level == 0 && strcmp(m->string, "roles") == 0 && cJSON_IsArray(d) && cJSON_IsArray(m)) {
            int rc = merge_roles(L, d, m, src_file);
            cfg_bury(L, m);
            if (rc) return 1;
        } else if (d != NULL && level == 0 && cJSON_IsObject(d) && cJSON_IsObject(m)) {
            int rc = merge_objects(L, d, m, 1, src_file);
            cfg_bury(L, m);
            if (rc) return 1;
        } else if (d != NULL) {
            cfg_replace_in_place(L, dst, d, m);
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

/* The top file as a tree the caller already read with hc_config_read_document
 * (hc_config_load_document): parsed and linted then, so here only its real path and
 * the provenance of its nodes are recorded. */
static cJSON *adopt_document(loader *L)
{
    cJSON *root = L->doc;
    L->doc = NULL;
    L->real[0] = realpath(L->files[0], NULL);
    if (L->real[0] == NULL) {
        hc_fail(L->err, "%s: cannot resolve path: %s", L->files[0], strerror(errno));
        cJSON_Delete(root);
        return NULL;
    }
    if (cfg_lint(L, root, "", 1, 0)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* Reads files[depth] (from the file, or at depth 0 from text or a document in memory)
 * into a linted tree; refuses a file that would close a cycle. NULL when it failed,
 * with the error reported against the file that named it. */
static cJSON *read_one(loader *L, int depth, const char *ext_value)
{
    const char *display = L->files[depth];
    char *buf = NULL;
    size_t len = 0;
    int e, i;
    cJSON *root;
    char d[128];

    if (depth == 0 && L->doc != NULL) return adopt_document(L);
    if (depth == 0 && L->text != NULL) { /* hc_config_load_text: the top file is in memory */
        e = 0;
        len = L->text_len;
        if (len > (size_t)CFG_MAX_FILE_BYTES) {
            e = EFBIG;
        } else {
            buf = (char *)malloc(len + 1);
            if (buf == NULL) return cfg_fail_oom(L), NULL;
            memcpy(buf, L->text, len);
            buf[len] = '\0';
        }
    } else {
        e = read_file(display, &buf, &len);
    }
    if (e != 0) {
        if (depth == 0) {
            hc_fail(L->err, "%s: cannot read: %s", display, read_error(e));
        } else {
            cfg_escape_into(d, sizeof d, ext_value, 100);
            cfg_fail_src(L, depth - 1, "extends", "cannot read \"%s\" (%s): %s", d, display, read_error(e));
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
        cfg_fail_src(L, depth - 1, "extends", "cannot resolve \"%s\": %s", display, strerror(e));
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
            cfg_escape_into(d, sizeof d, ext_value, 100);
            cfg_fail_src(L, depth - 1, "extends", "\"%s\" makes a cycle: %s", d, chain);
            return NULL;
        }
    }
    root = parse_and_lint(L, depth, buf, len);
    free(buf);
    if (root == NULL && depth > 0 && !L->err->out_of_memory) { /* say which file led here */
        size_t n = strlen(L->err->message);
        snprintf(L->err->message + n, sizeof L->err->message - n, " (extended by %s)", L->files[depth - 1]);
    }
    return root;
}

cJSON *hc_config_read_document(const char *path, hc_error *err)
{
    loader L;
    hc_error scratch;
    char *buf = NULL;
    size_t len = 0;
    cJSON *root;
    int e;
    if (err == NULL) err = &scratch;
    err->message[0] = '\0';
    err->out_of_memory = 0;
    memset(&L, 0, sizeof L);
    L.err = err;
    L.top = path;
    L.files[0] = strdup(path);
    L.n_files = 1;
    if (L.files[0] == NULL) return cfg_fail_oom(&L), NULL;
    e = read_file(path, &buf, &len);
    if (e != 0) {
        hc_fail(err, "%s: cannot read: %s", path, read_error(e));
        free(L.files[0]);
        return NULL;
    }
    root = parse_and_lint(&L, 0, buf, len);
    free(buf);
    free(L.files[0]);
    free(L.prov);
    return root;
}

/* Loads files[depth] (already set) and everything it extends; returns the merged tree. */
cJSON *cfg_load_chain(loader *L, int depth, const char *ext_value)
{
    const char *display = L->files[depth];
    cJSON *root, *ext, *base;
    char d[128];

    root = read_one(L, depth, ext_value);
    if (root == NULL) return NULL;
    ext = cJSON_GetObjectItemCaseSensitive(root, "extends");
    if (ext == NULL) return root;
    if (!cJSON_IsString(ext) || ext->valuestring[0] == '\0') {
        cfg_fail_src(L, depth, "extends", "expected a path (a non-empty string), got %s",
                     cfg_describe(ext, d, sizeof d));
        cJSON_Delete(root);
        return NULL;
    }
    cfg_bury(L, cJSON_DetachItemViaPointer(root, ext));
    if (depth + 1 >= CFG_MAX_EXTENDS) {
        cfg_fail_src(L, depth, "extends", "more than %d files in the extends chain", CFG_MAX_EXTENDS);
        cJSON_Delete(root);
        return NULL;
    }
    L->files[depth + 1] = join_relative(display, ext->valuestring);
    if (L->files[depth + 1] == NULL) {
        cJSON_Delete(root);
        cfg_fail_oom(L);
        return NULL;
    }
    L->n_files = depth + 2;
    base = cfg_load_chain(L, depth + 1, ext->valuestring);
    if (base == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    /* The scenario's name is the child's own (or its file name), never the parent's. */
    cfg_bury(L, cJSON_DetachItemFromObjectCaseSensitive(base, "name"));
    if (merge_objects(L, base, root, 0, depth)) {
        cJSON_Delete(root);
        cJSON_Delete(base);
        return NULL;
    }
    cfg_bury(L, root);
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

int cfg_apply_override(loader *L, cJSON *root, const hc_override *o)
{
    path_seg seg[16];
    const char *key = o->key != NULL ? o->key : "";
    int n = split_path(key, seg, 16), i;
    cJSON *cur = root, *value;
    const char *end = NULL;

    if (n < 0)
        return cfg_fail_src(
            L, SRC_OVERRIDE, key,
            "invalid key (expected a path such as simulation.worlds, roles[2].wage or roles.NAME.wage)");
    if (o->value == NULL) return cfg_fail_src(L, SRC_OVERRIDE, key, "missing value");
    cfg_watch_cjson_allocations();
    value = cJSON_ParseWithOpts(o->value, &end, 1);
    if (value == NULL && cfg_cjson_alloc_failed) return cfg_fail_oom(L);
    if (value == NULL) value = cJSON_CreateString(o->value); /* not JSON: a string */
    if (value == NULL) return cfg_fail_oom(L);
    /* From here on `value` is either attached to the tree or buried, never freed early:
     * cfg_lint() records its nodes' addresses. */
    if (cfg_lint(L, value, key, n + 1, SRC_OVERRIDE)) {
        cfg_bury(L, value);
        return 1;
    }
    for (i = 0; i < n; i++) {
        int last = i == n - 1;
        cJSON *child = NULL;
        if (seg[i].index >= 0) {
            if (!cJSON_IsArray(cur)) {
                cfg_bury(L, value);
                return cfg_fail_src(L, SRC_OVERRIDE, key, "cannot index %s with [%ld]",
                                    cJSON_IsObject(cur) ? "an object" : cfg_type_name(cur), seg[i].index);
            }
            child = cJSON_GetArrayItem(cur, (int)seg[i].index);
            if (child == NULL) {
                cfg_bury(L, value);
                return cfg_fail_src(L, SRC_OVERRIDE, key, "index %ld is out of range (the array has %d entries)",
                                    seg[i].index, cJSON_GetArraySize(cur));
            }
            if (last) cfg_replace_in_place(L, cur, child, value);
        } else if (cJSON_IsArray(cur)) { /* roles.NAME */
            const char *names[HC_MAX_ROLES];
            int nn = 0;
            cJSON *p;
            cJSON_ArrayForEach(p, cur)
            {
                const char *pn = cfg_role_name_of(p);
                if (pn != NULL && strcmp(pn, seg[i].key) == 0) {
                    child = p;
                    break;
                }
                if (pn != NULL && nn < HC_MAX_ROLES) names[nn++] = pn;
            }
            if (child == NULL) {
                char h[600];
                cfg_bury(L, value);
                return cfg_fail_src(L, SRC_OVERRIDE, key, "no role named \"%s\"%s", seg[i].key,
                                    nn ? cfg_hint_keys(seg[i].key, names, nn, h, sizeof h) : "");
            }
            if (last) cfg_replace_in_place(L, cur, child, value);
        } else if (cJSON_IsObject(cur)) {
            child = cJSON_GetObjectItemCaseSensitive(cur, seg[i].key);
            if (last) {
                if (cfg_object_set(L, cur, seg[i].key, value)) {
                    cfg_bury(L, value);
                    return cfg_fail_oom(L);
                }
            } else if (child == NULL) {
                child = cJSON_CreateObject();
                if (child == NULL || !cJSON_AddItemToObject(cur, seg[i].key, child)) {
                    cJSON_Delete(child);
                    cfg_bury(L, value);
                    return cfg_fail_oom(L);
                }
                if (cfg_prov_add(L, child, SRC_OVERRIDE)) {
                    cfg_bury(L, value);
                    return cfg_fail_oom(L);
                }
            }
        } else {
            cfg_bury(L, value);
            return cfg_fail_src(L, SRC_OVERRIDE, key, "cannot set a key inside a %s", cfg_type_name(cur));
        }
        cur = child;
    }
    return 0;
}
