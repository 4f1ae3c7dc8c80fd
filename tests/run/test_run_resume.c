/* `aidflow run` interrupted (as by Ctrl-C, and as by kill -9) keeps every finished replication,
 * and the same command run again finishes the rest and writes the same files as a run that was
 * never interrupted. The interruption comes from a test hook at a known point (after the K-th
 * replication is kept), not from a signal raced against the run.
 *
 * Run as: test_run_resume PATH/TO/aidflow SCENARIO.yaml */
#include "af_test.h"
#include "af_spawn.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *aidflow, *scenario;
static char dir[256];

/* Runs `aidflow run SCENARIO --replications 6 --jobs J --out DIR -q` with an optional hook;
 * returns the exit status, or 1000 + signal number. */
static int run(const char *out, const char *jobs, const char *hook)
{
    char *argv[] = {(char *)aidflow, "run", (char *)scenario, "--replications", "6", "--jobs",
                    (char *)jobs, "--out", (char *)out, NULL};
    char hookvar[128];
    size_t n_env = 0;
    while (environ[n_env]) n_env++;
    char **env = malloc((n_env + 2) * sizeof *env);
    assert_non_null(env);
    size_t n = 0;
    /* This process's environment (sanitizer options included), less any earlier hook. */
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "AIDFLOW_TEST_", 13)) env[n++] = *e;
    if (hook) {
        snprintf(hookvar, sizeof hookvar, "AIDFLOW_TEST_INTERRUPT_AFTER=%s", hook);
        env[n++] = hookvar;
    }
    env[n] = NULL;
    char errpath[300];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    int code = af_spawn(argv, env, errpath);
    free(env);
    return code;
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

static void check_resume(const char *hook, int expected_first_exit, const char *kept)
{
    char whole[300], broken[300];
    snprintf(whole, sizeof whole, "%s/whole", dir);
    snprintf(broken, sizeof broken, "%s/broken", dir);
    assert_int_equal(run(whole, "2", NULL), 0);
    assert_int_equal(run(broken, "1", hook), expected_first_exit);
    /* Nothing that looks like a finished run was left behind; the kept work was. */
    assert_false(exists(broken, "summary.json"));
    assert_false(exists(broken, "daily.csv"));
    assert_true(exists(broken, "run.sqlite"));
    assert_int_equal(run(broken, "2", NULL), 0);
    /* The rerun used what was kept and computed only the rest. */
    char *err = last_stderr();
    if (!strstr(err, kept)) fail_msg("expected '%s' in:\n%s", kept, err);
    free(err);
    assert_same_outputs(whole, broken);
}

static void test_interrupt_then_resume(void **state)
{
    (void)state;
    check_resume("2", 130, "resuming: 2 of 6 replications were kept");
}

static void test_kill_9_then_resume(void **state)
{
    (void)state;
    check_resume("3:kill", 1000 + 9, "resuming: 3 of 6 replications were kept");
}

/* A finished run's store makes the same command again a no-op with the same files. */
static void test_rerun_of_a_finished_run(void **state)
{
    (void)state;
    char a[300];
    snprintf(a, sizeof a, "%s/a", dir);
    assert_int_equal(run(a, "2", NULL), 0);
    size_t l1, l2;
    char *first = slurp(a, "daily.csv", &l1);
    assert_int_equal(run(a, "1", NULL), 0);
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
        cmocka_unit_test_setup_teardown(test_rerun_of_a_finished_run, setup, teardown),
    };
    return cmocka_run_group_tests_name("run_resume", tests, NULL, NULL);
}
