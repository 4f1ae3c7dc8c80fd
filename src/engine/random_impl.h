/* The layout of an af_rng and its draws as inline functions, for the engine's own files:
 * random.c's public af_rng_uniform and af_rng_uniform_pos are these, and distributions.c calls
 * them here so that a draw is a few instructions in line instead of three calls through GSL's
 * function pointers. Not a public header.
 *
 * The generator is MT19937 (Matsumoto and Nishimura 1998) exactly as GSL's gsl_rng_mt19937
 * computes it (GSL's rng/mt.c): the same block regeneration of 624 words, the same tempering,
 * the same word / 2^32 as the double of gsl_rng_uniform, the same redraw on an exact 0 as
 * gsl_rng_uniform_pos. It is written here, not called in GSL, only for speed; the unit test
 * (tests/unit/engine/test_random.c) draws millions of numbers from it and from GSL's own
 * gsl_rng_mt19937 and requires every one equal, so GSL stays the reference. */
#ifndef AF_ENGINE_RANDOM_IMPL_H
#define AF_ENGINE_RANDOM_IMPL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "aidflow/random.h"

enum { AF_MT_N = 624, AF_MT_M = 397 };

/* MT19937's state: 624 32-bit words; their 624 outputs (each word tempered, done for the
 * whole block when it is regenerated, where the compiler vectorises it); and the index of the
 * next output (AF_MT_N: the block is used up and is regenerated before the next draw). */
typedef struct af_mt {
    uint32_t w[AF_MT_N];
    uint32_t out[AF_MT_N];
    int next;
} af_mt;

/* A stream: its generator, and a gsl_rng whose state is that same generator (random.c's
 * gsl_rng_type), so that gsl_ran_* on af_rng_gsl() and af_rng_uniform draw from one sequence
 * in whatever mix a caller uses them. */
struct af_rng {
    af_mt mt;
    gsl_rng gsl;
};

/* MT19937's tempering of a state word into an output. */
static inline uint32_t af_mt_temper(uint32_t y)
{
    y ^= y >> 11;
    y ^= (y << 7) & UINT32_C(0x9d2c5680);
    y ^= (y << 15) & UINT32_C(0xefc60000);
    y ^= y >> 18;
    return y;
}

/* Regenerates the block of 624 words, tempers them into out and sets next to 0 (random.c). */
void af_mt_regenerate(af_mt *m);

/* Regenerates the block and returns its first output (random.c): the next output of a
 * generator whose block is used up, out of line so that the inline draw holds no call on its
 * usual way (and the exported draws need no stack frame there). */
uint32_t af_mt_next_block(af_mt *m);

/* The next 32-bit output: GSL's mt_get. */
static inline uint32_t af_mt_next(af_mt *m)
{
    int k = m->next;
    if (k >= AF_MT_N) return af_mt_next_block(m);
    m->next = k + 1;
    return m->out[k];
}

/* Uniform on [0, 1): GSL's mt_get_double, output / 4294967296.0. The product by 2^-32 is
 * the same double (both are exact: a 32-bit integer scaled by a power of two). */
static inline double af_rng_uniform_inline(af_rng *rng)
{
    return (double)af_mt_next(&rng->mt) * 0x1p-32;
}

/* Uniform on (0, 1): gsl_rng_uniform_pos, which redraws on an exact 0. */
static inline double af_rng_uniform_pos_inline(af_rng *rng)
{
    double x;
    do {
        x = af_rng_uniform_inline(rng);
    } while (x == 0);
    return x;
}

#endif
