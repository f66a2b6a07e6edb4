/* unit_model_v2.c: invariants of model v2's firm step (docs/model.md "Equations"),
 * checked over every firm-step of the shipped configs and of extreme ones, by calling
 * hc_firm_step_detail directly:
 *   - compute spent per automated FTE never exceeds that FTE's wage: Kbar_r <= V_r,t
 *     exactly in float (so a D Kbar <= a D W), and assistance compute never exceeds what
 *     it adds (Kaug_r <= theta W_r,t);
 *   - the whole bill never exceeds what automation and assistance save;
 *   - shares stay shares: 0 <= a_r <= cap_r Phi(zr), 0 <= g_r;
 *   - the step with a detail record gives the same bits as the step the backends run.
 * Run from the repository root. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hc_config.h"
#include "model/hc_model.h"

#define WORLDS 12
#define FIRMS 48

typedef struct {
    const char *path;
    const char *kv[6][2];
} scenario;

static const scenario scenarios[] = {
    {"configs/cuts.json", {{NULL, NULL}}},
    {"configs/growth.json", {{NULL, NULL}}},
    {"configs/growth.json", {{"compute.budget_share", "0.2"}, {"compute.annual_budget_growth", "2"}}},
    {"configs/cuts.json", {{"compute.budget_share", "0.0001"}, {"inference.price_per_mtok", "1e-6"}}},
    {"configs/growth.json", {{"inference.price_per_mtok", "1e6"}, {"inference.task_cost_dispersion", "6"}}},
    {"configs/cuts.json",
     {{"inference.task_cost_dispersion", "0.01"},
      {"labor.augmentation_tokens", "50"},
      {"labor.augmentation_gain", "3"}}},
    {"configs/growth.json",
     {{"labor.oversight_ratio", "5"},
      {"labor.rollback_oversight", "10"},
      {"firms.belief_learning_rate", "1"},
      {"simulation.steps_per_year", "12"}}},
    {"configs/cuts.json",
     {{"compute.platform_cost", "1e8"}, {"firms.planning_horizon", "20"}, {"firms.expected_price_change", "-0.99"}}},
};

static void load(const scenario *sc, hc_config *c)
{
    hc_override ov[8];
    hc_error err;
    int n = 0;
    while (n < 6 && sc->kv[n][0] != NULL) {
        ov[n].key = sc->kv[n][0];
        ov[n].value = sc->kv[n][1];
        n++;
    }
    if (hc_config_load(sc->path, ov, n, c, &err) != 0) fail_msg("%s: %s", sc->path, err.message);
}

static void every_firm_step_should_keep_v2s_invariants(void **state)
{
    size_t k;
    long firm_steps = 0, automated = 0, assisted = 0;
    (void)state;
    for (k = 0; k < sizeof scenarios / sizeof scenarios[0]; k++) {
        hc_config c;
        const hc_model *m;
        hc_world_step *steps;
        float *Kw;
        uint32_t w, f;
        int T, R;
        load(&scenarios[k], &c);
        m = &c.model;
        T = m->n_steps;
        R = m->n_roles;
        steps = (hc_world_step *)malloc((size_t)(T + 1) * sizeof *steps);
        Kw = (float *)malloc((size_t)(T + 1) * (size_t)R * sizeof(float));
        assert_non_null(steps);
        assert_non_null(Kw);
        for (w = 0; w < WORLDS; w++) {
            hc_world_inputs wi;
            hc_world_sample(m, w, &wi);
            hc_world_path(m, w, &wi, steps, Kw);
            for (f = 0; f < FIRMS; f++) {
                hc_firm firm, twin;
                int t, r;
                hc_firm_sample(m, w, f, &wi, &firm);
                twin = firm;
                for (t = 0; t <= T; t++) {
                    const hc_world_step *ws = &steps[t];
                    const float *K = Kw + (size_t)t * (size_t)R;
                    const float M = firm.M, Q_prev = firm.Q;
                    const float O = ws->oversight * M * firm.wage_oversight * ws->wage_index;
                    hc_firm_out out, out_twin;
                    hc_firm_detail d;
                    double saved = 0.0;
                    hc_firm_step_detail(m, ws, K, t, &firm, &out, &d);
                    hc_firm_step(m, ws, K, t, &twin, &out_twin);
                    assert_memory_equal(&out, &out_twin, sizeof out);
                    assert_memory_equal(&firm, &twin, sizeof firm);
                    for (r = 0; r < R; r++) {
                        const float W = firm.wage[r] * ws->wage_index;
                        const float V = W - O;
                        const float D = out.Hcf * Q_prev * m->role_share[r]; /* D_r,t as the step forms it */
                        const float a = firm.adoption[r], g = d.assisted[r];
                        if (V > 0.0f) {
                            if (!(d.Kbar[r] <= V))
                                fail_msg("%s: Kbar %g > V %g (world %u firm %u step %d role %d)", scenarios[k].path,
                                         (double)d.Kbar[r], (double)V, w, f, t, r);
                        } else {
                            assert_true(a == 0.0f && g == 0.0f && d.Kbar[r] == 0.0f);
                        }
                        assert_true(a * D * d.Kbar[r] <= a * D * W); /* per automated FTE: at most its wage */
                        assert_true(d.Kaug[r] <= firm.aug_gain * W);
                        assert_true(a >= 0.0f && g >= 0.0f && a <= d.tentative[r]);
                        saved += (double)D * (double)W * ((double)a + (double)g * (double)firm.aug_people);
                        automated += a > 0.0f;
                        assisted += g > 0.0f;
                    }
                    if (!((double)out.spend <= saved * (1.0 + 1e-5)))
                        fail_msg("%s: spend %g above what AI saves %g (world %u firm %u step %d)", scenarios[k].path,
                                 (double)out.spend, saved, w, f, t);
                    firm_steps++;
                }
            }
        }
        free(steps);
        free(Kw);
        hc_config_free(&c);
    }
    print_message("# %ld firm-steps of %d scenarios; %ld role-steps automated, %ld assisted\n", firm_steps,
                  (int)(sizeof scenarios / sizeof scenarios[0]), automated, assisted);
    assert_true(automated > 0 && assisted > 0); /* not vacuous */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_firm_step_should_keep_v2s_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
