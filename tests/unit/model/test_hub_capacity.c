/* Hub capacity: a hub with a storage capacity (tonnes, all categories together) takes a truck
 * only while its cargo fits; otherwise the truck waits at the hub, loaded and in the system,
 * and unloads, in arrival order, after the next consumption has made room (at midnight).
 *
 * The network: 48 food trucks of 15 t a day leave between 06:00 and 12:00, 1 h to `gate` (10
 * lanes, 10 min), 1 h to the hub, all arriving the day they leave (720 t a day). The region
 * needs 360 t a day (360,000 people x 1 kg). The hub holds at most 1,000 t, starts empty. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

#define YAML_FMT \
    "name: hub capacity\n" \
    "start: 2024-03-04\n" \
    "horizon: %d d\n" \
    "categories:\n" \
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n" \
    "regions:\n" \
    "  - {name: south, population: 360000}\n" \
    "hubs:\n" \
    "  - {name: hub, serves: [south]%s}\n" \
    "origins:\n" \
    "  - name: arish\n" \
    "    dispatch: 06:00-12:00\n" \
    "    plan:\n" \
    "      - {from: 2024-03-04, trucks: {food: 48}}\n" \
    "crossings:\n" \
    "  - {name: gate, lanes: 10, service: 10 min}\n" \
    "legs:\n" \
    "  - {name: in, from: arish, to: gate, travel: 1 h}\n" \
    "  - {name: out, from: gate, to: hub, travel: 1 h}\n" \
    "routes:\n" \
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n"

/* The stock trajectory, day by day (stock after the day's consumption of 360 t):
 *   day 0: 48 trucks (720 t) fit in the empty hub; 720 - 360 = 360 left.
 *   day 1: 360 + 15k <= 1000 lets k = 42 unload (990 t); 6 wait; 990 - 360 = 630.
 *   day 2: at midnight the 6 waiting unload (720 t), then 18 new ones fit (990 t); 30 wait;
 *          24 delivered; 630 left.
 *   day 3 on: at midnight 24 of the waiting trucks fit (630 + 360 = 990 t); newcomers join the
 *          back of the line; 24 delivered, 630 left, every day.
 * Delivered: 48 + 42 + 24 x (DAYS - 2); still waiting at the end: 48 x DAYS minus that,
 * = 24 x DAYS - 42. Consumption is the full 360 t every day. */
static void test_full_warehouse_exact_trajectory(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, DAYS, ", capacity: 1000 t");
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 5, 0);
    for (int d = 0; d < DAYS; d++) {
        const af_daily_cell *c = daily_cell(r, d, 0, 0);
        double trucks = d == 0 ? 48 : d == 1 ? 42 : 24;
        double stock = d == 0 ? 360 : 630;
        af_assert_close(c->trucks_delivered, trucks, 0, 0);
        af_assert_close(c->tonnes_delivered, 15 * trucks, 1e-12, 0);
        af_assert_close(c->stock_tonnes, stock, 1e-12, 1e-9);
        af_assert_close(c->consumed_tonnes, 360, 1e-12, 0);
        af_assert_close(c->unmet_tonnes, 0, 0, 1e-9);
    }
    af_assert_close(metric(r, "trucks.delivered"), 48 + 42 + 24 * (DAYS - 2), 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 24 * DAYS - 42, 0, 0);
    af_assert_close(metric(r, "tonnes.in_system"), 15 * (24 * DAYS - 42), 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The same hub with initial stock: 900 t already there leaves room for only 6 trucks on day 0
 * (900 + 90 = 990 t); 42 wait. After consumption 630 t; from day 1 on 24 a day unload at
 * midnight, as above. Delivered 6 + 24 x (DAYS - 1). */
static void test_initial_stock_counts_against_capacity(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, DAYS, ", capacity: 1000 t, stock: {food: 900 t}");
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 5, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, d == 0 ? 6 : 24, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->stock_tonnes, 630, 1e-12, 1e-9);
    }
    af_assert_close(metric(r, "trucks.in_system"), 48 * DAYS - 6 - 24 * (DAYS - 1), 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Without a capacity, every truck unloads the day it arrives and the stock grows by
 * 720 - 360 = 360 t a day: 360 (d + 1) t after day d. */
static void test_no_capacity_no_waiting(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, YAML_FMT, DAYS, "");
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 5, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 48, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->stock_tonnes, 360.0 * (d + 1), 1e-12, 0);
    }
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_warehouse_exact_trajectory),
        cmocka_unit_test(test_initial_stock_counts_against_capacity),
        cmocka_unit_test(test_no_capacity_no_waiting),
    };
    return cmocka_run_group_tests_name("hub_capacity", tests, NULL, NULL);
}
