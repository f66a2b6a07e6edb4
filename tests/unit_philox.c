/* unit_philox.c: hc_philox.h through the C compiler: Random123's known answers (the same
 * file tests/kat_philox_curand.cpp checks against cuRAND), the uniform conversion, the
 * hc_rng block stream and the counter layout. Run from the repository root. */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/hc_philox.h"

#define KAT_PATH "tests/data/philox_kat.txt"
#define KAT_MAX  256

typedef struct {
    uint32_t ctr[4], key[2], expected[4];
    int line;
} kat_vector;

/* Random123 kat_vectors format: "philox4x32 10 CTR0..3 KEY0..1 EXPECTED0..3" in hex;
 * '#' lines and blank lines are comments; any other line is an error (-1). Returns the
 * number of vectors read. */
static int kat_parse(FILE *f, const char *path, kat_vector *out, int max, int quiet)
{
    char line[512];
    int lineno = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        char name[32];
        int rounds, used = 0, i;
        unsigned v[10];
        const char *p = line;
        lineno++;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
        if (sscanf(p, "%31s %d %x %x %x %x %x %x %x %x %x %x %n", name, &rounds, &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &used) != 12 ||
            strcmp(name, "philox4x32") != 0 || rounds != 10 || p[used] != '\0' || n == max) {
            if (!quiet) print_error("%s:%d: not a philox4x32 10 vector: %s", path, lineno, line);
            return -1;
        }
        for (i = 0; i < 4; i++) out[n].ctr[i] = v[i];
        for (i = 0; i < 2; i++) out[n].key[i] = v[4 + i];
        for (i = 0; i < 4; i++) out[n].expected[i] = v[6 + i];
        out[n].line = lineno;
        n++;
    }
    return n;
}

static int kat_parse_text(const char *text, kat_vector *out, int max)
{
    FILE *f = tmpfile();
    int n;
    assert_non_null(f);
    fputs(text, f);
    rewind(f);
    n = kat_parse(f, "(text)", out, max, 1);
    fclose(f);
    return n;
}

static hc_philox_ctr mk_ctr(uint32_t x, uint32_t y, uint32_t z, uint32_t w)
{
    hc_philox_ctr c;
    c.v[0] = x;
    c.v[1] = y;
    c.v[2] = z;
    c.v[3] = w;
    return c;
}

static hc_philox_key mk_key(uint64_t seed)
{
    hc_philox_key k;
    k.v[0] = (uint32_t)seed;
    k.v[1] = (uint32_t)(seed >> 32);
    return k;
}

static int ctr_equal(hc_philox_ctr a, hc_philox_ctr b)
{
    return a.v[0] == b.v[0] && a.v[1] == b.v[1] && a.v[2] == b.v[2] && a.v[3] == b.v[3];
}

/* The first block hc_rng hands out for these coordinates. */
static hc_philox_ctr first_block(uint64_t seed, uint32_t world, uint32_t firm1, uint32_t stream,
                                 uint32_t step)
{
    hc_rng r;
    hc_philox_ctr b;
    int i;
    hc_rng_init(&r, seed, world, firm1, stream, step);
    for (i = 0; i < 4; i++) b.v[i] = hc_rng_next_u32(&r);
    return b;
}

// ---- known answers

static void philox_should_reproduce_every_known_answer(void **state)
{
    static kat_vector kats[KAT_MAX];
    FILE *f = fopen(KAT_PATH, "r");
    int n, i, j;
    (void)state;
    if (!f) fail_msg("cannot open %s (run the test from the repository root)", KAT_PATH);
    n = kat_parse(f, KAT_PATH, kats, KAT_MAX, 0);
    fclose(f);
    if (n < 3) fail_msg("%d vectors in %s: the harness is broken", n, KAT_PATH);
    for (i = 0; i < n; i++) {
        const kat_vector *k = &kats[i];
        hc_philox_ctr out;
        if ((k->expected[0] | k->expected[1] | k->expected[2] | k->expected[3]) == 0u)
            fail_msg("%s:%d: expected vector is all zeros", KAT_PATH, k->line);
        memset(&out, 0xca, sizeof out);
        out = hc_philox4x32_10(mk_ctr(k->ctr[0], k->ctr[1], k->ctr[2], k->ctr[3]),
                               mk_key((uint64_t)k->key[1] << 32 | k->key[0]));
        for (j = 0; j < 4; j++)
            if (out.v[j] != k->expected[j])
                fail_msg("%s:%d: word %d is %08" PRIx32 ", expected %08" PRIx32, KAT_PATH, k->line,
                         j, out.v[j], k->expected[j]);
    }
}

