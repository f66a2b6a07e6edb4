/* gpu_checks.c: the CUDA backend against the CPU backend and against known answers, on a
 * GPU, as TAP (tests/gpu/run.sh runs it; make test-gpu). Where bands compare only
 * distributions, these compare world by world and firm by firm, so a result landing in
 * the wrong world or firm slot is caught. Without a usable GPU (or in a build without
 * CUDA) every check reports "ok N - name # SKIP no GPU". Run from the repository root.
 *
 *   gpu_checks          run every check
 *   gpu_checks --quick  the same on smaller runs (the CPU emulator of tests/gpu/emu)
 *   gpu_checks --list   print the checks' names */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_firm_share.h"
#include "hc_stats.h"
#ifdef HC_HAVE_CUDA
#include "hc_cuda.h"
#include "model/hc_cuda_kernels.h"
#endif

static const char *const check_names[] = {
    "philox_on_device_should_match_known_answers_and_curand",
    "device_percentiles_should_equal_host_percentiles_bit_for_bit",
    "gpu_world_sums_should_match_cpu_world_by_world_within_1e-9",
    "gpu_firm_changes_should_match_cpu_firm_by_firm",
    "gpu_shrinking_counts_should_match_cpu_within_two_firms",
    "odd_shapes_should_match_cpu_one_firm_full_block_one_past",
    "thirteen_and_twenty_one_roles_should_match_cpu_firm_by_firm",
    "chunked_runs_should_give_the_same_bits",
    "profiled_runs_should_give_the_same_bits",
    "two_gpus_should_give_the_same_bits_as_one",
    "device_firm_statistics_should_equal_the_host_statistics_bit_for_bit",
    "world_sums_should_add_block_partials_in_their_fixed_tree",
    "few_worlds_of_many_firms_should_match_cpu_and_give_the_same_bits_chunked",
};
#define N_CHECKS ((int)(sizeof(check_names) / sizeof(check_names[0])))

static int test_no;

static void tap(int ok, const char *name, const char *skip)
{
    test_no++;
    if (skip)
        printf("ok %d - %s # SKIP %s\n", test_no, name, skip);
    else
        printf("%sok %d - %s\n", ok ? "" : "not ", test_no, name);
    fflush(stdout);
}

#ifdef HC_HAVE_CUDA

#ifndef HC_CUDA_EMULATOR /* cuRAND is not emulated */
/* ---- Philox known answers (tests/data/philox_kat.txt, Random123's format) */

#define KAT_PATH "tests/data/philox_kat.txt"
#define KAT_MAX 256

static int check_philox(int device)
{
    uint32_t in[KAT_MAX * 6], expected[KAT_MAX * 4], got_hc[KAT_MAX * 4], got_curand[KAT_MAX * 4];
    char line[512];
    int n = 0, i, bad = 0, nonzero = 0;
    hc_error err;
    FILE *f = fopen(KAT_PATH, "r");
    if (!f) {
        printf("# cannot open %s (run from the repository root)\n", KAT_PATH);
        return 0;
    }
    while (fgets(line, sizeof(line), f) && n < KAT_MAX) {
        unsigned v[10];
        char name[32];
        int rounds;
        if (sscanf(line, "%31s %d %x %x %x %x %x %x %x %x %x %x", name, &rounds, &v[0], &v[1], &v[2], &v[3], &v[4],
                   &v[5], &v[6], &v[7], &v[8], &v[9]) != 12 ||
            strcmp(name, "philox4x32") != 0 || rounds != 10)
            continue; /* comments; tests/kat_philox_curand.cpp checks the file's syntax */
        for (i = 0; i < 6; i++) in[6 * n + i] = v[i];
        for (i = 0; i < 4; i++) expected[4 * n + i] = v[6 + i];
        n++;
    }
    fclose(f);
    /* A sentinel, so that outputs the device never wrote cannot pass. */
    memset(got_hc, 0xca, sizeof(got_hc));
    memset(got_curand, 0xca, sizeof(got_curand));
    if (n < 3 || hc_cuda_philox(device, in, n, got_hc, got_curand, &err)) {
        printf("# %d known answers read; %s\n", n, n < 3 ? "too few" : err.message);
        return 0;
    }
    for (i = 0; i < 4 * n; i++) {
        nonzero |= expected[i] != 0u;
        if (got_hc[i] != expected[i] || got_curand[i] != expected[i]) {
            if (bad++ < 5)
                printf("# vector %d word %d: expected %08x, hc_philox4x32_10 %08x, curand %08x\n", i / 4, i % 4,
                       expected[i], got_hc[i], got_curand[i]);
        }
    }
    if (!nonzero) printf("# every expected word is zero: the test harness is broken\n");
    printf("# %d known answers on GPU %d\n", n, device);
    return bad == 0 && nonzero;
}

