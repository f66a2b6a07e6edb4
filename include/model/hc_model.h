/* hc_model.h: the headcount model, version 1 of docs/model.md, written once for the CPU
 * backend (src/engines/engine_cpu.c) and the CUDA kernels (kernels/).
 *
 * Three pieces, in the order a backend calls them:
 *   hc_world_sample + hc_world_path  world-level inputs and the macro path of one world
 *   hc_firm_sample                   one firm's inputs and its constants
 *   hc_firm_step                     one firm at one step; the caller adds the result
 *                                    into the world's sums (hc_firm_accumulate)
 * Per-firm arithmetic is float; world paths are computed in double and stored as float;
 * sums over firms are double, added in firm order by the caller. */
#ifndef HC_MODEL_H
#define HC_MODEL_H

#include <float.h>
#include <math.h>
#include "hc_defs.h"
#include "hc_dist.h"
#include "hc_math.h"
#include "hc_philox.h"

/* Numeric guards (docs/hardening.md). They change no bit while the numbers stay inside
 * them, as they do in every shipped scenario, and keep a firm's float arithmetic finite
 * where no check of the config can: the token price is a random walk, so a world's
 * price and compute costs saturate at FLT_MAX (the no-automation limit they tend to),
 * and a firm's compute budget at HC_BUDGET_MAX, which bounds its compute bill whatever
 * the price does; the unit-cost ratio U is kept in [FLT_MIN, FLT_MAX] so that logf(U)
 * is finite (U is 0 when all work is automated at no cost); and the demand multiplier
 * Q = U^-eta is kept in [HC_Q_MIN, HC_Q_MAX], since with eta > 1 it can run away to 0
 * or infinity. The config loader (src/config/) refuses whatever else could leave the
 * float range. */
#define HC_Q_MIN 1e-6f       /**< smallest demand multiplier Q */
#define HC_Q_MAX 1e6f        /**< largest demand multiplier Q */
#define HC_BUDGET_MAX 1e30f  /**< USD per year: a firm's compute budget, ~1e16 world GDPs */

/* Scalar inputs, in MODEL.md's table order. The id is part of the random counter
 * (HC_STREAM_SCALAR_INPUT + id): never renumber, only append. */
typedef enum {
    /* per world */
    HC_IN_PRICE_PER_MTOK = 0,    /* p0  inference.price_per_mtok */
    HC_IN_ANNUAL_PRICE_CHANGE,   /* dp  inference.annual_price_change */
    HC_IN_PRICE_VOLATILITY,      /* sp  inference.price_volatility */
    HC_IN_SHOCK_RATE,            /* q   inference.shock_rate */
    HC_IN_SHOCK_MULTIPLIER,      /* J   inference.shock_multiplier */
    HC_IN_ANNUAL_TOKEN_GROWTH,   /* dk  inference.annual_token_growth */
    HC_IN_CAPABILITY_START,      /* c0  capability.start */
    HC_IN_CAPABILITY_CEILING,    /* cmax capability.ceiling */
    HC_IN_CAPABILITY_GROWTH,     /* rc  capability.growth_rate */
    HC_IN_ERROR_RATE_START,      /* e0  capability.error_rate_start */
    HC_IN_ANNUAL_ERROR_CHANGE,   /* de  capability.annual_error_change */
    HC_IN_OVERSIGHT_RATIO,       /* o0  labor.oversight_ratio */
    HC_IN_NEW_TASK_RATIO,        /* nu  labor.new_task_ratio */
    HC_IN_WAGE_GROWTH,           /* gw  wages.annual_growth */
    HC_IN_BUDGET_GROWTH,         /* gb  compute.annual_budget_growth */
    HC_N_WORLD_INPUTS,
    /* per firm */
    HC_IN_HEADCOUNT = HC_N_WORLD_INPUTS, /* H0 firms.headcount */
    HC_IN_DEMAND_GROWTH,         /* g    firms.demand_growth */
    HC_IN_ADOPTION_SPEED,        /* lam  firms.adoption_speed */
    HC_IN_EXPECTED_PRICE_CHANGE, /* dh   firms.expected_price_change */
    HC_IN_PLANNING_HORIZON,      /* h    firms.planning_horizon */
    HC_IN_COST_SENSITIVITY,      /* beta firms.cost_sensitivity */
    HC_IN_BUDGET_SHARE,          /* b    compute.budget_share */
    HC_IN_PER_SPECIALIST,        /* m_s  compute.per_specialist */
    HC_IN_DEMAND_ELASTICITY,     /* eta  firms.demand_elasticity */
    HC_IN_WAGE_OVERSIGHT,        /* w_o  wages.oversight */
    HC_IN_WAGE_SPECIALIST,       /* w_s  wages.specialist */
    HC_N_SCALAR_INPUTS
} hc_input_id;

