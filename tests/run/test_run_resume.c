/* `aidflow run` interrupted (at a known point, by Ctrl-C, and by a real kill -9) keeps every
 * finished replication in DIR/results.sqlite, and the same command run again finishes the rest
 * and writes the same files as a run that was never interrupted. --stop-after K stops at a
 * known point (as an interruption after the K-th replication is kept would); the real SIGINT
 * and SIGKILL are sent once the store holds a few replications, whatever the run is doing
 * then.
 *
 * Run as: test_run_resume PATH/TO/aidflow SCENARIO.yaml */
#include "af_test.h"
#include "af_spawn.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *aidflow, *scenario;
static char dir[256];

/* Runs `aidflow run SCENARIO --replications REPS --jobs J --out DIR [EXTRA...]`; returns the
 * exit status, or 1000 + signal number. */
static int run_n(const char *out, const char *reps, const char *jobs, const char *extra1,
                 const char *extra2)
{
    char *argv[] = {(char *)aidflow, "run", (char *)scenario, "--replications", (char *)reps,
                    "--jobs", (char *)jobs, "--out", (char *)out, (char *)extra1,
                    (char *)extra2, NULL};
    char errpath[300];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    return af_spawn(argv, NULL, errpath);
}

static int run(const char *out, const char *jobs, const char *extra1, const char *extra2)
{
    return run_n(out, "6", jobs, extra1, extra2);
}

/* Finished jobs in DIR/results.sqlite as another process sees them (0 before it exists). */
static long jobs_in_store(const char *d)
{
    char path[512];
    snprintf(path, sizeof path, "%s/results.sqlite", d);
    if (access(path, F_OK) != 0) return 0;
    sqlite3 *db = NULL;
    long n = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM jobs", -1, &q, NULL) == SQLITE_OK) {
            if (sqlite3_step(q) == SQLITE_ROW) n = (long)sqlite3_column_int64(q, 0);
            sqlite3_finalize(q);
        } /* else: the store is being created */
    }
    sqlite3_close(db);
    return n;
}

static char *slurp(const char *d, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", d, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static bool exists(const char *d, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", d, name);
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* The files of two runs are the same; in summary.json everything after the provenance (the
 * command line names the output directory, which differs). */
