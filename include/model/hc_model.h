/* hc_model.h: the headcount model, version 2 of docs/model.md, written once for the CPU
 * backend (src/engines/engine_cpu.c) and the CUDA kernels (kernels/).
 *
 * Three pieces, in the order a backend calls them:
 *   hc_world_sample + hc_world_path  world-level inputs and the macro path of one world
 *   hc_firm_sample                   one firm's inputs and its constants (hc_firm_sample.h)
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
#include "hc_inputs.h"
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
#define HC_Q_MIN 1e-6f      /**< smallest demand multiplier Q */
#define HC_Q_MAX 1e6f       /**< largest demand multiplier Q */
#define HC_BUDGET_MAX 1e30f /**< USD per year: a firm's compute budget, ~1e16 world GDPs */

/* Size classes (docs/model.md "Firm sizes"): at most this many in a config. */
#define HC_MAX_SIZE_CLASSES 16

/* Everything a backend needs to run one scenario: plain data, copyable to a device. */
typedef struct {
    hc_dist input[HC_N_SCALAR_INPUTS];
    hc_dist role_wage[HC_MAX_ROLES];   /* w_r, per firm */
    hc_dist role_tokens[HC_MAX_ROLES]; /* m_r, per world */
    float role_share[HC_MAX_ROLES];    /* s_r, normalised to sum to 1 */
    float role_exposure[HC_MAX_ROLES]; /* x_r */
    float role_adoption_start[HC_MAX_ROLES];
    double pool[HC_DIST_POOL_MAX]; /* values and weights of discrete distributions */
    /* firms.size_classes (0 classes: sizes from firms.headcount, every weight 1) */
    int32_t n_size_classes;
    double size_alpha;                      /* Pareto tail exponent inside a class */
    double size_min[HC_MAX_SIZE_CLASSES];   /* a_j */
    double size_max[HC_MAX_SIZE_CLASSES];   /* b_j */
    double size_firms[HC_MAX_SIZE_CLASSES]; /* N_j: real firms in the class */
    double size_cum[HC_MAX_SIZE_CLASSES];   /* sum_{i<=j} E_i / sum_i E_i, the last exactly 1 */
    float size_weight[HC_MAX_SIZE_CLASSES]; /* w_f of a firm in class j, for the run's F (src/config/size_classes.c) */
    int32_t n_roles;
    int32_t steps_per_year; /* S */
    int32_t years;
    int32_t n_steps; /* T = years * S; steps 0..T */
    uint64_t seed;
} hc_model;

/* ---- world: macro path */

/* Per step t = 0..T of one world. Kw[r] = p_t k_t m_r / 1e6 is the realised compute cost
 * of automating one FTE-year of role r's median task (USD per year). */
typedef struct {
    double log_price;   /* log p_t, for pi_t (the world path only; firms do not read it) */
    float price;        /* p_t, USD per million tokens */
    float capability;   /* c_t */
    float oversight;    /* o_t, oversight FTE per automated FTE */
    float wage_index;   /* omega_t */
    float budget_index; /* (1+gb)^tau */
    float price_trend;  /* pi_t: realised yearly log change of the price over the last year */
} hc_world_step;

/* A world's inputs, indexed by hc_input_id (only the world-level ids are set). */
typedef struct {
    double in[HC_N_SCALAR_INPUTS];
    double tokens[HC_MAX_ROLES]; /* m_r */
} hc_world_inputs;

HC_HD double hc_model_draw(const hc_model *m, const hc_dist *d, uint32_t world, uint32_t firm_plus_1, uint32_t stream)
{
    hc_rng rng;
    hc_rng_init(&rng, m->seed, world, firm_plus_1, stream, 0u);
    return hc_dist_sample(d, m->pool, &rng);
}

