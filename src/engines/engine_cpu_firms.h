/* engine_cpu_firms.h: the CPU backend's inner loop, every firm of one world through every
 * step, built once per role capacity and instruction set (docs/performance.md "CPU").
 *
 * src/engines/engine_cpu_cap.c, built once per capacity of HC_ROLE_CAPS (include/model/hc_defs.h),
 * includes this file with HC_FIRM_ROLE_CAP set and HC_CPU_FIRMS_DEFINE, which defines that
 * capacity's variants and their table (hc_cpu_firms_rN_variants): AVX-512 (capacities 8
 * and 16), AVX2 and generic (any x86-64, or any other CPU). src/engines/engine_cpu.c includes it
 * for the declarations and runs the smallest capacity that holds the scenario's roles, in
 * the widest instruction set the CPU has (hc_cpu_firms_pick).
 *
 * Firms run in blocks of HC_CPU_BLOCK: step t of every firm of the block, then step t + 1.
 * With capacities 8 and 16 the block's state is kept as structure of arrays (float k of
 * firm i at state[k][i]); each firm is copied into an hc_firm, stepped by hc_firm_step
 * and copied back, and the model's role loops are unrolled (HC_ROLE_LOOPS_UNROLLED in
 * include/model/hc_model.h), so that the loop over the block's firms is straight-line code gcc
 * vectorises: one firm per vector lane, 8 (AVX2) or 16 (AVX-512) firms per instruction,
 * the copies compiling to plain vector loads and stores. With capacity 64 unrolling would
 * make the step too big: the firms are stepped in place, one at a time, and the role
 * loops are vectorised across roles instead.
 *
 * No variant changes a bit of the results (tests/unit_engine_variants.c compares them all):
 *   - a lane computes exactly the float operations of hc_firm_step for its firm, in their
 *     order; vector and scalar instructions round alike; -ffp-contract=off and no FMA in
 *     any variant (tests/cli_perf.sh checks the objects), so nothing is fused;
 *   - every sum over roles is added in role order (hc_role_sum); each firm's terms of the
 *     world's sums (hc_sum_term, w_f x in double) are computed in vector code, and added
 *     into the sums in firm order, outside the vector loop (block_add_terms). */
#ifndef HC_ENGINE_CPU_FIRMS_H
#define HC_ENGINE_CPU_FIRMS_H

#include "hc_engine.h"

/* What the firms of one world share. */
typedef struct {
    const hc_model *m;
    uint32_t draw_id;           /* whose counters draw the firms (hc_design.h) */
    const hc_world_inputs *wi;
    const hc_world_step *steps; /* steps 0..T */
    const float *Kw;            /* [t * n_roles + r] */
    float *lnKw;                /* scratch as large as Kw: ln Kw, filled by the firm loop (HC_KW_WITH_LOG) */
    double *sums;               /* [t][n_sums], zeroed; firms are added in order */
    int n_sums;                 /* hc_sums_width of the results' roles */
    hc_results *res;            /* where firm changes and shrinking counts go */
    int scenario;
    int64_t world;              /* index in res's slice */
} hc_cpu_world;

typedef void (*hc_cpu_firms_fn)(const hc_cpu_world *cw);

/* x86: AVX-512 (capacities 8 and 16: across roles, the 16-float vectors of capacity 64
 * measured slower than AVX2's 8) and AVX2 variants; elsewhere only the generic ones. */
#if defined(__x86_64__) || defined(__i386__)
#define HC_CPU_X86 1
#endif

/* One variant of the firm loop. */
typedef struct {
    const char *name; /* "r8_avx2": HC_CPU_VARIANT's value */
    int capacity;
    const char *isa; /* for __builtin_cpu_supports; NULL: any CPU */
    hc_cpu_firms_fn run;
} hc_cpu_variant;

/* Per capacity N of HC_ROLE_CAPS: its variants, widest instruction set first, ending with
 * a NULL name; and the functions (hc_cpu_firms_rN_avx512 exists up to 16 roles only). */
#define HC_CPU_DECLARE_CAP(cap)                                           \
    extern const hc_cpu_variant hc_cpu_firms_r##cap##_variants[];         \
    void hc_cpu_firms_r##cap##_generic(const hc_cpu_world *cw);           \
    void hc_cpu_firms_r##cap##_avx2(const hc_cpu_world *cw);              \
    void hc_cpu_firms_r##cap##_avx512(const hc_cpu_world *cw);
HC_ROLE_CAPS(HC_CPU_DECLARE_CAP)
#undef HC_CPU_DECLARE_CAP

