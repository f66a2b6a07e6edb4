/* gpu_bench.c: `make bench-gpu` (bench/gpu_bench.sh runs it). Throughput of the CUDA
 * backend on the shipped narratives for 1e6, 1e7 and 1e8 firms, its time split (world
 * paths, firm sampling, steps with the in-block sums, the cross-block reduction, the copy
 * back, and the firm percentiles on the device), against the CPU backend and against the
 * roofline: the instructions of the built kernel per firm-step (scripts/sass_roofline.py)
 * over the device's own SMs, clock and pipes.
 *
 * Validated before timed: the CPU and the GPU first run the smallest size and must agree
 * world by world (HC_CUDA_AGREEMENT_REL relative on every sum) or nothing is timed. Without a usable GPU it
 * prints "skipped: no GPU" and exits 0.
 *
 * usage: gpu_bench [--sizes N,N,...] [--worlds W] [--years Y] [--counts TSV] [--host-stats] CONFIG...
 *
 * --host-stats: the runs take the host path (firm statistics computed by the host, so every
 * firm change crosses, on its own stream beside the next launch), to time those copies.
 *   --counts  the SASS counts of scripts/sass_roofline.py (default build/cuda/sass_counts.tsv) */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_stats.h"
#ifdef HC_HAVE_CUDA
#include "hc_cuda.h"
#endif

#define MAX_CONFIGS 4
#define MAX_SIZES 8

#ifdef HC_HAVE_CUDA

static const char *stats_cell(double seconds, char *buf, size_t len)
{
    snprintf(buf, len, "%.4f", seconds);
    return buf;
}

/* ---- the roofline, from the instructions of the built kernel (scripts/sass_roofline.py
 * counts them in the sm_90 SASS, per firm-step and pipe, for every number of roles, into
 * the TSV that --counts names; docs/performance.md "The roofline" says how) */

enum { P_ISSUE, P_FP32, P_INT, P_FP64, P_MUFU, P_CONV, P_LSU, N_PIPES };
static const char *const pipe_names[N_PIPES] = {"issue", "FP32",        "integer",   "FP64",
                                                "MUFU",  "conversions", "load/store"};

/* counts[pipe] per firm-step for R roles (counts[P_ISSUE]: every instruction); 0 when the
 * file or its row is missing. */
static int read_counts(const char *path, int R, double counts[N_PIPES])
{
    char line[512];
    FILE *f = fopen(path, "r");
    int found = 0;
    if (!f) return 0;
    while (!found && fgets(line, sizeof(line), f)) {
        int cap, roles;
        double c[8];
        if (sscanf(line, "%d %d %lf %lf %lf %lf %lf %lf %lf %lf", &cap, &roles, &c[0], &c[1], &c[2], &c[3], &c[4],
                   &c[5], &c[6], &c[7]) == 10 &&
            roles == R) {
            for (int p = 0; p < N_PIPES; p++) counts[p] = c[p]; /* total fp32 int fp64 mufu conv lsu (other) */
            found = 1;
        }
    }
    fclose(f);
    return found;
}

/* Per SM and clock, in threads, by compute capability: the issue rate (4 schedulers x 32),
 * FP32, integer, FP64, MUFU, conversions, load/store. */
static void sm_rates(int major, int minor, double rate[N_PIPES])
{
    rate[P_ISSUE] = 128.0;
    rate[P_FP32] = (major == 8 && minor == 0) ? 64.0 : 128.0; /* A100: 64; 8.6, 8.9, 9.0, 10.x, 12.x: 128 */
    rate[P_INT] = 64.0;
    rate[P_FP64] = (major == 8 && minor == 0) ? 32.0 : (major == 9 || major == 10) ? 64.0 : 2.0;
    rate[P_MUFU] = 16.0;
    rate[P_CONV] = 16.0;
    rate[P_LSU] = 32.0;
}

/* Device memory per firm-step: the firm's change at whole years (4 bytes every
 * steps_per_year steps), the block partials (HC_N_SUMS doubles per block) written and read
 * back by the reduction. */
static double device_bytes(int S)
{
    return 4.0 / S + 2.0 * 8.0 * (double)HC_N_SUMS / 128.0; /* HC_CUDA_BLOCK firms a block */
}

typedef struct {
    double pipe[N_PIPES], memory, bound; /* firm-steps/s each allows; bound: the least (0: no counts) */
    const char *limit;
} roofline;

