/* unit_compare.c: paired differences against hand computations, identical scenarios
 * giving exactly zero, the worlds.f64 round trip, where bands separate, the option
 * parsers, the progress bar's text and the SVG writers' escaping. The end-to-end checks
 * (a real run, compare DIR, the report in Chromium) are tests/cli_report.sh. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "hc_chart.h"
#include "hc_compare.h"
#include "hc_export.h"
#include "hc_progress.h"

static const double pcts[5] = {5, 25, 50, 75, 95};
static const char *const two_names[2] = {"base", "other"};

static void alloc_values(hc_world_values *wv, int S, int T, int64_t W)
{
    wv->n_scenarios = S;
    wv->n_steps = T;
    wv->worlds = W;
    wv->v = (double *)calloc((size_t)S * HC_N_METRICS * (size_t)(T + 1) * (size_t)W, sizeof(double));
    assert_non_null(wv->v);
}

/* splitmix64: the same pseudo-random doubles every run. */
static uint64_t mix_state = 0x9E3779B97F4A7C15ull;
static double next_double(void)
{
    uint64_t z = (mix_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static void paired_difference_should_match_a_hand_computation(void **state)
{
    /* Differences {3, -1, 0, 2, 5} at step 1 of metric 0, all exact in binary. Sorted
     * {-1, 0, 2, 3, 5}; numpy linear: p5 at rank 0.2 -> -0.8, p25 -> 0, p50 -> 2, p75 -> 3,
     * p95 at rank 3.8 -> 4.6; mean 1.8; sd sqrt(22.8 / 4); above in 3 of 5 worlds. */
    static const double base[5] = {10, 20, 30, 40, 50}, d[5] = {3, -1, 0, 2, 5};
    hc_world_values wv;
    hc_compare c;
    hc_error err;
    const double *row;
    int w;
    (void)state;
    alloc_values(&wv, 2, 1, 5);
    for (w = 0; w < 5; w++) {
        hc_world_values_at(&wv, 0, 0, 1)[w] = base[w];
        hc_world_values_at(&wv, 1, 0, 1)[w] = base[w] + d[w];
    }
    assert_int_equal(hc_compare_compute(&wv, 0, two_names, 2026, 4, pcts, 5, &c, &err), 0);
    assert_int_equal(hc_compare_pairs(&c), 1);
    row = hc_compare_row(&c, 1, 0, 1);
    assert_true(fabs(row[0] - -0.8) < 1e-12);
    assert_true(row[1] == 0.0);
    assert_true(row[2] == 2.0);
    assert_true(row[3] == 3.0);
    assert_true(fabs(row[4] - 4.6) < 1e-12);
    assert_true(fabs(row[5] - 1.8) < 1e-12);
    assert_true(fabs(row[6] - sqrt(22.8 / 4.0)) < 1e-12);
    assert_true(row[7] == 0.6);
    /* step 0: every value 0 in both, so the difference is exactly 0 and never above */
    row = hc_compare_row(&c, 1, 0, 0);
    for (w = 0; w < 8; w++) assert_true(row[w] == 0.0);
    hc_compare_free(&c);
    hc_world_values_free(&wv);
}

static void identical_scenarios_should_differ_by_exactly_zero(void **state)
{
    hc_world_values wv;
    hc_compare c;
    hc_error err;
    int metric, t, k;
    size_t i;
    const size_t per_scenario = HC_N_METRICS * 4 * 37;
    (void)state;
    alloc_values(&wv, 2, 3, 37);
    for (i = 0; i < per_scenario; i++) wv.v[i] = wv.v[per_scenario + i] = 200.0 * next_double() - 100.0;
    assert_int_equal(hc_compare_compute(&wv, 0, two_names, 2026, 4, pcts, 5, &c, &err), 0);
    for (metric = 0; metric < HC_N_METRICS; metric++)
        for (t = 0; t <= 3; t++) {
            const double *row = hc_compare_row(&c, 1, metric, t);
            for (k = 0; k < HC_COMPARE_COLS(&c); k++) assert_true(row[k] == 0.0);
        }
    assert_int_equal(hc_compare_excludes_zero_from(&c, 1, 0, 0, 4), -1);
    hc_compare_free(&c);
    hc_world_values_free(&wv);
}

static void another_baseline_should_flip_the_sign(void **state)
{
    static const char *const names[3] = {"a", "b", "c"};
    hc_world_values wv;
    hc_compare c0, c1;
    hc_error err;
    size_t i, n;
    int metric, t, s;
    (void)state;
    alloc_values(&wv, 3, 2, 50);
    n = 3 * HC_N_METRICS * 3 * 50;
    for (i = 0; i < n; i++) wv.v[i] = next_double();
    assert_int_equal(hc_compare_compute(&wv, 0, names, 2026, 1, pcts, 5, &c0, &err), 0);
    assert_int_equal(hc_compare_compute(&wv, 1, names, 2026, 1, pcts, 5, &c1, &err), 0);
    assert_int_equal(hc_compare_pairs(&c1), 2);
    for (metric = 0; metric < HC_N_METRICS; metric++)
        for (t = 0; t <= 2; t++) {
            const double *ab = hc_compare_row(&c0, 1, metric, t), *ba = hc_compare_row(&c1, 0, metric, t);
            /* b - a and a - b: percentiles mirror (p5 <-> p95), the mean flips, the sd stays */
            assert_true(fabs(ab[0] + ba[4]) < 1e-12 && fabs(ab[2] + ba[2]) < 1e-12);
            assert_true(fabs(ab[5] + ba[5]) < 1e-12 && fabs(ab[6] - ba[6]) < 1e-12);
            /* continuous values: no ties, so above and below share the worlds */
            assert_true(fabs(ab[7] + ba[7] - 1.0) < 1e-12);
        }
    for (s = 0; s < 3; s++) assert_string_equal(c1.names[s], names[s]);
    hc_compare_free(&c0);
    hc_compare_free(&c1);
    hc_world_values_free(&wv);
}

static void a_non_finite_difference_should_be_refused(void **state)
{
    hc_world_values wv;
    hc_compare c;
    hc_error err;
    (void)state;
    alloc_values(&wv, 2, 1, 3);
    hc_world_values_at(&wv, 1, HC_M_DISPLACED, 1)[2] = NAN;
    assert_int_not_equal(hc_compare_compute(&wv, 0, two_names, 2026, 4, pcts, 5, &c, &err), 0);
    assert_non_null(strstr(err.message, "displaced_pct"));
    assert_null(c.rows);
    hc_world_values_free(&wv);
}

static void one_scenario_should_compare_nothing(void **state)
{
    hc_world_values wv;
    hc_compare c;
    hc_error err;
    (void)state;
    alloc_values(&wv, 1, 1, 3);
    assert_int_equal(hc_compare_compute(&wv, 0, two_names, 2026, 4, pcts, 5, &c, &err), 0);
    assert_int_equal(hc_compare_pairs(&c), 0);
    hc_world_values_free(&wv);
}

static void excludes_zero_should_start_where_it_holds_to_the_horizon(void **state)
{
    /* difference per step: 0 at step 0, straddling 0 at step 1, positive at 2 and 3 */
    hc_world_values wv;
    hc_compare c;
    hc_error err;
    int w;
    (void)state;
    alloc_values(&wv, 2, 3, 4);
    for (w = 0; w < 4; w++) {
        hc_world_values_at(&wv, 1, 0, 1)[w] = w - 1.5;
        hc_world_values_at(&wv, 1, 0, 2)[w] = 1.0 + w;
        hc_world_values_at(&wv, 1, 0, 3)[w] = 2.0 + w;
    }
    assert_int_equal(hc_compare_compute(&wv, 0, two_names, 2026, 1, pcts, 5, &c, &err), 0);
    assert_int_equal(hc_compare_excludes_zero_from(&c, 1, 0, 0, 4), 2);
    hc_compare_free(&c);
    hc_world_values_free(&wv);
}

static void worlds_file_should_round_trip_bit_for_bit_and_map_metrics_by_name(void **state)
{
    char dir[] = "/tmp/hc_unit_compare_XXXXXX", path[256];
    const char *names[HC_N_METRICS], *reversed[HC_N_METRICS];
    hc_world_values wv, back, rev;
    hc_error err;
    size_t i, n;
    int s, m, t;
    (void)state;
    assert_non_null(mkdtemp(dir));
    alloc_values(&wv, 2, 2, 7);
    alloc_values(&rev, 2, 2, 7);
    n = 2 * HC_N_METRICS * 3 * 7;
    for (i = 0; i < n; i++) wv.v[i] = (next_double() - 0.5) * 1e6;
    wv.v[3] = -0.0;
    wv.v[4] = 5e-324; /* the smallest subnormal survives too */
    for (m = 0; m < HC_N_METRICS; m++) names[m] = hc_metric_infos[m].name;
    assert_int_equal(hc_world_values_write(dir, &wv, &err), 0);
    snprintf(path, sizeof(path), "%s/%s", dir, HC_WORLDS_FILE);
    assert_int_equal(hc_world_values_read(path, 2, 2, 7, names, HC_N_METRICS, &back, &err), 0);
    assert_memory_equal(back.v, wv.v, n * sizeof(double));
    hc_world_values_free(&back);

    /* A file that lists its metrics in another order is read by name. */
    for (s = 0; s < 2; s++)
        for (m = 0; m < HC_N_METRICS; m++)
            for (t = 0; t <= 2; t++)
                memcpy(hc_world_values_at(&rev, s, HC_N_METRICS - 1 - m, t), hc_world_values_at(&wv, s, m, t),
                       7 * sizeof(double));
    for (m = 0; m < HC_N_METRICS; m++) reversed[m] = names[HC_N_METRICS - 1 - m];
    assert_int_equal(hc_world_values_write(dir, &rev, &err), 0);
    assert_int_equal(hc_world_values_read(path, 2, 2, 7, reversed, HC_N_METRICS, &back, &err), 0);
    assert_memory_equal(back.v, wv.v, n * sizeof(double));
    hc_world_values_free(&back);

    /* A size that does not match the shape, or a metric missing, is an error. */
    assert_int_not_equal(hc_world_values_read(path, 2, 2, 8, names, HC_N_METRICS, &back, &err), 0);
    assert_non_null(strstr(err.message, "expected"));
    assert_int_not_equal(hc_world_values_read(path, 2, 2, 7, names, HC_N_METRICS - 1, &back, &err), 0);
    assert_non_null(strstr(err.message, hc_metric_infos[HC_N_METRICS - 1].name));
    remove(path);
    rmdir(dir);
    hc_world_values_free(&wv);
    hc_world_values_free(&rev);
}

static void format_and_metric_lists_should_parse_strictly(void **state)
{
    unsigned f = 0;
    int ids[HC_N_METRICS], n = 0;
    char bad[64];
    (void)state;
    assert_int_equal(hc_parse_formats("csv", &f), 0);
    assert_int_equal(f, HC_FORMAT_CSV);
    assert_int_equal(hc_parse_formats("md,json", &f), 0);
    assert_int_equal(f, HC_FORMAT_CSV | HC_FORMAT_MD | HC_FORMAT_JSON); /* CSV always: the reports link to it */
    assert_int_not_equal(hc_parse_formats("csv,xml", &f), 0);
    assert_int_not_equal(hc_parse_formats("", &f), 0);
    assert_int_not_equal(hc_parse_formats(",", &f), 0);
    assert_int_not_equal(hc_parse_formats("CSV", &f), 0);
    assert_int_equal(hc_parse_metric_list("ai_effect_pct,net_jobs,ai_effect_pct", ids, &n, bad, sizeof(bad)), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], HC_M_AI_EFFECT);
    assert_int_equal(ids[1], HC_M_NET_JOBS);
    assert_int_equal(hc_parse_metric_list("all", ids, &n, bad, sizeof(bad)), 0);
    assert_int_equal(n, HC_N_METRICS);
    assert_int_not_equal(hc_parse_metric_list("net_jobs,employment", ids, &n, bad, sizeof(bad)), 0);
    assert_string_equal(bad, "employment");
}

static void progress_text_should_show_done_rate_and_time_left(void **state)
{
    char buf[256];
    (void)state;
    hc_progress_format(buf, sizeof(buf), 25, 100, 5.0, 100);
    assert_non_null(strstr(buf, "25/100 worlds"));
    assert_non_null(strstr(buf, "5 worlds/s"));
    assert_non_null(strstr(buf, "15 s left"));
    assert_true(buf[0] == '[' && strchr(buf, '#') && strchr(buf, '-'));
    assert_true((int)strlen(buf) <= 100);
    hc_progress_format(buf, sizeof(buf), 10, 1000, 1.0, 120);
    assert_non_null(strstr(buf, "1 min 39 s left"));
    /* nothing done yet: no rate to divide by */
    hc_progress_format(buf, sizeof(buf), 0, 10, 2.0, 80);
    assert_non_null(strstr(buf, "? left"));
    /* too narrow for a bar: the numbers alone */
    hc_progress_format(buf, sizeof(buf), 3, 10, 1.0, 30);
    assert_true(buf[0] != '[');
    /* a tiny buffer is never overrun */
    hc_progress_format(buf, 8, 3, 10, 1.0, 80);
    assert_true(strlen(buf) < 8);
}

/* The chart maps data to coordinates by dividing by the axis span: flat data (a span of
 * zero, no zero line to widen it) and a single year must still print finite coordinates.
 * (It is given finite data only: the tables it draws from hold no NaN or Inf, which
 * tests/cli_test.sh checks; src/outputs/chart_svg.c does not promise to draw non-finite points.) */
static void svg_should_escape_names_and_print_finite_coordinates_even_for_flat_data(void **state)
{
    static const double x[3] = {2026, 2027, 2028}, mid[3] = {0, -1, -2}, lo[3] = {0, -3, -5}, hi[3] = {0, 1, 2};
    hc_fan_series se;
    hc_chart_spec spec;
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    (void)state;
    memset(&se, 0, sizeof(se));
    se.name = "a<b & \"c\"";
    se.n = 3;
    se.x = x;
    se.mid = mid;
    se.outer_lo = lo;
    se.outer_hi = hi;
    memset(&spec, 0, sizeof(spec));
    spec.title = "T & <t>";
    spec.y_label = "y (%)";
    spec.x_label = "Year";
    spec.mid_label = "median";
    spec.outer_label = "90 % band (p5 to p95)";
    spec.zero_line = 1;
    f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(hc_svg_fan_chart(f, &spec, &se, 1), 0);
    fclose(f);
    assert_true(strncmp(text, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    assert_non_null(strstr(text, "a&lt;b &amp; &quot;c&quot;"));
    assert_non_null(strstr(text, "T &amp; &lt;t&gt;"));
    assert_null(strstr(text, "a<b"));
    assert_null(strstr(text, "nan"));
    assert_null(strstr(text, "inf"));
    assert_non_null(strstr(text, "</svg>\n"));
    free(text);
    /* flat data, no zero line: lo == hi on the y axis; then one year: lo == hi on x */
    {
        static const double flat[3] = {-2.5, -2.5, -2.5};
        int one_year;
        se.mid = se.outer_lo = se.outer_hi = flat;
        spec.zero_line = 0;
        for (one_year = 0; one_year < 2; one_year++) {
            se.n = one_year ? 1 : 3;
            text = NULL;
            f = open_memstream(&text, &len);
            assert_non_null(f);
            assert_int_equal(hc_svg_fan_chart(f, &spec, &se, 1), 0);
            fclose(f);
            assert_null(strstr(text, "nan"));
            assert_null(strstr(text, "inf"));
            assert_non_null(strstr(text, "<polyline points=\""));
            free(text);
        }
    }
}

static void band_columns_should_follow_the_percentiles(void **state)
{
    static const double five[5] = {5, 25, 50, 75, 95}, three[3] = {10, 40, 90};
    hc_band_cols bc;
    (void)state;
    hc_band_cols_pick(five, 5, &bc);
    assert_true(bc.mid == 2 && bc.mid_is_median && bc.lo == 0 && bc.hi == 4 && bc.inner_lo == 1 && bc.inner_hi == 3);
    hc_band_cols_pick(three, 3, &bc);
    assert_true(bc.mid == 3 && !bc.mid_is_median && bc.lo == 0 && bc.hi == 2 && bc.inner_lo == -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paired_difference_should_match_a_hand_computation),
        cmocka_unit_test(identical_scenarios_should_differ_by_exactly_zero),
        cmocka_unit_test(another_baseline_should_flip_the_sign),
        cmocka_unit_test(a_non_finite_difference_should_be_refused),
        cmocka_unit_test(one_scenario_should_compare_nothing),
        cmocka_unit_test(excludes_zero_should_start_where_it_holds_to_the_horizon),
        cmocka_unit_test(worlds_file_should_round_trip_bit_for_bit_and_map_metrics_by_name),
        cmocka_unit_test(format_and_metric_lists_should_parse_strictly),
        cmocka_unit_test(progress_text_should_show_done_rate_and_time_left),
        cmocka_unit_test(svg_should_escape_names_and_print_finite_coordinates_even_for_flat_data),
        cmocka_unit_test(band_columns_should_follow_the_percentiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
