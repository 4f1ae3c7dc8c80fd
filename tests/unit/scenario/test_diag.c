/* Diagnostics: the printed form with a caret, the error limit: diag.c. */
#include "af_test.h"

#include "scn_test.h"

static char *printed(const af_diagnostics *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    af_diagnostics_print(d, f);
    fclose(f);
    return buf;
}

static af_diagnostics *load_text(const char *text, size_t max_errors)
{
    af_diagnostics *d = af_diagnostics_create(max_errors);
    af_scenario *s = NULL;
    af_status st = af_scenario_load_buffer("t.yaml", text, strlen(text), NULL, 0,
                                           AF_LOAD_NO_FILES, &s, d);
    assert_int_equal(st, AF_PARSE);
    return d;
}

static void test_caret(void **state)
{
    (void)state;
    af_diagnostics *d = load_text("name: x\nstart: 2024-02-30\n", 0);
    char *out = printed(d);
    const char *want = "t.yaml:2:8: error: start: 2024-02 has no day 30\n"
                       "    start: 2024-02-30\n"
                       "           ^\n";
    if (strncmp(out, want, strlen(want))) fail_msg("printed:\n%s", out);
    free(out);
    af_diagnostics_destroy(d);
}

/* Tabs become spaces and multi-byte characters count as one column. */
static void test_caret_tabs_utf8(void **state)
{
    (void)state;
    af_diagnostics *d = load_text("name: \"Rafah – Kerem\"\t# ok\nstart: x\n", 0);
    char *out = printed(d);
    assert_non_null(strstr(out, "t.yaml:2:8: error: start:"));
    free(out);
    af_diagnostics_destroy(d);
    d = load_text("name: \"é\" \nhorizon: {a: \"é\", b: 1 kg}\n", 0);
    out = printed(d);
    assert_non_null(out);
    free(out);
    af_diagnostics_destroy(d);
}

static void test_limit(void **state)
{
    (void)state;
    /* 30 bad categories, a limit of 10: ten errors then "too many errors". */
    char text[8192] = "name: x\nstart: 2024-01-01\nhorizon: 1\ncategories:\n";
    for (int i = 0; i < 30; i++) {
        size_t l = strlen(text);
        snprintf(text + l, sizeof text - l,
                 "  - {name: c%d, tonnes_per_truck: 0, daily_need: 1}\n", i);
    }
    af_diagnostics *d = load_text(text, 10);
    assert_int_equal(af_diagnostics_error_count(d), 11);
    const af_diagnostic *last = af_diagnostics_get(d, af_diagnostics_count(d) - 1);
    assert_non_null(strstr(last->message, "too many errors"));
    assert_int_equal(last->line, 0);
    char *out = printed(d);
    assert_non_null(strstr(out, "error: too many errors"));
    free(out);
    af_diagnostics_clear(d);
    assert_int_equal(af_diagnostics_count(d), 0);
    af_diagnostics_destroy(d);
}

static void test_null_safety(void **state)
{
    (void)state;
    assert_int_equal(af_diagnostics_count(NULL), 0);
    assert_null(af_diagnostics_get(NULL, 0));
    af_diagnostics_print(NULL, stderr);
    af_diagnostics_destroy(NULL);
    af_scenario_free(NULL);
    af_diagnostics *d = af_diagnostics_create(0);
    assert_null(af_diagnostics_get(d, 3));
    af_diagnostics_destroy(d);
    /* Loading with no diagnostics wanted still fails cleanly. */
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load_buffer("x", "name: [", 7, NULL, 0, 0, &s, NULL), AF_PARSE);
    assert_null(s);
}

/* Something legal but probably unmeant is a warning: the load succeeds. */
static void test_warnings(void **state)
{
    (void)state;
    char *text = scn_read(scn_path("tests/data/scenario/minimal.yaml"), NULL);
    assert_non_null(text);
    size_t len = strlen(text);
    const char *sets[] = {"crossings=[{name: rafah, lanes: 2, service: 30}, "
                          "{name: erez, lanes: 1, service: 30}]"};
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load_buffer("m.yaml", text, len, sets, 1, AF_LOAD_NO_FILES, &s, d),
                     AF_OK);
    assert_int_equal(af_diagnostics_error_count(d), 0);
    assert_int_equal(af_diagnostics_count(d), 1);
    const af_diagnostic *w = af_diagnostics_get(d, 0);
    assert_int_equal(w->severity, AF_DIAG_WARNING);
    assert_non_null(strstr(w->message, "crossing 'erez' is on no route"));
    assert_string_equal(w->file, "<--set>");
    char *out = printed(d);
    assert_non_null(strstr(out, "warning: crossing 'erez'"));
    free(out);
    af_scenario_free(s);
    af_diagnostics_destroy(d);
    free(text);
}

/* A stock kept at home at least as long as the category's shelf life is a warning (stocks at
 * home do not spoil in the model); one day less is not. */
static void test_stock_days_past_shelf_life_warns(void **state)
{
    (void)state;
    char *text = scn_read(scn_path("tests/data/scenario/minimal.yaml"), NULL);
    assert_non_null(text);
    size_t len = strlen(text);
    for (int days = 9; days <= 10; days++) {
        char set_region[128];
        snprintf(set_region, sizeof set_region,
                 "regions=[{name: south, population: 1000, stock_days: {food: %d d}}]", days);
        const char *sets[] = {"categories=[{name: food, tonnes_per_truck: 15, daily_need: 0.98, "
                              "shelf_life: 10 d}]",
                              set_region};
        af_diagnostics *d = af_diagnostics_create(0);
        af_scenario *s = NULL;
        assert_int_equal(af_scenario_load_buffer("m.yaml", text, len, sets, 2, AF_LOAD_NO_FILES, &s, d),
                         AF_OK);
        assert_int_equal(af_diagnostics_error_count(d), 0);
        assert_int_equal(af_diagnostics_count(d), days == 10 ? 1 : 0);
        if (days == 10) {
            const af_diagnostic *w = af_diagnostics_get(d, 0);
            assert_int_equal(w->severity, AF_DIAG_WARNING);
            assert_non_null(strstr(w->message, "keeps 10 days of food at home, not below its shelf_life of 10 days"));
        }
        af_scenario_free(s);
        af_diagnostics_destroy(d);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caret),
        cmocka_unit_test(test_caret_tabs_utf8),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_null_safety),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_stock_days_past_shelf_life_warns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
