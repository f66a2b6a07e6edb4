/* fuzz_common.h: the invariants every fuzz harness of the config loader checks
 * (tests/fuzz/fuzz_*.c). Included by one harness per binary, so everything is static.
 *
 * After hc_config_load*, exactly one of these holds, or the harness aborts (libFuzzer
 * then keeps the input as a crash, and `make fuzz-regress` replays it for good):
 *   - it failed, with one line in err naming a file: the config itself or an existing
 *     file of its extends chain, then ':';
 *   - it loaded a config whose every parameter and derived value is finite and in range,
 *     whose every input draws finite values inside its valid range, whose resolved JSON
 *     loads back to the same model, and on which the model itself (a few worlds and
 *     firms, every step) produces only finite numbers. */
#ifndef HC_FUZZ_COMMON_H
#define HC_FUZZ_COMMON_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hc_config.h"
#include "hc_model.h"

/* Where the fuzzed text pretends to live: `extends` in it is relative to this folder,
 * so the seeds' "base.json" and "../good/minimal.json" resolve. Paths are relative to
 * the repository root, where the harnesses run. */
#define FUZZ_TOP_NAME "tests/configs/good/fuzz-input.json"

#define FUZZ_WORLDS 2 /**< worlds of the model check */
#define FUZZ_FIRMS 3  /**< firms per world of the model check */

#define FUZZ_CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz invariant broken at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
            abort(); \
        } \
    } while (0)

/* The message is one line and starts with "FILE:" for the config or an existing file. */
static void fuzz_check_error(const hc_error *err, const char *top)
{
    const char *msg = err->message;
    const size_t n = strlen(msg), top_len = strlen(top);
    size_t i;
    int names_file = 0;
    FUZZ_CHECK(n > 0, "empty error message");
    FUZZ_CHECK(strchr(msg, '\n') == NULL && strchr(msg, '\r') == NULL, "error is not one line: %s", msg);
    if (strncmp(msg, top, top_len) == 0 && msg[top_len] == ':') names_file = 1;
    for (i = 1; i < n && !names_file && i < 4096; i++) {
        if (msg[i] == ':') {
            char path[4096];
            memcpy(path, msg, i);
            path[i] = '\0';
            names_file = access(path, F_OK) == 0;
        }
    }
    FUZZ_CHECK(names_file, "error does not start with a file name: %s", msg);
}

static int fuzz_in_spec(double x, const hc_input_spec *s)
{
    if (!isfinite(x)) return 0;
    if (s->lo_kind == HC_BOUND_OPEN && !(x > s->lo)) return 0;
    if (s->lo_kind == HC_BOUND_CLOSED && !(x >= s->lo)) return 0;
    if (s->hi_kind == HC_BOUND_OPEN && !(x < s->hi)) return 0;
    if (s->hi_kind == HC_BOUND_CLOSED && !(x <= s->hi)) return 0;
    return 1;
}

