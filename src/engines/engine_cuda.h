/* engine_cuda.h: what the CUDA backend's host files share (engine_cuda_host.c runs the
 * model; engine_cuda_tools.c holds what is declared here and runs single kernels for the
 * tests and the benchmark): every CUDA call checked, a failure naming the call, the GPU and
 * what to do about it; the settings read from the environment; page-locked host memory;
 * the model kernel's launch; the timing's sums. Only in builds with the CUDA backend
 * (HC_HAVE_CUDA). */
#ifndef HC_ENGINE_CUDA_H
#define HC_ENGINE_CUDA_H

#include <cuda_runtime_api.h>
#include "hc_cuda.h"
#include "model/hc_cuda_kernels.h"

/* Fills err: "CUDA error on GPU d: CALL failed: ... [file:line]" and a hint; returns 1. */
int hc_cuda_fail(hc_error *err, cudaError_t e, const char *call, int device, const char *file, int line);

/* Adds the seconds between two recorded events to *to. */
cudaError_t hc_cuda_add_elapsed(double *to, cudaEvent_t a, cudaEvent_t b);

/* An environment variable set to a whole number >= 1 (HC_CUDA_MAX_CHUNK_WORLDS,
 * HC_CUDA_PIN_MIN_BYTES); else 0. */
int64_t hc_cuda_env_count(const char *name);

/* Page-locks [ptr, ptr + bytes) for copies from any GPU (cudaHostRegisterPortable), where it
 * is at least HC_CUDA_PIN_MIN_BYTES (64 MiB by default), at most half the physical memory,
 * and the host allows it; adds the seconds it took to *seconds. 1 if it did, else 0: copies
 * then go from pageable memory, the same bytes more slowly. hc_cuda_unpin_host undoes it,
 * timed alike. */
int hc_cuda_pin_host(void *ptr, size_t bytes, double *seconds);
void hc_cuda_unpin_host(void *ptr, double *seconds);

/* The model kernel's smallest build that holds m's roles (HC_ROLE_CAPS, smallest first). */
cudaError_t hc_cuda_launch_firm_steps(const hc_model *m, const hc_cuda_firm_args *a, cudaStream_t stream);

/* Adds one GPU's times to a run's (the GPUs overlap: the sums can exceed the wall time). */
void hc_cuda_timing_add(hc_cuda_timing *to, const hc_cuda_timing *from);

/* In a function with `int device`, `hc_error *err` and a `fail:` label. */
#define CUDA_CHECK(call) \
    do { \
        const cudaError_t e_ = (call); \
        if (e_ != cudaSuccess) { \
            hc_cuda_fail(err, e_, #call, device, __FILE__, __LINE__); \
            goto fail; \
        } \
    } while (0)

#endif
