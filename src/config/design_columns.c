/* design_columns.c: the design's columns (include/hc_design_columns.h): which
 * distribution a column is, whether it varies, and the correlation matrix the config's
 * `correlations` ask for, with its smallest eigenvalue. Reads an hc_config and calls
 * nothing above libm, so both the config loader and the design can call it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hc_design_columns.h"

const hc_dist *hc_design_col_dist(const hc_config *cfg, int c)
{
    return c < HC_N_WORLD_INPUTS ? &cfg->model.input[hc_world_input_id(c)]
                                 : &cfg->model.role_tokens[c - HC_N_WORLD_INPUTS];
}

int hc_design_col_varies(const hc_config *cfg, int c)
{
    if (c >= HC_N_WORLD_INPUTS && c - HC_N_WORLD_INPUTS >= cfg->model.n_roles) return 0;
    return hc_dist_varies(hc_design_col_dist(cfg, c));
}

int hc_dist_varies(const hc_dist *d)
{
    if (d->kind == HC_DIST_CONSTANT) return 0;
    if (d->kind == HC_DIST_DISCRETE && d->n_values <= 1) return 0;
    if (d->has_clip && d->clip_lo == d->clip_hi) return 0;
    return 1;
}

double hc_design_min_eigenvalue(const double *a_in, int m)
{
    double *a = (double *)malloc(sizeof(double) * (size_t)m * (size_t)m), least;
    int sweep, p, q, i;
    if (!a) return -INFINITY; /* cannot tell: treated as not semi-definite */
    memcpy(a, a_in, sizeof(double) * (size_t)m * (size_t)m);
    for (sweep = 0; sweep < 100; sweep++) { /* cyclic Jacobi rotations */
        double off = 0.0;
        for (p = 0; p < m; p++)
            for (q = p + 1; q < m; q++) off += a[p * m + q] * a[p * m + q];
        if (off < 1e-30) break;
        for (p = 0; p < m; p++)
            for (q = p + 1; q < m; q++) {
                const double apq = a[p * m + q];
                double theta, t, c, s;
                if (fabs(apq) < 1e-300) continue;
                theta = (a[q * m + q] - a[p * m + p]) / (2.0 * apq);
                t = (theta >= 0.0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                c = 1.0 / sqrt(t * t + 1.0);
                s = t * c;
                for (i = 0; i < m; i++) { /* columns p, q */
                    const double aip = a[i * m + p], aiq = a[i * m + q];
                    a[i * m + p] = c * aip - s * aiq;
                    a[i * m + q] = s * aip + c * aiq;
                }
                for (i = 0; i < m; i++) { /* rows p, q */
                    const double api = a[p * m + i], aqi = a[q * m + i];
                    a[p * m + i] = c * api - s * aqi;
                    a[q * m + i] = s * api + c * aqi;
                }
            }
    }
    least = a[0];
    for (i = 1; i < m; i++) least = fmin(least, a[i * m + i]);
    free(a);
    return least;
}

void hc_design_correlation_matrix(const hc_config *cfg, int *cols, int *m, double *c)
{
    int used[HC_DESIGN_MAX_COLS], index[HC_DESIGN_MAX_COLS], i, k;
    memset(used, 0, sizeof(used));
    for (k = 0; k < cfg->n_correlations; k++) used[cfg->correlations[k].a] = used[cfg->correlations[k].b] = 1;
    *m = 0;
    for (i = 0; i < HC_DESIGN_MAX_COLS; i++)
        if (used[i]) {
            index[i] = *m;
            cols[(*m)++] = i;
        }
    for (i = 0; i < *m * *m; i++) c[i] = 0.0;
    for (i = 0; i < *m; i++) c[i * *m + i] = 1.0;
    for (k = 0; k < cfg->n_correlations; k++) {
        const int a = index[cfg->correlations[k].a], b = index[cfg->correlations[k].b];
        c[a * *m + b] = c[b * *m + a] = cfg->correlations[k].rank;
    }
}
