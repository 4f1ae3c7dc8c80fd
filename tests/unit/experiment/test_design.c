/* Designs: lists, ranges, grids and Latin hypercubes, and the mistakes they refuse. */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "aidflow/experiment.h"

static af_design *make(const char *const *vary, size_t n, const char *design, uint64_t seed)
{
    af_design *d = NULL;
    af_error err;
    af_error_clear(&err);
    af_status st = af_design_create(&d, vary, n, design, seed, &err);
    if (st != AF_OK) fail_msg("af_design_create: %s", err.message);
    return d;
}

/* The error message of a design that must be refused. */
static void refused(const char *const *vary, size_t n, const char *design, const char *needle)
{
    af_design *d = NULL;
    af_error err;
    af_error_clear(&err);
    af_status st = af_design_create(&d, vary, n, design, 1, &err);
    assert_int_equal(st, AF_INVAL);
    assert_null(d);
    if (!strstr(err.message, needle))
        fail_msg("message '%s' does not mention '%s'", err.message, needle);
}

static void test_list(void **state)
{
    (void)state;
    const char *v[] = {"inspections.kerem_shalom.lanes=2, 4,6"};
    af_design *d = make(v, 1, NULL, 1);
    assert_int_equal(af_design_n_factors(d), 1);
    assert_string_equal(af_design_path(d, 0), "inspections.kerem_shalom.lanes");
    assert_int_equal(af_design_n_points(d), 3);
    assert_string_equal(af_design_text(d, 0, 0), "2");
    assert_string_equal(af_design_text(d, 1, 0), "4");
    assert_string_equal(af_design_text(d, 2, 0), "6");
    af_assert_close(af_design_value(d, 1, 0), 4, 0, 0);
    assert_string_equal(af_design_describe(d), "grid; inspections.kerem_shalom.lanes=2,4,6");
    af_design_free(d);
}

static void test_range(void **state)
{
    (void)state;
    const char *v[] = {"a=2:12:2"};
    af_design *d = make(v, 1, "grid", 1);
    assert_int_equal(af_design_n_points(d), 6);
    for (size_t i = 0; i < 6; i++) af_assert_close(af_design_value(d, i, 0), 2 + 2.0 * i, 0, 0);
    af_design_free(d);

    /* Decimal steps are written as the numbers they name, and HI is included. */
    const char *w[] = {"p=0:1:0.1"};
    d = make(w, 1, NULL, 1);
    assert_int_equal(af_design_n_points(d), 11);
    assert_string_equal(af_design_text(d, 3, 0), "0.3");
    assert_string_equal(af_design_text(d, 10, 0), "1");
    af_assert_close(af_design_value(d, 7, 0), 0.7, 0, 0);
    af_design_free(d);

    /* A step that does not land on HI stops below it. */
    const char *x[] = {"p=1:10:4"};
    d = make(x, 1, NULL, 1);
    assert_int_equal(af_design_n_points(d), 3); /* 1, 5, 9 */
    assert_string_equal(af_design_text(d, 2, 0), "9");
    af_design_free(d);

    /* A single value, and negative numbers. */
    const char *y[] = {"a=6", "b=-1:1:1"};
    d = make(y, 2, NULL, 1);
    assert_int_equal(af_design_n_points(d), 3);
    assert_string_equal(af_design_text(d, 0, 1), "-1");
    assert_string_equal(af_design_text(d, 1, 1), "0");
    af_design_free(d);
}

static void test_grid_order(void **state)
{
    (void)state;
    const char *v[] = {"a=1,2", "b=fcfs,priority,x"};
    af_design *d = make(v, 2, NULL, 1);
    assert_int_equal(af_design_n_points(d), 6);
    /* The first factor varies slowest. */
    static const char *const want[6][2] = {{"1", "fcfs"}, {"1", "priority"}, {"1", "x"},
                                           {"2", "fcfs"}, {"2", "priority"}, {"2", "x"}};
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(af_design_text(d, i, 0), want[i][0]);
        assert_string_equal(af_design_text(d, i, 1), want[i][1]);
    }
    assert_true(isnan(af_design_value(d, 0, 1))); /* not a number */
    assert_string_equal(af_design_describe(d), "grid; a=1,2; b=fcfs,priority,x");
    af_design_free(d);
}