static void kat_reader_should_reject_malformed_lines(void **state)
{
    kat_vector kats[2];
    (void)state;
    assert_int_equal(
        kat_parse_text("philox4x32 10 0 0 0 0 0 0   6627e8d5 e169c58d bc57ac4c\n", kats, 2), -1);
    assert_int_equal(
        kat_parse_text("philox4x32 7 0 0 0 0 0 0   5f6fb709 0d893f64 4f121f81 4f730a48\n", kats, 2),
        -1);
    assert_int_equal(
        kat_parse_text("philox4x32 10 0 0 0 0 0 0   6627e8d5 e169c58d bc57ac4c 9b00dbd8 x\n", kats,
                       2),
        -1);
    assert_int_equal(kat_parse_text("threefry4x32 13 0 0 0 0 0 0   0 0 0 1\n", kats, 2), -1);
    assert_int_equal(kat_parse_text("# only\n\n  # comments\n", kats, 2), 0);
    assert_int_equal(kat_parse_text("  philox4x32 10 ffffffff 0 0 0 0 0   1 2 3 4\r\n", kats, 2),
                     1); /* CRLF is fine */
    assert_int_equal(kats[0].ctr[0], 0xffffffffu);
    assert_int_equal(kats[0].expected[3], 4u);
}

// ---- uniform conversion

static void u01_should_exclude_both_endpoints(void **state)
{
    (void)state;
    assert_true(hc_u01_open_open(0u) > 0.0);
    assert_true(hc_u01_open_open(0xffffffffu) < 1.0);
    /* exact values: (x + 0.5) / 2^32 needs 33 significant bits, so no rounding anywhere */
    assert_true(hc_u01_open_open(0u) == ldexp(1.0, -33));
    assert_true(hc_u01_open_open(0xffffffffu) == 1.0 - ldexp(1.0, -33));
    assert_true(hc_u01_open_open(0x80000000u) == 0.5 + ldexp(1.0, -33));
    assert_true(hc_u01_open_open(0x7fffffffu) == 0.5 - ldexp(1.0, -33));
    assert_true(hc_u01_open_open(1u) == 3.0 * ldexp(1.0, -33));
}

static void u01_should_be_evenly_spaced_and_symmetric(void **state)
{
    uint32_t x;
    (void)state;
    /* every 65537th input, 0 and 0xffffffff included: spacing exactly 2^-32, u(x) + u(~x) = 1 */
    for (x = 0u;; x += 65537u) {
        double u = hc_u01_open_open(x);
        if (x != 0xffffffffu) assert_true(hc_u01_open_open(x + 1u) - u == ldexp(1.0, -32));
        assert_true(u + hc_u01_open_open(~x) == 1.0);
        assert_true(u > 0.0 && u < 1.0);
        if (x > 0xffffffffu - 65537u) break;
    }
}

// ---- the hc_rng stream

static void rng_should_take_words_4_to_7_from_block_1(void **state)
{
    const uint64_t seed = 0x0123456789abcdefull;
    const uint32_t world = 77u, firm1 = 5u, stream = HC_STREAM_ROLE_WAGE + 2u, step = 12u;
    const uint32_t y = stream << 16 | step;
    hc_rng r;
    uint32_t b;
    int w;
    (void)state;
    hc_rng_init(&r, seed, world, firm1, stream, step);
    for (b = 0u; b < 5u; b++) {
        hc_philox_ctr want = hc_philox4x32_10(mk_ctr(b, y, firm1, world), mk_key(seed));
        for (w = 0; w < 4; w++) {
            uint32_t got = hc_rng_next_u32(&r);
            if (got != want.v[w])
                fail_msg("word %u: %08" PRIx32 ", expected word %d of block %u = %08" PRIx32,
                         (unsigned)(4u * b + (uint32_t)w), got, w, (unsigned)b, want.v[w]);
        }
    }
}

static void rng_uniform_should_convert_the_next_word(void **state)
{
    hc_rng a, b;
    int i;
    (void)state;
    hc_rng_init(&a, 9u, 1u, 2u, 3u, 4u);
    hc_rng_init(&b, 9u, 1u, 2u, 3u, 4u);
    for (i = 0; i < 11; i++)
        assert_true(hc_rng_uniform(&a) == hc_u01_open_open(hc_rng_next_u32(&b)));
}

