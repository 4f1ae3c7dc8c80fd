/* Hostile inputs: each must end with a clear error (file:line:col where there is a place),
 * exit status 2, a bounded amount of output, and no crash or hang. The large files are made
 * here at run time instead of being kept in the repository.
 *
 * Run as: test_hostile PATH/TO/aidflow */
#include "af_test.h"
#include "af_spawn.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *aidflow;
static char dir[256];

#define BASE \
    "name: h\n" \
    "start: 2024-01-01\n" \
    "horizon: %s\n" \
    "categories:\n" \
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n" \
    "regions:\n" \
    "  - {name: r, population: 100}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [r]}\n" \
    "origins:\n" \
    "  - name: o\n" \
    "    plan:\n" \
    "      - {from: 2024-01-01, trucks: {food: %s}}\n" \
    "crossings:\n" \
    "  - {name: gate, lanes: %s, service: %s}\n" \
    "legs:\n" \
    "  - {name: a, from: o, to: gate, travel: 1 h}\n" \
    "  - {name: b, from: gate, to: hub, travel: 1 h}\n" \
    "routes:\n" \
    "  - {name: main, origin: o, via: %s, hub: hub}\n"

static char *path_of(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_file(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(path_of(name), "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_scenario(const char *name, const char *horizon, const char *trucks,
                           const char *lanes, const char *service, const char *via)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, BASE, horizon, trucks, lanes, service, via);
    write_file(name, buf, (size_t)n);
}