#endif

/* ---- device percentiles against src/analysis/stats.c */

static uint64_t mix_state = 0x243F6A8885A308D3ull;
static double next_uniform(void) /* splitmix64: the same cases every run */
{
    uint64_t z = (mix_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static int check_percentiles(int device)
{
    static const double p[] = {0, 5, 25, 33.3, 50, 66.7, 75, 95, 97.5, 99.9, 100};
    static const size_t sizes[] = {1, 2, 3, 10, 1000, 1000003};
    const int np = (int)(sizeof(p) / sizeof(p[0]));
    int kind, si, j, bad = 0, cases = 0;
    for (si = 0; si < (int)(sizeof(sizes) / sizeof(sizes[0])); si++) {
        const size_t n = sizes[si];
        float *x = (float *)malloc(n * sizeof(float)), *scratch = (float *)malloc(n * sizeof(float));
        if (!x || !scratch) {
            free(x);
            free(scratch);
            printf("# out of memory\n");
            return 0;
        }
        for (kind = 0; kind < 5; kind++) {
            double host[16], dev[16];
            hc_error err;
            size_t i;
            for (i = 0; i < n; i++) {
                switch (kind) {
                case 0: x[i] = (float)(200.0 * next_uniform() - 100.0); break; /* random, both signs */
                case 1: x[i] = (float)(i % 4) * 1.5f; break;                   /* many ties */
                case 2: x[i] = 3.25f; break;                                   /* all equal */
                case 3: x[i] = (float)(0.37 * (double)(n - i) - 11.0); break;  /* reversed */
                default: x[i] = (float)exp(8.0 * next_uniform()); break;       /* heavy tail */
                }
            }
            memcpy(scratch, x, n * sizeof(float));
            hc_percentiles_f(scratch, n, p, np, host);
            if (hc_cuda_percentiles_f(device, x, n, p, np, dev, NULL, &err)) {
                printf("# %s\n", err.message);
                free(x);
                free(scratch);
                return 0;
            }
            cases++;
            for (j = 0; j < np; j++)
                if (memcmp(&host[j], &dev[j], sizeof(double)) != 0 && bad++ < 5)
                    printf("# n %zu, kind %d, p %g: host %.17g, device %.17g\n", n, kind, p[j], host[j], dev[j]);
        }
        free(x);
        free(scratch);
    }
    printf("# %d arrays x %d percentiles compared bit for bit\n", cases, np);
    return bad == 0 && cases > 0;
}

/* ---- the world sums' tree (hc_cuda_launch_world_sums) against the same order on the host */

/* What hc_cuda_kernels.h documents: while more than HC_CUDA_SUMS_FANOUT values are left,
 * each run of that many is added in order into one value of the next level. */
static double tree_sum(double *v, int n)
{
    double s;
    int j, b;
    while (n > HC_CUDA_SUMS_FANOUT) {
        for (j = 0; j * HC_CUDA_SUMS_FANOUT < n; j++) {
            s = 0.0;
            for (b = j * HC_CUDA_SUMS_FANOUT; b < n && b < (j + 1) * HC_CUDA_SUMS_FANOUT; b++) s += v[b];
            v[j] = s; /* v[j] was read already: j <= j * fan-out */
        }
        n = hc_cuda_sums_nodes(n);
    }
    for (s = 0.0, b = 0; b < n; b++) s += v[b];
    return s;
}

/* Partials of 1 to 2 worlds and up to 5,000 blocks (three levels), of magnitudes apart by
 * 1e12 so that a change of order shows; every sum compared bit for bit, and the block-order
 * sum kept for a world of at most HC_CUDA_SUMS_FANOUT blocks. */
static int check_world_sums(int device)
{
    static const int shapes[][2] = {{1, 1}, {2, HC_CUDA_SUMS_FANOUT}, {2, HC_CUDA_SUMS_FANOUT + 1}, {1, 5000}};
    const int steps = 3, T1 = steps + 1, width = HC_N_SUMS + 2, out_width = width + 3;
    int si, bad = 0, cases = 0;
    for (si = 0; si < (int)(sizeof(shapes) / sizeof(shapes[0])); si++) {
        const int W = shapes[si][0], B = shapes[si][1];
        const size_t n_in = (size_t)W * (size_t)B * (size_t)T1 * (size_t)width;
        double *in = (double *)malloc(n_in * sizeof(double)), *col = (double *)malloc((size_t)B * sizeof(double));
        double *out = (double *)malloc((size_t)W * (size_t)T1 * (size_t)out_width * sizeof(double));
        hc_error err;
        size_t i;
        int w, t, k, b;
        if (!in || !col || !out) {
            printf("# out of memory\n");
            bad++;
        }
        for (i = 0; in && i < n_in; i++) in[i] = (next_uniform() - 0.3) * pow(10.0, 12.0 * next_uniform());
        if (!bad && hc_cuda_world_sums(device, in, W, B, steps, width, out_width, out, &err)) {
            printf("# %s\n", err.message);
            bad++;
        }
        for (w = 0; !bad && w < W; w++)
            for (t = 0; t < T1; t++)
                for (k = 0; k < out_width; k++) {
                    double want = 0.0, plain = 0.0;
                    const double got = out[((size_t)w * T1 + t) * out_width + k];
                    if (k < width) {
                        for (b = 0; b < B; b++) col[b] = in[(((size_t)w * B + b) * T1 + t) * width + k];
                        for (b = 0; b < B; b++) plain += col[b];
                        want = tree_sum(col, B);
                    }
                    cases++;
                    if ((memcmp(&want, &got, sizeof(double)) != 0 || (B <= HC_CUDA_SUMS_FANOUT && want != plain)) &&
                        bad++ < 5)
                        printf("# %d worlds x %d blocks: world %d step %d sum %d: host %.17g, device %.17g\n", W, B, w,
                               t, k, want, got);
                }
        free(in);
        free(col);
        free(out);
    }
    printf("# %d world sums from 1 to 5000 blocks compared bit for bit\n", cases);
    return bad == 0 && cases > 0;
}

/* ---- CPU against GPU on the shipped narratives */

typedef struct {
    hc_config cfg[2];
    int n;
    hc_results cpu;
} reference;

/* configs/growth.json with n roles in all (it has 7): the 16- and 64-role builds of the
 * model kernel. The text stands for a file in configs/, so its `extends` resolves there. */
static int load_roles(hc_config *cfg, int n_roles, const hc_override *ov, int n_ov, hc_error *err)
{
    char text[8192];
    size_t len;
    int i;
    len = (size_t)snprintf(text, sizeof(text), "{\"name\": \"growth_%d_roles\", \"extends\": \"growth.json\", \"roles\": [",
                           n_roles);
    for (i = 0; i < n_roles - 7 && len < sizeof(text) - 512; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "%s{\"name\": \"extra_%d\", \"share\": 0.02, \"exposure\": %.2f, \"adoption_start\": %.2f, "
                                "\"wage\": {\"dist\": \"lognormal\", \"median\": %d, \"sigma\": 0.2}, "
                                "\"tokens_per_fte_year\": {\"dist\": \"lognormal\", \"p5\": 2e8, \"p95\": 4e9}}",
                                i ? ", " : "", i, 0.3 + 0.02 * i, 0.01 * (i % 3), 50000 + 1000 * i);
    len += (size_t)snprintf(text + len, sizeof(text) - len, "]}");
    return hc_config_load_text("configs/growth_roles.json", text, len, ov, n_ov, cfg, err);
}

static int load_scenarios(reference *ref, const char *worlds, const char *firms, const char *years, int roles);

static int load_pair(reference *ref, const char *worlds, const char *firms, const char *years)
{
    return load_scenarios(ref, worlds, firms, years, 0);
}

/* The narratives (roles 0), or growth with 13 and 21 roles. */
static int load_scenarios(reference *ref, const char *worlds, const char *firms, const char *years, int roles)
{
    static const char *paths[2] = {"configs/cuts.json", "configs/growth.json"};
    static const int n_roles[2] = {13, 21};
    hc_override ov[3];
    hc_error err;
    int i;
    memset(ref, 0, sizeof(*ref));
    ov[0].key = "simulation.worlds";
    ov[0].value = worlds;
    ov[1].key = "simulation.firms_per_world";
    ov[1].value = firms;
    ov[2].key = "simulation.years";
    ov[2].value = years;
    for (i = 0; i < 2; i++) {
        if (roles ? load_roles(&ref->cfg[i], n_roles[i], ov, 3, &err) : hc_config_load(paths[i], ov, 3, &ref->cfg[i], &err)) {
            printf("# %s\n", err.message);
            return 1;
        }
        ref->n++;
    }
    return 0;
}

static void free_pair(reference *ref)
{
    int i;
    hc_results_free(&ref->cpu);
    for (i = 0; i < ref->n; i++) hc_config_free(&ref->cfg[i]);
}

static int alloc_results(const reference *ref, hc_results *r)
{
    const hc_config *c = &ref->cfg[0];
    hc_error err;
    int i, roles = 0;
    for (i = 0; i < ref->n; i++) roles = ref->cfg[i].model.n_roles > roles ? ref->cfg[i].model.n_roles : roles;
    if (hc_results_alloc(r, ref->n, 0, c->worlds, c->firms_per_world, c->years * c->steps_per_year,
                         c->steps_per_year, c->years, roles, &err)) {
        printf("# %s\n", err.message);
        return 1;
    }
    return 0;
}

static int run_cpu(reference *ref)
{
    hc_error err;
    if (alloc_results(ref, &ref->cpu)) return 1;
    if (hc_run_cpu(&(hc_plan){.models = ref->cfg, .n_models = ref->n}, 0, &ref->cpu, &err)) {
        printf("# cpu: %s\n", err.message);
        return 1;
    }
    return 0;
}

static int run_gpu(const reference *ref, const hc_cuda_options *o, hc_results *r)
{
    hc_error err;
    if (alloc_results(ref, r)) return 1;
    if (hc_run_cuda(&(hc_plan){.models = ref->cfg, .n_models = ref->n}, o, r, NULL, &err)) {
        printf("# gpu: %s\n", err.message);
        hc_results_free(r);
        return 1;
    }
    return 0;
}

static size_t n_sums(const hc_results *r)
{
    return (size_t)r->n_scenarios * (size_t)r->worlds * (size_t)(r->n_steps + 1) * (size_t)r->n_sums;
}

static size_t n_changes(const hc_results *r)
{
    return (size_t)r->n_scenarios * (size_t)(r->years + 1) * (size_t)r->worlds * (size_t)r->firms;
}

/* Every sum (role sums included) of every world and step within HC_CUDA_AGREEMENT_REL of the CPU's, relative
 * to the larger of the value and a billionth of that sum's largest value in the world (sums
 * that are 0 at step 0). Rolled-back counts are whole firms, and a firm whose bill lands
 * within a float rounding of its budget may be rolled back on one side only: two firms of
 * slack. */
static int compare_sums(const hc_results *cpu, const hc_results *gpu, double *worst)
{
    int s, k, t, bad = 0;
    int64_t w;
    *worst = 0.0;
    for (s = 0; s < cpu->n_scenarios; s++)
        for (w = 0; w < cpu->worlds; w++)
            for (k = 0; k < cpu->n_sums; k++) { /* the world's sums, then the roles' */
                double scale = 0.0;
                for (t = 0; t <= cpu->n_steps; t++) scale = fmax(scale, fabs(hc_results_sums(cpu, s, w, t)[k]));
                for (t = 0; t <= cpu->n_steps; t++) {
                    const double c = hc_results_sums(cpu, s, w, t)[k], g = hc_results_sums(gpu, s, w, t)[k];
                    const double d = fabs(g - c), ref = fmax(fabs(c), 1e-9 * scale);
                    const int ok =
                        k == HC_SUM_ROLLED_BACK ? d <= 2.0 : (isfinite(g) && d <= HC_CUDA_AGREEMENT_REL * ref);
                    if (k != HC_SUM_ROLLED_BACK && ref > 0.0 && d / ref > *worst) *worst = d / ref;
                    if (!ok && bad++ < 5)
                        printf("# scenario %d world %lld step %d sum %d: cpu %.17g gpu %.17g\n", s, (long long)w, t, k,
                               c, g);
                }
            }
    return bad == 0;
}

/* Every firm's change in % at every whole year, within HC_CUDA_AGREEMENT_REL relative: a
 * float, so the same bits (hc_cuda.h says why they can be); one ulp apart is a finding. */
static int compare_changes(const hc_results *cpu, const hc_results *gpu, double *worst)
{
    const size_t n = n_changes(cpu);
    size_t i;
    int bad = 0;
    *worst = 0.0;
    for (i = 0; i < n; i++) {
        const double c = cpu->firm_change[i], g = gpu->firm_change[i], d = fabs(g - c);
        if (d > *worst || !isfinite(g)) *worst = isfinite(g) ? d : INFINITY;
        if (!(d <= HC_CUDA_AGREEMENT_REL * fabs(c)) && bad++ < 5)
            printf("# firm slot %zu: cpu %.9g gpu %.9g\n", i, c, g);
    }
    return bad == 0;
}

static int compare_shrinking(const hc_results *cpu, const hc_results *gpu)
{
    int i, bad = 0;
    for (i = 0; i < cpu->n_scenarios * (cpu->years + 1); i++)
        if (llabs((long long)(cpu->shrinking[i] - gpu->shrinking[i])) > 2 && bad++ < 5)
            printf("# scenario/year %d: cpu %lld gpu %lld firms below their start\n", i, (long long)cpu->shrinking[i],
                   (long long)gpu->shrinking[i]);
    return bad == 0;
}

static int same_bits(const hc_results *a, const hc_results *b)
{
    return memcmp(a->sums, b->sums, n_sums(a) * sizeof(double)) == 0 &&
           memcmp(a->firm_change, b->firm_change, n_changes(a) * sizeof(float)) == 0 &&
           memcmp(a->shrinking, b->shrinking, (size_t)a->n_scenarios * (size_t)(a->years + 1) * sizeof(int64_t)) == 0;
}

/* CPU and GPU of one shape, compared world by world and firm by firm. */
static int check_shape(const char *worlds, const char *firms, const char *years, int roles)
{
    reference ref;
    hc_results gpu;
    double ws, wc;
    int ok;
    memset(&gpu, 0, sizeof(gpu));
    if (load_scenarios(&ref, worlds, firms, years, roles) || run_cpu(&ref) || run_gpu(&ref, NULL, &gpu)) {
        free_pair(&ref);
        return 0;
    }
    ok = compare_sums(&ref.cpu, &gpu, &ws) & compare_changes(&ref.cpu, &gpu, &wc) & compare_shrinking(&ref.cpu, &gpu);
    printf("# %s worlds x %s firms x %s years%s: worst relative sum difference %.3g, worst firm change "
           "difference %.3g points\n", worlds, firms, years, roles ? ", 13 and 21 roles" : "", ws, wc);
    hc_results_free(&gpu);
    free_pair(&ref);
    return ok;
}

/* A run with device statistics (hc_cuda_options.firm_stats) against `all`, the same run
 * with every firm change copied: its statistics equal the host's of `all` bit for bit
 * (src/analysis/bands.c's hc_percentiles_f and hc_mean_sd_f), its sums and horizon firm
 * changes are all's bits, and the years before it were not copied (zeros). */
static int all_zero(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != 0.0f) return 0;
    return 1;
}

/* The horizon's share and histogram from the device (res->firm_horizon) against the host's
 * from every firm change (src/analysis/firm_share.c), bit for bit. */
static int same_horizon(const hc_results *all, const hc_results *dev)
{
    hc_firm_histogram *host = (hc_firm_histogram *)malloc(sizeof(*host));
    hc_error err;
    int s, bad = 0;
    if (!host || !dev->firm_horizon || hc_horizon_firm_histogram(all, all->n_scenarios, host, &err)) {
        printf("# no horizon statistics\n");
        free(host);
        return 0;
    }
    for (s = 0; s < all->n_scenarios; s++) {
        const double share = hc_firm_sampling_share(all, s, all->years);
        if (memcmp(&share, &dev->firm_horizon->share[s], sizeof(share)) != 0 && bad++ < 5)
            printf("# scenario %d: firm-sampling share host %.17g, device %.17g\n", s, share,
                   dev->firm_horizon->share[s]);
    }
    {
        const hc_firm_histogram *d = &dev->firm_horizon->histogram;
        if ((d->n_scenarios != host->n_scenarios || d->n_bins != host->n_bins || d->x0 != host->x0 ||
             d->step != host->step || d->x1 != host->x1 || memcmp(d->counts, host->counts, sizeof(host->counts))) &&
            bad++ < 5)
            printf("# histogram: host %d bins of %g from %.17g, device %d of %g from %.17g, or other counts\n",
                   host->n_bins, host->step, host->x0, d->n_bins, d->step, d->x0);
    }
    free(host);
    return bad == 0;
}

/* With firm_stats, three times: the horizon's firm changes asked for (firm_changes_at_horizon:
 * they cross, no other year does) and not (no firm change crosses), and asked for again in
 * chunks of `chunk` worlds (every world's firm changes stay on the device, the rest of a
 * launch comes in chunks). */
static int check_device_stats(const reference *ref, const hc_cuda_options *single, const hc_results *all, int chunk)
{
    const hc_config *c = &ref->cfg[0];
    const size_t N = (size_t)all->worlds * (size_t)all->firms;
    hc_cuda_options o = *single;
    hc_results dev;
    float *scratch = (float *)malloc(N * sizeof(float));
    double host[HC_MAX_PERCENTILES + 2];
    int s, y, bad = 0, rows = 0, copy, pass;
    for (pass = 0; pass < 3; pass++) {
        copy = pass > 0;
        memset(&dev, 0, sizeof(dev));
        o.firm_stats = 1;
        o.firm_changes_at_horizon = copy;
        o.max_chunk_worlds = pass == 2 ? chunk : single->max_chunk_worlds;
        if (!scratch || !all->sums || run_gpu(ref, &o, &dev) || !dev.firm_stats ||
            dev.firm_stats_np != c->n_percentiles) {
            printf("# no device statistics\n");
            free(scratch);
            hc_results_free(&dev);
            return 0;
        }
        for (s = 0; s < all->n_scenarios; s++)
            for (y = 0; y <= all->years; y++) {
                const double *got = dev.firm_stats + ((size_t)s * (size_t)(all->years + 1) + (size_t)y) *
                                                         (size_t)(c->n_percentiles + 2);
                const float *change = hc_results_firm_change(all, s, y);
                memcpy(scratch, change, N * sizeof(float));
                hc_percentiles_f(scratch, N, c->percentiles, c->n_percentiles, host);
                hc_mean_sd_f(change, N, &host[c->n_percentiles], &host[c->n_percentiles + 1]);
                rows++;
                if (memcmp(host, got, (size_t)(c->n_percentiles + 2) * sizeof(double)) != 0 && bad++ < 5)
                    printf("# scenario %d year %d: host mean %.17g sd %.17g, device mean %.17g sd %.17g\n", s, y,
                           host[c->n_percentiles], host[c->n_percentiles + 1], got[c->n_percentiles],
                           got[c->n_percentiles + 1]);
                if (copy && y == all->years ? memcmp(change, hc_results_firm_change(&dev, s, y), N * sizeof(float)) != 0
                                            : !all_zero(hc_results_firm_change(&dev, s, y), N)) {
                    if (bad++ < 5)
                        printf("# scenario %d year %d: the firm changes were%s copied\n", s, y,
                               copy && y == all->years ? " not" : "");
                }
            }
        if (!same_horizon(all, &dev)) bad++;
        if (memcmp(all->sums, dev.sums, n_sums(all) * sizeof(double)) != 0 && bad++ < 5) printf("# the sums differ\n");
        hc_results_free(&dev);
    }
    printf("# %d scenario-years of %zu firms: device statistics compared bit for bit, with and without the "
           "horizon's firm changes, and in chunks of %d worlds\n", rows, N, chunk);
    free(scratch);
    return bad == 0 && rows > 0;
}

/* Few worlds of many firms: the world sums go through two levels of their tree (three on
 * a GPU), against the CPU within HC_CUDA_AGREEMENT_REL, and one world per chunk gives the
 * same bits as both at once. One firm past a multiple of 128 (9,089 = 71 x 128 + 1): the
 * firm-sampling share's tree over the odd firms has one node fewer on the host than on
 * the device, whose extra node adds 0.0 (check_device_stats: the same bits). */
static int check_few_worlds(const hc_cuda_options *single, int quick)
{
    reference ref;
    hc_results one, other;
    hc_cuda_options o = *single;
    double ws = 0.0, wc = 0.0;
    int ok = 0;
    memset(&one, 0, sizeof(one));
    memset(&other, 0, sizeof(other));
    o.max_chunk_worlds = 1;
    if (load_pair(&ref, "2", quick ? "9089" : "600065", quick ? "1" : "2") == 0 && run_cpu(&ref) == 0 &&
        run_gpu(&ref, single, &one) == 0 && run_gpu(&ref, &o, &other) == 0) {
        ok = compare_sums(&ref.cpu, &one, &ws) & compare_changes(&ref.cpu, &one, &wc) &
             compare_shrinking(&ref.cpu, &one) & same_bits(&one, &other) & check_device_stats(&ref, single, &one, 1);
        printf("# 2 worlds x %s firms (%d blocks each): worst relative sum difference %.3g, worst firm change "
               "difference %.3g points\n",
               quick ? "9089" : "600065", hc_cuda_blocks_per_world(ref.cpu.firms), ws, wc);
    }
    hc_results_free(&one);
    hc_results_free(&other);
    free_pair(&ref);
    return ok;
}

#endif /* HC_HAVE_CUDA */

int main(int argc, char **argv)
{
    int i;
    const int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (i = 0; i < N_CHECKS; i++) printf("%s\n", check_names[i]);
        return 0;
    }
#ifndef HC_HAVE_CUDA
    (void)quick;
    for (i = 0; i < N_CHECKS; i++) tap(1, check_names[i], "no GPU: this build has no CUDA backend");
#else
    {
        int devices[HC_CUDA_MAX_DEVICES], n_dev;
        hc_error why;
        n_dev = hc_cuda_select_devices(NULL, 0, devices, &why);
        if (n_dev < 1) {
            char skip[600];
            snprintf(skip, sizeof(skip), "no GPU: %.500s", why.message);
            for (i = 0; i < N_CHECKS; i++) tap(1, check_names[i], skip);
        } else {
            reference ref;
            hc_results one, other;
            hc_cuda_options o, single;
            double worst_sum = 0.0, worst_change = 0.0;
            int ok_sums = 0, ok_changes = 0, ok_shrinking = 0;
            memset(&one, 0, sizeof(one));
            memset(&other, 0, sizeof(other));

#ifdef HC_CUDA_EMULATOR
            tap(1, check_names[0], "the CPU emulator of tests/gpu/emu has no cuRAND");
#else
            tap(check_philox(devices[0]), check_names[0], NULL);
#endif
            tap(check_percentiles(devices[0]), check_names[1], NULL);

            /* The narratives: 50 worlds of 1000 firms (seven full blocks and one of 104),
             * or 12 of 300 (two and 44), on the first GPU; the other runs below must give
             * its very bits. */
            memset(&single, 0, sizeof(single));
            single.n_devices = 1;
            single.devices[0] = devices[0];
            if (load_pair(&ref, quick ? "12" : "50", quick ? "300" : "1000", quick ? "3" : "10") == 0 &&
                run_cpu(&ref) == 0 && run_gpu(&ref, &single, &one) == 0) {
                ok_sums = compare_sums(&ref.cpu, &one, &worst_sum);
                ok_changes = compare_changes(&ref.cpu, &one, &worst_change);
                ok_shrinking = compare_shrinking(&ref.cpu, &one);
                printf("# worst relative sum difference %.3g; worst firm change difference %.3g points\n", worst_sum,
                       worst_change);
            }
            tap(ok_sums, check_names[2], NULL);
            tap(ok_changes, check_names[3], NULL);
            tap(ok_shrinking, check_names[4], NULL);
            tap(check_shape("3", "1", "2", 0) & check_shape("5", "128", "3", 0) & check_shape("7", "129", "3", 0),
                check_names[5], NULL);
            tap(check_shape(quick ? "4" : "20", quick ? "200" : "1000", quick ? "2" : "10", 1), check_names[6], NULL);

            o = single;
            o.max_chunk_worlds = 7; /* 50 = 7 x 7 + 1, 12 = 7 + 5: a short last chunk too */
            {
                const int ok = one.sums && run_gpu(&ref, &o, &other) == 0 && same_bits(&one, &other);
                hc_results_free(&other);
                tap(ok, check_names[7], NULL);
            }
            o = single;
            o.profile = 1;
            {
                const int ok = one.sums && run_gpu(&ref, &o, &other) == 0 && same_bits(&one, &other);
                hc_results_free(&other);
                tap(ok, check_names[8], NULL);
            }
            if (n_dev < 2) {
                tap(1, check_names[9], "needs two GPUs");
            } else {
                memset(&o, 0, sizeof(o));
                o.n_devices = 2;
                o.devices[0] = devices[0];
                o.devices[1] = devices[1];
                {
                    const int ok = one.sums && run_gpu(&ref, &o, &other) == 0 && same_bits(&one, &other);
                    hc_results_free(&other);
                    tap(ok, check_names[9], NULL);
                }
            }
            tap(one.sums && check_device_stats(&ref, &single, &one, 7), check_names[10], NULL);
            hc_results_free(&one);
            free_pair(&ref);
            tap(check_world_sums(devices[0]), check_names[11], NULL);
            tap(check_few_worlds(&single, quick), check_names[12], NULL);
        }
    }
#endif
    printf("1..%d\n", test_no);
    return 0;
}
