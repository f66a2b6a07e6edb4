/* kat_philox_curand.cpp: hc_philox.h against Random123's known answers and against cuRAND
 * itself (the device Philox of curand_kernel.h compiled for the host, and the host-API
 * generator of libcurand). Not a GPU test: tests/unit_philox.c runs the same known answers
 * through the C compiler, and the CUDA backend's own tests run them on a device.
 *
 * Build: make build/tests/kat_philox_curand (g++ -std=c++17, -I$(CUDA)/include, -lcurand).
 * Run from the repository root (the known answers are read from tests/data/philox_kat.txt). */

/* curand_kernel.h marks every function QUALIFIERS, by default `static __forceinline__
 * __device__`. Redefining it with __host__ added gives the very same code on the host;
 * the CUDA headers it pulls in define __host__, __device__ and __forceinline__ for a host
 * compiler. */
#define QUALIFIERS static __forceinline__ __host__ __device__
#include <curand_kernel.h>
#include <curand.h>

#include <cinttypes>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <setjmp.h>
#include <vector>

extern "C" {
#include <cmocka.h>
}

#include "model/hc_philox.h"

// ---- known-answer file (Random123 kat_vectors format)

#define KAT_PATH "tests/data/philox_kat.txt"

struct kat_vector {
    uint32_t ctr[4], key[2], expected[4];
    int line;
};

/* Reads every "philox4x32 10" line; '#' lines and blank lines are comments. Any other
 * line is an error (returns -1), so a typo cannot silently drop a vector. */
static int kat_parse(FILE *f, const char *path, std::vector<kat_vector> &out, bool quiet)
{
    char line[512];
    int lineno = 0;
    while (std::fgets(line, sizeof line, f)) {
        char name[32];
        int rounds, used = 0;
        unsigned v[10];
        const char *p = line;
        kat_vector k;
        lineno++;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
        if (std::sscanf(p, "%31s %d %x %x %x %x %x %x %x %x %x %x %n", name, &rounds, &v[0], &v[1],
                        &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &used) != 12 ||
            std::strcmp(name, "philox4x32") != 0 || rounds != 10 || p[used] != '\0') {
            if (!quiet) print_error("%s:%d: not a philox4x32 10 vector: %s", path, lineno, line);
            return -1;
        }
        for (int i = 0; i < 4; i++) k.ctr[i] = v[i];
        for (int i = 0; i < 2; i++) k.key[i] = v[4 + i];
        for (int i = 0; i < 4; i++) k.expected[i] = v[6 + i];
        k.line = lineno;
        out.push_back(k);
    }
    return 0;
}

static int kat_read(const char *path, std::vector<kat_vector> &out)
{
    FILE *f = std::fopen(path, "r");
    int rc;
    if (!f) {
        print_error("cannot open %s (run the test from the repository root)\n", path);
        return -1;
    }
    rc = kat_parse(f, path, out, false);
    std::fclose(f);
    return rc;
}

/* The harness guards of Random123's kat_main.h: enough vectors, none all zero (an
 * all-zero expectation could match a function that writes nothing). */
static void kat_load_checked(std::vector<kat_vector> &kats)
{
    assert_int_equal(kat_read(KAT_PATH, kats), 0);
    if (kats.size() < 3)
        fail_msg("only %zu vectors in %s: the harness is broken", kats.size(), KAT_PATH);
    for (const kat_vector &k : kats) {
        if ((k.expected[0] | k.expected[1] | k.expected[2] | k.expected[3]) == 0u)
            fail_msg("%s:%d: expected vector is all zeros", KAT_PATH, k.line);
        if (k.expected[0] == 0xcacacacau && k.expected[1] == 0xcacacacau &&
            k.expected[2] == 0xcacacacau && k.expected[3] == 0xcacacacau)
            fail_msg("%s:%d: expected vector equals the sentinel", KAT_PATH, k.line);
    }
}

// ---- small helpers

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

static uint4 to_uint4(hc_philox_ctr c)
{
    uint4 u;
    u.x = c.v[0];
    u.y = c.v[1];
    u.z = c.v[2];
    u.w = c.v[3];
    return u;
}

static uint2 to_uint2(hc_philox_key k)
{
    uint2 u;
    u.x = k.v[0];
    u.y = k.v[1];
    return u;
}

