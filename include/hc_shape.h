/* hc_shape.h: the run's shape, what every scenario of one run shares (host only;
 * src/plan/shape.c).
 *
 * Owns: which settings a run's scenarios must agree on, and the one struct that holds
 * them once the configs are loaded. May call: nothing but hc_config.h. Consumers of a
 * whole run (the command, the plan, the results' allocation) read the shape rather than
 * the first scenario's config; --sobol and --target-mcse change its worlds, once.
 *
 * population.employment is not in it: it is a scenario's own (each scenario's jobs are
 * its employment times its change). A blend's components form ONE scenario, so they
 * also share employment; src/plan/blend.c checks that beside hc_shape_difference. */
#ifndef HC_SHAPE_H
#define HC_SHAPE_H

#include <stdint.h>
#include "hc_config.h"

typedef struct {
    int start_year;
    int years;
    int steps_per_year;
    int n_steps; /* years * steps_per_year: steps are 0 .. n_steps */
    int64_t worlds;
    int64_t firms; /* per world */
    uint64_t seed;
    int n_percentiles;
    double percentiles[HC_MAX_PERCENTILES];
} hc_run_shape;

/* The setting (its config path) in which a and b differ, or NULL when they share the
 * shape. */
const char *hc_shape_difference(const hc_config *a, const hc_config *b);

/* The shape of cfg[0 .. n - 1], after checking they agree on it: 0, or non-zero with err
 * filled, naming the two files and the setting. */
int hc_shape_build(const hc_config *cfg, int n, hc_run_shape *shape, hc_error *err);

#endif