static void assert_same_outputs(const char *a, const char *b)
{
    const char *names[] = {"daily.csv", "stations.csv"};
    for (size_t i = 0; i < 2; i++) {
        size_t la, lb;
        char *x = slurp(a, names[i], &la), *y = slurp(b, names[i], &lb);
        assert_non_null(x);
        assert_non_null(y);
        assert_int_equal(la, lb);
        assert_memory_equal(x, y, la);
        free(x);
        free(y);
    }
    size_t la, lb;
    char *x = slurp(a, "summary.json", &la), *y = slurp(b, "summary.json", &lb);
    assert_non_null(x);
    assert_non_null(y);
    const char *cx = strstr(x, "\n  \"categories\""), *cy = strstr(y, "\n  \"categories\"");
    assert_non_null(cx);
    assert_non_null(cy);
    assert_string_equal(cx, cy);
    free(x);
    free(y);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/af_resume_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* What the last run printed on standard error. */
static char *last_stderr(void)
{
    size_t len;
    char *s = slurp(dir, "stderr.txt", &len);
    assert_non_null(s);
    return s;
}

static void test_interrupt_then_resume(void **state)
{
    (void)state;
    char whole[300], broken[300];
    snprintf(whole, sizeof whole, "%s/whole", dir);
    snprintf(broken, sizeof broken, "%s/broken", dir);
    assert_int_equal(run(whole, "2", NULL, NULL), 0);
    assert_int_equal(run(broken, "1", "--stop-after=2", NULL), 130);
    char *err = last_stderr();
    if (!strstr(err, "interrupted: 2 of 6 replications are kept"))
        fail_msg("expected the interruption in:\n%s", err);
    free(err);
    /* Nothing that looks like a finished run was left behind; the kept work was. */
    assert_false(exists(broken, "summary.json"));
    assert_false(exists(broken, "daily.csv"));
    assert_int_equal(jobs_in_store(broken), 2);
    assert_int_equal(run(broken, "2", NULL, NULL), 0);
    /* The rerun used what was kept and computed only the rest. */
    err = last_stderr();
    if (!strstr(err, "resuming: 2 of 6 replications were kept"))
        fail_msg("expected the resumption in:\n%s", err);
    free(err);
    assert_same_outputs(whole, broken);
}

/* A real signal (no hook) once the store holds at least 3 of the run's 60 replications:
 * SIGKILL kills the process wherever it is; SIGINT (Ctrl-C) makes it stop taking
 * replications, abandon those under way and exit with status 130. */
static void signal_then_resume(int sig)
{
    char whole[300], broken[300], errpath[300];
    snprintf(whole, sizeof whole, "%s/whole", dir);
    snprintf(broken, sizeof broken, "%s/broken", dir);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    assert_int_equal(run_n(whole, "60", "2", NULL, NULL), 0);
    char *argv[] = {(char *)aidflow, "run", (char *)scenario, "--replications", "60", "--jobs",
                    "1", "--out", broken, "--quiet", NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, aidflow, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    /* Poll the store's own count (no fixed sleep): 1 ms between looks, two minutes at most. */
    int status = 0;
    bool ended = false;
    for (long i = 0; i < 120000 && jobs_in_store(broken) < 3; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            ended = true;
            break;
        }
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    if (ended) fail_msg("aidflow ended before 3 replications were stored");
    assert_int_equal(kill(pid, sig), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (sig == SIGKILL)
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    else
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 130);
    long kept = jobs_in_store(broken);
    assert_true(kept >= 3 && kept < 60);
    assert_false(exists(broken, "summary.json"));
    assert_int_equal(run_n(broken, "60", "2", NULL, NULL), 0);
    char *err = last_stderr(), want[100];
    snprintf(want, sizeof want, "resuming: %ld of 60 replications were kept", kept);
    if (!strstr(err, want)) fail_msg("expected '%s' in:\n%s", want, err);
    free(err);
    assert_same_outputs(whole, broken);
}

static void test_kill_9_then_resume(void **state)
{
    (void)state;
    signal_then_resume(SIGKILL);
}

static void test_ctrl_c_then_resume(void **state)
{
    (void)state;
    signal_then_resume(SIGINT);
}

/* A run of another seed in the same directory is refused (exit 2, naming --fresh) and
 * leaves the earlier run's files alone; with --fresh it replaces them. */
static void test_other_seed_replaces(void **state)
{
    (void)state;
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    assert_int_equal(run(a, "2", "--seed=11", NULL), 0);
    size_t l1, l2;
    char *first = slurp(a, "daily.csv", &l1);
    assert_int_equal(run(a, "2", "--seed=12", NULL), 2);
    char *err = last_stderr();
    assert_non_null(strstr(err, "holds another experiment"));
    assert_non_null(strstr(err, "--fresh"));
    free(err);
    char *kept = slurp(a, "daily.csv", &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(first, kept, l1);
    free(first);
    free(kept);
    assert_int_equal(run(a, "2", "--seed=12", "--fresh"), 0);
    err = last_stderr();
    assert_null(strstr(err, "resuming"));
    free(err);
    assert_int_equal(run(b, "2", "--seed=12", NULL), 0);
    assert_same_outputs(a, b);
}

/* A finished run's store makes the same command again a no-op with the same files. */
static void test_rerun_of_a_finished_run(void **state)
{
    (void)state;
    char a[300];
    snprintf(a, sizeof a, "%s/a", dir);
    assert_int_equal(run(a, "2", NULL, NULL), 0);
    size_t l1, l2;
    char *first = slurp(a, "daily.csv", &l1);
    assert_int_equal(run(a, "1", NULL, NULL), 0);
    char *err = last_stderr();
    assert_non_null(strstr(err, "resuming: 6 of 6 replications were kept"));
    free(err);
    char *second = slurp(a, "daily.csv", &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(first, second, l1);
    free(first);
    free(second);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_run_resume PATH/TO/aidflow SCENARIO.yaml\n");
        return 2;
    }
    aidflow = argv[1];
    scenario = argv[2];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_interrupt_then_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_9_then_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c_then_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_of_a_finished_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_seed_replaces, setup, teardown),
    };
    return cmocka_run_group_tests_name("run_resume", tests, NULL, NULL);
}