/* cuRAND's device Philox (curand_philox4x32_x.h), host code path. */
static hc_philox_ctr curand_block(hc_philox_ctr ctr, hc_philox_key key)
{
    uint4 o = curand_Philox4x32_10(to_uint4(ctr), to_uint2(key));
    return mk_ctr(o.x, o.y, o.z, o.w);
}

/* splitmix64: test inputs from a generator that shares nothing with Philox. */
static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// ---- (a) known answers

static void philox_should_reproduce_every_known_answer(void **state)
{
    (void)state;
    std::vector<kat_vector> kats;
    kat_load_checked(kats);
    for (const kat_vector &k : kats) {
        hc_philox_ctr out;
        std::memset(&out, 0xca, sizeof out);
        out = hc_philox4x32_10(mk_ctr(k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3]),
                               mk_key((uint64_t)k.key[1] << 32 | k.key[0]));
        for (int i = 0; i < 4; i++)
            if (out.v[i] != k.expected[i])
                fail_msg("%s:%d: word %d is %08" PRIx32 ", expected %08" PRIx32, KAT_PATH, k.line,
                         i, out.v[i], k.expected[i]);
    }
}

static void curand_philox_should_reproduce_every_known_answer(void **state)
{
    (void)state;
    std::vector<kat_vector> kats;
    kat_load_checked(kats);
    for (const kat_vector &k : kats) {
        uint4 ctr, out;
        uint2 key;
        ctr.x = k.ctr[0];
        ctr.y = k.ctr[1];
        ctr.z = k.ctr[2];
        ctr.w = k.ctr[3];
        key.x = k.key[0];
        key.y = k.key[1];
        std::memset(&out, 0xca, sizeof out);
        out = curand_Philox4x32_10(ctr, key);
        const uint32_t got[4] = {out.x, out.y, out.z, out.w};
        for (int i = 0; i < 4; i++)
            if (got[i] != k.expected[i])
                fail_msg("%s:%d: cuRAND word %d is %08" PRIx32 ", expected %08" PRIx32, KAT_PATH,
                         k.line, i, got[i], k.expected[i]);
    }
}

static int kat_parse_text(const char *text, std::vector<kat_vector> &out)
{
    FILE *f = std::tmpfile();
    int rc;
    assert_non_null(f);
    std::fputs(text, f);
    std::rewind(f);
    rc = kat_parse(f, "(text)", out, true);
    std::fclose(f);
    return rc;
}

static void kat_reader_should_reject_malformed_lines(void **state)
{
    (void)state;
    std::vector<kat_vector> kats;
    /* a word short, the wrong round count, a trailing word */
    assert_int_equal(
        kat_parse_text("# c\nphilox4x32 10 0 0 0 0 0 0   6627e8d5 e169c58d bc57ac4c\n", kats), -1);
    assert_int_equal(
        kat_parse_text("philox4x32 7 0 0 0 0 0 0   5f6fb709 0d893f64 4f121f81 4f730a48\n", kats),
        -1);
    assert_int_equal(
        kat_parse_text("philox4x32 10 0 0 0 0 0 0   6627e8d5 e169c58d bc57ac4c 9b00dbd8 1\n", kats),
        -1);
    assert_int_equal(kats.size(), 0u);
    assert_int_equal(kat_parse_text("\n  # indented comment\nphilox4x32 10 0 0 0 0 0 0   6627e8d5 "
                                    "e169c58d bc57ac4c 9b00dbd8\n",
                                    kats),
                     0);
    assert_int_equal(kats.size(), 1u);
    assert_int_equal(kats[0].expected[3], 0x9b00dbd8u);
}

// ---- (b) the block function equals cuRAND's on many inputs

