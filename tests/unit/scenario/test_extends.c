/* `extends:` — merge by name, overrides, removal, relative paths, cycles: extends.c. */
#include "af_test.h"

#include <stdlib.h>

#include "scn_test.h"

static af_scenario *load_ok(const char *rel)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(scn_path(rel), NULL, 0, &s, d) != AF_OK) {
        scn_dump(d);
        fail_msg("%s did not load", rel);
    }
    af_diagnostics_destroy(d);
    return s;
}

/* Loads a file that must fail; returns its diagnostics (caller destroys). */
static af_diagnostics *load_bad(const char *rel)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    af_status st = af_scenario_load(scn_path(rel), NULL, 0, &s, d);
    if (st != AF_PARSE) fail_msg("%s: expected AF_PARSE, got %s", rel, af_status_name(st));
    assert_null(s);
    return d;
}

static const af_scn_station *station(const af_scenario *s, const char *name)
{
    size_t n = af_scenario_find_node(s, name);
    assert_true(n != AF_SCN_NONE);
    return af_scenario_station(s, n);
}

static void test_merge_by_name(void **state)
{
    (void)state;
    af_scenario *s = load_ok("tests/data/scenario/extends/child.yaml");
    assert_string_equal(s->name, "child");
    /* records merge key by key */
    af_assert_close(s->confidence, 0.99, 0, 0);
    af_assert_close(s->coverage_target, 0.9, 0, 0);
    /* a new name is appended, base items keep their order */
    assert_int_equal(s->n_categories, 3);
    assert_string_equal(s->categories[0].name, "food");
    assert_string_equal(s->categories[2].name, "medical");
    /* an item changes only the keys it gives */
    const af_scn_station *ks = station(s, "kerem_shalom");
    assert_int_equal(ks->lanes, 6);
    assert_int_equal(ks->service.kind, AF_DIST_LOGNORMAL);
    /* hours are one value: replaced as a whole */
    assert_false(station(s, "rafah")->hours.weekly);
    assert_int_equal(station(s, "rafah")->lanes, 2);
    /* category tables merge by category */
    const af_scn_hub *hub = &s->hubs[s->nodes[af_scenario_find_node(s, "rafah_hub")].index];
    af_assert_close(hub->stock[0], 100, 0, 0);
    af_assert_close(hub->stock[1], 80, 0, 0);
    af_assert_close(hub->stock[2], 0, 0, 0);
    /* a leg is named FROM_to_TO when it has no name */
    const af_scn_leg *leg = &s->legs[af_scenario_find_leg(s, "al_arish_to_kerem_shalom")];
    af_assert_close(leg->travel.param[0], 240, 0, 0);
    /* removal, override and a new route */
    assert_int_equal(s->n_routes, 2);
    assert_true(af_scenario_find_route(s, "north") == AF_SCN_NONE);
    af_assert_close(s->routes[af_scenario_find_route(s, "south")].share, 1, 0, 0);
    assert_true(af_scenario_find_route(s, "to_north") != AF_SCN_NONE);
    af_scenario_free(s);
}

static void test_relative_paths_and_chains(void **state)
{
    (void)state;
    /* sub/grandchild.yaml extends ../child.yaml, outside its own folder: refused by default
     * (see test_confined_to_the_folder), read when the environment allows it. */
    setenv("AIDFLOW_EXTENDS_ANYWHERE", "1", 1);
    af_scenario *s = load_ok("tests/data/scenario/extends/sub/grandchild.yaml");
    unsetenv("AIDFLOW_EXTENDS_ANYWHERE");
    assert_string_equal(s->name, "grandchild");
    assert_int_equal(s->horizon_days, 14);
    const af_scn_station *ks = station(s, "kerem_shalom");
    assert_int_equal(ks->lanes, 6);      /* from child */
    assert_int_equal(ks->daily_cap, 300); /* from grandchild */
    af_assert_close(s->confidence, 0.99, 0, 0);
    af_scenario_free(s);

    af_scenario *w = load_ok("scenarios/examples/what_if_no_zikim.yaml");
    assert_true(af_scenario_find_node(w, "zikim") == AF_SCN_NONE);
    assert_int_equal(station(w, "kerem_shalom")->lanes, 6);
    const af_scn_route *r = &w->routes[af_scenario_find_route(w, "port_north")];
    assert_int_equal(r->n_nodes, 4);
    assert_string_equal(w->nodes[r->nodes[2]].name, "kerem_shalom");
    af_scenario_free(w);
}

