/* simulate.c: picks the backend for a plan and runs it, through the MPI split when ranks
 * share the worlds. See hc_run.h.
 *
 * Owns: the choice of backend (CPU, CUDA, the notices and refusals about it). Calls: the
 * backends (hc_engine.h, hc_cuda.h) and src/engines/mpi_run.c, which calls the chosen backend
 * and never back here. */
#include <stdio.h>
#include <string.h>
#include "hc_mpi.h"
#include "hc_run.h"
#ifdef HC_HAVE_CUDA
#include "hc_cuda.h"
#endif

static int run_cpu(const hc_backend *b, const hc_plan *p, hc_results *res, hc_error *err)
{
    return hc_run_cpu(p, *(const int *)b->ctx, res, err);
}

#ifdef HC_HAVE_CUDA
static int run_cuda(const hc_backend *b, const hc_plan *p, hc_results *res, hc_error *err)
{
    return hc_run_cuda(p, (const hc_cuda_options *)b->ctx, res, NULL, err);
}

/* Under MPI the ranks of a node share its GPUs (hc_mpi.h's hook): of the n usable GPUs,
 * rank r of the node's s ranks takes those listed at r, r + s, r + 2s... or, with fewer
 * GPUs than ranks, GPU r % n (ranks then share one). The devices into co; which GPUs run
 * which worlds changes no result (src/engines/engine_cuda_host.c). */
static void take_node_share(const int *usable, int n, hc_cuda_options *co)
{
    const int r = hc_mpi_local_rank(), s = hc_mpi_local_size();
    int i;
    co->n_devices = 0;
    if (n <= s) {
        co->devices[co->n_devices++] = usable[r % n];
        return;
    }
    for (i = r; i < n; i += s) co->devices[co->n_devices++] = usable[i];
}
#endif

/* The backend o asks for, into b (ctx pointing into co or o). Returns 0, or non-zero
 * with err filled when the backend asked for cannot run this plan. */
static int choose_backend(const hc_plan *p, const hc_sim_options *o, hc_backend *b, void *co_, hc_error *err)
{
    b->run = run_cpu;
    b->ctx = &o->threads;
#ifdef HC_HAVE_CUDA
    {
        hc_cuda_options *co = (hc_cuda_options *)co_;
        hc_error why;
        int chosen[HC_CUDA_MAX_DEVICES], n_usable;
        if (strcmp(o->backend, "cpu") == 0) return 0;
        /* The CUDA kernels draw every world's inputs themselves and do not read a world-input
         * design yet (hc_design.h: --sampling lhs, --sobol, `correlations`): such a run stays
         * on the CPU under auto, and fails clearly when a GPU was asked for. */
        if (p->design) {
            if (strcmp(o->backend, "cuda") == 0 || o->n_devices > 0)
                return hc_fail(err, "--sampling lhs, --sobol and `correlations` are not supported on the GPU yet; "
                                    "use --backend cpu");
            if (!o->quiet)
                fprintf(stderr, "headcount: --sampling lhs, --sobol and correlations run on the CPU only for now; "
                                "running on the CPU\n");
            return 0;
        }
        /* auto: the GPUs when one is usable, else the CPU with a notice; cuda, or GPUs named
         * with --devices: those GPUs or a clear error. Which GPUs, and how many, changes no
         * result (src/engines/engine_cuda_host.c). */
        memset(co, 0, sizeof(*co));
        co->n_devices = o->n_devices < HC_CUDA_MAX_DEVICES ? o->n_devices : HC_CUDA_MAX_DEVICES;
        memcpy(co->devices, o->devices, sizeof(int) * (size_t)co->n_devices);
        /* Under MPI a rank holds a block of the worlds, and rank 0 gathers every firm change. */
        co->firm_stats = o->firm_stats && hc_mpi_size() == 1;
        co->firm_changes_at_horizon = o->firm_changes_at_horizon;
        if ((n_usable = hc_cuda_select_devices(co->devices, co->n_devices, chosen, &why)) > 0) {
            /* GPUs named with --devices are every rank's; else each rank takes its share */
            if (co->n_devices == 0 && hc_mpi_local_size() > 1) take_node_share(chosen, n_usable, co);
            b->run = run_cuda;
            b->ctx = co;
            return 0;
        }
        if (strcmp(o->backend, "cuda") == 0 || co->n_devices > 0)
            return hc_fail(err,
                           "%s: no usable GPU: %s\n"
                           "hint: run with --backend cpu; `headcount devices` lists the GPUs",
                           co->n_devices > 0 ? "--devices" : "--backend cuda", why.message);
        if (!o->quiet) { /* the same on every run of this machine: said once (and when it changes) */
            char notice[sizeof(why.message) + 64];
            snprintf(notice, sizeof(notice), "headcount: no usable GPU (%s); running on the CPU\n", why.message);
            hc_notice_once("gpu-notice", notice);
        }
    }
#else
    (void)p;
    (void)co_;
    if (o->n_devices > 0)
        return hc_fail(err, "--devices: this build has no CUDA backend (nvcc was not found when it was "
                            "built)\nhint: leave out --devices to run on the CPU");
    if (strcmp(o->backend, "cuda") == 0)
        return hc_fail(err, "--backend cuda: this build has no CUDA backend (nvcc was not found when it "
                            "was built)\nhint: run with --backend cpu (or auto)");
    if (strcmp(o->backend, "auto") == 0 && !o->quiet) /* said once per machine */
        hc_notice_once("gpu-notice", "headcount: no usable GPU backend in this build; running on the CPU\n");
#endif
    return 0;
}

int hc_simulate(const hc_plan *p, const hc_sim_options *o, hc_results *res, hc_error *err)
{
    hc_backend b;
#ifdef HC_HAVE_CUDA
    hc_cuda_options co;
#else
    char co; /* no CUDA options in this build */
#endif
    if (choose_backend(p, o, &b, &co, err)) return hc_mpi_size() > 1 ? hc_mpi_name_rank(err) : 1;
    hc_results_drop_backend_stats(res); /* what a backend left from an earlier run of res */
    /* Under MPI each rank runs its block on b, and rank 0 gathers (src/engines/mpi_run.c). */
    if (hc_mpi_size() > 1) return hc_mpi_run(&b, p, res, err);
    return b.run(&b, p, res, err);
}