static void rng_counter_should_be_block_stream_step_firm_world(void **state)
{
    const uint64_t seed = 0xfedcba9876543210ull;
    (void)state;
    assert_true(ctr_equal(
        first_block(seed, 0x01020304u, 0x0a0b0c0du, 0x1234u, 0x5678u),
        hc_philox4x32_10(mk_ctr(0u, 0x12345678u, 0x0a0b0c0du, 0x01020304u), mk_key(seed))));
    /* world-level draws: firm + 1 = 0 */
    assert_true(ctr_equal(
        first_block(seed, 3u, 0u, HC_STREAM_PRICE_PATH, 39u),
        hc_philox4x32_10(mk_ctr(0u, HC_STREAM_PRICE_PATH << 16 | 39u, 0u, 3u), mk_key(seed))));
    /* the key is the seed, low word first */
    assert_true(ctr_equal(first_block(0x0000000100000002ull, 0u, 0u, 0u, 0u),
                          hc_philox4x32_10(mk_ctr(0u, 0u, 0u, 0u), mk_key(0x0000000100000002ull))));
}

static void rng_streams_should_differ_in_every_coordinate(void **state)
{
    const uint64_t seed = 42u;
    hc_philox_ctr base = first_block(seed, 10u, 3u, HC_STREAM_SCALAR_INPUT + 1u, 5u);
    const hc_philox_ctr other[] = {
        first_block(seed + 1u, 10u, 3u, HC_STREAM_SCALAR_INPUT + 1u, 5u),
        first_block(seed | 1ull << 32, 10u, 3u, HC_STREAM_SCALAR_INPUT + 1u, 5u),
        first_block(seed, 11u, 3u, HC_STREAM_SCALAR_INPUT + 1u, 5u),
        first_block(seed, 10u, 4u, HC_STREAM_SCALAR_INPUT + 1u, 5u),
        first_block(seed, 10u, 0u, HC_STREAM_SCALAR_INPUT + 1u, 5u),
        first_block(seed, 10u, 3u, HC_STREAM_SCALAR_INPUT + 2u, 5u),
        first_block(seed, 10u, 3u, HC_STREAM_ROLE_WAGE + 1u, 5u),
        first_block(seed, 10u, 3u, HC_STREAM_SCALAR_INPUT + 1u, 6u),
        first_block(seed, 10u, 3u, HC_STREAM_SCALAR_INPUT + 1u, 0u),
        /* swapping world and firm must not give the same draws */
        first_block(seed, 3u, 10u, HC_STREAM_SCALAR_INPUT + 1u, 5u),
        /* nor swapping stream and step */
        first_block(seed, 10u, 3u, 5u, HC_STREAM_SCALAR_INPUT + 1u),
    };
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof other / sizeof other[0]; i++) {
        for (j = 0; j < 4; j++)
            if (other[i].v[j] == base.v[j])
                fail_msg("variant %zu shares word %zu (%08" PRIx32 ") with the base stream", i, j,
                         base.v[j]);
    }
}

static void steps_of_a_run_should_fit_the_16_step_bits(void **state)
{
    (void)state;
    /* hc_rng_init keeps step & 0xffff: step 65536 would alias step 0. Runs are limited to
     * HC_MAX_STEPS steps, numbered 0 .. HC_MAX_STEPS - 1. */
    assert_true(HC_MAX_STEPS <= 65536);
    assert_true(ctr_equal(first_block(1u, 2u, 3u, 4u, 65536u), first_block(1u, 2u, 3u, 4u, 0u)));
    assert_false(
        ctr_equal(first_block(1u, 2u, 3u, 4u, HC_MAX_STEPS - 1u), first_block(1u, 2u, 3u, 4u, 0u)));
    /* and every defined stream fits its 16 bits */
    assert_true(HC_STREAM_ROLE_TOKENS + HC_MAX_ROLES <= 0x10000u);
}

static void rng_words_should_have_balanced_bits(void **state)
{
    /* 2^20 words from 65536 adjacent worlds: each bit is set half the time, within 5 SE
     * (SE = 0.5 / sqrt(n)). Catches a stream that returns counters or repeats a word. */
    const int n = 1 << 20;
    long ones[32] = {0};
    int i, b;
    uint32_t x_or = 0u, x_and = 0xffffffffu;
    (void)state;
    for (i = 0; i < n / 16; i++) {
        hc_rng r;
        int k;
        hc_rng_init(&r, 2024u, (uint32_t)i, 0u, HC_STREAM_PRICE_PATH, 0u);
        for (k = 0; k < 16; k++) {
            uint32_t x = hc_rng_next_u32(&r);
            x_or |= x;
            x_and &= x;
            for (b = 0; b < 32; b++) ones[b] += (x >> b) & 1u;
        }
    }
    for (b = 0; b < 32; b++) {
        double z = ((double)ones[b] / n - 0.5) / (0.5 / sqrt((double)n));
        if (fabs(z) > 5.0) fail_msg("bit %d set in %ld of %d words (z = %.2f)", b, ones[b], n, z);
    }
    assert_int_equal(x_or, 0xffffffffu);
    assert_int_equal(x_and, 0u);
}