static void philox_should_equal_curand_on_random_counters_and_keys(void **state)
{
    (void)state;
    uint64_t s = 0x6863636f756e74ull; /* "hccount" */
    const int n = 131072;
    for (int i = 0; i < n; i++) {
        uint64_t a = splitmix64(&s), b = splitmix64(&s), c = splitmix64(&s);
        hc_philox_ctr ctr =
            mk_ctr((uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32));
        /* every eighth input has small words, where carries and zero multiplies live */
        if (i % 8 == 7) ctr = mk_ctr((uint32_t)a & 0xffu, 0u, (uint32_t)b & 0xffu, (uint32_t)i);
        hc_philox_key key = mk_key(c);
        hc_philox_ctr want = curand_block(ctr, key);
        hc_philox_ctr got = hc_philox4x32_10(ctr, key);
        if (std::memcmp(&want, &got, sizeof want) != 0)
            fail_msg("input %d: ctr %08x %08x %08x %08x key %08x %08x: hc %08x.. cuRAND %08x..", i,
                     ctr.v[0], ctr.v[1], ctr.v[2], ctr.v[3], key.v[0], key.v[1], got.v[0],
                     want.v[0]);
    }
}

// ---- (c) hc_rng is curand_init(seed, world << 32 | firm + 1, 4 * (stream << 16 | step) << 32)

static void rng_should_follow_curand_init_mapping(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0ull, 1ull, 20111115ull, 0x123456789abcdef0ull, ~0ull};
    const uint32_t worlds[] = {0u, 1u, 123456u, 0xffffffffu};
    const uint32_t firms1[] = {0u, 1u, 42u, 0xffffffffu};
    const uint32_t streams[] = {0u, HC_STREAM_PRICE_PATH, HC_STREAM_SCALAR_INPUT + 3u,
                                HC_STREAM_ROLE_TOKENS + 63u, 0x3fffu};
    const uint32_t steps[] = {0u, 1u, 39u, 0xffffu};
    const int draws = 16; /* four blocks: crosses three block boundaries */
    int cases = 0;
    for (uint64_t seed : seeds)
        for (uint32_t world : worlds)
            for (uint32_t firm1 : firms1)
                for (uint32_t stream : streams)
                    for (uint32_t step : steps) {
                        curandStatePhilox4_32_10_t cs;
                        hc_rng r;
                        unsigned long long subsequence = (unsigned long long)world << 32 | firm1;
                        unsigned long long offset =
                            4ull * ((unsigned long long)(stream << 16 | step) << 32);
                        curand_init(seed, subsequence, offset, &cs);
                        hc_rng_init(&r, seed, world, firm1, stream, step);
                        for (int n = 0; n < draws; n++) {
                            uint32_t want = curand(&cs), got = hc_rng_next_u32(&r);
                            if (want != got)
                                fail_msg("seed %" PRIx64 " world %" PRIu32 " firm+1 %" PRIu32
                                         " stream %" PRIx32 " step %" PRIu32
                                         " draw %d: hc %08" PRIx32 " cuRAND %08" PRIx32,
                                         seed, world, firm1, stream, step, n, got, want);
                        }
                        cases++;
                    }
    assert_int_equal(cases, 5 * 4 * 4 * 5 * 4);
}

/* The mapping's offset 4 * (y << 32 | block) fits cuRAND's 64-bit offset only while
 * y = stream << 16 | step < 2^30, i.e. stream < 0x4000. Every stream the model defines
 * must stay below that (and inside the 16 bits the counter gives it). */
static void defined_streams_should_fit_the_curand_offset(void **state)
{
    (void)state;
    assert_true(HC_STREAM_PRICE_PATH < 0x4000u);
    assert_true(HC_STREAM_SCALAR_INPUT < HC_STREAM_ROLE_WAGE);
    assert_true(HC_STREAM_ROLE_WAGE + HC_MAX_ROLES <= HC_STREAM_ROLE_TOKENS);
    assert_true(HC_STREAM_ROLE_TOKENS + HC_MAX_ROLES <= 0x4000u);
}

static void curand_should_give_the_cxx26_anchor_and_so_should_rng(void **state)
{
    (void)state;
    curandStatePhilox4_32_10_t cs;
    hc_rng r;
    uint32_t want = 0, got = 0;
    curand_init(20111115ull, 0ull, 0ull, &cs);
    hc_rng_init(&r, 20111115ull, 0u, 0u, 0u, 0u);
    for (int i = 0; i < 10000; i++) {
        want = curand(&cs);
        got = hc_rng_next_u32(&r);
    }
    assert_int_equal(want, 1955073260u);
    assert_int_equal(got, 1955073260u);
    /* and directly: draw 9999 is word 3 of block 2499 */
    assert_int_equal(hc_philox4x32_10(mk_ctr(2499u, 0u, 0u, 0u), mk_key(20111115ull)).v[3],
                     1955073260u);
}