/* Everything a backend needs to run one scenario: plain data, copyable to a device. */
typedef struct {
    hc_dist input[HC_N_SCALAR_INPUTS];
    hc_dist role_wage[HC_MAX_ROLES];   /* w_r, per firm */
    hc_dist role_tokens[HC_MAX_ROLES]; /* m_r, per world */
    float role_share[HC_MAX_ROLES];    /* s_r, normalised to sum to 1 */
    float role_exposure[HC_MAX_ROLES]; /* x_r */
    float role_adoption_start[HC_MAX_ROLES];
    double pool[HC_DIST_POOL_MAX];     /* values and weights of discrete distributions */
    int32_t n_roles;
    int32_t steps_per_year;            /* S */
    int32_t years;
    int32_t n_steps;                   /* T = years * S; steps 0..T */
    uint64_t seed;
} hc_model;

/* ---- world: macro path */

/* Per step t = 0..T of one world. Kw[r] = p_t k_t m_r / 1e6 is the realised compute cost
 * of one automated FTE of role r before the firm's own belief (USD per year). */
typedef struct {
    float price;      /* p_t, USD per million tokens */
    float capability; /* c_t */
    float oversight;  /* o_t, oversight FTE per automated FTE */
    float wage_index; /* omega_t */
    float budget_index; /* (1+gb)^tau */
} hc_world_step;

typedef struct {
    double in[HC_N_WORLD_INPUTS];
    double tokens[HC_MAX_ROLES]; /* m_r */
} hc_world_inputs;

HC_HD double hc_model_draw(const hc_model *m, const hc_dist *d, uint32_t world,
                           uint32_t firm_plus_1, uint32_t stream)
{
    hc_rng rng;
    hc_rng_init(&rng, m->seed, world, firm_plus_1, stream, 0u);
    return hc_dist_sample(d, m->pool, &rng);
}

HC_HD void hc_world_sample(const hc_model *m, uint32_t world, hc_world_inputs *wi)
{
    int i, r;
    for (i = 0; i < HC_N_WORLD_INPUTS; i++)
        wi->in[i] = hc_model_draw(m, &m->input[i], world, 0u, HC_STREAM_SCALAR_INPUT + (uint32_t)i);
    for (r = 0; r < m->n_roles; r++)
        wi->tokens[r] = hc_model_draw(m, &m->role_tokens[r], world, 0u, HC_STREAM_ROLE_TOKENS + (uint32_t)r);
}

/* One step of the token price's logarithm: hc_world_path adds drift + vol z, and log_jump
 * when a shock comes. Stated once, because src/config/bounds.c bounds the path with it. */
typedef struct {
    double drift, vol, log_jump;
} hc_price_step;

HC_HD hc_price_step hc_price_step_of(double annual_change, double volatility, double shock_multiplier,
                                     double steps_per_year)
{
    hc_price_step p;
    p.drift = log1p(annual_change) / steps_per_year;
    p.vol = volatility / sqrt(steps_per_year);
    p.log_jump = log(shock_multiplier);
    return p;
}

