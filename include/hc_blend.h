/* hc_blend.h: blend configs, a mixture of narratives weighted by a probability the user
 * sets (host only; src/plan/blend.c; docs/narratives.md "Blending the narratives").
 *
 * A blend file is {"name": "blend", "blend": {"components": ["cuts.json", "growth.json"],
 * "weights": [0.5, 0.5]}}: component paths are relative to the blend file, weights are
 * >= 0 with a positive sum, and the components are ordinary configs that share the
 * simulation's shape, seed, percentiles and population.employment. Each world takes ONE
 * component for all its inputs, picked by a uniform from its own counter (world w, firm
 * slot 0, stream HC_STREAM_BLEND, step 0) against the cumulative weights, so world w of
 * the blend is world w of its component exactly (common random numbers).
 *
 * The blend is backend-agnostic: a run's scenario list is expanded with the components
 * it lacks, the expanded list is simulated by hc_simulate (any backend), and the blend's
 * slot is then filled world by world by copying the chosen component's world sums, firm
 * changes and shrinking counts. A blend file is read by the config loader's document layer
 * (hc_config_read_document: the same safe open and lint as every config), once; only its
 * `blend` key is checked here. */
#ifndef HC_BLEND_H
#define HC_BLEND_H

#include <stdint.h>
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_run.h"

#define HC_BLEND_MAX_COMPONENTS 8

typedef struct {
    char path[4096];      /* the blend file as given */
    char name[128];
    int n;                /* components */
    char component_given[HC_BLEND_MAX_COMPONENTS][4096]; /* as written: relative to the blend file */
    char component_file[HC_BLEND_MAX_COMPONENTS][4096];  /* the same, relative to the working folder */
    double weight[HC_BLEND_MAX_COMPONENTS];             /* as given (after --set) */
    double probability[HC_BLEND_MAX_COMPONENTS];        /* weight / sum of weights */
    /* Cumulative probabilities; the last component with a positive weight has exactly 1,
     * so a uniform in (0, 1) always finds one and a zero weight is never drawn. */
    double cumulative[HC_BLEND_MAX_COMPONENTS];
    int64_t worlds_taking[HC_BLEND_MAX_COMPONENTS];     /* over all the run's worlds */
    hc_config component[HC_BLEND_MAX_COMPONENTS];       /* loaded, owned */
    /* The blend as one scenario of a run: component 0's simulation shape, the blend's
     * name and path, and as `resolved` the blend with its weights, probabilities and each
     * component's resolved config (what the manifest and --dump-config show). */
    hc_config as_config;
} hc_blend;

/* 1 if `path` holds a JSON object with a top-level "blend" key, else 0 (also when it
 * cannot be read or parsed: hc_config_load then reports that). */
int hc_blend_is_file(const char *path);

/* Loads a blend file and its components. Overrides whose key is blend.weights or
 * blend.components apply to the blend; all others apply to every component. Returns 0
 * and a malloc'd *out, or non-zero with err filled (one line naming the file, the JSON
 * path and what was expected). */
int hc_blend_load(const char *path, const hc_override *ov, int n_ov, hc_blend **out, hc_error *err);
void hc_blend_free(hc_blend *b);

/* The component world `world` takes (0 .. b->n - 1). */
int hc_blend_pick(const hc_blend *b, uint32_t world);

/* ---- a run with blends among its scenarios */

typedef struct {
    int n_user;          /* the scenarios named on the command line: the outputs */
    int n_hidden;        /* components that are not themselves scenarios of the run */
    hc_config *hidden;   /* [n_hidden]: borrowed views of blend components (no `resolved`) */
    hc_blend **blend;    /* [n_user]: the blend at each scenario, or NULL; owned */
    /* [n_user][HC_BLEND_MAX_COMPONENTS]: for a blend's component, its slot in the run's
     * results (0 .. n_user - 1 a scenario of the run, n_user + h hidden h), or -1 for a
     * component no world takes. */
    int (*component_slot)[HC_BLEND_MAX_COMPONENTS];
} hc_blend_run;

/* Loads the run's configs into cfg[0 .. n - 1] (allocated by the caller), blends and
 * ordinary configs alike, and plans the components to simulate. Without a blend among
 * `paths` this is hc_config_load on each with every override. Returns 0, or non-zero
 * with err filled and nothing left to free. */
int hc_blend_load_run(char **paths, int n, const hc_override *ov, int n_ov, hc_config *cfg, hc_blend_run *run,
                      hc_error *err);
void hc_blend_run_free(hc_blend_run *run);
/* Scenario slots the run's hc_results must hold: n_user + n_hidden. */
int hc_blend_run_slots(const hc_blend_run *run);
/* The most roles of any slot (cfg: the run's n_user configs): the results' role sums. */
int hc_blend_run_roles(const hc_blend_run *run, const hc_config *cfg);
/* Scenarios actually simulated: the slots minus the blends. */
int hc_blend_run_simulated(const hc_blend_run *run);

/* Simulates plan p, whose models are the run's scenarios (a blend's as_config among
 * them), through hc_simulate, and fills every blend's slot: the models simulated are the
 * run's ordinary scenarios and the hidden components, and each world of a blend takes
 * its component's. res is allocated for hc_blend_run_slots() scenario slots; the run's
 * scenarios are slots 0 .. n_user - 1 in order, the hidden components' slots lie beyond.
 * Without blends this is hc_simulate(p, ...). */
int hc_blend_simulate(const hc_blend_run *run, const hc_plan *p, const hc_sim_options *o, hc_results *res,
                      hc_error *err);

/* Fills scenario slot `dst` of res, world by world, from the slots src[k] of b's
 * components (src[k] may be -1 for a component no world takes). */
void hc_blend_fill(hc_results *res, int dst, const int *src, const hc_blend *b);

#endif
