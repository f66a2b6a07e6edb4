/* hc_design_columns.h: the columns of a world-input design (host only; src/config/design_columns.c).
 *
 * Below both the config loader and the design (include/hc_design.h): the loader checks
 * a config's `correlations` with these (a column must vary, the pairs must form a
 * positive semi-definite matrix), and the design builds its table over the same columns.
 * Needs only the hc_config type. */
#ifndef HC_DESIGN_COLUMNS_H
#define HC_DESIGN_COLUMNS_H

#include "hc_config.h"

/* A design's columns: the world-level scalar inputs (hc_input_id 0 .. HC_N_WORLD_INPUTS -
 * 1), then roles[r].tokens_per_fte_year at HC_DESIGN_COL_TOKENS(r). */
#define HC_DESIGN_MAX_COLS (HC_N_WORLD_INPUTS + HC_MAX_ROLES)
#define HC_DESIGN_COL_TOKENS(r) (HC_N_WORLD_INPUTS + (r))

/* Column c's distribution in cfg, and whether it varies (not a constant). */
const hc_dist *hc_design_col_dist(const hc_config *cfg, int c);
int hc_design_col_varies(const hc_config *cfg, int c);
/* Whether draws of d can differ (not a constant, a one-value discrete or a closed clip). */
int hc_dist_varies(const hc_dist *d);

/* The smallest eigenvalue of the symmetric m x m matrix a (row-major), by Jacobi
 * rotations; a is not changed. */
double hc_design_min_eigenvalue(const double *a, int m);
/* The rank-correlation matrix of cfg's `correlations` over the columns it names: cols[0 ..
 * *m) (increasing), c (m x m, 1 on the diagonal, 0 where no pair is given). */
void hc_design_correlation_matrix(const hc_config *cfg, int *cols, int *m, double *c);

#endif