static void fuzz_check_dist(const hc_model *m, const hc_dist *d, const char *what)
{
    int i;
    FUZZ_CHECK(d->kind >= 0 && d->kind < HC_DIST_KINDS, "%s: kind %d", what, (int)d->kind);
    for (i = 0; i < 4; i++) FUZZ_CHECK(isfinite(d->p[i]), "%s: p[%d] = %g", what, i, d->p[i]);
    if (d->has_clip)
        FUZZ_CHECK(isfinite(d->clip_lo) && isfinite(d->clip_hi) && d->clip_lo <= d->clip_hi, "%s: clip [%g, %g]",
                   what, d->clip_lo, d->clip_hi);
    if (d->kind == HC_DIST_DISCRETE) {
        const double *v = m->pool + d->pool_offset;
        FUZZ_CHECK(d->n_values >= 1 && d->pool_offset >= 0 && d->pool_offset + 2 * d->n_values <= HC_DIST_POOL_MAX,
                   "%s: discrete pool [%d, +%d)", what, (int)d->pool_offset, 2 * (int)d->n_values);
        for (i = 0; i < d->n_values; i++) {
            const double w = v[d->n_values + i], prev = i ? v[d->n_values + i - 1] : 0.0;
            FUZZ_CHECK(isfinite(v[i]), "%s: value %d", what, i);
            FUZZ_CHECK(w >= prev && w <= 1.0, "%s: cumulative weight %d = %g", what, i, w);
        }
        FUZZ_CHECK(v[2 * d->n_values - 1] == 1.0, "%s: weights do not end at 1", what);
    }
#ifdef HC_DIST_ENCODED
    if (d->kind == HC_DIST_MIXTURE) { /* cumulative weights, then the encoded components */
        const double *cumw = m->pool + d->pool_offset;
        FUZZ_CHECK(d->n_values >= 1 && d->pool_offset >= 0 &&
                       d->pool_offset + d->n_values * (1 + HC_DIST_ENCODED) <= HC_DIST_POOL_MAX,
                   "%s: mixture pool [%d, +%d)", what, (int)d->pool_offset, (int)d->n_values * (1 + HC_DIST_ENCODED));
        for (i = 0; i < d->n_values; i++) {
            hc_dist c;
            FUZZ_CHECK(cumw[i] >= (i ? cumw[i - 1] : 0.0) && cumw[i] <= 1.0, "%s: cumulative weight %d", what, i);
            hc_dist_decode(cumw + d->n_values + (size_t)i * HC_DIST_ENCODED, &c);
            FUZZ_CHECK(c.kind != HC_DIST_MIXTURE, "%s: component %d is a mixture", what, i);
            fuzz_check_dist(m, &c, what);
        }
        FUZZ_CHECK(cumw[d->n_values - 1] == 1.0, "%s: mixture weights do not end at 1", what);
    }
#endif
}

/* A few draws of every input, at the worlds and firms the model check uses. */
static void fuzz_check_draws(const hc_model *m)
{
    uint32_t w, f;
    int i, r;
    for (w = 0; w < FUZZ_WORLDS; w++) {
        double c0 = 0, cmax = 0;
        for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
            double x;
            if (hc_input_level(i) != HC_LEVEL_WORLD) continue;
            x = hc_model_draw(m, &m->input[i], w, 0u, HC_STREAM_SCALAR_INPUT + (uint32_t)i);
            FUZZ_CHECK(fuzz_in_spec(x, &hc_input_specs[i]), "world %u: %s drew %.17g", w, hc_input_specs[i].key, x);
            if (i == HC_IN_CAPABILITY_START) c0 = x;
            if (i == HC_IN_CAPABILITY_CEILING) cmax = x;
        }
        FUZZ_CHECK(cmax >= c0, "world %u: capability.ceiling %.17g < start %.17g", w, cmax, c0);
        for (r = 0; r < m->n_roles; r++) {
            const double x = hc_model_draw(m, &m->role_tokens[r], w, 0u, HC_STREAM_ROLE_TOKENS + (uint32_t)r);
            FUZZ_CHECK(fuzz_in_spec(x, &hc_role_input_specs[HC_ROLE_IN_TOKENS]), "roles[%d].tokens drew %.17g", r, x);
        }
        for (f = 1; f <= FUZZ_FIRMS; f++) {
            for (i = 0; i < HC_N_SCALAR_INPUTS; i++) {
                double x;
                /* firm inputs; with size classes firms.headcount is the class's Pareto, not this input */
                if (hc_input_level(i) != HC_LEVEL_FIRM || (i == HC_IN_HEADCOUNT && m->n_size_classes > 0)) continue;
                x = hc_model_draw(m, &m->input[i], w, f, HC_STREAM_SCALAR_INPUT + (uint32_t)i);
                FUZZ_CHECK(fuzz_in_spec(x, &hc_input_specs[i]), "firm %u: %s drew %.17g", f, hc_input_specs[i].key, x);
            }
            for (r = 0; r < m->n_roles; r++) {
                const double x = hc_model_draw(m, &m->role_wage[r], w, f, HC_STREAM_ROLE_WAGE + (uint32_t)r);
                FUZZ_CHECK(fuzz_in_spec(x, &hc_role_input_specs[HC_ROLE_IN_WAGE]), "roles[%d].wage drew %.17g", r, x);
            }
        }
    }
}

