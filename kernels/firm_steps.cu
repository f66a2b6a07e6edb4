/* firm_steps.cu: the model kernel. One thread per firm runs hc_firm_sample, then
 * hc_firm_step at every step, with the firm's state in registers (include/model/hc_model.h, the
 * code the CPU backend runs); each step the block adds its firms' contributions up in a
 * fixed order and writes one partial sum per block (kernels/world_sums.cu adds those).
 *
 * Built once per role capacity of HC_ROLE_CAPS (model/hc_defs.h): mk/cuda.mk compiles this
 * file with -DHC_FIRM_ROLE_CAP=N, and each build's names end in _rN. The host picks the smallest
 * that holds the scenario's roles (src/engines/engine_cuda_host.c). Not here: the equations. */
#include <cuda_runtime.h>
#include "model/hc_cuda_kernels.h"
#include "model/hc_model.h"

#ifndef HC_FIRM_ROLE_CAP
#error "build with -DHC_FIRM_ROLE_CAP=N (mk/cuda.mk)"
#endif
#if HC_FIRM_ROLE_CAP > HC_MAX_ROLES
#error "HC_FIRM_ROLE_CAP exceeds HC_MAX_ROLES"
#endif

#define HC_CAT2(a, b) a##b
#define HC_CAT(a, b) HC_CAT2(a, b)
#define HC_WITH_CAP(name) HC_CAT(HC_CAT(name, _r), HC_FIRM_ROLE_CAP)

#define WARP 32
#define WARPS_PER_BLOCK (HC_CUDA_BLOCK / WARP)
static_assert(HC_CUDA_BLOCK % WARP == 0, "HC_CUDA_BLOCK must be a multiple of the warp size");

// --- kernels

/* The scenario: every thread reads the same fields at the same time, which the constant
 * cache serves in one broadcast. */
static __constant__ hc_model c_model;

/* One pass's contribution of every firm of the block, [sum][thread], double-buffered by
 * pass parity so that one barrier per pass suffices (see block_pass). */
typedef double hc_block_contrib[HC_N_SUMS][HC_CUDA_BLOCK];

/* The role sums go through the same buffer, HC_N_SUMS roles at a time: this many passes
 * at most per kind of role sum. */
#define ROLE_PASSES ((HC_FIRM_ROLE_CAP + HC_N_SUMS - 1) / HC_N_SUMS)

/* partial[k * stride] = the block's sum of c[k] over its threads, k < n, added in a fixed order:
 * lane l of the warp that owns sum k adds threads l, l + 32, l + 64... in that order, then
 * the warp's lanes are added by a shuffle tree (16, 8, 4, 2, 1). The same bits on every
 * run.
 *
 * One barrier per pass is enough because the buffer alternates: a warp writes buffer
 * p & 1 again at pass p + 2 only after the barrier of pass p + 1, which every warp reaches
 * after it has read buffer p & 1 at pass p. */
