/* world_paths.cu: each world's inputs and macro path (prices, capability, oversight, wage
 * and budget indices, compute cost per role and step), one thread per world, through
 * hc_world_sample and hc_world_path of include/model/hc_model.h. The model kernel
 * (kernels/firm_steps.cu) reads them; a world path is a few hundred doubles, computed
 * once for all of the world's firms. */
#include <cuda_runtime.h>
#include "model/hc_cuda_kernels.h"
#include "model/hc_model.h"

#define WORLD_BLOCK 64 /* worlds per block: few worlds per chunk, so small blocks */

// --- kernels

static __constant__ hc_model c_model;

extern "C" __global__ void __launch_bounds__(WORLD_BLOCK)
hc_world_paths_kernel(uint32_t world_first, int n_worlds, hc_world_inputs *d_wi, hc_world_step *d_steps,
                      float *d_Kw)
{
    const hc_model *m = &c_model;
    const int w = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    const int64_t T1 = m->n_steps + 1;
    if (w >= n_worlds) return;
    hc_world_sample(m, world_first + (uint32_t)w, &d_wi[w]);
    hc_world_path(m, world_first + (uint32_t)w, &d_wi[w], d_steps + w * T1, d_Kw + w * T1 * m->n_roles);
}

// --- launchers

extern "C" cudaError_t hc_cuda_launch_world_paths(const hc_model *m, uint32_t world_first, int n_worlds,
                                                  hc_world_inputs *d_wi, hc_world_step *d_steps, float *d_Kw,
                                                  cudaStream_t stream)
{
    cudaError_t e;
    if (!m || !d_wi || !d_steps || !d_Kw || n_worlds < 1 || m->n_roles < 1 || m->n_roles > HC_MAX_ROLES ||
        m->n_steps < 0 || (uint64_t)world_first + (uint64_t)n_worlds > (uint64_t)UINT32_MAX + 1u)
        return cudaErrorInvalidValue;
    e = cudaMemcpyToSymbolAsync(c_model, m, sizeof(hc_model), 0, cudaMemcpyHostToDevice, stream);
    if (e != cudaSuccess) return e;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_world_paths_kernel<<<(unsigned)((n_worlds + WORLD_BLOCK - 1) / WORLD_BLOCK), WORLD_BLOCK, 0, stream>>>(
        world_first, n_worlds, d_wi, d_steps, d_Kw);
    return cudaGetLastError();
}
