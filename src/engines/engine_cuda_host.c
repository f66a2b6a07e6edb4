/* engine_cuda_host.c: the CUDA backend's host side (hc_cuda.h). It takes the GPUs that
 * engine_cuda_tools.c picks, splits the worlds across them in contiguous ranges (one host
 * thread per GPU), sizes chunks of worlds from the free memory each GPU reports, launches
 * the kernels of kernels/ (hc_cuda_kernels.h) and copies the results into hc_results. It
 * holds no model code: the kernels run include/model/hc_model.h, as the CPU backend
 * (src/engines/engine_cpu.c) does.
 *
 * Every world's numbers depend only on its id, and a world's firm sums are added on one
 * GPU in a fixed order, so neither the split across GPUs nor the chunking changes a bit.
 * Compiled only when the build found nvcc (HC_HAVE_CUDA, mk/cuda.mk). */
#ifdef HC_HAVE_CUDA

#include <cuda_runtime_api.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine_cuda.h"
#include "hc_firm_share.h"

/* ---- one GPU's share of a run */

typedef struct {
    int device;          /* CUDA ordinal */
    int64_t begin, end;  /* worlds of res's slice (indices 0 .. res->worlds - 1) */
    int64_t *shrinking;  /* [scenario][year]: this GPU's counts, added to res at the end */
    int want_stats;      /* the firm statistics (with percentiles) on this GPU if every world's changes fit */
    int device_stats;    /* ... and they do: res->firm_stats and res->firm_horizon, no firm change ... */
    int copy_horizon;    /* ... but the horizon year's when the caller reads them (traced firms) */
    const char *stats_why; /* ... or why they do not (static text; NULL: none to compute) */
    int pin_changes;     /* without device statistics: page-lock res's firm changes here (the only GPU) */
    int changes_pinned;  /* ... or hc_run_cuda did, for every GPU */
    double *halves;      /* host: [world][2], one scenario's halves for the firm-sampling share */
    hc_cuda_timing timing;
    hc_error err;
    int rc;
} device_job;

/* The device buffers of one chunk of worlds. */
typedef struct {
    hc_world_inputs *wi;
    hc_world_step *steps;
    float *Kw;
    double *partials;
    double *sums_scratch; /* the world sums' tree (hc_cuda_sums_scratch); NULL when it needs none */
    double *sums;
    int64_t worlds; /* the chunk's: the worlds these buffers hold */
    /* Firm changes: with device statistics every world's of the GPU, one scenario at a
     * time ([year][world * firms + firm]); else the chunk's, change_sets sets of them
     * ([set][year][world * firms + firm], sets `worlds` worlds apart: change_copies). */
    float *firm_change;
    int change_sets;
    unsigned long long *shrinking;
    /* with device statistics only: */
    hc_cuda_firm_stats_buffers stats;
    double *percentiles; /* the np percentiles to compute, then HC_FIRM_HIST_P_LO and _HI */
    double *firm_stats;  /* [year][np + 2] of one scenario */
    float *sorted_horizons; /* [scenario][firm]: each one's horizon changes, sorted (the histogram) */
    double *ranges;         /* [scenario][2]: their HC_FIRM_HIST_P_LO-th and _HI-th percentiles */
    unsigned long long *below; /* [scenario][HC_FIRM_HIST_MAX_BINS + 1] (hc_cuda_launch_firm_bins_below) */
    double *halves_level, *halves_scratch, *halves; /* the share's (hc_cuda_launch_firm_halves) */
    float *horizon; /* with job->copy_horizon: the horizon's changes, while they cross (horizon_send) */
} chunk_buffers;

/* Device bytes of one world's firm changes, every year's. */
static size_t changes_per_world(const hc_results *res)
{
    return (size_t)(res->years + 1) * (size_t)res->firms * sizeof(float);
}

/* Device bytes one world of a chunk takes (chunk_buffers), with R roles at most and `sets`
 * sets of firm changes (0 with device statistics, which hold every world's apart). */
static size_t bytes_per_world(const hc_results *res, int R, int sets)
{
    const size_t T1 = (size_t)res->n_steps + 1;
    const size_t blocks = (size_t)hc_cuda_blocks_per_world(res->firms);
    return sizeof(hc_world_inputs) + T1 * sizeof(hc_world_step) + T1 * (size_t)R * sizeof(float) +
           blocks * T1 * (size_t)hc_sums_width(R) * sizeof(double) +
           hc_cuda_sums_scratch(1, (int)blocks, res->n_steps, hc_sums_width(R)) * sizeof(double) +
           T1 * (size_t)res->n_sums * sizeof(double) + (size_t)sets * changes_per_world(res);
}

static void free_buffers(chunk_buffers *b)
{
    /* cudaFree(NULL) does nothing; errors here would only hide the first one. */
    cudaFree(b->wi);
    cudaFree(b->steps);
    cudaFree(b->Kw);
    cudaFree(b->partials);
    cudaFree(b->sums_scratch);
    cudaFree(b->sums);
    cudaFree(b->firm_change);
    cudaFree(b->shrinking);
    cudaFree(b->stats.d_temp);
    cudaFree(b->stats.d_level);
    cudaFree(b->stats.d_scratch);
    cudaFree(b->percentiles);
    cudaFree(b->firm_stats);
    cudaFree(b->sorted_horizons);
    cudaFree(b->ranges);
    cudaFree(b->below);
    cudaFree(b->halves_level);
    cudaFree(b->halves_scratch);
    cudaFree(b->halves);
    cudaFree(b->horizon);
    memset(b, 0, sizeof(*b));
}

/* Allocates buffers for a chunk of n worlds, with `sets` sets of its firm changes, or none
 * and one set of `all` worlds' (device statistics: sets 0); cudaErrorMemoryAllocation
 * leaves nothing allocated. */
