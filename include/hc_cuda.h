/* hc_cuda.h: the CUDA backend, host side: the GPUs it can use, a run on them, and the
 * device-side firm percentiles (host only; C, no CUDA types).
 *
 * Compiled only when the build found nvcc (mk/cuda.mk defines HC_HAVE_CUDA); without it
 * src/engines/simulate.c runs everything on the CPU. The orchestration is src/engines/engine_cuda_host.c,
 * the kernels are in kernels/ (their launchers: hc_cuda_kernels.h), and the model they
 * run is include/model/hc_model.h, the very code the CPU backend runs. */
#ifndef HC_CUDA_H
#define HC_CUDA_H

#include <stddef.h>
#include <stdint.h>
#include "hc_engine.h"

#define HC_CUDA_MAX_DEVICES 64
/* The fat binary holds SASS for compute capability 8.0 (which 8.6 and 8.9 also run) and
 * 9.0, and compute_90 PTX that the driver compiles for newer GPUs. 7.x has no code. */
#define HC_CUDA_MIN_CC_MAJOR 8
/* How closely a GPU run must agree with the CPU's, relative (tests/gpu, bench/gpu_bench.c;
 * tests/gpu/compare_bands.py's default). Both sides compute the model's float operations
 * as written (no contraction: -ffp-contract=off, --fmad=false) and only double exp, log,
 * log1p and pow differ (libdevice against glibc, by an ulp or two): a firm's float change
 * is then the same bits, and a world's double sum differs by its summation order alone
 * (about 1e-15). One float ulp is 6e-8: a contraction or an operation done another way
 * fails this (tests/cli_cuda.sh's FMA mutant shows it). */
#define HC_CUDA_AGREEMENT_REL 1e-9

/* One visible GPU, as `headcount devices` shows it. */
typedef struct {
    int ordinal; /* CUDA device number (what --devices takes) */
    char name[256];
    size_t total_bytes;     /* global memory */
    size_t free_bytes;      /* free now; 0 unless asked for (it needs a context on the GPU) */
    int cc_major, cc_minor; /* compute capability */
    int sm_count;
    int clock_khz;        /* peak SM clock (cudaDevAttrClockRate: CUDA 13 has no clockRate field) */
    int memory_clock_khz; /* peak memory clock */
    int memory_bus_bits;  /* global memory bus width */
    int usable;           /* cc_major >= HC_CUDA_MIN_CC_MAJOR */
} hc_cuda_device;

/* A CUDA error message cut before its "hint:", in place (a notice wants the reason only). */
char *hc_cuda_reason(char *message);

/* The visible GPUs, up to max of them, into dev[0..*count); with_free: also their free
 * memory (slower: it starts a context on each). Returns 0; non-zero with err filled with
 * one line saying why none can be listed (no driver, no device...). */
int hc_cuda_list_devices(hc_cuda_device *dev, int max, int *count, int with_free, hc_error *err);

/* The GPUs a run would use: listed[0..n_listed) when n_listed > 0 (each must exist and
 * be usable), else every usable visible one. Writes them to out[0..return value) (at most
 * HC_CUDA_MAX_DEVICES); returns 0 with err filled, in one line, when there are none. */
int hc_cuda_select_devices(const int *listed, int n_listed, int *out, hc_error *err);

typedef struct {
    int n_devices; /* 0: every usable visible GPU */
    int devices[HC_CUDA_MAX_DEVICES];
    /* At most this many worlds per launch; 0: as many as the free memory allows. The
     * environment variable HC_CUDA_MAX_CHUNK_WORLDS sets it too (tests: chunked and
     * unchunked runs must give the same bytes). */
    int64_t max_chunk_worlds;
    /* Also time firm sampling alone, with an extra launch that samples every firm and
     * takes no step (make bench-gpu); the results are unchanged. */
    int profile;
    /* The caller takes the firm statistics from res->firm_stats and res->firm_horizon when
     * they are filled (hc_sim_options.firm_stats): they are then computed on the GPU
     * (kernels/firm_stats.cu) and only they cross to the host, no firm change. Only where
     * the run is on one GPU and a scenario's firm changes fit on it beside the statistics'
     * buffers (the rest of a launch may come in chunks): otherwise, or with
     * HC_CUDA_HOST_STATS=1 in the environment, every firm change crosses and src/analysis/
     * computes them on the host. */
    int firm_stats;
    /* With firm_stats: copy the horizon year's firm changes to res too (traced firms). */
    int firm_changes_at_horizon;
} hc_cuda_options;

