/* hc_firm_sample.h: a firm's inputs, constants and starting state (docs/model.md
 * "Randomness", "Firm sizes"), written once for the CPU backend and the CUDA kernels.
 * Included by hc_model.h, after the firm and the size classes it fills. The CPU engine
 * computes the first Philox block of each of 16 firms' draw sites together, in vector lanes
 * (src/engines/engine_cpu_firms.h), and hands them in (hc_firm_blocks); the GPU and every
 * other caller let hc_firm_sample compute them. The words, and so the bits, are the same. */
#ifndef HC_FIRM_SAMPLE_H
#define HC_FIRM_SAMPLE_H

/* A firm's draw sites: site i < HC_N_SCALAR_INPUTS is scalar input i, site
 * HC_N_SCALAR_INPUTS + r role r's wage. The first Philox block of each, computed ahead for
 * several firms at once (the CPU engine's vector lanes), is word k of site s of lane `lane`
 * at words[(s * 4 + k) * stride + lane]; hc_firm_sample_ahead reads it instead of
 * computing it. The same words either way. */
#define HC_FIRM_SITES (HC_N_SCALAR_INPUTS + HC_FIRM_ROLE_CAP)
typedef struct {
    const uint32_t *words;
    int stride, lane;
} hc_firm_blocks;

HC_HD uint32_t hc_firm_site_stream(int site)
{
    return site < HC_N_SCALAR_INPUTS ? HC_STREAM_SCALAR_INPUT + (uint32_t)site
                                     : HC_STREAM_ROLE_WAGE + (uint32_t)(site - HC_N_SCALAR_INPUTS);
}

/* hc_model_draw at a firm's site, from its block computed ahead when `ahead` is not NULL. */
HC_HD double hc_firm_draw(const hc_model *m, const hc_dist *d, uint32_t world, uint32_t firm_plus_1, int site,
                          const hc_firm_blocks *ahead)
{
    hc_rng rng;
    if (ahead) {
        uint32_t b[4];
        int k;
        for (k = 0; k < 4; k++)
            b[k] = ahead->words[((size_t)site * 4u + (size_t)k) * (size_t)ahead->stride + (size_t)ahead->lane];
        hc_rng_init_first(&rng, m->seed, world, firm_plus_1, hc_firm_site_stream(site), 0u, b);
    } else {
        hc_rng_init(&rng, m->seed, world, firm_plus_1, hc_firm_site_stream(site), 0u);
    }
    return hc_dist_sample(d, m->pool, &rng);
}

/* Firm `firm` of world `world`: its inputs (docs/model.md "Randomness"), then its constants
 * and its starting state. `ahead`: see hc_firm_blocks; NULL computes every block here. */
HC_HD void hc_firm_sample_ahead(const hc_model *m, uint32_t world, uint32_t firm, const hc_world_inputs *wi, hc_firm *f,
                                const hc_firm_blocks *ahead)
{
    double in[HC_N_SCALAR_INPUTS];
    double W0 = 0.0, H0, weight = 1.0;
    const uint32_t id = firm + 1u;
    const double s = wi->in[HC_IN_TASK_COST_DISPERSION], theta = wi->in[HC_IN_AUGMENTATION_GAIN];
    int i, r;
    HC_NO_UNROLL
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++) /* with size classes firms.headcount's own draw goes unused: skipped */
        if (hc_input_level(i) == HC_LEVEL_FIRM && !(i == HC_IN_HEADCOUNT && m->n_size_classes > 0))
            hc_input_store(in, i, hc_firm_draw(m, &m->input[i], world, id, i, ahead));
    if (m->n_size_classes == 0) {
        H0 = in[HC_IN_HEADCOUNT];
    } else {
        /* the class by the firm's index, its size by a bounded Pareto from the
         * firms.headcount uniform (hc_dist's bounded Pareto is exactly that formula) */
        const int j = hc_size_class(m, firm);
        const hc_dist size = hc_size_class_dist(m, j);
        H0 = hc_firm_draw(m, &size, world, id, HC_IN_HEADCOUNT, ahead);
        weight = (double)m->size_weight[j];
    }
    HC_NO_UNROLL
    for (r = 0; r < m->n_roles; r++) {
        double w = hc_firm_draw(m, &m->role_wage[r], world, id, HC_N_SCALAR_INPUTS + r, ahead);
        hc_role_store(f->wage, r, (float)w);
        hc_role_store(f->adoption, r, m->role_adoption_start[r]);
        W0 += H0 * (double)m->role_share[r] * w;
    }
    f->H0 = (float)H0;
    f->weight = (float)weight;
    f->log_growth = (float)log1p(in[HC_IN_DEMAND_GROWTH]);
    f->step_adopt = (float)(1.0 - pow(1.0 - in[HC_IN_ADOPTION_SPEED], 1.0 / (double)m->steps_per_year));
    f->step_learn = (float)(1.0 - pow(1.0 - in[HC_IN_BELIEF_LEARNING_RATE], 1.0 / (double)m->steps_per_year));
    f->horizon = (float)in[HC_IN_PLANNING_HORIZON];
    f->budget0 = (float)(in[HC_IN_BUDGET_SHARE] * W0);
    f->per_specialist = (float)in[HC_IN_PER_SPECIALIST];
    f->eta = (float)in[HC_IN_DEMAND_ELASTICITY];
    f->wage_oversight = (float)in[HC_IN_WAGE_OVERSIGHT];
    f->wage_specialist = (float)in[HC_IN_WAGE_SPECIALIST];
    f->platform_cost = (float)in[HC_IN_PLATFORM_COST];
    f->platform_staff = (float)(in[HC_IN_PLATFORM_COST] / in[HC_IN_WAGE_SPECIALIST]);
    f->new_task_ratio = (float)wi->in[HC_IN_NEW_TASK_RATIO];
    f->dispersion = (float)s;
    f->inv_dispersion = (float)(1.0 / s);
    f->mean_factor = (float)exp(0.5 * s * s);
    f->aug_tokens = (float)wi->in[HC_IN_AUGMENTATION_TOKENS];
    f->aug_gain = (float)theta;
    f->aug_people = (float)(theta / (1.0 + theta));
    f->aug_cost = (float)(1.0 / (1.0 + theta));
    f->rollback_factor = (float)(1.0 + wi->in[HC_IN_ROLLBACK_OVERSIGHT]);
    f->value_share = (float)wi->in[HC_IN_VALUE_SHARE];
    f->log_value_share = wi->in[HC_IN_VALUE_SHARE] > 0.0 ? (float)log(wi->in[HC_IN_VALUE_SHARE]) : 0.0f;
    f->Q = 1.0f;
    f->H_start = 0.0f;
    f->belief = (float)log1p(in[HC_IN_EXPECTED_PRICE_CHANGE]);
    f->M = 1.0f;
    f->alpha_year = 0.0f;
    f->rolled_back = 0.0f;
#if !defined(__CUDA_ARCH__)
    /* Padding for the CPU's vector lanes past n_roles (hc_role_lanes): finite, and never
     * added into a sum. */
    for (r = m->n_roles; r < HC_FIRM_ROLE_CAP; r++) {
        f->wage[r] = 1.0f;
        f->adoption[r] = 0.0f;
    }
#endif
}

HC_HD void hc_firm_sample(const hc_model *m, uint32_t world, uint32_t firm, const hc_world_inputs *wi, hc_firm *f)
{
    hc_firm_sample_ahead(m, world, firm, wi, f, (const hc_firm_blocks *)0);
}

#endif
