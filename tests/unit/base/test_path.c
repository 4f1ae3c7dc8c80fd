/* Unit tests of path joining (src/base/path.c). */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "base/path.h"

static void expect(const char *dir, const char *name, const char *want)
{
    char *p = af_path_join(dir, name);
    assert_non_null(p);
    assert_string_equal(p, want);
    free(p);
    char out[64];
    assert_true(af_path_join_to(out, sizeof out, dir, name));
    assert_string_equal(out, want);
}

static void test_join(void **state)
{
    (void)state;
    expect("out", "daily.csv", "out/daily.csv");
    expect("out/", "daily.csv", "out/daily.csv");
    expect("out///", "daily.csv", "out/daily.csv");
    expect("/", "etc", "/etc");
    expect("//", "etc", "/etc");
    expect("", "daily.csv", "daily.csv");
    expect("a/b", "c/d", "a/b/c/d");
}

static void test_too_long(void **state)
{
    (void)state;
    char out[8];
    assert_true(af_path_join_to(out, sizeof out, "abc", "def")); /* 7 characters fit */
    assert_string_equal(out, "abc/def");
    assert_false(af_path_join_to(out, sizeof out, "abc", "defg"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join),
        cmocka_unit_test(test_too_long),
    };
    return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
