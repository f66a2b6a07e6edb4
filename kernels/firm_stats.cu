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

/* The first level of the firm-sampling share's two trees per world (src/analysis/firm_share.c:
 * hc_tree_sum_f over the even, and over the odd, firm numbers): thread i = (w nodes + j) 2 + h
 * adds, in firm order from 0.0, (double)x[w firms + f] for the firms f = h, h + 2, ... in
 * [j 2 fan-out, (j + 1) 2 fan-out): node j of world w's tree over half h. The odd half may
 * get one node more than the host's tree has; it holds 0.0, which adds nothing to any sum. */
extern "C" __global__ void __launch_bounds__(STATS_BLOCK)
    hc_firm_halves_kernel(const float *HC_RESTRICT x, int n_worlds, int64_t firms, int nodes, double *HC_RESTRICT out)
{
    const int64_t i = (int64_t)blockIdx.x * STATS_BLOCK + (int64_t)threadIdx.x;
    const int64_t node = i / 2, w = node / nodes, j = node % nodes;
    const int64_t end = (j + 1) * 2 * HC_MEAN_FANOUT < firms ? (j + 1) * 2 * HC_MEAN_FANOUT : firms;
    double s = 0.0;
    int64_t f;
    if (i >= (int64_t)n_worlds * nodes * 2) return;
    for (f = j * 2 * HC_MEAN_FANOUT + i % 2; f < end; f += 2) s += (double)x[w * firms + f];
    out[i] = s;
}

/* Thread i = s (n_bins + 1) + k: below[i] = how many of scenario s's sorted values
 * (sorted + s n) fall in bins below k (hc_bin_index < k), by binary search: the index
 * never decreases along a sorted array (hc_stats.h). */
extern "C" __global__ void hc_firm_bins_below_kernel(const float *HC_RESTRICT sorted, int64_t n, int n_scenarios,
                                                     double x0, double step, int n_bins,
                                                     unsigned long long *HC_RESTRICT below)
{
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + (int64_t)threadIdx.x;
    const int k = (int)(i % (n_bins + 1));
    const float *v = sorted + i / (n_bins + 1) * n;
    int64_t lo = 0, hi = n;
    if (i >= (int64_t)n_scenarios * (n_bins + 1)) return;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (hc_bin_index(v[mid], x0, step) < (double)k)
            lo = mid + 1;
        else
            hi = mid;
    }
    below[i] = (unsigned long long)lo;
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

extern "C" cudaError_t hc_cuda_launch_firm_halves(const float *d_x, int n_worlds, int64_t firms, double *d_level,
                                                  double *d_scratch, double *d_halves, cudaStream_t stream)
{
    const int nodes = hc_cuda_firm_halves_nodes(firms);
    const int64_t threads = (int64_t)n_worlds * nodes * 2;
    cudaError_t e;
    if (!d_x || !d_level || !d_halves || n_worlds < 1 || firms < 1 ||
        (threads + STATS_BLOCK - 1) / STATS_BLOCK > INT32_MAX ||
        (hc_cuda_sums_scratch(n_worlds, nodes, 0, 2) > 0 && !d_scratch))
        return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_firm_halves_kernel<<<(unsigned)((threads + STATS_BLOCK - 1) / STATS_BLOCK), STATS_BLOCK, 0, stream>>>(
        d_x, n_worlds, firms, nodes, d_level);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
    return hc_cuda_launch_world_sums(d_level, d_scratch, n_worlds, nodes, 0, 2, 2, d_halves, stream);
}

extern "C" cudaError_t hc_cuda_launch_firm_bins_below(const float *d_sorted, int64_t n, int n_scenarios, double x0,
                                                      double step, int n_bins, unsigned long long *d_below,
                                                      cudaStream_t stream)
{
    const int threads = n_scenarios * (n_bins + 1);
    if (!d_sorted || !d_below || n < 1 || n_scenarios < 1 || n_bins < 1 || n_scenarios > 1024 || n_bins > 1024 ||
        !(step > 0.0))
        return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_firm_bins_below_kernel<<<(unsigned)((threads + STATS_BLOCK - 1) / STATS_BLOCK), STATS_BLOCK, 0, stream>>>(
        d_sorted, n, n_scenarios, x0, step, n_bins, d_below);
    return cudaGetLastError();
}
