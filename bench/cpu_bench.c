/* cpu_bench.c: `make bench`'s per-core table (bench/run.sh runs it). For each config and
 * each variant of the CPU firm loop this CPU runs (AVX-512, AVX2 and generic, at the role
 * capacity that holds the config's roles: src/engines/engine_cpu_firms.h), on one core:
 *
 *   - ns per firm-step: the CPU time of hc_run_cpu on one thread over worlds x firms x
 *     (T + 1), best of --reps. CPU time, not wall time: other work on a shared machine
 *     inflates it far less (it still shares caches and the core's sibling). It covers all
 *     the engine does: world paths, firm sampling, the steps and the world sums;
 *   - the op-count bound: HC_STEP_OPS's counts (include/model/hc_model.h, beside
 *     hc_firm_step) times the cost of each operation measured here, in that variant's
 *     instruction set, on long vectorised loops (best of --reps): what the step alone
 *     would cost if it ran at the throughput of its operations;
 *   - their ratio, measured within one run.
 *
 * It also checks that every variant gave the same world sums, byte for byte.
 *
 * usage: cpu_bench [--worlds W] [--firms F] [--reps N] CONFIG... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hc_config.h"
#include "hc_engine.h"
#include "model/hc_model.h"

#define N_ELEM 4096   /* floats per cost loop: in the first-level cache */
#define N_PASSES 1000 /* passes over them per timing */

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the cost of each operation of HC_STEP_OPS, ns per element, per instruction set */

typedef struct {
    double phi, log, exp, div, op;
} op_costs;

typedef void (*cost_loop)(const float *restrict x, float *restrict y, int n);

/* Five loops per instruction set, each one operation per element (op: a chain of 8). */
#define COST_LOOPS(isa, attr) \
    attr static void phi_##isa(const float *restrict x, float *restrict y, int n) \
    { \
        for (int i = 0; i < n; i++) y[i] = hc_normal_cdff(x[i]); \
    } \
    attr static void log_##isa(const float *restrict x, float *restrict y, int n) \
    { \
        for (int i = 0; i < n; i++) y[i] = hc_logf(x[i] + 20.0f); \
    } \
    attr static void exp_##isa(const float *restrict x, float *restrict y, int n) \
    { \
        for (int i = 0; i < n; i++) y[i] = hc_expf(x[i]); \
    } \
    attr static void div_##isa(const float *restrict x, float *restrict y, int n) \
    { \
        for (int i = 0; i < n; i++) y[i] = y[i] / (x[i] + 20.0f); \
    } \
    attr static void op_##isa(const float *restrict x, float *restrict y, int n) \
    { \
        for (int i = 0; i < n; i++) \
            y[i] = (((x[i] * 1.0001f + 0.5f) * 0.9999f - 0.25f) * 1.0002f + 0.125f) * 0.9998f - 0.0625f; \
    }

#define ISA_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,prefer-vector-width=512"), noinline))
#define ISA_AVX2 __attribute__((target("avx2"), noinline))
#define ISA_GENERIC __attribute__((noinline))
#if defined(__x86_64__) || defined(__i386__)
COST_LOOPS(avx512, ISA_AVX512)
COST_LOOPS(avx2, ISA_AVX2)
#endif
COST_LOOPS(generic, ISA_GENERIC)

static double time_loop(cost_loop f, const float *x, float *y, int reps, double per_element_ops)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        const double t0 = cpu_seconds();
        for (int p = 0; p < N_PASSES; p++) f(x, y, N_ELEM);
        const double t = cpu_seconds() - t0;
        best = t < best ? t : best;
    }
    return 1e9 * best / ((double)N_PASSES * N_ELEM * per_element_ops);
}

/* Each operation's cost, the least of *c (when `have`) and a new measurement: the bench
 * measures again after each engine timing, so that the bound is the best of several
 * measurements spread over the run rather than of a few milliseconds at its start (on a
 * shared machine a busy sibling core slowed such a burst by up to 30 %). */
