/* Random streams: (seed, replication, purpose) -> a private gsl_rng_mt19937.
 *
 * Everything here is reentrant: a stream owns its generator and the derivation is a pure
 * function of its arguments, so replications on different threads never share state.
 */
#include "aidflow/random.h"

#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "base/hash.h"

struct af_rng {
    gsl_rng *gen;
};

/* One splitmix64 step from state x (Steele, Lea and Flood 2014; Vigna's reference code).
 * A bijection on 64-bit values, so distinct inputs at any one stage stay distinct. */
static uint64_t splitmix64(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t af_stream_seed(uint64_t seed, uint64_t replication, const char *purpose)
{
    /* Each input is folded in after a full mix of the previous ones, so that for a fixed
     * seed and purpose the map replication -> stream seed is a bijection (no two
     * replications of one purpose can collide), and likewise for purpose hashes. */
    uint64_t h = splitmix64(seed);
    h = splitmix64(h ^ replication);
    h = splitmix64(h ^ af_fnv1a_str(AF_FNV1A_INIT, purpose ? purpose : ""));
    return h;
}

/* GSL's mt19937 state, as laid out in GSL's rng/mt.c since GSL 1.0 (624 32-bit words held in
 * unsigned longs, and the index of the next word). */
typedef struct mt_state {
    unsigned long mt[624];
    int mti;
} mt_state;

/* Seeds the generator from all 64 bits of the stream seed.
 *
 * gsl_rng_set keeps only 32 bits of its seed, so two of some 77,000 streams would share a
 * generator seed (the birthday bound on 2^32), and a sweep of thousands of replications over
 * dozens of purposes would silently draw identical numbers for two of them. Instead, the
 * whole 624-word state is filled from a splitmix64 sequence started at the 64-bit seed, as
 * Matsumoto and Nishimura's init_by_array fills it from a key. The first word gets its top
 * bit set, which keeps the state away from all zeros (the reference code does the same).
 * If this GSL's state is not laid out as above (checked by its size), fall back to the
 * 32-bit public seeding rather than write into memory we do not understand. */
static void seed_full_state(gsl_rng *gen, uint64_t s)
{
    gsl_rng_set(gen, (unsigned long)((s ^ (s >> 32)) & UINT64_C(0xffffffff)));
    if (gsl_rng_size(gen) != sizeof(mt_state)) return;
    mt_state *st = gsl_rng_state(gen);
    for (uint64_t i = 0; i < 624; i++) {
        /* The splitmix64 generator: output i mixes s + i * gamma (splitmix64() adds one
         * more gamma itself). */
        st->mt[i] = (unsigned long)(splitmix64(s + i * UINT64_C(0x9e3779b97f4a7c15)) >> 32);
    }
    st->mt[0] |= 0x80000000UL;
    st->mti = 624; /* regenerate the whole block before the first draw */
}

af_rng *af_rng_create(uint64_t seed, uint64_t replication, const char *purpose)
{
    af_rng *rng = malloc(sizeof *rng);
    if (!rng) return NULL;
    /* gsl_rng_alloc reports failure through the GSL error handler as well; main() turns that
     * handler off, so the NULL check is what matters. */
    rng->gen = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng->gen) {
        free(rng);
        return NULL;
    }
    seed_full_state(rng->gen, af_stream_seed(seed, replication, purpose));
    return rng;
}

void af_rng_destroy(af_rng *rng)
{
    if (!rng) return;
    gsl_rng_free(rng->gen);
    free(rng);
}

double af_rng_uniform(af_rng *rng)
{
    return gsl_rng_uniform(rng->gen);
}

double af_rng_uniform_pos(af_rng *rng)
{
    return gsl_rng_uniform_pos(rng->gen);
}

void *af_rng_gsl(af_rng *rng)
{
    return rng->gen;
}
