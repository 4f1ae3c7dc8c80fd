/* Random streams: (seed, replication, purpose) -> a private MT19937, the same generator and
 * the same numbers as GSL's gsl_rng_mt19937 (random_impl.h says why it is written here), and a
 * gsl_rng on it for gsl_ran_*.
 *
 * Everything here is reentrant: a stream owns its generator and the derivation is a pure
 * function of its arguments, so replications on different threads never share state.
 */
#include "aidflow/random.h"

#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "base/hash.h"
#include "engine/random_impl.h"

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

/* MT19937's block regeneration, as GSL's mt_get does it (and Matsumoto and Nishimura's
 * genrand_int32): word k becomes word k+397 xor the twist of the top bit of word k and the low
 * 31 bits of word k+1, indices modulo 624, in three runs so that no index needs a modulo. The
 * twist's conditional xor is written as a mask so that the compiler can vectorise the runs.
 * Then the whole block is tempered into out, as mt_get tempers each word when it draws it. */
void af_mt_regenerate(af_mt *m)
{
    const uint32_t upper = UINT32_C(0x80000000), lower = UINT32_C(0x7fffffff);
    const uint32_t matrix_a = UINT32_C(0x9908b0df);
    uint32_t *w = m->w;
    int k = 0;
    for (; k < AF_MT_N - AF_MT_M; k++) {
        uint32_t y = (w[k] & upper) | (w[k + 1] & lower);
        w[k] = w[k + AF_MT_M] ^ (y >> 1) ^ (-(y & 1u) & matrix_a);
    }
    for (; k < AF_MT_N - 1; k++) {
        uint32_t y = (w[k] & upper) | (w[k + 1] & lower);
        w[k] = w[k + (AF_MT_M - AF_MT_N)] ^ (y >> 1) ^ (-(y & 1u) & matrix_a);
    }
    uint32_t y = (w[AF_MT_N - 1] & upper) | (w[0] & lower);
    w[AF_MT_N - 1] = w[AF_MT_M - 1] ^ (y >> 1) ^ (-(y & 1u) & matrix_a);
    for (k = 0; k < AF_MT_N; k++) m->out[k] = af_mt_temper(w[k]);
    m->next = 0;
}

uint32_t af_mt_next_block(af_mt *m)
{
    af_mt_regenerate(m);
    m->next = 1;
    return m->out[0];
}

/* The gsl_rng_type of an af_rng's gsl_rng: GSL's mt19937 (name, range, seeding by gsl_rng_set,
 * outputs) on the af_mt state, so that gsl_ran_* through af_rng_gsl() draw the stream's next
 * numbers. */
static unsigned long mt_get(void *state)
{
    return af_mt_next(state);
}

static double mt_get_double(void *state)
{
    return (double)af_mt_next(state) * 0x1p-32;
}

/* GSL's mt_set (the 2002 seeding of MT19937, Knuth's multiplier): what gsl_rng_set does to a
 * gsl_rng_mt19937. af_rng_create does not use it (see seed_full_state); it is here so that a
 * caller's gsl_rng_set on af_rng_gsl() behaves as on GSL's own generator. */
static void mt_set(void *state, unsigned long seed)
{
    af_mt *m = state;
    if (seed == 0) seed = 4357; /* GSL's default seed */
    m->w[0] = (uint32_t)(seed & 0xffffffffUL);
    for (uint32_t i = 1; i < AF_MT_N; i++)
        m->w[i] = UINT32_C(1812433253) * (m->w[i - 1] ^ (m->w[i - 1] >> 30)) + i;
    m->next = AF_MT_N;
}

static const gsl_rng_type mt_type = {
    "mt19937", 0xffffffffUL, 0, sizeof(af_mt), mt_set, mt_get, mt_get_double,
};

/* Seeds the generator from all 64 bits of the stream seed.
 *
 * gsl_rng_set keeps only 32 bits of its seed, so two of some 77,000 streams would share a
 * generator seed (the birthday bound on 2^32), and a sweep of thousands of replications over
 * dozens of purposes would silently draw identical numbers for two of them. Instead, the
 * whole 624-word state is filled from a splitmix64 sequence started at the 64-bit seed, as
 * Matsumoto and Nishimura's init_by_array fills it from a key. The first word gets its top
 * bit set, which keeps the state away from all zeros (the reference code does the same). */
static void seed_full_state(af_mt *m, uint64_t s)
{
    for (uint64_t i = 0; i < AF_MT_N; i++) {
        /* The splitmix64 generator: output i mixes s + i * gamma (splitmix64() adds one
         * more gamma itself). */
        m->w[i] = (uint32_t)(splitmix64(s + i * UINT64_C(0x9e3779b97f4a7c15)) >> 32);
    }
    m->w[0] |= UINT32_C(0x80000000);
    m->next = AF_MT_N; /* regenerate the whole block before the first draw */
}

af_rng *af_rng_create(uint64_t seed, uint64_t replication, const char *purpose)
{
    af_rng *rng = malloc(sizeof *rng);
    if (!rng) return NULL;
    seed_full_state(&rng->mt, af_stream_seed(seed, replication, purpose));
    rng->gsl.type = &mt_type;
    rng->gsl.state = &rng->mt;
    return rng;
}

void af_rng_destroy(af_rng *rng)
{
    free(rng);
}

double af_rng_uniform(af_rng *rng)
{
    return af_rng_uniform_inline(rng);
}

double af_rng_uniform_pos(af_rng *rng)
{
    return af_rng_uniform_pos_inline(rng);
}

void *af_rng_gsl(af_rng *rng)
{
    return &rng->gsl;
}
