/* Replays the fuzz corpora (tests/fuzz/corpus/NAME/) and the inputs that once crashed the
 * loader (tests/data/scenario/fuzz_regressions/NAME-*) through the fuzz targets' bodies, so
 * that the ordinary test suite keeps them fixed. */
#include "af_test.h"

#include <dirent.h>

#include "../../fuzz/fuzz_targets.h"
#include "scn_test.h"

typedef int (*target_fn)(const uint8_t *, size_t);

static size_t replay_dir(const char *rel, const char *prefix, target_fn fn)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", scn_path(rel));
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        if (prefix && strncmp(e->d_name, prefix, strlen(prefix))) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *data = scn_read(path, &len);
        if (!data) continue;
        fn((const uint8_t *)data, len);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void test_scenario_corpus(void **state)
{
    (void)state;
    /* The corpus must be there (a loop over a missing folder would check nothing); the
     * regressions folder may hold none of this target's files. */
    assert_true(replay_dir("tests/fuzz/corpus/scenario", NULL, fuzz_scenario) > 0);
    assert_true(replay_dir("tests/data/scenario/fuzz_regressions", "scenario-", fuzz_scenario) >= 1);
}

static void test_set_corpus(void **state)
{
    (void)state;
    /* The corpus must be there (a loop over a missing folder would check nothing); the
     * regressions folder may hold none of this target's files. */
    assert_true(replay_dir("tests/fuzz/corpus/set", NULL, fuzz_set) > 0);
    replay_dir("tests/data/scenario/fuzz_regressions", "set-", fuzz_set);
}

static void test_units_corpus(void **state)
{
    (void)state;
    /* The corpus must be there (a loop over a missing folder would check nothing); the
     * regressions folder may hold none of this target's files. */
    assert_true(replay_dir("tests/fuzz/corpus/units", NULL, fuzz_units) > 0);
    replay_dir("tests/data/scenario/fuzz_regressions", "units-", fuzz_units);
}

/* The malformed files of the table test are loader inputs too. */
static void test_bad_files_as_inputs(void **state)
{
    (void)state;
    assert_true(replay_dir("tests/data/scenario", "bad_", fuzz_scenario) >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_corpus),
        cmocka_unit_test(test_set_corpus),
        cmocka_unit_test(test_units_corpus),
        cmocka_unit_test(test_bad_files_as_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
