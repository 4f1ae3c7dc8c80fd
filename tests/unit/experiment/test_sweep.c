/* Sweeps on the toy model: outputs, the same bytes whatever the number of threads, resuming
 * after an interruption, refusing another experiment's store, shards and merging. */
#include "exp_test_util.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "toy_model.h"

static af_status sweep(const char *out, const char *const *vary, size_t n_vary,
                       const char *design, unsigned jobs, const af_exp_options *extra,
                       af_exp_summary *sum, af_error *err)
{
    static const char *const sets[] = {"noise=0.5"};
    af_sweep_config cfg = {.scenario = "base", .sets = sets, .n_sets = 1, .vary = vary,
                           .n_vary = n_vary, .design = design, .out_dir = out};
    af_exp_options o;
    if (extra)
        o = *extra;
    else
        af_exp_options_init(&o);
    o.jobs = jobs;
    o.command = "aidflow sweep base --vary ...";
    af_error_clear(err);
    return af_sweep_run(&cfg, &toy_model, &o, sum, err);
}

static const char *const grid[] = {"x=1,2,3", "lanes=1,2"};

static void test_outputs(void **state)
{
    (void)state;
    const char *out = scratch("outputs");
    af_exp_summary sum;
    af_error err;
    af_status st = sweep(out, grid, 2, NULL, 2, NULL, &sum, &err);
    if (st != AF_OK) fail_msg("%s", err.message);
    assert_int_equal(sum.points, 6);
    assert_int_equal(sum.jobs, 30);
    assert_int_equal(sum.ran, 30);
    assert_int_equal(sum.resumed, 0);
    assert_int_equal(sum.replications, 5);
    assert_true(sum.exported);
    assert_true(file_exists(out, "sweep.csv"));
    assert_true(file_exists(out, "replications.csv"));
    assert_true(file_exists(out, "provenance.json"));
    assert_true(file_exists(out, "results.sqlite"));

    char path[600];
    snprintf(path, sizeof path, "%s/sweep.csv", out);
    char *csv = slurp(path, NULL);
    assert_non_null(csv);
    /* Header, then point 0 (x=1, lanes=1) in the model's metric order. */
    const char *want_head = "run_id,point,x,lanes,metric,mean,sd,ci_low,ci_high,n\n";
    assert_memory_equal(csv, want_head, strlen(want_head));
    /* Each row starts with its point's run_id, the one points.csv gives it (HASH-SEED). */
    char ppath[600], id0[64], id5[64];
    snprintf(ppath, sizeof ppath, "%s/points.csv", out);
    char *pts = slurp(ppath, NULL);
    assert_non_null(pts);
    const char *p0 = strstr(pts, "\n"), *p5 = strstr(pts, ",5,");
    assert_non_null(p0);
    assert_non_null(p5);
    while (p5 > pts && p5[-1] != '\n') p5--;
    assert_int_equal(sscanf(p0 + 1, "%63[^,]", id0), 1);
    assert_int_equal(sscanf(p5, "%63[^,]", id5), 1);
    free(pts);
    assert_non_null(strchr(id0, '-'));
    char want[200];
    snprintf(want, sizeof want, "\n%s,0,1,1,toy.coverage,0.1,0,0.1,0.1,5\n", id0);
    assert_non_null(strstr(csv, want));
    snprintf(want, sizeof want, "\n%s,5,3,2,toy.coverage,0.3,0,0.3,0.3,5\n", id5);
    assert_non_null(strstr(csv, want));
    /* toy.rep is 0..4: mean 2, sd sqrt(2.5), t(0.975; 4) interval. */
    char line[200];
    double hw = 2.7764451051977987 * sqrt(2.5) / sqrt(5);
    char lo[40], hi[40], sd[40];
    snprintf(sd, sizeof sd, "%.17g", sqrt(2.5));
    snprintf(lo, sizeof lo, "%.17g", 2 - hw);
    snprintf(hi, sizeof hi, "%.17g", 2 + hw);
    const char *rep = strstr(csv, ",0,1,1,toy.rep,2,");
    assert_non_null(rep);
    double v_sd, v_lo, v_hi;
    assert_int_equal(sscanf(rep, ",0,1,1,toy.rep,2,%lf,%lf,%lf,5", &v_sd, &v_lo, &v_hi), 3);
    af_assert_close(v_sd, sqrt(2.5), 1e-15, 0);
    af_assert_close(v_lo, 2 - hw, 1e-13, 1e-13);
    af_assert_close(v_hi, 2 + hw, 1e-13, 1e-13);
    /* A metric no replication could give: mean and interval empty, n 0. */
    snprintf(line, sizeof line, ",0,1,1,toy.missing,,,,,0\n");
    assert_non_null(strstr(csv, line));
    assert_non_null(strstr(csv, ",0,1,1,queue.wait,"));
    free(csv);

    snprintf(path, sizeof path, "%s/replications.csv", out);
    csv = slurp(path, NULL);
    assert_non_null(csv);
    const char *rhead = "point,x,lanes,replication,seed,metric,value,run_id\n";
    assert_memory_equal(csv, rhead, strlen(rhead));
    assert_non_null(strstr(csv, "\n0,1,1,0,42,toy.coverage,0.1,"));
    assert_non_null(strstr(csv, "\n5,3,2,4,42,toy.rep,4,"));
    assert_non_null(strstr(csv, "\n5,3,2,4,42,toy.missing,,"));
    /* Common random numbers: replication r draws the same noise at every point, so
     * toy.value differs between x=1 and x=2 by exactly 1. */
    free(csv);

    snprintf(path, sizeof path, "%s/provenance.json", out);
    char *json = slurp(path, NULL);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"command\": \"aidflow sweep base --vary ...\""));
    assert_non_null(strstr(json, "\"kind\": \"sweep\""));
    assert_non_null(strstr(json, "\"design\": \"grid; x=1,2,3; lanes=1,2\""));
    assert_non_null(strstr(json, "\"sets\": [\"noise=0.5\"]"));
    assert_non_null(strstr(json, "\"seed\": 42"));
    assert_non_null(strstr(json, "\"values\": {\"x\": \"3\", \"lanes\": \"2\"}"));
    free(json);
}

