/* world_sums.cu: the second, deterministic pass of the world sums. The model kernel
 * (kernels/firm_steps.cu) leaves one partial sum per block, step and sum; here they are
 * added up per (world, step, sum) in a fixed tree whose shape follows from the number of
 * blocks alone (hc_cuda_kernels.h, hc_cuda_launch_world_sums): each node adds up to
 * HC_CUDA_SUMS_FANOUT consecutive inputs in order, one thread per node, and a level's
 * nodes are the next level's inputs. Same input, same tree, same bits, whatever the launch
 * shape or the chunking of worlds; and a world of few blocks (<= the fan-out: 8,192 firms)
 * is one node, its blocks added in block order, as before the tree.
 *
 * Why a tree: one thread per (world, step, sum) adding every block in turn leaves a GPU
 * idle when there are few worlds of many firms (one world of 1e8 firms: 781,250 blocks in
 * one chain per sum); with the tree every level has (nodes x steps x sums) threads. */
#include <cuda_runtime.h>
#include "model/hc_cuda_kernels.h"
#include "model/hc_model.h"

#define SUMS_BLOCK 256

// --- kernels

/* One level: d_in holds n_in rows of `steps * width` doubles per world ([world][node][step][k]),
 * d_out n_out = ceil(n_in / fan-out) nodes per world with rows of out_width (>= width; zeros
 * past width). Thread i is (world, node, step, k) of d_out; consecutive threads read
 * consecutive doubles of one row, so the loads coalesce. */
extern "C" __global__ void __launch_bounds__(SUMS_BLOCK)
    hc_world_sums_kernel(const double *HC_RESTRICT d_in, int n_worlds, int n_in, int n_out, int steps, int width,
                         int out_width, double *HC_RESTRICT d_out)
{
    const int64_t i = (int64_t)blockIdx.x * SUMS_BLOCK + (int64_t)threadIdx.x;
    const int64_t out_row = (int64_t)steps * out_width, row = (int64_t)steps * width;
    const int k = (int)(i % out_width);
    const int64_t node = i / out_row; /* world * n_out + j */
    const double *p;
    double s = 0.0;
    int b, first, count;
    if (i >= (int64_t)n_worlds * n_out * out_row) return;
    if (k < width) {
        first = (int)(node % n_out) * HC_CUDA_SUMS_FANOUT;
        count = n_in - first < HC_CUDA_SUMS_FANOUT ? n_in - first : HC_CUDA_SUMS_FANOUT;
        p = d_in + (node / n_out * n_in + first) * row + i % out_row / out_width * width + k;
        for (b = 0; b < count; b++) s += p[(int64_t)b * row];
    }
    d_out[i] = s;
}

// --- launchers

static cudaError_t launch_level(const double *d_in, int n_worlds, int n_in, int steps, int width, int out_width,
                                double *d_out, cudaStream_t stream)
{
    const int n_out = hc_cuda_sums_nodes(n_in);
    const int64_t threads = (int64_t)n_worlds * n_out * steps * out_width;
    const int64_t blocks = (threads + SUMS_BLOCK - 1) / SUMS_BLOCK;
    if (blocks > INT32_MAX) return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_world_sums_kernel<<<(unsigned)blocks, SUMS_BLOCK, 0, stream>>>(d_in, n_worlds, n_in, n_out, steps, width,
                                                                      out_width, d_out);
    return cudaGetLastError();
}

/* Level by level, ping-ponging between d_scratch and d_partials (whose inputs the second
 * level no longer needs), until one node per world is left: that level writes d_sums. */
extern "C" cudaError_t hc_cuda_launch_world_sums(double *d_partials, double *d_scratch, int n_worlds,
                                                 int blocks_per_world, int n_steps, int width, int out_width,
                                                 double *d_sums, cudaStream_t stream)
{
    const int steps = n_steps + 1;
    const double *in = d_partials;
    int n = blocks_per_world;
    cudaError_t e;
    if (!d_partials || !d_sums || n_worlds < 1 || blocks_per_world < 1 || n_steps < 0 || n_steps > HC_MAX_STEPS ||
        width < 1 || out_width < width || (blocks_per_world > HC_CUDA_SUMS_FANOUT && !d_scratch))
        return cudaErrorInvalidValue;
    while (n > HC_CUDA_SUMS_FANOUT) {
        double *out = in == d_partials ? d_scratch : d_partials;
        if ((e = launch_level(in, n_worlds, n, steps, width, width, out, stream)) != cudaSuccess) return e;
        in = out;
        n = hc_cuda_sums_nodes(n);
    }
    return launch_level(in, n_worlds, n, steps, width, out_width, d_sums, stream);
}