/* Fills steps[0..T] and Kw[t * n_roles + r]. */
HC_HD void hc_world_path(const hc_model *m, uint32_t world, const hc_world_inputs *wi,
                         hc_world_step *HC_RESTRICT steps, float *HC_RESTRICT Kw)
{
    const double *in = wi->in;
    const double S = (double)m->steps_per_year;
    const double c0 = in[HC_IN_CAPABILITY_START], cmax = in[HC_IN_CAPABILITY_CEILING];
    const double e0 = in[HC_IN_ERROR_RATE_START], o0 = in[HC_IN_OVERSIGHT_RATIO];
    const double jump_prob = fmin(1.0, in[HC_IN_SHOCK_RATE] / S);
    const hc_price_step step = hc_price_step_of(in[HC_IN_ANNUAL_PRICE_CHANGE], in[HC_IN_PRICE_VOLATILITY],
                                                in[HC_IN_SHOCK_MULTIPLIER], S);
    double log_p = log(in[HC_IN_PRICE_PER_MTOK]);
    int t, r;
    for (t = 0; t <= m->n_steps; t++) {
        const double tau = (double)t / S;
        double p, k, e, o;
        if (t > 0) {
            hc_rng rng;
            double z, u_jump;
            hc_rng_init(&rng, m->seed, world, 0u, HC_STREAM_PRICE_PATH, (uint32_t)t);
            z = hc_normal_quantile(hc_rng_uniform(&rng));
            u_jump = hc_rng_uniform(&rng);
            log_p += step.drift + step.vol * z + (u_jump < jump_prob ? step.log_jump : 0.0);
        }
        p = exp(log_p);
        k = exp(tau * log1p(in[HC_IN_ANNUAL_TOKEN_GROWTH]));
        e = fmin(1.0, e0 * exp(tau * log1p(in[HC_IN_ANNUAL_ERROR_CHANGE])));
        o = e0 > 0.0 ? o0 * e / e0 : o0;
        steps[t].price = (float)fmin(p, (double)FLT_MAX);
        steps[t].capability = (float)(cmax / (1.0 + (cmax / c0 - 1.0) * exp(-in[HC_IN_CAPABILITY_GROWTH] * tau)));
        steps[t].oversight = (float)o;
        steps[t].wage_index = (float)exp(tau * log1p(in[HC_IN_WAGE_GROWTH]));
        steps[t].budget_index = (float)fmin(exp(tau * log1p(in[HC_IN_BUDGET_GROWTH])), (double)FLT_MAX);
        for (r = 0; r < m->n_roles; r++)
            Kw[(size_t)t * (size_t)m->n_roles + (size_t)r] = (float)fmin(p * k * wi->tokens[r] / 1e6, (double)FLT_MAX);
    }
}

/* ---- firm: inputs, constants and state */

/* Capacity of a firm's per-role arrays: HC_MAX_ROLES unless a build sets a smaller one.
 * Both backends build their firm loop for each capacity of HC_ROLE_CAPS (hc_defs.h), and a run takes the
 * smallest that holds its n_roles (kernels/firm_steps.cu; src/engines/engine_cpu_firms.h); the bits
 * are the same whichever runs. On the GPU a smaller capacity keeps a firm's whole state
 * in registers: a GPU thread's array lives in registers only when every index into it is
 * known at compile time, so there the role loops run to this capacity, unrolled, and stop
 * at n_roles. On the CPU it sets how many roles the step's vector code computes
 * (hc_role_lanes). */
#ifndef HC_FIRM_ROLE_CAP
#define HC_FIRM_ROLE_CAP HC_MAX_ROLES
#endif

#if defined(__CUDA_ARCH__) /* device code only: the host compiler of nvcc knows no unroll pragma */
#define HC_UNROLL _Pragma("unroll")
#define HC_NO_UNROLL _Pragma("unroll 1") /* a loop with a draw per pass: too big to copy */
#else
#define HC_UNROLL
#define HC_NO_UNROLL
#endif

/* for (r = 0; r < n; r++) over a firm's roles, n <= HC_FIRM_ROLE_CAP, in the form each
 * build compiles best; the passes run in the same order in all three:
 *   GPU: unrolled over the capacity, stopping at n (see HC_FIRM_ROLE_CAP);
 *   CPU, HC_ROLE_LOOPS_UNROLLED (src/engines/engine_cpu_firms.h, capacities 8 and 16): unrolled
 *     over the capacity with n as a condition, so that the step has no loop left and gcc
 *     vectorises the engine's loop over firms instead: 8 or 16 firms per vector;
 *   CPU otherwise: a plain loop, which gcc vectorises across roles. */
