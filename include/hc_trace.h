/* hc_trace.h: replaying one firm of one world step by step (host only), for
 * `headcount trace` (src/cmd_trace.c) and `run --trace-percentiles`.
 *
 * Every draw is addressed by (seed, world, firm, input, step) (docs/model.md "Randomness:
 * counter layout"), so one firm can be replayed alone, exactly, by calling the model's
 * own functions (hc_world_sample, hc_world_path, hc_firm_sample, hc_firm_step) in the
 * order a backend does. Nothing here recomputes a model equation: what the step does not
 * return is read from the firm's state before and after it, or from the step's own
 * intermediate values (hc_firm_step_detail, the function the backends call with no
 * detail).
 * tests/unit_trace.c checks the replay against a full run, bit for bit. */
#ifndef HC_TRACE_H
#define HC_TRACE_H

#include <stdio.h>
#include "hc_config.h"
#include "hc_engine.h"
#include "hc_model.h"

/* One role of the traced firm at one step. */
typedef struct {
    float compute_cost;       /* K_r,t: realised compute cost of one automated FTE, USD/yr */
    float demand;             /* D_r,t: labour demand, FTE */
    float adoption_prev;      /* a_r,t-1 (adoption_start at t = 0) */
    float adoption_tentative; /* a~_r,t, before the budget check */
    float adoption;           /* a_r,t, after it */
    float zp, zr;             /* cost cutoffs at planned and realised cost */
    float Phi_p, Phi_r;       /* Phi(zp), Phi(zr): shares of tasks that pay */
    float Kbar;               /* mean realised compute cost of the tasks that pay, USD/yr per FTE */
    float Kaug;               /* assistance compute per assisted worker, USD/yr */
    float target;             /* a*_r */
    float assisted;           /* g_r,t, after the budget check */
} hc_trace_role;

/* The traced firm at one step. */
typedef struct {
    hc_world_step world;   /* the world's macro path at t */
    float budget;          /* B_t, USD/yr */
    float spend_tentative; /* spend~_t: the bill at the tentative adoption, USD/yr */
    float people_in_roles; /* Hr_t, FTE */
    float Q;               /* Q_t after the step (Q_0 = 1) */
    float U;               /* unit cost with AI over without, U_t */
    float belief;          /* L_t: log of 1 + believed yearly price change */
    float saving;          /* saving_t of target automation, USD/yr */
    float M;               /* oversight multiplier this step used (M_{t-1}) */
    float alpha;           /* alpha_t: automated share of the firm's work */
    float change_pct;      /* 100 (H_t / H at step 0 - 1) */
    hc_firm_out out;       /* H, Hcf, A, Ho, Hn, Hs, Hp, spend, wage bill, exposed, Y, Ycf, flags */
} hc_trace_step;

typedef struct {
    uint32_t world, firm;
    int n_steps;                        /* T: steps 0..T */
    int n_roles;
    hc_world_inputs world_inputs;       /* as drawn, double */
    double firm_inputs[HC_N_SCALAR_INPUTS]; /* as drawn; the firm-level ids are set */
    float weight;                       /* w_f */
    double role_wage[HC_MAX_ROLES];     /* w_r as drawn */
    hc_trace_step *steps;               /* [0..T] */
    hc_trace_role *roles;               /* [t * n_roles + r] */
} hc_trace;

static inline const hc_trace_role *hc_trace_role_at(const hc_trace *tr, int t, int r)
{
    return tr->roles + (size_t)t * (size_t)tr->n_roles + (size_t)r;
}

/* Replays firm `firm` of world `world` of the scenario cfg. Returns 0, or 1 with err
 * filled (out of memory). hc_trace_free releases it. */
int hc_trace_firm(const hc_config *cfg, uint32_t world, uint32_t firm, hc_trace *tr, hc_error *err);
void hc_trace_free(hc_trace *tr);

/* The trace for people: inputs, then one block per step (stdout of `headcount trace`). */
void hc_trace_print(FILE *out, const hc_config *cfg, const hc_trace *tr);

/* The trace as CSV rows `scenario,world,firm,step,year,quantity,role,value` (one value
 * per row; inputs have an empty step and year, values that are not per role an empty
 * role). Each value is the shortest decimal that reads back as a double to exactly the
 * value computed (a float's value needs up to 17 digits). HC_TRACE_CSV_HEADER is the
 * header line. */
#define HC_TRACE_CSV_HEADER "scenario,world,firm,step,year,quantity,role,value\n"
void hc_trace_write_csv(FILE *out, const hc_config *cfg, const hc_trace *tr);

/* ---- the firms at chosen percentiles of the horizon outcome (run --trace-percentiles) */

#define HC_TRACE_MAX_PERCENTILES 16

typedef struct {
    int scenario;
    double percentile;
    int64_t world; /* the world's id (world_begin + index in the results) */
    int64_t firm;
    float change_pct; /* the firm's change in headcount at the horizon, % */
} hc_traced_firm;

/* "5,50,95" -> percentiles in [0, 100]; 0 on success, else err names what was wrong. */
int hc_trace_parse_percentiles(const char *s, double *p, int *np, hc_error *err);

/* For scenario s, the firm at each percentile p[i] of the firm-level change at the horizon
 * (hc_results.firm_change, last year): the order statistic of rank round((N-1) p / 100)
 * among the N firms, ties broken by world then firm. Returns 0, or 1 (out of memory). */
int hc_trace_pick(const hc_results *r, int s, const double *p, int np, hc_traced_firm *out, hc_error *err);

/* Writes DIR/traced_firms.csv (scenario, percentile, world, firm, change_pct and the
 * `headcount trace` command that replays the firm with the run's own overrides) and
 * DIR/traces.csv (their traces, rows as hc_trace_write_csv). Returns 0, or 1 with err. */
#define HC_TRACED_FIRMS_FILE "traced_firms.csv"
#define HC_TRACES_FILE "traces.csv"
int hc_write_traced_firms(const char *dir, const hc_results *r, const hc_config *cfg, int n_cfg,
                          const double *p, int np, const hc_override *ov, int n_ov, hc_error *err);

#endif
