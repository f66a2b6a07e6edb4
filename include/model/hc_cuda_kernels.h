/* hc_cuda_kernels.h: the launchers of the kernels/ files, called by src/engine_cuda_host.c.
 *
 * Each launcher checks its preconditions (cudaErrorInvalidValue when one fails), copies
 * the scenario's model to its kernel's constant memory on `stream`, launches, and returns
 * cudaGetLastError(). It clears that error state just before the launch: a failed call
 * before it (an allocation the host retried smaller) was already reported by its own
 * check and must not pass for a launch failure, while a sticky error (a faulted context)
 * cannot be cleared and is still returned. Nothing here synchronises; device pointers are
 * marked d_. The layouts below are the contract between the kernels and the host. */
#ifndef HC_CUDA_KERNELS_H
#define HC_CUDA_KERNELS_H

#include <cuda_runtime_api.h>
#include <stddef.h>
#include <stdint.h>
#include "hc_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Firms (threads) per block of the model kernel. The block sums, and so the order in which
 * a world's firms are added up, follow from it: changing it changes the last bits of the
 * GPU's sums (never the CPU's). A multiple of 32. */
#define HC_CUDA_BLOCK 128

/* Blocks of the model kernel per world. */
static inline int hc_cuda_blocks_per_world(int64_t firms)
{
    return (int)((firms + HC_CUDA_BLOCK - 1) / HC_CUDA_BLOCK);
}

/* kernels/world_paths.cu: one thread per world of a chunk. World w of the chunk (id
 * world_first + w) gets d_wi[w], d_steps[w * (T + 1) + t] and
 * d_Kw[(w * (T + 1) + t) * n_roles + r]. */
cudaError_t hc_cuda_launch_world_paths(const hc_model *m, uint32_t world_first, int n_worlds,
                                       hc_world_inputs *d_wi, hc_world_step *d_steps, float *d_Kw,
                                       cudaStream_t stream);

/* kernels/firm_steps.cu: the model kernel, one thread per firm, HC_CUDA_BLOCK firms of one
 * world per block, blocks_per_world blocks per world. */
typedef struct {
    const hc_world_inputs *d_wi;  /* [world] (hc_cuda_launch_world_paths) */
    const hc_world_step *d_steps; /* [world][T + 1] */
    const float *d_Kw;            /* [world][T + 1][n_roles] */
    double *d_partials;           /* out: [world][block][T + 1][hc_sums_width(n_roles)], each block's sums */
    float *d_firm_change;         /* out: [year 0..years][world * firms + firm], %, years year_worlds worlds apart */
    int year_worlds;              /* n_worlds, or more where the buffer holds more worlds' years */
    unsigned long long *d_shrinking; /* out, added to: [year 0..years], firms below their start */
    uint32_t world_first;         /* id of the chunk's world 0 */
    int n_worlds;                 /* worlds in the chunk */
    int64_t firms;                /* per world */
    int last_step;                /* T; -1 samples the firms and takes no step (profiling) */
} hc_cuda_firm_args;

/* One build of kernels/firm_steps.cu per role capacity of HC_ROLE_CAPS (hc_defs.h;
 * HC_FIRM_ROLE_CAP, hc_model.h), hc_cuda_launch_firm_steps_rN; each refuses a model with
 * more roles than it holds. */
#define HC_CUDA_DECLARE_FIRM_STEPS(cap) \
    cudaError_t hc_cuda_launch_firm_steps_r##cap(const hc_model *m, const hc_cuda_firm_args *a, cudaStream_t stream);
HC_ROLE_CAPS(HC_CUDA_DECLARE_FIRM_STEPS)
#undef HC_CUDA_DECLARE_FIRM_STEPS

/* kernels/world_sums.cu: d_sums[(w * (T + 1) + t) * out_width + k] = world w's sum of the
 * model kernel's d_partials (rows of `width`) for k < width, 0 for width <= k < out_width,
 * added in a fixed tree: while more than HC_CUDA_SUMS_FANOUT values are left, each run of
 * HC_CUDA_SUMS_FANOUT consecutive ones (the last run shorter) is added in order into one
 * value of the next level; the last <= HC_CUDA_SUMS_FANOUT values are added in order. So
 * a world of at most HC_CUDA_SUMS_FANOUT blocks adds them in block order. The levels use
 * d_scratch (hc_cuda_sums_scratch doubles; NULL when that is 0) and overwrite d_partials. */
#define HC_CUDA_SUMS_FANOUT 64

/* Nodes of the next level of the tree over n values. */
static inline int hc_cuda_sums_nodes(int n)
{
    return (n + HC_CUDA_SUMS_FANOUT - 1) / HC_CUDA_SUMS_FANOUT;
}

/* Doubles of d_scratch hc_cuda_launch_world_sums needs: the tree's first level, if any. */
static inline size_t hc_cuda_sums_scratch(int64_t n_worlds, int blocks_per_world, int n_steps, int width)
{
    if (blocks_per_world <= HC_CUDA_SUMS_FANOUT) return 0;
    return (size_t)n_worlds * (size_t)hc_cuda_sums_nodes(blocks_per_world) * (size_t)(n_steps + 1) * (size_t)width;
}