/* The variant for n_roles: the smallest capacity that holds them, in the widest
 * instruction set this CPU runs; or the one named by the environment variable
 * HC_CPU_VARIANT ("r16_avx2", "r64_generic"...: for tests and benchmarks), if it holds
 * n_roles and the CPU runs it. NULL with *name set to the variable's value when it names
 * no usable variant. *name: the variant's name. */
hc_cpu_firms_fn hc_cpu_firms_pick(int n_roles, const char **name);

#endif

#ifdef HC_CPU_FIRMS_DEFINE
#ifndef HC_FIRM_ROLE_CAP
#error "define HC_FIRM_ROLE_CAP before including engine_cpu_firms.h with HC_CPU_FIRMS_DEFINE"
#endif

#include <string.h>

/* Firms side by side: a multiple of every vector width (16 floats), and small enough that
 * a block's state stays in the first-level cache. */
#define HC_CPU_BLOCK 16

enum { HC_FIRM_FLOATS = sizeof(hc_firm) / sizeof(float) };
_Static_assert(sizeof(hc_firm) == HC_FIRM_FLOATS * sizeof(float),
               "hc_firm must hold floats only: the block keeps it as an array of floats per firm");

#define HC_CPU_CAT3(a, b, c) a##b##c
#define HC_CPU_NAME(cap, isa) HC_CPU_CAT3(hc_cpu_firms_r, cap, isa)

/* The block's firms. Vectorised across firms (HC_ROLE_LOOPS_UNROLLED): structure of
 * arrays, float k of firm i at state[k][i], so that each lane's copy in and out of an
 * hc_firm is one vector load or store per float. Vectorised across roles: the firms
 * themselves, stepped in place. */
typedef struct {
#ifdef HC_ROLE_LOOPS_UNROLLED
    float state[HC_FIRM_FLOATS][HC_CPU_BLOCK];
#else
    hc_firm firm[HC_CPU_BLOCK];
#endif
} firm_block;

static inline __attribute__((always_inline)) void block_put(firm_block *b, int i, const hc_firm *f)
{
#ifdef HC_ROLE_LOOPS_UNROLLED
    int k;
    _Pragma("GCC unroll 256") for (k = 0; k < HC_FIRM_FLOATS; k++)
        memcpy(&b->state[k][i], (const char *)f + k * sizeof(float), sizeof(float));
#else
    b->firm[i] = *f;
#endif
}

static inline __attribute__((always_inline)) void block_get(const firm_block *b, int i, hc_firm *f)
{
#ifdef HC_ROLE_LOOPS_UNROLLED
    int k;
    _Pragma("GCC unroll 256") for (k = 0; k < HC_FIRM_FLOATS; k++)
        memcpy((char *)f + k * sizeof(float), &b->state[k][i], sizeof(float));
#else
    *f = b->firm[i];
#endif
}

/* The block's contributions at one step, as structure of arrays: field k of firm i at
 * k[i], so that the vector loop's stores are plain vector stores (an array of
 * hc_firm_out, 16 fields wide, would need 16-way interleaved stores, which gcc refuses). */
typedef struct {
    float H[HC_CPU_BLOCK], Hcf[HC_CPU_BLOCK], A[HC_CPU_BLOCK], Ho[HC_CPU_BLOCK], Hn[HC_CPU_BLOCK];
    float Hs[HC_CPU_BLOCK], Hp[HC_CPU_BLOCK], spend[HC_CPU_BLOCK], wage_bill[HC_CPU_BLOCK];
    float exposed[HC_CPU_BLOCK], Y[HC_CPU_BLOCK], Ycf[HC_CPU_BLOCK], weight[HC_CPU_BLOCK];
    float demand[HC_CPU_BLOCK];
    int rolled_back[HC_CPU_BLOCK], capped[HC_CPU_BLOCK], uses_ai[HC_CPU_BLOCK];
    float role_people[HC_FIRM_ROLE_CAP][HC_CPU_BLOCK], role_automated[HC_FIRM_ROLE_CAP][HC_CPU_BLOCK];
} out_block;

static inline __attribute__((always_inline)) void out_get(const out_block *ob, int i, int n_roles, hc_firm_out *o)
{
    int r;
    o->H = ob->H[i];
    o->Hcf = ob->Hcf[i];
    o->A = ob->A[i];
    o->Ho = ob->Ho[i];
    o->Hn = ob->Hn[i];
    o->Hs = ob->Hs[i];
    o->Hp = ob->Hp[i];
    o->spend = ob->spend[i];
    o->wage_bill = ob->wage_bill[i];
    o->exposed = ob->exposed[i];
    o->Y = ob->Y[i];
    o->Ycf = ob->Ycf[i];
    o->weight = ob->weight[i];
    o->rolled_back = ob->rolled_back[i];
    o->capped = ob->capped[i];
    o->uses_ai = ob->uses_ai[i];
    o->demand = ob->demand[i];
    for (r = 0; r < n_roles; r++) {
        o->role_people[r] = ob->role_people[r][i];
        o->role_automated[r] = ob->role_automated[r][i];
    }
}