static cudaError_t alloc_buffers(chunk_buffers *b, int64_t n, int64_t all, const hc_results *res, int R, int sets)
{
    const size_t N = (size_t)n, T1 = (size_t)res->n_steps + 1, Y1 = (size_t)res->years + 1;
    const size_t blocks = (size_t)hc_cuda_blocks_per_world(res->firms);
    const size_t scratch = hc_cuda_sums_scratch(n, (int)blocks, res->n_steps, hc_sums_width(R));
    cudaError_t e;
    memset(b, 0, sizeof(*b));
    if ((e = cudaMalloc((void **)&b->wi, N * sizeof(hc_world_inputs))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->steps, N * T1 * sizeof(hc_world_step))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->Kw, N * T1 * (size_t)R * sizeof(float))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->partials, N * blocks * T1 * (size_t)hc_sums_width(R) * sizeof(double))) !=
            cudaSuccess ||
        (scratch > 0 && (e = cudaMalloc((void **)&b->sums_scratch, scratch * sizeof(double))) != cudaSuccess) ||
        (e = cudaMalloc((void **)&b->sums, N * T1 * (size_t)res->n_sums * sizeof(double))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->firm_change, (sets > 0 ? (size_t)sets * N : (size_t)all) * Y1 *
                                                      (size_t)res->firms * sizeof(float))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->shrinking, Y1 * sizeof(unsigned long long))) != cudaSuccess) {
        free_buffers(b);
    } else {
        b->worlds = n;
        b->change_sets = sets;
    }
    return e;
}

/* Device bytes of the firm statistics over n firms of `worlds` worlds (a year of every
 * world), np percentiles, S scenarios: the sort's copies (one a scenario, where its
 * horizon stays sorted for the histogram) and temporary storage, the mean's tree, the
 * results, the horizon's share and histogram, and the horizon's copy (horizon_send) when
 * it crosses. */
static size_t stats_bytes(int64_t n, int64_t worlds, int np, int S, int copy_horizon, const hc_results *res,
                          size_t temp_bytes)
{
    const size_t halves = (size_t)worlds * (size_t)hc_cuda_firm_halves_nodes(res->firms) * 2 +
                          hc_cuda_sums_scratch(worlds, hc_cuda_firm_halves_nodes(res->firms), 0, 2) +
                          (size_t)worlds * 2;
    return ((size_t)S + (copy_horizon ? 1 : 0)) * (size_t)n * sizeof(float) + temp_bytes +
           ((size_t)hc_cuda_firm_stats_nodes(n) + hc_cuda_firm_stats_scratch(n) + (size_t)np + 2 +
            (size_t)(res->years + 1) * (size_t)(np + 2) + (size_t)S * 2 + halves) *
               sizeof(double) +
           (size_t)S * (HC_FIRM_HIST_MAX_BINS + 1) * sizeof(unsigned long long);
}

/* The statistics' buffers for n firms of `worlds` worlds, the percentiles p[0 .. np) and
 * the histogram's range uploaded. */
static cudaError_t alloc_stats(chunk_buffers *b, int64_t n, int64_t worlds, const double *p, int np, int S,
                               int copy_horizon, const hc_results *res)
{
    const size_t scratch = hc_cuda_firm_stats_scratch(n);
    const int nodes = hc_cuda_firm_halves_nodes(res->firms);
    const size_t halves_scratch = hc_cuda_sums_scratch(worlds, nodes, 0, 2);
    double all_p[HC_MAX_PERCENTILES + 2];
    hc_cuda_firm_stats_buffers *sb = &b->stats;
    cudaError_t e;
    memcpy(all_p, p, (size_t)np * sizeof(double));
    all_p[np] = HC_FIRM_HIST_P_LO;
    all_p[np + 1] = HC_FIRM_HIST_P_HI;
    /* sb->d_sorted stays NULL: each scenario sorts into its slot of sorted_horizons (scenario_stats) */
    if ((e = hc_cuda_sort_temp_bytes((size_t)n, &sb->temp_bytes)) != cudaSuccess ||
        (e = cudaMalloc(&sb->d_temp, sb->temp_bytes > 0 ? sb->temp_bytes : 1)) != cudaSuccess ||
        (e = cudaMalloc((void **)&sb->d_level, (size_t)hc_cuda_firm_stats_nodes(n) * sizeof(double))) != cudaSuccess ||
        (scratch > 0 && (e = cudaMalloc((void **)&sb->d_scratch, scratch * sizeof(double))) != cudaSuccess) ||
        (e = cudaMalloc((void **)&b->percentiles, (size_t)(np + 2) * sizeof(double))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->firm_stats, (size_t)(res->years + 1) * (size_t)(np + 2) * sizeof(double))) !=
            cudaSuccess ||
        (e = cudaMalloc((void **)&b->sorted_horizons, (size_t)S * (size_t)n * sizeof(float))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->ranges, (size_t)S * 2 * sizeof(double))) != cudaSuccess ||
        (e = cudaMalloc((void **)&b->below, (size_t)S * (HC_FIRM_HIST_MAX_BINS + 1) * sizeof(unsigned long long))) !=
            cudaSuccess ||
        (e = cudaMalloc((void **)&b->halves_level, (size_t)worlds * (size_t)nodes * 2 * sizeof(double))) !=
            cudaSuccess ||
        (halves_scratch > 0 &&
         (e = cudaMalloc((void **)&b->halves_scratch, halves_scratch * sizeof(double))) != cudaSuccess) ||
        (e = cudaMalloc((void **)&b->halves, (size_t)worlds * 2 * sizeof(double))) != cudaSuccess ||
        (copy_horizon && (e = cudaMalloc((void **)&b->horizon, (size_t)n * sizeof(float))) != cudaSuccess))
        return e;
    return cudaMemcpy(b->percentiles, all_p, (size_t)(np + 2) * sizeof(double), cudaMemcpyHostToDevice);
}