// ---- (d) the host-API generator

/* What libcurand's host generator (curandCreateGeneratorHost, CURAND_RNG_PSEUDO_PHILOX4_32_10)
 * writes, established here on cuRAND 10.4 (CUDA 13.0) and asserted below:
 *
 *   out[i] = Philox4x32_10(ctr = (i / 262144, 0, (i / 4) mod 65536, 0), key(seed))[i mod 4]
 *
 * i.e. 65536 subsequences (curand_init(seed, j, 0) for j < 65536) run side by side, each
 * contributing one 4-word block in turn: out[4j .. 4j+3] is block 0 of subsequence j, and
 * out[262144 b + 4j ..] is block b of it. This is the LEGACY interleaving that the cuRANDDx
 * example philox_random_bits describes ("each four values from one sequence are followed
 * by four values from next sequence"); the count of 65536 subsequences is not documented
 * and was found by experiment, so it is what this test pins down. Also established:
 *   - the generator offset o shifts this flat sequence: with offset o, out'[i] = out[i + o]
 *     (for o not a multiple of 4 as well);
 *   - successive curandGenerate calls continue it (two calls = one call of the sum);
 *   - orderings DEFAULT, BEST and LEGACY give the same output on the host generator;
 *     SEEDED and DYNAMIC are refused there (CURAND_STATUS_OUT_OF_RANGE; seen, not asserted).
 * Not established (no GPU here): that the device-side host-API generator writes the same
 * layout. Its docs say generation on the host gives the same sequence as on the device.
 * Either way this generator is not how headcount draws (see rng_should_follow_curand_init_mapping).
 */
static uint32_t host_layout_word(uint64_t seed, uint64_t i)
{
    uint64_t round = i / 262144u;
    hc_philox_ctr c =
        mk_ctr((uint32_t)round, (uint32_t)(round >> 32), (uint32_t)((i / 4u) % 65536u), 0u);
    return hc_philox4x32_10(c, mk_key(seed)).v[i % 4u];
}

static curandGenerator_t host_generator(uint64_t seed, uint64_t offset, curandOrdering_t order)
{
    curandGenerator_t g;
    assert_int_equal(curandCreateGeneratorHost(&g, CURAND_RNG_PSEUDO_PHILOX4_32_10),
                     CURAND_STATUS_SUCCESS);
    assert_int_equal(curandSetPseudoRandomGeneratorSeed(g, seed), CURAND_STATUS_SUCCESS);
    assert_int_equal(curandSetGeneratorOffset(g, offset), CURAND_STATUS_SUCCESS);
    assert_int_equal(curandSetGeneratorOrdering(g, order), CURAND_STATUS_SUCCESS);
    return g;
}

static void host_generator_should_interleave_65536_subsequences_by_block(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0ull, 1234ull, 0x123456789abcdef0ull};
    const size_t n = (size_t)1 << 20; /* four rounds of 65536 blocks */
    std::vector<unsigned int> out(n);
    for (uint64_t seed : seeds) {
        curandGenerator_t g = host_generator(seed, 0, CURAND_ORDERING_PSEUDO_DEFAULT);
        std::memset(out.data(), 0xca, n * sizeof(unsigned int));
        assert_int_equal(curandGenerate(g, out.data(), n), CURAND_STATUS_SUCCESS);
        for (size_t i = 0; i < n; i++)
            if (out[i] != host_layout_word(seed, i))
                fail_msg("seed %" PRIx64 ": out[%zu] = %08x, layout says %08" PRIx32, seed, i,
                         out[i], host_layout_word(seed, i));
        /* the same in device-API terms: block 1 of curand_init(seed, 12345, 0) */
        curandStatePhilox4_32_10_t cs;
        curand_init(seed, 12345ull, 4ull, &cs);
        for (int w = 0; w < 4; w++)
            assert_int_equal(curand(&cs), out[262144u + 4u * 12345u + (unsigned)w]);
        assert_int_equal(curandDestroyGenerator(g), CURAND_STATUS_SUCCESS);
    }
    /* The first block of seed 0 is the Random123 zero vector. */
    assert_int_equal(host_layout_word(0, 0), 0x6627e8d5u);
}