static void measure_costs(const char *isa, int reps, int have, op_costs *c)
{
    static float x[N_ELEM], y[N_ELEM];
    cost_loop phi = phi_generic, lg = log_generic, ex = exp_generic, dv = div_generic, op = op_generic;
    for (int i = 0; i < N_ELEM; i++) {
        x[i] = -8.0f + 16.0f * (float)i / (float)N_ELEM; /* Phi's and exp's range; log and div shift it */
        y[i] = 1.0f;
    }
#if defined(__x86_64__) || defined(__i386__)
    if (strcmp(isa, "avx512") == 0) phi = phi_avx512, lg = log_avx512, ex = exp_avx512, dv = div_avx512, op = op_avx512;
    if (strcmp(isa, "avx2") == 0) phi = phi_avx2, lg = log_avx2, ex = exp_avx2, dv = div_avx2, op = op_avx2;
#endif
    const op_costs now = {time_loop(phi, x, y, reps, 1.0), time_loop(lg, x, y, reps, 1.0),
                          time_loop(ex, x, y, reps, 1.0), time_loop(dv, x, y, reps, 1.0),
                          time_loop(op, x, y, reps, 8.0)};
#define LEAST(f) c->f = have && c->f < now.f ? c->f : now.f;
    LEAST(phi) LEAST(log) LEAST(exp) LEAST(div) LEAST(op)
#undef LEAST
}

/* The bound of one firm-step with `lanes` role lanes: HC_STEP_OPS at these costs. */
static double bound_ns(const op_costs *c, int lanes)
{
    double b = 0.0;
#define ADD_OP(name, per_lane, per_firm) b += ((double)lanes * (per_lane) + (per_firm)) * c->name;
    HC_STEP_OPS(ADD_OP)
#undef ADD_OP
    return b;
}

/* ---- the engine */

/* years <= 0: the config's own */
static int load(const char *path, long long worlds, long long firms, int years, hc_config *cfg)
{
    char w[32], f[32], y[32];
    const hc_override ov[] = {{"simulation.worlds", w}, {"simulation.firms_per_world", f}, {"simulation.years", y}};
    hc_error err;
    snprintf(w, sizeof(w), "%lld", worlds);
    snprintf(f, sizeof(f), "%lld", firms);
    snprintf(y, sizeof(y), "%d", years);
    if (hc_config_load(path, ov, years > 0 ? 3 : 2, cfg, &err)) {
        fprintf(stderr, "cpu_bench: %s\n", err.message);
        return 1;
    }
    return 0;
}

/* CPU seconds of one engine run of `cfg` on one thread with variant `name` (best of reps);
 * its world sums into `sums` (the first run's) or compared with them (sums NULL: neither).
 * < 0: failed. */
static double time_engine(const hc_config *cfg, const char *name, int reps, double *sums, int first, int *same)
{
    hc_results res;
    hc_error err;
    double best = 1e30;
    const size_t n = (size_t)cfg->worlds * (size_t)(cfg->model.n_steps + 1) * (size_t)hc_sums_width(cfg->model.n_roles);
    memset(&res, 0, sizeof(res));
    if (hc_results_alloc(&res, 1, 0, cfg->worlds, cfg->firms_per_world, cfg->years * cfg->steps_per_year,
                         cfg->steps_per_year, cfg->years, cfg->model.n_roles, &err)) {
        fprintf(stderr, "cpu_bench: %s\n", err.message);
        return -1.0;
    }
    setenv("HC_CPU_VARIANT", name, 1);
    for (int r = 0; r < reps; r++) {
        const hc_plan plan = hc_plan_of(cfg, 1, &res);
        const double t0 = cpu_seconds();
        if (hc_run_cpu(&plan, 1, &res, &err)) {
            fprintf(stderr, "cpu_bench: %s: %s\n", name, err.message);
            hc_results_free(&res);
            return -1.0;
        }
        const double t = cpu_seconds() - t0;
        best = t < best ? t : best;
    }
    if (sums && first)
        memcpy(sums, hc_results_sums(&res, 0, 0, 0), n * sizeof(double));
    else if (sums)
        *same = *same && memcmp(sums, hc_results_sums(&res, 0, 0, 0), n * sizeof(double)) == 0;
    hc_results_free(&res);
    return best;
}