#if defined(__CUDA_ARCH__)
#define HC_ROLE_LOOP(r, n) HC_UNROLL for ((r) = 0; (r) < HC_FIRM_ROLE_CAP && (r) < (n); (r)++)
#elif defined(HC_ROLE_LOOPS_UNROLLED)
#define HC_ROLE_LOOP(r, n) _Pragma("GCC unroll 64") for ((r) = 0; (r) < HC_FIRM_ROLE_CAP; (r)++) if ((r) < (n))
#else
#define HC_ROLE_LOOP(r, n) for ((r) = 0; (r) < (n); (r)++)
#endif

/* How many roles a step's role loops compute. On the GPU n_roles. On the CPU whole
 * vectors, so that gcc vectorises them with no scalar remainder: the capacity itself up
 * to 16 roles (a compile-time count), past that n_roles rounded up to 8. The lanes past
 * n_roles hold padding (share and exposure 0; wage 1 and adoption 0 from hc_firm_sample;
 * compute cost 1 in hc_firm_step) that computes finite values which no sum takes in
 * (hc_role_sum), and lanes never interact, so the real roles' bits do not depend on how
 * many lanes run. */
HC_HD int hc_role_lanes(int n_roles)
{
#if defined(__CUDA_ARCH__)
    return n_roles;
#else
    const int whole_vectors = (n_roles + 7) & ~7;
    if (HC_FIRM_ROLE_CAP <= 16) return HC_FIRM_ROLE_CAP;
    return whole_vectors < HC_FIRM_ROLE_CAP ? whole_vectors : HC_FIRM_ROLE_CAP;
#endif
}

/* sum + x for a role that counts (r < n_roles), sum for a padding lane: a select, not a
 * branch, so that loops over whole vectors stay vectorisable. Every sum over roles adds
 * roles 0, 1, ..., n_roles - 1 in that order, on every backend and vector width. */
HC_HD float hc_role_sum(float sum, float x, int r, int n_roles)
{
    return r < n_roles ? sum + x : sum;
}

/* fminf and fmaxf against a constant bound, as selects: the same result for every input
 * (NaN included: fminf(NaN, b) = b, and NaN < b is false), but inline and vectorisable,
 * where gcc calls libm for fminf and fmaxf unless told to ignore NaN. */
HC_HD float hc_min_bound(float x, float bound)
{
    return x < bound ? x : bound;
}

HC_HD float hc_max_bound(float x, float bound)
{
    return x > bound ? x : bound;
}

/* x[i] = v where x must stay in GPU registers but i is only known at run time (a loop
 * too big to unroll): compare i against every index instead of indexing, which would
 * move x to local memory. Plain x[i] = v on the CPU. */
HC_HD void hc_role_store(float *x, int i, float v)
{
#if defined(__CUDA_ARCH__)
    int k;
    HC_UNROLL
    for (k = 0; k < HC_FIRM_ROLE_CAP; k++)
        if (k == i) x[k] = v;
#else
    x[i] = v;
#endif
}

HC_HD void hc_input_store(double *x, int i, double v)
{
#if defined(__CUDA_ARCH__)
    int k;
    HC_UNROLL
    for (k = 0; k < HC_N_SCALAR_INPUTS; k++)
        if (k == i) x[k] = v;
#else
    x[i] = v;
#endif
}

typedef struct {
    /* constants, from the firm's inputs */
    float H0;          /* initial employees */
    float log_growth;  /* ln(1+g) */
    float step_adopt;  /* 1 - (1-lam)^(1/S): share of the gap closed per step */
    float plan_factor; /* (1+dh)^h: planned over realised compute cost */
    float beta;        /* cost sensitivity */
    float budget0;     /* b * W0, USD per year */
    float per_specialist; /* m_s */
    float eta;         /* demand elasticity */
    float wage_oversight, wage_specialist; /* w_o, w_s at t = 0 */
    float new_task_ratio; /* nu (world input, copied for the step) */
    float wage[HC_FIRM_ROLE_CAP]; /* w_r */
    /* state carried from step to step */
    float adoption[HC_FIRM_ROLE_CAP]; /* a_r,t-1 */
    float Q;           /* demand multiplier Q_{t-1} */
    float H_start;     /* headcount at step 0 */
} hc_firm;

