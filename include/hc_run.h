/* hc_run.h: simulating a plan on a chosen backend (host only; src/engines/simulate.c).
 *
 * src/engines/simulate.c is the one place that picks the backend (CPU or CUDA) and hands the
 * plan to it, through src/engines/mpi_run.c when MPI ranks share the worlds, so `run` and every
 * other command that simulates share the choice. It calls down only: the backends
 * (hc_engine.h, hc_cuda.h) and the MPI split (hc_mpi.h). */
#ifndef HC_RUN_H
#define HC_RUN_H

#include "hc_engine.h"

#define HC_SIM_MAX_DEVICES 64

/* Zero-initialise (memset) before filling, so that a field added later is off. */
typedef struct {
    const char *backend; /* "auto", "cpu" or "cuda" */
    int threads;         /* CPU threads; 0: all cores */
    int quiet;           /* no notices on stderr */
    int n_devices;       /* --devices: GPUs devices[0..n_devices) (CUDA numbers); 0: every usable GPU */
    int devices[HC_SIM_MAX_DEVICES];
    /* 1: the caller reads no firm change (but the horizon's with firm_changes_at_horizon)
     * and takes the firm statistics from res->firm_stats and res->firm_horizon where the
     * backend fills them: the CUDA backend on one GPU, in one process
     * (hc_cuda_options.firm_stats). 0: every firm change. */
    int firm_stats;
    int firm_changes_at_horizon; /* with firm_stats: the caller reads the horizon's (traced firms) */
} hc_sim_options;

/* Fills res with plan p on the backend `o` asks for: all of p's worlds, or under MPI
 * (hc_mpi.h) rank 0 all of them and every other rank its block (res allocated by the
 * caller over hc_mpi_results_span). Returns 0, or non-zero with err filled; err may
 * carry a second line starting "hint:". */
int hc_simulate(const hc_plan *p, const hc_sim_options *o, hc_results *res, hc_error *err);

#endif
