/* Target searches on the toy model, whose thresholds are known. */
#include "exp_test_util.h"

#include "toy_model.h"

typedef struct seen {
    size_t n;
    double values[64];
} seen;

static void on_step(void *ctx, const af_target_step *s)
{
    seen *x = ctx;
    if (x->n < 64) x->values[x->n++] = s->value;
}

static af_status target_cfg(af_target_config *cfg, const af_exp_options *opts,
                            af_target_result **res, af_error *err)
{
    af_exp_options o;
    if (opts)
        o = *opts;
    else
        af_exp_options_init(&o);
    if (!o.jobs) o.jobs = 2;
    af_error_clear(err);
    return af_target_run(cfg, &toy_model, &o, res, err);
}

static af_status target(const char *out, const char *vary, const char *goal, bool integer,
                        double tol, const char *const *sets, size_t n_sets, seen *steps,
                        const af_exp_options *opts, af_target_result **res, af_error *err)
{
    af_target_config cfg = {.scenario = "base", .sets = sets, .n_sets = n_sets, .vary = vary,
                            .goal = goal, .integer = integer, .tolerance = tol,
                            .out_dir = out, .on_step = steps ? on_step : NULL,
                            .step_ctx = steps};
    af_exp_options o;
    if (opts)
        o = *opts;
    else
        af_exp_options_init(&o);
    if (!o.jobs) o.jobs = 2;
    af_error_clear(err);
    return af_target_run(&cfg, &toy_model, &o, res, err);
}

/* toy.coverage = min(1, x / 10) with no noise: the smallest whole x with coverage >= 0.95
 * is 10. */
