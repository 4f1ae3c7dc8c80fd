/* Unit tests of calendar arithmetic (src/base/date.c). Expected day numbers are counted by
 * hand from 1970-01-01 (day 0, a Thursday). */
#include "af_test.h"

#include "base/date.h"

static void test_known_days(void **state)
{
    (void)state;
    assert_int_equal(af_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(af_days_from_civil(1970, 3, 1), 31 + 28);
    assert_int_equal(af_days_from_civil(1969, 12, 31), -1);
    /* 1970..1999: 30 years, 7 leap days (72 76 80 84 88 92 96). */
    assert_int_equal(af_days_from_civil(2000, 1, 1), 30 * 365 + 7);
    /* 2000 is a leap year (divisible by 400), 1900 is not (by 100). */
    assert_int_equal(af_days_from_civil(2000, 3, 1) - af_days_from_civil(2000, 2, 28), 2);
    assert_int_equal(af_days_from_civil(1900, 3, 1) - af_days_from_civil(1900, 2, 28), 1);
    assert_int_equal(af_weekday(0), 3);  /* Thursday */
    assert_int_equal(af_weekday(-1), 2); /* Wednesday 1969-12-31 */
    assert_int_equal(af_weekday(af_days_from_civil(2024, 3, 1)), 4); /* a Friday */
}

static void test_round_trip(void **state)
{
    (void)state;
    int y, m, d;
    int days = 0;
    for (long day = af_days_from_civil(1899, 12, 25); day <= af_days_from_civil(2201, 1, 7); day++) {
        af_civil_from_days(day, &y, &m, &d);
        assert_int_equal(af_days_from_civil(y, m, d), day);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
        days++;
    }
    assert_true(days > 300 * 365);
    /* And sparsely over some 4,400 years either side of 1970. */
    for (long day = -800000; day < 800000; day += 997) {
        af_civil_from_days(day, &y, &m, &d);
        assert_int_equal(af_days_from_civil(y, m, d), day);
    }
}

static void test_iso(void **state)
{
    (void)state;
    char out[11];
    af_iso_date(af_days_from_civil(2024, 2, 29), out);
    assert_string_equal(out, "2024-02-29");
    af_iso_date(af_days_from_civil(2024, 2, 29) + 1, out);
    assert_string_equal(out, "2024-03-01");
    af_iso_date(af_days_from_civil(2023, 12, 31) + 1, out);
    assert_string_equal(out, "2024-01-01");
    af_iso_date(0, out);
    assert_string_equal(out, "1970-01-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_iso),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