/* The model on FUZZ_WORLDS x FUZZ_FIRMS, every step: every firm output, every world sum
 * and metric, and every firm-level change must be finite (docs/hardening.md). */
static void fuzz_check_model(const hc_model *m, double employment)
{
    const int T = m->n_steps, R = m->n_roles, S = m->steps_per_year;
    hc_world_step *steps = (hc_world_step *)malloc((size_t)(T + 1) * sizeof *steps);
    float *Kw = (float *)malloc((size_t)(T + 1) * (size_t)R * sizeof(float));
    double *sums = (double *)calloc((size_t)(T + 1) * HC_N_SUMS, sizeof(double));
    hc_firm *firms = (hc_firm *)malloc(FUZZ_FIRMS * sizeof(hc_firm));
    uint32_t w;
    FUZZ_CHECK(steps && Kw && sums && firms, "out of memory");
    for (w = 0; w < FUZZ_WORLDS; w++) {
        hc_world_inputs wi;
        int t, f, k;
        hc_world_sample(m, w, &wi);
        hc_world_path(m, w, &wi, steps, Kw);
        memset(sums, 0, (size_t)(T + 1) * HC_N_SUMS * sizeof(double));
        for (f = 0; f < FUZZ_FIRMS; f++) hc_firm_sample(m, w, (uint32_t)f, &wi, &firms[f]);
        /* Firm by firm, as the CPU backend does. */
        for (f = 0; f < FUZZ_FIRMS; f++) {
            for (t = 0; t <= T; t++) {
                hc_firm_out o;
                hc_firm_step(m, &steps[t], Kw + (size_t)t * (size_t)R, t, &firms[f], &o);
                FUZZ_CHECK(isfinite(o.H) && isfinite(o.Hcf) && isfinite(o.A) && isfinite(o.Ho) && isfinite(o.Hn) &&
                               isfinite(o.Hs) && isfinite(o.spend) && isfinite(o.wage_bill) && isfinite(o.exposed),
                           "world %u firm %d step %d: H %g Hcf %g A %g Ho %g Hn %g Hs %g spend %g wage_bill %g "
                           "exposed %g",
                           w, f, t, o.H, o.Hcf, o.A, o.Ho, o.Hn, o.Hs, o.spend, o.wage_bill, o.exposed);
                hc_firm_accumulate(sums + (size_t)t * HC_N_SUMS, &o);
                if (t % S == 0) {
                    const float change = hc_firm_change_pct(&firms[f], o.H);
                    FUZZ_CHECK(isfinite(change), "world %u firm %d step %d: firm change %g (H %g, at step 0 %g)", w,
                               f, t, change, o.H, firms[f].H_start);
                }
            }
        }
        for (t = 0; t <= T; t++) {
            double metric[HC_N_METRICS];
            hc_metrics(sums + (size_t)t * HC_N_SUMS, sums, employment, metric);
            for (k = 0; k < HC_N_METRICS; k++)
                FUZZ_CHECK(isfinite(metric[k]), "world %u step %d: metric %d = %g", w, t, k, metric[k]);
        }
    }
    free(steps);
    free(Kw);
    free(sums);
    free(firms);
}

