/* hc_run.h: running the simulation of a whole run on a chosen backend (host only).
 * src/simulate.c is the one place that picks the backend (CPU now; CUDA and MPI hook in
 * there), so `run` and every other command that simulates share the choice. */
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
} hc_sim_options;

/* Fills res (allocated by the caller) on the backend `o` asks for. Returns 0, or
 * non-zero with err filled; err may carry a second line starting "hint:". */
int hc_simulate(const hc_config *cfg, int n_scenarios, const hc_sim_options *o, hc_results *res,
                hc_error *err);

#endif
