/* Assumptions as data (assumptions.c): marks on numbers, their checks, --set on a marked
 * value, writing them back, and that a mark changes no value. The example network is loaded
 * from memory with a few values marked by text substitution. */
#include "af_test.h"

#include "scn_test.h"

/* The example with `n` substitutions (each old text must occur exactly once). */
static char *marked(const char *const (*subst)[2], size_t n)
{
    size_t len;
    char *text = scn_read(scn_path("scenarios/examples/small_network.yaml"), &len);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++) {
        char *at = strstr(text, subst[i][0]);
        if (!at) fail_msg("not in the example: %s", subst[i][0]);
        assert_null(strstr(at + 1, subst[i][0]));
        size_t lo = strlen(subst[i][0]), ln = strlen(subst[i][1]), cur = strlen(text);
        char *out = malloc(cur - lo + ln + 1);
        assert_non_null(out);
        memcpy(out, text, (size_t)(at - text));
        memcpy(out + (at - text), subst[i][1], ln);
        strcpy(out + (at - text) + ln, at + lo);
        free(text);
        text = out;
    }
    return text;
}

static const char *const marks[][2] = {
    {"    lanes: 4\n    service: {lognormal: {mean: 45 min, sd: 20 min}}",
     "    lanes: {value: 4, assumption: [2, 6], source: \"a guess\"}\n"
     "    service: {lognormal: {mean: {value: 45 min, assumption: [0.5 h, 1 h], prior: "
     "triangular}, sd: 20 min}}"},
    {"travel: {uniform: [1 h, 2 h]}", "travel: {uniform: [{value: 1 h, assumption: [30 min, 90 min]}, 2 h]}"},
    {"trucks: {food: 40 /d, fuel: 2 /week}",
     "trucks: {food: {value: 40 /d, assumption: [30 trucks/d, 2.5 /h]}, fuel: 2 /week}"},
    {"warmup: 1 week", "warmup: {value: 1 week, assumption: [3 d, 14 d]}"},
    {"dual_use: 2%", "dual_use: {value: 2%, assumption: [1%, 0.05], prior: log-uniform}"},
    {"escort: {wait: {exponential: 4 h}}", "escort: {wait: {exponential: {value: 4 h, assumption: [2 h, 6 h]}}}"},
};
enum { N_MARKS = sizeof marks / sizeof marks[0] };

/* The marks the example itself carries (its yards and queue limits): each is written
 * `{value: V, assumption: [LO, HI]}`, so they are the occurrences of "assumption: [" in its
 * text (its comments write ASSUMPTION in capitals). The substitutions above add N_MARKS + 1
 * (the first marks lanes and the service mean). */
static size_t own_marks(void)
{
    char *text = marked(NULL, 0);
    size_t n = 0;
    for (const char *p = strstr(text, "assumption: ["); p; p = strstr(p + 1, "assumption: [")) n++;
    free(text);
    return n;
}

static af_scenario *load_text(const char *text, const char *const *sets, size_t n_sets,
                              af_diagnostics *d)
{
    af_scenario *s = NULL;
    af_status st = af_scenario_load_buffer("m.yaml", text, strlen(text), sets, n_sets,
                                           AF_LOAD_NO_FILES, &s, d);
    if (st != AF_OK && d) scn_dump(d);
    return s;
}

static const af_scn_assumption *get(const af_scenario *s, const char *path)
{
    size_t i = af_scenario_find_assumption(s, path);
    if (i == AF_SCN_NONE) fail_msg("no assumption at %s", path);
    return af_scenario_assumption(s, i);
}

/* Values and ranges come out in the key's resolved unit, whatever the file wrote: 1 h is 60
 * minutes, 1 /h is 24 a day, 1 week is 7 days, 0.05 and 5% the same fraction. */
