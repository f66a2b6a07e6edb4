/* engine_cuda_tools.c: what the CUDA backend's host files share: its errors (every call
 * checked, a failure naming the call, the GPU and what to do about it; engine_cuda.h), its
 * settings from the environment, page-locked host memory, the timing's sums, the GPUs
 * listed and picked for a run (hc_cuda.h), the launch of the model kernel's build that
 * holds a scenario's roles, and single kernels on host data for the tests
 * (tests/gpu/gpu_checks.c: percentiles, world sums and Philox against their host twins)
 * and the benchmark. Runs of the model are engine_cuda_host.c's. Compiled only when the
 * build found nvcc (HC_HAVE_CUDA, mk/cuda.mk). */
#ifdef HC_HAVE_CUDA

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "engine_cuda.h"

/* ---- errors: every CUDA call is checked, and a failure names the call, the GPU and what
 * to do about it */

static const char *cuda_hint(cudaError_t e)
{
    switch (e) {
    case cudaErrorMemoryAllocation:
        return "the GPU ran out of memory: lower --firms or --worlds, or free the GPU (nvidia-smi lists "
               "what holds it), or run with --backend cpu";
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorInitializationError:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
        return "no usable NVIDIA driver or GPU: install or update the driver (this build needs one for "
               "CUDA 13), or run with --backend cpu";
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
    case cudaErrorInvalidPtx:
        return "this build has code for compute capability 8.x and 9.0, and PTX for newer GPUs, which "
               "needs a driver for CUDA 13: update the driver, or run with --backend cpu";
    case cudaErrorInvalidDevice:
        return "check the GPU numbers given to --devices against `headcount devices`";
    case cudaErrorDevicesUnavailable:
        return "the GPU is busy or in a prohibited compute mode (nvidia-smi -q shows it): pick another "
               "with --devices, or run with --backend cpu";
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorMisalignedAddress:
    case cudaErrorIllegalInstruction:
    case cudaErrorInvalidValue:
        return "a kernel or its launch failed: this is a bug in headcount; please report it with the "
               "command line, and run with --backend cpu meanwhile";
    case cudaErrorLaunchTimeout:
        return "the display watchdog stopped a kernel: run on a GPU that drives no display, or with "
               "fewer --firms per world";
    default:
        return "run with --backend cpu, and report it with the command line if it persists";
    }
}

int hc_cuda_fail(hc_error *err, cudaError_t e, const char *call, int device, const char *file, int line)
{
    char where[32] = "";
    if (device >= 0) snprintf(where, sizeof(where), " on GPU %d", device);
    return hc_fail(err, "CUDA error%s: %s failed: %s (%s) [%s:%d]\nhint: %s", where, call, cudaGetErrorString(e),
                   cudaGetErrorName(e), file, line, cuda_hint(e));
}

cudaError_t hc_cuda_add_elapsed(double *to, cudaEvent_t a, cudaEvent_t b)
{
    float ms = 0.0f;
    const cudaError_t e = cudaEventElapsedTime(&ms, a, b);
    if (e == cudaSuccess) *to += (double)ms / 1000.0;
    return e;
}

void hc_cuda_timing_add(hc_cuda_timing *to, const hc_cuda_timing *from)
{
    to->world_paths += from->world_paths;
    to->firm_sampling += from->firm_sampling;
    to->firm_steps += from->firm_steps;
    to->reduction += from->reduction;
    to->firm_stats += from->firm_stats;
    to->copy_back += from->copy_back;
    to->changes_copy += from->changes_copy;
    to->pinned |= from->pinned;
    to->pin += from->pin;
    to->launches += from->launches;
}

char *hc_cuda_reason(char *message)
{
    char *hint = strstr(message, "hint:");
    if (hint) {
        while (hint > message && (hint[-1] == ' ' || hint[-1] == '\n')) hint--;
        *hint = '\0';
    }
    return message;
}

/* ---- settings from the environment; page-locked host memory */

int64_t hc_cuda_env_count(const char *name)
{
    const char *s = getenv(name);
    char *end;
    long long v;
    if (!s || !*s) return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    return (errno == 0 && *end == '\0' && v >= 1) ? (int64_t)v : 0;
}

