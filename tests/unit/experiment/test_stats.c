/* The statistics of experiments: means, standard deviations and Student t intervals checked
 * against tabulated t quantiles; goals judged on the right bound. */
#include "af_test.h"

#include <string.h>

#include "experiment/exp_internal.h"

/* Student t quantiles from the tables: t(0.975; 4), t(0.975; 9), t(0.95; 9), t(0.995; 2). */
#define T975_4 2.7764451051977987
#define T975_9 2.2621571627409915
#define T95_9 1.8331129326536335
#define T995_2 9.9248432009182898

static void test_interval_small(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5};
    af_summary s = af_summarise(x, 5, 0.95);
    assert_int_equal(s.n, 5);
    af_assert_close(s.mean, 3, 1e-15, 0);
    af_assert_close(s.sd, sqrt(2.5), 1e-14, 0);
    double hw = T975_4 * sqrt(2.5) / sqrt(5);
    af_assert_close(s.ci_low, 3 - hw, 1e-9, 0);
    af_assert_close(s.ci_high, 3 + hw, 1e-9, 0);
}

static void test_interval_levels(void **state)
{
    (void)state;
    double x[10];
    for (int i = 0; i < 10; i++) x[i] = (i * 7919 % 13) / 3.0; /* any spread */
    double m = 0, ss = 0;
    for (int i = 0; i < 10; i++) m += x[i] / 10;
    for (int i = 0; i < 10; i++) ss += (x[i] - m) * (x[i] - m);
    double sd = sqrt(ss / 9);
    af_summary a = af_summarise(x, 10, 0.95), b = af_summarise(x, 10, 0.90);
    af_assert_close(a.ci_high - a.mean, T975_9 * sd / sqrt(10), 1e-9, 0);
    af_assert_close(b.ci_high - b.mean, T95_9 * sd / sqrt(10), 1e-9, 0);
    const double y[] = {10, 12, 17};
    af_summary c = af_summarise(y, 3, 0.99);
    af_assert_close(c.ci_high - c.mean, T995_2 * c.sd / sqrt(3), 1e-9, 0);
}

static void test_interval_degenerate(void **state)
{
    (void)state;
    /* One value: a mean, no spread, no interval. */
    const double one[] = {4};
    af_summary s = af_summarise(one, 1, 0.95);
    assert_int_equal(s.n, 1);
    af_assert_close(s.mean, 4, 0, 0);
    assert_true(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
    /* Values a replication could not give (NaN) are left out. */
    const double gaps[] = {NAN, 1, 2, NAN, 3, 4, 5};
    s = af_summarise(gaps, 7, 0.95);
    assert_int_equal(s.n, 5);
    af_assert_close(s.ci_low, 3 - T975_4 * sqrt(2.5) / sqrt(5), 1e-9, 0);
    /* No spread: a zero-width interval. */
    const double flat[] = {0.5, 0.5, 0.5};
    s = af_summarise(flat, 3, 0.95);
    af_assert_close(s.sd, 0, 0, 0);
    af_assert_close(s.ci_low, 0.5, 0, 0);
    af_assert_close(s.ci_high, 0.5, 0, 0);
    /* Nothing at all. */
    s = af_summarise(gaps, 1, 0.95);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean));
}

static void test_goals(void **state)
{
    (void)state;
    af_goal g;
    af_error err;
    assert_int_equal(af_goal_parse("coverage.food >= 0.95", &g, &err), AF_OK);
    assert_string_equal(g.metric, "coverage.food");
    assert_int_equal(g.op, AF_GOAL_GE);
    af_assert_close(g.threshold, 0.95, 0, 0);
    assert_int_equal(af_goal_parse("  station.kerem_shalom.wait_mean_min<60 ", &g, &err), AF_OK);
    assert_int_equal(g.op, AF_GOAL_LT);
    assert_string_equal(g.metric, "station.kerem_shalom.wait_mean_min");
    assert_int_equal(af_goal_parse("x<=-1e3", &g, &err), AF_OK);
    assert_int_equal(g.op, AF_GOAL_LE);
    af_assert_close(g.threshold, -1000, 0, 0);
    assert_int_equal(af_goal_parse("x > 2", &g, &err), AF_OK);
    assert_int_equal(g.op, AF_GOAL_GT);

    assert_int_equal(af_goal_parse("coverage.food", &g, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "operator"));
    assert_int_equal(af_goal_parse(">= 0.9", &g, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "METRIC OP VALUE"));
    assert_int_equal(af_goal_parse("a >= high", &g, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "not a number"));
    assert_int_equal(af_goal_parse("a == 1", &g, &err), AF_INVAL);

    /* Percentages: 90% is the fraction 0.9, written back as 90%. */
    assert_int_equal(af_goal_parse("coverage.food >= 90%", &g, &err), AF_OK);
    assert_true(g.percent);
    af_assert_close(g.threshold, 0.9, 1e-15, 0);
    char text[300];
    af_goal_text(&g, text, sizeof text);
    assert_string_equal(text, "coverage.food >= 90%");
    assert_int_equal(af_goal_parse("coverage.food>=12.5 %", &g, &err), AF_OK);
    af_assert_close(g.threshold, 0.125, 1e-15, 0);
    assert_int_equal(af_goal_parse("coverage.food >= 0.95", &g, &err), AF_OK);
    assert_false(g.percent);
    af_goal_text(&g, text, sizeof text);
    assert_string_equal(text, "coverage.food >= 0.95"); /* shortest, not %.17g */
    assert_int_equal(af_goal_parse("coverage.food >= %", &g, &err), AF_INVAL);
    assert_int_equal(af_goal_parse("coverage.food >= 90%%", &g, &err), AF_INVAL);

    /* >= and > are judged on the lower bound, <= and < on the upper. */
    af_summary s = {.mean = 1, .sd = 0.1, .ci_low = 0.9, .ci_high = 1.1, .n = 5};
    af_goal ge = {.metric = "m", .op = AF_GOAL_GE, .threshold = 0.9};
    af_goal gt = {.metric = "m", .op = AF_GOAL_GT, .threshold = 0.9};
    af_goal le = {.metric = "m", .op = AF_GOAL_LE, .threshold = 1.1};
    af_goal lt = {.metric = "m", .op = AF_GOAL_LT, .threshold = 1.1};
    assert_true(exp_goal_meets(&ge, &s));
    assert_false(exp_goal_meets(&gt, &s));
    assert_true(exp_goal_meets(&le, &s));
    assert_false(exp_goal_meets(&lt, &s));
    af_goal ge_mean = {.metric = "m", .op = AF_GOAL_GE, .threshold = 1.0};
    assert_false(exp_goal_meets(&ge_mean, &s)); /* the mean alone is not enough */
    af_summary none = {.mean = 1, .sd = NAN, .ci_low = NAN, .ci_high = NAN, .n = 1};
    assert_false(exp_goal_meets(&ge, &none));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval_small),
        cmocka_unit_test(test_interval_levels),
        cmocka_unit_test(test_interval_degenerate),
        cmocka_unit_test(test_goals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
