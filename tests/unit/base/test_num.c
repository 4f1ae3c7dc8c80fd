/* Unit tests of numbers as text (src/base/num.c). */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "base/num.h"

static void expect(double v, const char *text)
{
    char buf[AF_NUM_SIZE];
    assert_ptr_equal(af_fmt_num(buf, sizeof buf, v), buf);
    assert_string_equal(buf, text);
}

static void test_shortest_exact(void **state)
{
    (void)state;
    expect(0.95, "0.95");          /* not 0.94999999999999996 */
    expect(0.1 + 0.2, "0.30000000000000004"); /* 17 digits are needed */
    expect(1.0 / 3.0, "0.3333333333333333");  /* 16 */
    expect(42, "42");
    expect(-7.5, "-7.5");
    expect(0, "0");
    expect(123456789012345.0, "123456789012345"); /* whole, below 1e15: no exponent */
    expect(1e15, "1e+15");
    expect(2.5e-7, "2.5e-07");
    expect(-0.0, "-0");
    expect(5e-324, "5e-324"); /* the least subnormal: one digit reads back */
    expect(NAN, "");
    expect(INFINITY, "inf");
    expect(-INFINITY, "-inf");
}

static void test_reads_back(void **state)
{
    (void)state;
    /* Whatever the value, the text reads back as exactly it, in at most 17 digits. */
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    int checked = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v)) continue;
        char buf[AF_NUM_SIZE];
        af_fmt_num(buf, sizeof buf, v);
        assert_true(strtod(buf, NULL) == v);
        assert_true(strlen(buf) < AF_NUM_SIZE);
        checked++;
    }
    assert_true(checked > 19000);
}

static void test_hex64(void **state)
{
    (void)state;
    char buf[17];
    assert_string_equal(af_fmt_hex64(0, buf), "0000000000000000");
    assert_string_equal(af_fmt_hex64(0xcbf29ce484222325ull, buf), "cbf29ce484222325");
    assert_string_equal(af_fmt_hex64(UINT64_MAX, buf), "ffffffffffffffff");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortest_exact),
        cmocka_unit_test(test_reads_back),
        cmocka_unit_test(test_hex64),
    };
    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
