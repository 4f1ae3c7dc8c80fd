/* Every tests/data/scenario/bad_*.yaml must fail with exactly the errors its .err lists:
 * the same number, in order, each at its LINE:COLUMN with its message fragment. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "af_test.h"
#include "scn_test.h"

typedef struct expected {
    int line, col;
    char fragment[512];
} expected;

static size_t read_expected(const char *path, expected *out, size_t max)
{
    char *text = scn_read(path, NULL);
    if (!text) fail_msg("cannot read %s", path);
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0]) continue;
        if (n == max) fail_msg("%s: too many lines", path);
        int consumed = 0;
        if (sscanf(line, "%d:%d: %n", &out[n].line, &out[n].col, &consumed) != 2 || !consumed)
            fail_msg("%s: bad line '%s'", path, line);
        snprintf(out[n].fragment, sizeof out[n].fragment, "%s", line + consumed);
        n++;
    }
    free(text);
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_bad_files(void **state)
{
    (void)state;
    const char *dir = scn_path("tests/data/scenario");
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[512];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (!strncmp(e->d_name, "bad_", 4) && l > 5 && !strcmp(e->d_name + l - 5, ".yaml") && n < 512)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    assert_true(n >= 40);

    size_t failures = 0;
    for (size_t i = 0; i < n; i++) {
        char yaml[4096], err[4096];
        snprintf(yaml, sizeof yaml, "%s/tests/data/scenario/%s", scn_root(), names[i]);
        snprintf(err, sizeof err, "%.*s.err", (int)strlen(yaml) - 5, yaml);
        expected want[64];
        size_t nw = read_expected(err, want, 64);

        af_diagnostics *diags = af_diagnostics_create(0);
        af_scenario *s = NULL;
        af_status st = af_scenario_load(yaml, NULL, 0, &s, diags);
        bool ok = st == AF_PARSE && !s;
        size_t k = 0;
        for (size_t j = 0; j < af_diagnostics_count(diags); j++) {
            const af_diagnostic *g = af_diagnostics_get(diags, j);
            if (g->severity != AF_DIAG_ERROR) continue;
            if (k >= nw || g->line != want[k].line || g->column != want[k].col ||
                !strstr(g->message, want[k].fragment)) {
                ok = false;
                fprintf(stderr, "%s: error %zu is %d:%d: %s\n", names[i], k + 1, g->line,
                        g->column, g->message);
                if (k < nw)
                    fprintf(stderr, "   expected %d:%d: ...%s...\n", want[k].line, want[k].col,
                            want[k].fragment);
            }
            k++;
        }
        if (k != nw) {
            fprintf(stderr, "%s: %zu errors reported, %zu expected\n", names[i], k, nw);
            ok = false;
        }
        /* Located errors name the file they are in and quote its line. */
        const af_diagnostic *first = af_diagnostics_get(diags, 0);
        if (first && first->line > 0 && !first->source_line) {
            fprintf(stderr, "%s: the first error quotes no source line\n", names[i]);
            ok = false;
        }
        if (!ok) {
            failures++;
            fprintf(stderr, "---- %s (status %s)\n", names[i], af_status_name(st));
            scn_dump(diags);
        }
        af_scenario_free(s);
        af_diagnostics_destroy(diags);
        free(names[i]);
    }
    if (failures) fail_msg("%zu of %zu malformed files did not give the expected errors",
                           failures, n);
}

/* Syntax errors also say where the construct that failed began (libyaml's context mark). */
static void test_syntax_context_note(void **state)
{
    (void)state;
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load(scn_path("tests/data/scenario/bad_syntax_unclosed_flow.yaml"),
                                      NULL, 0, &s, d),
                     AF_PARSE);
    assert_int_equal(af_diagnostics_count(d), 2);
    const af_diagnostic *note = af_diagnostics_get(d, 1);
    assert_int_equal(note->severity, AF_DIAG_NOTE);
    assert_int_equal(note->line, 11);
    assert_int_equal(note->column, 9);
    assert_non_null(strstr(note->message, "flow mapping"));
    af_diagnostics_destroy(d);
}

/* The first of two duplicate keys is pointed at by a note. */
static void test_duplicate_note(void **state)
{
    (void)state;
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load(scn_path("tests/data/scenario/bad_duplicate_key.yaml"), NULL,
                                      0, &s, d),
                     AF_PARSE);
    const af_diagnostic *note = af_diagnostics_get(d, 1);
    assert_non_null(note);
    assert_int_equal(note->severity, AF_DIAG_NOTE);
    assert_int_equal(note->line, 13);
    assert_int_equal(note->column, 19);
    af_diagnostics_destroy(d);
}

/* A file that cannot be read is an I/O failure, not a parse error. */
static void test_missing_file(void **state)
{
    (void)state;
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load("/nonexistent/scenario.yaml", NULL, 0, &s, d), AF_IO);
    assert_null(s);
    assert_int_equal(af_diagnostics_error_count(d), 1);
    assert_non_null(strstr(af_diagnostics_get(d, 0)->message, "cannot open"));
    af_diagnostics_destroy(d);
    /* A directory opens but does not read. */
    assert_int_equal(af_scenario_load(scn_path("tests/data"), NULL, 0, &s, NULL), AF_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_syntax_context_note),
        cmocka_unit_test(test_duplicate_note),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