/* Rows of a block's terms: the world's sums, then each role lane's two role sums
 * (hc_sums_width at the capacity). */
#define HC_CPU_TERM_ROWS (HC_N_SUMS + HC_N_ROLE_SUMS * HC_FIRM_ROLE_CAP)

/* The block's terms at one step: term[k][i], firm i's term w_f x of the step's sum k
 * (hc_sum_term: the world's HC_N_SUMS, then role r's kind at
 * HC_N_SUMS + r * HC_N_ROLE_SUMS + kind, the layout of a row of sums). */
typedef struct {
    double term[HC_CPU_TERM_ROWS][HC_CPU_BLOCK];
} term_block;

/* The terms of every firm of the block, in double: a loop over the block's firms that gcc
 * vectorises as it does the step (k, r and kind are constants in the unrolled loops, so
 * each term is one product), over all the role lanes the step computed. Apart from the
 * step, so that the step's registers are not shared with it. */
static inline __attribute__((always_inline)) void block_terms(const out_block *ob, int lanes, term_block *tb)
{
    int i, k, r;
#pragma GCC ivdep
    for (i = 0; i < HC_CPU_BLOCK; i++) {
        hc_firm_out o;
        out_get(ob, i, lanes, &o);
        _Pragma("GCC unroll 32") for (k = 0; k < HC_N_SUMS; k++) tb->term[k][i] = hc_sum_term(&o, k);
        _Pragma("GCC unroll 64") for (r = 0; r < lanes; r++) {
            tb->term[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE][i] = hc_role_term(&o, r, HC_RSUM_PEOPLE);
            tb->term[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_AUTOMATED][i] = hc_role_term(&o, r, HC_RSUM_AUTOMATED);
        }
    }
}

/* sums[k] += the terms of the block's first n firms, in firm order, for the n_roles roles'
 * rows. Each sum's chain is a run of scalar adds, but the chains of different sums are
 * independent, so they overlap, and each sum is loaded and stored once per block rather
 * than once per firm (hc_firm_accumulate, firm by firm, took 15 % of the AVX-512 engine's
 * time). */
static inline __attribute__((always_inline)) void block_add_terms(const term_block *tb, int n, int n_roles,
                                                                  double *HC_RESTRICT sums)
{
    const int width = hc_sums_width(n_roles);
    int k, i;
    for (k = 0; k < width; k++) {
        double s = sums[k];
        for (i = 0; i < n; i++) s += tb->term[k][i];
        sums[k] = s;
    }
}

/* Firm i of the block through step t, its contributions to out, change[i], below[i]. */
static inline __attribute__((always_inline)) void block_step(firm_block *b, int i, const hc_model *m,
                                                             const hc_world_step *ws, const float *K, int t,
                                                             out_block *out, float *change, int *below)
{
#ifdef HC_ROLE_LOOPS_UNROLLED
    hc_firm f_copy;
    hc_firm *f = &f_copy;
    block_get(b, i, f);
#else
    hc_firm *f = &b->firm[i];
#endif
    hc_firm_out o;
    int r;
    hc_firm_step(m, ws, K, t, f, &o);
#ifdef HC_ROLE_LOOPS_UNROLLED
    block_put(b, i, f);
#endif
    /* field by field: gcc vectorises no struct copy */
    out->H[i] = o.H;
    out->Hcf[i] = o.Hcf;
    out->A[i] = o.A;
    out->Ho[i] = o.Ho;
    out->Hn[i] = o.Hn;
    out->Hs[i] = o.Hs;
    out->Hp[i] = o.Hp;
    out->spend[i] = o.spend;
    out->wage_bill[i] = o.wage_bill;
    out->exposed[i] = o.exposed;
    out->Y[i] = o.Y;
    out->Ycf[i] = o.Ycf;
    out->weight[i] = o.weight;
    out->rolled_back[i] = o.rolled_back;
    out->capped[i] = o.capped;
    out->uses_ai[i] = o.uses_ai;
    out->demand[i] = o.demand;
    /* all the lanes the step computed (hc_role_lanes): a count known at compile time
     * where the role loops are unrolled; block_add_terms adds the real roles' only */
    _Pragma("GCC unroll 64") for (r = 0; r < hc_role_lanes(m->n_roles); r++) {
        out->role_people[r][i] = o.role_people[r];
        out->role_automated[r][i] = o.role_automated[r];
    }
    change[i] = hc_firm_change_pct(f, o.H);
    below[i] = o.H < f->H_start;
}

