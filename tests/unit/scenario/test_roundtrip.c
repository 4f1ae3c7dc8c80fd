/* `show` round trips: load -> write -> load -> write gives the same bytes and an equal
 * scenario, for every example; and spot checks of what the example resolves to. */
#include "af_test.h"

#include <dirent.h>
#include <math.h>

#include "scn_test.h"

static af_scenario *load_ok(const char *path, const char *const *sets, size_t n_sets)
{
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    af_status st = af_scenario_load(path, sets, n_sets, &s, d);
    if (st != AF_OK) {
        scn_dump(d);
        fail_msg("%s did not load: %s", path, af_status_name(st));
    }
    af_diagnostics_destroy(d);
    return s;
}

/* The round trip of one loaded scenario. */
static void round_trip(const char *what, af_scenario *s1)
{
    size_t len1, len2;
    char *y1 = af_scenario_to_yaml(s1, &len1);
    assert_non_null(y1);
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s2 = NULL;
    af_status st = af_scenario_load_buffer("<written>", y1, len1, NULL, 0, AF_LOAD_NO_FILES, &s2, d);
    if (st != AF_OK) {
        scn_dump(d);
        fprintf(stderr, "%s\n", y1);
        fail_msg("%s: the written scenario does not load back", what);
    }
    char *y2 = af_scenario_to_yaml(s2, &len2);
    assert_non_null(y2);
    if (len1 != len2 || memcmp(y1, y2, len1)) {
        fprintf(stderr, "---- first\n%s---- second\n%s", y1, y2);
        fail_msg("%s: writing twice gives different text", what);
    }
    if (!af_scenario_equal(s1, s2)) fail_msg("%s: the scenario read back differs", what);
    assert_true(af_scenario_hash(s1) == af_scenario_hash(s2));
    af_scenario_free(s2);
    af_diagnostics_destroy(d);
    free(y1);
    free(y2);
}

/* Every *.yaml of a folder of the source tree loads and round trips; returns how many. */
static size_t round_trip_dir(const char *rel)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", scn_path(rel));
    DIR *dd = opendir(dir);
    if (!dd) return 0;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dd));) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml")) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        af_scenario *s = load_ok(path, NULL, 0);
        round_trip(path, s);
        af_scenario_free(s);
        n++;
    }
    closedir(dd);
    return n;
}

static void test_examples_round_trip(void **state)
{
    (void)state;
    assert_true(round_trip_dir("scenarios/examples") >= 2);
    /* the bundled scenarios are written in the same language (there are eight) */
    assert_true(round_trip_dir("scenarios") >= 1);
    af_scenario *s = load_ok(scn_path("tests/data/scenario/minimal.yaml"), NULL, 0);
    round_trip("minimal.yaml", s);
    af_scenario_free(s);
}

