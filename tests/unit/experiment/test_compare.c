/* Paired comparisons on the toy model. */
#include "exp_test_util.h"

#include "toy_model.h"

static af_status compare(const char *a, const char *b, const char *out, unsigned jobs,
                         af_compare_result **res, af_error *err)
{
    static const char *const sets[] = {"noise=2", "x=3"};
    af_compare_config cfg = {.a = a, .b = b, .sets = sets, .n_sets = 2, .replications = 8,
                             .out_dir = out};
    af_exp_options o;
    af_exp_options_init(&o);
    o.jobs = jobs;
    af_error_clear(err);
    return af_compare_run(&cfg, &toy_model, &o, res, err);
}

static const af_compare_row *row(const af_compare_result *r, const char *metric)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (!strcmp(r->rows[i].metric, metric)) return &r->rows[i];
    fail_msg("no row for %s", metric);
    return NULL;
}

/* A scenario against itself: every paired difference is exactly zero, nothing significant,
 * even though each scenario's own values are noisy. */
static void test_self(void **state)
{
    (void)state;
    af_compare_result *r = NULL;
    af_error err;
    const char *out = scratch("self");
    af_status st = compare("base", "base", out, 2, &r, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(r->n_rows, 4);
    for (size_t i = 0; i < r->n_rows; i++) {
        const af_compare_row *x = &r->rows[i];
        if (!strcmp(x->metric, "toy.missing")) {
            assert_int_equal(x->n, 0);
            assert_int_equal(x->significant, -1);
            continue;
        }
        af_assert_close(x->diff, 0, 0, 0);
        af_assert_close(x->sd, 0, 0, 0);
        af_assert_close(x->ci_low, 0, 0, 0);
        af_assert_close(x->ci_high, 0, 0, 0);
        assert_int_equal(x->n, 8);
        assert_int_equal(x->significant, 0);
        assert_true(x->headline);
    }
    const af_compare_row *v = row(r, "toy.value");
    af_assert_close(v->mean_a, v->mean_b, 0, 0);
    assert_true(fabs(v->mean_a - 3) > 1e-6); /* the noise is there */
    assert_int_equal(r->summary.ran, 16);
    assert_true(r->summary.exported);
    af_compare_free(r);

    char path[600];
    snprintf(path, sizeof path, "%s/compare.csv", out);
    char *csv = slurp(path, NULL);
    assert_non_null(csv);
    const char *head = "metric,mean_a,ci_low_a,ci_high_a,mean_b,ci_low_b,ci_high_b,diff,sd,ci_low,"
                       "ci_high,n,significant,run_id_a,run_id_b\n";
    assert_memory_equal(csv, head, strlen(head));
    assert_non_null(strstr(csv, "\ntoy.coverage,0.3,0.3,0.3,0.3,0.3,0.3,0,0,0,0,8,no,"));
    assert_non_null(strstr(csv, "\ntoy.missing,,,,,,,,,,,0,,"));
    free(csv);
}

/* A metric only one side reports (the toy "extra" scenario's toy.extra, as a what-if's new
 * crossing): it is listed, after A's metrics, with A's side and the difference empty, both in
 * the table and in compare.csv; and the other way round with the scenarios swapped. */
static void test_one_sided_metrics(void **state)
{
    (void)state;
    af_compare_result *r = NULL;
    af_error err;
    const char *out = scratch("onesided");
    af_status st = compare("base", "extra", out, 2, &r, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(r->n_rows, 5);
    const af_compare_row *x = &r->rows[4];
    assert_string_equal(x->metric, "toy.extra");
    assert_int_equal(x->only, 'B');
    assert_true(isnan(x->mean_a) && isnan(x->ci_low_a) && isnan(x->diff));
    af_assert_close(x->mean_b, 1, 0, 0);
    assert_int_equal(x->n, 0);
    assert_int_equal(x->significant, -1);
    for (size_t i = 0; i < 4; i++) assert_int_equal(r->rows[i].only, 0);
    af_compare_free(r);
    char path[600];
    snprintf(path, sizeof path, "%s/compare.csv", out);
    char *csv = slurp(path, NULL);
    assert_non_null(csv);
    assert_non_null(strstr(csv, "\ntoy.extra,,,,1,1,1,,,,,0,,"));
    free(csv);

    assert_int_equal(compare("extra", "base", scratch("onesided-r"), 2, &r, &err), AF_OK);
    assert_int_equal(r->n_rows, 5);
    x = row(r, "toy.extra");
    assert_int_equal(x->only, 'A');
    af_assert_close(x->mean_a, 1, 0, 0);
    assert_true(isnan(x->mean_b) && isnan(x->diff));
    af_compare_free(r);
}

/* "other" adds exactly 1 to toy.value: on common random numbers the noise cancels, the
 * difference is 1 in every replication, and it is significant. */
static void test_paired_difference(void **state)
{
    (void)state;
    af_compare_result *r = NULL;
    af_error err;
    const char *out1 = scratch("pair1"), *out2 = scratch("pair2");
    assert_int_equal(compare("base", "other", out1, 1, &r, &err), AF_OK);
    const af_compare_row *v = row(r, "toy.value");
    af_assert_close(v->diff, 1, 1e-12, 0);
    af_assert_close(v->sd, 0, 0, 1e-12);
    af_assert_close(v->ci_low, 1, 1e-12, 0);
    assert_int_equal(v->significant, 1);
    af_assert_close(v->mean_b - v->mean_a, 1, 1e-12, 0);
    assert_int_equal(row(r, "toy.coverage")->significant, 0);
    af_compare_free(r);
    /* The same bytes with more threads. */
    assert_int_equal(compare("base", "other", out2, 3, &r, &err), AF_OK);
    af_compare_free(r);
    assert_same_file(out1, out2, "compare.csv");
    assert_same_file(out1, out2, "replications.csv");
    assert_same_file(out1, out2, "provenance.json");
    char path[600];
    snprintf(path, sizeof path, "%s/replications.csv", out1);
    char *csv = slurp(path, NULL);
    assert_non_null(strstr(csv, "point,scenario,replication,seed,metric,value,run_id\n"));
    assert_non_null(strstr(csv, "\n1,B,7,42,toy.rep,7,"));
    free(csv);
}

static void test_errors(void **state)
{
    (void)state;
    af_compare_result *r = NULL;
    af_error err;
    static const char *const sets[] = {"fail=1"};
    af_compare_config cfg = {.a = "base", .b = "other", .sets = sets, .n_sets = 1,
                             .out_dir = scratch("cmp-bad")};
    assert_int_equal(af_compare_run(&cfg, &toy_model, NULL, &r, &err), AF_PARSE);
    assert_null(r);
    assert_non_null(strstr(err.message, "fail=1"));
    cfg.b = NULL;
    assert_int_equal(af_compare_run(&cfg, &toy_model, NULL, &r, &err), AF_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_one_sided_metrics),
        cmocka_unit_test(test_paired_difference),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