static void fuzz_check_config(const hc_config *c)
{
    const hc_model *m = &c->model;
    double share_sum = 0.0;
    int i, r;
    char what[96];
    FUZZ_CHECK(c->name[0] != '\0' && c->resolved != NULL, "no name or resolved config");
    FUZZ_CHECK(c->years >= 1 && c->steps_per_year >= 1 && m->n_steps == c->years * c->steps_per_year &&
                   m->n_steps <= HC_MAX_STEPS && m->years == c->years && m->steps_per_year == c->steps_per_year,
               "steps: %d years x %d", c->years, c->steps_per_year);
    FUZZ_CHECK(c->worlds >= 1 && c->worlds <= 4294967296LL && c->firms_per_world >= 1 &&
                   c->firms_per_world <= 4294967295LL,
               "sizes %lld x %lld", (long long)c->worlds, (long long)c->firms_per_world);
    FUZZ_CHECK(c->seed <= 9007199254740991ULL && m->seed == c->seed, "seed");
    FUZZ_CHECK(isfinite(c->employment) && c->employment > 0, "employment %g", c->employment);
    FUZZ_CHECK(c->n_percentiles >= 1 && c->n_percentiles <= HC_MAX_PERCENTILES, "%d percentiles", c->n_percentiles);
    for (i = 0; i < c->n_percentiles; i++)
        FUZZ_CHECK(c->percentiles[i] > (i ? c->percentiles[i - 1] : 0.0) && c->percentiles[i] < 100.0,
                   "percentile %d = %g", i, c->percentiles[i]);
    FUZZ_CHECK(m->n_roles >= 1 && m->n_roles <= HC_MAX_ROLES, "%d roles", (int)m->n_roles);
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        if (hc_input_specs[i].key != NULL) fuzz_check_dist(m, &m->input[i], hc_input_specs[i].key);
    for (r = 0; r < m->n_roles; r++) {
        snprintf(what, sizeof what, "roles[%d]", r);
        fuzz_check_dist(m, &m->role_wage[r], what);
        fuzz_check_dist(m, &m->role_tokens[r], what);
        FUZZ_CHECK(isfinite(m->role_share[r]) && m->role_share[r] >= 0.0f && m->role_share[r] <= 1.0f, "%s share %g",
                   what, m->role_share[r]);
        FUZZ_CHECK(m->role_exposure[r] >= 0.0f && m->role_exposure[r] <= 1.0f, "%s exposure", what);
        FUZZ_CHECK(m->role_adoption_start[r] >= 0.0f && m->role_adoption_start[r] <= m->role_exposure[r],
                   "%s adoption_start", what);
        share_sum += m->role_share[r];
    }
    FUZZ_CHECK(fabs(share_sum - 1.0) < 1e-4, "shares sum to %.9g", share_sum);
    fuzz_check_draws(m);
}

/* The resolved config (what the manifest records) loads back to the same model. */
static void fuzz_check_round_trip(const hc_config *c)
{
    char *text = hc_config_resolved_json(c);
    hc_config again;
    hc_error err;
    FUZZ_CHECK(text != NULL, "resolved config cannot be printed");
    if (hc_config_load_text(FUZZ_TOP_NAME, text, strlen(text), NULL, 0, &again, &err) != 0) {
        FUZZ_CHECK(0, "the resolved config does not load back: %s\n%s", err.message, text);
    }
    FUZZ_CHECK(memcmp(&again.model, &c->model, sizeof c->model) == 0 && strcmp(again.name, c->name) == 0 &&
                   again.worlds == c->worlds && again.firms_per_world == c->firms_per_world &&
                   again.employment == c->employment && again.n_percentiles == c->n_percentiles &&
                   memcmp(again.percentiles, c->percentiles, sizeof c->percentiles) == 0,
               "the resolved config loads back to another model:\n%s", text);
    hc_config_free(&again);
    free(text);
}

/* Everything above, for one load's outcome. */
static void fuzz_check_outcome(int rc, hc_config *cfg, const hc_error *err, const char *top)
{
    if (rc != 0) {
        fuzz_check_error(err, top);
        return;
    }
    fuzz_check_config(cfg);
    fuzz_check_round_trip(cfg);
    if (getenv("HC_FUZZ_NO_MODEL") == NULL) fuzz_check_model(&cfg->model, cfg->employment);
    hc_config_free(cfg);
}

#endif