/* The first Philox block of every draw site of firms first .. first + 15 (hc_firm_blocks):
 * one loop over the 16 firms per site, which gcc vectorises (one firm per lane, 32-bit
 * products as vpmuludq), instead of one scalar Philox per draw. Sites the firms do not
 * draw (world inputs, roles past n_roles) are left unset: hc_firm_sample_ahead never
 * reads them. Rejection samplers that need a second block compute it themselves. */
static inline __attribute__((always_inline)) void block_ahead(const hc_model *m, uint32_t world, uint32_t first,
                                                              uint32_t ahead[][HC_CPU_BLOCK])
{
    const hc_philox_key key = {{(uint32_t)m->seed, (uint32_t)(m->seed >> 32)}};
    int site, i, k;
    for (site = 0; site < HC_N_SCALAR_INPUTS + m->n_roles; site++) {
        const uint32_t y = hc_firm_site_stream(site) << 16; /* step 0 */
        uint32_t *out = ahead[site * 4];
        if (site < HC_N_SCALAR_INPUTS && hc_input_level(site) != HC_LEVEL_FIRM) continue;
        for (i = 0; i < HC_CPU_BLOCK; i++) {
            const hc_philox_ctr c = {{0u, y, first + (uint32_t)i + 1u, world}};
            const hc_philox_ctr b = hc_philox4x32_10(c, key);
            for (k = 0; k < 4; k++) out[k * HC_CPU_BLOCK + i] = b.v[k];
        }
    }
}

/* Firm first + i of the block, from the first Philox blocks of its draws. Not inlined
 * into the variants' flattened loop: there its speed depended on the code around it
 * (docs/performance.md "What would go further"). Scalar code, one copy for every variant. */
static __attribute__((noinline)) void sample_firm(const hc_cpu_world *cw, const uint32_t *ahead, int64_t first, int i,
                                                  hc_firm *f)
{
    const hc_firm_blocks blocks = {ahead, HC_CPU_BLOCK, i};
    hc_firm_sample_ahead(cw->m, cw->draw_id, (uint32_t)(first + i), cw->wi, f, &blocks);
}

/* Inlined into each variant below with everything it calls (flatten), so that each is
 * compiled whole for its instruction set. */
static inline __attribute__((always_inline)) void firms_of_world(const hc_cpu_world *cw)
{
    const hc_model *m = cw->m;
    const int T = m->n_steps, S = m->steps_per_year, R = m->n_roles;
    const int64_t F = cw->res->firms;
    const float ln_one = hc_logf(1.0f); /* the padding lanes' ln K, as the step would compute it */
    int64_t first;
    int t;
    /* ln K of every step and role, once per world rather than once per firm and step: the
     * same hc_logf, so the same bits, in this variant's vector instructions */
    for (t = 0; t < (T + 1) * R; t++) cw->lnKw[t] = hc_logf(cw->Kw[t]);
    for (first = 0; first < F; first += HC_CPU_BLOCK) {
        const int n = F - first < HC_CPU_BLOCK ? (int)(F - first) : HC_CPU_BLOCK;
        firm_block block;
        out_block out;
        term_block terms;
        uint32_t ahead[HC_FIRM_SITES * 4][HC_CPU_BLOCK]; /* first Philox blocks of the firms' draws */
        float change[HC_CPU_BLOCK]; /* hc_firm_change_pct, kept at whole years */
        int below[HC_CPU_BLOCK];    /* H_t < H at step 0 */
        int i;
        /* Ctrl-C or SIGTERM is seen within one block of firms (docs/hardening.md), not
         * only between worlds: one world of 1e8 firms takes minutes. */
        if (hc_interrupted) return;
        block_ahead(m, cw->draw_id, (uint32_t)first, ahead);
        for (i = 0; i < n; i++) {
            hc_firm f;
            sample_firm(cw, &ahead[0][0], first, i, &f);
            block_put(&block, i, &f);
        }
        for (i = n; i < HC_CPU_BLOCK; i++) { /* past the last firm: a copy of the first, computed and never added */
            hc_firm f;
            block_get(&block, 0, &f);
            block_put(&block, i, &f);
        }
        for (t = 0; t <= T; t++) {
            /* Step t's compute costs, padded to the capacity, then their logarithms: the
             * step reads them from a local array, which it may read whole, without a
             * condition. */
            float K[2 * HC_FIRM_ROLE_CAP];
            const hc_world_step ws = cw->steps[t];
            double *sums = cw->sums + (size_t)t * (size_t)cw->n_sums;
            int r;
            for (r = 0; r < HC_FIRM_ROLE_CAP; r++) {
                K[r] = r < R ? cw->Kw[(size_t)t * (size_t)R + (size_t)r] : 1.0f;
                K[HC_FIRM_ROLE_CAP + r] = r < R ? cw->lnKw[(size_t)t * (size_t)R + (size_t)r] : ln_one;
            }
#pragma GCC ivdep
            for (i = 0; i < HC_CPU_BLOCK; i++) block_step(&block, i, m, &ws, K, t, &out, change, below);
            block_terms(&out, hc_role_lanes(R), &terms);
            block_add_terms(&terms, n, R, sums);
            if (t % S == 0) {
                const int year = t / S;
                float *dst = hc_results_firm_change(cw->res, cw->scenario, year) + cw->world * F + first;
                int64_t shrinking = 0;
                for (i = 0; i < n; i++) {
                    dst[i] = change[i];
                    shrinking += below[i];
                }
                if (shrinking) { /* an integer count: the order of adding cannot matter */
#pragma omp atomic
                    cw->res->shrinking[(size_t)cw->scenario * (size_t)(cw->res->years + 1) + (size_t)year] += shrinking;
                }
            }
        }
    }
}

