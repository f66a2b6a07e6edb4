/* hc_metrics.h: the output metrics of docs/model.md "Outputs", from a world's weighted
 * sums (hc_sum_id, hc_model.h); written once for the CPU backend, the CUDA kernels and the
 * analysis. Included by hc_model.h, after the sums it reads. */
#ifndef HC_METRICS_H
#define HC_METRICS_H

/* ---- metrics: docs/model.md "Outputs", from a world's sums */

typedef enum {
    HC_M_EMPLOYMENT_CHANGE = 0,
    HC_M_AI_EFFECT,
    HC_M_NET_JOBS,
    HC_M_AI_NET_JOBS,
    HC_M_DISPLACED,
    HC_M_OVERSIGHT,
    HC_M_NEW_TASKS,
    HC_M_SPECIALISTS,
    HC_M_COMPUTE_SHARE,
    HC_M_ROLLED_BACK,
    HC_M_AUTOMATED_EXPOSED,
    /* model 2 */
    HC_M_PLATFORM,
    HC_M_BUDGET_CAPPED,
    HC_M_ADOPTION,
    HC_M_ADOPTION_FIRMS,
    HC_M_OUTPUT_PER_WORKER,
    HC_N_METRICS
} hc_metric_id;

/* sums_t: this step's sums; sums_0: step 0's; employment: population.employment. */
HC_HD void hc_metrics(const double *sums_t, const double *sums_0, double employment, double *metric)
{
    const double hcf = sums_t[HC_SUM_HCF], firms = sums_t[HC_SUM_WEIGHT];
    metric[HC_M_EMPLOYMENT_CHANGE] = 100.0 * (sums_t[HC_SUM_H] / sums_0[HC_SUM_H] - 1.0);
    metric[HC_M_AI_EFFECT] = 100.0 * (sums_t[HC_SUM_H] / hcf - 1.0);
    metric[HC_M_NET_JOBS] = metric[HC_M_EMPLOYMENT_CHANGE] / 100.0 * employment;
    metric[HC_M_AI_NET_JOBS] = metric[HC_M_AI_EFFECT] / 100.0 * employment;
    metric[HC_M_DISPLACED] = 100.0 * sums_t[HC_SUM_A] / hcf;
    metric[HC_M_OVERSIGHT] = 100.0 * sums_t[HC_SUM_HO] / hcf;
    metric[HC_M_NEW_TASKS] = 100.0 * sums_t[HC_SUM_HN] / hcf;
    metric[HC_M_SPECIALISTS] = 100.0 * sums_t[HC_SUM_HS] / hcf;
    metric[HC_M_COMPUTE_SHARE] = sums_t[HC_SUM_WAGE_BILL] > 0.0
                                     ? 100.0 * sums_t[HC_SUM_SPEND] / sums_t[HC_SUM_WAGE_BILL]
                                     : 0.0;
    metric[HC_M_ROLLED_BACK] = 100.0 * sums_t[HC_SUM_ROLLED_BACK] / firms;
    /* No exposed work at all (every x_r = 0): nothing can be automated, report 0. */
    metric[HC_M_AUTOMATED_EXPOSED] = sums_t[HC_SUM_EXPOSED] > 0.0 ? 100.0 * sums_t[HC_SUM_A] / sums_t[HC_SUM_EXPOSED]
                                                                  : 0.0;
    metric[HC_M_PLATFORM] = 100.0 * sums_t[HC_SUM_HP] / hcf;
    metric[HC_M_BUDGET_CAPPED] = 100.0 * sums_t[HC_SUM_CAPPED] / firms;
    metric[HC_M_ADOPTION] = sums_t[HC_SUM_H] > 0.0 ? 100.0 * sums_t[HC_SUM_USES_AI_H] / sums_t[HC_SUM_H] : 0.0;
    metric[HC_M_ADOPTION_FIRMS] = 100.0 * sums_t[HC_SUM_USES_AI] / firms;
    metric[HC_M_OUTPUT_PER_WORKER] = 100.0 * ((sums_t[HC_SUM_Y] / sums_t[HC_SUM_H]) / (sums_t[HC_SUM_YCF] / hcf) - 1.0);
}

/* ---- role metrics: docs/model.md "Outputs" (roles.csv), from a world's whole rows */

typedef enum {
    HC_RM_EMPLOYMENT_CHANGE = 0,
    HC_RM_AI_EFFECT,
    HC_RM_AUTOMATED_SHARE,
    HC_N_ROLE_METRICS
} hc_role_metric_id;

/* Role r's metrics; sums_t and sums_0 are rows of hc_sums_width doubles (the role sums
 * after the world's), share is s_r. A role nobody works in (a share of 0) reports 0. */
HC_HD void hc_role_metrics(const double *sums_t, const double *sums_0, int r, double share, double *metric)
{
    const double people = sums_t[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE];
    const double people_0 = sums_0[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_PEOPLE];
    const double counterfactual = share * sums_t[HC_SUM_HCF]; /* sum_f w_f H0 s_r (1+g)^tau */
    const double demand = share * sums_t[HC_SUM_DEMAND];      /* sum_f w_f D_r,t */
    metric[HC_RM_EMPLOYMENT_CHANGE] = people_0 > 0.0 ? 100.0 * (people / people_0 - 1.0) : 0.0;
    metric[HC_RM_AI_EFFECT] = counterfactual > 0.0 ? 100.0 * (people / counterfactual - 1.0) : 0.0;
    metric[HC_RM_AUTOMATED_SHARE] = demand > 0.0
                                        ? 100.0 * sums_t[HC_N_SUMS + r * HC_N_ROLE_SUMS + HC_RSUM_AUTOMATED] / demand
                                        : 0.0;
}

#endif