int hc_cuda_pin_host(void *ptr, size_t bytes, double *seconds)
{
    const int64_t min = hc_cuda_env_count("HC_CUDA_PIN_MIN_BYTES");
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const double t0 = omp_get_wtime();
    if (bytes < (min > 0 ? (size_t)min : (size_t)64 << 20)) return 0;
    if (pages > 0 && page > 0 && (double)bytes > 0.5 * (double)pages * (double)page)
        return 0; /* locking most of the memory would starve the rest of the system */
    if (cudaHostRegister(ptr, bytes, cudaHostRegisterPortable) != cudaSuccess) {
        (void)cudaGetLastError(); /* not sticky */
        return 0;
    }
    *seconds += omp_get_wtime() - t0;
    return 1;
}

void hc_cuda_unpin_host(void *ptr, double *seconds)
{
    const double t0 = omp_get_wtime();
    cudaHostUnregister(ptr);
    *seconds += omp_get_wtime() - t0;
}

/* ---- the GPUs: listed, and picked for a run */

/* The number of visible GPUs, or 1 with a one-line reason in err: the usual reasons
 * (no driver, no GPU) said plainly, since `--backend auto` prints it as a notice. */
static int count_devices(int *n, hc_error *err)
{
    const cudaError_t e = cudaGetDeviceCount(n);
    if (e == cudaSuccess) return 0;
    *n = 0;
    if (e == cudaErrorNoDevice) return hc_fail(err, "the NVIDIA driver sees no GPU: cudaErrorNoDevice");
    if (e == cudaErrorInsufficientDriver)
        return hc_fail(err, "no NVIDIA driver, or one too old for CUDA 13: cudaErrorInsufficientDriver");
    return hc_fail(err, "cudaGetDeviceCount failed: %s: %s", cudaGetErrorString(e), cudaGetErrorName(e));
}

int hc_cuda_list_devices(hc_cuda_device *dev, int max, int *count, int with_free, hc_error *err)
{
    int n = 0, device = -1;
    *count = 0;
    if (count_devices(&n, err)) return 1;
    for (device = 0; device < n && device < max; device++) {
        hc_cuda_device *d = &dev[device];
        struct cudaDeviceProp prop;
        memset(d, 0, sizeof(*d));
        CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
        d->ordinal = device;
        snprintf(d->name, sizeof(d->name), "%s", prop.name);
        d->total_bytes = prop.totalGlobalMem;
        d->cc_major = prop.major;
        d->cc_minor = prop.minor;
        d->sm_count = prop.multiProcessorCount;
        CUDA_CHECK(cudaDeviceGetAttribute(&d->clock_khz, cudaDevAttrClockRate, device));
        CUDA_CHECK(cudaDeviceGetAttribute(&d->memory_clock_khz, cudaDevAttrMemoryClockRate, device));
        CUDA_CHECK(cudaDeviceGetAttribute(&d->memory_bus_bits, cudaDevAttrGlobalMemoryBusWidth, device));
        d->usable = prop.major >= HC_CUDA_MIN_CC_MAJOR;
        if (with_free) {
            size_t free_bytes = 0, total_bytes = 0;
            CUDA_CHECK(cudaSetDevice(device));
            CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
            d->free_bytes = free_bytes;
        }
        *count = device + 1;
    }
    return 0;
fail:
    return 1;
}

