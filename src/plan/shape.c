/* shape.c: the run's shape, built and checked in one place. See hc_shape.h.
 * Owns: the list of settings a run's scenarios share. Calls: nothing but hc_fail. */
#include <string.h>
#include "hc_shape.h"

const char *hc_shape_difference(const hc_config *a, const hc_config *b)
{
    if (a->start_year != b->start_year) return "simulation.start_year";
    if (a->years != b->years) return "simulation.years";
    if (a->steps_per_year != b->steps_per_year) return "simulation.steps_per_year";
    if (a->worlds != b->worlds) return "simulation.worlds";
    if (a->firms_per_world != b->firms_per_world) return "simulation.firms_per_world";
    if (a->seed != b->seed) return "simulation.seed";
    if (a->n_percentiles != b->n_percentiles ||
        memcmp(a->percentiles, b->percentiles, sizeof(double) * (size_t)a->n_percentiles) != 0)
        return "output.percentiles";
    return NULL;
}

int hc_shape_build(const hc_config *cfg, int n, hc_run_shape *shape, hc_error *err)
{
    const hc_config *c = &cfg[0];
    int i;
    for (i = 1; i < n; i++) {
        const char *what = hc_shape_difference(c, &cfg[i]);
        if (what)
            return hc_fail(err,
                           "%s and %s differ in %s; scenarios of one run share it "
                           "(set it in a common base config, or with a command-line option)",
                           c->path, cfg[i].path, what);
    }
    memset(shape, 0, sizeof(*shape));
    shape->start_year = c->start_year;
    shape->years = c->years;
    shape->steps_per_year = c->steps_per_year;
    shape->n_steps = c->years * c->steps_per_year;
    shape->worlds = c->worlds;
    shape->firms = c->firms_per_world;
    shape->seed = c->seed;
    shape->n_percentiles = c->n_percentiles;
    memcpy(shape->percentiles, c->percentiles, sizeof(double) * (size_t)c->n_percentiles);
    return 0;
}
