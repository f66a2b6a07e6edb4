/* mcse.c: --target-mcse, and the manifest's "uncertainty". The Monte Carlo standard
 * errors themselves are computed below this file: by batch means (src/analysis/stats.c, see
 * hc_stats.h for the method and why), for every band (src/analysis/bands.c). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_mcse.h"
#include "hc_progress.h"
#include "hc_stats.h"

const int hc_headline_metrics[HC_N_HEADLINE] = {HC_M_EMPLOYMENT_CHANGE, HC_M_AI_EFFECT, HC_M_DISPLACED};

/* ---- growing a run */

int hc_results_append(hc_results *dst, const hc_results *more, hc_error *err)
{
    const int slots = dst->slots;
    const int64_t W = dst->worlds + more->worlds, F = dst->firms;
    const size_t per_world = (size_t)(dst->n_steps + 1) * (size_t)dst->n_sums, years = (size_t)(dst->years + 1);
    double *sums = (double *)malloc((size_t)slots * (size_t)W * per_world * sizeof(double));
    float *change = (float *)malloc((size_t)slots * years * (size_t)W * (size_t)F * sizeof(float));
    int s;
    if (dst->firm_stats || dst->firm_horizon || more->firm_stats || more->firm_horizon) {
        free(sums);
        free(change);
        return hc_fail(err, "internal error: adding worlds to a run whose firm statistics came from the backend "
                            "(its firm changes are not all there)");
    }
    size_t y;
    if (!sums || !change) {
        free(sums);
        free(change);
        return hc_fail(err, "out of memory adding worlds: %lld worlds x %lld firms do not fit; lower "
                       "--max-worlds or --firms", (long long)W, (long long)F);
    }
    for (s = 0; s < slots; s++) {
        double *to = sums + (size_t)s * (size_t)W * per_world;
        memcpy(to, dst->sums + (size_t)s * (size_t)dst->worlds * per_world,
               (size_t)dst->worlds * per_world * sizeof(double));
        memcpy(to + (size_t)dst->worlds * per_world, more->sums + (size_t)s * (size_t)more->worlds * per_world,
               (size_t)more->worlds * per_world * sizeof(double));
        for (y = 0; y < years; y++) {
            float *c = change + ((size_t)s * years + y) * (size_t)W * (size_t)F;
            const size_t old_n = (size_t)dst->worlds * (size_t)F, new_n = (size_t)more->worlds * (size_t)F;
            memcpy(c, dst->firm_change + ((size_t)s * years + y) * old_n, old_n * sizeof(float));
            memcpy(c + old_n, more->firm_change + ((size_t)s * years + y) * new_n, new_n * sizeof(float));
            dst->shrinking[(size_t)s * years + y] += more->shrinking[(size_t)s * years + y];
        }
    }
    free(dst->sums);
    free(dst->firm_change);
    dst->sums = sums;
    dst->firm_change = change;
    dst->worlds = W;
    dst->simulate_seconds += more->simulate_seconds;
    return 0;
}

/* MCSE of the median of each headline metric at the horizon; returns the largest. */
static double headline_mcse(const hc_results *r, const hc_config *cfg, int n_scenarios, hc_mcse_target *t,
                            int *worst_s, int *worst_k, double *values, double *scratch)
{
    static const double median = 50.0;
    double worst = -1.0;
    int s, k;
    for (s = 0; s < n_scenarios; s++)
        for (k = 0; k < HC_N_HEADLINE; k++) {
            double out[3];
            hc_world_metrics(r, cfg, s, r->n_steps, hc_headline_metrics[k], values);
            hc_mcse_row(values, r->worlds, &median, 1, out, scratch);
            if (hc_mcse_blocks(r->worlds) == 0) out[0] = INFINITY; /* too few worlds to tell: not yet known */
            if (s < HC_DESIGN_MAX_SCENARIOS) t->mcse[s][k] = out[0];
            if (out[0] > worst) {
                worst = out[0];
                *worst_s = s;
                *worst_k = k;
            }
        }
    return worst;
}

