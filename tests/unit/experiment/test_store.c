/* The result store's group commit (exp_store_put_jobs): the jobs of one call are committed in
 * one transaction, all or none; once it returns they survive a kill -9 of the process, and
 * reading the store back (verification, the jobs done, a point's values) finds every one
 * exactly as it was given. */
#include "exp_test_util.h"

#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "experiment/exp_internal.h"

enum { REPS = 50, METRICS = 70 }; /* more metrics than one insert statement takes */

static const char identity[] = "kind=test\nstore=group commit\n";

/* Metric k of replication r of point p: distinct, with a NaN and a negative zero among them. */
static double value_of(size_t p, size_t r, size_t k)
{
    if (k == 3) return NAN;
    if (k == 4) return -0.0;
    return (double)p * 1000 + (double)r + (double)k / 128;
}

static exp_job_result *make_numbered(uint64_t job, size_t point, unsigned rep)
{
    exp_job_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->job = job;
    r->point = point;
    r->replication = rep;
    r->seed = 7;
    r->seconds = 0.25;
    exp_metrics_init(&r->metrics);
    af_buf_init(&r->tables);
    for (size_t k = 0; k < METRICS; k++) {
        char name[32];
        snprintf(name, sizeof name, "metric.%zu", k);
        assert_int_equal(af_exp_metrics_add(&r->metrics, name, value_of(point, rep, k)), AF_OK);
    }
    return r;
}

/* Job point * REPS + rep, as the runner numbers them. */
static exp_job_result *make_job(size_t point, unsigned rep)
{
    return make_numbered(point * REPS + rep, point, rep);
}

static void free_job(exp_job_result *r)
{
    exp_metrics_free(&r->metrics);
    af_buf_free(&r->tables);
    free(r);
}

static exp_store *open_claimed(const char *dir)
{
    exp_store *s = NULL;
    af_error err;
    af_error_clear(&err);
    if (exp_store_open(&s, dir, false, true, &err) != AF_OK) fail_msg("%s", err.message);
    if (exp_store_claim(s, identity, NULL, &err) != AF_OK) fail_msg("%s", err.message);
    return s;
}

/* Commits replications [from, to) of point 0 and point 1 in one call. */
static af_status put_group(exp_store *s, unsigned from, unsigned to, af_error *err)
{
    size_t n = 2 * (size_t)(to - from);
    exp_job_result **batch = calloc(n, sizeof *batch);
    assert_non_null(batch);
    for (unsigned r = from; r < to; r++) {
        batch[2 * (r - from)] = make_job(0, r);
        batch[2 * (r - from) + 1] = make_job(1, r);
    }
    af_status st = exp_store_put_jobs(s, (const exp_job_result *const *)batch, n, err);
    for (size_t i = 0; i < n; i++) free_job(batch[i]);
    free(batch);
    return st;
}

/* Every job of replications [0, reps) of points 0 and 1 is in the store with its values, and
 * nothing else is. */
static void assert_holds(const char *dir, unsigned reps)
{
    exp_store *s = NULL;
    af_error err;
    af_error_clear(&err);
    if (exp_store_open(&s, dir, false, false, &err) != AF_OK) fail_msg("%s", err.message);
    bool done[2 * REPS + 1];
    if (exp_store_done(s, done, 2 * REPS + 1, &err) != AF_OK) fail_msg("%s", err.message);
    for (size_t j = 0; j < 2 * REPS + 1; j++)
        assert_int_equal(done[j], j < 2 * REPS && j % REPS < reps);
    assert_int_equal(exp_store_count_jobs(s), 2 * (size_t)reps);
    for (size_t p = 0; p < 2; p++) {
        exp_point_data d;
        if (exp_store_point_data(s, p, reps, &d, &err) != AF_OK) fail_msg("%s", err.message);
        assert_int_equal(d.n_metrics, reps ? METRICS : 0);
        for (size_t k = 0; k < d.n_metrics; k++) {
            char name[32];
            snprintf(name, sizeof name, "metric.%zu", k);
            assert_string_equal(d.names[k], name);
            for (size_t r = 0; r < reps; r++) {
                double want = value_of(p, r, k), got = d.values[k * reps + r];
                if (isnan(want))
                    assert_true(isnan(got));
                else
                    assert_true(got == want); /* -0 is read back as 0, which compares equal */
            }
        }
        exp_point_data_free(&d);
    }
    exp_store_close(s);
}

/* A group committed, then the process killed before it closes the store: every job of the
 * group is there after, and the store verifies. */
static void test_group_survives_kill(void **state)
{
    (void)state;
    const char *dir = scratch("killed");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        exp_store *s = open_claimed(dir);
        af_error err;
        af_error_clear(&err);
        if (put_group(s, 0, 1, &err) != AF_OK || put_group(s, 1, 20, &err) != AF_OK) _exit(3);
        raise(SIGKILL); /* no close, no checkpoint: only what the commits made durable */
        _exit(4);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    assert_holds(dir, 20);
}

