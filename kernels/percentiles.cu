/* percentiles.cu: exact percentiles of a float array on the device: a CUB radix sort,
 * then numpy's linear interpolation between neighbouring order statistics, written as
 * src/analysis/stats.c writes it (the host's hc_percentiles_f), so the same bits come out;
 * tests/gpu/gpu_checks.c compares the two. Built with --fmad=false (mk/cuda.mk): a fused
 * multiply-add in the interpolation would round differently from the host. */
#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>
#include "model/hc_cuda_kernels.h"

// --- kernels

/* Thread j: percentile p[j] of sorted[0..n). The position and the interpolation are those
 * of src/analysis/stats.c (virtual_index, lerp_numpy): h = (n - 1) (p / 100), i = floor(h) clamped
 * to [0, n - 1], g = h - i; the difference of the two order statistics is taken in float,
 * the interpolation in double. */
extern "C" __global__ void hc_percentile_pick_kernel(const float *HC_RESTRICT sorted, size_t n,
                                                     const double *HC_RESTRICT p, int np, double *HC_RESTRICT out)
{
    const int j = (int)threadIdx.x;
    double h, fl, g;
    size_t i;
    float lo, hi;
    if (j >= np) return;
    h = (double)(n - 1) * (p[j] / 100.0);
    fl = floor(h);
    if (fl < 0.0) fl = 0.0;
    if (fl > (double)(n - 1)) fl = (double)(n - 1);
    i = (size_t)fl;
    g = h - fl;
    lo = sorted[i];
    hi = i + 1 < n ? sorted[i + 1] : lo;
    {
        const double d = (double)(float)(hi - lo);
        out[j] = (g < 0.5) ? (double)lo + d * g : (double)hi - d * (1.0 - g);
    }
}

// --- launchers

extern "C" cudaError_t hc_cuda_sort_temp_bytes(size_t n, size_t *bytes)
{
    if (!bytes || n < 1) return cudaErrorInvalidValue;
    *bytes = 0;
    /* CUB's two phases: with no storage it only says how much it needs. */
    return cub::DeviceRadixSort::SortKeys(nullptr, *bytes, (const float *)nullptr, (float *)nullptr, n);
}

extern "C" cudaError_t hc_cuda_launch_percentiles(const float *d_x, float *d_sorted, size_t n, void *d_temp,
                                                  size_t temp_bytes, const double *d_p, int np, double *d_out,
                                                  cudaStream_t stream)
{
    cudaError_t e;
    size_t need = 0;
    if (!d_x || !d_sorted || !d_temp || !d_p || !d_out || n < 1 || np < 1 || np > HC_MAX_PERCENTILES)
        return cudaErrorInvalidValue;
    e = hc_cuda_sort_temp_bytes(n, &need);
    if (e != cudaSuccess) return e;
    if (temp_bytes < need) return cudaErrorInvalidValue;
    e = cub::DeviceRadixSort::SortKeys(d_temp, temp_bytes, d_x, d_sorted, n, 0, (int)(sizeof(float) * 8), stream);
    if (e != cudaSuccess) return e;
    return hc_cuda_launch_percentile_pick(d_sorted, n, d_p, np, d_out, stream);
}

extern "C" cudaError_t hc_cuda_launch_percentile_pick(const float *d_sorted, size_t n, const double *d_p, int np,
                                                      double *d_out, cudaStream_t stream)
{
    if (!d_sorted || !d_p || !d_out || n < 1 || np < 1 || np > HC_MAX_PERCENTILES) return cudaErrorInvalidValue;
    (void)cudaGetLastError(); /* see hc_cuda_kernels.h: only this launch's error counts */
    hc_percentile_pick_kernel<<<1, HC_MAX_PERCENTILES, 0, stream>>>(d_sorted, n, d_p, np, d_out);
    return cudaGetLastError();
}