int hc_cuda_select_devices(const int *listed, int n_listed, int *out, hc_error *err)
{
    hc_cuda_device dev[HC_CUDA_MAX_DEVICES];
    hc_error why;
    int n = 0, i, j, k = 0;
    if (hc_cuda_list_devices(dev, HC_CUDA_MAX_DEVICES, &n, 0, &why)) {
        hc_fail(err, "%s", hc_cuda_reason(why.message));
        return 0;
    }
    if (n == 0) {
        hc_fail(err, "no GPU is visible; CUDA_VISIBLE_DEVICES may hide them");
        return 0;
    }
    if (n_listed > 0) {
        for (i = 0; i < n_listed; i++) {
            const int o = listed[i];
            for (j = 0; j < i; j++)
                if (listed[j] == o) {
                    hc_fail(err, "GPU %d is listed twice", o);
                    return 0;
                }
            if (o < 0 || o >= n) {
                hc_fail(err, "there is no GPU %d (%d visible, numbered 0 to %d)", o, n, n - 1);
                return 0;
            }
            if (!dev[o].usable) {
                hc_fail(err, "GPU %d (%s) has compute capability %d.%d; headcount needs %d.0 or newer", o, dev[o].name,
                        dev[o].cc_major, dev[o].cc_minor, HC_CUDA_MIN_CC_MAJOR);
                return 0;
            }
            if (k < HC_CUDA_MAX_DEVICES) out[k++] = o;
        }
        return k;
    }
    for (i = 0; i < n; i++)
        if (dev[i].usable && k < HC_CUDA_MAX_DEVICES) out[k++] = i;
    if (k == 0)
        hc_fail(err, "none of the %d visible GPU(s) has compute capability %d.0 or newer (GPU 0: %s, %d.%d)", n,
                HC_CUDA_MIN_CC_MAJOR, dev[0].name, dev[0].cc_major, dev[0].cc_minor);
    return k;
}

/* ---- single kernels: the model's, and others on host data for the tests and the benchmark */

cudaError_t hc_cuda_launch_firm_steps(const hc_model *m, const hc_cuda_firm_args *a, cudaStream_t stream)
{
#define HC_LAUNCH_IF_IT_HOLDS(cap) \
    if (m->n_roles <= (cap)) return hc_cuda_launch_firm_steps_r##cap(m, a, stream);
    HC_ROLE_CAPS(HC_LAUNCH_IF_IT_HOLDS)
#undef HC_LAUNCH_IF_IT_HOLDS
    return cudaErrorInvalidValue; /* unreachable: the loader allows HC_MAX_ROLES, the last capacity */
}

int hc_cuda_percentiles_f(int ordinal, const float *x, size_t n, const double *p, int np, double *out,
                          double *device_seconds, hc_error *err)
{
    const int device = ordinal;
    float *d_x = NULL, *d_sorted = NULL;
    double *d_p = NULL, *d_out = NULL;
    void *d_temp = NULL;
    size_t temp_bytes = 0;
    cudaEvent_t start = NULL, stop = NULL;
    int rc = 1;
    if (n < 1 || np < 1 || np > HC_MAX_PERCENTILES)
        return hc_fail(err, "hc_cuda_percentiles_f: need n >= 1 and 1 <= np <= %d", HC_MAX_PERCENTILES);
    CUDA_CHECK(cudaSetDevice(device));
    CUDA_CHECK(hc_cuda_sort_temp_bytes(n, &temp_bytes));
    CUDA_CHECK(cudaMalloc((void **)&d_x, n * sizeof(float)));
    CUDA_CHECK(cudaMalloc((void **)&d_sorted, n * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&d_temp, temp_bytes > 0 ? temp_bytes : 1));
    CUDA_CHECK(cudaMalloc((void **)&d_p, (size_t)np * sizeof(double)));
    CUDA_CHECK(cudaMalloc((void **)&d_out, (size_t)np * sizeof(double)));
    CUDA_CHECK(cudaEventCreate(&start));
    CUDA_CHECK(cudaEventCreate(&stop));
    CUDA_CHECK(cudaMemcpy(d_x, x, n * sizeof(float), cudaMemcpyHostToDevice));
    CUDA_CHECK(cudaMemcpy(d_p, p, (size_t)np * sizeof(double), cudaMemcpyHostToDevice));
    CUDA_CHECK(cudaEventRecord(start, 0));
    CUDA_CHECK(hc_cuda_launch_percentiles(d_x, d_sorted, n, d_temp, temp_bytes, d_p, np, d_out, 0));
    CUDA_CHECK(cudaEventRecord(stop, 0));
    CUDA_CHECK(cudaMemcpy(out, d_out, (size_t)np * sizeof(double), cudaMemcpyDeviceToHost));
    if (device_seconds) {
        *device_seconds = 0.0;
        CUDA_CHECK(hc_cuda_add_elapsed(device_seconds, start, stop));
    }
    rc = 0;
fail:
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
    cudaFree(d_x);
    cudaFree(d_sorted);
    cudaFree(d_temp);
    cudaFree(d_p);
    cudaFree(d_out);
    return rc;
}

