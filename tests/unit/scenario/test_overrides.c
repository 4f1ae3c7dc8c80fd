/* `--set path.to.field=value`: overrides.c. */
#include "af_test.h"

#include "scn_test.h"

static const char *example(void)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s", scn_path("scenarios/examples/small_network.yaml"));
    return path;
}

static af_scenario *load_with(const char *const *sets, size_t n)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load(example(), sets, n, &s, d) != AF_OK) {
        scn_dump(d);
        fail_msg("the example with overrides did not load");
    }
    af_diagnostics_destroy(d);
    return s;
}

/* The single error of a failing override: checks place and message. */
static void expect_error(const char *set, int col, const char *fragment)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    const char *sets[] = {set};
    af_status st = af_scenario_load(example(), sets, 1, &s, d);
    if (st != AF_PARSE) fail_msg("--set %s: expected AF_PARSE, got %s", set, af_status_name(st));
    const af_diagnostic *g = af_diagnostics_get(d, 0);
    assert_non_null(g);
    if (strcmp(g->file, "<--set>") || g->line != 1 || g->column != col ||
        !strstr(g->message, fragment)) {
        scn_dump(d);
        fail_msg("--set %s: expected <--set>:1:%d: ...%s...", set, col, fragment);
    }
    assert_string_equal(g->source_line, set);
    assert_int_equal(af_diagnostics_error_count(d), 1);
    af_diagnostics_destroy(d);
}

static void test_valid_overrides(void **state)
{
    (void)state;
    const char *sets[] = {
        "crossings.kerem_shalom.lanes=6",
        "horizon=90",
        "seed=7",
        "routing.policy=shortest_delay",
        "inspections.nitzana.service={lognormal: {mean: 50 min, sd: 25}}",
        "inspections.nitzana.service_by_category.medical.triangular.2=3 h",
        "legs.rafah_south.loss=5%",
        "origins.al_arish.plan.1.trucks.food=200",
        "crossings.rafah.random_closures.rate=2 /week",
        "crossings.rafah.random_closures.duration=6 h",
        "hubs.gaza_city_hub.stock.food=300 t",
        "crossings.zikim.hours={mon-sun: closed}",
        "crossings.zikim.closures=[]",
        "sources=[one, two]",
        "crossings.rafah.hours=always",
    };
    size_t n = sizeof sets / sizeof sets[0];
    /* "closed every day" is an error, so leave out that one and check it below */
    const char *ok[sizeof sets / sizeof sets[0]];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!strstr(sets[i], "mon-sun: closed")) ok[k++] = sets[i];
    af_scenario *s = load_with(ok, k);
    size_t ks = af_scenario_find_node(s, "kerem_shalom");
    assert_int_equal(af_scenario_station(s, ks)->lanes, 6);
    assert_int_equal(s->horizon_days, 90);
    assert_true(s->seed == 7);
    assert_int_equal(s->policy, AF_SCN_SHORTEST_DELAY);
    const af_scn_station *nz = af_scenario_station(s, af_scenario_find_node(s, "nitzana"));
    af_assert_close(nz->service.param[0], 50, 0, 0);
    af_assert_close(nz->service.param[1], 25, 0, 0);
    size_t medical = af_scenario_find_category(s, "medical");
    af_assert_close(nz->category_service[medical].param[2], 180, 0, 0);
    af_assert_close(s->legs[af_scenario_find_leg(s, "rafah_south")].loss, 0.05, 0, 0);
    af_assert_close(s->origins[0].steps[1].trucks[0], 200, 0, 0);
    const af_scn_station *rf = af_scenario_station(s, af_scenario_find_node(s, "rafah"));
    assert_true(rf->has_random_closures);
    af_assert_close(rf->closure_rate, 2.0 / 7, 1e-15, 0);
    assert_false(rf->hours.weekly);
    const af_scn_hub *h = &s->hubs[s->nodes[af_scenario_find_node(s, "gaza_city_hub")].index];
    af_assert_close(h->stock[0], 300, 0, 0);
    assert_int_equal(s->n_sources, 2);
    assert_string_equal(s->sources[1], "two");
    af_scenario_free(s);

    /* Later overrides win. */
    const char *twice[] = {"crossings.rafah.lanes=3", "crossings.rafah.lanes=5"};
    s = load_with(twice, 2);
    assert_int_equal(af_scenario_station(s, af_scenario_find_node(s, "rafah"))->lanes, 5);
    af_scenario_free(s);
}

static void test_bad_overrides(void **state)
{
    (void)state;
    /* unknown keys, with suggestions, at the column of the offending part */
    expect_error("crossings.kerem_shalom.lanez=6", 24, "unknown key 'lanez' in "
                 "crossings.kerem_shalom; did you mean 'lanes'?");
    expect_error("horizn=30", 1, "did you mean 'horizon'?");
    expect_error("crossings.kerem_shalon.lanes=6", 11, "no crossing is named 'kerem_shalon'; "
                 "did you mean 'kerem_shalom'?");
    expect_error("crossings.kerem_shalom=6", 11, "name a key of crossing 'kerem_shalom'");
    expect_error("origins.al_arish.plan.7.trucks.food=1", 23, "expected a position");
    expect_error("lanes", 1, "expected path.to.key=value");
    expect_error("=6", 1, "expected path.to.key=value");
    expect_error("crossings..lanes=6", 11, "expected a key or a name");
    expect_error("name.first=x", 6, "has no parts to set");
    /* values are checked like values in the file, and point into the argument */
    expect_error("crossings.kerem_shalom.lanes=-6", 30, "lanes: expected a whole number");
    expect_error("crossings.kerem_shalom.lanes=", 30, "found nothing (null)");
    expect_error("legs.rafah_south.travel=30 kg", 25, "'kg' is a unit of mass");
    expect_error("crossings.rafah.service={lognormal: {mean: 45, sd: -1}}", 52,
                 "cannot be negative");
    expect_error("crossings.rafah.service=[1, 2", 30, "syntax error");
    expect_error("crossings.zikim.hours={mon-sun: closed}", 23, "closed on every day");
    /* setting one key of an absent record creates it; its other required keys are missing */
    expect_error("crossings.rafah.random_closures.rate=2 /week", 17,
                 "missing key 'duration'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_overrides),
        cmocka_unit_test(test_bad_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
