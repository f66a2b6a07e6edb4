/* engine_cpu.c: the CPU backend. OpenMP threads take whole worlds; inside a world the
 * firms' contributions are added in index order, so every sum is added in the same order
 * whatever the thread count or schedule, and results are bit-identical for any --threads.
 * The loop over a world's firms is src/engines/engine_cpu_firms.h, built per role capacity and
 * instruction set, all variants giving the same bits; this file picks one per scenario.
 * The model itself lives in include/model/hc_model.h, shared with kernels/. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "hc_design.h"
#include "hc_engine.h"
#include "engine_cpu_firms.h"

/* The variants of src/engines/engine_cpu_firms.h: capacities smallest first (HC_ROLE_CAPS), the
 * widest instruction set first within a capacity. */
#define HC_CPU_VARIANTS_OF(cap) hc_cpu_firms_r##cap##_variants,
static const hc_cpu_variant *const cpu_variants[] = {HC_ROLE_CAPS(HC_CPU_VARIANTS_OF)};
#undef HC_CPU_VARIANTS_OF

/* Whether this CPU runs a variant's instruction set (__builtin_cpu_supports wants a
 * literal). AVX-512: the variants are built for F, VL, DQ and BW, which every AVX-512 CPU
 * since Skylake-SP has. */
static int cpu_runs(const char *isa)
{
    if (isa == NULL) return 1;
#ifdef HC_CPU_X86
    if (strcmp(isa, "avx2") == 0) return __builtin_cpu_supports("avx2");
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

hc_cpu_firms_fn hc_cpu_firms_pick(int n_roles, const char **name)
{
    const char *want = getenv("HC_CPU_VARIANT");
    const int named = want && *want;
    size_t c;
    const hc_cpu_variant *v;
    for (c = 0; c < sizeof(cpu_variants) / sizeof(cpu_variants[0]); c++)
        for (v = cpu_variants[c]; v->name; v++)
            if ((!named || strcmp(want, v->name) == 0) && n_roles <= v->capacity && cpu_runs(v->isa)) {
                *name = v->name;
                return v->run;
            }
    *name = named ? want : "none";
    return NULL; /* unnamed, unreachable: r64_generic runs anywhere, and the loader allows 64 roles */
}

/* World w of res's slice (id world_begin + w) of one scenario: its macro path, then
 * every firm through every step (src/engines/engine_cpu_firms.h). */
static void run_world(const hc_model *m, const hc_design *design, int s, int64_t w, hc_results *res,
                      hc_world_step *steps, float *Kw, hc_cpu_firms_fn run_firms)
{
    const uint32_t world_id = (uint32_t)(res->world_begin + w);
    const int T = m->n_steps;
    hc_world_inputs wi;
    hc_cpu_world cw;

    cw.draw_id = world_id; /* whose counters draw the price path and the firms */
    if (design) /* inputs chosen up front (hc_design.h): LHS, correlations, Sobol */
        hc_design_world(design, s, world_id, &wi, &cw.draw_id);
    else
        hc_world_sample(m, world_id, &wi);
    hc_world_path(m, cw.draw_id, &wi, steps, Kw);
    cw.m = m;
    cw.wi = &wi;
    cw.steps = steps;
    cw.Kw = Kw;
    cw.lnKw = Kw + (size_t)(T + 1) * (size_t)m->n_roles; /* the second half of this thread's scratch */
    cw.sums = hc_results_sums(res, s, w, 0);
    cw.n_sums = res->n_sums;
    cw.res = res;
    cw.scenario = s;
    cw.world = w;
    memset(cw.sums, 0, (size_t)(T + 1) * (size_t)res->n_sums * sizeof(double));
    run_firms(&cw);
}

int hc_run_cpu(const hc_plan *p, int threads, hc_results *res, hc_error *err)
{
    const double t0 = omp_get_wtime();
    int s, n_threads;
    if (threads > 0) omp_set_num_threads(threads);
    n_threads = omp_get_max_threads();
    res->threads = n_threads;
    res->backend = "cpu";
    for (s = 0; s < p->n_models && !hc_interrupted; s++) {
        const hc_model *m = &p->models[s].model;
        const size_t path_len = (size_t)(m->n_steps + 1);
        const char *variant;
        const hc_cpu_firms_fn run_firms = hc_cpu_firms_pick(m->n_roles, &variant);
        /* Scratch for one world path per thread, indexed by thread: it holds only
         * intermediate values, so which thread takes which world cannot matter. */
        hc_world_step *steps = (hc_world_step *)malloc((size_t)n_threads * path_len * sizeof(hc_world_step));
        /* and for its compute costs: K, then ln K (engine_cpu_firms.h) */
        float *Kw = (float *)malloc((size_t)n_threads * 2u * path_len * (size_t)m->n_roles * sizeof(float));
        int64_t w;
        if (m->n_roles > res->roles) { /* its role sums would not fit in a row */
            free(steps);
            free(Kw);
            return hc_fail(err, "internal error: results hold the sums of %d roles, and scenario %d has %d",
                           res->roles, s, m->n_roles);
        }
        if (!run_firms) {
            free(steps);
            free(Kw);
            return hc_fail(err, "HC_CPU_VARIANT=%s: no such CPU variant for %d roles on this CPU (r8_, r16_ or "
                           "r64_ with avx512, avx2 or generic)", variant, m->n_roles);
        }
        if (!steps || !Kw) {
            free(steps);
            free(Kw);
            return hc_fail(err, "out of memory for %d world paths of %d steps", n_threads, m->n_steps + 1);
        }
#pragma omp parallel for schedule(dynamic, 1)
        for (w = 0; w < res->worlds; w++) {
            const size_t tid = (size_t)omp_get_thread_num();
            if (hc_interrupted) continue;
            run_world(m, p->design, s, w, res, steps + tid * path_len, Kw + tid * 2u * path_len * (size_t)m->n_roles,
                      run_firms);
            if (p->worlds_done) __atomic_fetch_add(p->worlds_done, 1, __ATOMIC_RELAXED); /* progress bar only */
        }
        free(steps);
        free(Kw);
    }
    res->simulate_seconds = omp_get_wtime() - t0;
    if (hc_interrupted) return hc_fail(err, "interrupted");
    return 0;
}