/* A launch's phases (run_chunk), then a scenario's statistics (scenario_stats). */
enum { EV_START, EV_PATHS, EV_SAMPLED, EV_STEPPED, EV_REDUCED, EV_COPIED, EV_STATS0, EV_STATS, EV_STATS_COPIED, N_EV };

/* Worlds of per_world bytes that fit in budget, at most `worlds` and max_chunk (when > 0),
 * and few enough for the model kernel's grid. */
static int64_t chunk_worlds(size_t budget, size_t per_world, int64_t worlds, int64_t max_chunk, int blocks_per_world)
{
    int64_t chunk = (int64_t)(budget / per_world);
    if (chunk > worlds) chunk = worlds;
    if (max_chunk > 0 && chunk > max_chunk) chunk = max_chunk;
    if (chunk > INT_MAX / blocks_per_world) chunk = INT_MAX / blocks_per_world;
    return chunk;
}

/* Device statistics need every firm change of a scenario on the device at once
 * (percentiles over all firms); the rest of a launch's buffers can come in chunks. With
 * job->want_stats, when all worlds' firm changes, the statistics' buffers and a chunk of at
 * least one world fit `budget` bytes, allocates them, sets job->device_stats and returns
 * the chunk's worlds in *chunk. 0 otherwise, nothing allocated: the caller then sizes
 * chunks without them, and the host computes the statistics (bands.c). */
static int alloc_with_stats(const hc_plan *p, const hc_results *res, int R, size_t budget, int64_t max_chunk,
                            device_job *job, chunk_buffers *buf, int64_t *chunk)
{
    const int64_t worlds = job->end - job->begin, n = worlds * res->firms;
    const int np = p->models[0].n_percentiles, S = p->n_models;
    size_t temp = 0, whole;
    if (!job->want_stats) return 0;
    if (S > HC_FIRM_HIST_MAX_SCENARIOS) {
        job->stats_why = "more scenarios than the device statistics hold (16)";
        return 0;
    }
    if (worlds > INT_MAX || hc_cuda_firm_stats_nodes(n) > INT32_MAX ||
        hc_cuda_sort_temp_bytes((size_t)n, &temp) != cudaSuccess) { /* worlds: year_worlds, the share's kernels */
        job->stats_why = "too many worlds or firms for the device statistics";
        return 0;
    }
    job->stats_why = "a scenario's firm changes, the statistics' buffers and one world's other buffers do not fit in "
                    "the GPU's free memory together";
    whole = (size_t)worlds * changes_per_world(res) + stats_bytes(n, worlds, np, S, job->copy_horizon, res, temp);
    if (whole >= budget) return 0;
    *chunk = chunk_worlds(budget - whole, bytes_per_world(res, R, 0), worlds, max_chunk,
                          hc_cuda_blocks_per_world(res->firms));
    while (*chunk >= 1) { /* halved while an allocation fails (the free memory was over-reported) */
        cudaError_t e = alloc_buffers(buf, *chunk, worlds, res, R, 0);
        if (e == cudaSuccess)
            e = alloc_stats(buf, n, worlds, p->models[0].percentiles, np, S, job->copy_horizon, res);
        if (e == cudaSuccess) {
            job->device_stats = 1;
            job->stats_why = NULL;
            return 1;
        }
        free_buffers(buf);
        (void)cudaGetLastError(); /* an allocation failure is not sticky; clear it */
        if (e != cudaErrorMemoryAllocation) return 0;
        *chunk /= 2;
    }
    return 0;
}

/* Allocates the buffers of a chunk of worlds on job->device and returns its size in
 * *chunk: as many worlds as fit in the free memory less 5 % and 64 MiB (allocation
 * granularity, other users of the GPU), halved while an allocation still fails. Without
 * device statistics every launch's firm changes cross to the host, so two sets of them
 * (change_copies) unless a launch has nothing to overlap (one scenario in one chunk) or
 * one world does not fit with two. */
static int alloc_chunk(const hc_plan *p, const hc_results *res, int R, int64_t max_chunk, device_job *job,
                       chunk_buffers *buf, int64_t *chunk)
{
    const int device = job->device;
    hc_error *err = &job->err;
    const int64_t worlds = job->end - job->begin;
    const int blocks_per_world = hc_cuda_blocks_per_world(res->firms);
    size_t free_bytes = 0, total_bytes = 0, per_world, reserve, budget;
    int64_t one_set, two_sets;
    int sets;
    CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    reserve = ((size_t)64 << 20) + free_bytes / 20;
    budget = free_bytes > reserve ? free_bytes - reserve : 0;
    if (alloc_with_stats(p, res, R, budget, max_chunk, job, buf, chunk)) return 0;
    one_set = chunk_worlds(budget, bytes_per_world(res, R, 1), worlds, max_chunk, blocks_per_world);
    two_sets = chunk_worlds(budget, bytes_per_world(res, R, 2), worlds, max_chunk, blocks_per_world);
    sets = (p->n_models == 1 && one_set == worlds) || two_sets < 1 ? 1 : 2;
    per_world = bytes_per_world(res, R, sets);
    *chunk = sets == 2 ? two_sets : one_set;
    for (;;) {
        cudaError_t e;
        if (*chunk < 1 && sets == 2) { /* the free memory was over-reported: one set, no overlap */
            sets = 1;
            per_world = bytes_per_world(res, R, 1);
            *chunk = 1;
        }
        if (*chunk < 1)
            return hc_fail(err, "GPU %d has %.1f MiB free, and one world of %lld firms over %d steps needs %.1f MiB "
                           "on it, besides a reserve of 64 MiB and 5 %%\nhint: lower --firms (or --years), or run with "
                           "--backend cpu", device, (double)free_bytes / 1048576.0, (long long)res->firms,
                           res->n_steps + 1, (double)per_world / 1048576.0);
        e = alloc_buffers(buf, *chunk, *chunk, res, R, sets);
        if (e == cudaSuccess) return 0;
        if (e != cudaErrorMemoryAllocation) {
            hc_cuda_fail(err, e, "cudaMalloc (the buffers of a chunk of worlds)", device, __FILE__, __LINE__);
            return 1;
        }
        (void)cudaGetLastError(); /* an allocation failure is not sticky; clear it */
        *chunk /= 2;
    }
fail:
    return 1;
}

