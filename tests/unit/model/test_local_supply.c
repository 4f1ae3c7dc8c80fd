/* Local supply: what reaches people other than by truck (wells, desalination, pipelines) is
 * a stated input per region; trucks need carry only the rest, and need met counts both.
 *
 * The network: 24 water trucks of 15 t a day leave between 06:00 and 12:00, 1 h to `gate`,
 * 1 h to the hub, all arriving the day they leave: 360 t a day. The region: 100,000 people
 * needing 15 L (15 kg) a day, 1,500 t, of which 8 L (800 t) come from wells and desalination.
 * The hub is asked for 700 t a day and has 360: it hands out all 360, every day. Need met =
 * (800 + 360) / 1500; coverage (trucked cargo over the whole need) = 360 / 1500. Without the
 * local supply need met = coverage = 360 / 1500. A local supply above the need counts as the
 * need, no more. */
#include "af_test.h"

#include <math.h>

#include "model_fixture.h"

#define DAYS 10

#define YAML_FMT \
    "name: local supply\n" \
    "start: 2024-03-04\n" \
    "horizon: %d d\n" \
    "categories:\n" \
    "  - {name: water, tonnes_per_truck: 15 t, daily_need: 15 kg}\n" \
    "regions:\n" \
    "  - {name: south, population: 100000%s}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [south]}\n" \
    "origins:\n" \
    "  - name: arish\n" \
    "    dispatch: 06:00-12:00\n" \
    "    plan:\n" \
    "      - {from: 2024-03-04, trucks: {water: 24}}\n" \
    "crossings:\n" \
    "  - {name: gate, lanes: 10, service: 10 min}\n" \
    "legs:\n" \
    "  - {name: in, from: arish, to: gate, travel: 1 h}\n" \
    "  - {name: out, from: gate, to: hub, travel: 1 h}\n" \
    "routes:\n" \
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n"

static af_result *run_with(const char *region_keys, af_scenario **s)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, DAYS, region_keys);
    *s = load_text(yaml);
    return run_rep(*s, 3, 0);
}

static void test_local_supply_counts_as_met(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with(", local_supply: {water: 8 kg}", &s);
    af_assert_close(metric(r, "need_met.water"), 1160.0 / 1500, 1e-12, 0);
    af_assert_close(metric(r, "need_met.water.south"), 1160.0 / 1500, 1e-12, 0);
    af_assert_close(metric(r, "coverage.water"), 360.0 / 1500, 1e-12, 0);
    af_assert_close(metric(r, "coverage.water.south"), 360.0 / 1500, 1e-12, 0);
    for (int d = 0; d < DAYS; d++) {
        const af_daily_cell *c = daily_cell(r, d, 0, 0);
        af_assert_close(c->need_tonnes, 1500, 1e-12, 0);
        af_assert_close(c->consumed_tonnes, 1160, 1e-12, 0);
        af_assert_close(c->unmet_tonnes, 340, 1e-12, 0);
        af_assert_close(c->stock_tonnes, 0, 0, 1e-9);
    }
    /* Unmet person-days: 340 t a day at 15 kg a person. */
    af_assert_close(metric(r, "unmet_person_days.water"), 340.0 / 0.015 * DAYS, 1e-9, 0);
    af_result_free(r);
    af_scenario_free(s);
}

static void test_without_local_supply(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with("", &s);
    af_assert_close(metric(r, "need_met.water"), 360.0 / 1500, 1e-12, 0);
    af_assert_close(metric(r, "coverage.water"), 360.0 / 1500, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* 20 L from wells for a 15 L need: all of it met locally, the trucked water piles up. */
static void test_local_supply_capped_at_need(void **state)
{
    (void)state;
    af_scenario *s;
    af_result *r = run_with(", local_supply: {water: 20 kg}", &s);
    af_assert_close(metric(r, "need_met.water.south"), 1, 1e-12, 0);
    af_assert_close(daily_cell(r, DAYS - 1, 0, 0)->stock_tonnes, 360.0 * DAYS, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* coverage.all over the categories that have a need, and only those: the same network with
 * 24 water trucks (360 t a day against 1,500 t), 12 food trucks (180 t against 100,000 x
 * 0.6 kg = 60 t) and 10 commercial trucks (150 t, needed by nobody) a day, all delivered the
 * day they leave. Coverage of all = (360 + 180) / (1,500 + 60) a day, the same over the
 * horizon; counting the commercial cargo would make it (360 + 180 + 150) / 1,560, and summing
 * the per-category ratios 0.24 + 3. */
static void test_coverage_of_all_leaves_out_cargo_nobody_needs(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: coverage of all\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: water, tonnes_per_truck: 15 t, daily_need: 15 kg}\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 0.6 kg}\n"
             "  - {name: commercial, tonnes_per_truck: 15 t, daily_need: 0 kg}\n"
             "regions:\n"
             "  - {name: south, population: 100000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {water: 24, food: 12, commercial: 10}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 10, service: 10 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    assert_non_null(s);
    af_result *r = run_rep(s, 3, 0);
    af_assert_close(metric(r, "coverage.water"), 360.0 / 1500, 1e-12, 0);
    af_assert_close(metric(r, "coverage.food"), 180.0 / 60, 1e-12, 0);
    af_assert_close(metric(r, "coverage.all"), 540.0 / 1560, 1e-12, 0);
    /* Nobody needs commercial cargo: it has no coverage of its own. */
    assert_true(isnan(metric(r, "coverage.commercial")));
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_supply_counts_as_met),
        cmocka_unit_test(test_without_local_supply),
        cmocka_unit_test(test_coverage_of_all_leaves_out_cargo_nobody_needs),
        cmocka_unit_test(test_local_supply_capped_at_need),
    };
    return cmocka_run_group_tests_name("local_supply", tests, NULL, NULL);
}
