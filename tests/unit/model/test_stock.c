/* Stock at origins: with `stock`, a truck leaves only while the origin holds a truckload of its
 * category (otherwise it is counted as unsupplied and does not leave); `replenish` adds to the
 * stock every day after the first; a category the stock does not name starts at 0.
 *
 * The network: trucks leave `arish` between 06:00 and 12:00, 1 h to `gate` (10 lanes, 10 min),
 * 1 h to the hub: every truck that leaves is delivered the same day. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

static af_scenario *network(const char *trucks, const char *stock)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: stock\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "  - {name: water, tonnes_per_truck: 20 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: %s}\n"
             "%s"
             "crossings:\n"
             "  - {name: gate, lanes: 10, service: 10 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, trucks, stock);
    return load_text(yaml);
}

/* 10 food trucks of 15 t planned a day; 150 t in stock, 30 t a day added from day 1.
 * Day 0: 150 t = 10 truckloads: all 10 leave, the stock is empty.
 * Day d >= 1: 30 t = 2 truckloads: 2 leave, 8 are unsupplied, nothing is left over.
 * Water (5 a day planned) is not named in the stock: it starts at 0 and is never
 * replenished, so every water truck is unsupplied: 5 x DAYS.
 * Dispatched: 10 + 2 (DAYS - 1); unsupplied 8 (DAYS - 1) + 5 DAYS. */
static void test_stock_runs_out_and_is_replenished(void **state)
{
    (void)state;
    af_scenario *s = network("{food: 10, water: 5}",
                             "    stock: {food: 150 t}\n"
                             "    replenish: {food: 30 t/d}\n");
    af_result *r = run_rep(s, 6, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, d == 0 ? 10 : 2, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 1)->trucks_delivered, 0, 0, 0);
    }
    af_assert_close(metric(r, "trucks.dispatched"), 10 + 2 * (DAYS - 1), 0, 0);
    af_assert_close(metric(r, "trucks.unsupplied"), 8 * (DAYS - 1) + 5 * DAYS, 0, 0);
    af_assert_close(metric(r, "tonnes.dispatched"), 150 + 30.0 * (DAYS - 1), 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Replenishment that is not a whole number of truckloads carries over: 0 t at the start and
 * 20 t a day of 15 t loads, 10 trucks planned. Day 0: nothing. Then the stock before dispatch
 * and the trucks that leave go 20 -> 1 (5 left), 25 -> 1 (10 left), 30 -> 2 (0 left), and again:
 * 1, 1, 2 trucks on days 1, 2, 3, 4, 5, 6, ... Over days 1..19: 6 cycles (24 trucks) and day
 * 19 = the first of a cycle (1 truck): 25 in all. */
static void test_replenishment_carries_over(void **state)
{
    (void)state;
    af_scenario *s = network("{food: 10}",
                             "    stock: {food: 0 t}\n"
                             "    replenish: {food: 20 t/d}\n");
    af_result *r = run_rep(s, 6, 0);
    static const double cycle[3] = {1, 1, 2};
    for (int d = 0; d < DAYS; d++)
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, d == 0 ? 0 : cycle[(d - 1) % 3], 0, 0);
    af_assert_close(metric(r, "trucks.dispatched"), 25, 0, 0);
    af_assert_close(metric(r, "trucks.unsupplied"), 10 * DAYS - 25, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Without `stock` supply is unlimited: every planned truck leaves. */
static void test_no_stock_no_limit(void **state)
{
    (void)state;
    af_scenario *s = network("{food: 10, water: 5}", "");
    af_result *r = run_rep(s, 6, 0);
    af_assert_close(metric(r, "trucks.dispatched"), 15 * DAYS, 0, 0);
    af_assert_close(metric(r, "trucks.unsupplied"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_runs_out_and_is_replenished),
        cmocka_unit_test(test_replenishment_carries_over),
        cmocka_unit_test(test_no_stock_no_limit),
    };
    return cmocka_run_group_tests_name("stock", tests, NULL, NULL);
}