/* What the full example resolves to: units, indices, defaults. */
static void test_example_values(void **state)
{
    (void)state;
    af_scenario *s = load_ok(scn_path("scenarios/examples/small_network.yaml"), NULL, 0);
    assert_int_equal(s->start_weekday, 4); /* 2024-03-01 was a Friday */
    assert_int_equal(s->horizon_days, 60);
    assert_int_equal(s->warmup_days, 7);
    assert_int_equal(s->replications, 10);
    af_assert_close(s->coverage_target, 0.8, 0, 0);

    size_t food = af_scenario_find_category(s, "food");
    size_t fuel = af_scenario_find_category(s, "fuel");
    assert_true(food != AF_SCN_NONE && fuel != AF_SCN_NONE);
    af_assert_close(s->categories[food].daily_need, 0.98 / 1000, 1e-15, 0);

    /* Nodes: origins, then inspections, crossings, hubs. */
    assert_int_equal(s->n_nodes, 9);
    assert_int_equal(s->nodes[0].kind, AF_SCN_ORIGIN);
    assert_int_equal(s->nodes[s->n_nodes - 1].kind, AF_SCN_HUB);
    size_t nitzana = af_scenario_find_node(s, "nitzana");
    const af_scn_station *st = af_scenario_station(s, nitzana);
    assert_non_null(st);
    assert_int_equal(st->lanes, 4);
    assert_int_equal(st->service.kind, AF_DIST_LOGNORMAL);
    af_assert_close(st->service.param[0], 45, 0, 0);
    af_assert_close(st->service.param[1], 20, 0, 0);
    af_assert_close(af_dist_mean(&st->service.dist), 45, 1e-9, 0);
    size_t medical = af_scenario_find_category(s, "medical");
    assert_int_equal(af_scn_station_service(st, medical)->kind, AF_DIST_TRIANGULAR);
    assert_int_equal(af_scn_station_service(st, food)->kind, AF_DIST_LOGNORMAL);
    /* sun-thu 08:00-17:00, fri 08:00-12:00, sat closed */
    assert_true(st->hours.weekly);
    assert_int_equal(st->hours.n[5], 0);
    assert_int_equal(st->hours.n[4], 1);
    af_assert_close(st->hours.intervals[4][0].close, 720, 0, 0);
    af_assert_close(st->hours.intervals[6][0].open, 480, 0, 0);
    /* [2024-03-24, 2024-03-25] both included: days 23 and 24 */
    assert_int_equal(st->n_closures, 1);
    af_assert_close(st->closures[0].from, 23 * 1440.0, 0, 0);
    af_assert_close(st->closures[0].to, 25 * 1440.0, 0, 0);
    assert_true(st->has_random_closures);
    af_assert_close(st->closure_rate, 1.0 / 7, 1e-15, 0);
    assert_int_equal(st->daily_cap, 200);
    assert_int_equal(st->queue_limit, 600);
    const af_scn_inspection *in = &s->inspections[s->nodes[nitzana].index];
    af_assert_close(in->flag[food], 0.01, 0, 0);          /* given */
    af_assert_close(in->flag[medical], 0.02, 0, 0);       /* category default */
    assert_string_equal(s->holds[in->hold].name, "dual_use_review");

    /* Zikim's night hours run past midnight into the next day. */
    const af_scn_station *zk = af_scenario_station(s, af_scenario_find_node(s, "zikim"));
    assert_int_equal(zk->hours.n[0], 2);
    af_assert_close(zk->hours.intervals[0][0].close, 240, 0, 0);
    af_assert_close(zk->hours.intervals[0][1].open, 1320, 0, 0);

    /* The ashdod origin: stock, replenishment per day, fuel at 2 a week. */
    const af_scn_origin *ash = &s->origins[s->nodes[af_scenario_find_node(s, "ashdod")].index];
    assert_true(ash->has_stock);
    af_assert_close(ash->replenish[fuel], 60.0 / 7, 1e-15, 0);
    af_assert_close(ash->steps[0].trucks[fuel], 2.0 / 7, 1e-15, 0);
    assert_int_equal(ash->n_routes, 2);

    /* Al-Arish's first step is before the start: day -29. */
    const af_scn_origin *aa = &s->origins[0];
    assert_int_equal(aa->steps[0].day, -29);
    assert_int_equal(aa->dispatch, AF_SCN_DISPATCH_WINDOW);
    af_assert_close(aa->window_open, 360, 0, 0);

    /* A route's path and legs line up. */
    const af_scn_route *r = &s->routes[af_scenario_find_route(s, "port_north")];
    assert_int_equal(r->n_nodes, 4);
    for (size_t k = 0; k + 1 < r->n_nodes; k++) {
        assert_int_equal(s->legs[r->legs[k]].from, r->nodes[k]);
        assert_int_equal(s->legs[r->legs[k]].to, r->nodes[k + 1]);
    }
    assert_int_equal(s->nodes[r->nodes[0]].kind, AF_SCN_ORIGIN);
    assert_int_equal(s->nodes[r->nodes[3]].kind, AF_SCN_HUB);
    /* Default leg names, and a given one. */
    assert_true(af_scenario_find_leg(s, "al_arish_to_nitzana") != AF_SCN_NONE);
    assert_true(af_scenario_find_leg(s, "rafah_south") != AF_SCN_NONE);
    /* Regions: the hub that serves each, shifts in date order. */
    const af_scn_region *south = &s->regions[af_scenario_find_region(s, "south")];
    assert_string_equal(s->nodes[s->hubs[south->hub].node].name, "rafah_hub");
    assert_int_equal(south->n_shifts, 2);
    assert_false(south->shifts[0].by_share);
    assert_true(south->shifts[1].by_share);
    af_assert_close(south->shifts[1].share, 0.05, 0, 0);
    /* Empirical service at Kerem Shalom keeps its rows as written. */
    const af_scn_station *ks = af_scenario_station(s, af_scenario_find_node(s, "kerem_shalom"));
    assert_int_equal(ks->service.kind, AF_DIST_EMPIRICAL);
    assert_int_equal(ks->service.n, 3);
    af_assert_close(ks->service.weights[2], 0.2, 0, 0);
    af_scenario_free(s);
}