static void test_errors(void **state)
{
    (void)state;
    const char *no_eq[] = {"lanes"};
    refused(no_eq, 1, NULL, "expected PATH=VALUES");
    const char *no_path[] = {"=1,2"};
    refused(no_path, 1, NULL, "path before '=' is empty");
    const char *empty[] = {"a="};
    refused(empty, 1, NULL, "no values");
    const char *hole[] = {"a=1,,2"};
    refused(hole, 1, NULL, "empty item");
    const char *down[] = {"a=5:1:1"};
    refused(down, 1, NULL, "below its start");
    const char *zero_step[] = {"a=1:5:0"};
    refused(zero_step, 1, NULL, "step must be > 0");
    const char *neg_step[] = {"a=1:5:-1"};
    refused(neg_step, 1, NULL, "step must be > 0");
    const char *bare[] = {"a=1:5"};
    refused(bare, 1, NULL, "needs a step");
    const char *word[] = {"a=1:x:2"};
    refused(word, 1, NULL, "LO:HI or LO:HI:STEP");
    const char *twice[] = {"a=1,2", "a=3"};
    refused(twice, 2, NULL, "varied twice");
    const char *huge[] = {"a=0:1e9:1"};
    refused(huge, 1, NULL, "more than");
    const char *ok[] = {"a=1,2"};
    refused(ok, 1, "lhs:0", "whole number");
    refused(ok, 1, "lhs:2.5", "whole number");
    refused(ok, 1, "lhs:", "whole number");
    refused(ok, 1, "random", "expected 'grid' or 'lhs:N'");
    refused(ok, 0, NULL, "nothing to vary");
}

/* Each factor's range is cut into N strata and each stratum holds exactly one point. */
static void test_lhs_strata(void **state)
{
    (void)state;
    const size_t n = 50;
    const char *v[] = {"a=0:1", "b=10:20", "c=-5:5"};
    const double lo[] = {0, 10, -5}, hi[] = {1, 20, 5};
    af_design *d = make(v, 3, "lhs:50", 7);
    assert_int_equal(af_design_n_points(d), n);
    for (size_t f = 0; f < 3; f++) {
        int hits[50] = {0};
        for (size_t i = 0; i < n; i++) {
            double x = af_design_value(d, i, f);
            af_assert_in_range(x, lo[f], hi[f]);
            size_t s = (size_t)floor((x - lo[f]) / (hi[f] - lo[f]) * (double)n);
            assert_true(s < n);
            hits[s]++;
        }
        for (size_t s = 0; s < n; s++) assert_int_equal(hits[s], 1);
    }
    /* The factors are not lined up: the strata of a and b are not the same permutation. */
    size_t same = 0;
    for (size_t i = 0; i < n; i++) {
        size_t sa = (size_t)floor(af_design_value(d, i, 0) * (double)n);
        size_t sb = (size_t)floor((af_design_value(d, i, 1) - 10) / 10 * (double)n);
        same += sa == sb;
    }
    assert_true(same < n / 2);
    assert_string_equal(af_design_describe(d), "lhs:50; a=0:1; b=10:20; c=-5:5");

    /* Reproducible from the seed, different for another. */
    af_design *again = make(v, 3, "lhs:50", 7), *other = make(v, 3, "lhs:50", 8);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < 3; f++) {
            assert_string_equal(af_design_text(d, i, f), af_design_text(again, i, f));
            differ += strcmp(af_design_text(d, i, f), af_design_text(other, i, f)) != 0;
        }
    assert_true(differ > n);
    af_design_free(d);
    af_design_free(again);
    af_design_free(other);
}

static void test_lhs_steps_and_lists(void **state)
{
    (void)state;
    const char *v[] = {"lanes=2:12:1", "policy=fixed_shares,shortest_delay"};
    af_design *d = make(v, 2, "lhs:8", 3);
    int count[2] = {0, 0};
    for (size_t i = 0; i < 8; i++) {
        double lanes = af_design_value(d, i, 0);
        af_assert_in_range(lanes, 2, 12);
        assert_true(lanes == floor(lanes)); /* snapped to the step */
        const char *p = af_design_text(d, i, 1);
        if (!strcmp(p, "fixed_shares"))
            count[0]++;
        else if (!strcmp(p, "shortest_delay"))
            count[1]++;
        else
            fail_msg("unexpected list item '%s'", p);
    }
    /* Strata 0-3 pick the first item, 4-7 the second: each exactly half the time. */
    assert_int_equal(count[0], 4);
    assert_int_equal(count[1], 4);
    af_design_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_grid_order),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_lhs_strata),
        cmocka_unit_test(test_lhs_steps_and_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
