/* Tests of src/engine/random.c: stream derivation and the af_rng wrapper. */
#include "af_test.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "aidflow/random.h"

/* Independent reference implementations, checked against published test vectors below, so a
 * change to the derivation (which would silently change every result ever produced) fails. */
static uint64_t ref_fnv1a64(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static uint64_t ref_splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t ref_mix(uint64_t x)
{
    return ref_splitmix64_next(&x);
}

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

static void test_reference_vectors(void **state)
{
    (void)state;
    /* FNV-1a 64 vectors from the FNV reference (Fowler, Noll, Vo). */
    assert_true(ref_fnv1a64("") == UINT64_C(0xcbf29ce484222325));
    assert_true(ref_fnv1a64("a") == UINT64_C(0xaf63dc4c8601ec8c));
    assert_true(ref_fnv1a64("foobar") == UINT64_C(0x85944171f73967e8));
    /* splitmix64 from state 0, as in Vigna's splitmix64.c. */
    uint64_t s = 0;
    assert_true(ref_splitmix64_next(&s) == UINT64_C(0xe220a8397b1dcdaf));
    assert_true(ref_splitmix64_next(&s) == UINT64_C(0x6e789e6aa1b965f4));
    assert_true(ref_splitmix64_next(&s) == UINT64_C(0x06c45d188009454f));
}

static void test_stream_seed_matches_specification(void **state)
{
    (void)state;
    static const char *const purposes[] = {"", "arrivals/al_arish", "service/kerem_shalom",
                                           "\xc3\xa9t\xc3\xa9"};
    static const uint64_t seeds[] = {0, 1, 42, UINT64_C(0xffffffffffffffff)};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        for (uint64_t rep = 0; rep < 5; rep++)
            for (size_t j = 0; j < sizeof purposes / sizeof purposes[0]; j++) {
                uint64_t want = ref_mix(ref_mix(ref_mix(seeds[i]) ^ rep) ^
                                        ref_fnv1a64(purposes[j]));
                assert_true(af_stream_seed(seeds[i], rep, purposes[j]) == want);
            }
    /* Pinned values: the same on every platform and compiler. */
    assert_true(af_stream_seed(0, 0, "") == UINT64_C(0x7dc2c42b173ebf65));
    assert_true(af_stream_seed(42, 3, "arrivals/al_arish") == UINT64_C(0xecc14a1b40177b5d));
}

static void test_stream_seed_is_pure(void **state)
{
    (void)state;
    uint64_t a = af_stream_seed(7, 11, "service/kerem_shalom");
    for (int i = 0; i < 100; i++) af_stream_seed((uint64_t)i, (uint64_t)i, "noise");
    assert_true(af_stream_seed(7, 11, "service/kerem_shalom") == a);
    /* A NULL purpose is the empty purpose. */
    assert_true(af_stream_seed(7, 11, NULL) == af_stream_seed(7, 11, ""));
}

enum { AVALANCHE_PAIRS = 20000 };

/* Averages over AVALANCHE_PAIRS input pairs. For an ideal mix each output bit flips with
 * probability 1/2 independently, so the mean flip count is 32 with standard error
 * 4 / sqrt(20000) = 0.028 and each bit's flip rate is 0.5 with standard error 0.0035.
 * The bounds below (32 +- 1, 0.5 +- 0.05) are more than 14 standard errors wide: they fail
 * only for a mix that is really biased, and are much tighter than the 24..40 a weak mix
 * (one splitmix round over a plain sum, say) could still reach. */
static void check_avalanche(const uint64_t *a, const uint64_t *b, const char *what)
{
    double total = 0;
    int per_bit[64] = {0};
    for (int i = 0; i < AVALANCHE_PAIRS; i++) {
        uint64_t x = a[i] ^ b[i];
        total += popcount64(x);
        for (int k = 0; k < 64; k++) per_bit[k] += (int)((x >> k) & 1u);
    }
    double mean = total / AVALANCHE_PAIRS;
    if (!(mean >= 31.0 && mean <= 33.0)) fail_msg("%s: mean flipped bits %.3f", what, mean);
    for (int k = 0; k < 64; k++) {
        double rate = (double)per_bit[k] / AVALANCHE_PAIRS;
        if (!(rate >= 0.45 && rate <= 0.55)) fail_msg("%s: bit %d flips at rate %.4f", what, k, rate);
    }
}

static void test_stream_seed_avalanche(void **state)
{
    (void)state;
    uint64_t *a = malloc(AVALANCHE_PAIRS * sizeof *a);
    uint64_t *b = malloc(AVALANCHE_PAIRS * sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    uint64_t gen = 12345;
    char p1[32], p2[32];

    for (int i = 0; i < AVALANCHE_PAIRS; i++) {
        uint64_t seed = ref_splitmix64_next(&gen), rep = ref_splitmix64_next(&gen) >> 40;
        a[i] = af_stream_seed(seed, rep, "arrivals/al_arish");
        b[i] = af_stream_seed(seed, rep + 1, "arrivals/al_arish");
    }
    check_avalanche(a, b, "replication + 1");

    for (int i = 0; i < AVALANCHE_PAIRS; i++) {
        uint64_t seed = ref_splitmix64_next(&gen);
        int bit = (int)(ref_splitmix64_next(&gen) % 64);
        a[i] = af_stream_seed(seed, 0, "service/rafah");
        b[i] = af_stream_seed(seed ^ (UINT64_C(1) << bit), 0, "service/rafah");
    }
    check_avalanche(a, b, "one seed bit");

    for (int i = 0; i < AVALANCHE_PAIRS; i++) {
        uint64_t seed = ref_splitmix64_next(&gen);
        snprintf(p1, sizeof p1, "station/%d", i);
        snprintf(p2, sizeof p2, "station/%d", i + 1);
        a[i] = af_stream_seed(seed, 1, p1);
        b[i] = af_stream_seed(seed, 1, p2);
    }
    check_avalanche(a, b, "purpose");

    free(a);
    free(b);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* For a fixed seed and purpose, replication -> stream seed is a bijection by construction;
 * check it on the first 100000 replications (any collision is a bug, not bad luck). */
static void test_stream_seed_replications_distinct(void **state)
{
    (void)state;
    enum { N = 100000 };
    uint64_t *s = malloc(N * sizeof *s);
    assert_non_null(s);
    for (uint64_t r = 0; r < N; r++) s[r] = af_stream_seed(2024, r, "arrivals/al_arish");
    qsort(s, N, sizeof *s, cmp_u64);
    for (size_t i = 1; i < N; i++) assert_true(s[i] != s[i - 1]);
    free(s);
}

static void test_same_inputs_same_sequence(void **state)
{
    (void)state;
    af_rng *a = af_rng_create(42, 3, "arrivals/al_arish");
    af_rng *b = af_rng_create(42, 3, "arrivals/al_arish");
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < 10000; i++) {
        double x = af_rng_uniform(a), y = af_rng_uniform(b);
        if (x != y) fail_msg("draw %d: %.17g != %.17g", i, x, y);
    }
    af_rng_destroy(a);
    af_rng_destroy(b);
}

/* Counts equal positions among the first 200 draws. Two unrelated 32-bit streams agree at a
 * position with probability 2^-32, so more than one agreement means the streams are not
 * independent. */
static int agreements(af_rng *a, af_rng *b)
{
    int same = 0;
    for (int i = 0; i < 200; i++) same += af_rng_uniform(a) == af_rng_uniform(b);
    return same;
}

static void test_different_inputs_differ(void **state)
{
    (void)state;
    struct {
        uint64_t seed, rep;
        const char *purpose;
    } v[] = {
        {42, 3, "arrivals/al_arish"},  {42, 4, "arrivals/al_arish"},
        {43, 3, "arrivals/al_arish"},  {42, 3, "arrivals/kerem_shalom"},
        {42, 3, "arrivals/al_arisg"},  {UINT64_C(42) | (UINT64_C(1) << 40), 3, "arrivals/al_arish"},
    };
    size_t n = sizeof v / sizeof v[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            af_rng *a = af_rng_create(v[i].seed, v[i].rep, v[i].purpose);
            af_rng *b = af_rng_create(v[j].seed, v[j].rep, v[j].purpose);
            assert_non_null(a);
            assert_non_null(b);
            int same = agreements(a, b);
            if (same > 1) fail_msg("streams %zu and %zu agree at %d of 200 draws", i, j, same);
            af_rng_destroy(a);
            af_rng_destroy(b);
        }
}

static void test_uniform_range_and_moments(void **state)
{
    (void)state;
    enum { N = 1000000 };
    af_rng *r = af_rng_create(1, 0, "uniform-test");
    assert_non_null(r);
    double sum = 0, sumsq = 0;
    for (int i = 0; i < N; i++) {
        double u = af_rng_uniform(r);
        if (!(u >= 0.0 && u < 1.0)) fail_msg("draw %d = %.17g outside [0, 1)", i, u);
        sum += u;
        sumsq += (u - 0.5) * (u - 0.5);
    }
    /* Mean: standard error sqrt(1/12 / N) = 2.9e-4; allow 4 of them. */
    double se_mean = sqrt(1.0 / 12.0 / N);
    af_assert_in_range(sum / N, 0.5 - 4 * se_mean, 0.5 + 4 * se_mean);
    /* Variance about the true mean: Var((u-1/2)^2) = 1/80 - 1/144, so its standard error is
     * sqrt((1/80 - 1/144) / N) = 7.5e-5; allow 4 of them. */
    double se_var = sqrt((1.0 / 80.0 - 1.0 / 144.0) / N);
    af_assert_in_range(sumsq / N, 1.0 / 12.0 - 4 * se_var, 1.0 / 12.0 + 4 * se_var);

    for (int i = 0; i < N; i++) {
        double u = af_rng_uniform_pos(r);
        if (!(u > 0.0 && u < 1.0)) fail_msg("draw %d = %.17g outside (0, 1)", i, u);
    }
    af_rng_destroy(r);
}

static void test_streams_share_no_state(void **state)
{
    (void)state;
    enum { N = 5000 };
    static double sa[N], sb[N];
    af_rng *a = af_rng_create(9, 0, "a");
    af_rng *b = af_rng_create(9, 0, "b");
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < N; i++) sa[i] = af_rng_uniform(a);
    for (int i = 0; i < N; i++) sb[i] = af_rng_uniform(b);
    af_rng_destroy(a);
    af_rng_destroy(b);

    a = af_rng_create(9, 0, "a");
    b = af_rng_create(9, 0, "b");
    assert_non_null(a);
    assert_non_null(b);
    for (int i = 0; i < N; i++) {
        /* Uneven interleaving: b is drawn twice as often in bursts, then catches up. */
        double y = (i % 3 == 0) ? af_rng_uniform(b) : NAN;
        double x = af_rng_uniform(a);
        if (x != sa[i]) fail_msg("a draw %d changed when interleaved", i);
        if (i % 3 == 0 && y != sb[i / 3]) fail_msg("b draw %d changed when interleaved", i / 3);
    }
    for (int i = (N + 2) / 3; i < N; i++)
        if (af_rng_uniform(b) != sb[i]) fail_msg("b draw %d changed when interleaved", i);
    af_rng_destroy(a);
    af_rng_destroy(b);
}

enum { THREAD_DRAWS = 200000 };

struct thread_job {
    const char *purpose;
    double sum;
    uint32_t hash;
};

static void *thread_draw(void *arg)
{
    struct thread_job *job = arg;
    af_rng *r = af_rng_create(77, 1, job->purpose);
    if (!r) return NULL;
    gsl_rng *g = af_rng_gsl(r);
    uint32_t h = 2166136261u;
    double sum = 0;
    for (int i = 0; i < THREAD_DRAWS; i++) {
        unsigned long x = gsl_rng_get(g);
        h = (h ^ (uint32_t)x) * 16777619u;
        sum += af_rng_uniform(r);
    }
    job->sum = sum;
    job->hash = h;
    af_rng_destroy(r);
    return job;
}

/* Two threads with two streams at once get what each gets alone. */
static void test_two_threads(void **state)
{
    (void)state;
    struct thread_job alone[2] = {{"arrivals/x", 0, 0}, {"service/y", 0, 0}};
    struct thread_job together[2] = {{"arrivals/x", 0, 0}, {"service/y", 0, 0}};
    assert_non_null(thread_draw(&alone[0]));
    assert_non_null(thread_draw(&alone[1]));
    pthread_t t[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&t[i], NULL, thread_draw, &together[i]), 0);
    for (int i = 0; i < 2; i++) {
        void *ret = NULL;
        assert_int_equal(pthread_join(t[i], &ret), 0);
        assert_non_null(ret);
        assert_true(together[i].hash == alone[i].hash);
        assert_true(together[i].sum == alone[i].sum);
    }
}

