/* size_classes.c: firms.size_classes and firms.size_alpha (docs/model.md "Firm sizes:
 * size classes"), read into the model's class table. Owns that one section of the schema;
 * calls fields.c and messages.c. */
#include <float.h>
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
    double employees_total = 0.0, firms_total = 0.0, employees[HC_MAX_SIZE_CLASSES], x;
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
        firms_total += m->size_firms[n];
        sup->lo = fmin(sup->lo, m->size_min[n]);
        sup->hi = fmax(sup->hi, m->size_max[n]);
        n++;
    }
    /* The shares and the weights divide by these totals: past a double they would be NaN */
    if (!isfinite(employees_total) || !isfinite(firms_total))
        return cfg_fail_at(L, list, "firms.size_classes",
                           "the classes' %s add up to more than a double holds; expected a total of at most %.2g",
                           isfinite(firms_total) ? "employees" : "firms", DBL_MAX),
               -1;
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

/* ---- how many of a run's F firms fall in each class, counted without visiting them
 *
 * Firm f is in the first class whose cumulative share is >= u = frac(fl(k g)), k = f + 1
 * (hc_size_class). Visiting the firms took 30 s at F = 2^32 - 1, on every load of the
 * config. The count here is exact, in integers: g = M / 2^53 for the integer M, and
 * where k g lies in [2^e, 2^(e+1)) the product is rounded to a multiple of 2^(e+1-53),
 * so 2^53 fl(k g) = 2^s Q with s = e + 1 and Q = kM / 2^s rounded to nearest, ties to
 * even. Over the k of one such binade, u <= c is (Q mod 2^(53-s)) <= C >> s with
 * C = floor(c 2^53), and the number of k for which it holds is a difference of two sums
 * of floors of linear functions of k. Those take O(log) steps each (floor_sum). The
 * formula rounds the ties (kM an odd multiple of 2^(s-1)) up; the few of them, about 13
 * a binade, are replayed in double and corrected. tests/unit_config.c checks the count
 * against visiting every firm. */

__extension__ typedef unsigned __int128 u128; /* kM reaches 2^85 */

/* sum_{i=0}^{n-1} floor((a i + b) / m), everything unsigned: the Euclid-like reduction
 * of the AtCoder Library's floor_sum. */
static u128 floor_sum(u128 n, u128 m, u128 a, u128 b)
{
    u128 sum = 0;
    for (;;) {
        u128 y_max, t;
        if (a >= m) {
            sum += n * (n - 1) / 2 * (a / m);
            a %= m;
        }
        if (b >= m) {
            sum += n * (b / m);
            b %= m;
        }
        y_max = a * n + b;
        if (y_max < m) return sum;
        n = y_max / m;
        b = y_max % m;
        t = m;
        m = a;
        a = t;
    }
}

/* The number of k in [1, K] with u_k <= c. */
static uint64_t size_count_at_most(uint64_t K, double c)
{
    const u128 two53 = (u128)1 << 53;
    const uint64_t M = (uint64_t)ldexp(HC_SIZE_GOLDEN, 53); /* exact: g has 53 bits */
    const int z = __builtin_ctzll(M);
    uint64_t C, count = 0;
    int s;
    if (c >= 1.0) return K; /* every u_k < 1 */
    if (!(c >= 0.0)) return 0;
    C = (uint64_t)ldexp(c, 53); /* floor: u_k is a multiple of 2^-53 */
    for (s = 0; s <= 63; s++) {
        /* The k whose k M lies in [2^(s+52), 2^(s+53)): k g in [2^(s-1), 2^s). */
        const u128 lo_p = (u128)1 << (s + 52), hi_p = (u128)1 << (s + 53);
        uint64_t k0 = (uint64_t)((lo_p + M - 1) / M), k1 = (uint64_t)((hi_p + M - 1) / M) - 1, n, v, o;
        u128 h, D, first, second;
        if (k0 > K) break;
        if (k1 > K) k1 = K;
        if (k0 > k1) continue;
        n = k1 - k0 + 1;
        h = s > 0 ? (u128)1 << (s - 1) : 0;
        D = (u128)(C >> s) + 1; /* Q mod 2^(53-s) < D; D <= 2^(53-s) */
        first = floor_sum(n, two53, M, (u128)k0 * M + h);
        second = floor_sum(n, two53, M, (u128)k0 * M + h + 2 * two53 - (D << s)); /* + 2 keeps it >= 0 */
        count += (uint64_t)(first + 2 * (u128)n - second);
        if (s - 1 < z) continue;   /* no ties: the products are exact */
        v = (uint64_t)(s - 1 - z); /* a tie: k = 2^v times an odd number */
        for (o = ((k0 + (1ull << v) - 1) >> v) | 1u; (o << v) <= k1; o += 2) {
            const uint64_t k = o << v;
            const u128 Q = ((u128)k * M + h) >> s; /* the formula's, rounded up */
            const int by_formula = (uint64_t)(Q & ((two53 >> s) - 1)) < D;
            count += (uint64_t)((hc_size_u((uint32_t)(k - 1)) <= c) - by_formula); /* firm k - 1 */
        }
    }
    return count;
}

void hc_size_class_counts(const hc_model *m, int64_t F, int64_t *n)
{
    /* The largest size_cum so far: hc_size_class takes the first class with size_cum >= u,
     * and a NaN, which no u exceeds, as +inf (the loader makes neither a NaN nor a share below 0) */
    double c = -INFINITY;
    int64_t below = 0, at_most;
    int j;
    for (j = 0; j < m->n_size_classes; j++) {
        c = isnan(m->size_cum[j]) ? INFINITY : fmax(c, m->size_cum[j]);
        at_most = j == m->n_size_classes - 1 ? F : (int64_t)size_count_at_most((uint64_t)F, c); /* the last: the rest */
        n[j] = at_most - below;
        below = at_most;
    }
}

/* w_j = (N_j / n_j) / (sum_i N_i / F') for a run of F firms per world, n_j the firms of
 * the F in class j and F' the sum of n_j over classes with n_j > 0 (so F' = F): the
 * weights average 1 over the sample. A class no firm samples keeps weight 0. */
void cfg_size_weights(hc_model *m, int64_t F)
{
    int64_t n[HC_MAX_SIZE_CLASSES], sampled = 0;
    double firms_total = 0.0;
    int j;
    hc_size_class_counts(m, F, n);
    for (j = 0; j < m->n_size_classes; j++) {
        firms_total += n[j] > 0 ? m->size_firms[j] : 0.0; /* classes no firm samples stand for nobody */
        sampled += n[j];
    }
    for (j = 0; j < m->n_size_classes; j++)
        m->size_weight[j] = n[j] > 0 ? (float)((m->size_firms[j] / (double)n[j]) / (firms_total / (double)sampled))
                                     : 0.0f;
}
