/* hc_inputs.h: the model's scalar inputs by id (docs/model.md's id table) and which are
 * drawn per world or per firm; included by hc_model.h. The id is part of each draw's
 * random counter, so this table only grows. */
#ifndef HC_INPUTS_H
#define HC_INPUTS_H

#include "hc_defs.h"

/* Scalar inputs, in docs/model.md's id table ("Implementation notes"). The id is part of
 * the random counter (HC_STREAM_SCALAR_INPUT + id): never renumber, only append. World
 * and firm inputs are not two contiguous ranges: hc_input_level says which is which. */
typedef enum {
    HC_IN_PRICE_PER_MTOK = 0,    /* p0  inference.price_per_mtok (world) */
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
    HC_IN_HEADCOUNT,             /* H0  firms.headcount (firm) */
    HC_IN_DEMAND_GROWTH,         /* g    firms.demand_growth */
    HC_IN_ADOPTION_SPEED,        /* lam  firms.adoption_speed */
    HC_IN_EXPECTED_PRICE_CHANGE, /* dh0  firms.expected_price_change */
    HC_IN_PLANNING_HORIZON,      /* h    firms.planning_horizon */
    HC_IN_RETIRED_20,            /* v1's firms.cost_sensitivity: reserved, never drawn */
    HC_IN_BUDGET_SHARE,          /* b    compute.budget_share */
    HC_IN_PER_SPECIALIST,        /* m_s  compute.per_specialist */
    HC_IN_DEMAND_ELASTICITY,     /* eta  firms.demand_elasticity */
    HC_IN_WAGE_OVERSIGHT,        /* w_o  wages.oversight */
    HC_IN_WAGE_SPECIALIST,       /* w_s  wages.specialist */
    HC_IN_TASK_COST_DISPERSION,  /* s     inference.task_cost_dispersion (world) */
    HC_IN_AUGMENTATION_TOKENS,   /* phi   labor.augmentation_tokens (world) */
    HC_IN_AUGMENTATION_GAIN,     /* theta labor.augmentation_gain (world) */
    HC_IN_ROLLBACK_OVERSIGHT,    /* rho   labor.rollback_oversight (world) */
    HC_IN_BELIEF_LEARNING_RATE,  /* kappa firms.belief_learning_rate (firm) */
    HC_IN_PLATFORM_COST,         /* P     compute.platform_cost (firm) */
    HC_IN_VALUE_SHARE,           /* sigma compute.value_share (world) */
    HC_N_SCALAR_INPUTS
} hc_input_id;

/* The per-id level table, as bit masks (bit id) so that device code reads it without a
 * table in memory. Retired ids are in neither mask: never drawn, never read. */
typedef enum { HC_LEVEL_WORLD = 0, HC_LEVEL_FIRM, HC_LEVEL_RETIRED } hc_input_level_id;
#define HC_BIT(id) (1ull << (id))
#define HC_RETIRED_INPUTS HC_BIT(HC_IN_RETIRED_20)
#define HC_FIRM_INPUTS \
    (HC_BIT(HC_IN_HEADCOUNT) | HC_BIT(HC_IN_DEMAND_GROWTH) | HC_BIT(HC_IN_ADOPTION_SPEED) | \
     HC_BIT(HC_IN_EXPECTED_PRICE_CHANGE) | HC_BIT(HC_IN_PLANNING_HORIZON) | HC_BIT(HC_IN_BUDGET_SHARE) | \
     HC_BIT(HC_IN_PER_SPECIALIST) | HC_BIT(HC_IN_DEMAND_ELASTICITY) | HC_BIT(HC_IN_WAGE_OVERSIGHT) | \
     HC_BIT(HC_IN_WAGE_SPECIALIST) | HC_BIT(HC_IN_BELIEF_LEARNING_RATE) | HC_BIT(HC_IN_PLATFORM_COST))
#define HC_WORLD_INPUTS (((1ull << HC_N_SCALAR_INPUTS) - 1ull) & ~(HC_FIRM_INPUTS | HC_RETIRED_INPUTS))
/* How many world-level inputs there are (a design's first columns; checked against the
 * masks in src/config/). */
#define HC_N_WORLD_INPUTS 20

HC_HD int hc_input_level(int id)
{
    return (HC_FIRM_INPUTS >> id) & 1ull      ? HC_LEVEL_FIRM
           : (HC_RETIRED_INPUTS >> id) & 1ull ? HC_LEVEL_RETIRED
                                              : HC_LEVEL_WORLD;
}

/* The id of the c-th world-level input in ascending id order (c < HC_N_WORLD_INPUTS): a
 * world-input design's column c (include/hc_design.h). */
HC_HD int hc_world_input_id(int c)
{
    int id;
    for (id = 0; id < HC_N_SCALAR_INPUTS; id++)
        if (hc_input_level(id) == HC_LEVEL_WORLD && c-- == 0) return id;
    return -1;
}

#endif