static void test_cycle(void **state)
{
    (void)state;
    af_diagnostics *d = load_bad("tests/data/scenario/extends/cycle_a.yaml");
    assert_int_equal(af_diagnostics_error_count(d), 1);
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_non_null(strstr(g->message, "cycle"));
    assert_non_null(strstr(g->file, "cycle_c.yaml"));
    assert_int_equal(g->line, 1);
    assert_int_equal(g->column, 10);
    af_diagnostics_destroy(d);

    /* A file that extends itself. */
    d = load_bad("tests/data/scenario/bad_extends_cycle.yaml");
    assert_non_null(strstr(af_diagnostics_get(d, 0)->message, "cycle"));
    af_diagnostics_destroy(d);
}

static void test_removal_errors(void **state)
{
    (void)state;
    af_diagnostics *d = load_bad("tests/data/scenario/extends/remove_missing.yaml");
    assert_int_equal(af_diagnostics_error_count(d), 1);
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_non_null(strstr(g->message, "no crossing named 'erez'"));
    assert_int_equal(g->line, 3);
    af_diagnostics_destroy(d);

    d = load_bad("tests/data/scenario/extends/remove_bad_value.yaml");
    assert_non_null(strstr(af_diagnostics_get(d, 0)->message, "expected true or false"));
    af_diagnostics_destroy(d);
}

/* Errors point into the file that holds the mistake, base or derived. */
static void test_errors_point_at_their_file(void **state)
{
    (void)state;
    af_diagnostics *d = load_bad("tests/data/scenario/extends/error_in_base.yaml");
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_non_null(strstr(g->file, "error_in_base.yaml"));
    assert_int_equal(g->line, 4);
    assert_int_equal(g->column, 26);
    af_diagnostics_destroy(d);

    d = load_bad("tests/data/scenario/extends/broken_base.yaml");
    g = af_diagnostics_get(d, 0);
    assert_non_null(strstr(g->file, "bad_base.yaml"));
    assert_non_null(strstr(g->message, "unknown key 'colour'"));
    af_diagnostics_destroy(d);

    d = load_bad("tests/data/scenario/bad_extends_missing_file.yaml");
    g = af_diagnostics_get(d, 0);
    assert_non_null(strstr(g->file, "bad_extends_missing_file.yaml"));
    assert_non_null(strstr(g->message, "cannot open"));
    af_diagnostics_destroy(d);
}

/* A base outside the folder of the first file (../, an absolute path) is an error at the
 * extends: value, unless AIDFLOW_EXTENDS_ANYWHERE=1. */
static void test_confined_to_the_folder(void **state)
{
    (void)state;
    unsetenv("AIDFLOW_EXTENDS_ANYWHERE");
    af_diagnostics *d = load_bad("tests/data/scenario/extends/sub/grandchild.yaml");
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_non_null(strstr(g->message, "outside the folder"));
    assert_non_null(strstr(g->file, "grandchild.yaml"));
    assert_int_equal(g->line, 2);
    assert_int_equal(g->column, 10);
    af_diagnostics_destroy(d);
    d = load_bad("tests/data/scenario/extends/extends_absolute.yaml");
    assert_non_null(strstr(af_diagnostics_get(d, 0)->message, "outside the folder"));
    af_diagnostics_destroy(d);
    /* Going down and back up stays inside: cycle_a -> cycle_b -> sub/cycle_c -> ../cycle_a. */
    d = load_bad("tests/data/scenario/extends/cycle_a.yaml");
    assert_non_null(strstr(af_diagnostics_get(d, 0)->message, "cycle"));
    af_diagnostics_destroy(d);
}

/* The errors in a base that is not YAML give its place, never its lines. */
static void test_a_base_that_is_not_yaml_is_not_quoted(void **state)
{
    (void)state;
    af_diagnostics *d = load_bad("tests/data/scenario/extends/extends_not_yaml.yaml");
    size_t n = af_diagnostics_count(d);
    assert_true(n > 0);
    bool in_base = false;
    for (size_t i = 0; i < n; i++) {
        const af_diagnostic *g = af_diagnostics_get(d, i);
        assert_null(g->source_line ? strstr(g->source_line, "SECRET") : NULL);
        assert_null(strstr(g->message, "SECRET"));
        if (strstr(g->file, "not_yaml.txt")) {
            in_base = true;
            assert_null(g->source_line);
            assert_true(g->line > 0);
        }
    }
    assert_true(in_base);
    af_diagnostics_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_by_name),
        cmocka_unit_test(test_relative_paths_and_chains),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_removal_errors),
        cmocka_unit_test(test_errors_point_at_their_file),
        cmocka_unit_test(test_confined_to_the_folder),
        cmocka_unit_test(test_a_base_that_is_not_yaml_is_not_quoted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