/* What one firm contributes to its world's sums at one step. */
typedef struct {
    float H, Hcf, A, Ho, Hn, Hs; /* headcount, counterfactual, automated, oversight, new tasks, specialists */
    float spend;      /* compute bill, USD/yr */
    float wage_bill;  /* wages paid to the people employed at t, USD/yr */
    float exposed;    /* sum_r x_r D_r,t */
    int rolled_back;  /* 1 if the budget cut adoption back this step */
} hc_firm_out;

HC_HD void hc_firm_sample(const hc_model *m, uint32_t world, uint32_t firm,
                          const hc_world_inputs *wi, hc_firm *f)
{
    double in[HC_N_SCALAR_INPUTS];
    double W0 = 0.0;
    const uint32_t id = firm + 1u;
    int i, r;
    HC_NO_UNROLL
    for (i = HC_N_WORLD_INPUTS; i < HC_N_SCALAR_INPUTS; i++)
        hc_input_store(in, i, hc_model_draw(m, &m->input[i], world, id, HC_STREAM_SCALAR_INPUT + (uint32_t)i));
    HC_NO_UNROLL
    for (r = 0; r < m->n_roles; r++) {
        double w = hc_model_draw(m, &m->role_wage[r], world, id, HC_STREAM_ROLE_WAGE + (uint32_t)r);
        hc_role_store(f->wage, r, (float)w);
        hc_role_store(f->adoption, r, m->role_adoption_start[r]);
        W0 += in[HC_IN_HEADCOUNT] * (double)m->role_share[r] * w;
    }
    f->H0 = (float)in[HC_IN_HEADCOUNT];
    f->log_growth = (float)log1p(in[HC_IN_DEMAND_GROWTH]);
    f->step_adopt = (float)(1.0 - pow(1.0 - in[HC_IN_ADOPTION_SPEED], 1.0 / (double)m->steps_per_year));
    f->plan_factor = (float)pow(1.0 + in[HC_IN_EXPECTED_PRICE_CHANGE], in[HC_IN_PLANNING_HORIZON]);
    f->beta = (float)in[HC_IN_COST_SENSITIVITY];
    f->budget0 = (float)(in[HC_IN_BUDGET_SHARE] * W0);
    f->per_specialist = (float)in[HC_IN_PER_SPECIALIST];
    f->eta = (float)in[HC_IN_DEMAND_ELASTICITY];
    f->wage_oversight = (float)in[HC_IN_WAGE_OVERSIGHT];
    f->wage_specialist = (float)in[HC_IN_WAGE_SPECIALIST];
    f->new_task_ratio = (float)wi->in[HC_IN_NEW_TASK_RATIO];
    f->Q = 1.0f;
    f->H_start = 0.0f;
#if !defined(__CUDA_ARCH__)
    /* Padding for the CPU's vector lanes past n_roles (hc_role_lanes): finite, and never
     * added into a sum. */
    for (r = m->n_roles; r < HC_FIRM_ROLE_CAP; r++) {
        f->wage[r] = 1.0f;
        f->adoption[r] = 0.0f;
    }
#endif
}

/* Logistic L(y) = 1 / (1 + exp(-y)) of y = beta ln(W / C), written as 1 / (1 + (C/W)^beta). */
HC_HD float hc_adoption_share(float beta, float wage, float cost)
{
    return 1.0f / (1.0f + hc_expf(beta * hc_logf(cost / wage)));
}

/* Firm f at step t (0..T): MODEL.md "Equations", budget check, headcount and
 * productivity feedback. `Kw` is the world's row for step t (n_roles floats).
 *
 * Written for vector code (docs/performance.md "CPU"): role loops run over
 * hc_role_lanes roles, every sum over roles goes through hc_role_sum, and the step-0
 * cases are selects rather than branches (step 0 computes the t > 0 values and drops
 * them). None of that changes a result: each float operation is the one the equations
 * name, in the same order. */