static int cpu_runs(const char *isa)
{
#if defined(__x86_64__) || defined(__i386__)
    if (strcmp(isa, "avx2") == 0) return __builtin_cpu_supports("avx2");
    if (strcmp(isa, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
    return 1;
#else
    return strcmp(isa, "generic") == 0;
#endif
}

static int bench(char **paths, int n, long long worlds, long long firms, int reps)
{
    static const char *const isas[] = {"avx512", "avx2", "generic"};
    op_costs costs[3];
    int same = 1, have[3];
    for (int k = 0; k < 3; k++)
        if ((have[k] = cpu_runs(isas[k]))) measure_costs(isas[k], reps, 0, &costs[k]);
    printf(
        "== One core: ns per firm-step against the op-count bound (%lld worlds x %lld firms, CPU time, best of %d)\n",
        worlds, firms, reps);
    printf("%-12s %5s %-11s %9s %9s %9s %9s %9s %9s   %s\n", "config", "roles", "variant", "ns/step", "sampling",
           "steps", "bound", "ratio", "steps/bd", "ns per element: phi log exp div op");
    for (int c = 0; c < n; c++) {
        hc_config cfg, one_year;
        double *sums;
        const char *base = strrchr(paths[c], '/') ? strrchr(paths[c], '/') + 1 : paths[c];
        if (load(paths[c], worlds, firms, 0, &cfg)) return 1;
        if (load(paths[c], worlds, firms, 1, &one_year)) return 1;
        const int R = cfg.model.n_roles, cap = R <= 8 ? 8 : R <= 16 ? 16 : 64;
        const int lanes = cap <= 16 ? cap : (R + 7) & ~7; /* hc_role_lanes of that capacity */
        const double wf = (double)worlds * (double)firms, T1 = (double)(cfg.model.n_steps + 1);
        const double T1_short = (double)(one_year.model.n_steps + 1);
        sums = (double *)malloc((size_t)worlds * (size_t)(cfg.model.n_steps + 1) * (size_t)hc_sums_width(R) *
                                sizeof(double));
        if (!sums) return 1;
        for (int k = 0, first = 1; k < 3; k++) {
            char name[32];
            if (!have[k] || (k == 0 && cap > 16)) continue; /* AVX-512: capacities 8 and 16 */
            snprintf(name, sizeof(name), "r%d_%s", cap, isas[k]);
            const double t = time_engine(&cfg, name, reps, sums, first, &same);
            const double t_short = time_engine(&one_year, name, reps, NULL, 0, &same);
            if (t < 0.0 || t_short < 0.0) return 1;
            first = 0;
            measure_costs(isas[k], reps, 1, &costs[k]);
            /* t = wf (a + b T1): a per firm (world paths, sampling), b per firm-step */
            const double b = 1e9 * (t - t_short) / (wf * (T1 - T1_short)), a = 1e9 * t / wf - b * T1;
            const double ns = 1e9 * t / (wf * T1), bd = bound_ns(&costs[k], lanes);
            printf("%-12s %5d %-11s %9.1f %9.1f %9.1f %9.1f %9.2f %9.2f   %.2f %.2f %.2f %.2f %.3f\n", base, R, name,
                   ns, a / T1, b, bd, ns / bd, b / bd, costs[k].phi, costs[k].log, costs[k].exp, costs[k].div,
                   costs[k].op);
        }
        free(sums);
        hc_config_free(&cfg);
        hc_config_free(&one_year);
    }
    printf("ns/step: everything the engine does on one thread (world paths, firm sampling, steps, world sums) per\n"
           "firm-step; sampling + steps = ns/step, split by a second run of one year (sampling: per firm, spread over\n"
           "the run's steps); bound: HC_STEP_OPS (include/model/hc_model.h) x each operation's cost measured in the\n"
           "variant's instruction set (the least of its measurements before and after each engine timing); ratio =\n"
           "ns/step / bound, steps/bd = steps / bound.\n"
           "All variants gave the same world sums, byte for byte: %s\n",
           same ? "yes" : "NO");
    return same ? 0 : 1;
}

int main(int argc, char **argv)
{
    long long worlds = 24, firms = 1000;
    int reps = 3, i = 1;
    while (i + 1 < argc && strncmp(argv[i], "--", 2) == 0) {
        if (strcmp(argv[i], "--worlds") == 0)
            worlds = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--firms") == 0)
            firms = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
        else
            break;
        i += 2;
    }
    if (i >= argc || worlds < 1 || firms < 1 || reps < 1) {
        fprintf(stderr, "usage: cpu_bench [--worlds W] [--firms F] [--reps N] CONFIG...\n");
        return 2;
    }
    return bench(argv + i, argc - i, worlds, firms, reps);
}