/* ---- firm changes crossing to the host on a stream of their own
 *
 * Firm changes cross only where the host reads them, and then on a stream of their own
 * while the GPU computes on:
 * - with device statistics, the horizon's where traced firms need them (job->copy_horizon):
 *   the next scenario's steps overwrite them, so they are first copied on the device
 *   (buf->horizon) and cross from there (horizon_send, slot 0);
 * - without (the host path: several GPUs, too little memory, HC_CUDA_HOST_STATS), every
 *   year's of every launch: launches write the sets of buf->firm_change in turn, so one
 *   launch's changes cross while the next launch writes the other set (changes_send,
 *   slot = set).
 * They land in page-locked memory (res's own, registered: one DMA at the link's speed, no
 * staging copy) where it is at least HC_CUDA_PIN_MIN_BYTES (64 MiB) and the host allows it
 * (hc_cuda_pin_host), else in pageable memory, where the copy holds the host thread until
 * it is done and so overlaps nothing; the same bytes either way. */
enum { C_READY, C_START, C_DONE, N_C_EV }; /* the buffer written (run's stream); the copy's span (its own) */
typedef struct {
    cudaStream_t stream;
    cudaEvent_t ev[2][N_C_EV]; /* per slot */
    int n_ev;                  /* events created, slot by slot */
    int pending[2];            /* a copy out of the slot's buffer in flight */
    int n_pinned;              /* horizon: scenarios 0 .. n_pinned - 1 have their slice registered */
    int pinned_all;            /* host path on the only GPU: res's firm changes registered here */
} change_copies;

/* The bytes of res's firm changes: every scenario's, every year's. */
static size_t changes_bytes(const hc_plan *p, const hc_results *res)
{
    return (size_t)p->n_models * (size_t)res->worlds * changes_per_world(res);
}

static int copies_open(const hc_plan *p, hc_results *res, device_job *job, change_copies *c)
{
    const int device = job->device;
    const size_t horizon_bytes = (size_t)res->worlds * (size_t)res->firms * sizeof(float);
    hc_error *err = &job->err;
    CUDA_CHECK(cudaStreamCreateWithFlags(&c->stream, cudaStreamNonBlocking));
    for (; c->n_ev < 2 * N_C_EV; c->n_ev++) CUDA_CHECK(cudaEventCreate(&c->ev[c->n_ev / N_C_EV][c->n_ev % N_C_EV]));
    if (job->device_stats) {
        while (c->n_pinned < p->n_models &&
               hc_cuda_pin_host(hc_results_firm_change(res, c->n_pinned, res->years), horizon_bytes, &job->timing.pin))
            c->n_pinned++;
        job->timing.pinned = c->n_pinned == p->n_models;
    } else { /* the host path */
        if (job->pin_changes)
            c->pinned_all = hc_cuda_pin_host(res->firm_change, changes_bytes(p, res), &job->timing.pin);
        job->timing.pinned = c->pinned_all || job->changes_pinned;
    }
    return 0;
fail:
    return 1;
}

/* Waits for the slot's copy in flight, if any, and adds its time. */
static int copies_wait(device_job *job, change_copies *c, int slot)
{
    const int device = job->device;
    hc_error *err = &job->err;
    if (!c->pending[slot]) return 0;
    CUDA_CHECK(cudaEventSynchronize(c->ev[slot][C_DONE]));
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.changes_copy, c->ev[slot][C_START], c->ev[slot][C_DONE]));
    c->pending[slot] = 0;
    return 0;
fail:
    return 1;
}

/* Copies out of the slot's buffer, issued on c->stream between these two, start once
 * `stream` has written it. */
static int copies_begin(device_job *job, change_copies *c, int slot, cudaStream_t stream)
{
    const int device = job->device;
    hc_error *err = &job->err;
    if (copies_wait(job, c, slot)) goto fail; /* its events are recorded again below */
    CUDA_CHECK(cudaEventRecord(c->ev[slot][C_READY], stream));
    CUDA_CHECK(cudaStreamWaitEvent(c->stream, c->ev[slot][C_READY], 0));
    CUDA_CHECK(cudaEventRecord(c->ev[slot][C_START], c->stream));
    return 0;
fail:
    return 1;
}

static int copies_end(device_job *job, change_copies *c, int slot)
{
    const int device = job->device;
    hc_error *err = &job->err;
    CUDA_CHECK(cudaEventRecord(c->ev[slot][C_DONE], c->stream));
    c->pending[slot] = 1;
    return 0;
fail:
    return 1;
}

/* Scenario s's horizon changes (`from`, on the device) to res, once the copy before has
 * left buf->horizon. */
static int horizon_send(int s, const float *from, hc_results *res, device_job *job, const chunk_buffers *buf,
                        cudaStream_t stream, change_copies *c)
{
    const int device = job->device;
    const size_t bytes = (size_t)res->worlds * (size_t)res->firms * sizeof(float);
    hc_error *err = &job->err;
    if (c->pending[0]) CUDA_CHECK(cudaStreamWaitEvent(stream, c->ev[0][C_DONE], 0));
    CUDA_CHECK(cudaMemcpyAsync(buf->horizon, from, bytes, cudaMemcpyDeviceToDevice, stream));
    if (copies_begin(job, c, 0, stream)) goto fail;
    CUDA_CHECK(cudaMemcpyAsync(hc_results_firm_change(res, s, res->years), buf->horizon, bytes, cudaMemcpyDeviceToHost,
                               c->stream));
    return copies_end(job, c, 0);
fail:
    return 1;
}

