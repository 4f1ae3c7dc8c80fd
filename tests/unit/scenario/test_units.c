/* Units, numbers, dates and times of day: src/scenario/units.c. */
#include "af_test.h"

#include <string.h>

#include "scenario/units.h"

static double q(const char *s, unit_kind k, const char *dflt)
{
    char msg[256];
    double v = -12345;
    if (!units_quantity(s, strlen(s), k, dflt, &v, msg, sizeof msg))
        fail_msg("'%s' did not parse: %s", s, msg);
    return v;
}

static const char *q_err(const char *s, unit_kind k, const char *dflt)
{
    static char msg[256];
    double v;
    if (units_quantity(s, strlen(s), k, dflt, &v, msg, sizeof msg))
        fail_msg("'%s' parsed as %g but should not", s, v);
    return msg;
}

static void test_numbers(void **state)
{
    (void)state;
    double v;
    assert_true(units_number("42", 2, &v) && v == 42);
    assert_true(units_number("-1.5", 4, &v) && v == -1.5);
    assert_true(units_number(".5", 2, &v) && v == 0.5);
    assert_true(units_number("2_300_000", 9, &v) && v == 2300000);
    assert_true(units_number("2.3e6", 5, &v) && v == 2300000);
    assert_true(units_number("1E-3", 4, &v) && v == 0.001);
    const char *bad[] = {"", "-", ".", "1.2.3", "0x10", "inf", "nan", "1e", "1e+", "_1", "1_",
                         "1__0", "1,000", "12 ", " 12", "1e999", "--1", "+"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (units_number(bad[i], strlen(bad[i]), &v)) fail_msg("'%s' read as a number", bad[i]);
}

static void test_durations(void **state)
{
    (void)state;
    af_assert_close(q("45 min", UNIT_DURATION, "min"), 45, 0, 0);
    af_assert_close(q("45", UNIT_DURATION, "min"), 45, 0, 0);
    af_assert_close(q("2 h", UNIT_DURATION, "min"), 120, 0, 0);
    af_assert_close(q("1.5h", UNIT_DURATION, "min"), 90, 0, 0);
    af_assert_close(q("3 d", UNIT_DURATION, "min"), 3 * 1440, 0, 0);
    af_assert_close(q("3", UNIT_DURATION, "d"), 3 * 1440, 0, 0);
    af_assert_close(q("1 week", UNIT_DURATION, "d"), 7 * 1440, 0, 0);
    af_assert_close(q("2 hours", UNIT_DURATION, NULL), 120, 0, 0);
    af_assert_close(q("  30 minutes ", UNIT_DURATION, NULL), 30, 0, 0);
    assert_non_null(strstr(q_err("45 kg", UNIT_DURATION, "min"), "'kg' is a unit of mass"));
    assert_non_null(strstr(q_err("45 kg", UNIT_DURATION, "min"), "expected a duration"));
    assert_non_null(strstr(q_err("2 fortnights", UNIT_DURATION, "min"), "unknown unit"));
    assert_non_null(strstr(q_err("soon", UNIT_DURATION, "min"), "expected a duration"));
    assert_non_null(strstr(q_err("120 trucks/d", UNIT_DURATION, "min"), "unit of rate"));
}

static void test_rates_masses_fractions(void **state)
{
    (void)state;
    af_assert_close(q("120 trucks/d", UNIT_RATE, "/d"), 120, 0, 0);
    af_assert_close(q("120/d", UNIT_RATE, "/d"), 120, 0, 0);
    af_assert_close(q("120", UNIT_RATE, "/d"), 120, 0, 0);
    af_assert_close(q("2 /week", UNIT_RATE, "/d"), 2.0 / 7, 1e-15, 0);
    af_assert_close(q("1 closure/h", UNIT_RATE, "/d"), 24, 1e-15, 0);
    af_assert_close(q("15 t", UNIT_MASS, "t"), 15, 0, 0);
    af_assert_close(q("0.98 kg", UNIT_MASS, "t"), 0.00098, 0, 0);
    af_assert_close(q("0.98", UNIT_MASS, "kg"), 0.00098, 0, 0);
    af_assert_close(q("200 t/d", UNIT_MASS_RATE, "t/d"), 200, 0, 0);
    af_assert_close(q("70 t/week", UNIT_MASS_RATE, "t/d"), 10, 1e-15, 0);
    af_assert_close(q("5%", UNIT_FRACTION, NULL), 0.05, 0, 0);
    af_assert_close(q("0.05", UNIT_FRACTION, NULL), 0.05, 0, 0);
    assert_non_null(strstr(q_err("15 t", UNIT_RATE, "/d"), "unit of mass"));
    assert_non_null(strstr(q_err("15 trucks", UNIT_RATE, "/d"), "unknown unit"));
    assert_non_null(strstr(q_err("2 h", UNIT_MASS, "t"), "unit of duration"));
    assert_non_null(strstr(q_err("6 lanes", UNIT_NONE, NULL), "without a unit"));
    assert_true(units_factor(UNIT_DURATION, "h") == 60);
    assert_true(units_factor(UNIT_DURATION, "parsec") == 0);
}

static void test_dates(void **state)
{
    (void)state;
    char msg[128];
    int y, m, d, minute;
    assert_true(units_date("2024-02-29", 10, &y, &m, &d, msg, sizeof msg));
    assert_int_equal(y * 10000 + m * 100 + d, 20240229);
    assert_false(units_date("2023-02-29", 10, &y, &m, &d, msg, sizeof msg));
    assert_non_null(strstr(msg, "no day 29"));
    assert_false(units_date("2024-13-01", 10, &y, &m, &d, msg, sizeof msg));
    assert_false(units_date("24-03-01", 8, &y, &m, &d, msg, sizeof msg));
    assert_false(units_date("1850-01-01", 10, &y, &m, &d, msg, sizeof msg));
    /* Day numbers and weekdays are the base's: tests/unit/base/test_date.c. */
    assert_true(units_datetime("2024-02-16 08:30", 16, &y, &m, &d, &minute, msg, sizeof msg));
    assert_int_equal(minute, 510);
    assert_true(units_datetime("2024-02-16T08:30", 16, &y, &m, &d, &minute, msg, sizeof msg));
    assert_false(units_datetime("2024-02-16 24:00", 16, &y, &m, &d, &minute, msg, sizeof msg));
}

static void test_times(void **state)
{
    (void)state;
    char msg[160];
    int a, b;
    assert_true(units_time_of_day("08:00", 5, &a) && a == 480);
    assert_true(units_time_of_day("8:05", 4, &a) && a == 485);
    assert_true(units_time_of_day("24:00", 5, &a) && a == 1440);
    assert_false(units_time_of_day("24:01", 5, &a));
    assert_false(units_time_of_day("12:60", 5, &a));
    assert_true(units_time_window("08:00-16:00", 11, &a, &b, msg, sizeof msg));
    assert_true(a == 480 && b == 960);
    assert_true(units_time_window("22:00 - 06:00", 13, &a, &b, msg, sizeof msg));
    assert_true(a == 1320 && b == 360);
    assert_false(units_time_window("08:00-08:00", 11, &a, &b, msg, sizeof msg));
    assert_false(units_time_window("8am-4pm", 7, &a, &b, msg, sizeof msg));

    bool days[7];
    assert_true(units_weekdays("mon-thu", 7, days, msg, sizeof msg));
    assert_true(days[0] && days[3] && !days[4] && !days[6]);
    assert_true(units_weekdays("sun-tue", 7, days, msg, sizeof msg)); /* wraps */
    assert_true(days[6] && days[0] && days[1] && !days[2]);
    assert_true(units_weekdays("Mon, wed,friday", 15, days, msg, sizeof msg));
    assert_true(days[0] && !days[1] && days[2] && days[4]);
    assert_false(units_weekdays("mon-", 4, days, msg, sizeof msg));
    assert_false(units_weekdays("someday", 7, days, msg, sizeof msg));
    assert_false(units_weekdays("mon,", 4, days, msg, sizeof msg));
    assert_string_equal(units_weekday_name(6), "sun");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_rates_masses_fractions),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