cudaError_t hc_cuda_launch_world_sums(double *d_partials, double *d_scratch, int n_worlds, int blocks_per_world,
                                      int n_steps, int width, int out_width, double *d_sums, cudaStream_t stream);

/* kernels/firm_stats.cu: the device buffers of one year's firm statistics over n firms:
 * d_sorted n floats, d_temp temp_bytes (hc_cuda_sort_temp_bytes(n)), d_level
 * hc_cuda_firm_stats_nodes(n) doubles, d_scratch hc_cuda_firm_stats_scratch(n) doubles
 * (NULL when 0). */
typedef struct {
    float *d_sorted;
    void *d_temp;
    size_t temp_bytes;
    double *d_level;
    double *d_scratch;
} hc_cuda_firm_stats_buffers;

static inline int64_t hc_cuda_firm_stats_nodes(int64_t n)
{
    return (n + HC_CUDA_SUMS_FANOUT - 1) / HC_CUDA_SUMS_FANOUT;
}

static inline size_t hc_cuda_firm_stats_scratch(int64_t n)
{
    const int64_t nodes = hc_cuda_firm_stats_nodes(n);
    return nodes > INT32_MAX ? 0 : hc_cuda_sums_scratch(1, (int)nodes, 0, 1);
}

/* d_out[0 .. np) = the percentiles d_p[0 .. np) of d_x[0 .. n) (hc_cuda_launch_percentiles),
 * d_out[np] their mean and d_out[np + 1] their sample variance, whose square root (sqrt,
 * IEEE-rounded on both) is the sd: each the same bits as the host's hc_percentiles_f and
 * hc_mean_sd_f (hc_stats.h). d_x is not changed. */
cudaError_t hc_cuda_launch_firm_stats(const float *d_x, int64_t n, const hc_cuda_firm_stats_buffers *b,
                                      const double *d_p, int np, double *d_out, cudaStream_t stream);

/* The horizon's firm-sampling share (src/analysis/firm_share.c) on the device:
 * d_halves[2 w + h] = world w's sum of its even (h 0) or odd (h 1) firms' d_x, each added
 * in hc_tree_sum_f's tree, the same bits. Its first level takes d_level,
 * n_worlds * hc_cuda_firm_halves_nodes(firms) * 2 doubles, and its upper levels
 * d_scratch, hc_cuda_sums_scratch(n_worlds, nodes, 0, 2) doubles (NULL when 0). */
static inline int hc_cuda_firm_halves_nodes(int64_t firms)
{
    return (int)((firms + 2 * HC_CUDA_SUMS_FANOUT - 1) / (2 * HC_CUDA_SUMS_FANOUT));
}
cudaError_t hc_cuda_launch_firm_halves(const float *d_x, int n_worlds, int64_t firms, double *d_level,
                                       double *d_scratch, double *d_halves, cudaStream_t stream);

/* The horizon's histogram (src/analysis/firm_share.c) from each scenario's sorted firm
 * changes (d_sorted[s * n .. (s + 1) * n)): d_below[s * (n_bins + 1) + k] = how many fall in
 * bins below k (hc_bin_index, hc_stats.h), k = 0 .. n_bins; bin b then holds
 * below[b + 1] - below[b], the end bins also what lies beyond them. */
cudaError_t hc_cuda_launch_firm_bins_below(const float *d_sorted, int64_t n, int n_scenarios, double x0, double step,
                                           int n_bins, unsigned long long *d_below, cudaStream_t stream);

/* kernels/percentiles.cu: bytes of CUB temporary storage to sort n floats. */
cudaError_t hc_cuda_sort_temp_bytes(size_t n, size_t *bytes);
/* Sorts d_x[0..n) into d_sorted (d_x unchanged), then d_out[j] = percentile d_p[j] of it,
 * numpy's linear method as src/analysis/stats.c computes it, for j < np <= HC_MAX_PERCENTILES. */
cudaError_t hc_cuda_launch_percentiles(const float *d_x, float *d_sorted, size_t n, void *d_temp,
                                       size_t temp_bytes, const double *d_p, int np, double *d_out,
                                       cudaStream_t stream);
/* The pick alone, from d_sorted[0..n) already sorted. */
cudaError_t hc_cuda_launch_percentile_pick(const float *d_sorted, size_t n, const double *d_p, int np, double *d_out,
                                           cudaStream_t stream);

/* kernels/philox_kat.cu: d_in[6 i ..] = ctr[4], key[2]; d_hc[4 i ..] and d_curand[4 i ..]
 * the outputs of hc_philox4x32_10 and cuRAND's curand_Philox4x32_10. */
cudaError_t hc_cuda_launch_philox_kat(const uint32_t *d_in, int n, uint32_t *d_hc, uint32_t *d_curand,
                                      cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