/* The host path: every year's firm changes of scenario s over worlds w0 .. w0 + n - 1,
 * `from` the set `set` of buf->firm_change (its years n worlds apart), to res. */
static int changes_send(int s, int64_t w0, int n, int set, const float *from, hc_results *res, device_job *job,
                        cudaStream_t stream, change_copies *c)
{
    const int device = job->device;
    const size_t year_len = (size_t)n * (size_t)res->firms;
    hc_error *err = &job->err;
    int y;
    if (copies_begin(job, c, set, stream)) goto fail;
    for (y = 0; y <= res->years; y++)
        CUDA_CHECK(cudaMemcpyAsync(hc_results_firm_change(res, s, y) + (size_t)w0 * (size_t)res->firms,
                                   from + (size_t)y * year_len, year_len * sizeof(float), cudaMemcpyDeviceToHost,
                                   c->stream));
    return copies_end(job, c, set);
fail:
    return 1;
}

/* After the last launch, or out of a failed run: nothing in flight, nothing registered. */
static void copies_close(const hc_plan *p, hc_results *res, device_job *job, change_copies *c)
{
    int s;
    if (c->stream) cudaStreamSynchronize(c->stream);
    for (s = 0; s < c->n_pinned && s < p->n_models; s++)
        hc_cuda_unpin_host(hc_results_firm_change(res, s, res->years), &job->timing.pin);
    if (c->pinned_all) hc_cuda_unpin_host(res->firm_change, &job->timing.pin);
    while (c->n_ev > 0) {
        c->n_ev--;
        cudaEventDestroy(c->ev[c->n_ev / N_C_EV][c->n_ev % N_C_EV]);
    }
    if (c->stream) cudaStreamDestroy(c->stream);
    memset(c, 0, sizeof(*c));
}

/* ---- the horizon's share and histogram on the device (with device statistics)
 *
 * Scenario s's firm-sampling share: each world's half sums on the device, finished on the
 * host (hc_firm_share_of_halves) from 2 doubles a world. The histogram's bins need every
 * scenario's range, so each scenario's sorted horizon changes stay on the device
 * (buf->sorted_horizons, where the firm statistics' sort writes them) until the last one;
 * then each bin's count is a difference of two binary searches (horizon_histogram). The
 * same bits as src/analysis/firm_share.c computes from the firm changes. */
static int horizon_scenario(const hc_plan *p, int s, int n, const float *d_horizon, device_job *job,
                            const chunk_buffers *buf, const hc_results *res, cudaStream_t stream)
{
    const int device = job->device, np = p->models[0].n_percentiles;
    const size_t len = (size_t)n * (size_t)res->firms;
    hc_error *err = &job->err;
    CUDA_CHECK(hc_cuda_launch_percentile_pick(buf->sorted_horizons + (size_t)s * len, len, buf->percentiles + np, 2,
                                              buf->ranges + 2 * s, stream));
    CUDA_CHECK(hc_cuda_launch_firm_halves(d_horizon, n, res->firms, buf->halves_level, buf->halves_scratch,
                                          buf->halves, stream));
    CUDA_CHECK(cudaMemcpyAsync(job->halves, buf->halves, (size_t)n * 2 * sizeof(double), cudaMemcpyDeviceToHost,
                               stream));
    return 0;
fail:
    return 1;
}

