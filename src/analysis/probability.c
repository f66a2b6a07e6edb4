/* probability.c: how sure: the share of worlds in which employment falls, AI lowers or
 * raises employment, or either falls below the user's thresholds at the horizon, with binomial
 * standard errors (hc_bands.h hc_probs), and what the report says when the worlds are not
 * plain draws (hc_bands_set_design). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_bands.h"
#include "hc_design.h"

static const int prob_metrics[HC_PROB_METRICS] = {HC_M_EMPLOYMENT_CHANGE, HC_M_AI_EFFECT};

hc_share hc_share_of(const double *values, int64_t n, double threshold, int above)
{
    hc_share sh = {0.0, 0.0, 0};
    int64_t i, k = 0;
    if (n <= 0) return sh;
    sh.n = n;
    for (i = 0; i < n; i++) k += above ? values[i] > threshold : values[i] < threshold;
    sh.p = (double)k / (double)n;
    sh.mcse = sqrt(sh.p * (1.0 - sh.p) / (double)n);
    return sh;
}

int hc_parse_thresholds(const char *s, double *thresholds, int *n, hc_error *err)
{
    const char *p = s;
    *n = 0;
    if (!s || !*s)
        return hc_fail(err, "--threshold: expected numbers in percent, comma-separated, such as -5,-2, "
                            "got \"\"");
    for (;;) {
        char *end;
        double v;
        int i;
        if (*p == ',' || *p == '\0' || *p == ' ')
            return hc_fail(err, "--threshold: expected numbers in percent, comma-separated, such as -5,-2, got \"%s\"",
                           s);
        v = strtod(p, &end);
        if (end == p || (*end != ',' && *end != '\0') || !isfinite(v) || fabs(v) > 1e6)
            return hc_fail(err, "--threshold: expected numbers in percent, comma-separated, such as -5,-2, got \"%s\"",
                           s);
        for (i = 0; i < *n; i++)
            if (thresholds[i] == v) return hc_fail(err, "--threshold: %g is given twice", v);
        if (*n >= HC_MAX_THRESHOLDS)
            return hc_fail(err, "--threshold: at most %d thresholds, got more in \"%s\"", HC_MAX_THRESHOLDS, s);
        thresholds[(*n)++] = v;
        if (*end == '\0') return 0;
        p = end + 1;
    }
}

void hc_event_label(const hc_event *e, char *buf, size_t len)
{
    const char *name = hc_metric_infos[e->metric].name;
    if (e->above)
        snprintf(buf, len, "AI raises employment (%s > %g)", name, e->threshold);
    else if (e->threshold == 0.0)
        snprintf(buf, len, "%s (%s < 0)",
                 e->metric == HC_M_EMPLOYMENT_CHANGE ? "Employment falls" : "AI lowers employment", name);
    else
        snprintf(buf, len, "%s < %g", name, e->threshold);
}

int hc_bands_probabilities(hc_bands *b, const hc_results *r, const hc_config *cfg, const double *thresholds, int n,
                           hc_error *err)
{
    hc_probs *pr = &b->probs;
    double *values = (double *)malloc((size_t)(r->worlds > 0 ? r->worlds : 1) * sizeof(double));
    int s, k, j, e;
    free(pr->p);
    memset(pr, 0, sizeof(*pr));
    for (j = 0; j < n && j < HC_MAX_THRESHOLDS; j++)
        if (thresholds[j] != 0.0) pr->thresholds[pr->n_thresholds++] = thresholds[j];
    for (k = 0; k < HC_PROB_METRICS; k++) {
        const hc_event at_zero = {prob_metrics[k], 0.0, 0}, raises = {prob_metrics[k], 0.0, 1};
        pr->events[pr->n_events++] = at_zero;
        if (prob_metrics[k] == HC_M_AI_EFFECT) pr->events[pr->n_events++] = raises;
        for (j = 0; j < pr->n_thresholds; j++) {
            const hc_event below = {prob_metrics[k], pr->thresholds[j], 0};
            pr->events[pr->n_events++] = below;
        }
    }
    pr->p = (hc_share *)calloc((size_t)r->n_scenarios * (size_t)pr->n_events, sizeof(hc_share));
    if (!values || !pr->p) {
        free(values);
        return hc_fail(err, "out of memory computing the probabilities");
    }
    for (s = 0; s < r->n_scenarios; s++)
        for (k = 0; k < HC_PROB_METRICS; k++) {
            hc_world_metrics(r, cfg, s, r->n_steps, prob_metrics[k], values);
            for (e = 0; e < pr->n_events; e++)
                if (pr->events[e].metric == prob_metrics[k])
                    pr->p[(size_t)s * (size_t)pr->n_events + (size_t)e] = hc_share_of(
                        values, r->worlds, pr->events[e].threshold, pr->events[e].above);
        }
    free(values);
    return 0;
}

void hc_bands_set_design(hc_bands *b, const struct hc_design_s *d)
{
    b->caveat[0] = '\0';
    b->caveat_is_warning = 0;
    if (!d) return;
    if (d->sobol_n > 0) {
        snprintf(b->caveat, sizeof(b->caveat),
                 "This --sobol run's %lld worlds are Saltelli's design (matrices A and B of %lld rows, and %d "
                 "matrices AB_i that repeat A's rows but for one input), so its bands, probabilities and exceedance "
                 "curves are not those of independent futures, and their Monte Carlo errors are understated. Use "
                 "it for the Sobol indices; run again without --sobol for the bands.",
                 (long long)d->worlds, (long long)d->sobol_n, d->sobol_k);
        b->caveat_is_warning = 1;
    } else if (d->sampling == HC_SAMPLING_LHS) {
        snprintf(b->caveat, sizeof(b->caveat),
                 "Latin hypercube (--sampling lhs): each world is a draw of the model's distribution and the bands "
                 "are valid; the worlds share strata, so the Monte Carlo errors, computed as for independent "
                 "draws, overstate the error (they are conservative).%s",
                 d->correlated ? " The inputs' rank correlations come from the config's correlations." : "");
    } else if (d->correlated) {
        snprintf(b->caveat, sizeof(b->caveat),
                 "The world-level inputs are drawn with the rank correlations of the configs' correlations "
                 "section (Iman-Conover reordering of independent draws).");
    }
}