/* Where a run's device time went, in seconds, summed over chunks, scenarios and GPUs
 * (from CUDA events; the GPUs of a multi-GPU run overlap, so these can exceed the wall
 * time). */
typedef struct {
    double world_paths;   /* world inputs and macro paths (one thread per world) */
    double firm_sampling; /* firm inputs alone: only with hc_cuda_options.profile */
    double firm_steps;    /* the model kernel: firm sampling, every step, block sums */
    double reduction;     /* block sums to world sums (kernels/world_sums.cu's fixed tree) */
    double firm_stats;    /* firm percentiles, mean and sd, the horizon's share and histogram on the device
                             (firm_stats runs only) */
    double copy_back;     /* world sums and statistics to the host (on the run's stream) */
    /* the firm changes that cross to the host, on a stream of their own beside the next
     * launch's work (so, into page-locked memory, overlapped with the wall time rather than
     * added to it): the horizon's in firm_changes_at_horizon runs with device statistics,
     * every year's where the host computes the statistics (none otherwise) */
    double changes_copy;
    int pinned;       /* 1: they went to page-locked host memory (cudaHostRegister) */
    double pin;       /* host seconds spent page-locking that memory (and unlocking it) */
    int devices;      /* GPUs used */
    int64_t launches; /* chunks x scenarios, all GPUs together */
} hc_cuda_timing;

/* Fills the worlds of res's slice for every model of plan p (no design), like hc_run_cpu, on the GPUs that
 * o selects (o may be NULL: defaults). Worlds are split across the GPUs in contiguous
 * ranges and run in chunks that fit the free memory; every world's numbers depend only on
 * its id, so neither the split nor the chunking changes a bit. timing may be NULL.
 * Returns 0, or non-zero with err filled; err may carry a second line "hint: ...". */
int hc_run_cuda(const hc_plan *p, const hc_cuda_options *o, hc_results *res, hc_cuda_timing *timing, hc_error *err);

/* Percentiles p[0..np) of x[0..n) (n >= 1, 1 <= np <= HC_MAX_PERCENTILES) on GPU
 * `ordinal`: a CUB radix sort, then numpy's linear interpolation exactly as
 * hc_percentiles_f does it, so the same bits. x is not changed. device_seconds (may be
 * NULL): sort and pick, without the upload. Returns 0, or non-zero with err filled. */
int hc_cuda_percentiles_f(int ordinal, const float *x, size_t n, const double *p, int np, double *out,
                          double *device_seconds, hc_error *err);

/* World sums from block partials on GPU `ordinal`, for the tests: partials is
 * [world][block][n_steps + 1][width] as the model kernel leaves it, sums
 * [world][n_steps + 1][out_width], added in the fixed tree of hc_cuda_launch_world_sums
 * (model/hc_cuda_kernels.h). Returns 0, or non-zero with err filled. */
int hc_cuda_world_sums(int ordinal, const double *partials, int n_worlds, int blocks_per_world, int n_steps, int width,
                       int out_width, double *sums, hc_error *err);

/* Philox4x32-10 on GPU `ordinal`, for the known-answer tests: for each of n vectors
 * in[6 i ..] = ctr[4], key[2], out_hc[4 i ..] = hc_philox4x32_10 (hc_philox.h) and
 * out_curand[4 i ..] = cuRAND's curand_Philox4x32_10, both computed on the device. */
int hc_cuda_philox(int ordinal, const uint32_t *in, int n, uint32_t *out_hc, uint32_t *out_curand, hc_error *err);

#endif