HC_HD void hc_world_sample(const hc_model *m, uint32_t world, hc_world_inputs *wi)
{
    int i, r;
    for (i = 0; i < HC_N_SCALAR_INPUTS; i++)
        wi->in[i] = hc_input_level(i) == HC_LEVEL_WORLD
                        ? hc_model_draw(m, &m->input[i], world, 0u, HC_STREAM_SCALAR_INPUT + (uint32_t)i)
                        : 0.0;
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
HC_HD void hc_world_path(const hc_model *m, uint32_t world, const hc_world_inputs *wi, hc_world_step *HC_RESTRICT steps,
                         float *HC_RESTRICT Kw)
{
    const double *in = wi->in;
    const int S_int = m->steps_per_year;
    const double S = (double)S_int;
    const double c0 = in[HC_IN_CAPABILITY_START], cmax = in[HC_IN_CAPABILITY_CEILING];
    const double e0 = in[HC_IN_ERROR_RATE_START], o0 = in[HC_IN_OVERSIGHT_RATIO];
    const double jump_prob = fmin(1.0, in[HC_IN_SHOCK_RATE] / S);
    const hc_price_step step = hc_price_step_of(in[HC_IN_ANNUAL_PRICE_CHANGE], in[HC_IN_PRICE_VOLATILITY],
                                                in[HC_IN_SHOCK_MULTIPLIER], S);
    double log_p = log(in[HC_IN_PRICE_PER_MTOK]);
    int t, r;
    for (t = 0; t <= m->n_steps; t++) {
        const double tau = (double)t / S;
        const int lag = t < S_int ? t : S_int; /* m = min(t, S) */
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
        steps[t].log_price = log_p;
        steps[t].price_trend = lag > 0 ? (float)((log_p - steps[t - lag].log_price) * S / (double)lag) : 0.0f;
        steps[t].price = (float)fmin(p, (double)FLT_MAX);
        steps[t].capability = (float)(cmax / (1.0 + (cmax / c0 - 1.0) * exp(-in[HC_IN_CAPABILITY_GROWTH] * tau)));
        steps[t].oversight = (float)o;
        steps[t].wage_index = (float)exp(tau * log1p(in[HC_IN_WAGE_GROWTH]));
        steps[t].budget_index = (float)fmin(exp(tau * log1p(in[HC_IN_BUDGET_GROWTH])), (double)FLT_MAX);
        for (r = 0; r < m->n_roles; r++)
            Kw[(size_t)t * (size_t)m->n_roles + (size_t)r] = (float)fmin(p * k * wi->tokens[r] / 1e6, (double)FLT_MAX);
    }
}

/* ---- firm sizes: size classes (docs/model.md "Firm sizes") */

#define HC_SIZE_GOLDEN 0.6180339887498949 /* g = (sqrt(5) - 1) / 2 */

/* u_f = frac((firm + 1) g) of firm `firm` (0-based). In double, exact IEEE operations
 * only (a product and a floor), so host and device agree. */
HC_HD double hc_size_u(uint32_t firm)
{
    const double x = ((double)firm + 1.0) * HC_SIZE_GOLDEN;
    return x - floor(x);
}

/* The class of firm `firm` (0-based): the first whose cumulative employment share is
 * >= u_f (src/config/size_classes.c counts a run's firms per class without this loop). */
HC_HD int hc_size_class(const hc_model *m, uint32_t firm)
{
    const double u = hc_size_u(firm);
    int j = 0;
    while (j < m->n_size_classes - 1 && m->size_cum[j] < u) j++;
    return j;
}

/* The size of a firm in class j: a Pareto of the classes' exponent bounded to the class
 * [a_j, b_j] (firms.size_classes; `headcount describe` draws it too). */
HC_HD hc_dist hc_size_class_dist(const hc_model *m, int j)
{
    hc_dist size;
    size.kind = HC_DIST_PARETO;
    size.has_clip = 0;
    size.pool_offset = 0;
    size.n_values = 0;
    size.p[0] = m->size_alpha;
    size.p[1] = m->size_min[j];
    size.p[2] = m->size_max[j];
    size.p[3] = 0.0;
    size.clip_lo = size.clip_hi = 0.0;
    return size;
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
    /* constants, from the firm's inputs (and, copied for the step, its world's) */
    float H0;                              /* initial employees */
    float weight;                          /* w_f: real firms this one stands for, mean 1 over the sample */
    float log_growth;                      /* ln(1+g) */
    float step_adopt;                      /* 1 - (1-lam)^(1/S): share of the gap closed per step */
    float step_learn;                      /* 1 - (1-kappa)^(1/S): share of the belief gap closed per step */
    float horizon;                         /* h, years */
    float budget0;                         /* b * W0, USD per year */
    float per_specialist;                  /* m_s */
    float eta;                             /* demand elasticity */
    float wage_oversight, wage_specialist; /* w_o, w_s at t = 0 */
    float platform_cost;                   /* P, USD per year at t = 0 wages */
    float platform_staff;                  /* P / w_s: the platform team, FTE */
    float new_task_ratio;                  /* nu (world) */
    float dispersion;                      /* s (world) */
    float inv_dispersion;                  /* 1 / s */
    float mean_factor;                     /* exp(s^2 / 2): mean over median of a lognormal task cost */
    float aug_tokens;                      /* phi (world) */
    float aug_gain;                        /* theta (world) */
    float aug_people;                      /* theta / (1 + theta): FTE an assisted worker's extra output replaces */
    float aug_cost;                        /* 1 / (1 + theta): assisted workers per FTE of assisted work */
    float rollback_factor;                 /* 1 + rho (world): M after a roll-back */
    float value_share;                     /* sigma (world): share of what AI saves or adds that its price takes */
    float log_value_share;                 /* ln(sigma); 0 (unused) when sigma = 0 */
    float wage[HC_FIRM_ROLE_CAP];          /* w_r */
    /* state carried from step to step */
    float adoption[HC_FIRM_ROLE_CAP]; /* a_r,t-1 */
    float Q;                          /* demand multiplier Q_{t-1} */
    float H_start;                    /* headcount at step 0 */
    float belief;                     /* L_{t-1}: log of 1 + believed yearly price change */
    float M;                          /* M_{t-1}: oversight multiplier, 1 or 1 + rho */
    float alpha_year;                 /* alpha at the last whole year */
    float rolled_back;                /* rb at the last whole year (1 or 0) */
} hc_firm;

/* What one firm contributes to its world's sums at one step (unweighted; the sums
 * multiply by `weight`, hc_firm_accumulate). */
typedef struct {
    float H, Hcf, A, Ho, Hn, Hs,
        Hp;          /* headcount, counterfactual, automated, oversight, new tasks, specialists, platform */
    float spend;     /* compute bill, USD/yr */
    float wage_bill; /* wages paid to the people employed at t, USD/yr */
    float exposed;   /* sum_r x_r D_r,t */
    float Y, Ycf;    /* output with and without AI, USD/yr at wages */
    float demand;    /* H0 (1+g)^tau Q_{t-1}: D_r,t = s_r times it */
    float weight;    /* w_f */
    int rolled_back; /* rb_t: automated share lower than at the whole year before */
    int capped;      /* capped_t: the budget holds adoption down */
    int uses_ai;     /* u_t */
    /* per role r < n_roles (roles.csv): the summands of Hr_t and A_t */
    float role_people[HC_FIRM_ROLE_CAP];    /* D_r,t (1 - a_r,t - g_r,t theta / (1 + theta)) */
    float role_automated[HC_FIRM_ROLE_CAP]; /* a_r,t D_r,t */
} hc_firm_out;

/* The step's intermediate quantities, for `headcount trace` (hc_firm_step_detail). */
typedef struct {
    float belief;                                           /* L_t */
    float saving;                                           /* saving_t */
    float spend_tentative;                                  /* spend~_t */
    float budget;                                           /* B_t */
    float U;                                                /* unit-cost ratio U_t */
    float M;                                                /* M_{t-1}, the multiplier this step's oversight used */
    float alpha;                                            /* alpha_t */
    float people_in_roles;                                  /* Hr_t */
    float zp[HC_FIRM_ROLE_CAP], zr[HC_FIRM_ROLE_CAP];       /* cutoffs at planned and realised cost */
    float Phi_p[HC_FIRM_ROLE_CAP], Phi_r[HC_FIRM_ROLE_CAP]; /* Phi(zp), Phi(zr) */
    float Kbar[HC_FIRM_ROLE_CAP];                           /* mean realised compute cost of the tasks that pay */
    float Kaug[HC_FIRM_ROLE_CAP];                           /* assistance compute per assisted worker */
    float target[HC_FIRM_ROLE_CAP];                         /* a*_r */
    float tentative[HC_FIRM_ROLE_CAP];                      /* a~_r, before the budget check */
    float assisted[HC_FIRM_ROLE_CAP];                       /* g_r,t after the budget check */
} hc_firm_detail;

/* The first part of a firm's step: per role, the cutoffs zr and zp, the share of tasks that
 * pay at planned cost (Phi_p), the share AI does that still pays at realised cost
 * (cap_paid) and the mean cost of those tasks (Kbar); returns the yearly saving of the
 * target automation that the platform decision weighs. Called by hc_firm_step_detail
 * only (inlined: its arrays stay in the caller's registers on the GPU). */
HC_HD float hc_firm_cutoffs(const hc_model *m, const float *HC_RESTRICT Kw, const hc_firm *HC_RESTRICT f, float demand,
                            float wage_index, float capability, float oversight_cost, float plan_shift,
                            float *HC_RESTRICT Kbar, float *HC_RESTRICT Phi_p, float *HC_RESTRICT cap_paid,
                            hc_firm_detail *HC_RESTRICT detail)
{
    const int R = m->n_roles, lanes = hc_role_lanes(R);
    const float inv_s = f->inv_dispersion, s = f->dispersion, mean_factor = f->mean_factor;
    const float sigma = f->value_share, value_shift = f->log_value_share * inv_s; /* ln(sigma) / s */
    float saving = 0.0f;
    int r;
    HC_ROLE_LOOP(r, lanes)
    {
        const float K = r < R ? Kw[r] : 1.0f; /* padding: see hc_role_lanes */
        const float D = demand * m->role_share[r];
        const float W = f->wage[r] * wage_index;
        const float V = W - oversight_cost;
        const int pays = V > 0.0f;           /* else every quantity of the role is 0 */
        const float V_pos = pays ? V : 1.0f; /* keeps the logarithm finite on the dropped arm */
#if defined(HC_KW_WITH_LOG) /* the CPU engine's K row holds ln K after the capacity's K (engine_cpu_firms.h) */
        const float log_K = Kw[HC_FIRM_ROLE_CAP + r];
#else
        const float log_K = hc_logf(K);
#endif
        const float log_ratio = hc_logf(V_pos) - log_K; /* ln(V / K) */
        const float zr = log_ratio * inv_s;
        const float zp = (log_ratio - plan_shift) * inv_s;
        const float Phi_r = hc_normal_cdff(zr), Phi_pl = hc_normal_cdff(zp);
        /* K e^(s^2/2) Phi(zr - s) / Phi(zr), at most V. Where Phi(zr - s) underflows to 0
         * (zr below about -14 + s) the quotient is its limit V instead: the few tasks
         * that pay then cost nearly V, and automation is never free. The min also takes
         * the 0/0 of Phi(zr) = 0 (a NaN, which hc_min_bound turns into V). */
        const float Phi_rs = hc_normal_cdff(zr - s);
        /* With a value share sigma > 0 a task's price is max(its compute cost, sigma V):
         * the tasks below za = zr + ln(sigma)/s pay sigma V, the others their own cost,
         * (sigma V Phi(za) + K e^(s^2/2) (Phi(zr - s) - Phi(za - s))) / Phi(zr). sigma is
         * the world's, so the choice is the same in every lane (and sigma = 0 keeps the
         * formula above bit for bit). */
        const float za = zr + value_shift;
        const float Phi_a = hc_normal_cdff(za), Phi_as = hc_normal_cdff(za - s);
        const float kbar_cost = K * mean_factor * (Phi_rs / Phi_r);
        const float kbar_value = (sigma * V_pos * Phi_a + K * mean_factor * (Phi_rs - Phi_as)) / Phi_r;
        const float kbar = Phi_rs > 0.0f ? hc_min_bound(sigma > 0.0f ? kbar_value : kbar_cost, V_pos) : V_pos;
        const float exposed_cap = m->role_exposure[r] * capability; /* loaded in every lane: no masked load */
        const float cap = pays ? exposed_cap : 0.0f;
        const float pp = pays ? Phi_pl : 0.0f;
        const float kb = pays ? kbar : 0.0f;
        Kbar[r] = kb;
        Phi_p[r] = pp;
        cap_paid[r] = cap * (pays ? Phi_r : 0.0f);
        saving = hc_role_sum(saving, cap * pp * D * (V - kb), r, R);
        if (detail) {
            detail->zp[r] = pays ? zp : 0.0f;
            detail->zr[r] = pays ? zr : 0.0f;
            detail->Phi_p[r] = pp;
            detail->Phi_r[r] = pays ? Phi_r : 0.0f;
            detail->Kbar[r] = kb;
        }
    }
    return saving;
}

/* Kaug_r: what assisting one worker costs a year, the tokens it uses (phiK) but never more
 * than the output it adds (thetaW), and at least the value share sigma of that output. */
HC_HD float hc_assistance_price(float phiK, float thetaW, float sigma)
{
    const float by_tokens = phiK < thetaW ? phiK : thetaW;
    const float by_value = sigma * thetaW; /* the price takes sigma of the output added */
    return by_tokens > by_value ? by_tokens : by_value;
}

/* Firm f at step t (0..T): docs/model.md "Equations" (belief, the per-task cost cutoffs,
 * the platform decision, adoption, the budget check, headcount, output and the
 * productivity feedback, roll-back). `Kw` is the world's row for step t (n_roles floats).
 * `detail`, when not NULL, receives the intermediate quantities (trace); the backends
 * pass NULL, which the compiler folds away.
 *
 * Written for vector code (docs/performance.md "CPU"): role loops run over
 * hc_role_lanes roles, every sum over roles goes through hc_role_sum, and the step-0
 * cases and the roles whose saving V is not positive are selects rather than branches.
 * None of that changes a result: each float operation is the one the equations name. */
HC_HD void hc_firm_step_detail(const hc_model *m, const hc_world_step *ws, const float *HC_RESTRICT Kw, int t,
                               hc_firm *HC_RESTRICT f, hc_firm_out *HC_RESTRICT out, hc_firm_detail *HC_RESTRICT detail)
{
    const int R = m->n_roles, lanes = hc_role_lanes(R), S = m->steps_per_year;
    const float growth = hc_expf((float)t / (float)S * f->log_growth); /* (1+g)^tau, tau = t / S */
    const float demand = f->H0 * growth * f->Q;                        /* H0 (1+g)^tau Q_{t-1}, before the role share */
    const float wage_index = ws->wage_index, capability = ws->capability, M = f->M;
    const float oversight_cost = ws->oversight * M * f->wage_oversight * wage_index; /* O_t */
    const float budget = hc_min_bound(f->budget0 * ws->budget_index, HC_BUDGET_MAX); /* guard, above */
    /* L_t: the belief moves toward the realised yearly log change pi_t */
    const float belief = t > 0 ? f->belief + f->step_learn * (ws->price_trend - f->belief) : f->belief;
    const float plan_shift = f->horizon * belief; /* ln(planned cost / realised cost) = h L_t */
    /* read once: loads inside the loops below, next to stores into f, would stay there */
    const float step_adopt = f->step_adopt, phi = f->aug_tokens, theta = f->aug_gain, value_share = f->value_share;
    const float aug_cost = f->aug_cost, aug_people = f->aug_people;
    float Kbar[HC_FIRM_ROLE_CAP], Phi_p[HC_FIRM_ROLE_CAP], cap_paid[HC_FIRM_ROLE_CAP];
    float assisted[HC_FIRM_ROLE_CAP], Kaug[HC_FIRM_ROLE_CAP];
    float spend_tentative = 0.0f, scale, spend = 0.0f, A = 0.0f, Hr = 0.0f;
    float wages_kept = 0.0f, wages_all = 0.0f, exposed = 0.0f, alpha = 0.0f, unit_wages = 0.0f;
    int r;
    const float saving = hc_firm_cutoffs(m, Kw, f, demand, wage_index, capability, oversight_cost, plan_shift, Kbar,
                                         Phi_p, cap_paid, detail);
    /* Platform decision: the saving of target automation covers the platform team. */
    const float u = saving >= f->platform_cost * wage_index ? 1.0f : 0.0f;
    HC_ROLE_LOOP(r, lanes)
    {
        const float K = r < R ? Kw[r] : 1.0f;
        const float D = demand * m->role_share[r];
        const float W = f->wage[r] * wage_index;
        const float exposed_cap = m->role_exposure[r] * capability;
        const float cap = (W - oversight_cost > 0.0f) ? exposed_cap : 0.0f;
        const float target = u * cap * Phi_p[r];
        const float a_prev = f->adoption[r];
        /* a^_r: step 0 keeps the starting adoption (a select, not a branch) */
        const float a_hat = t > 0 ? a_prev + step_adopt * (target - a_prev) : a_prev;
        const float a = hc_min_bound(a_hat, cap_paid[r]); /* a~_r: what no longer pays is dropped */
        const float g = u * (cap - a);                    /* g~_r */
        const float kaug = hc_assistance_price(phi * K, theta * W, value_share);
        f->adoption[r] = a;
        assisted[r] = g;
        Kaug[r] = kaug;
        spend_tentative = hc_role_sum(spend_tentative, D * (a * Kbar[r] + g * kaug * aug_cost), r, R);
        if (detail) {
            detail->target[r] = target;
            detail->tentative[r] = a;
            detail->Kaug[r] = kaug;
        }
    }
    /* Budget check: a tentative bill over budget scales adoption and assistance back. */
    scale = (spend_tentative > budget) ? budget / spend_tentative : 1.0f;
    out->capped = spend_tentative > budget;
    HC_ROLE_LOOP(r, lanes)
    {
        const float D = demand * m->role_share[r];
        const float W = f->wage[r] * wage_index;
        const float a = f->adoption[r] * scale;
        const float g = assisted[r] * scale;
        const float kept = 1.0f - a - g * aug_people; /* share of the role's work people still do, in FTE */
        f->adoption[r] = a;
        spend = hc_role_sum(spend, D * (a * Kbar[r] + g * Kaug[r] * aug_cost), r, R);
        A = hc_role_sum(A, a * D, r, R);
        Hr = hc_role_sum(Hr, D * kept, r, R);
        out->role_people[r] = D * kept;
        out->role_automated[r] = a * D;
        wages_kept = hc_role_sum(wages_kept, D * W * kept, r, R);
        wages_all = hc_role_sum(wages_all, D * W, r, R);
        unit_wages = hc_role_sum(unit_wages, m->role_share[r] * W, r, R);
        exposed = hc_role_sum(exposed, m->role_exposure[r] * D, r, R);
        alpha = hc_role_sum(alpha, m->role_share[r] * a, r, R);
        if (detail) detail->assisted[r] = g;
    }
    out->A = A;
    out->Ho = ws->oversight * M * A;
    out->Hn = f->new_task_ratio * A;
    out->Hs = spend / f->per_specialist;
    out->Hp = u * f->platform_staff;
    out->H = Hr + out->Ho + out->Hn + out->Hs + out->Hp;
    out->Hcf = f->H0 * growth;
    out->demand = demand;
    out->spend = spend;
    out->wage_bill = wages_kept + (out->Ho + out->Hn) * f->wage_oversight * wage_index +
                     (out->Hs + out->Hp) * f->wage_specialist * wage_index;
    out->exposed = exposed;
    out->Y = wages_all + out->Hn * f->wage_oversight * wage_index;
    out->Ycf = out->Hcf * unit_wages;
    out->weight = f->weight;
    out->uses_ai = u > 0.0f;
    {
        /* U_t: unit cost with AI over unit cost without it; Q_t = U_t^-eta (guarded, above).
         * Step 0 sets H_start and keeps Q = 1 (selects, not branches, as above). */
        const float U = hc_min_bound(hc_max_bound((out->wage_bill + spend) / out->Y, FLT_MIN), FLT_MAX);
        const float Q = hc_min_bound(hc_max_bound(hc_expf(-f->eta * hc_logf(U)), HC_Q_MIN), HC_Q_MAX);
        /* Roll-back at whole years: the automated share against a year earlier. The
         * whole-year test is the same for every firm (t and S are the step's). */
        const int whole_year = t % S == 0;
        /* 1 at a whole year after the first, else 0: as a float, because gcc vectorises
         * no select on a combination of two step-level conditions; rb is then exact
         * arithmetic on 0s and 1s */
        const float at_year = whole_year ? 1.0f : 0.0f;
        const float judged = at_year * (t > 0 ? 1.0f : 0.0f);
        const float fell = alpha < f->alpha_year ? 1.0f : 0.0f;
        const float rb = judged * fell + (1.0f - at_year) * f->rolled_back;
        if (detail) {
            detail->belief = belief;
            detail->saving = saving;
            detail->spend_tentative = spend_tentative;
            detail->budget = budget;
            detail->U = U;
            detail->M = M;
            detail->alpha = alpha;
            detail->people_in_roles = Hr;
        }
        f->H_start = t == 0 ? out->H : f->H_start;
        f->Q = t == 0 ? f->Q : Q;
        f->belief = belief;
        f->alpha_year = whole_year ? alpha : f->alpha_year;
        f->rolled_back = rb;
        f->M = rb > 0.0f ? f->rollback_factor : M; /* from the next step on */
        out->rolled_back = rb > 0.0f;
    }
}

/* What one firm-step computes, counted from hc_firm_cutoffs and hc_firm_step_detail as
 * written, per role lane (hc_role_lanes: 8 at 7 roles) and per firm (with the engine's
 * hc_firm_change_pct and shrinking test): the op-count bound of docs/performance.md "CPU".
 * bench/cpu_bench.c multiplies each count by this machine's measured cost of the operation
 * per instruction set. "op" is any other float operation: + - *, a compare or a select (1
 * each), a min or max (2 each); a product written twice (K e^(s^2/2) in Kbar) counts once,
 * hc_role_sum counts its add (its select on r < n_roles is the same in every firm lane),
 * and loads, stores, the block's copies and the world sums in double are not counted.
 * za = zr + ln(sigma)/s is the value share's cutoff; both Kbar quotients are computed in
 * every lane and one is selected. Recount whenever the step changes.
 * X(name, per role lane, per firm) */
#define HC_STEP_OPS(X) \
    X(phi, 5, 0)  /* Phi(zr), Phi(zp), Phi(zr - s), Phi(za), Phi(za - s) (an exp, a division, ~30 ops each) */ \
    X(log, 1, 1)  /* ln V; ln U (ln K: once per world and step, src/engines/engine_cpu_firms.h) */ \
    X(exp, 0, 2)  /* (1+g)^tau; Q = U^-eta */ \
    X(div, 2, 4)  /* Kbar by cost, by value (each / Phi(zr)); budget / bill, bill / m_s, U, H / H at step 0 */ \
    X(op, 92, 69) /* per lane: cutoffs 35, adoption and tentative bill 29, budget scale and sums 28; ln(sigma)/s */

HC_HD void hc_firm_step(const hc_model *m, const hc_world_step *ws, const float *HC_RESTRICT Kw, int t,
                        hc_firm *HC_RESTRICT f, hc_firm_out *HC_RESTRICT out)
{
    hc_firm_step_detail(m, ws, Kw, t, f, out, (hc_firm_detail *)0);
}

/* ---- world sums: what a backend keeps per world and step (double, firm order) */

typedef enum {
    HC_SUM_H = 0,
    HC_SUM_HCF,
    HC_SUM_A,
    HC_SUM_HO,
    HC_SUM_HN,
    HC_SUM_HS,
    HC_SUM_SPEND,
    HC_SUM_WAGE_BILL,
    HC_SUM_EXPOSED,
    HC_SUM_ROLLED_BACK,
    HC_SUM_HP,
    HC_SUM_CAPPED,
    HC_SUM_USES_AI,
    HC_SUM_USES_AI_H,
    HC_SUM_Y,
    HC_SUM_YCF,
    HC_SUM_WEIGHT,
    HC_SUM_DEMAND, /* sum_f w_f H0 (1+g)^tau Q_{t-1}: role r's demand is s_r times it */
    HC_N_SUMS
} hc_sum_id;

/* The firm's term of world sum k (hc_sum_id): w_f x for the quantity x the sum adds up, in
 * double, so that the weight costs the float step nothing and every backend adds the same
 * products. A switch on a k that callers know at compile time (unrolled loops), so that
 * it folds to one product. A flag (rolled_back, capped, uses_ai: 0 or 1) multiplies: w or
 * a zero, which leaves any sum as it is, so for finite w and H the same sums as a select;
 * but a product gcc vectorises in every instruction set (a select of doubles on an int
 * kept the CPU engine's SSE2 loop scalar). */
HC_HD double hc_sum_term(const hc_firm_out *o, int k)
{
    const double w = (double)o->weight;
    switch (k) {
    case HC_SUM_H:
        return w * (double)o->H;
    case HC_SUM_HCF:
        return w * (double)o->Hcf;
    case HC_SUM_A:
        return w * (double)o->A;
    case HC_SUM_HO:
        return w * (double)o->Ho;
    case HC_SUM_HN:
        return w * (double)o->Hn;
    case HC_SUM_HS:
        return w * (double)o->Hs;
    case HC_SUM_SPEND:
        return w * (double)o->spend;
    case HC_SUM_WAGE_BILL:
        return w * (double)o->wage_bill;
    case HC_SUM_EXPOSED:
        return w * (double)o->exposed;
    case HC_SUM_ROLLED_BACK:
        return w * (double)o->rolled_back;
    case HC_SUM_HP:
        return w * (double)o->Hp;
    case HC_SUM_CAPPED:
        return w * (double)o->capped;
    case HC_SUM_USES_AI:
        return w * (double)o->uses_ai;
    case HC_SUM_USES_AI_H:
        return w * (double)o->H * (double)o->uses_ai;
    case HC_SUM_Y:
        return w * (double)o->Y;
    case HC_SUM_YCF:
        return w * (double)o->Ycf;
    case HC_SUM_WEIGHT:
        return w;
    case HC_SUM_DEMAND:
        return w * (double)o->demand;
    default:
        return 0.0;
    }
}

/* sums[k] += the firm's term of each world sum k. */
HC_HD void hc_firm_accumulate(double *HC_RESTRICT sums, const hc_firm_out *o)
{
    int k;
    HC_UNROLL
    for (k = 0; k < HC_N_SUMS; k++) sums[k] += hc_sum_term(o, k);
}

/* Per-role sums (roles.csv), after a world's HC_N_SUMS sums in each step's row: role r's
 * sum k at [HC_N_SUMS + r * HC_N_ROLE_SUMS + k]. A row holds as many roles as the run's
 * scenario with the most; a scenario with fewer leaves the rest 0. */
typedef enum { HC_RSUM_PEOPLE = 0, HC_RSUM_AUTOMATED, HC_N_ROLE_SUMS } hc_role_sum_id;

/* Doubles in one step's row of a world's sums, for n_roles roles. */
HC_HD int hc_sums_width(int n_roles)
{
    return HC_N_SUMS + HC_N_ROLE_SUMS * n_roles;
}

/* The firm's term w_f x of role r's sum `kind` (hc_role_sum_id). The GPU's block sums
 * take the terms in their own order, with `kind` a constant: a select between the two
 * arrays on a value known only at run time would move them out of registers. */
HC_HD double hc_role_term(const hc_firm_out *o, int r, int kind)
{
    const float x = kind == HC_RSUM_PEOPLE ? o->role_people[r] : o->role_automated[r];
    return (double)o->weight * (double)x;
}

/* role_sums[r * HC_N_ROLE_SUMS + kind] += the firm's terms, roles 0 .. n_roles - 1, as
 * hc_firm_accumulate does for the world's sums: each backend adds firms in its own fixed
 * order. */
HC_HD void hc_firm_accumulate_roles(double *HC_RESTRICT role_sums, const hc_firm_out *o, int n_roles)
{
    int r;
    for (r = 0; r < n_roles; r++) {
        role_sums[r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE] += hc_role_term(o, r, HC_RSUM_PEOPLE);
        role_sums[r * HC_N_ROLE_SUMS + HC_RSUM_AUTOMATED] += hc_role_term(o, r, HC_RSUM_AUTOMATED);
    }
}

/* Firm-level outcome: 100 (H_t / H at step 0 - 1). */
HC_HD float hc_firm_change_pct(const hc_firm *f, float H)
{
    return 100.0f * (H / f->H_start - 1.0f);
}

#include "hc_metrics.h"
#include "hc_firm_sample.h"

#endif