static int horizon_histogram(const hc_plan *p, hc_results *res, device_job *job, const chunk_buffers *buf,
                             cudaStream_t stream)
{
    const int device = job->device, S = p->n_models;
    const uint64_t len = (uint64_t)res->worlds * (uint64_t)res->firms;
    double ranges[HC_FIRM_HIST_MAX_SCENARIOS][2];
    unsigned long long below[HC_FIRM_HIST_MAX_SCENARIOS * (HC_FIRM_HIST_MAX_BINS + 1)];
    hc_firm_histogram *h = &res->firm_horizon->histogram;
    hc_error *err = &job->err;
    int s, b;
    CUDA_CHECK(cudaMemcpyAsync(ranges, buf->ranges, (size_t)S * sizeof(ranges[0]), cudaMemcpyDeviceToHost, stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
    hc_firm_histogram_bins((const double(*)[2])ranges, S, h);
    CUDA_CHECK(hc_cuda_launch_firm_bins_below(buf->sorted_horizons, (int64_t)len, S, h->x0, h->step, h->n_bins,
                                              buf->below, stream));
    CUDA_CHECK(cudaMemcpyAsync(below, buf->below, (size_t)S * (size_t)(h->n_bins + 1) * sizeof(below[0]),
                               cudaMemcpyDeviceToHost, stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
    for (s = 0; s < S; s++) { /* the end bins hold what lies beyond them, as the host clamps */
        const unsigned long long *row = below + (size_t)s * (size_t)(h->n_bins + 1);
        for (b = 0; b < h->n_bins; b++)
            h->counts[s][b] = (int64_t)((b + 1 == h->n_bins ? len : row[b + 1]) - (b == 0 ? 0 : row[b]));
    }
    return 0;
fail:
    return 1;
}

/* What one GPU's launches share: the run's stream and the events that time its phases,
 * the firm changes' copies, and host scratch for one launch's counts. */
typedef struct {
    cudaStream_t stream;
    cudaEvent_t ev[N_EV];
    int n_ev;
    change_copies copies;
    unsigned long long *shrinking; /* [year] */
    int64_t launches;              /* so far: the host path's set of firm changes is launches % change_sets */
} device_run;

/* Scenario s over worlds w0 .. w0 + n - 1: the world paths, the firms, the world sums, and
 * the copies back into res; adds the chunk's firms below their start to job->shrinking. */
static int run_chunk(const hc_plan *p, int s, int64_t w0, int n, int profile, hc_results *res, device_job *job,
                     const chunk_buffers *buf, device_run *run)
{
    const int device = job->device;
    hc_error *err = &job->err;
    const hc_model *m = &p->models[s].model;
    const int T = res->n_steps, Y1 = res->years + 1;
    const int64_t F = res->firms;
    const int set = job->device_stats ? 0 : (int)(run->launches % buf->change_sets);
    const uint32_t world_first = (uint32_t)(res->world_begin + w0);
    cudaStream_t stream = run->stream;
    cudaEvent_t *ev = run->ev;
    hc_cuda_firm_args a;
    int y;
    a.d_wi = buf->wi;
    a.d_steps = buf->steps;
    a.d_Kw = buf->Kw;
    a.d_partials = buf->partials;
    if (job->device_stats) { /* the chunk's place among every world's changes of the scenario */
        a.d_firm_change = buf->firm_change + (size_t)(w0 - job->begin) * (size_t)F;
        a.year_worlds = (int)(job->end - job->begin);
    } else { /* the set's, compact: changes_send copies each year as one run */
        a.d_firm_change = buf->firm_change + (size_t)set * (size_t)Y1 * (size_t)buf->worlds * (size_t)F;
        a.year_worlds = n;
    }
    a.d_shrinking = buf->shrinking;
    a.world_first = world_first;
    a.n_worlds = n;
    a.firms = F;
    a.last_step = T;

    /* The host path: the changes of the last launch that wrote this set must have left
     * before the steps overwrite them. */
    if (!job->device_stats && copies_wait(job, &run->copies, set)) goto fail;
    CUDA_CHECK(cudaEventRecord(ev[EV_START], stream));
    CUDA_CHECK(hc_cuda_launch_world_paths(m, world_first, n, buf->wi, buf->steps, buf->Kw, stream));
    CUDA_CHECK(cudaEventRecord(ev[EV_PATHS], stream));
    if (profile) {
        hc_cuda_firm_args sample_only = a;
        sample_only.last_step = -1;
        CUDA_CHECK(hc_cuda_launch_firm_steps(m, &sample_only, stream));
    }
    CUDA_CHECK(cudaEventRecord(ev[EV_SAMPLED], stream));
    CUDA_CHECK(cudaMemsetAsync(buf->shrinking, 0, (size_t)Y1 * sizeof(unsigned long long), stream));
    CUDA_CHECK(hc_cuda_launch_firm_steps(m, &a, stream));
    CUDA_CHECK(cudaEventRecord(ev[EV_STEPPED], stream));
    /* The firm changes cross only where the host reads them: without device statistics
     * every year's, beside the rest of this launch and the next (src/analysis/'s
     * statistics); with them the horizon's if asked for (traced firms: scenario_stats). */
    if (!job->device_stats && changes_send(s, w0, n, set, a.d_firm_change, res, job, stream, &run->copies)) goto fail;
    CUDA_CHECK(hc_cuda_launch_world_sums(buf->partials, buf->sums_scratch, n, hc_cuda_blocks_per_world(F), T,
                                         hc_sums_width(m->n_roles), res->n_sums, buf->sums, stream));
    CUDA_CHECK(cudaEventRecord(ev[EV_REDUCED], stream));
    CUDA_CHECK(cudaMemcpyAsync(hc_results_sums(res, s, w0, 0), buf->sums,
                               (size_t)n * (size_t)(T + 1) * (size_t)res->n_sums * sizeof(double), cudaMemcpyDeviceToHost,
                               stream));
    CUDA_CHECK(cudaMemcpyAsync(run->shrinking, buf->shrinking, (size_t)Y1 * sizeof(unsigned long long),
                               cudaMemcpyDeviceToHost, stream));
    CUDA_CHECK(cudaEventRecord(ev[EV_COPIED], stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));

    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.world_paths, ev[EV_START], ev[EV_PATHS]));
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.firm_sampling, ev[EV_PATHS], ev[EV_SAMPLED]));
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.firm_steps, ev[EV_SAMPLED], ev[EV_STEPPED]));
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.reduction, ev[EV_STEPPED], ev[EV_REDUCED]));
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.copy_back, ev[EV_REDUCED], ev[EV_COPIED]));
    job->timing.launches++;
    run->launches++;
    for (y = 0; y < Y1; y++) job->shrinking[(size_t)s * (size_t)Y1 + (size_t)y] += (int64_t)run->shrinking[y];
    if (p->worlds_done) __atomic_fetch_add(p->worlds_done, (int64_t)n, __ATOMIC_RELAXED); /* progress bar only */
    return 0;
fail:
    return 1;
}

/* With device statistics, after scenario s's last chunk: each year's firm percentiles,
 * mean and sd over every firm of the GPU's worlds, the horizon's share and its sorted
 * changes (the histogram), and the horizon's changes to the host if asked for. */