/* Two loads of the same file are equal and hash alike; a change changes the hash. */
static void test_hash(void **state)
{
    (void)state;
    const char *p = scn_path("scenarios/examples/small_network.yaml");
    char path[4096];
    snprintf(path, sizeof path, "%s", p);
    af_scenario *a = load_ok(path, NULL, 0), *b = load_ok(path, NULL, 0);
    assert_true(af_scenario_equal(a, b));
    assert_true(af_scenario_hash(a) == af_scenario_hash(b));
    assert_true(af_scenario_hash(a) != 0);
    const char *set[] = {"crossings.rafah.lanes=3"};
    af_scenario *c = load_ok(path, set, 1);
    assert_false(af_scenario_equal(a, c));
    assert_true(af_scenario_hash(a) != af_scenario_hash(c));
    af_scenario_free(a);
    af_scenario_free(b);
    af_scenario_free(c);
}

/* Each field of the scenario counts: the small network with one value changed (two where a
 * change must come with another, as shares that sum to one) is not equal to it, either way
 * round, and hashes otherwise; reloaded, the changed one equals itself. One override a field
 * that af_scenario_equal compares, across every part of the scenario. */
static void test_every_field_counts(void **state)
{
    (void)state;
    static const char *const changes[][2] = {
        {"name=another", NULL},
        {"horizon=61 d", NULL},
        {"warmup=2 weeks", NULL},
        {"seed=7", NULL},
        {"replications=11", NULL},
        {"report.coverage_target=70%", NULL},
        {"report.confidence=0.9", NULL},
        {"routing.policy=shortest_delay", NULL},
        {"categories.food.tonnes_per_truck=16 t", NULL},
        {"categories.food.daily_need=1 kg", NULL},
        {"categories.food.dual_use=0.01", NULL},
        {"categories.food.priority=2", NULL},
        {"regions.north.population=600001", NULL},
        {"holds.dual_use_review.offload_fraction=0.3", NULL},
        {"holds.quick_check.duration=4 h", NULL},
        {"origins.al_arish.dispatch=07:00-18:00", NULL},
        {"origins.al_arish.yard.capacity=2001", NULL},
        {"origins.ashdod.stock.food=6001 t", NULL},
        {"origins.ashdod.replenish.food=501 t/d", NULL},
        {"inspections.nitzana.lanes=5", NULL},
        {"inspections.nitzana.service=30 min", NULL},
        {"inspections.nitzana.daily_cap=201", NULL},
        {"inspections.nitzana.queue_limit=601", NULL},
        {"inspections.nitzana.flags.food=0.02", NULL},
        {"inspections.ks_screening.discipline=fcfs", NULL},
        {"inspections.ks_screening.at_closing=finish", NULL},
        {"crossings.rafah.hours=07:00-18:00", NULL},
        {"crossings.kerem_shalom.transfer.lanes=9", NULL},
        {"crossings.zikim.queue_limit=51", NULL},
        {"hubs.rafah_hub.capacity=20001 t", NULL},
        {"hubs.rafah_hub.stock.food=2001 t", NULL},
        {"legs.rafah_south.loss=0.02", NULL},
        {"legs.rafah_south.travel=31 min", NULL},
        {"routes.egypt_via_rafah.share=0.5", "routes.egypt_via_ks.share=0.5"},
    };
    const char *p = scn_path("scenarios/examples/small_network.yaml");
    char path[4096];
    snprintf(path, sizeof path, "%s", p);
    af_scenario *base = load_ok(path, NULL, 0);
    size_t n = sizeof changes / sizeof changes[0], tried = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = changes[i][1] ? 2 : 1;
        af_scenario *x = load_ok(path, changes[i], k), *again = load_ok(path, changes[i], k);
        if (af_scenario_equal(base, x) || af_scenario_equal(x, base))
            fail_msg("with %s the scenario compares equal to the file's", changes[i][0]);
        if (af_scenario_hash(base) == af_scenario_hash(x))
            fail_msg("with %s the scenario hashes as the file's", changes[i][0]);
        assert_true(af_scenario_equal(x, again));
        af_scenario_free(x);
        af_scenario_free(again);
        tried++;
    }
    assert_int_equal(tried, 34);
    af_scenario_free(base);
}

/* Text in memory: extends can be turned off; bad arguments are refused. */
static void test_buffer_loading(void **state)
{
    (void)state;
    const char *text = "extends: base.yaml\nname: x\n";
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    assert_int_equal(af_scenario_load_buffer("mem.yaml", text, strlen(text), NULL, 0,
                                             AF_LOAD_NO_FILES, &s, d),
                     AF_PARSE);
    assert_non_null(strstr(af_diagnostics_get(d, 0)->message, "turned off"));
    assert_int_equal(af_scenario_load_buffer("x", NULL, 3, NULL, 0, 0, &s, d), AF_INVAL);
    assert_int_equal(af_scenario_load(NULL, NULL, 0, &s, d), AF_INVAL);
    af_diagnostics_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_round_trip),
        cmocka_unit_test(test_example_values),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_every_field_counts),
        cmocka_unit_test(test_buffer_loading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