HC_HD void hc_firm_step(const hc_model *m, const hc_world_step *ws, const float *HC_RESTRICT Kw,
                        int t, hc_firm *HC_RESTRICT f, hc_firm_out *HC_RESTRICT out)
{
    const int R = m->n_roles, lanes = hc_role_lanes(R);
    const float tau = (float)t / (float)m->steps_per_year;
    const float growth = hc_expf(tau * f->log_growth); /* (1+g)^tau */
    const float demand = f->H0 * growth * f->Q;     /* H0 (1+g)^tau Q_{t-1}, before the role share */
    const float oversight_cost = ws->oversight * f->wage_oversight * ws->wage_index;
    const float budget = hc_min_bound(f->budget0 * ws->budget_index, HC_BUDGET_MAX); /* guard, above */
    /* read once: loads inside the loops below, next to stores into f, would stay there */
    const float plan_factor = f->plan_factor, beta = f->beta, step_adopt = f->step_adopt;
    const float wage_index = ws->wage_index, capability = ws->capability;
    float bill[HC_FIRM_ROLE_CAP]; /* a~_r D_r K_r: each role's tentative compute bill */
    float spend_tentative = 0.0f, scale, spend = 0.0f, A = 0.0f, Hr = 0.0f;
    float wages_kept = 0.0f, wages_all = 0.0f, exposed = 0.0f;
    int r;

    HC_ROLE_LOOP(r, lanes) {
        const float K = r < R ? Kw[r] : 1.0f; /* padding: see hc_role_lanes */
        const float D = demand * m->role_share[r];
        const float W = f->wage[r] * wage_index;
        const float C = K * plan_factor + oversight_cost;
        const float target = m->role_exposure[r] * capability * hc_adoption_share(beta, W, C);
        const float a_prev = f->adoption[r];
        /* tentative a~_r,t until the budget check below; step 0 keeps the starting
         * adoption (a select, not a branch: the loop stays vectorisable) */
        const float a = t > 0 ? a_prev + step_adopt * (target - a_prev) : a_prev;
        f->adoption[r] = a;
        bill[r] = a * D * K;
    }
    HC_ROLE_LOOP(r, lanes) spend_tentative = hc_role_sum(spend_tentative, bill[r], r, R);
    /* Budget check: realised bill over budget scales every role's adoption back. */
    scale = (spend_tentative > budget) ? budget / spend_tentative : 1.0f;
    out->rolled_back = spend_tentative > budget;
    HC_ROLE_LOOP(r, lanes) {
        const float K = r < R ? Kw[r] : 1.0f;
        const float D = demand * m->role_share[r];
        const float W = f->wage[r] * wage_index;
        const float a = f->adoption[r] * scale;
        f->adoption[r] = a;
        spend = hc_role_sum(spend, a * D * K, r, R);
        A = hc_role_sum(A, a * D, r, R);
        Hr = hc_role_sum(Hr, (1.0f - a) * D, r, R);
        wages_kept = hc_role_sum(wages_kept, (1.0f - a) * D * W, r, R);
        wages_all = hc_role_sum(wages_all, D * W, r, R);
        exposed = hc_role_sum(exposed, m->role_exposure[r] * D, r, R);
    }
    out->A = A;
    out->Ho = ws->oversight * A;
    out->Hn = f->new_task_ratio * A;
    out->Hs = spend / f->per_specialist;
    out->H = Hr + out->Ho + out->Hn + out->Hs;
    out->Hcf = f->H0 * growth;
    out->spend = spend;
    out->wage_bill = wages_kept + (out->Ho + out->Hn) * f->wage_oversight * ws->wage_index +
                     out->Hs * f->wage_specialist * ws->wage_index;
    out->exposed = exposed;
    {
        /* U_t: unit cost with AI over unit cost without it; Q_t = U_t^-eta (guarded, above).
         * Step 0 sets H_start and keeps Q = 1 (selects, not branches, as above). */
        const float U = hc_min_bound(hc_max_bound((out->wage_bill + spend) / wages_all, FLT_MIN), FLT_MAX);
        const float Q = hc_min_bound(hc_max_bound(hc_expf(-f->eta * hc_logf(U)), HC_Q_MIN), HC_Q_MAX);
        f->H_start = t == 0 ? out->H : f->H_start;
        f->Q = t == 0 ? f->Q : Q;
    }
}

