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
#include "base/path.h"

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

/* A target that exists and is not a regular file (a FIFO, a directory, a symlink to either,
 * a device) is refused, naming it, and left as it was; nothing is left beside it. */
static void test_refuses_targets_that_are_not_regular_files(void **state)
{
    (void)state;
    char fifo[300], sub[300], link_fifo[300], link_dir[300], link_file[300], file[300];
    snprintf(fifo, sizeof fifo, "%s/fifo.csv", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(link_fifo, sizeof link_fifo, "%s/lfifo.csv", dir);
    snprintf(link_dir, sizeof link_dir, "%s/ldir.csv", dir);
    snprintf(link_file, sizeof link_file, "%s/lfile.csv", dir);
    snprintf(file, sizeof file, "%s/file.csv", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(symlink(fifo, link_fifo), 0);
    assert_int_equal(symlink(sub, link_dir), 0);
    const char *refused[] = {fifo, sub, link_fifo, link_dir, "/dev/null"};
    for (size_t i = 0; i < 5; i++) {
        af_error err;
        af_error_clear(&err);
        assert_int_equal(af_atomic_write(refused[i], "x", 1, &err), AF_INVAL);
        assert_non_null(strstr(err.message, refused[i]));
        assert_non_null(strstr(err.message, "not a regular file"));
    }
    struct stat sb;
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_int_equal(lstat(sub, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(count_entries(), 4);
    /* A symlink to a regular file is an ordinary target: the link is replaced, its file kept. */
    assert_int_equal(af_atomic_write(file, "old\n", 4, NULL), AF_OK);
    assert_int_equal(symlink(file, link_file), 0);
    assert_int_equal(af_atomic_write(link_file, "new\n", 4, NULL), AF_OK);
    assert_string_equal(slurp(file), "old\n");
    assert_string_equal(slurp(link_file), "new\n");
}

/* The temporary file of a writer that was killed (kill -9: no chance to remove it) is removed
 * by the next writer of the same target; a live writer's temporary is left alone. */
static void test_stale_temporaries_are_removed(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        af_atomic_file *f;
        if (af_atomic_open(&f, path, NULL) != AF_OK) _exit(1);
        fputs("partial", af_atomic_stream(f));
        fflush(af_atomic_stream(f));
        (void)!write(fds[1], "x", 1);
        pause();
        _exit(0);
    }
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    /* The child is alive with its temporary open: another writer leaves it. */
    assert_int_equal(af_atomic_write(path, "a\n", 2, NULL), AF_OK);
    assert_int_equal(count_entries(), 2);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(count_entries(), 2); /* the dead writer's temporary */
    /* A file that only looks like a temporary of another target is not touched. */
    char other[300];
    snprintf(other, sizeof other, "%s/out.csv.tmp.notmine", dir);
    assert_int_equal(af_atomic_write(other, "keep\n", 5, NULL), AF_OK);
    assert_int_equal(af_atomic_write(path, "b\n", 2, NULL), AF_OK);
    assert_int_equal(count_entries(), 2);
    assert_string_equal(slurp(path), "b\n");
    assert_string_equal(slurp(other), "keep\n");
    close(fds[0]);
    close(fds[1]);
}

/* af_path_same_file: the same file by two names, not two files with the same content. */
static void test_same_file(void **state)
{
    (void)state;
    char a[300], b[300], la[300];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(la, sizeof la, "%s/../%s/a", dir, strrchr(dir, '/') + 1);
    assert_int_equal(af_atomic_write(a, "x", 1, NULL), AF_OK);
    assert_int_equal(af_atomic_write(b, "x", 1, NULL), AF_OK);
    assert_true(af_path_same_file(a, la));
    assert_false(af_path_same_file(a, b));
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    assert_false(af_path_same_file(missing, missing));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_replaces_and_abort_keeps_old, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_unwritable_directory_is_a_clear_error, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_full_disk_leaves_old_file, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_refuses_targets_that_are_not_regular_files, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_stale_temporaries_are_removed, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_same_file, make_dir, remove_dir),
    };
    return cmocka_run_group_tests_name("atomic_file", tests, NULL, NULL);
}