#ifdef HC_CPU_X86
/* The vector variants are scheduled before register allocation, with register pressure in
 * view (gcc -fschedule-insns -fsched-pressure, which x86 leaves off by default). The step
 * is one straight block of about 6,500 vector instructions, mostly the long dependency
 * chains of 40 normal CDFs, which in source order come one after another (most likely why
 * the out-of-order core stalled: it sees a few hundred instructions at once). Measured
 * with cpu_bench (docs/performance.md "CPU"): a firm-step took 119-125 ns with AVX-512
 * against 89-95 with the scheduling, and 182-202 against 132-140 with AVX2. The vector
 * instructions on the stack stayed about as many (1,849 against 1,793 with AVX-512): the
 * order is what changed. Scheduling only reorders instructions, so every float operation
 * and every bit stays (tests/unit_engine_variants.c). Not for the generic variant: with
 * SSE2's 16 registers it measured slower (413-435 ns against 335-355). A function
 * attribute because all of a capacity's variants share one object; gcc appends its options
 * to the command line's. */
#if defined(__clang__)
#define HC_CPU_SCHEDULED unused /* clang has neither option nor this attribute */
#else
#define HC_CPU_SCHEDULED optimize("schedule-insns", "sched-pressure")
#endif
#ifdef HC_ROLE_LOOPS_UNROLLED
/* No "fma" in any target: with -ffp-contract=off gcc would not fuse anyway, and this way
 * no instruction that rounds once for two operations is even available. */
__attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,prefer-vector-width=512"), flatten, HC_CPU_SCHEDULED))
void HC_CPU_NAME(HC_FIRM_ROLE_CAP, _avx512)(const hc_cpu_world *cw)
{
    firms_of_world(cw);
}
#endif

__attribute__((target("avx2"), flatten, HC_CPU_SCHEDULED))
void HC_CPU_NAME(HC_FIRM_ROLE_CAP, _avx2)(const hc_cpu_world *cw)
{
    firms_of_world(cw);
}

#endif

__attribute__((flatten)) void HC_CPU_NAME(HC_FIRM_ROLE_CAP, _generic)(const hc_cpu_world *cw)
{
    firms_of_world(cw);
}

#define HC_CPU_STR2(x) #x
#define HC_CPU_STR(x) HC_CPU_STR2(x)
const hc_cpu_variant HC_CPU_NAME(HC_FIRM_ROLE_CAP, _variants)[] = {
#ifdef HC_CPU_X86
#ifdef HC_ROLE_LOOPS_UNROLLED
    {"r" HC_CPU_STR(HC_FIRM_ROLE_CAP) "_avx512", HC_FIRM_ROLE_CAP, "avx512", HC_CPU_NAME(HC_FIRM_ROLE_CAP, _avx512)},
#endif
    {"r" HC_CPU_STR(HC_FIRM_ROLE_CAP) "_avx2", HC_FIRM_ROLE_CAP, "avx2", HC_CPU_NAME(HC_FIRM_ROLE_CAP, _avx2)},
#endif
    {"r" HC_CPU_STR(HC_FIRM_ROLE_CAP) "_generic", HC_FIRM_ROLE_CAP, NULL, HC_CPU_NAME(HC_FIRM_ROLE_CAP, _generic)},
    {NULL, 0, NULL, NULL},
};

#endif