int hc_mcse_run_to_target(const hc_blend_run *run, const hc_plan *p, hc_design *design, const hc_sim_options *o,
                          double target, int64_t max_worlds, hc_results *res, hc_mcse_target *t, hc_error *err)
{
    const hc_config *cfg = p->models;
    const int slots = hc_blend_run_slots(run), n_user = run->n_user;
    hc_sim_options quiet_o = *o; /* the backend's notices were given for the first batch */
    double *values = NULL, *scratch = NULL;
    int rc = 1;
    quiet_o.quiet = 1;
    memset(t, 0, sizeof(*t));
    t->target = target;
    t->initial_worlds = res->worlds;
    t->max_worlds = max_worlds > 0 ? max_worlds : HC_MCSE_DEFAULT_MAX_WORLDS;
    t->n_scenarios = n_user;
    for (;;) {
        hc_results more;
        hc_plan plan = *p; /* the same models and design (extended below), over the next worlds */
        hc_progress *bar;
        int worst_s = 0, worst_k = 0, failed;
        int64_t next, worlds_done;
        double worst, grow;
        free(values);
        free(scratch);
        values = (double *)malloc((size_t)res->worlds * sizeof(double));
        scratch = (double *)malloc((size_t)res->worlds * sizeof(double));
        if (!values || !scratch) {
            hc_fail(err, "out of memory measuring the Monte Carlo standard errors");
            goto done;
        }
        worst = headline_mcse(res, cfg, n_user, t, &worst_s, &worst_k, values, scratch);
        t->worlds = res->worlds;
        t->worst = worst;
        if (worst <= target) {
            t->reached = 1;
            break;
        }
        if (res->worlds >= t->max_worlds) break;
        /* MCSE falls as 1/sqrt(W): aim at W (MCSE/X)^2 with 10 % to spare, growing by a
         * quarter at least (the estimate is noisy when it is close) and by 4 times at most
         * (it is noisy on few worlds). Deterministic: it depends only on the results. */
        grow = isfinite(worst) ? 1.1 * (worst / target) * (worst / target) : 4.0;
        grow = fmin(4.0, fmax(1.25, grow));
        next = (int64_t)ceil((double)res->worlds * grow);
        if (next > t->max_worlds) next = t->max_worlds;
        if (design && design->n_batches >= HC_DESIGN_MAX_BATCHES) break; /* the design holds no more batches */
        if (!o->quiet) {
            char mcse[32];
            snprintf(mcse, sizeof(mcse), isfinite(worst) ? "%.3g" : "not yet known", worst);
            fprintf(stderr, "headcount: --target-mcse %g: MCSE of the median of %s %s is %s with %lld worlds; "
                    "running worlds %lld to %lld\n", target, cfg[worst_s].name,
                    hc_metric_infos[hc_headline_metrics[worst_k]].name, mcse, (long long)res->worlds,
                    (long long)res->worlds, (long long)next - 1);
        }
        if (design && hc_design_extend(cfg, design, next, err)) goto done;
        if (hc_results_alloc(&more, slots, res->worlds, next - res->worlds, res->firms, res->n_steps,
                             res->steps_per_year, res->years, res->roles, err))
            goto done;
        plan.world_begin = more.world_begin;
        plan.worlds = more.worlds;
        worlds_done = 0;
        bar = hc_progress_start(&worlds_done, (int64_t)hc_blend_run_simulated(run) * more.worlds, o->quiet);
        failed = hc_blend_simulate(run, &plan, &quiet_o, &more, err);
        hc_progress_stop(bar);
        if (!failed) failed = hc_results_append(res, &more, err);
        if (!failed) {
            res->threads = more.threads;
            res->backend = more.backend;
        }
        hc_results_free(&more);
        if (failed) goto done;
        t->rounds++;
    }
    rc = 0;
done:
    free(values);
    free(scratch);
    return rc;
}

/* ---- the manifest's record */

cJSON *hc_uncertainty_manifest(const hc_uncertainty_options *o, const hc_design *d, const hc_mcse_target *t,
                               const hc_config *cfg, int64_t worlds)
{
    cJSON *u = cJSON_CreateObject(), *mcse;
    int s, k;
    if (!u) return NULL;
    cJSON_AddStringToObject(u, "sampling", o->sampling == HC_SAMPLING_LHS ? "lhs" : "mc");
    if (d) {
        cJSON *ends = cJSON_AddArrayToObject(u, "design_batches");
        int b;
        for (b = 0; b < d->n_batches; b++) cJSON_AddItemToArray(ends, cJSON_CreateNumber((double)d->batch_end[b]));
        cJSON_AddBoolToObject(u, "correlated", d->correlated);
        if (d->sobol_n > 0) {
            cJSON *sobol = cJSON_AddObjectToObject(u, "sobol");
            cJSON *inputs = cJSON_AddArrayToObject(sobol, "inputs");
            cJSON_AddNumberToObject(sobol, "base_samples", (double)d->sobol_n);
            for (k = 0; k < d->sobol_k; k++) {
                char name[128];
                hc_design_col_name(&cfg[0], d->sobol_col[k], name, sizeof(name));
                cJSON_AddItemToArray(inputs, cJSON_CreateString(name));
            }
        }
    }
    cJSON_AddBoolToObject(u, "sensitivity", o->sensitivity || o->sobol_n > 0);
    mcse = cJSON_AddObjectToObject(u, "mcse");
    cJSON_AddStringToObject(mcse, "method", "batch means: floor(sqrt(worlds)) blocks of consecutive world ids; "
                                            "the mean's: sd / sqrt(worlds)");
    cJSON_AddNumberToObject(mcse, "blocks", (double)hc_mcse_blocks(worlds));
    if (t) {
        cJSON *target = cJSON_AddObjectToObject(u, "target_mcse"), *by = NULL;
        cJSON_AddNumberToObject(target, "target", t->target);
        cJSON_AddBoolToObject(target, "reached", t->reached);
        cJSON_AddNumberToObject(target, "worlds", (double)t->worlds);
        cJSON_AddNumberToObject(target, "initial_worlds", (double)t->initial_worlds);
        cJSON_AddNumberToObject(target, "max_worlds", (double)t->max_worlds);
        by = cJSON_AddObjectToObject(target, "median_mcse");
        for (s = 0; s < t->n_scenarios && s < HC_DESIGN_MAX_SCENARIOS; s++) {
            cJSON *sc = cJSON_AddObjectToObject(by, cfg[s].name);
            for (k = 0; k < HC_N_HEADLINE; k++)
                cJSON_AddNumberToObject(sc, hc_metric_infos[hc_headline_metrics[k]].name,
                                        isfinite(t->mcse[s][k]) ? t->mcse[s][k] : -1.0);
        }
    }
    return u;
}