static __device__ __forceinline__ void block_pass(hc_block_contrib *contrib, const double *c, int n, int stride,
                                                  double *HC_RESTRICT partial)
{
    const int lane = (int)threadIdx.x % WARP;
    int k;
    HC_UNROLL
    for (k = 0; k < HC_N_SUMS; k++) (*contrib)[k][threadIdx.x] = c[k];
    __syncthreads();
    for (k = (int)threadIdx.x / WARP; k < n; k += WARPS_PER_BLOCK) {
        double v = (*contrib)[k][lane];
        int j, offset;
        HC_UNROLL
        for (j = 1; j < WARPS_PER_BLOCK; j++) v += (*contrib)[k][lane + j * WARP];
        HC_UNROLL
        for (offset = WARP / 2; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
        if (lane == 0) partial[k * stride] = v;
    }
}

/* The block's role sums of one kind (hc_role_sum_id, a constant at each call) for roles
 * 0 .. R - 1, HC_N_SUMS roles a pass, into partial[r * HC_N_ROLE_SUMS + kind]. */
static __device__ __forceinline__ void block_role_sums(hc_block_contrib *contrib, int *pass, const hc_firm_out *o,
                                                       bool active, int R, int kind, double *HC_RESTRICT partial)
{
    double c[HC_N_SUMS];
    int k, j;
    HC_UNROLL
    for (j = 0; j < ROLE_PASSES; j++) {
        const int first = j * HC_N_SUMS, left = R - first; /* the same in every thread */
        if (left > 0) {
            HC_UNROLL
            for (k = 0; k < HC_N_SUMS; k++) {
                const int r = first + k; /* known at compile time: o's arrays stay in registers */
                c[k] = r < HC_FIRM_ROLE_CAP && k < left && active ? hc_role_term(o, r, kind) : 0.0;
            }
            block_pass(&contrib[(*pass)++ & 1], c, left < HC_N_SUMS ? left : HC_N_SUMS, HC_N_ROLE_SUMS,
                       partial + first * HC_N_ROLE_SUMS + kind);
        }
    }
}

/* This step's sums of the block: the R roles' (partial[HC_N_SUMS ..]) and the world's
 * (partial[0 .. HC_N_SUMS)); *pass counts the passes through the buffer. */
static __device__ __forceinline__ void block_sums(hc_block_contrib *contrib, int *pass, const hc_firm_out *o,
                                                  bool active, int R, double *HC_RESTRICT partial)
{
    double c[HC_N_SUMS];
    int k;
    HC_UNROLL
    for (k = 0; k < HC_N_SUMS; k++) c[k] = 0.0;
    if (active) hc_firm_accumulate(c, o); /* the model's own field-to-sum mapping */
    /* The order of the passes changes no sum, only ptxas' register allocation, and so
     * whether the build spills (tests/cli_cuda.sh refuses a spill at 8 and 16 roles).
     * Measured with nvcc 13.0 on sm_80, sm_90 and sm_100: the world's pass first spills
     * ~150 B at 8 roles and none at 16; the roles' first, none at 8 and ~60 B at 16. */
    if (HC_FIRM_ROLE_CAP > 8) block_pass(&contrib[(*pass)++ & 1], c, HC_N_SUMS, 1, partial);
    block_role_sums(contrib, pass, o, active, R, HC_RSUM_PEOPLE, partial + HC_N_SUMS);
    block_role_sums(contrib, pass, o, active, R, HC_RSUM_AUTOMATED, partial + HC_N_SUMS);
    if (HC_FIRM_ROLE_CAP <= 8) block_pass(&contrib[(*pass)++ & 1], c, HC_N_SUMS, 1, partial);
}

/* At a whole year: the firm's change in %, to change_year[slot], and a count of the firms
 * below their start headcount (integer adds, so their order cannot matter). */
static __device__ __forceinline__ void record_year(bool active, const hc_firm *f, const hc_firm_out *o,
                                                   float *change_year, int64_t slot, unsigned long long *shrinking)
{
    const unsigned below = __ballot_sync(0xffffffffu, active && o->H < f->H_start);
    if (active) change_year[slot] = hc_firm_change_pct(f, o->H);
    if ((int)threadIdx.x % WARP == 0 && below != 0u) atomicAdd(shrinking, (unsigned long long)__popc(below));
}

/* Block b is block b % blocks_per_world of chunk world b / blocks_per_world; thread i of
 * it is firm (b % blocks_per_world) * HC_CUDA_BLOCK + i. Threads past the last firm add
 * zeros, so every thread reaches every barrier. */
extern "C" __global__ void __launch_bounds__(HC_CUDA_BLOCK)
HC_WITH_CAP(hc_firm_steps_kernel)(hc_cuda_firm_args a, int blocks_per_world)
{
    __shared__ hc_block_contrib contrib[2];
    const hc_model *m = &c_model;
    const int T1 = m->n_steps + 1, S = m->steps_per_year, R = m->n_roles;
    const int64_t w = (int64_t)(blockIdx.x / (unsigned)blocks_per_world);
    const int64_t block = (int64_t)(blockIdx.x % (unsigned)blocks_per_world);
    const int64_t firm = block * HC_CUDA_BLOCK + (int64_t)threadIdx.x;
    const bool active = firm < a.firms;
    const hc_world_step *steps = a.d_steps + w * T1;
    const float *Kw = a.d_Kw + w * T1 * R;
    const int width = hc_sums_width(R); /* doubles per step of d_partials */
    double *partial = a.d_partials + (w * blocks_per_world + block) * T1 * width;
    const int64_t slot = w * a.firms + firm; /* in a year's firm changes; a firm's only if active */
    const int64_t year_stride = (int64_t)a.year_worlds * a.firms;
    hc_firm f = {};     /* zeros: the threads past the last firm carry them, unused */
    hc_firm_out o = {};
    int t, pass = 0;

    if (active) hc_firm_sample(m, a.world_first + (uint32_t)w, (uint32_t)firm, &a.d_wi[w], &f);
    for (t = 0; t <= a.last_step; t++) {
        if (active) hc_firm_step(m, &steps[t], Kw + (int64_t)t * R, t, &f, &o);
        block_sums(contrib, &pass, &o, active, R, partial + (int64_t)t * width);
        if (t % S == 0)
            record_year(active, &f, &o, a.d_firm_change + (t / S) * year_stride, slot, &a.d_shrinking[t / S]);
    }
}

// --- launchers

extern "C" cudaError_t HC_WITH_CAP(hc_cuda_launch_firm_steps)(const hc_model *m, const hc_cuda_firm_args *a,
                                                              cudaStream_t stream)
{
    int blocks_per_world;
    int64_t blocks;
    cudaError_t e;
    if (!m || !a || !a->d_wi || !a->d_steps || !a->d_Kw || !a->d_partials || !a->d_firm_change ||
        !a->d_shrinking)
        return cudaErrorInvalidValue;
    if (m->n_roles < 1 || m->n_roles > HC_FIRM_ROLE_CAP || m->steps_per_year < 1 || m->n_steps < 0 ||
        a->n_worlds < 1 || a->firms < 1 || a->firms > (int64_t)UINT32_MAX - 1 || a->last_step < -1 ||
        a->last_step > m->n_steps || a->year_worlds < a->n_worlds)
        return cudaErrorInvalidValue;
    blocks_per_world = hc_cuda_blocks_per_world(a->firms);
    blocks = (int64_t)a->n_worlds * blocks_per_world;
    if (blocks > INT32_MAX) return cudaErrorInvalidValue;
    e = cudaMemcpyToSymbolAsync(c_model, m, sizeof(hc_model), 0, cudaMemcpyHostToDevice, stream);
    if (e != cudaSuccess) return e;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    HC_WITH_CAP(hc_firm_steps_kernel)<<<(unsigned)blocks, HC_CUDA_BLOCK, 0, stream>>>(*a, blocks_per_world);
    return cudaGetLastError();
}