static void test_integer_threshold(void **state)
{
    (void)state;
    af_target_result *r = NULL;
    af_error err;
    seen s = {0};
    const char *out = scratch("int");
    af_status st = target(out, "x=1:40", "toy.coverage >= 0.95", true, 0, NULL, 0, &s, NULL,
                          &r, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    assert_true(r->found);
    af_assert_close(r->answer.value, 10, 0, 0);
    assert_string_equal(r->answer.text, "10");
    assert_true(r->lower_bound);
    assert_true(r->answer.meets);
    af_assert_close(r->confidence, 0.95, 0, 0);
    /* Evaluated HI, LO, then halves: 40, 1, 20, 10, 5, 7, 8, 9. */
    static const double order[] = {40, 1, 20, 10, 5, 7, 8, 9};
    assert_int_equal(s.n, 8);
    for (size_t i = 0; i < 8; i++) af_assert_close(s.values[i], order[i], 0, 0);
    /* The curve comes sorted by value; 9 fails, 10 meets. */
    assert_int_equal(r->n_steps, 8);
    for (size_t i = 1; i < r->n_steps; i++) assert_true(r->steps[i - 1].value < r->steps[i].value);
    for (size_t i = 0; i < r->n_steps; i++)
        assert_int_equal(r->steps[i].meets, r->steps[i].value >= 10);
    af_target_free(r);

    char path[600];
    snprintf(path, sizeof path, "%s/target.csv", out);
    char *csv = slurp(path, NULL);
    assert_non_null(csv);
    assert_memory_equal(csv, "run_id,step,x,metric,mean,sd,ci_low,ci_high,n,meets\n", 52);
    assert_non_null(strstr(csv, "-42,7,9,toy.coverage,0.9,0,0.9,0.9,5,no\n"));
    assert_non_null(strstr(csv, "-42,3,10,toy.coverage,1,0,1,1,5,yes\n"));
    free(csv);
}

static void test_continuous_threshold(void **state)
{
    (void)state;
    af_target_result *r = NULL;
    af_error err;
    assert_int_equal(target(scratch("cont"), "x=0:40", "toy.coverage >= 0.95", false, 0.01,
                            NULL, 0, NULL, NULL, &r, &err),
                     AF_OK);
    assert_true(r->found);
    af_assert_in_range(r->answer.value, 9.5, 9.51);
    af_target_free(r);
    /* An upper goal: coverage <= 0.5 holds up to x = 5, so over all of [2, 4]: the goal is
     * lost upwards, the answer is the largest value, HI. */
    assert_int_equal(target(scratch("upper"), "x=2:4", "toy.coverage <= 0.5", false, 0, NULL, 0,
                            NULL, NULL, &r, &err),
                     AF_OK);
    assert_true(r->found);
    assert_false(r->lower_bound);
    assert_true(r->whole_range);
    assert_true(r->largest);
    af_assert_close(r->answer.value, 4, 0, 0);
    af_target_free(r);
    /* Asked for the smallest, it is LO. */
    af_target_config cfg = {.scenario = "base", .vary = "x=2:4", .goal = "toy.coverage <= 0.5",
                            .direction = AF_TARGET_SMALLEST, .out_dir = scratch("upper-s")};
    assert_int_equal(target_cfg(&cfg, NULL, &r, &err), AF_OK);
    assert_true(r->found);
    assert_false(r->largest);
    af_assert_close(r->answer.value, 2, 0, 0);
    af_target_free(r);
}

/* A metric that falls as the parameter rises (flip=40: coverage = (40 - x) / 10, capped at 1):
 * coverage >= 0.95 holds for x <= 30.5. The search sees LO meet and HI fail and looks for the
 * largest value: 30 on whole numbers, 30.5 within the tolerance otherwise. The old search,
 * which only looked up from HI, stopped at once with "not met". */
static void test_decreasing_metric(void **state)
{
    (void)state;
    static const char *const sets[] = {"flip=40"};
    af_target_result *r = NULL;
    af_error err;
    seen s = {0};
    af_status st = target(scratch("down-int"), "x=0:40", "toy.coverage >= 0.95", true, 0, sets,
                          1, &s, NULL, &r, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    assert_true(r->found);
    assert_true(r->largest);
    assert_false(r->whole_range);
    af_assert_close(r->answer.value, 30, 0, 0);
    assert_true(r->answer.meets);
    /* HI first, then LO, then halves of the bracket [LO good, HI bad]. */
    af_assert_close(s.values[0], 40, 0, 0);
    af_assert_close(s.values[1], 0, 0, 0);
    for (size_t i = 0; i < r->n_steps; i++)
        assert_int_equal(r->steps[i].meets, r->steps[i].value <= 30);
    /* 31 was tried and fails: 30 is the largest. */
    bool above = false;
    for (size_t i = 0; i < r->n_steps; i++) above |= r->steps[i].value == 31;
    assert_true(above);
    af_target_free(r);

    assert_int_equal(target(scratch("down-cont"), "x=0:40", "toy.coverage >= 0.95", false, 0.01,
                            sets, 1, NULL, NULL, &r, &err),
                     AF_OK);
    assert_true(r->found && r->largest);
    af_assert_in_range(r->answer.value, 30.49, 30.5);
    af_target_free(r);

    /* Stated: --direction largest starts from LO; smallest on a falling metric is not met. */
    af_target_config cfg = {.scenario = "base", .sets = sets, .n_sets = 1, .vary = "x=0:40",
                            .goal = "toy.coverage >= 95%", .integer = true,
                            .direction = AF_TARGET_LARGEST, .out_dir = scratch("down-l")};
    assert_int_equal(target_cfg(&cfg, NULL, &r, &err), AF_OK);
    assert_true(r->found);
    af_assert_close(r->answer.value, 30, 0, 0);
    assert_true(r->goal.percent);
    af_target_free(r);
    cfg.direction = AF_TARGET_SMALLEST;
    cfg.out_dir = scratch("down-s");
    assert_int_equal(target_cfg(&cfg, NULL, &r, &err), AF_OK);
    assert_false(r->found);
    af_target_free(r);
}

/* Several goals: all must hold. toy.coverage >= 0.5 holds from x = 5, toy.value >= 20 from
 * x = 20: together from 20. A goal that never holds in the range (toy.value >= 100) makes
 * the whole target not met, though the other goal is met everywhere above 5. */
static void test_several_goals(void **state)
{
    (void)state;
    af_target_result *r = NULL;
    af_error err;
    static const char *const goals[] = {"toy.coverage >= 50%", "toy.value >= 20"};
    const char *out = scratch("multi");
    af_target_config cfg = {.scenario = "base", .vary = "x=0:40", .goals = goals, .n_goals = 2,
                            .integer = true, .out_dir = out};
    af_status st = target_cfg(&cfg, NULL, &r, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    assert_true(r->found);
    assert_false(r->largest);
    assert_int_equal(r->n_goals, 2);
    af_assert_close(r->answer.value, 20, 0, 0);
    for (size_t i = 0; i < r->n_steps; i++) {
        const af_target_step *t = &r->steps[i];
        assert_int_equal(t->n_goals, 2);
        assert_int_equal(t->goals[0].meets, t->value >= 5);
        assert_int_equal(t->goals[1].meets, t->value >= 20);
        assert_int_equal(t->meets, t->value >= 20);
    }
    af_target_free(r);
    char path[600];
    snprintf(path, sizeof path, "%s/target.csv", out);
    char *csv = slurp(path, NULL);
    assert_non_null(csv);
    assert_non_null(strstr(csv, "step,x,metric,mean,sd,ci_low,ci_high,n,meets\n"));
    assert_non_null(strstr(csv, ",20,toy.coverage,1,0,1,1,5,yes\n"));
    assert_non_null(strstr(csv, ",20,toy.value,20,0,20,20,5,yes\n"));
    assert_non_null(strstr(csv, ",10,toy.value,10,0,10,10,5,no\n"));
    assert_non_null(strstr(csv, ",10,toy.coverage,1,0,1,1,5,yes\n"));
    free(csv);
    snprintf(path, sizeof path, "%s/provenance.json", out);
    char *prov = slurp(path, NULL);
    assert_non_null(prov);
    assert_non_null(strstr(prov, "\"goal\": \"toy.coverage >= 50%; toy.value >= 20\""));
    free(prov);

    static const char *const missed[] = {"toy.coverage >= 0.5", "toy.value >= 100"};
    cfg.goals = missed;
    cfg.out_dir = scratch("multi-missed");
    assert_int_equal(target_cfg(&cfg, NULL, &r, &err), AF_OK);
    assert_false(r->found);
    for (size_t i = 0; i < r->n_steps; i++) {
        assert_false(r->steps[i].goals[1].meets);
        assert_false(r->steps[i].meets);
    }
    af_target_free(r);
}

/* A goal on a metric the model does not report is refused before anything runs: the error
 * names the closest metrics, no store is left, and the corrected command then runs. */
static void test_bad_metric_leaves_nothing(void **state)
{
    (void)state;
    af_target_result *r = NULL;
    af_error err;
    seen s = {0};
    const char *out = scratch("badmetric");
    assert_int_equal(target(out, "x=1:40", "toy.coverag >= 0.95", true, 0, NULL, 0, &s, NULL,
                            &r, &err),
                     AF_INVAL);
    assert_null(r);
    assert_int_equal(s.n, 0);
    assert_non_null(strstr(err.message, "no metric 'toy.coverag'"));
    /* The closest name comes first. */
    assert_non_null(strstr(err.message, "the closest it has: toy.coverage"));
    char path[600];
    snprintf(path, sizeof path, "%s/results.sqlite", out);
    assert_false(access(path, F_OK) == 0);
    static const char *const goals[] = {"toy.coverage >= 0.5", "toy.nothing <= 1"};
    af_target_config cfg = {.scenario = "base", .vary = "x=0:40", .goals = goals, .n_goals = 2,
                            .out_dir = out};
    assert_int_equal(target_cfg(&cfg, NULL, &r, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "toy.nothing"));
    assert_false(access(path, F_OK) == 0);
    assert_int_equal(target(out, "x=1:40", "toy.coverage >= 0.95", true, 0, NULL, 0, NULL, NULL,
                            &r, &err),
                     AF_OK);
    assert_true(r->found);
    af_assert_close(r->answer.value, 10, 0, 0);
    af_target_free(r);
}

/* With noise, the goal is judged on the interval's lower bound. On common random numbers
 * toy.value = x + noise * z_r has the same spread at every x, so the lower bound is x + c for
 * one constant c: the answer is the smallest whole x with x + c >= 5, and x - 1 fails. */
static void test_noisy_threshold(void **state)
{
    (void)state;
    af_target_result *r = NULL;
    af_error err;
    static const char *const sets[] = {"noise=1.5"};
    const char *out = scratch("noisy");
    assert_int_equal(target(out, "x=0:30", "toy.value >= 5", true, 0, sets, 1, NULL, NULL, &r,
                            &err),
                     AF_OK);
    assert_true(r->found);
    double c = r->answer.ci_low - r->answer.value;
    af_assert_close(r->answer.value, ceil(5 - c), 0, 0);
    assert_true(r->answer.mean > r->answer.ci_low); /* a real interval */
    bool below_seen = false;
    for (size_t i = 0; i < r->n_steps; i++) {
        af_assert_close(r->steps[i].ci_low - r->steps[i].value, c, 1e-9, 1e-9);
        if (r->steps[i].value == r->answer.value - 1) {
            below_seen = true;
            assert_false(r->steps[i].meets);
            /* The mean alone may well be above 5 there: the interval is what counts. */
        }
    }
    assert_true(below_seen);
    af_target_free(r);

    /* Interrupted after a few jobs and resumed: the same curve, byte for byte. */
    const char *again = scratch("noisy-again");
    af_exp_options o;
    af_exp_options_init(&o);
    o.stop_after = 12;
    assert_int_equal(target(again, "x=0:30", "toy.value >= 5", true, 0, sets, 1, NULL, &o, &r,
                            &err),
                     AF_INTERRUPTED);
    assert_non_null(r);
    assert_false(r->found);
    assert_int_equal(r->n_steps, 2); /* 10 jobs: two values evaluated, the third cut short */
    af_target_free(r);
    assert_int_equal(target(again, "x=0:30", "toy.value >= 5", true, 0, sets, 1, NULL, NULL, &r,
                            &err),
                     AF_OK);
    assert_int_equal(r->summary.resumed, 12);
    af_target_free(r);
    assert_same_file(out, again, "target.csv");
    assert_same_file(out, again, "replications.csv");
    assert_same_file(out, again, "provenance.json");
}

static void test_not_found_and_errors(void **state)
{
    (void)state;
    af_target_result *r = NULL;
    af_error err;
    seen s = {0};
    assert_int_equal(target(scratch("nf"), "x=1:5", "toy.coverage >= 0.95", true, 0, NULL, 0, &s,
                            NULL, &r, &err),
                     AF_OK);
    assert_false(r->found);
    assert_int_equal(s.n, 2); /* both ends fail: not met, nothing bisected */
    af_target_free(r);
    /* Stated smallest: HI fails, so nothing below can meet it. */
    seen s1 = {0};
    af_target_config cfg = {.scenario = "base", .vary = "x=1:5", .goal = "toy.coverage >= 0.95",
                            .integer = true, .direction = AF_TARGET_SMALLEST,
                            .out_dir = scratch("nf1"), .on_step = on_step, .step_ctx = &s1};
    assert_int_equal(target_cfg(&cfg, NULL, &r, &err), AF_OK);
    assert_false(r->found);
    assert_int_equal(s1.n, 1);
    af_target_free(r);

    assert_int_equal(target(scratch("e1"), "x=1:5", "toy.nothing >= 1", true, 0, NULL, 0, NULL,
                            NULL, &r, &err),
                     AF_INVAL);
    assert_null(r);
    assert_non_null(strstr(err.message, "no metric 'toy.nothing'"));
    assert_non_null(strstr(err.message, "toy.coverage"));
    assert_int_equal(target(scratch("e2"), "x=5:1", "toy.coverage >= 1", true, 0, NULL, 0, NULL,
                            NULL, &r, &err),
                     AF_INVAL);
    assert_non_null(strstr(err.message, "below LO"));
    assert_int_equal(target(scratch("e3"), "x=1.5:4", "toy.coverage >= 1", true, 0, NULL, 0,
                            NULL, NULL, &r, &err),
                     AF_INVAL);
    assert_non_null(strstr(err.message, "whole"));
    /* HI meets; LO = 1.5 lanes cannot be loaded: say --integer. */
    assert_int_equal(target(scratch("e4"), "lanes=1.5:4", "toy.coverage >= 0", false, 0, NULL,
                            0, NULL, NULL, &r, &err),
                     AF_PARSE);
    assert_non_null(strstr(err.message, "--integer"));
    assert_int_equal(target(scratch("e5"), "x", "toy.rep >= 1", false, 0, NULL, 0, NULL, NULL, &r,
                            &err),
                     AF_INVAL);
    af_exp_options o;
    af_exp_options_init(&o);
    o.shards = 2;
    assert_int_equal(target(scratch("e6"), "x=1:4", "toy.rep >= 1", false, 0, NULL, 0, NULL, &o,
                            &r, &err),
                     AF_INVAL);
    assert_non_null(strstr(err.message, "--shard"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer_threshold),
        cmocka_unit_test(test_continuous_threshold),
        cmocka_unit_test(test_noisy_threshold),
        cmocka_unit_test(test_not_found_and_errors),
        cmocka_unit_test(test_decreasing_metric),
        cmocka_unit_test(test_several_goals),
        cmocka_unit_test(test_bad_metric_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