static void test_marks_are_read(void **state)
{
    (void)state;
    char *text = marked(marks, N_MARKS);
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = load_text(text, NULL, 0, d);
    assert_non_null(s);
    assert_int_equal(af_scenario_assumption_count(s), own_marks() + N_MARKS + 1);

    const af_scn_assumption *a = get(s, "inspections.nitzana.lanes");
    assert_true(a->value == 4 && a->lo == 2 && a->hi == 6 && a->integer);
    assert_string_equal(a->unit, "");
    assert_string_equal(a->source, "a guess");
    assert_int_equal(a->prior, AF_PRIOR_UNIFORM);
    assert_string_equal(a->file, "m.yaml");
    assert_true(a->line > 0 && a->column == 12); /* "    lanes: {" */

    a = get(s, "inspections.nitzana.service.lognormal.mean");
    assert_true(a->value == 45 && a->lo == 30 && a->hi == 60 && !a->integer);
    assert_string_equal(a->unit, "min");
    assert_int_equal(a->prior, AF_PRIOR_TRIANGULAR);
    assert_string_equal(a->source, "");

    /* The list form's parameter is named as the canonical form names it. */
    a = get(s, "legs.nitzana_to_kerem_shalom.travel.uniform.low");
    assert_true(a->value == 60 && a->lo == 30 && a->hi == 90);
    a = get(s, "origins.ashdod.plan.0.trucks.food");
    assert_true(a->value == 40 && a->lo == 30 && a->hi == 60);
    assert_string_equal(a->unit, "/d");
    a = get(s, "warmup");
    assert_true(a->value == 7 && a->lo == 3 && a->hi == 14 && a->integer);
    assert_string_equal(a->unit, "d");
    a = get(s, "categories.medical.dual_use");
    assert_true(a->value == 0.02 && a->lo == 0.01 && a->hi == 0.05);
    assert_int_equal(a->prior, AF_PRIOR_LOG_UNIFORM);
    a = get(s, "legs.ks_screening_to_zikim.escort.wait.exponential");
    assert_true(a->value == 240 && a->lo == 120 && a->hi == 360);
    af_scenario_free(s);
    free(text);
    af_diagnostics_destroy(d);
}

/* The mark changes no value: the hash (of the values) is the unmarked file's, so every
 * output is too. Showing writes the marks back, and what it writes loads to an equal scenario
 * and shows as the same bytes. */