// ---- no thread-related state

#define GRID_W 64
#define GRID_F 16
#define GRID_S 8
#define GRID_N (GRID_W * GRID_F * GRID_S)
#define DRAWS  6

static uint32_t draw_of(uint32_t cell, int d)
{
    /* a cell is (world, firm, step); draw d of it, computed from scratch */
    hc_rng r;
    uint32_t x = 0u;
    int i;
    hc_rng_init(&r, 31337u, cell / (GRID_F * GRID_S), cell / GRID_S % GRID_F + 1u,
                HC_STREAM_ROLE_WAGE + 7u, cell % GRID_S);
    for (i = 0; i <= d; i++) x = hc_rng_next_u32(&r);
    return x;
}

typedef struct {
    uint32_t first, stride;
    uint32_t *out;
} worker_arg;

static void *worker(void *p)
{
    const worker_arg *a = (const worker_arg *)p;
    uint32_t cell;
    int d;
    for (cell = a->first; cell < GRID_N; cell += a->stride)
        for (d = 0; d < DRAWS; d++) a->out[cell * DRAWS + (uint32_t)d] = draw_of(cell, d);
    return NULL;
}

static void rng_should_depend_only_on_what_is_drawn(void **state)
{
    static uint32_t seq[GRID_N * DRAWS], inter[GRID_N * DRAWS], thr[GRID_N * DRAWS];
    static hc_rng rngs[GRID_N];
    pthread_t t[3];
    worker_arg args[3];
    uint32_t cell;
    int d, i;
    (void)state;
    /* 1: one cell after another, each draw from a fresh state */
    for (cell = 0; cell < GRID_N; cell++)
        for (d = 0; d < DRAWS; d++) seq[cell * DRAWS + (uint32_t)d] = draw_of(cell, d);
    /* 2: all states live at once, cells visited backwards, one draw each per sweep */
    for (cell = 0; cell < GRID_N; cell++)
        hc_rng_init(&rngs[cell], 31337u, cell / (GRID_F * GRID_S), cell / GRID_S % GRID_F + 1u,
                    HC_STREAM_ROLE_WAGE + 7u, cell % GRID_S);
    for (d = 0; d < DRAWS; d++)
        for (cell = GRID_N; cell-- > 0;)
            inter[cell * DRAWS + (uint32_t)d] = hc_rng_next_u32(&rngs[cell]);
    /* 3: three threads, cells dealt round robin */
    memset(thr, 0, sizeof thr);
    for (i = 0; i < 3; i++) {
        args[i].first = (uint32_t)i;
        args[i].stride = 3u;
        args[i].out = thr;
        assert_int_equal(pthread_create(&t[i], NULL, worker, &args[i]), 0);
    }
    for (i = 0; i < 3; i++) assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_memory_equal(seq, inter, sizeof seq);
    assert_memory_equal(seq, thr, sizeof seq);
}

static void rng_state_should_be_plain_data(void **state)
{
    hc_rng a, b;
    int i;
    (void)state;
    hc_rng_init(&a, 5u, 6u, 7u, 8u, 9u);
    for (i = 0; i < 6; i++) (void)hc_rng_next_u32(&a);
    b = a; /* mid-block copy */
    for (i = 0; i < 10; i++) assert_int_equal(hc_rng_next_u32(&a), hc_rng_next_u32(&b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(philox_should_reproduce_every_known_answer),
        cmocka_unit_test(kat_reader_should_reject_malformed_lines),
        cmocka_unit_test(u01_should_exclude_both_endpoints),
        cmocka_unit_test(u01_should_be_evenly_spaced_and_symmetric),
        cmocka_unit_test(rng_should_take_words_4_to_7_from_block_1),
        cmocka_unit_test(rng_uniform_should_convert_the_next_word),
        cmocka_unit_test(rng_counter_should_be_block_stream_step_firm_world),
        cmocka_unit_test(rng_streams_should_differ_in_every_coordinate),
        cmocka_unit_test(steps_of_a_run_should_fit_the_16_step_bits),
        cmocka_unit_test(rng_words_should_have_balanced_bits),
        cmocka_unit_test(rng_should_depend_only_on_what_is_drawn),
        cmocka_unit_test(rng_state_should_be_plain_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
