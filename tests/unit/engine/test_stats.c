/* Unit tests of the statistics collectors (src/engine/stats.c). */
#include "af_test.h"

#include "aidflow/stats.h"

static void test_tally_matches_two_pass(void **state)
{
    (void)state;
    /* Values with a large offset: a naive sum of squares would lose the variance. */
    double x[1000];
    double sum = 0;
    for (int i = 0; i < 1000; i++) {
        x[i] = 1e9 + (double)((i * 37) % 101) * 0.5;
        sum += x[i];
    }
    double mean = sum / 1000, ss = 0;
    for (int i = 0; i < 1000; i++) ss += (x[i] - mean) * (x[i] - mean);
    af_tally t;
    af_tally_reset(&t);
    assert_true(isnan(af_tally_mean(&t)));
    for (int i = 0; i < 1000; i++) af_tally_add(&t, x[i]);
    assert_int_equal(t.n, 1000);
    af_assert_close(af_tally_mean(&t), mean, 1e-14, 0);
    af_assert_close(af_tally_variance(&t), ss / 999, 1e-9, 0);
    af_assert_close(t.min, 1e9, 0, 0);
    af_assert_close(t.max, 1e9 + 50, 0, 0);
}

static void test_tally_small_and_merge(void **state)
{
    (void)state;
    af_tally a, b, all;
    af_tally_reset(&a);
    af_tally_reset(&b);
    af_tally_reset(&all);
    af_tally_add(&a, 4);
    assert_true(isnan(af_tally_variance(&a)));
    const double xs[] = {4, 7, 13, 16, 2, 9};
    for (int i = 1; i < 3; i++) af_tally_add(&a, xs[i]);
    for (int i = 3; i < 6; i++) af_tally_add(&b, xs[i]);
    for (int i = 0; i < 6; i++) af_tally_add(&all, xs[i]);
    af_tally_merge(&a, &b);
    assert_int_equal(a.n, 6);
    af_assert_close(af_tally_mean(&a), 51.0 / 6, 1e-15, 0);
    af_assert_close(af_tally_variance(&a), af_tally_variance(&all), 1e-13, 0);
    af_assert_close(a.min, 2, 0, 0);
    af_assert_close(a.max, 16, 0, 0);
    af_tally empty;
    af_tally_reset(&empty);
    af_tally_merge(&empty, &all);
    af_assert_close(af_tally_mean(&empty), af_tally_mean(&all), 0, 0);
}

static void test_timeavg_area_and_reset(void **state)
{
    (void)state;
    af_timeavg q;
    af_timeavg_init(&q, 10, 0);
    af_timeavg_set(&q, 12, 3); /* 0 over [10,12) */
    af_timeavg_add(&q, 15, -1); /* 3 over [12,15) */
    af_timeavg_set(&q, 20, 5);  /* 2 over [15,20) */
    /* 5 over [20,22) */
    af_assert_close(af_timeavg_area(&q, 22), 0 * 2 + 3 * 3 + 2 * 5 + 5 * 2, 1e-15, 0);
    af_assert_close(af_timeavg_mean(&q, 22), 29.0 / 12, 1e-15, 0);
    af_assert_close(q.max, 5, 0, 0);
    af_assert_close(q.min, 0, 0, 0);
    af_timeavg_reset(&q, 22);
    af_assert_close(af_timeavg_mean(&q, 22), 5, 0, 0); /* empty window: current value */
    af_timeavg_set(&q, 24, 1);
    af_assert_close(af_timeavg_mean(&q, 26), (5 * 2 + 1 * 2) / 4.0, 1e-15, 0);
    af_assert_close(q.min, 1, 0, 0);
}

static void test_confidence_interval(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5};
    double mean, half;
    af_confidence_interval(x, 5, 0.95, &mean, &half);
    af_assert_close(mean, 3, 1e-15, 0);
    /* t(0.975, 4) = 2.776445105; sd = sqrt(2.5) */
    af_assert_close(half, 2.776445105 * sqrt(2.5) / sqrt(5.0), 1e-8, 0);
    af_confidence_interval(x, 1, 0.95, &mean, &half);
    assert_true(isnan(half));
    af_assert_close(mean, 1, 0, 0);
}

static void test_summary(void **state)
{
    (void)state;
    /* 1..5 with a NaN and an infinity among them: those are left out. */
    const double x[] = {1, NAN, 2, 3, INFINITY, 4, 5};
    af_summary s = af_summarise(x, 7, 0.95);
    assert_int_equal(s.n, 5);
    af_assert_close(s.mean, 3, 1e-15, 0);
    af_assert_close(s.sd, sqrt(2.5), 1e-15, 0);
    /* t(0.975, 4) = 2.776445105 (tables) */
    double half = 2.776445105 * sqrt(2.5) / sqrt(5.0);
    af_assert_close(s.ci_low, 3 - half, 1e-9, 0);
    af_assert_close(s.ci_high, 3 + half, 1e-9, 0);
    af_assert_close(af_t_quantile(0.95, 5), 2.776445105, 1e-9, 0);
    af_assert_close(af_t_quantile(0.90, 2), 6.313751515, 1e-9, 0); /* t(0.95, 1) */
    assert_true(isnan(af_t_quantile(0.95, 1)));
    assert_true(isnan(af_t_quantile(1.0, 5)));

    /* The tally's summary is the same as the values'. */
    af_tally t;
    af_tally_reset(&t);
    for (int i = 1; i <= 5; i++) af_tally_add(&t, i);
    af_summary u = af_tally_summary(&t, 0.95);
    assert_true(u.mean == s.mean && u.sd == s.sd && u.ci_low == s.ci_low && u.ci_high == s.ci_high);

    /* One value: a mean, nothing else; none: nothing at all. */
    s = af_summarise(x, 1, 0.95);
    assert_int_equal(s.n, 1);
    af_assert_close(s.mean, 1, 0, 0);
    assert_true(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
    s = af_summarise(x + 1, 1, 0.95);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
    /* A level outside (0, 1): no interval. */
    s = af_summarise(x, 7, 0);
    assert_true(isnan(s.ci_low) && isnan(s.ci_high));
    af_assert_close(s.sd, sqrt(2.5), 1e-15, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tally_matches_two_pass),
        cmocka_unit_test(test_tally_small_and_merge),
        cmocka_unit_test(test_timeavg_area_and_reset),
        cmocka_unit_test(test_confidence_interval),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
