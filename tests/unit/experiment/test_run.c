/* The run kind through the C API (af_run_experiment) on the logistics model: it resumes after
 * an interruption (af_exp_options.stop_after) with the same bytes as an uninterrupted run,
 * two shards merged equal the unsharded run, a longer run keeps the replications it has, the
 * results handed back are the replications themselves, and a model without daily tables is
 * refused.
 *
 * Run as: test_exp_run SCENARIO.yaml */
#include "exp_test_util.h"

#include <math.h>

#include "aidflow/model.h"
#include "toy_model.h"

static const char *scenario;
static const char *const files[] = {"daily.csv", "stations.csv", "summary.json"};

/* One call of af_run_experiment with `reps` replications on 2 threads. */
static af_status run(const char *out, unsigned reps, const af_exp_options *extra,
                     af_run_result **res, af_error *err)
{
    af_exp_model m;
    af_error_clear(err);
    assert_int_equal(af_exp_model_scenario(&m, NULL, err), AF_OK);
    af_run_config cfg = {.scenario = scenario, .replications = reps, .out_dir = out};
    af_exp_options o;
    if (extra)
        o = *extra;
    else
        af_exp_options_init(&o);
    if (!o.jobs) o.jobs = 2;
    o.command = "aidflow run";
    af_status st = af_run_experiment(&cfg, &m, &o, res, err);
    af_exp_model_destroy(&m);
    return st;
}

static void assert_same_run(const char *a, const char *b)
{
    for (size_t i = 0; i < 3; i++) assert_same_file(a, b, files[i]);
}