/* A textbook MT19937 (Matsumoto and Nishimura's genrand_int32), seeded as random.c documents:
 * word i of the state is the top half of splitmix64 output i from the stream seed, and the
 * first word has its top bit set. Matching it draw for draw checks both that the generator is
 * MT19937 (named as GSL's mt19937, whose numbers it draws: the two tests after this one) and
 * that all 64 bits of the stream seed reach its state. */
typedef struct ref_mt {
    uint32_t mt[624];
    int mti;
} ref_mt;

static void ref_mt_seed(ref_mt *m, uint64_t s)
{
    for (uint64_t i = 0; i < 624; i++) {
        uint64_t st = s + i * UINT64_C(0x9e3779b97f4a7c15);
        m->mt[i] = (uint32_t)(ref_splitmix64_next(&st) >> 32);
    }
    m->mt[0] |= 0x80000000u;
    m->mti = 624;
}

static uint32_t ref_mt_next(ref_mt *m)
{
    if (m->mti >= 624) {
        for (int k = 0; k < 624; k++) {
            uint32_t y = (m->mt[k] & 0x80000000u) | (m->mt[(k + 1) % 624] & 0x7fffffffu);
            m->mt[k] = m->mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        m->mti = 0;
    }
    uint32_t y = m->mt[m->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static void test_generator_is_mt19937_seeded_from_64_bits(void **state)
{
    (void)state;
    af_rng *r = af_rng_create(42, 3, "arrivals/al_arish");
    assert_non_null(r);
    gsl_rng *g = af_rng_gsl(r);
    assert_string_equal(gsl_rng_name(g), "mt19937");
    ref_mt ref;
    ref_mt_seed(&ref, af_stream_seed(42, 3, "arrivals/al_arish"));
    for (int i = 0; i < 2000; i++) { /* past the first regeneration of the block */
        unsigned long x = gsl_rng_get(g);
        uint32_t want = ref_mt_next(&ref);
        if (x != want) fail_msg("draw %d: %lu, expected %lu", i, x, (unsigned long)want);
    }
    af_rng_destroy(r);
    af_rng_destroy(NULL); /* harmless */
}

/* random.c writes MT19937 itself; GSL's gsl_rng_mt19937 is the reference. Both are seeded by
 * gsl_rng_set with the same seeds (0 is GSL's 4357, and a seed past 32 bits keeps its low 32
 * bits), then drawn a million times each through every way a caller can draw (the inline path
 * of af_rng_uniform and af_rng_uniform_pos, and gsl_rng_get and gsl_rng_uniform on
 * af_rng_gsl()), in a fixed mix: every output must equal GSL's. A million draws regenerate
 * the 624-word block some 1,600 times. */
static void test_generator_matches_gsl_mt19937(void **state)
{
    (void)state;
    enum { N = 1000000 };
    const unsigned long seeds[] = {0, 1, 4357, 5489, 0xffffffffUL, 0x123456789UL};
    gsl_rng *ref = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(ref);
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        af_rng *r = af_rng_create(1, s, "mt-vs-gsl");
        assert_non_null(r);
        gsl_rng *g = af_rng_gsl(r);
        assert_int_equal(gsl_rng_max(g), gsl_rng_max(ref));
        assert_int_equal(gsl_rng_min(g), gsl_rng_min(ref));
        gsl_rng_set(g, seeds[s]);
        gsl_rng_set(ref, seeds[s]);
        for (int i = 0; i < N; i++) {
            switch (i % 7) {
            case 0:
            case 1:
            case 2: {
                double x = af_rng_uniform(r), want = gsl_rng_uniform(ref);
                if (x != want) fail_msg("seed %lu draw %d: %.17g, GSL %.17g", seeds[s], i, x, want);
                break;
            }
            case 3: {
                double x = af_rng_uniform_pos(r), want = gsl_rng_uniform_pos(ref);
                if (x != want) fail_msg("seed %lu draw %d: %.17g, GSL %.17g", seeds[s], i, x, want);
                break;
            }
            case 4: {
                unsigned long x = gsl_rng_get(g), want = gsl_rng_get(ref);
                if (x != want) fail_msg("seed %lu draw %d: %lu, GSL %lu", seeds[s], i, x, want);
                break;
            }
            default: {
                double x = gsl_rng_uniform(g), want = gsl_rng_uniform(ref);
                if (x != want) fail_msg("seed %lu draw %d: %.17g, GSL %.17g", seeds[s], i, x, want);
            }
            }
        }
        af_rng_destroy(r);
    }
    gsl_rng_free(ref);
}

/* The streams themselves, against GSL: until random.c wrote the generator, a stream was a
 * gsl_rng_mt19937 whose state words were overwritten with the splitmix64 sequence (the seeding
 * test above). Built that way here, in GSL's own state (laid out as in GSL's rng/mt.c: 624
 * words in unsigned longs and the index of the next one; skipped if this GSL's state has
 * another size), each of several streams must draw what af_rng_create's stream draws, a
 * million numbers each. */
typedef struct gsl_mt_state {
    unsigned long mt[624];
    int mti;
} gsl_mt_state;

static void test_streams_match_gsl_mt19937(void **state)
{
    (void)state;
    enum { N = 1000000 };
    gsl_rng *ref = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(ref);
    if (gsl_rng_size(ref) != sizeof(gsl_mt_state)) {
        gsl_rng_free(ref);
        skip();
    }
    struct {
        uint64_t seed, rep;
        const char *purpose;
    } v[] = {
        {42, 3, "arrivals/al_arish"},
        {1, 0, "service/kerem_shalom"},
        {UINT64_C(0xfedcba9876543210), 999, "closures"},
        {20240101, 17, ""},
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        ref_mt m;
        ref_mt_seed(&m, af_stream_seed(v[k].seed, v[k].rep, v[k].purpose));
        gsl_mt_state *st = gsl_rng_state(ref);
        for (int i = 0; i < 624; i++) st->mt[i] = m.mt[i];
        st->mti = 624;
        af_rng *r = af_rng_create(v[k].seed, v[k].rep, v[k].purpose);
        assert_non_null(r);
        for (int i = 0; i < N; i++) {
            double x = af_rng_uniform(r), want = gsl_rng_uniform(ref);
            if (x != want) fail_msg("stream %zu draw %d: %.17g, GSL %.17g", k, i, x, want);
        }
        af_rng_destroy(r);
    }
    gsl_rng_free(ref);
}

/* Two streams whose 64-bit seeds agree in the 32 bits that gsl_rng_set would keep still draw
 * different numbers. Such a pair is found by a birthday search over replications. */
static void test_streams_do_not_collide_on_32_bits(void **state)
{
    (void)state;
    enum { N = 400000, BUCKETS = 1 << 20 };
    uint32_t *table = calloc(BUCKETS, sizeof *table); /* replication + 1, or 0 */
    assert_non_null(table);
    uint64_t a = 0, b = 0;
    bool found = false;
    for (uint64_t rep = 0; rep < N && !found; rep++) {
        uint64_t s = af_stream_seed(7, rep, "service/kerem_shalom");
        uint32_t folded = (uint32_t)(s ^ (s >> 32));
        uint32_t h = (folded * 2654435761u) >> 12;
        while (table[h]) {
            uint64_t other = table[h] - 1;
            uint64_t so = af_stream_seed(7, other, "service/kerem_shalom");
            if ((uint32_t)(so ^ (so >> 32)) == folded) {
                a = other;
                b = rep;
                found = true;
                break;
            }
            h = (h + 1) & (BUCKETS - 1);
        }
        if (!found) table[h] = (uint32_t)rep + 1;
    }
    free(table);
    assert_true(found); /* about 2 such pairs are expected among 400,000 */
    af_rng *ra = af_rng_create(7, a, "service/kerem_shalom");
    af_rng *rb = af_rng_create(7, b, "service/kerem_shalom");
    int same = 0;
    for (int i = 0; i < 100; i++) same += af_rng_uniform(ra) == af_rng_uniform(rb);
    assert_true(same < 3);
    af_rng_destroy(ra);
    af_rng_destroy(rb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_vectors),
        cmocka_unit_test(test_stream_seed_matches_specification),
        cmocka_unit_test(test_stream_seed_is_pure),
        cmocka_unit_test(test_stream_seed_avalanche),
        cmocka_unit_test(test_stream_seed_replications_distinct),
        cmocka_unit_test(test_same_inputs_same_sequence),
        cmocka_unit_test(test_different_inputs_differ),
        cmocka_unit_test(test_uniform_range_and_moments),
        cmocka_unit_test(test_streams_share_no_state),
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_generator_is_mt19937_seeded_from_64_bits),
        cmocka_unit_test(test_generator_matches_gsl_mt19937),
        cmocka_unit_test(test_streams_match_gsl_mt19937),
        cmocka_unit_test(test_streams_do_not_collide_on_32_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