int hc_cuda_world_sums(int ordinal, const double *partials, int n_worlds, int blocks_per_world, int n_steps, int width,
                       int out_width, double *sums, hc_error *err)
{
    const int device = ordinal;
    const size_t in = (size_t)n_worlds * (size_t)blocks_per_world * (size_t)(n_steps + 1) * (size_t)width;
    const size_t out = (size_t)n_worlds * (size_t)(n_steps + 1) * (size_t)out_width;
    const size_t scratch = hc_cuda_sums_scratch(n_worlds, blocks_per_world, n_steps, width);
    double *d_partials = NULL, *d_scratch = NULL, *d_sums = NULL;
    int rc = 1;
    if (n_worlds < 1 || blocks_per_world < 1 || n_steps < 0 || width < HC_N_SUMS || out_width < width)
        return hc_fail(err,
                       "hc_cuda_world_sums: need n_worlds, blocks_per_world >= 1, n_steps >= 0 and "
                       "%d <= width <= out_width",
                       HC_N_SUMS);
    CUDA_CHECK(cudaSetDevice(device));
    CUDA_CHECK(cudaMalloc((void **)&d_partials, in * sizeof(double)));
    if (scratch > 0) CUDA_CHECK(cudaMalloc((void **)&d_scratch, scratch * sizeof(double)));
    CUDA_CHECK(cudaMalloc((void **)&d_sums, out * sizeof(double)));
    CUDA_CHECK(cudaMemcpy(d_partials, partials, in * sizeof(double), cudaMemcpyHostToDevice));
    CUDA_CHECK(hc_cuda_launch_world_sums(d_partials, d_scratch, n_worlds, blocks_per_world, n_steps, width, out_width,
                                         d_sums, 0));
    CUDA_CHECK(cudaMemcpy(sums, d_sums, out * sizeof(double), cudaMemcpyDeviceToHost));
    rc = 0;
fail:
    cudaFree(d_partials);
    cudaFree(d_scratch);
    cudaFree(d_sums);
    return rc;
}

int hc_cuda_philox(int ordinal, const uint32_t *in, int n, uint32_t *out_hc, uint32_t *out_curand, hc_error *err)
{
    const int device = ordinal;
    uint32_t *d_in = NULL, *d_hc = NULL, *d_curand = NULL;
    int rc = 1;
    if (n < 1) return hc_fail(err, "hc_cuda_philox: need n >= 1");
    CUDA_CHECK(cudaSetDevice(device));
    CUDA_CHECK(cudaMalloc((void **)&d_in, (size_t)n * 6 * sizeof(uint32_t)));
    CUDA_CHECK(cudaMalloc((void **)&d_hc, (size_t)n * 4 * sizeof(uint32_t)));
    CUDA_CHECK(cudaMalloc((void **)&d_curand, (size_t)n * 4 * sizeof(uint32_t)));
    CUDA_CHECK(cudaMemcpy(d_in, in, (size_t)n * 6 * sizeof(uint32_t), cudaMemcpyHostToDevice));
    CUDA_CHECK(hc_cuda_launch_philox_kat(d_in, n, d_hc, d_curand, 0));
    CUDA_CHECK(cudaMemcpy(out_hc, d_hc, (size_t)n * 4 * sizeof(uint32_t), cudaMemcpyDeviceToHost));
    CUDA_CHECK(cudaMemcpy(out_curand, d_curand, (size_t)n * 4 * sizeof(uint32_t), cudaMemcpyDeviceToHost));
    rc = 0;
fail:
    cudaFree(d_in);
    cudaFree(d_hc);
    cudaFree(d_curand);
    return rc;
}

#else
/* A build without nvcc has no CUDA backend. ISO C wants a declaration in every file. */
typedef int hc_engine_cuda_tools_absent;
#endif