static int scenario_stats(const hc_plan *p, int s, hc_results *res, device_job *job, const chunk_buffers *buf,
                          device_run *run)
{
    const int device = job->device, Y1 = res->years + 1, np = res->firm_stats_np;
    const int64_t worlds = job->end - job->begin;
    const size_t year_len = (size_t)worlds * (size_t)res->firms; /* a year of every world's changes */
    const float *horizon = buf->firm_change + (size_t)(Y1 - 1) * year_len;
    double *rows = res->firm_stats + (size_t)s * (size_t)Y1 * (size_t)(np + 2);
    cudaStream_t stream = run->stream;
    cudaEvent_t *ev = run->ev;
    hc_error *err = &job->err;
    int y;
    CUDA_CHECK(cudaEventRecord(ev[EV_STATS0], stream));
    for (y = 0; y < Y1; y++) {
        hc_cuda_firm_stats_buffers sb = buf->stats;
        sb.d_sorted = buf->sorted_horizons + (size_t)s * year_len; /* the horizon, sorted last, stays there */
        CUDA_CHECK(hc_cuda_launch_firm_stats(buf->firm_change + (size_t)y * year_len, (int64_t)year_len, &sb,
                                             buf->percentiles, np, buf->firm_stats + (size_t)y * (size_t)(np + 2),
                                             stream));
    }
    if (horizon_scenario(p, s, (int)worlds, horizon, job, buf, res, stream)) goto fail;
    CUDA_CHECK(cudaEventRecord(ev[EV_STATS], stream));
    CUDA_CHECK(cudaMemcpyAsync(rows, buf->firm_stats, (size_t)Y1 * (size_t)(np + 2) * sizeof(double),
                               cudaMemcpyDeviceToHost, stream));
    if (job->copy_horizon && horizon_send(s, horizon, res, job, buf, stream, &run->copies)) goto fail;
    CUDA_CHECK(cudaEventRecord(ev[EV_STATS_COPIED], stream));
    CUDA_CHECK(cudaStreamSynchronize(stream));
    for (y = 0; y < Y1; y++) { /* the device left each year's variance (hc_cuda_launch_firm_stats) */
        double *sd = rows + (size_t)y * (size_t)(np + 2) + (size_t)np + 1;
        *sd = sqrt(*sd);
    }
    res->firm_horizon->share[s] = hc_firm_share_of_halves(job->halves, worlds, res->firms);
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.firm_stats, ev[EV_STATS0], ev[EV_STATS]));
    CUDA_CHECK(hc_cuda_add_elapsed(&job->timing.copy_back, ev[EV_STATS], ev[EV_STATS_COPIED]));
    return 0;
fail:
    return 1;
}

/* Worlds job->begin .. end - 1 of res, every scenario, on job->device, chunk by chunk. */
static int run_device(const hc_plan *p, int64_t max_chunk, int profile, hc_results *res, device_job *job)
{
    const int device = job->device;
    hc_error *err = &job->err;
    int R = 1, s, rc = 1;
    chunk_buffers buf;
    device_run run;
    int64_t chunk, w0;

    memset(&buf, 0, sizeof(buf));
    memset(&run, 0, sizeof(run));
    run.shrinking = (unsigned long long *)malloc((size_t)(res->years + 1) * sizeof(unsigned long long));
    if (!run.shrinking) {
        hc_fail(err, "out of memory");
        goto fail;
    }
    for (s = 0; s < p->n_models; s++)
        if (p->models[s].model.n_roles > R) R = p->models[s].model.n_roles;
    if (R > res->roles) { /* a scenario's role sums would not fit in res's rows */
        hc_fail(err, "internal error: results hold the sums of %d roles, and a scenario has %d", res->roles, R);
        goto fail;
    }
    CUDA_CHECK(cudaSetDevice(device));
    CUDA_CHECK(cudaStreamCreateWithFlags(&run.stream, cudaStreamNonBlocking));
    for (; run.n_ev < N_EV; run.n_ev++) CUDA_CHECK(cudaEventCreate(&run.ev[run.n_ev]));
    if (alloc_chunk(p, res, R, max_chunk, job, &buf, &chunk)) goto fail;
    if ((job->copy_horizon || !job->device_stats) && copies_open(p, res, job, &run.copies)) goto fail;
    if (job->device_stats && (hc_results_alloc_firm_stats(res, p->models[0].n_percentiles) ||
                              !(res->firm_horizon = (struct hc_firm_horizon *)calloc(1, sizeof(*res->firm_horizon))) ||
                              !(job->halves = (double *)malloc((size_t)res->worlds * 2 * sizeof(double))))) {
        hc_fail(err, "out of memory");
        goto fail;
    }
    for (s = 0; s < p->n_models; s++) {
        for (w0 = job->begin; w0 < job->end; w0 += chunk) {
            const int n = (int)(job->end - w0 < chunk ? job->end - w0 : chunk);
            if (hc_interrupted) {
                hc_fail(err, "interrupted");
                goto fail;
            }
            if (run_chunk(p, s, w0, n, profile, res, job, &buf, &run)) goto fail;
        }
        if (job->device_stats && scenario_stats(p, s, res, job, &buf, &run)) goto fail;
    }
    if (copies_wait(job, &run.copies, 0) || copies_wait(job, &run.copies, 1)) goto fail;
    if (job->device_stats && horizon_histogram(p, res, job, &buf, run.stream)) goto fail;
    rc = 0;
fail:
    copies_close(p, res, job, &run.copies); /* a copy in flight reads buf */
    free_buffers(&buf);
    free(run.shrinking);
    free(job->halves);
    job->halves = NULL;
    while (run.n_ev > 0) cudaEventDestroy(run.ev[--run.n_ev]);
    if (run.stream) cudaStreamDestroy(run.stream);
    return rc;
}