static void test_mark_changes_no_value_and_round_trips(void **state)
{
    (void)state;
    char *text = marked(marks, N_MARKS);
    char *plain = marked(NULL, 0);
    af_scenario *s = load_text(text, NULL, 0, NULL), *p = load_text(plain, NULL, 0, NULL);
    assert_non_null(s);
    assert_non_null(p);
    assert_true(own_marks() > 0); /* so that the count below checks something */
    assert_int_equal(af_scenario_assumption_count(p), own_marks());
    assert_true(af_scenario_hash(s) == af_scenario_hash(p));
    assert_false(af_scenario_equal(s, p)); /* the marks are part of the scenario */

    size_t len;
    char *shown = af_scenario_to_yaml(s, &len);
    assert_non_null(shown);
    assert_non_null(strstr(shown, "lanes: {value: 4, assumption: [2, 6], source: \"a guess\"}"));
    assert_non_null(strstr(shown, "low: {value: 60 min, assumption: [30 min, 90 min]}"));
    assert_non_null(strstr(shown, "food: {value: 40 /d, assumption: [30 /d, 60 /d]}"));
    assert_non_null(strstr(shown, "prior: log-uniform"));
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *back = load_text(shown, NULL, 0, d);
    assert_non_null(back);
    assert_true(af_scenario_equal(s, back));
    size_t len2;
    char *again = af_scenario_to_yaml(back, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(shown, again, len);
    free(again);
    free(shown);
    af_scenario_free(back);
    af_scenario_free(s);
    af_scenario_free(p);
    af_diagnostics_destroy(d);
    free(text);
    free(plain);
}

/* --set on a marked value replaces the value and keeps the mark when the new value lies in
 * the range (and drops it otherwise); a whole mark set replaces the range; a distribution of another form drops the
 * mark on its parameter; a parameter of a list form is reached by its name. */
static void test_set_keeps_the_mark(void **state)
{
    (void)state;
    char *text = marked(marks, N_MARKS);
    const char *sets[] = {"inspections.nitzana.lanes=5",
                          "legs.nitzana_to_kerem_shalom.travel.uniform.low=45 min",
                          "origins.ashdod.plan.0.trucks.food={value: 70 /d, assumption: [50 /d, 90 /d]}",
                          "legs.ks_screening_to_zikim.escort.wait={uniform: [1 h, 2 h]}"};
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = load_text(text, sets, 4, d);
    assert_non_null(s);
    const af_scn_assumption *a = get(s, "inspections.nitzana.lanes");
    assert_true(a->value == 5 && a->lo == 2 && a->hi == 6);
    assert_int_equal(s->inspections[0].st.lanes, 5);
    a = get(s, "legs.nitzana_to_kerem_shalom.travel.uniform.low");
    assert_true(a->value == 45 && a->lo == 30);
    a = get(s, "origins.ashdod.plan.0.trucks.food");
    assert_true(a->value == 70 && a->lo == 50 && a->hi == 90);
    assert_string_equal(a->file, "<--set>");
    assert_int_equal(af_scenario_find_assumption(s, "legs.ks_screening_to_zikim.escort.wait.exponential"),
                     AF_SCN_NONE);
    /* N_MARKS + 1, less the escort's, whose distribution changed form */
    assert_int_equal(af_scenario_assumption_count(s), own_marks() + N_MARKS);
    af_scenario_free(s);

    /* Beyond the range (a sweep exploring past it): the value is set and the mark dropped.
     * A mark set with it must hold it. */
    const char *out[] = {"inspections.nitzana.lanes=7"};
    s = load_text(text, out, 1, d);
    assert_non_null(s);
    assert_int_equal(s->inspections[0].st.lanes, 7);
    assert_int_equal(af_scenario_find_assumption(s, "inspections.nitzana.lanes"), AF_SCN_NONE);
    af_scenario_free(s);
    const char *bad[] = {"inspections.nitzana.lanes={value: 7, assumption: [2, 6]}"};
    af_diagnostics_clear(d);
    af_scenario *none = NULL;
    assert_int_equal(af_scenario_load_buffer("m.yaml", text, strlen(text), bad, 1,
                                             AF_LOAD_NO_FILES, &none, d), AF_PARSE);
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_string_equal(g->file, "<--set>");
    assert_int_equal(g->column, 35);
    assert_non_null(strstr(g->message, "outside its assumption's range [2, 6]"));
    assert_int_equal(af_diagnostics_error_count(d), 1);
    af_diagnostics_destroy(d);
    free(text);
}

/* One mistake per file, each reported once at its place. */
static void expect_errors(const char *old, const char *new, const char *at, const char *fragment,
                          size_t n_errors)
{
    const char *const sub[1][2] = {{old, new}};
    char *text = marked(sub, 1);
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load_buffer("m.yaml", text, strlen(text), NULL, 0,
                                             AF_LOAD_NO_FILES, &s, d), AF_PARSE);
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    /* The column of `at` in its line. */
    const char *p = strstr(text, at);
    assert_non_null(p);
    int line = 1, col = 1;
    for (const char *q = text; q < p; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (af_diagnostics_error_count(d) != n_errors || g->line != line || g->column != col ||
        !strstr(g->message, fragment)) {
        scn_dump(d);
        fail_msg("expected one error at %d:%d with '%s'", line, col, fragment);
    }
    af_diagnostics_destroy(d);
    free(text);
}

static void expect_error(const char *old, const char *new, const char *at, const char *fragment)
{
    expect_errors(old, new, at, fragment, 1);
}

static void test_mistakes(void **state)
{
    (void)state;
    expect_error("    lanes: 4\n    service: {log", "    lanes: {value: 4, assumption: [6, 2]}\n    service: {log", "[6, 2]",
                 "with low below high");
    expect_error("    lanes: 4\n    service: {log", "    lanes: {value: 4, assumption: [5, 8]}\n    service: {log", "4, assumption",
                 "outside its assumption's range [5, 8]");
    expect_error("    lanes: 4\n    service: {log", "    lanes: {value: 4, assumption: [2.5, 8]}\n    service: {log", "2.5",
                 "whole number");
    expect_error("    lanes: 4\n    service: {log", "    lanes: {value: 4, assumption: [0, 8]}\n    service: {log", "0, 8",
                 "lanes");
    expect_error("    lanes: 4\n    service: {log", "    lanes: {value: 4, assumption: [2, 8], why: x}\n    service: {log", "why",
                 "unknown key 'why' in an assumption");
    expect_error("    lanes: 4\n    service: {log", "    lanes: {value: 4, assumption: 3}\n    service: {log", "3}",
                 "expected a range [low, high]");
    /* ...and the key's binder says it found a mapping. */
    expect_errors("    lanes: 4\n    service: {log", "    lanes: {assumption: [2, 8]}\n    service: {log",
                  "{assumption", "needs its value", 2);
    expect_error("warmup: 1 week", "warmup: {value: 1 week, assumption: [3 d, 2 t]}", "2 t",
                 "unit of mass");
    expect_error("dual_use: 2%", "dual_use: {value: 2%, assumption: [0, 5%], prior: log-uniform}",
                 "log-uniform", "above 0");
    expect_error("dual_use: 2%", "dual_use: {value: 2%, assumption: [1%, 5%], prior: normal}",
                 "normal", "expected uniform, triangular or log-uniform");
    expect_error("    discipline: priority\n    at_closing",
                 "    discipline: {value: priority, assumption: [1, 2]}\n    at_closing",
                 "{value: priority", "an assumption marks a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_are_read),
        cmocka_unit_test(test_mark_changes_no_value_and_round_trips),
        cmocka_unit_test(test_set_keeps_the_mark),
        cmocka_unit_test(test_mistakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
