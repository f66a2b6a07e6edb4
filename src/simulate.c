/* simulate.c: picks the backend for a run and runs it. See hc_run.h. */
#include <stdio.h>
#include <string.h>
#include "hc_mpi.h"
#include "hc_run.h"
#ifdef HC_HAVE_CUDA
#include "hc_cuda.h"
#endif

int hc_simulate(const hc_config *cfg, int n_scenarios, const hc_sim_options *o, hc_results *res,
                hc_error *err)
{
    /* Under MPI each rank runs its block of worlds back through here (src/mpi_run.c). */
    if (hc_mpi_splits()) return hc_mpi_simulate(cfg, n_scenarios, o, res, err);
#ifdef HC_HAVE_CUDA
    /* The CUDA kernels draw every world's inputs themselves and do not read a world-input
     * design yet (hc_design.h: --sampling lhs, --sobol, `correlations`): such a run stays
     * on the CPU under auto, and fails clearly when a GPU was asked for. */
    if (res->design && strcmp(o->backend, "cpu") != 0) {
        if (strcmp(o->backend, "cuda") == 0 || o->n_devices > 0)
            return hc_fail(err, "--sampling lhs, --sobol and `correlations` are not supported on the GPU yet; "
                                "use --backend cpu");
        if (!o->quiet)
            fprintf(stderr, "headcount: --sampling lhs, --sobol and correlations run on the CPU only for now; "
                            "running on the CPU\n");
        return hc_run_cpu(cfg, n_scenarios, o->threads, res, err);
    }
    /* auto: the GPUs when one is usable, else the CPU with a notice; cuda, or GPUs named
     * with --devices: those GPUs or a clear error. Which GPUs, and how many, changes no
     * result (src/engine_cuda_host.c). */
    if (strcmp(o->backend, "cpu") != 0) {
        hc_cuda_options co;
        hc_error why;
        int chosen[HC_CUDA_MAX_DEVICES];
        memset(&co, 0, sizeof(co));
        co.n_devices = o->n_devices < HC_CUDA_MAX_DEVICES ? o->n_devices : HC_CUDA_MAX_DEVICES;
        memcpy(co.devices, o->devices, sizeof(int) * (size_t)co.n_devices);
        if (hc_cuda_select_devices(co.devices, co.n_devices, chosen, &why) > 0)
            return hc_run_cuda(cfg, n_scenarios, &co, res, NULL, err);
        if (strcmp(o->backend, "cuda") == 0 || co.n_devices > 0)
            return hc_fail(err, "%s: no usable GPU: %s\n"
                                "hint: run with --backend cpu; `headcount devices` lists the GPUs",
                           co.n_devices > 0 ? "--devices" : "--backend cuda", why.message);
        if (!o->quiet) fprintf(stderr, "headcount: no usable GPU (%s); running on the CPU\n", why.message);
    }
#else
    if (o->n_devices > 0)
        return hc_fail(err, "--devices: this build has no CUDA backend (nvcc was not found when it was "
                            "built)\nhint: leave out --devices to run on the CPU");
    if (strcmp(o->backend, "cuda") == 0)
        return hc_fail(err, "--backend cuda: this build has no CUDA backend (nvcc was not found when it "
                            "was built)\nhint: run with --backend cpu (or auto)");
    if (strcmp(o->backend, "auto") == 0 && !o->quiet)
        fprintf(stderr, "headcount: no usable GPU backend in this build; running on the CPU\n");
#endif
    return hc_run_cpu(cfg, n_scenarios, o->threads, res, err);
}
