/* simulate.c: picks the backend for a run and runs it. See hc_run.h. */
#include <stdio.h>
#include <string.h>
#include "hc_mpi.h"
#include "hc_run.h"

int hc_simulate(const hc_config *cfg, int n_scenarios, const hc_sim_options *o, hc_results *res,
                hc_error *err)
{
    /* Under MPI each rank runs its block of worlds back through here (src/mpi_run.c). */
    if (hc_mpi_splits()) return hc_mpi_simulate(cfg, n_scenarios, o, res, err);
    if (strcmp(o->backend, "cuda") == 0)
        return hc_fail(err, "--backend cuda: this build has no CUDA backend yet\n"
                            "hint: run with --backend cpu (or auto)");
    if (strcmp(o->backend, "auto") == 0 && !o->quiet)
        fprintf(stderr, "headcount: no usable GPU backend in this build; running on the CPU\n");
    return hc_run_cpu(cfg, n_scenarios, o->threads, res, err);
}
