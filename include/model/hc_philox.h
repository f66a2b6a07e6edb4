/* hc_philox.h: Philox4x32-10 and the counter layout that addresses every random draw.
 *
 * Bit-identical to cuRAND's curand_Philox4x32_10 (tests/kat_philox_curand.cpp checks it
 * against cuRAND's own host code path and Random123's known answers). The CPU backend
 * calls these functions; the CUDA kernels call the same ones.
 *
 * Counter layout (docs/model.md "Randomness"): a draw is named by what it is, never by
 * the thread, chunk or process that computes it:
 *
 *   key     = seed (64 bits: key.x = low word, key.y = high word)
 *   ctr.x   = block: the n-th 128-bit block of this (world, firm, stream, step)
 *   ctr.y   = stream << 16 | step     (stream: which input or process; step 0..65535)
 *   ctr.z   = firm + 1                (0 for world-level draws)
 *   ctr.w   = world
 *
 * In cuRAND's terms this is curand_init(seed, subsequence = world << 32 | (firm + 1),
 * offset = 4 * ((stream << 16 | step) << 32 | block)). */
#ifndef HC_PHILOX_H
#define HC_PHILOX_H

#include "hc_defs.h"

#define HC_PHILOX_M0 0xD2511F53u
#define HC_PHILOX_M1 0xCD9E8D57u
#define HC_PHILOX_W0 0x9E3779B9u /* golden ratio */
#define HC_PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

typedef struct { uint32_t v[4]; } hc_philox_ctr;
typedef struct { uint32_t v[2]; } hc_philox_key;

HC_HD void hc_philox_round(uint32_t c[4], const uint32_t k[2])
{
    uint64_t p0 = (uint64_t)HC_PHILOX_M0 * c[0];
    uint64_t p1 = (uint64_t)HC_PHILOX_M1 * c[2];
    uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
    uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
    uint32_t c1 = c[1], c3 = c[3];
    c[0] = hi1 ^ c1 ^ k[0];
    c[1] = lo1;
    c[2] = hi0 ^ c3 ^ k[1];
    c[3] = lo0;
}

/* Philox4x32 with 10 rounds: out = Philox(ctr, key). */
HC_HD hc_philox_ctr hc_philox4x32_10(hc_philox_ctr ctr, hc_philox_key key)
{
    uint32_t c[4], k[2];
    int i;
    for (i = 0; i < 4; i++) c[i] = ctr.v[i];
    k[0] = key.v[0];
    k[1] = key.v[1];
    for (i = 0; i < 10; i++) {
        if (i > 0) {
            k[0] += HC_PHILOX_W0;
            k[1] += HC_PHILOX_W1;
        }
        hc_philox_round(c, k);
    }
    for (i = 0; i < 4; i++) ctr.v[i] = c[i];
    return ctr;
}

/* ---- streams: which input or process a draw belongs to (the `stream` counter field) */

#define HC_STREAM_PRICE_PATH 0x0001u      /**< per world and step: price noise and shock */
#define HC_STREAM_SCALAR_INPUT 0x0100u    /**< + hc_input_id */
#define HC_STREAM_ROLE_WAGE 0x0200u       /**< + role index */
#define HC_STREAM_ROLE_TOKENS 0x0300u     /**< + role index */
#define HC_STREAM_BLEND 0x0400u           /**< per world, step 0: which component of a blend it takes (src/plan/blend.c) */

/* ---- uniform conversion */

/* 32 random bits to a double in the open interval (0, 1): (x + 0.5) / 2^32. Neither 0
 * nor 1 can come out, so log(u), log(1 - u) and inverse CDFs never see an endpoint. */
HC_HD double hc_u01_open_open(uint32_t x)
{
    return ((double)x + 0.5) * (1.0 / 4294967296.0);
}

/* ---- a stream of uniforms for one (world, firm, stream, step) */

/* Draws come four to a Philox block; a sampler that needs more (rejection methods)
 * moves on to the next block. The state is local to one draw site, so how many
 * uniforms one input consumes never shifts the draws of another. */
typedef struct {
    hc_philox_ctr ctr;
    hc_philox_key key;
    hc_philox_ctr block;
    int used; /* words of `block` already handed out; 4 = need a new block */
} hc_rng;

HC_HD void hc_rng_init(hc_rng *r, uint64_t seed, uint32_t world, uint32_t firm_plus_1,
                       uint32_t stream, uint32_t step)
{
    r->key.v[0] = (uint32_t)seed;
    r->key.v[1] = (uint32_t)(seed >> 32);
    r->ctr.v[0] = 0u;
    r->ctr.v[1] = (stream << 16) | (step & 0xFFFFu);
    r->ctr.v[2] = firm_plus_1;
    r->ctr.v[3] = world;
    /* Never read before the first hc_rng_next_u32 fills it (used = 4); zeroed only so that
     * gcc's -Wmaybe-uninitialized, which cannot see that through the select chain below
     * once a mixture's draw is inlined (ASan builds), stays quiet. */
    r->block.v[0] = r->block.v[1] = r->block.v[2] = r->block.v[3] = 0u;
    r->used = 4;
}

/* hc_rng_init with the stream's first block already computed (`block0`: Philox at block 0
 * of this counter). The CPU engine computes the first blocks of 16 firms' streams together,
 * in vector lanes (src/engines/engine_cpu_firms.h), and hands each firm its own; the words
 * that follow, block 1 and on for a rejection sampler, are those of hc_rng_init's stream. */
HC_HD void hc_rng_init_first(hc_rng *r, uint64_t seed, uint32_t world, uint32_t firm_plus_1, uint32_t stream,
                             uint32_t step, const uint32_t block0[4])
{
    hc_rng_init(r, seed, world, firm_plus_1, stream, step);
    r->block.v[0] = block0[0];
    r->block.v[1] = block0[1];
    r->block.v[2] = block0[2];
    r->block.v[3] = block0[3];
    r->ctr.v[0] = 1u;
    r->used = 0;
}

HC_HD uint32_t hc_rng_next_u32(hc_rng *r)
{
    if (r->used == 4) {
        r->block = hc_philox4x32_10(r->ctr, r->key);
        r->ctr.v[0] += 1u;
        r->used = 0;
    }
    {
        /* A chain of selects, not block.v[used]: on the GPU a run-time index would move
         * the generator to local memory (kernels/ must run without a stack frame). The
         * same word either way. */
        const int i = r->used++;
        return i == 0 ? r->block.v[0] : i == 1 ? r->block.v[1] : i == 2 ? r->block.v[2] : r->block.v[3];
    }
}

HC_HD double hc_rng_uniform(hc_rng *r) { return hc_u01_open_open(hc_rng_next_u32(r)); }

#endif
