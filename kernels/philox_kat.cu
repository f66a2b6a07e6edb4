/* philox_kat.cu: Philox4x32-10 computed on the device, twice: by hc_philox4x32_10
 * (include/model/hc_philox.h, what the model kernels draw from) and by cuRAND's own
 * curand_Philox4x32_10. tests/gpu/gpu_checks.c compares both with the known answers of
 * tests/data/philox_kat.txt; tests/kat_philox_curand.cpp does the same on the host. */
#include <cuda_runtime.h>
#include <curand_philox4x32_x.h>
#include "model/hc_cuda_kernels.h"
#include "model/hc_philox.h"

#define KAT_BLOCK 64

// --- kernels

/* Thread i: vector i, d_in[6 i ..] = ctr.x, ctr.y, ctr.z, ctr.w, key.x, key.y. */
extern "C" __global__ void hc_philox_kat_kernel(const uint32_t *HC_RESTRICT d_in, int n, uint32_t *HC_RESTRICT d_hc,
                                                uint32_t *HC_RESTRICT d_curand)
{
    const int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    const uint32_t *v = d_in + 6 * i;
    hc_philox_ctr ctr;
    hc_philox_key key;
    uint4 c;
    uint2 k;
    int j;
    if (i >= n) return;
    for (j = 0; j < 4; j++) ctr.v[j] = v[j];
    key.v[0] = v[4];
    key.v[1] = v[5];
    ctr = hc_philox4x32_10(ctr, key);
    for (j = 0; j < 4; j++) d_hc[4 * i + j] = ctr.v[j];
    c = make_uint4(v[0], v[1], v[2], v[3]);
    k = make_uint2(v[4], v[5]);
    c = curand_Philox4x32_10(c, k);
    d_curand[4 * i + 0] = c.x;
    d_curand[4 * i + 1] = c.y;
    d_curand[4 * i + 2] = c.z;
    d_curand[4 * i + 3] = c.w;
}

// --- launchers

extern "C" cudaError_t hc_cuda_launch_philox_kat(const uint32_t *d_in, int n, uint32_t *d_hc, uint32_t *d_curand,
                                                 cudaStream_t stream)
{
    if (!d_in || !d_hc || !d_curand || n < 1) return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_philox_kat_kernel<<<(unsigned)((n + KAT_BLOCK - 1) / KAT_BLOCK), KAT_BLOCK, 0, stream>>>(d_in, n, d_hc,
                                                                                               d_curand);
    return cudaGetLastError();
}
