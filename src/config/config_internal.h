/* config_internal.h: what the files of src/config/ share, and nothing outside it sees.
 *
 * The config pipeline (include/hc_config.h) in the order data flows through it:
 *
 *   document.c      read each file of the `extends` chain through one safe open, parse it
 *                   strictly, lint it, record where every node came from, merge the
 *                   chain, apply --set overrides; errors naming their source file
 *   schema.c        the input table, defaults, and the checks of every section against it
 *   size_classes.c  firms.size_classes and firms.size_alpha (docs/model.md "Firm sizes")
 *   dist_kinds.c    one row per distribution kind: name, fields, parse, support, span
 *   bounds.c        what the model's 32-bit floats can hold, from the samplers' spans
 *   correlations.c  the `correlations` section
 *   load.c          the pipeline's entry points (hc_config_load...)
 *   printer.c       the resolved config as exact JSON
 *
 * and at the bottom, called by all of them: messages.c (formatting values, paths,
 * ranges, "did you mean") and fields.c (reading a typed field of an object, with its
 * message). A file may call the ones listed above it and the two at the bottom; none
 * calls up, and nothing outside src/config/ includes this header (src/plan/blend.c reads its
 * file through hc_config_read_document, include/hc_config.h). */
#ifndef HC_CONFIG_INTERNAL_H
#define HC_CONFIG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "hc_config.h"

#define CFG_MAX_DEPTH 8    /**< root(1).roles(2)[r](3).wage(4).components(5)[i](6).clip(7)[0](8) */
#define CFG_MAX_EXTENDS 16 /**< files in one extends chain, the given one included */
#define CFG_MAX_FILE_MIB 16
#define CFG_MAX_FILE_BYTES ((long)CFG_MAX_FILE_MIB << 20)
#define HC_STR_(x) #x
#define HC_STR(x) HC_STR_(x)
#define CFG_MAX_KEYS 256 /**< members of one object; the schema's largest has 13 */
#define CFG_PATH 512     /**< JSON path buffer */
#define NKEYS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#if defined(__GNUC__)
#define CFG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CFG_PRINTF(a, b)
#endif

/* ---- loader state: files of the chain, where every node came from, discarded nodes */

enum { SRC_DEFAULT = -1, SRC_OVERRIDE = -2 };

typedef struct {
    const cJSON *node;
    int src; /* index into files, or SRC_OVERRIDE */
} provenance;

typedef struct {
    hc_error *err;
    const char *top;                  /* the path as given */
    char *files[CFG_MAX_EXTENDS + 1]; /* display path of each file of the chain */
    char *real[CFG_MAX_EXTENDS + 1];  /* its realpath, for cycle detection */
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
    cJSON *doc; /* hc_config_load_document: the top file already read, owned until used */
} loader;

/* ---- messages.c: values, paths and ranges as words */

const char *cfg_fmt_num(double x, char *buf, size_t n);
void cfg_escape_into(char *buf, size_t n, const char *s, size_t max);
void cfg_snippet(char *buf, size_t n, const char *s, size_t max);
const char *cfg_type_name(const cJSON *v);
const char *cfg_describe(const cJSON *v, char *buf, size_t n);
void cfg_path_key(char *dst, size_t n, const char *base, const char *key);
void cfg_path_index(char *dst, size_t n, const char *base, int i);
const char *cfg_fmt_range(hc_bound lo_kind, double lo, hc_bound hi_kind, double hi, char *buf, size_t n);
/* The keys of a section of the schema ("" the top level, "simulation", "population",
 * "output", "roles": one role), as the loader checks them (schema.c); returns how many. */
int cfg_keys_of(const char *section, const char *const **keys);
/* The fields of distribution kind `kind` besides "dist" and "clip", NULL-terminated. */
const char *const *cfg_dist_kind_fields(int kind);
const char *cfg_hint_keys(const char *word, const char *const *cand, int n, char *buf, size_t size);