/* ---- world sums: what a backend keeps per world and step (double, firm order) */

typedef enum {
    HC_SUM_H = 0, HC_SUM_HCF, HC_SUM_A, HC_SUM_HO, HC_SUM_HN, HC_SUM_HS,
    HC_SUM_SPEND, HC_SUM_WAGE_BILL, HC_SUM_EXPOSED, HC_SUM_ROLLED_BACK,
    HC_N_SUMS
} hc_sum_id;

HC_HD void hc_firm_accumulate(double *HC_RESTRICT sums, const hc_firm_out *o)
{
    sums[HC_SUM_H] += (double)o->H;
    sums[HC_SUM_HCF] += (double)o->Hcf;
    sums[HC_SUM_A] += (double)o->A;
    sums[HC_SUM_HO] += (double)o->Ho;
    sums[HC_SUM_HN] += (double)o->Hn;
    sums[HC_SUM_HS] += (double)o->Hs;
    sums[HC_SUM_SPEND] += (double)o->spend;
    sums[HC_SUM_WAGE_BILL] += (double)o->wage_bill;
    sums[HC_SUM_EXPOSED] += (double)o->exposed;
    sums[HC_SUM_ROLLED_BACK] += (double)o->rolled_back;
}

/* Firm-level outcome: 100 (H_t / H at step 0 - 1). */
HC_HD float hc_firm_change_pct(const hc_firm *f, float H)
{
    return 100.0f * (H / f->H_start - 1.0f);
}

/* ---- metrics: MODEL.md "Outputs", from a world's sums */

typedef enum {
    HC_M_EMPLOYMENT_CHANGE = 0, HC_M_AI_EFFECT, HC_M_NET_JOBS, HC_M_AI_NET_JOBS,
    HC_M_DISPLACED, HC_M_OVERSIGHT, HC_M_NEW_TASKS, HC_M_SPECIALISTS,
    HC_M_COMPUTE_SHARE, HC_M_ROLLED_BACK, HC_M_ADOPTION,
    HC_N_METRICS
} hc_metric_id;

/* sums_t: this step's sums; sums_0: step 0's; employment: population.employment. */
HC_HD void hc_metrics(const double *sums_t, const double *sums_0, double n_firms,
                      double employment, double *metric)
{
    const double hcf = sums_t[HC_SUM_HCF];
    metric[HC_M_EMPLOYMENT_CHANGE] = 100.0 * (sums_t[HC_SUM_H] / sums_0[HC_SUM_H] - 1.0);
    metric[HC_M_AI_EFFECT] = 100.0 * (sums_t[HC_SUM_H] / hcf - 1.0);
    metric[HC_M_NET_JOBS] = metric[HC_M_EMPLOYMENT_CHANGE] / 100.0 * employment;
    metric[HC_M_AI_NET_JOBS] = metric[HC_M_AI_EFFECT] / 100.0 * employment;
    metric[HC_M_DISPLACED] = 100.0 * sums_t[HC_SUM_A] / hcf;
    metric[HC_M_OVERSIGHT] = 100.0 * sums_t[HC_SUM_HO] / hcf;
    metric[HC_M_NEW_TASKS] = 100.0 * sums_t[HC_SUM_HN] / hcf;
    metric[HC_M_SPECIALISTS] = 100.0 * sums_t[HC_SUM_HS] / hcf;
    metric[HC_M_COMPUTE_SHARE] = sums_t[HC_SUM_WAGE_BILL] > 0.0
        ? 100.0 * sums_t[HC_SUM_SPEND] / sums_t[HC_SUM_WAGE_BILL] : 0.0;
    metric[HC_M_ROLLED_BACK] = 100.0 * sums_t[HC_SUM_ROLLED_BACK] / n_firms;
    /* No exposed work at all (every x_r = 0): nothing can be adopted, report 0. */
    metric[HC_M_ADOPTION] = sums_t[HC_SUM_EXPOSED] > 0.0
        ? 100.0 * sums_t[HC_SUM_A] / sums_t[HC_SUM_EXPOSED] : 0.0;
}

#endif
