/* Unit tests of numbers as text (src/base/num.c). */
#include "af_test.h"

#include <math.h>
#include <stdio.h>
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

/* The search af_fmt_num's contract names, done with printf and strtod: "%.Pg" with the
 * fewest P from 15 (1 for a subnormal) to 17 that reads back. af_fmt_num decides whether a
 * text reads back from its exact rounding instead of strtod; it must pick the same P. */
static void same_as_search(double v)
{
    char want[64], got[AF_NUM_SIZE];
    int from = fabs(v) < 2.2250738585072014e-308 && v != 0 ? 1 : 15;
    for (int p = from; p <= 17; p++) {
        snprintf(want, sizeof want, "%.*g", p, v);
        if (strtod(want, NULL) == v) break;
    }
    if (fabs(v) < 1e15 && v == floor(v)) snprintf(want, sizeof want, "%.15g", v);
    af_fmt_num(got, sizeof got, v);
    if (strcmp(want, got)) fail_msg("%a: the search gives \"%s\", af_fmt_num \"%s\"", v, want, got);
}

static void test_reads_back_as_search(void **state)
{
    (void)state;
    int checked = 0;
    /* Random bits (every magnitude), random values of the fast path's range with few and
     * with many digits. */
    uint64_t x = 1181783497276652981ull; /* xorshift64 */
    for (int i = 0; i < 60000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (i % 3 == 1) v = (double)(x >> 11) / 9007199254740992.0 * pow(10, (int)(x % 24) - 6);
        if (i % 3 == 2) v = round((double)(x >> 11) / 9007199254740992.0 * 1e6) / 1e3;
        if (!isfinite(v)) continue;
        same_as_search(v);
        same_as_search(nextafter(v, INFINITY));
        same_as_search(nextafter(v, -INFINITY));
        checked++;
    }
    /* Exactly half way: from 2^54 to 2^55 doubles are 4 apart, so one that ends in 8 is 2
     * (half its gap) below the multiple of 10 that 16 digits round it to, and one that ends in
     * 2 is 2 above; half way reads back as the even mantissa. From 2^53 to 2^54 (2 apart) the
     * same at 1 from a multiple of 10. */
    for (uint64_t k = 0; k < 4000; k++) {
        double a = ldexp(1, 54) + 4.0 * (double)(k * 2654435761u % 1000000007u);
        double b = ldexp(1, 53) + 2.0 * (double)(k * 40503u % 1000000007u);
        same_as_search(a);
        same_as_search(b);
        same_as_search(-a);
        checked += 3;
    }
    /* Powers of two, whose neighbour below is half as near as the one above, and the doubles
     * beside them, over the fast path's range and past it. */
    for (int e = -20; e <= 60; e++) {
        double v = ldexp(1, e);
        same_as_search(v);
        same_as_search(nextafter(v, 0));
        same_as_search(nextafter(v, INFINITY));
        same_as_search(v * 3);
        checked += 4;
    }
    /* Powers of ten and their neighbours: the decade changes there. */
    for (int e = -7; e <= 18; e++) {
        double v = pow(10, e);
        same_as_search(v);
        same_as_search(nextafter(v, 0));
        same_as_search(nextafter(v, INFINITY));
        checked += 3;
    }
    assert_true(checked > 70000);
}

/* Whole numbers below 1e15 are written without printf (af_fmt_int); the text must be what
 * the shortest-digits search would give, "%.15g" (its first try, which reads back). */
static void test_whole_numbers_as_g(void **state)
{
    (void)state;
    uint64_t x = 2463534242ull; /* xorshift64 */
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v = (double)(x % 1000000000000000ull) / (double)(1ull << (x % 48));
        v = floor(v) * (i % 2 ? -1 : 1);
        char want[64], got[AF_NUM_SIZE];
        snprintf(want, sizeof want, "%.15g", v);
        assert_string_equal(af_fmt_num(got, sizeof got, v), want);
    }
}

/* af_fmt_g(v, P) must be snprintf's "%.*g" byte for byte; af_fmt_int snprintf's "%.0f". */
static void same_as_printf(double v, int prec)
{
    char want[64], got[AF_NUM_SIZE];
    snprintf(want, sizeof want, "%.*g", prec, v);
    af_fmt_g(got, v, prec);
    if (strcmp(want, got)) fail_msg("%%.%dg of %a: printf \"%s\", af_fmt_g \"%s\"", prec, v, want, got);
}

static void test_g_as_printf_edges(void **state)
{
    (void)state;
    /* Ties, broken to even by printf: 0.125 = 1/8 exactly, 2.5, 0.375, 1.5e-5 (not a tie in
     * binary), a carry into a new decade (9.9999999996 to 10 digits is 10, at 9 digits
     * 10.0000000), the bounds of the fast path and of the fixed and exponent forms. */
    const double v[] = {0.125, 0.375, 2.5, 3.5, 0.5, 1.5, 1.5e-5, 9.9999999996, 9.99999999949,
                        99999.99999, 1e-5, 9.99999e-6, 1e-4, 1e17, 9.999999999999999e16,
                        1e16, 123456789.0, 1234567890.5, 12345678901.0, 0.1, 0.2, 0.3, 1.0 / 3,
                        2.0 / 3, 100, 1e10, 1e9, 999999999.95, 0.000123456789012, 42.000000005,
                        -0.125, -2.5, -1e-5, -12345.678901, 0, -0.0, 5e-324, 1e300, NAN,
                        INFINITY, -INFINITY, 4503599627370495.5, 9007199254740993.0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        for (int p = 1; p <= 17; p++) same_as_printf(v[i], p);
}

static void test_g_as_printf_random(void **state)
{
    (void)state;
    /* Random doubles of every magnitude the fast path takes and around it, and numbers of
     * few decimal digits (the ties and near-ties of tables' means), at every precision. */
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    int checked = 0;
    for (int i = 0; i < 60000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double unit = (double)(x >> 11) / 9007199254740992.0; /* [0, 1) */
        int decade = (int)(x % 26) - 7;                       /* 1e-7 .. 1e18 */
        double v = unit * pow(10, decade);
        if (i % 3 == 1) v = round(v * 1000) / 1000;           /* few digits */
        if (i % 3 == 2) v = round(unit * 200000) / 64;        /* exact binary fractions */
        if (i & 8) v = -v;
        same_as_printf(v, 10);
        same_as_printf(v, 1 + (int)((x >> 40) % 17));
        checked++;
    }
    assert_int_equal(checked, 60000);
}

static void test_int_as_printf(void **state)
{
    (void)state;
    const double v[] = {0, -0.0, 1, -1, 42, 999999999999999, -999999999999999, 1e15, 1e20,
                        123456789, 2.5, -2.5, 0.5, 1e-3};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        char want[400], got[AF_NUM_SIZE];
        snprintf(want, sizeof want, "%.0f", v[i]);
        if (strlen(want) >= AF_NUM_SIZE) continue;
        assert_string_equal(af_fmt_int(got, v[i]), want);
    }
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
        cmocka_unit_test(test_reads_back_as_search),
        cmocka_unit_test(test_whole_numbers_as_g),
        cmocka_unit_test(test_g_as_printf_edges),
        cmocka_unit_test(test_g_as_printf_random),
        cmocka_unit_test(test_int_as_printf),
        cmocka_unit_test(test_hex64),
    };
    return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
