/* af_scenario_find: a bare name is looked for as NAME.yaml in the current directory, then the
 * search path's directories in order, then the installed scenarios; paths and .yaml names pass
 * through; a miss lists every place looked. Works in a fresh temporary directory. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "af_test.h"
#include "aidflow/scenario_path.h"

static char root[256];

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("name: x\n", f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/af_find_XXXXXX");
    if (!mkdtemp(root)) return -1;
    if (chdir(root) != 0) return -1;
    mkdir("cwd", 0700);
    mkdir("a", 0700);
    mkdir("b", 0700);
    mkdir("b/examples", 0700);
    return chdir("cwd");
}

static int teardown(void **state)
{
    (void)state;
    if (chdir("/tmp") != 0) return -1;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void find_ok(const char *name, const char *search, const char *want)
{
    char buf[512];
    af_error err;
    af_error_clear(&err);
    af_status st = af_scenario_find(name, search, buf, sizeof buf, &err);
    if (st != AF_OK) fail_msg("%s: %s", name, err.message);
    assert_string_equal(buf, want);
}

static void test_paths_pass_through(void **state)
{
    (void)state;
    /* Neither exists: the loader, not the finder, says the file is missing. */
    find_ok("missing.yaml", "../a", "missing.yaml");
    find_ok("dir/missing.yml", "../a", "dir/missing.yml");
    find_ok("/nowhere/x", "../a", "/nowhere/x");
    touch("plain");
    find_ok("plain", "../a", "plain"); /* an existing file without .yaml */
    unlink("plain");
}

static void test_search_order(void **state)
{
    (void)state;
    touch("../b/s.yaml");
    find_ok("s", "../a:../b", "../b/s.yaml");
    touch("../a/s.yaml");
    find_ok("s", "../a:../b", "../a/s.yaml"); /* the first directory wins */
    find_ok("s", "::../b:", "../b/s.yaml");   /* empty entries are skipped */
    touch("s.yaml");
    find_ok("s", "../a:../b", "./s.yaml");    /* the current directory before the path */
    unlink("s.yaml");
    unlink("../a/s.yaml");
    unlink("../b/s.yaml");
}

static void test_name_with_folder(void **state)
{
    (void)state;
    touch("../b/examples/small.yaml");
    find_ok("examples/small", "../a:../b", "../b/examples/small.yaml");
    unlink("../b/examples/small.yaml");
}

static void test_miss_lists_places(void **state)
{
    (void)state;
    char buf[512];
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_scenario_find("nosuch", "../a:../b", buf, sizeof buf, &err), AF_NOTFOUND);
    assert_non_null(strstr(err.message, "nosuch.yaml"));
    assert_non_null(strstr(err.message, ". (the current directory)"));
    assert_non_null(strstr(err.message, "../a (AIDFLOW_SCENARIO_PATH)"));
    assert_non_null(strstr(err.message, "../b (AIDFLOW_SCENARIO_PATH)"));
    assert_non_null(strstr(err.message, af_scenario_install_dir()));
    /* In that order. */
    assert_true(strstr(err.message, "../a (") < strstr(err.message, "../b ("));
    assert_true(strstr(err.message, "../b (") < strstr(err.message, af_scenario_install_dir()));
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char small[4];
    af_error err;
    assert_int_equal(af_scenario_find("", NULL, small, sizeof small, &err), AF_INVAL);
    assert_int_equal(af_scenario_find(NULL, NULL, small, sizeof small, &err), AF_INVAL);
    assert_int_equal(af_scenario_find("long.yaml", NULL, small, sizeof small, &err), AF_RANGE);
    /* The installed directory ends in aidflow/scenarios. */
    const char *dir = af_scenario_install_dir();
    size_t n = strlen(dir);
    assert_true(n > strlen("/aidflow/scenarios"));
    assert_string_equal(dir + n - strlen("/aidflow/scenarios"), "/aidflow/scenarios");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paths_pass_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_with_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_miss_lists_places, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
