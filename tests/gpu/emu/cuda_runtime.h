/* cuda_runtime.h (emulator): what the kernels of kernels/ use of CUDA C++, on the CPU.
 *
 * A kernel launch (rewritten from <<<grid, block, shared, stream>>> by
 * tests/gpu/emu/rewrite_launches.py) runs the blocks one after another; the threads of a
 * block are cooperative fibers on the launching host thread, switched only at barriers
 * (__syncthreads, and inside the warp operations), in an order HC_EMU_SCHEDULE picks:
 * forward, reverse or random. A barrier that some thread of the block never reaches is
 * reported and aborts. Constant and shared memory are thread_local: each host thread
 * drives one emulated GPU, as src/engines/engine_cuda_host.c drives each real one. Device
 * allocations sit against guard pages, so an access past a buffer's end faults. Work runs
 * when it is issued, except a copy into page-locked host memory, which waits in its
 * stream's queue until something orders it (emu_runtime.cpp).
 *
 * It checks the logic of the kernels and of their host code (indexing, reductions,
 * barriers, chunking); not speed, and not the GPU's own arithmetic (the CPU's libm runs). */
#ifndef HC_EMU_CUDA_RUNTIME_H
#define HC_EMU_CUDA_RUNTIME_H

#include <stdint.h>
#include <string.h>
#include <functional>
#include "cuda_runtime_api.h"

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __constant__ thread_local
#define __shared__ thread_local

struct hc_emu_dim3 {
    unsigned x, y, z;
};
extern thread_local hc_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

/* Runs body for every thread of a grid of `grid` blocks of `block` threads. */
void hc_emu_launch(unsigned grid, unsigned block, cudaStream_t stream, const std::function<void()> &body);

void __syncthreads(void);
/* The lanes of this thread's warp exchange 8 bytes: every lane's `mine`, then lane l
 * reads what lane `from` (l's own when out of range) put there. */
uint64_t hc_emu_warp_exchange(unsigned mask, uint64_t mine, int from);
unsigned __ballot_sync(unsigned mask, int predicate);

template <class T> T __shfl_down_sync(unsigned mask, T value, int delta)
{
    static_assert(sizeof(T) <= sizeof(uint64_t), "8 bytes at most");
    uint64_t bits = 0;
    T out;
    memcpy(&bits, &value, sizeof(T));
    bits = hc_emu_warp_exchange(mask, bits, (int)(threadIdx.x % 32u) + delta);
    memcpy(&out, &bits, sizeof(T));
    return out;
}

static inline int __popc(unsigned x) { return __builtin_popcount(x); }

static inline unsigned long long atomicAdd(unsigned long long *address, unsigned long long value)
{
    return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}

/* Constant memory: the calling host thread's copy (see above). */
template <class T>
cudaError_t cudaMemcpyToSymbolAsync(T &symbol, const void *src, size_t count, size_t offset, enum cudaMemcpyKind kind,
                                    cudaStream_t stream)
{
    (void)stream;
    if (kind != cudaMemcpyHostToDevice || offset + count > sizeof(T)) return cudaErrorInvalidValue;
    memcpy((char *)&symbol + offset, src, count);
    return cudaSuccess;
}

#endif