static roofline roofline_of(const hc_cuda_device *d, const double counts[N_PIPES], int S)
{
    roofline r;
    double rate[N_PIPES];
    const double hz = (double)d->clock_khz * 1e3 * (double)d->sm_count;
    const double bandwidth = 2.0 * (double)d->memory_clock_khz * 1e3 * (double)d->memory_bus_bits / 8.0;
    sm_rates(d->cc_major, d->cc_minor, rate);
    r.memory = bandwidth / device_bytes(S);
    r.bound = r.memory;
    r.limit = "memory";
    for (int p = 0; p < N_PIPES; p++) {
        r.pipe[p] = counts[p] > 0 ? hz * rate[p] / counts[p] : INFINITY;
        if (r.pipe[p] < r.bound) {
            r.bound = r.pipe[p];
            r.limit = pipe_names[p];
        }
    }
    if (counts[P_ISSUE] <= 0) r.bound = 0.0;
    return r;
}

static int load(char **paths, int n, long long worlds, long long firms, int years, hc_config *cfg)
{
    char w[32], f[32], y[32];
    hc_override ov[3];
    hc_error err;
    int i;
    snprintf(w, sizeof(w), "%lld", worlds);
    snprintf(f, sizeof(f), "%lld", firms);
    snprintf(y, sizeof(y), "%d", years);
    ov[0].key = "simulation.worlds";
    ov[0].value = w;
    ov[1].key = "simulation.firms_per_world";
    ov[1].value = f;
    ov[2].key = "simulation.years";
    ov[2].value = y;
    for (i = 0; i < n; i++)
        if (hc_config_load(paths[i], ov, 3, &cfg[i], &err)) {
            fprintf(stderr, "gpu_bench: %s\n", err.message);
            while (i-- > 0) hc_config_free(&cfg[i]);
            return 1;
        }
    return 0;
}

static int alloc(const hc_config *cfg, int n, hc_results *r)
{
    hc_error err;
    int i, roles = 0;
    for (i = 0; i < n; i++) roles = cfg[i].model.n_roles > roles ? cfg[i].model.n_roles : roles;
    if (hc_results_alloc(r, n, 0, cfg[0].worlds, cfg[0].firms_per_world, cfg[0].years * cfg[0].steps_per_year,
                         cfg[0].steps_per_year, cfg[0].years, roles, &err)) {
        fprintf(stderr, "gpu_bench: %s\n", err.message);
        return 1;
    }
    return 0;
}

/* Worst relative difference of the world sums (relative to a billionth of the sum's
 * largest value in the world, as tests/gpu/gpu_checks.c). */
static double worst_sum_difference(const hc_results *a, const hc_results *b)
{
    double worst = 0.0;
    int s, k, t;
    int64_t w;
    for (s = 0; s < a->n_scenarios; s++)
        for (w = 0; w < a->worlds; w++)
            for (k = 0; k < HC_N_SUMS - 1; k++) { /* not the rolled-back count: whole firms */
                double scale = 0.0;
                for (t = 0; t <= a->n_steps; t++) scale = fmax(scale, fabs(hc_results_sums(a, s, w, t)[k]));
                for (t = 0; t <= a->n_steps; t++) {
                    const double x = hc_results_sums(a, s, w, t)[k], y = hc_results_sums(b, s, w, t)[k];
                    const double ref = fmax(fabs(x), 1e-9 * scale);
                    if (!isfinite(y)) return INFINITY;
                    if (ref > 0.0 && fabs(x - y) / ref > worst) worst = fabs(x - y) / ref;
                }
            }
    return worst;
}