/* ---- document.c: provenance, errors naming their source, reading, merging, --set */

int cfg_prov_add(loader *L, const cJSON *node, int src);
int cfg_prov_src(const loader *L, const cJSON *node);
void cfg_bury(loader *L, cJSON *node);
int cfg_fail_src(loader *L, int src, const char *path, const char *fmt, ...) CFG_PRINTF(4, 5);
/* An error about `node` (or about a key of the object `node`), naming its source file. */
int cfg_fail_at(loader *L, const cJSON *node, const char *path, const char *fmt, ...) CFG_PRINTF(4, 5);
int cfg_fail_oom(loader *L);
void cfg_watch_cjson_allocations(void);
int cfg_lint(loader *L, const cJSON *node, const char *path, int depth, int src);
void cfg_replace_in_place(loader *L, cJSON *parent, cJSON *old, cJSON *repl);
int cfg_object_set(loader *L, cJSON *obj, const char *key, cJSON *value);
const char *cfg_role_name_of(const cJSON *role);
/* Loads files[depth] (already set) and everything it extends; returns the merged tree. */
cJSON *cfg_load_chain(loader *L, int depth, const char *ext_value);
int cfg_apply_override(loader *L, cJSON *root, const hc_override *o);

/* ---- fields.c: typed fields of an object */

int cfg_check_keys(loader *L, const cJSON *obj, const char *path, const char *const *known, int n);
int cfg_expect_object(loader *L, const cJSON *v, const char *path);
/* 0 and *x set when present, 1 on error, 2 when absent and optional. */
int cfg_get_number(loader *L, const cJSON *obj, const char *path, const char *key, int required, double *x,
                   const cJSON **item);
int cfg_in_range(double x, hc_bound lk, double lo, hc_bound hk, double hi);
int cfg_get_ranged(loader *L, const cJSON *obj, const char *path, const char *key, int required, hc_bound lk, double lo,
                   hc_bound hk, double hi, const char *what, double *x);
int cfg_get_integer(loader *L, const cJSON *obj, const char *path, const char *key, double lo, double hi, double *x);
int cfg_safe_name(const char *s, int allow_dot);

/* ---- dist_kinds.c: distributions */

/* The support a distribution's parameters give, with whether each end is reached. */
typedef struct {
    double lo, hi;
    int lo_closed, hi_closed;
} support;

/* An input's valid range, checked against a distribution's support. */
typedef struct {
    const char *name; /* for messages: "firms.headcount", "roles[2].wage" */
    hc_bound lo_kind, hi_kind;
    double lo, hi;
} valid_range;

/* The values a sampler can actually return (floating point, clip included). */
typedef struct {
    double lo, hi;
} span;

/* The extreme uniforms the sampler can see and their normal quantiles. */
double cfg_u_min(void);
double cfg_z_min(void);
double cfg_z_max(void);
/* Parses a distribution (a number, an object with "dist", or the 90 % interval shorthand)
 * into d and checks its support against vr. `sup_out` receives the support after clipping. */
int cfg_parse_dist(loader *L, const cJSON *node, const char *path, const valid_range *vr, hc_dist *d, support *sup_out);
span cfg_sample_span(const hc_dist *d, const double *pool);

/* ---- schema.c, bounds.c, correlations.c: the checks, in the order load.c runs them */

int cfg_fill_defaults(loader *L, cJSON *root);
int cfg_validate(loader *L, cJSON *root); /* calls the two below */
int cfg_validate_numeric_range(loader *L, const cJSON *root);
int cfg_validate_correlations(loader *L, const cJSON *root);
/* size_classes.c: firms.size_classes into m's class table; returns the class count (0: none,
 * sizes come from firms.headcount) or -1 on an error. */
int cfg_parse_size_classes(loader *L, const cJSON *firms, const cJSON *headcount, hc_model *m, support *sup);
/* The size classes' weights for a run of F firms a world (once F is known: validate). */
void cfg_size_weights(hc_model *m, int64_t F);

#endif
