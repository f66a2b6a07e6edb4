/* hc_config.h: loading, merging and validating scenario configs (host only).
 *
 * The schema is docs/model.md "Config file" and "Distributions". src/config/ implements
 * it with cJSON; every input's JSON key, symbol, valid range and default live in one
 * table, hc_input_specs, which the loader, `headcount describe` and the docs share.
 * Errors are written into hc_error as one line: `FILE: JSON.PATH: what was expected,
 * got what` and the loader returns non-zero; only main() decides the exit status. */
#ifndef HC_CONFIG_H
#define HC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "hc_error.h"
#include "model/hc_model.h"

typedef struct cJSON cJSON;

/* Bound of a valid range. */
typedef enum { HC_BOUND_NONE = 0, HC_BOUND_OPEN, HC_BOUND_CLOSED } hc_bound;

typedef struct {
    const char *key;     /* JSON path, e.g. "inference.price_per_mtok" */
    const char *symbol;  /* MODEL.md symbol, e.g. "p0" */
    int per_firm;        /* 0: drawn once per world, 1: once per firm */
    hc_bound lo_kind;
    double lo;
    hc_bound hi_kind;
    double hi;
    int has_default;     /* optional input; default_value applies when absent */
    double default_value;
    const char *meaning; /* one line, with unit */
    const char *label;   /* a few words for people: chart labels (tornado, Sobol by year) */
} hc_input_spec;

/* Indexed by hc_input_id. */
extern const hc_input_spec hc_input_specs[HC_N_SCALAR_INPUTS];

/* The two distributions every role carries (the last two rows of MODEL.md "Inputs");
 * `key` reads "roles[r].wage". Indexed by hc_role_input_id. */
typedef enum { HC_ROLE_IN_WAGE = 0, HC_ROLE_IN_TOKENS, HC_N_ROLE_INPUTS } hc_role_input_id;
extern const hc_input_spec hc_role_input_specs[HC_N_ROLE_INPUTS];

/* n[j] = how many of firms 0..F-1 hc_size_class puts in class j, for each of the model's
 * size classes; exact, in microseconds for any F < 2^32 (src/config/size_classes.c). */
void hc_size_class_counts(const hc_model *m, int64_t F, int64_t *n);

/* "normal", "lognormal", ... as in the config's "dist" field. */
const char *hc_dist_kind_name(int kind);

/* "Did you mean": the candidate closest to `word` (case-insensitive edit distance, a
 * transposition counting one), if within a small distance for its length; else NULL.
 * The one spelling checker of config keys, role names, options and commands
 * (src/config/messages.c). */
const char *hc_suggest(const char *word, const char *const *cand, int n);

/* The JSON Schema of a config file, made from the tables the loader checks against
 * (src/config/json_schema.c; `headcount schema`, docs/config.schema.json). Free with
 * free(); NULL when out of memory. */
char *hc_config_json_schema(void);

/* One --set KEY=VALUE. KEY is a dotted path (`inference.price_volatility`,
 * `simulation.worlds`, `roles[2].wage`, `roles.support.exposure`); VALUE is parsed as
 * JSON, and taken as a string when it is not valid JSON. */
typedef struct {
    const char *key;
    const char *value;
} hc_override;

/* One pair of the config's `correlations` section (docs/uncertainty.md): two world-level
 * inputs as design columns a < b (include/hc_design.h: an hc_input_id, or
 * HC_N_WORLD_INPUTS + r for roles[r].tokens_per_fte_year) and their rank correlation. */
#define HC_MAX_CORRELATIONS 128
typedef struct {
    int a, b;
    double rank;
} hc_correlation;

/* The longest `label` (bytes of UTF-8): a chart's legend and a table's cell hold it. */
#define HC_LABEL_MAX 60

typedef struct {
    char name[128];          /* scenario name: `name`, or the file name without .json */
    char label[HC_LABEL_MAX + 1]; /* `label`: free text for charts and tables; "": the name */
    char path[4096];         /* the file as given */
    hc_model model;          /* everything the backends need */
    /* simulation */
    int start_year;
    int years;
    int steps_per_year;
    int64_t worlds;
    int64_t firms_per_world;
    uint64_t seed;
    /* population and output */
    double employment;       /* population.employment, jobs */
    int n_percentiles;
    double percentiles[HC_MAX_PERCENTILES]; /* in (0, 100), increasing */
    char role_names[HC_MAX_ROLES][64];
    int n_correlations;      /* `correlations`: pairs of world-level inputs (src/plan/design.c applies them) */
    hc_correlation correlations[HC_MAX_CORRELATIONS];
    /* The fully resolved config: `extends` merged, overrides applied, defaults filled in,
     * `name` set, no `extends` key. Owned; freed by hc_config_free. */
    cJSON *resolved;
} hc_config;

/* Loads `path` (following `extends`), applies `overrides` in order, validates, and fills
 * `out`. Returns 0 on success, non-zero with err filled on any bad input. On failure
 * `out` holds nothing that needs freeing. */
int hc_config_load(const char *path, const hc_override *overrides, int n_overrides,
                   hc_config *out, hc_error *err);

/* The same with the top file's contents in memory (`len` bytes, NUL bytes included);
 * `name` stands for its path in messages, in the default scenario name and as the
 * folder its `extends` is relative to. For fuzzing and tests. */
int hc_config_load_text(const char *name, const char *text, size_t len, const hc_override *overrides,
                        int n_overrides, hc_config *out, hc_error *err);

/* Reads one JSON document as the loader reads every file: one safe open (a regular file
 * of at most 16 MiB; a FIFO, a directory or a device is refused at once, never waited
 * on), strict parsing and lint (NUL bytes, duplicate keys at any depth, non-finite
 * numbers, nesting), an object at the top. Returns the tree (free it with cJSON_Delete),
 * or NULL with err naming the file (err may be NULL). A blend file is read this way
 * (src/plan/blend.c): a blend is a key of a document, not a second reader. */
cJSON *hc_config_read_document(const char *path, hc_error *err);

/* hc_config_load with the top file already read by hc_config_read_document, so a file
 * whose first key decides what it is (a blend or a config) is parsed once. Takes
 * ownership of `doc`, whatever the outcome. */
int hc_config_load_document(const char *path, cJSON *doc, const hc_override *overrides, int n_overrides,
                            hc_config *out, hc_error *err);

void hc_config_free(hc_config *c);

/* What charts and tables call a scenario: its `label`, or its name when it has none. */
static inline const char *hc_scenario_label(const hc_config *c)
{
    return c->label[0] ? c->label : c->name;
}

/* The resolved config as pretty-printed JSON (malloc'd), for the manifest and
 * `--dump-config`. */
char *hc_config_resolved_json(const hc_config *c);

#endif
