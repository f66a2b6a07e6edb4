/* size_classes.c: firms.size_classes and firms.size_alpha (docs/model.md "Firm sizes:
 * size classes"), read into the model's class table. Owns that one section of the schema;
 * calls fields.c and messages.c. */
#include <math.h>
#include <stdio.h>
#include "config_internal.h"

/* firms.size_classes and firms.size_alpha (docs/model.md "Firm sizes"), into the model's
 * class table. Returns the number of classes (0: none, sizes come from firms.headcount),
 * or -1 on an error; `"size_classes": null` is none. With classes, firms.headcount must be absent: its input becomes a
 * uniform over the classes' sizes, which only bounds the checks of
 * validate_numeric_range (hc_firm_sample draws the size from the class). The weights
 * need F and are set once the config is whole (validate). */
static const char *const size_class_keys[] = {"min", "max", "firms", "employees"};

int cfg_parse_size_classes(loader *L, const cJSON *firms, const cJSON *headcount, hc_model *m, support *sup)
{
    const cJSON *list = firms != NULL ? cJSON_GetObjectItemCaseSensitive(firms, "size_classes") : NULL, *c;
    const cJSON *alpha = firms != NULL ? cJSON_GetObjectItemCaseSensitive(firms, "size_alpha") : NULL;
    double employees_total = 0.0, employees[HC_MAX_SIZE_CLASSES], x;
    char d[128], path[CFG_PATH];
    int n = 0, j;
    m->n_size_classes = 0;
    if (list == NULL || cJSON_IsNull(list)) { /* null: none (so --set firms.size_classes=null lifts them) */
        if (alpha != NULL && list == NULL)
            return cfg_fail_at(L, alpha, "firms.size_alpha", "needs firms.size_classes"), -1;
        return 0;
    }
    if (headcount != NULL)
        return cfg_fail_at(L, headcount, "firms.headcount",
                           "must be absent with firms.size_classes (the classes give "
                           "the sizes)"),
               -1;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) < 1 || cJSON_GetArraySize(list) > HC_MAX_SIZE_CLASSES)
        return cfg_fail_at(L, list, "firms.size_classes",
                           "expected an array of 1 to %d classes such as {\"min\": 1, \"max\": 4, \"firms\": 3700000, "
                           "\"employees\": 5900000}, got %s",
                           HC_MAX_SIZE_CLASSES, cfg_describe(list, d, sizeof d)),
               -1;
    m->size_alpha = 1.05;
    if (alpha != NULL &&
        cfg_get_ranged(L, firms, "firms", "size_alpha", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, &m->size_alpha))
        return -1;
    sup->lo = INFINITY;
    sup->hi = 0.0;
    cJSON_ArrayForEach(c, list)
    {
        snprintf(path, sizeof path, "firms.size_classes[%d]", n);
        if (cfg_expect_object(L, c, path) || cfg_check_keys(L, c, path, size_class_keys, NKEYS(size_class_keys)) ||
            cfg_get_ranged(L, c, path, "min", 1, HC_BOUND_CLOSED, 1, HC_BOUND_CLOSED, 1e9, NULL, &m->size_min[n]) ||
            cfg_get_ranged(L, c, path, "max", 1, HC_BOUND_CLOSED, m->size_min[n], HC_BOUND_CLOSED, 1e9, "(>= min)",
                           &m->size_max[n]) ||
            cfg_get_ranged(L, c, path, "firms", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, &m->size_firms[n]) ||
            cfg_get_ranged(L, c, path, "employees", 1, HC_BOUND_OPEN, 0, HC_BOUND_NONE, 0, NULL, &x))
            return -1;
        employees[n] = x;
        employees_total += x;
        sup->lo = fmin(sup->lo, m->size_min[n]);
        sup->hi = fmax(sup->hi, m->size_max[n]);
        n++;
    }
    for (j = 0, x = 0.0; j < n; j++) {
        x += employees[j];
        m->size_cum[j] = j == n - 1 ? 1.0 : x / employees_total; /* the last exactly 1: every u_f < 1 finds a class */
        m->size_weight[j] = 1.0f;
    }
    m->n_size_classes = n;
    sup->lo_closed = sup->hi_closed = 1;
    m->input[HC_IN_HEADCOUNT].kind = HC_DIST_UNIFORM;
    m->input[HC_IN_HEADCOUNT].p[0] = sup->lo;
    m->input[HC_IN_HEADCOUNT].p[1] = sup->hi;
    return n;
}
