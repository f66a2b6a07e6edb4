/* world_sums.cu: the second, deterministic pass of the world sums. The model kernel
 * (kernels/firm_steps.cu) leaves one partial sum per block, step and sum; here one thread
 * per (world, step, sum) adds a world's block partials in block order. Same input, same
 * order, same bits, whatever the launch shape or the chunking of worlds. The scenario's
 * rows (`width` sums a step) are written into rows of `out_width`, the host's, zeros past
 * its roles. */
#include <cuda_runtime.h>
#include "model/hc_cuda_kernels.h"
#include "model/hc_model.h"

#define SUMS_BLOCK 256

// --- kernels

/* Thread i is (world, step, k) of d_sums, k < out_width; consecutive threads read
 * consecutive partials of one block, so the loads coalesce. */
extern "C" __global__ void __launch_bounds__(SUMS_BLOCK)
hc_world_sums_kernel(const double *HC_RESTRICT d_partials, int n_worlds, int blocks_per_world, int steps,
                     int width, int out_width, double *HC_RESTRICT d_sums)
{
    const int64_t i = (int64_t)blockIdx.x * SUMS_BLOCK + (int64_t)threadIdx.x;
    const int64_t out_row = (int64_t)steps * out_width, row = (int64_t)steps * width;
    const int k = (int)(i % out_width);
    const double *p;
    double s = 0.0;
    int b;
    if (i >= (int64_t)n_worlds * out_row) return;
    if (k < width) {
        p = d_partials + (i / out_row) * blocks_per_world * row + i % out_row / out_width * width + k;
        for (b = 0; b < blocks_per_world; b++) s += p[(int64_t)b * row];
    }
    d_sums[i] = s;
}

// --- launchers

extern "C" cudaError_t hc_cuda_launch_world_sums(const double *d_partials, int n_worlds, int blocks_per_world,
                                                 int n_steps, int width, int out_width, double *d_sums,
                                                 cudaStream_t stream)
{
    int64_t threads, blocks;
    if (!d_partials || !d_sums || n_worlds < 1 || blocks_per_world < 1 || n_steps < 0 || n_steps > HC_MAX_STEPS ||
        width < HC_N_SUMS || out_width < width)
        return cudaErrorInvalidValue;
    threads = (int64_t)n_worlds * (int64_t)(n_steps + 1) * out_width;
    blocks = (threads + SUMS_BLOCK - 1) / SUMS_BLOCK;
    if (blocks > INT32_MAX) return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_world_sums_kernel<<<(unsigned)blocks, SUMS_BLOCK, 0, stream>>>(d_partials, n_worlds, blocks_per_world, n_steps + 1,
                                                                     width, out_width, d_sums);
    return cudaGetLastError();
}