/* Runs aidflow with args, stderr to a file; returns the exit status, fills err_out. */
static int run(const char *const *args, char *err_out, size_t cap, size_t *err_len)
{
    char errpath[512];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    char *argv[16];
    size_t n = 0;
    argv[n++] = (char *)aidflow;
    for (; args[n - 1] && n < 15; n++) argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    int code = af_spawn(argv, NULL, errpath);
    FILE *f = fopen(errpath, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *err_len = (size_t)ftell(f);
    rewind(f);
    size_t got = fread(err_out, 1, cap - 1, f);
    err_out[got] = '\0';
    fclose(f);
    if (code >= 1000) fail_msg("aidflow died with signal %d", code - 1000);
    return code;
}

/* `aidflow validate FILE` (or the given args) exits 2 and says `place` (where the input is
 * wrong) and `reason` (the limit or rule it breaks), in under 16 KB. */
static void expect_refused(const char *const *args, const char *place, const char *reason)
{
    static char err[65536];
    size_t len;
    int code = run(args, err, sizeof err, &len);
    printf("# %s %s -> exit %d: %.150s\n", args[0], args[1] ? args[1] : "", code, err);
    assert_int_equal(code, 2);
    if (!strstr(err, place)) fail_msg("stderr lacks '%s':\n%.2000s", place, err);
    if (!strstr(err, reason)) fail_msg("stderr lacks the reason '%s':\n%.2000s", reason, err);
    /* A hostile file must not make aidflow echo megabytes of it back. */
    if (len > 16384) fail_msg("stderr is %zu bytes long", len);
}

static void expect_validate_refused(const char *file, const char *place, const char *reason)
{
    const char *args[] = {"validate", path_of(file), NULL};
    char copy[512];
    snprintf(copy, sizeof copy, "%s", args[1]);
    args[1] = copy;
    expect_refused(args, place, reason);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/af_hostile_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_empty_file(void **state)
{
    (void)state;
    write_file("empty.yaml", "", 0);
    expect_validate_refused("empty.yaml", "empty.yaml:1:1: error:",
                            "expected a mapping of scenario keys");
}

static void test_binary_junk(void **state)
{
    (void)state;
    char junk[4096];
    uint64_t x = 0x243f6a8885a308d3u;
    for (size_t i = 0; i < sizeof junk; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        junk[i] = (char)(x >> 56);
    }
    junk[100] = '\0'; /* NUL bytes too */
    write_file("junk.yaml", junk, sizeof junk);
    expect_validate_refused("junk.yaml", "junk.yaml:1:", "cannot read the text: invalid");
}

static void test_ten_megabytes_of_nested_lists(void **state)
{
    (void)state;
    size_t half = 5 * 1024 * 1024;
    char *buf = malloc(2 * half);
    assert_non_null(buf);
    memset(buf, '[', half);
    memset(buf + half, ']', half);
    write_file("nested.yaml", buf, 2 * half);
    free(buf);
    expect_validate_refused("nested.yaml", "nested.yaml:1:65:", "nested more than 64 levels deep");
}

/* Over the size limit: refused while reading, before any of it is parsed. */
static void test_seventeen_megabytes(void **state)
{
    (void)state;
    size_t len = 17u << 20;
    char *buf = malloc(len);
    assert_non_null(buf);
    memset(buf, '#', len); /* one long YAML comment: valid text, were it not so long */
    buf[len - 1] = '\n';
    write_file("big.yaml", buf, len);
    free(buf);
    expect_validate_refused("big.yaml", "big.yaml", "is larger than 16 MiB");
}

static void test_a_million_nodes(void **state)
{
    (void)state;
    write_scenario("million.yaml", "10 d", "10", "2", "10 min", "[gate]");
    FILE *f = fopen(path_of("million.yaml"), "ab");
    fputs("sources: [", f);
    for (int i = 0; i < 1000000; i++) fputs(i ? ",a" : "a", f);
    fputs("]\n", f);
    fclose(f);
    expect_validate_refused("million.yaml", "million.yaml:21:",
                            "the document has more than 500000 values");
}

static void test_billion_trucks_a_day(void **state)
{
    (void)state;
    write_scenario("billion.yaml", "10 d", "1000000000", "2", "10 min", "[gate]");
    expect_validate_refused("billion.yaml", "billion.yaml:13:",
                            "trucks: expected a rate from 0/d to 1000000/d");
}

static void test_horizon_of_a_billion_days(void **state)
{
    (void)state;
    write_scenario("horizon.yaml", "1000000000 d", "10", "2", "10 min", "[gate]");
    expect_validate_refused("horizon.yaml", "horizon.yaml:3:",
                            "horizon: expected a duration from 1440 min to 52560000 min");
}

static void test_nan_and_infinity(void **state)
{
    (void)state;
    write_scenario("nan.yaml", "10 d", ".nan", "2", "10 min", "[gate]");
    expect_validate_refused("nan.yaml", "nan.yaml:13:", "trucks: expected a rate such as");
    write_scenario("inf.yaml", "10 d", "10", "2", ".inf", "[gate]");
    expect_validate_refused("inf.yaml", "inf.yaml:15:", "service: expected a duration such as");
    write_scenario("nandist.yaml", "10 d", "10", "2", "{lognormal: {mean: .nan, sd: 1}}", "[gate]");
    expect_validate_refused("nandist.yaml", "nandist.yaml:15:",
                            "service: lognormal mean: expected a duration");
    write_scenario("neginf.yaml", "10 d", "10", "-.inf", "10 min", "[gate]");
    expect_validate_refused("neginf.yaml", "neginf.yaml:15:",
                            "lanes: expected a whole number from 1 to 10000");
}

static void test_route_loop(void **state)
{
    (void)state;
    write_scenario("loop.yaml", "10 d", "10", "2", "10 min", "[gate, gate]");
    expect_validate_refused("loop.yaml", "loop.yaml:20:",
                            "route 'main' is not connected: no leg goes from 'gate' to 'gate'");
}

static void test_extends_chain_a_thousand_deep(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        char name[64], text[64];
        snprintf(name, sizeof name, "chain%d.yaml", i);
        int n = snprintf(text, sizeof text, "extends: chain%d.yaml\n", i + 1);
        write_file(name, text, (size_t)n);
    }
    write_scenario("chain1000.yaml", "10 d", "10", "2", "10 min", "[gate]");
    /* The 17th file is where the chain is cut, at its extends: value. */
    expect_validate_refused("chain0.yaml", "chain16.yaml:1:10:", "extends: more than 16 files deep");
}

static void test_extends_cycle_and_symlink_loop(void **state)
{
    (void)state;
    write_file("a.yaml", "extends: b.yaml\n", 16);
    write_file("b.yaml", "extends: a.yaml\n", 16);
    expect_validate_refused("a.yaml", "b.yaml:1:10:", "extends: a cycle of files:");
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/la.yaml", dir);
    snprintf(b, sizeof b, "%s/lb.yaml", dir);
    assert_int_equal(symlink(b, a), 0);
    assert_int_equal(symlink(a, b), 0);
    expect_validate_refused("la.yaml", "la.yaml: error: cannot open", "symbolic links");
}

/* Legal but enormous: refused before it starts, with the memory it would need. */
static void test_enormous_run_is_refused_before_it_starts(void **state)
{
    (void)state;
    write_scenario("huge.yaml", "36500 d", "1000000", "10000", "1 min", "[gate]");
    char out[512];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *args[] = {"run", path_of("huge.yaml"), "--out", out, NULL};
    char copy[512];
    snprintf(copy, sizeof copy, "%s", args[1]);
    args[1] = copy;
    expect_refused(args, "aidflow run: this run would need about",
                   "the limit is 8 GiB. Raise it with --max-memory");
    struct stat sb;
    assert_int_not_equal(stat(out, &sb), 0); /* nothing was written */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_hostile PATH/TO/aidflow\n");
        return 2;
    }
    aidflow = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary_junk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ten_megabytes_of_nested_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seventeen_megabytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_million_nodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_billion_trucks_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_horizon_of_a_billion_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nan_and_infinity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extends_chain_a_thousand_deep, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extends_cycle_and_symlink_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enormous_run_is_refused_before_it_starts, setup, teardown),
    };
    return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
