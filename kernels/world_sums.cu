/* world_sums.cu: the second, deterministic pass of the world sums. The model kernel
 * (kernels/firm_steps.cu) leaves one partial sum per block, step and sum; here one thread
 * per (world, step, sum) adds a world's block partials in block order. Same input, same
 * order, same bits, whatever the launch shape or the chunking of worlds. */
#include <cuda_runtime.h>
#include "model/hc_cuda_kernels.h"
#include "model/hc_model.h"

#define SUMS_BLOCK 256

// --- kernels

/* Thread i is (world, j) = (i / row, i % row), row = (T + 1) * HC_N_SUMS; consecutive
 * threads read consecutive partials of one block, so the loads coalesce. */
extern "C" __global__ void __launch_bounds__(SUMS_BLOCK)
hc_world_sums_kernel(const double *HC_RESTRICT d_partials, int n_worlds, int blocks_per_world, int row,
                     double *HC_RESTRICT d_sums)
{
    const int64_t i = (int64_t)blockIdx.x * SUMS_BLOCK + (int64_t)threadIdx.x;
    const double *p;
    double s = 0.0;
    int b;
    if (i >= (int64_t)n_worlds * row) return;
    p = d_partials + (i / row) * blocks_per_world * row + i % row;
    for (b = 0; b < blocks_per_world; b++) s += p[(int64_t)b * row];
    d_sums[i] = s;
}

// --- launchers

extern "C" cudaError_t hc_cuda_launch_world_sums(const double *d_partials, int n_worlds, int blocks_per_world,
                                                 int n_steps, double *d_sums, cudaStream_t stream)
{
    int64_t threads, blocks;
    int row;
    if (!d_partials || !d_sums || n_worlds < 1 || blocks_per_world < 1 || n_steps < 0 || n_steps > HC_MAX_STEPS)
        return cudaErrorInvalidValue;
    row = (n_steps + 1) * HC_N_SUMS;
    threads = (int64_t)n_worlds * row;
    blocks = (threads + SUMS_BLOCK - 1) / SUMS_BLOCK;
    if (blocks > INT32_MAX) return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_world_sums_kernel<<<(unsigned)blocks, SUMS_BLOCK, 0, stream>>>(d_partials, n_worlds, blocks_per_world, row,
                                                                     d_sums);
    return cudaGetLastError();
}
