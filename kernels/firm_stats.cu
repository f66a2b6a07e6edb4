/* firm_stats.cu: one year's firm statistics on the device, the same bits as the host's
 * (src/analysis/bands.c): the percentiles (kernels/percentiles.cu: a CUB radix sort, numpy's
 * interpolation) and the mean and sample sd of hc_mean_sd_f (src/analysis/stats.c), whose
 * sums are added in the fixed tree of HC_MEAN_FANOUT (hc_stats.h). Here the tree's first
 * level is one thread per node of HC_MEAN_FANOUT consecutive firms, and its upper levels
 * are the world sums' (kernels/world_sums.cu, the same tree over one row of one double).
 * So only np + 2 doubles a year need to cross to the host, not every firm's change. The
 * host takes the sd's square root (kernels/ call no math function: tests/cli_cuda.sh).
 * Built with --fmad=false (mk/cuda.mk): a fused (x - m)^2 + s would round differently. */
#include <cuda_runtime.h>
#include "hc_stats.h"
#include "model/hc_cuda_kernels.h"

static_assert(HC_MEAN_FANOUT == HC_CUDA_SUMS_FANOUT, "the host's mean tree is the world sums' tree");

#define STATS_BLOCK 256

// --- kernels

/* Node j of the tree's first level: the sum, in index order from 0.0, of (double)x[i]
 * (d_mean NULL) or of ((double)x[i] - *d_mean)^2, for i in [j * fan-out, (j + 1) * fan-out) and < n. */
extern "C" __global__ void __launch_bounds__(STATS_BLOCK)
    hc_firm_moment_kernel(const float *HC_RESTRICT x, int64_t n, const double *HC_RESTRICT d_mean,
                          double *HC_RESTRICT out)
{
    const int64_t j = (int64_t)blockIdx.x * STATS_BLOCK + (int64_t)threadIdx.x;
    const int64_t first = j * HC_MEAN_FANOUT;
    const double m = d_mean ? *d_mean : 0.0;
    double s = 0.0;
    int64_t i;
    if (first >= n) return;
    for (i = first; i < n && i < first + HC_MEAN_FANOUT; i++) {
        const double v = (double)x[i];
        s += d_mean ? (v - m) * (v - m) : v;
    }
    out[j] = s;
}

/* The mean (var 0) or the sample variance (var 1) from the tree's total, as hc_mean_sd_f
 * ends; its square root is the host's (hc_cuda_launch_firm_stats). */
extern "C" __global__ void hc_firm_moment_finish_kernel(const double *HC_RESTRICT d_total, int64_t n, int var,
                                                        double *HC_RESTRICT d_out)
{
    if (threadIdx.x != 0) return;
    if (!var)
        *d_out = *d_total / (double)n;
    else
        *d_out = n > 1 ? *d_total / (double)(n - 1) : 0.0;
}

// --- launchers

/* The tree's total of one moment into d_out (the mean's read back by the sd's first level). */
static cudaError_t moment(const float *d_x, int64_t n, const double *d_mean, double *d_level, double *d_scratch,
                          double *d_out, cudaStream_t stream)
{
    const int64_t nodes = (n + HC_MEAN_FANOUT - 1) / HC_MEAN_FANOUT;
    const double *total = d_level;
    cudaError_t e;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_firm_moment_kernel<<<(unsigned)((nodes + STATS_BLOCK - 1) / STATS_BLOCK), STATS_BLOCK, 0, stream>>>(
        d_x, n, d_mean, d_level);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
    if (nodes > 1) { /* the upper levels; one node is the total already, as on the host */
        e = hc_cuda_launch_world_sums(d_level, d_scratch, 1, (int)nodes, 0, 1, 1, d_out, stream);
        if (e != cudaSuccess) return e;
        total = d_out;
    }
    hc_firm_moment_finish_kernel<<<1, 32, 0, stream>>>(total, n, d_mean != NULL, d_out);
    return cudaGetLastError();
}

extern "C" cudaError_t hc_cuda_launch_firm_stats(const float *d_x, int64_t n, const hc_cuda_firm_stats_buffers *b,
                                                 const double *d_p, int np, double *d_out, cudaStream_t stream)
{
    cudaError_t e;
    if (!d_x || !b || !b->d_level || !d_out || n < 1 || hc_cuda_firm_stats_nodes(n) > INT32_MAX ||
        (hc_cuda_firm_stats_scratch(n) > 0 && !b->d_scratch))
        return cudaErrorInvalidValue;
    e = hc_cuda_launch_percentiles(d_x, b->d_sorted, (size_t)n, b->d_temp, b->temp_bytes, d_p, np, d_out, stream);
    if (e != cudaSuccess) return e;
    if ((e = moment(d_x, n, NULL, b->d_level, b->d_scratch, d_out + np, stream)) != cudaSuccess) return e;
    return moment(d_x, n, d_out + np, b->d_level, b->d_scratch, d_out + np + 1, stream);
}