static void test_resume_after_stop_after(void **state)
{
    (void)state;
    af_error err;
    af_run_result *whole = NULL, *res = NULL;
    if (run(scratch("whole"), 6, NULL, &whole, &err) != AF_OK) fail_msg("%s", err.message);
    assert_true(whole->summary.exported);
    assert_int_equal(whole->summary.ran, 6);
    assert_int_equal(whole->n, 6);

    af_exp_options o;
    af_exp_options_init(&o);
    o.jobs = 1;
    o.stop_after = 2;
    assert_int_equal(run(scratch("broken"), 6, &o, &res, &err), AF_INTERRUPTED);
    assert_non_null(res);
    assert_int_equal(res->summary.ran, 2);
    assert_false(res->summary.exported);
    assert_null(res->results);
    assert_false(file_exists(scratch("broken"), "summary.json"));
    assert_false(file_exists(scratch("broken"), "daily.csv"));
    af_run_free(res);

    if (run(scratch("broken"), 6, NULL, &res, &err) != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(res->summary.resumed, 2);
    assert_int_equal(res->summary.ran, 4);
    assert_true(res->summary.exported);
    assert_same_run(scratch("whole"), scratch("broken"));
    /* The results handed back are the replications, bit for bit whichever run made them. */
    assert_int_equal(res->n, 6);
    for (size_t i = 0; i < 6; i++) {
        const af_result *x = whole->results[i], *y = res->results[i];
        assert_int_equal(y->replication, i);
        assert_int_equal(x->n_metrics, y->n_metrics);
        assert_non_null(y->daily);
        assert_memory_equal(x->metrics, y->metrics, x->n_metrics * sizeof *x->metrics);
        size_t cells = (size_t)x->n_days * x->n_regions * x->n_categories;
        assert_memory_equal(x->daily, y->daily, cells * sizeof *x->daily);
    }
    af_run_free(res);
    af_run_free(whole);
}

static void test_shards_and_merge(void **state)
{
    (void)state;
    af_error err;
    af_run_result *res = NULL;
    if (run(scratch("one"), 5, NULL, NULL, &err) != AF_OK) fail_msg("%s", err.message);
    const char *dirs[2] = {scratch("shard0"), scratch("shard1")};
    size_t ran = 0;
    for (unsigned i = 0; i < 2; i++) {
        af_exp_options o;
        af_exp_options_init(&o);
        o.shard = i;
        o.shards = 2;
        if (run(dirs[i], 5, &o, &res, &err) != AF_OK) fail_msg("%s", err.message);
        assert_false(res->summary.exported);
        assert_false(file_exists(dirs[i], "daily.csv"));
        ran += res->summary.ran;
        af_run_free(res);
    }
    assert_int_equal(ran, 5); /* replications 0, 2, 4 and 1, 3 */
    af_exp_summary sum;
    /* One shard alone is not the run. */
    assert_int_equal(af_exp_merge(scratch("merged"), dirs, 1, &sum, &err), AF_NOTFOUND);
    if (af_exp_merge(scratch("merged"), dirs, 2, &sum, &err) != AF_OK) fail_msg("%s", err.message);
    assert_true(sum.exported);
    assert_int_equal(sum.jobs, 5);
    assert_same_run(scratch("one"), scratch("merged"));
}

/* Replication r is the same job whatever the count: asking for more keeps those there are. */
static void test_more_replications_keep_the_first(void **state)
{
    (void)state;
    af_error err;
    af_run_result *res = NULL;
    if (run(scratch("grow"), 3, NULL, NULL, &err) != AF_OK) fail_msg("%s", err.message);
    if (run(scratch("grow"), 5, NULL, &res, &err) != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(res->summary.resumed, 3);
    assert_int_equal(res->summary.ran, 2);
    af_run_free(res);
    if (run(scratch("five"), 5, NULL, NULL, &err) != AF_OK) fail_msg("%s", err.message);
    assert_same_run(scratch("five"), scratch("grow"));
}

/* The toy model has no daily tables: a run on it fails and says why. */
static void test_model_without_tables(void **state)
{
    (void)state;
    af_run_config cfg = {.scenario = "base", .replications = 2, .out_dir = scratch("toy")};
    af_run_result *res = NULL;
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_run_experiment(&cfg, &toy_model, NULL, &res, &err), AF_INVAL);
    assert_null(res);
    assert_non_null(strstr(err.message, "no daily tables"));
}

/* The midnight conservation check: on, a correct model passes it with the same bytes; a
 * tolerance below zero fails every midnight, and the run fails with the day and the
 * replication instead of writing files. */
static void test_conservation_check(void **state)
{
    (void)state;
    for (int failing = 0; failing < 2; failing++) {
        af_exp_model m;
        af_error err;
        af_error_clear(&err);
        assert_int_equal(af_exp_model_scenario(&m, NULL, &err), AF_OK);
        af_exp_model_check_conservation(&m, failing ? -1 : 1e-9);
        af_run_config cfg = {.scenario = scenario, .replications = 2,
                             .out_dir = scratch(failing ? "cons-bad" : "cons")};
        af_exp_options o;
        af_exp_options_init(&o);
        o.jobs = 1;
        o.command = "aidflow run";
        af_run_result *res = NULL;
        af_status st = af_run_experiment(&cfg, &m, &o, &res, &err);
        af_exp_model_destroy(&m);
        af_run_free(res);
        if (!failing) {
            if (st != AF_OK) fail_msg("%s", err.message);
            af_run_result *plain = NULL;
            if (run(scratch("cons-plain"), 2, NULL, &plain, &err) != AF_OK) fail_msg("%s", err.message);
            af_run_free(plain);
            assert_same_run(scratch("cons"), scratch("cons-plain"));
        } else {
            assert_int_equal(st, AF_INVAL);
            assert_non_null(strstr(err.message, "conservation check failed: replication 0, day"));
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_exp_run SCENARIO.yaml\n");
        return 2;
    }
    scenario = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resume_after_stop_after, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_shards_and_merge, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_more_replications_keep_the_first, scratch_setup,
                                        scratch_teardown),
        cmocka_unit_test_setup_teardown(test_conservation_check, scratch_setup, scratch_teardown),
        cmocka_unit_test_setup_teardown(test_model_without_tables, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests_name("exp_run", tests, NULL, NULL);
}
