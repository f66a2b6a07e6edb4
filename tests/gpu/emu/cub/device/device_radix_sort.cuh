/* cub/device/device_radix_sort.cuh (emulator): DeviceRadixSort::SortKeys for float keys
 * on the CPU, in the order CUB's radix sort gives: by the bits that make floats sort as
 * unsigned integers (sign flipped for positives, every bit for negatives), so -0 comes
 * before +0 as on the GPU. Two-phase like CUB: no storage, only its size. */
#ifndef HC_EMU_CUB_DEVICE_RADIX_SORT_CUH
#define HC_EMU_CUB_DEVICE_RADIX_SORT_CUH

#include <stdint.h>
#include <string.h>
#include <algorithm>
#include "cuda_runtime.h"

namespace cub {
struct DeviceRadixSort {
    static uint32_t radix_key(float f)
    {
        uint32_t u;
        memcpy(&u, &f, sizeof(u));
        return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
    }
    template <class NumItemsT>
    static cudaError_t SortKeys(void *d_temp_storage, size_t &temp_storage_bytes, const float *d_keys_in,
                                float *d_keys_out, NumItemsT num_items, int begin_bit = 0, int end_bit = 32,
                                cudaStream_t stream = 0)
    {
        (void)stream;
        if (begin_bit != 0 || end_bit != 32) return cudaErrorInvalidValue;
        if (!d_temp_storage) {
            temp_storage_bytes = 16;
            return cudaSuccess;
        }
        if (temp_storage_bytes < 16) return cudaErrorInvalidValue;
        memcpy(d_keys_out, d_keys_in, (size_t)num_items * sizeof(float));
        std::sort(d_keys_out, d_keys_out + num_items,
                  [](float a, float b) { return radix_key(a) < radix_key(b); });
        return cudaSuccess;
    }
};
} // namespace cub

#endif