static int bench(char **paths, int n_cfg, const long long *sizes, int n_sizes, long long worlds, int years,
                 const char *counts_path, int host_stats)
{
    double counts[N_PIPES] = {0};
    hc_cuda_device dev[HC_CUDA_MAX_DEVICES];
    int devices[HC_CUDA_MAX_DEVICES], n_dev, n_listed, i, sz, R = 0, S = 4, rc = 1;
    hc_error err;
    double cpu_rate = 0.0, host_pct_rate = 0.0;
    hc_config cfg[MAX_CONFIGS];

    n_dev = hc_cuda_select_devices(NULL, 0, devices, &err);
    if (n_dev < 1) {
        printf("skipped: no GPU (%s)\n", err.message);
        return 0;
    }
    if (hc_cuda_list_devices(dev, HC_CUDA_MAX_DEVICES, &n_listed, 1, &err)) {
        fprintf(stderr, "gpu_bench: %s\n", err.message);
        return 1;
    }

    /* 1. Validate, and the CPU's rate: the smallest size on both backends. */
    {
        hc_results cpu, gpu;
        const long long firms = sizes[0] / worlds;
        double t0, worst;
        memset(&cpu, 0, sizeof(cpu));
        memset(&gpu, 0, sizeof(gpu));
        if (load(paths, n_cfg, worlds, firms, years, cfg)) return 1;
        for (i = 0; i < n_cfg; i++) R = cfg[i].model.n_roles > R ? cfg[i].model.n_roles : R;
        S = cfg[0].steps_per_year;
        if (alloc(cfg, n_cfg, &cpu) || alloc(cfg, n_cfg, &gpu)) goto validate_done;
        t0 = omp_get_wtime();
        if (hc_run_cpu(&(hc_plan){.models = cfg, .n_models = n_cfg}, 0, &cpu, &err)) {
            fprintf(stderr, "gpu_bench: cpu: %s\n", err.message);
            goto validate_done;
        }
        cpu_rate = (double)n_cfg * (double)worlds * (double)firms * (double)(cfg[0].model.n_steps + 1) /
                   (omp_get_wtime() - t0);
        if (hc_run_cuda(&(hc_plan){.models = cfg, .n_models = n_cfg}, NULL, &gpu, NULL, &err)) {
            fprintf(stderr, "gpu_bench: gpu: %s\n", err.message);
            goto validate_done;
        }
        worst = worst_sum_difference(&cpu, &gpu);
        {
            /* The host's percentiles of one year's firm changes, for the ratio below. */
            const size_t N = (size_t)worlds * (size_t)firms;
            float *x = (float *)malloc(N * sizeof(float));
            double p[5] = {5, 25, 50, 75, 95}, out[5];
            if (x) {
                memcpy(x, hc_results_firm_change(&cpu, 0, cfg[0].years), N * sizeof(float));
                t0 = omp_get_wtime();
                hc_percentiles_f(x, N, p, 5, out);
                host_pct_rate = (double)N / (omp_get_wtime() - t0);
                free(x);
            }
        }
        printf("check: CPU and GPU world sums at %lld firms: worst relative difference %.3g (limit %g): %s\n", sizes[0],
               worst, HC_CUDA_AGREEMENT_REL, worst <= HC_CUDA_AGREEMENT_REL ? "ok" : "FAILED, nothing timed");
        printf("CPU backend: %.3g firm-steps/s on %d thread(s)\n\n", cpu_rate, omp_get_max_threads());
        rc = worst <= HC_CUDA_AGREEMENT_REL ? 0 : 1;
    validate_done:
        hc_results_free(&cpu);
        hc_results_free(&gpu);
        for (i = 0; i < n_cfg; i++) hc_config_free(&cfg[i]);
        if (rc) return 1;
    }

    /* 2. The device and its roofline. */
    if (!read_counts(counts_path, R, counts))
        printf("roofline: no SASS counts for %d roles in %s (make roofline writes them)\n", R, counts_path);
    else
        printf("roofline: %.0f instructions per firm-step for %d roles (sm_90 SASS, %s)\n", counts[P_ISSUE], R,
               counts_path);
    for (i = 0; i < n_dev; i++) {
        const hc_cuda_device *d = &dev[devices[i]];
        const roofline r = roofline_of(d, counts, S);
        printf("GPU %d: %s, compute capability %d.%d, %d SMs at %d MHz, memory %.0f GB/s, %.1f GiB\n", d->ordinal,
               d->name, d->cc_major, d->cc_minor, d->sm_count, d->clock_khz / 1000,
               2.0 * d->memory_clock_khz * 1e3 * d->memory_bus_bits / 8.0 / 1e9, (double)d->total_bytes / 1073741824.0);
        if (r.bound > 0.0) {
            printf("  roofline, firm-steps/s:");
            for (int p = 0; p < N_PIPES; p++) printf(" %s %.3g,", pipe_names[p], r.pipe[p]);
            printf(" memory %.3g: bound %.3g (%s)\n", r.memory, r.bound, r.limit);
        }
    }
    printf("\n| firms | worlds x firms | wall s | firm-steps/s | world paths s | firm sampling s | steps and block "
           "sums s | reduction s | firm stats s | copy back s | firm changes copy s | pin s | GPU / CPU | of roofline "
           "|\n");
    printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");

    /* 3. Each size: a warm run (contexts, code) is not timed; the second is. */
    for (sz = 0; sz < n_sizes; sz++) {
        hc_results res;
        hc_cuda_options o;
        hc_cuda_timing timing;
        char cell[32];
        const long long firms = sizes[sz] / worlds;
        double steps, rate, bound = 0.0;
        int ok = 1;
        memset(&res, 0, sizeof(res));
        memset(&o, 0, sizeof(o));
        o.profile = 1;
        /* as `headcount run --trace-percentiles`: statistics on the device, and the horizon's
         * firm changes copied (timed apart; without traced firms no firm change crosses);
         * with --host-stats, as a run split across GPUs: every firm change copied */
        o.firm_stats = !host_stats;
        o.firm_changes_at_horizon = 1;
        if (load(paths, n_cfg, worlds, firms, years, cfg)) return 1;
        if (alloc(cfg, n_cfg, &res)) {
            ok = 0;
        } else {
            if ((sz == 0 && hc_run_cuda(&(hc_plan){.models = cfg, .n_models = n_cfg}, &o, &res, &timing, &err)) ||
                hc_run_cuda(&(hc_plan){.models = cfg, .n_models = n_cfg}, &o, &res, &timing, &err)) {
                fprintf(stderr, "gpu_bench: %lld firms: %s\n", sizes[sz], err.message);
                ok = 0;
            }
        }
        if (ok) {
            /* timing sums the GPUs' kernel times, so steps / firm_steps is the rate of one
             * GPU: compared with one GPU's bound (the GPUs of a run are assumed alike). */
            bound = roofline_of(&dev[devices[0]], counts, S).bound;
            steps = (double)n_cfg * (double)worlds * (double)firms * (double)(res.n_steps + 1);
            rate = steps / res.simulate_seconds;
            char changes[48];
            snprintf(changes, sizeof(changes), "%.4f (%s)", timing.changes_copy, timing.pinned ? "pinned" : "pageable");
            printf("| %.0e | %lld x %lld | %.3f | %.3g | %.4f | %.4f | %.4f | %.4f | %s | %.4f | %s | %.4f | %.1f | "
                   "%.0f %% |\n",
                   (double)sizes[sz], worlds, firms, res.simulate_seconds, rate, timing.world_paths,
                   timing.firm_sampling, timing.firm_steps, timing.reduction,
                   res.firm_stats ? stats_cell(timing.firm_stats, cell, sizeof(cell)) : "host", timing.copy_back,
                   changes, timing.pin, cpu_rate > 0 ? rate / cpu_rate : 0.0,
                   bound > 0 ? 100.0 * (steps / timing.firm_steps) / bound : 0.0);
        } else {
            printf("| %.0e | %lld x %lld | failed (see above) |\n", (double)sizes[sz], worlds, firms);
        }
        hc_results_free(&res);
        for (i = 0; i < n_cfg; i++) hc_config_free(&cfg[i]);
        fflush(stdout);
    }
    printf("\nfirm-steps/s: scenarios x firms x steps over the wall time of the simulation (copies included); "
           "of roofline: the steps kernel's time against the bound above. Firm stats: the percentiles, mean and "
           "sd of %d scenario(s) x %d years, and the horizon's firm-sampling share and histogram, on the device "
           "(\"host\": --host-stats, or a scenario's firm changes did not fit one GPU, "
           "and the host computes them after copying every firm change; its selection does %.3g values/s). "
           "Copy back: the world sums and the statistics. Firm changes copy: the firm changes that cross, on a "
           "stream of their own beside the next launch's work: the horizon's with device statistics (only runs "
           "with traced firms, --trace-percentiles, copy them), every year's on the host path; into page-locked "
           "host memory where it is at least 64 MiB and the host allows it. Pin: the host's time to page-lock "
           "and unlock that memory.\n",
           n_cfg, years + 1, host_pct_rate);
    return 0;
}

