/* Unit tests of FNV-1a (src/base/hash.c), against the published test vectors of the 64-bit
 * FNV-1a hash (Fowler, Noll and Vo's reference test suite, "fnv1a64"). */
#include "af_test.h"

#include "base/hash.h"

static void test_vectors(void **state)
{
    (void)state;
    assert_true(af_fnv1a(AF_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ull);
    assert_true(af_fnv1a_str(AF_FNV1A_INIT, "a") == 0xaf63dc4c8601ec8cull);
    assert_true(af_fnv1a_str(AF_FNV1A_INIT, "foobar") == 0x85944171f73967e8ull);
}

static void test_continues_and_unsigned_bytes(void **state)
{
    (void)state;
    /* Hashing in two pieces is hashing the whole. */
    uint64_t h = af_fnv1a_str(af_fnv1a_str(AF_FNV1A_INIT, "foo"), "bar");
    assert_true(h == af_fnv1a_str(AF_FNV1A_INIT, "foobar"));
    /* A byte above 0x7f is folded in as itself, whatever the sign of char: by hand, one
     * step from the basis is (basis ^ 0xe9) * prime. */
    uint64_t want = (0xcbf29ce484222325ull ^ 0xe9) * 0x100000001b3ull;
    assert_true(af_fnv1a_str(AF_FNV1A_INIT, "\xe9") == want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_continues_and_unsigned_bytes),
    };
    return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}