/* A group with a job that cannot be stored (one already there) stores none of its jobs. */
static void test_group_all_or_none(void **state)
{
    (void)state;
    const char *dir = scratch("all_or_none");
    exp_store *s = open_claimed(dir);
    af_error err;
    af_error_clear(&err);
    assert_int_equal(put_group(s, 0, 10, &err), AF_OK);
    /* Replications 5..14: 5..9 are there already. */
    af_error_clear(&err);
    assert_int_not_equal(put_group(s, 5, 15, &err), AF_OK);
    assert_true(err.message[0] != '\0');
    /* The store takes the next group as usual. */
    af_error_clear(&err);
    assert_int_equal(put_group(s, 10, 12, &err), AF_OK);
    exp_store_close(s);
    assert_holds(dir, 12);
}

/* A table's rows as text, in order. */
static char *dump(const char *dir, const char *sql)
{
    char path[600];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    const char *t = (const char *)sqlite3_column_text(q, 0);
    char *copy = strdup(t ? t : "");
    sqlite3_finalize(q);
    sqlite3_close(db);
    return copy;
}

/* One job a call and many in one call give the same store contents. */
static void test_group_same_as_one_by_one(void **state)
{
    (void)state;
    const char *one = scratch("one_by_one"), *group = scratch("grouped");
    exp_store *s = open_claimed(one);
    af_error err;
    af_error_clear(&err);
    for (unsigned r = 0; r < REPS; r++) {
        exp_job_result *a = make_job(0, r), *b = make_job(1, r);
        assert_int_equal(exp_store_put_job(s, a, &err), AF_OK);
        assert_int_equal(exp_store_put_job(s, b, &err), AF_OK);
        free_job(a);
        free_job(b);
    }
    exp_store_close(s);
    s = open_claimed(group);
    assert_int_equal(put_group(s, 0, REPS, &err), AF_OK);
    exp_store_close(s);
    assert_holds(one, REPS);
    assert_holds(group, REPS);
    static const char *const tables[] = {
        "SELECT group_concat(job || ':' || sum, ' ') FROM (SELECT * FROM job_checks ORDER BY job)",
        "SELECT group_concat(job || ':' || ord || ':' || metric || ':' || quote(value), ' ') "
        "FROM (SELECT * FROM results ORDER BY job, ord)",
        "SELECT group_concat(job || ':' || point || ':' || replication || ':' || seed, ' ') "
        "FROM (SELECT * FROM jobs ORDER BY job)",
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char *a = dump(one, tables[i]), *b = dump(group, tables[i]);
        assert_true(strlen(a) > 0);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

/* A point's values are read by replication whatever the jobs' numbers: point 0's jobs are
 * numbered as the runner numbers them (0..2 of replications 0..3, read as one range of the
 * results), but job 3, in that range, belongs to point 1 and must not be read as point 0's; point
 * 1's other jobs are numbered otherwise (read by the jobs' table). */
static void test_point_data_by_replication(void **state)
{
    (void)state;
    const unsigned reps = 4;
    const char *dir = scratch("numbering");
    exp_store *s = open_claimed(dir);
    af_error err;
    af_error_clear(&err);
    exp_job_result *jobs[] = {make_numbered(0, 0, 0), make_numbered(1, 0, 1),
                              make_numbered(2, 0, 2), make_numbered(3, 1, 3),
                              make_numbered(40, 1, 0), make_numbered(41, 1, 1),
                              make_numbered(42, 1, 2)};
    size_t n = sizeof jobs / sizeof jobs[0];
    assert_int_equal(exp_store_put_jobs(s, (const exp_job_result *const *)jobs, n, &err), AF_OK);
    for (size_t i = 0; i < n; i++) free_job(jobs[i]);
    for (size_t p = 0; p < 2; p++) {
        exp_point_data d;
        if (exp_store_point_data(s, p, reps, &d, &err) != AF_OK) fail_msg("%s", err.message);
        assert_int_equal(d.n_metrics, METRICS);
        for (size_t k = 0; k < d.n_metrics; k++)
            for (size_t r = 0; r < reps; r++) {
                double got = d.values[k * reps + r];
                if (p == 0 && r == 3)
                    assert_true(isnan(got)); /* point 0 has no replication 3 */
                else if (isnan(value_of(p, r, k)))
                    assert_true(isnan(got));
                else
                    assert_true(got == value_of(p, r, k));
            }
        exp_point_data_free(&d);
    }
    exp_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_survives_kill),
        cmocka_unit_test(test_group_all_or_none),
        cmocka_unit_test(test_group_same_as_one_by_one),
        cmocka_unit_test(test_point_data_by_replication),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