#endif

int main(int argc, char **argv)
{
    long long sizes[MAX_SIZES] = {1000000LL, 10000000LL, 100000000LL}, worlds = 100;
    int n_sizes = 3, years = 10, i = 1;
    const char *counts = "build/cuda/sass_counts.tsv";
    int host_stats = 0;
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            char *p = argv[i + 1], *end;
            n_sizes = 0;
            while (*p && n_sizes < MAX_SIZES) {
                sizes[n_sizes++] = (long long)strtod(p, &end);
                if (end == p) break;
                p = *end == ',' ? end + 1 : end;
            }
            i += 2;
        } else if (strcmp(argv[i], "--worlds") == 0 && i + 1 < argc) {
            worlds = atoll(argv[i + 1]);
            i += 2;
        } else if (strcmp(argv[i], "--counts") == 0 && i + 1 < argc) {
            counts = argv[i + 1];
            i += 2;
        } else if (strcmp(argv[i], "--host-stats") == 0) {
            host_stats = 1;
            i++;
        } else if (strcmp(argv[i], "--years") == 0 && i + 1 < argc) {
            years = atoi(argv[i + 1]);
            i += 2;
        } else {
            break;
        }
    }
    if (i >= argc || argc - i > MAX_CONFIGS || n_sizes < 1 || worlds < 1 || years < 1) {
        fprintf(stderr,
                "usage: gpu_bench [--sizes N,N,...] [--worlds W] [--years Y] [--counts TSV] [--host-stats] CONFIG... "
                "(at most %d)\n",
                MAX_CONFIGS);
        return 2;
    }
    for (int k = 0; k < n_sizes; k++)
        if (sizes[k] < worlds) {
            fprintf(stderr, "gpu_bench: %lld firms in all is fewer than %lld worlds\n", sizes[k], worlds);
            return 2;
        }
#ifdef HC_HAVE_CUDA
    return bench(argv + i, argc - i, sizes, n_sizes, worlds, years, counts, host_stats);
#else
    printf("skipped: no GPU (this build has no CUDA backend: nvcc was not found when it was built)\n");
    return 0;
#endif
}