static void host_generator_offset_should_shift_the_flat_sequence(void **state)
{
    (void)state;
    const uint64_t seed = 1234u;
    const uint64_t offsets[] = {1u, 3u, 8u, 1000u, 262143u, 3u * 262144u + 5u, (1ull << 40) + 7u};
    const size_t n = 70000; /* more than one round of blocks, not a multiple of 4 */
    std::vector<unsigned int> out(n);
    for (uint64_t off : offsets) {
        curandGenerator_t g = host_generator(seed, off, CURAND_ORDERING_PSEUDO_DEFAULT);
        assert_int_equal(curandGenerate(g, out.data(), n), CURAND_STATUS_SUCCESS);
        for (size_t i = 0; i < n; i++)
            if (out[i] != host_layout_word(seed, i + off))
                fail_msg("offset %" PRIu64 ": out[%zu] = %08x, layout says %08" PRIx32, off, i,
                         out[i], host_layout_word(seed, i + off));
        assert_int_equal(curandDestroyGenerator(g), CURAND_STATUS_SUCCESS);
    }
}

static void host_generator_calls_should_continue_the_sequence(void **state)
{
    (void)state;
    const uint64_t seed = 0x123456789abcdef0ull;
    curandGenerator_t g = host_generator(seed, 0, CURAND_ORDERING_PSEUDO_DEFAULT);
    std::vector<unsigned int> a(7), b(262150), c(13);
    assert_int_equal(curandGenerate(g, a.data(), a.size()), CURAND_STATUS_SUCCESS);
    assert_int_equal(curandGenerate(g, b.data(), b.size()), CURAND_STATUS_SUCCESS);
    assert_int_equal(curandGenerate(g, c.data(), c.size()), CURAND_STATUS_SUCCESS);
    uint64_t i = 0;
    for (unsigned int v : a) assert_int_equal(v, host_layout_word(seed, i++));
    for (unsigned int v : b) assert_int_equal(v, host_layout_word(seed, i++));
    for (unsigned int v : c) assert_int_equal(v, host_layout_word(seed, i++));
    assert_int_equal(curandDestroyGenerator(g), CURAND_STATUS_SUCCESS);
}

static void host_generator_orderings_should_agree(void **state)
{
    (void)state;
    const uint64_t seed = 77u;
    const size_t n = 300000;
    std::vector<unsigned int> def(n), other(n);
    curandGenerator_t g = host_generator(seed, 0, CURAND_ORDERING_PSEUDO_DEFAULT);
    assert_int_equal(curandGenerate(g, def.data(), n), CURAND_STATUS_SUCCESS);
    assert_int_equal(curandDestroyGenerator(g), CURAND_STATUS_SUCCESS);
    const curandOrdering_t same[] = {CURAND_ORDERING_PSEUDO_BEST, CURAND_ORDERING_PSEUDO_LEGACY};
    for (curandOrdering_t o : same) {
        g = host_generator(seed, 0, o);
        assert_int_equal(curandGenerate(g, other.data(), n), CURAND_STATUS_SUCCESS);
        assert_memory_equal(def.data(), other.data(), n * sizeof(unsigned int));
        assert_int_equal(curandDestroyGenerator(g), CURAND_STATUS_SUCCESS);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(philox_should_reproduce_every_known_answer),
        cmocka_unit_test(curand_philox_should_reproduce_every_known_answer),
        cmocka_unit_test(kat_reader_should_reject_malformed_lines),
        cmocka_unit_test(philox_should_equal_curand_on_random_counters_and_keys),
        cmocka_unit_test(rng_should_follow_curand_init_mapping),
        cmocka_unit_test(defined_streams_should_fit_the_curand_offset),
        cmocka_unit_test(curand_should_give_the_cxx26_anchor_and_so_should_rng),
        cmocka_unit_test(host_generator_should_interleave_65536_subsequences_by_block),
        cmocka_unit_test(host_generator_offset_should_shift_the_flat_sequence),
        cmocka_unit_test(host_generator_calls_should_continue_the_sequence),
        cmocka_unit_test(host_generator_orderings_should_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