int hc_run_cuda(const hc_plan *p, const hc_cuda_options *o, hc_results *res, hc_cuda_timing *timing, hc_error *err)
{
    static const hc_cuda_options defaults;
    int devices[HC_CUDA_MAX_DEVICES], n_dev, d, s, y, rc = 0;
    device_job *jobs = NULL;
    int64_t max_chunk;
    int stats_wanted; /* the firm statistics on the device: asked for, with percentiles to compute */
    int stats_forced_off; /* ... and HC_CUDA_HOST_STATS says the host computes them (tests, comparisons) */
    int pinned = 0;   /* res's firm changes page-locked here, for every GPU's copies */
    double pin_seconds = 0.0;
    const double t0 = omp_get_wtime();

    if (!o) o = &defaults;
    max_chunk = o->max_chunk_worlds > 0 ? o->max_chunk_worlds : hc_cuda_env_count("HC_CUDA_MAX_CHUNK_WORLDS");
    /* What the kernels assume, checked once here rather than found broken on a GPU. */
    if (p->design) /* the kernels draw every world's inputs themselves (src/engines/simulate.c keeps such runs off) */
        return hc_fail(err, "the CUDA backend does not read a world-input design yet");
    if (p->n_models < 1 || res->slots < p->n_models || res->worlds < 1 || res->firms < 1 ||
        res->firms > (int64_t)UINT32_MAX - 1 || res->world_begin < 0 ||
        res->world_begin + res->worlds > (int64_t)UINT32_MAX + 1)
        return hc_fail(err, "the CUDA backend cannot run %lld worlds (from %lld) of %lld firms: world ids and "
                       "firm numbers must fit 32 bits", (long long)res->worlds, (long long)res->world_begin,
                       (long long)res->firms);
    for (s = 0; s < p->n_models; s++) {
        const hc_model *m = &p->models[s].model;
        if (m->n_roles < 1 || m->n_roles > HC_MAX_ROLES || m->steps_per_year < 1 || m->n_steps != res->n_steps ||
            m->years != res->years || m->n_steps != m->years * m->steps_per_year || m->n_steps > HC_MAX_STEPS)
            return hc_fail(err, "scenario %s: %d roles, %d steps over %d years do not match the run's shape "
                           "(a bug: please report it)", p->models[s].name, m->n_roles, m->n_steps, m->years);
    }
    stats_wanted = o->firm_stats && p->models[0].n_percentiles > 0; /* models[0]: checked above */
    stats_forced_off = stats_wanted && hc_cuda_env_count("HC_CUDA_HOST_STATS") > 0;
    if (stats_forced_off) stats_wanted = 0;
    n_dev = hc_cuda_select_devices(o->devices, o->n_devices, devices, err);
    if (n_dev < 1) return 1;
    if (n_dev > res->worlds) n_dev = (int)res->worlds; /* every GPU gets at least one world */

    hc_results_drop_backend_stats(res); /* filled again below, or left to src/analysis/ */
    jobs = (device_job *)calloc((size_t)n_dev, sizeof(device_job));
    if (!jobs) return hc_fail(err, "out of memory");
    /* Statistics over every firm need them on one GPU; a run split across GPUs copies every
     * firm change, into memory page-locked once for all of them (the only GPU pins it
     * itself if it takes that path: copies_open). */
    jobs[0].want_stats = stats_wanted && n_dev == 1;
    jobs[0].copy_horizon = o->firm_changes_at_horizon;
    jobs[0].pin_changes = n_dev == 1;
    if (n_dev > 1 && cudaSetDevice(devices[0]) == cudaSuccess)
        pinned = hc_cuda_pin_host(res->firm_change, changes_bytes(p, res), &pin_seconds);
    for (d = 0; d < n_dev; d++) {
        jobs[d].changes_pinned = pinned;
        jobs[d].device = devices[d];
        jobs[d].begin = res->worlds * d / n_dev;
        jobs[d].end = res->worlds * (d + 1) / n_dev;
        jobs[d].shrinking = (int64_t *)calloc((size_t)p->n_models * (size_t)(res->years + 1), sizeof(int64_t));
        if (!jobs[d].shrinking) {
            rc = hc_fail(err, "out of memory");
            goto done;
        }
    }
    /* One host thread per GPU; each writes only its own worlds of res and its own job. */
    if (n_dev == 1) {
        jobs[0].rc = run_device(p, max_chunk, o->profile, res, &jobs[0]);
    } else {
#pragma omp parallel for num_threads(n_dev) schedule(static, 1)
        for (d = 0; d < n_dev; d++) jobs[d].rc = run_device(p, max_chunk, o->profile, res, &jobs[d]);
    }
    if (pinned) { /* every GPU's copies are done */
        hc_cuda_unpin_host(res->firm_change, &pin_seconds);
        pinned = 0;
    }
    for (d = 0; d < n_dev; d++)
        if (jobs[d].rc) {
            *err = jobs[d].err;
            rc = 1;
            goto done;
        }
    for (d = 0; d < n_dev; d++)
        for (s = 0; s < p->n_models; s++)
            for (y = 0; y <= res->years; y++) {
                const size_t i = (size_t)s * (size_t)(res->years + 1) + (size_t)y;
                res->shrinking[i] += jobs[d].shrinking[i];
            }
    if (timing) {
        memset(timing, 0, sizeof(*timing));
        for (d = 0; d < n_dev; d++) hc_cuda_timing_add(timing, &jobs[d].timing);
        timing->pin += pin_seconds;
        timing->devices = n_dev;
    }
    if (stats_wanted && !res->firm_stats)
        res->firm_stats_host_why = n_dev > 1 ? "the worlds are split across GPUs" : jobs[0].stats_why;
    if (stats_forced_off) res->firm_stats_host_why = "HC_CUDA_HOST_STATS is set";
    res->backend = "cuda";
    res->threads = n_dev;
    res->simulate_seconds = omp_get_wtime() - t0;
done:
    if (pinned) hc_cuda_unpin_host(res->firm_change, &pin_seconds); /* an early failure, before any GPU ran */
    if (rc) hc_results_drop_backend_stats(res); /* no half-filled statistics for anyone to trust */
    if (jobs)
        for (d = 0; d < n_dev; d++) free(jobs[d].shrinking);
    free(jobs);
    return rc;
}

#else
/* A build without nvcc: no CUDA backend (src/engines/simulate.c runs on the CPU). ISO C wants a
 * declaration in every file. */
typedef int hc_engine_cuda_host_absent;
#endif
