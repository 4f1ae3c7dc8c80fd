/* Unit tests of atomic file replacement (src/base/atomic_file.c). */
#include "af_test.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aidflow/atomic_file.h"

static char dir[256];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/af_atomic_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static size_t count_entries(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void test_commit_replaces_and_abort_keeps_old(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    af_error err;
    assert_int_equal(af_atomic_write(path, "a,b\n1,2\n", 8, &err), AF_OK);
    assert_string_equal(slurp(path), "a,b\n1,2\n");

    af_atomic_file *f;
    assert_int_equal(af_atomic_open(&f, path, &err), AF_OK);
    fputs("half of a new file", af_atomic_stream(f));
    /* Until commit the target still holds the old content. */
    assert_string_equal(slurp(path), "a,b\n1,2\n");
    assert_int_equal(count_entries(), 2);
    af_atomic_abort(f);
    assert_string_equal(slurp(path), "a,b\n1,2\n");
    assert_int_equal(count_entries(), 1);

    /* Readable as an ordinary file under the usual umask, not mkstemp's 0600. */
    mode_t old = umask(022);
    assert_int_equal(af_atomic_write(path, "x\n", 2, &err), AF_OK);
    umask(old);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
}

static void test_unwritable_directory_is_a_clear_error(void **state)
{
    (void)state;
    af_error err;
    af_error_clear(&err);
    char path[300];
    snprintf(path, sizeof path, "%s/no/such/dir/out.csv", dir);
    assert_int_equal(af_atomic_write(path, "x", 1, &err), AF_IO);
    assert_non_null(strstr(err.message, "no/such/dir/out.csv"));
    assert_non_null(strstr(err.message, "No such file"));
}

/* A full disk, simulated with a file-size limit in a child process: the write fails, the
 * target keeps its old content and no temporary file is left behind. */
static void test_full_disk_leaves_old_file(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    assert_int_equal(af_atomic_write(path, "old\n", 4, NULL), AF_OK);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {.rlim_cur = 1000, .rlim_max = 1000};
        setrlimit(RLIMIT_FSIZE, &lim);
        static char big[100000];
        memset(big, 'x', sizeof big);
        af_error err;
        af_status st = af_atomic_write(path, big, sizeof big, &err);
        _exit(st == AF_IO && strstr(err.message, "big.csv") ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_string_equal(slurp(path), "old\n");
    assert_int_equal(count_entries(), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_replaces_and_abort_keeps_old, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_unwritable_directory_is_a_clear_error, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_full_disk_leaves_old_file, make_dir, remove_dir),
    };
    return cmocka_run_group_tests_name("atomic_file", tests, NULL, NULL);
}