static void test_same_bytes_whatever_threads(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    /* The export's threads too: with 1 a task is a whole point, with 4 two replications (of
     * 6 points x 5: three tasks a point), with 8 one. */
    const char *a = scratch("jobs1"), *b = scratch("jobs2"), *c = scratch("jobs4"),
               *d = scratch("jobs8");
    assert_int_equal(sweep(a, grid, 2, NULL, 1, NULL, &sum, &err), AF_OK);
    assert_int_equal(sweep(b, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    assert_int_equal(sweep(c, grid, 2, NULL, 4, NULL, &sum, &err), AF_OK);
    assert_int_equal(sweep(d, grid, 2, NULL, 8, NULL, &sum, &err), AF_OK);
    static const char *const files[] = {"sweep.csv", "replications.csv", "metrics.csv",
                                        "points.csv", "provenance.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        assert_same_file(a, b, files[i]);
        assert_same_file(a, c, files[i]);
        assert_same_file(a, d, files[i]);
    }
}

static size_t rows_in_store(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    sqlite3 *db;
    size_t n = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM jobs", -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            n = (size_t)sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return n;
}

static void test_resume(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    const char *whole = scratch("whole"), *parts = scratch("parts");
    assert_int_equal(sweep(whole, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);

    /* Stop after 7 jobs, then after 9 more, then finish. */
    af_exp_options o;
    af_exp_options_init(&o);
    o.stop_after = 7;
    assert_int_equal(sweep(parts, grid, 2, NULL, 2, &o, &sum, &err), AF_INTERRUPTED);
    assert_int_equal(sum.ran, 7);
    assert_false(sum.exported);
    assert_false(file_exists(parts, "sweep.csv"));
    assert_int_equal(rows_in_store(parts), 7);
    o.stop_after = 9;
    assert_int_equal(sweep(parts, grid, 2, NULL, 1, &o, &sum, &err), AF_INTERRUPTED);
    assert_int_equal(sum.resumed, 7);
    assert_int_equal(sum.ran, 9);
    assert_int_equal(rows_in_store(parts), 16);
    assert_int_equal(sweep(parts, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    assert_int_equal(sum.resumed, 16);
    assert_int_equal(sum.ran, 14);
    assert_true(sum.exported);
    assert_same_file(whole, parts, "sweep.csv");
    assert_same_file(whole, parts, "replications.csv");
    assert_same_file(whole, parts, "provenance.json");

    /* Once more: nothing to run, the same files again. */
    assert_int_equal(sweep(parts, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    assert_int_equal(sum.ran, 0);
    assert_int_equal(sum.resumed, 30);
    assert_same_file(whole, parts, "sweep.csv");
}

static volatile int stop_flag;
static int replicated;

/* The toy model, raising the interrupt flag (as a signal handler would) during its third
 * replication. */
static af_status replicate_then_interrupt(void *ctx, const void *point, uint64_t seed,
                                          unsigned rep, af_exp_metrics *out, af_error *err)
{
    if (++replicated == 3) stop_flag = 1;
    return toy_replicate(ctx, point, seed, rep, out, err);
}

static void count_calls(void *ctx, const af_exp_progress *p)
{
    size_t *calls = ctx;
    (*calls)++;
    assert_true(p->done <= p->total);
}

static void test_interrupt_flag(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    const char *dir = scratch("interrupt");
    af_exp_options o;
    af_exp_options_init(&o);
    size_t calls = 0;
    stop_flag = 0;
    replicated = 0;
    o.interrupt = &stop_flag;
    o.progress = count_calls;
    o.progress_ctx = &calls;
    o.jobs = 1;
    static const char *const sets[] = {"noise=0.5"};
    af_sweep_config cfg = {.scenario = "base", .sets = sets, .n_sets = 1, .vary = grid,
                           .n_vary = 2, .out_dir = dir};
    af_exp_model m = toy_model;
    m.replicate = replicate_then_interrupt;
    af_error_clear(&err);
    assert_int_equal(af_sweep_run(&cfg, &m, &o, &sum, &err), AF_INTERRUPTED);
    assert_int_equal(err.status, AF_INTERRUPTED);
    /* The job under way when the flag went up finished and was kept; no other started. */
    assert_int_equal(sum.ran, 3);
    assert_int_equal(rows_in_store(dir), 3);
    assert_false(file_exists(dir, "sweep.csv"));
    assert_int_equal(calls, 5); /* the start, three commits, the end */
    stop_flag = 0;
    assert_int_equal(sweep(dir, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    assert_int_equal(sum.resumed + sum.ran, 30);
}

/* Group commit: the coordinator held up in its first progress report (after the first
 * commit) until the workers have run every job, so that the rest are queued together and
 * committed as groups; then the process is killed (kill -9) as the last is reported, before
 * the export. Every job is in the store, and the rerun finds them all and writes the files
 * of an uninterrupted run. */
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_cv = PTHREAD_COND_INITIALIZER;
static size_t held_replicated;

static af_status replicate_counted(void *ctx, const void *point, uint64_t seed, unsigned rep,
                                   af_exp_metrics *out, af_error *err)
{
    af_status st = toy_replicate(ctx, point, seed, rep, out, err);
    pthread_mutex_lock(&held_mu);
    held_replicated++;
    pthread_cond_broadcast(&held_cv);
    pthread_mutex_unlock(&held_mu);
    return st;
}

static void hold_then_kill(void *ctx, const af_exp_progress *p)
{
    (void)ctx;
    if (p->done == 1 && !p->finished) {
        pthread_mutex_lock(&held_mu);
        while (held_replicated < p->total) pthread_cond_wait(&held_cv, &held_mu);
        pthread_mutex_unlock(&held_mu);
    }
    if (p->done == p->total && !p->finished) raise(SIGKILL);
}

static void test_group_commit_then_kill(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    const char *whole = scratch("group_whole"), *dir = scratch("group_killed");
    assert_int_equal(sweep(whole, grid, 2, NULL, 1, NULL, &sum, &err), AF_OK);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        static const char *const sets[] = {"noise=0.5"};
        af_sweep_config cfg = {.scenario = "base", .sets = sets, .n_sets = 1, .vary = grid,
                               .n_vary = 2, .out_dir = dir};
        af_exp_options o;
        af_exp_options_init(&o);
        o.jobs = 2;
        o.progress = hold_then_kill;
        o.command = "aidflow sweep base --vary ...";
        af_exp_model m = toy_model;
        m.replicate = replicate_counted;
        af_error e;
        af_error_clear(&e);
        af_sweep_run(&cfg, &m, &o, NULL, &e);
        _exit(3); /* not reached: killed at the last report */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(rows_in_store(dir), 30);
    assert_false(file_exists(dir, "sweep.csv"));
    assert_int_equal(sweep(dir, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    assert_int_equal(sum.resumed, 30);
    assert_int_equal(sum.ran, 0);
    static const char *const files[] = {"sweep.csv", "replications.csv", "metrics.csv",
                                        "points.csv", "provenance.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_same_file(whole, dir, files[i]);
}

static void test_other_experiment_refused(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    const char *dir = scratch("refuse");
    assert_int_equal(sweep(dir, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    static const char *const other[] = {"x=1,2,4", "lanes=1,2"};
    assert_int_equal(sweep(dir, other, 2, NULL, 2, NULL, &sum, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "holds another experiment"));
    assert_non_null(strstr(err.message, "x=1,2,4"));
    assert_non_null(strstr(err.message, "--fresh"));
    /* --fresh discards it. */
    af_exp_options o;
    af_exp_options_init(&o);
    o.fresh = true;
    assert_int_equal(sweep(dir, other, 2, NULL, 2, &o, &sum, &err), AF_OK);
    assert_int_equal(sum.resumed, 0);
    assert_int_equal(sum.ran, 30);
}

static void test_bad_point(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    static const char *const bad[] = {"x=1,2", "lanes=1,1.5"};
    assert_int_equal(sweep(scratch("bad"), bad, 2, NULL, 2, NULL, &sum, &err), AF_PARSE);
    assert_non_null(strstr(err.message, "design point 1 (noise=0.5 x=1 lanes=1.5)"));
    assert_non_null(strstr(err.message, "whole number"));
    static const char *const word[] = {"y=1"};
    assert_int_equal(sweep(scratch("bad2"), word, 1, NULL, 2, NULL, &sum, &err), AF_PARSE);
    assert_non_null(strstr(err.message, "unknown path 'y'"));
    static const char *const bare[] = {"x=1:5"};
    assert_int_equal(sweep(scratch("bad3"), bare, 1, NULL, 2, NULL, &sum, &err), AF_INVAL);
}

static void test_shards_and_merge(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    const char *whole = scratch("m-whole");
    assert_int_equal(sweep(whole, grid, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    const char *dirs[3] = {scratch("shard0"), scratch("shard1"), scratch("shard2")};
    size_t total = 0;
    for (unsigned i = 0; i < 3; i++) {
        af_exp_options o;
        af_exp_options_init(&o);
        o.shard = i;
        o.shards = 3;
        assert_int_equal(sweep(dirs[i], grid, 2, NULL, 2, &o, &sum, &err), AF_OK);
        assert_int_equal(sum.ran, 10);
        assert_false(sum.exported);
        total += rows_in_store(dirs[i]);
    }
    assert_int_equal(total, 30);
    /* Two of three: merged but incomplete. */
    const char *part = scratch("m-part");
    assert_int_equal(af_exp_merge(part, dirs, 2, &sum, &err), AF_NOTFOUND);
    assert_non_null(strstr(err.message, "20 of 30 jobs"));
    assert_false(file_exists(part, "sweep.csv"));
    /* All three: the same files as the single run. */
    const char *merged = scratch("m-merged");
    assert_int_equal(af_exp_merge(merged, dirs, 3, &sum, &err), AF_OK);
    assert_true(sum.exported);
    assert_int_equal(sum.jobs, 30);
    assert_same_file(whole, merged, "sweep.csv");
    assert_same_file(whole, merged, "replications.csv");
    assert_same_file(whole, merged, "provenance.json");
    /* The missing shard added to the partial merge completes it. */
    assert_int_equal(af_exp_merge(part, dirs + 2, 1, &sum, &err), AF_OK);
    assert_same_file(whole, part, "sweep.csv");
    /* A store of another experiment is refused. */
    const char *other = scratch("m-other");
    static const char *const grid2[] = {"x=1,2", "lanes=1,2"};
    assert_int_equal(sweep(other, grid2, 2, NULL, 2, NULL, &sum, &err), AF_OK);
    const char *mixed[] = {dirs[0], other};
    assert_int_equal(af_exp_merge(scratch("m-mixed"), mixed, 2, &sum, &err), AF_INVAL);
    assert_non_null(strstr(err.message, "another experiment"));
    /* A bad shard number. */
    af_exp_options o;
    af_exp_options_init(&o);
    o.shard = 3;
    o.shards = 3;
    assert_int_equal(sweep(scratch("m-bad"), grid, 2, NULL, 2, &o, &sum, &err), AF_INVAL);
}

static void test_lhs_sweep(void **state)
{
    (void)state;
    af_exp_summary sum;
    af_error err;
    static const char *const v[] = {"x=0:10", "lanes=1:3:1"};
    const char *a = scratch("lhs-a"), *b = scratch("lhs-b");
    assert_int_equal(sweep(a, v, 2, "lhs:6", 1, NULL, &sum, &err), AF_OK);
    assert_int_equal(sum.points, 6);
    assert_int_equal(sweep(b, v, 2, "lhs:6", 2, NULL, &sum, &err), AF_OK);
    assert_same_file(a, b, "sweep.csv");
    assert_same_file(a, b, "replications.csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_same_bytes_whatever_threads),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_interrupt_flag),
        cmocka_unit_test(test_group_commit_then_kill),
        cmocka_unit_test(test_other_experiment_refused),
        cmocka_unit_test(test_bad_point),
        cmocka_unit_test(test_shards_and_merge),
        cmocka_unit_test(test_lhs_sweep),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
