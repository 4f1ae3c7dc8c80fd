/* Station disciplines and per-category service: with `discipline: priority` a free lane takes
 * the waiting truck of the lowest `priority` number first (first come first served within a
 * priority; a service under way is not interrupted); `service_by_category` gives some
 * categories their own service time.
 *
 * The network: 20 food and 20 water trucks a day leave between 00:00 and 01:00, 1 h to `gate`
 * (1 lane), no time to the hub. Two days of warm-up build a backlog of water. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

static af_scenario *network(const char *gate)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: priority\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 2 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg, priority: 0}\n"
             "  - {name: water, tonnes_per_truck: 20 t, daily_need: 1 kg, priority: 1}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 00:00-01:00\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 20, water: 20}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 1, %s}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 0 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, gate);
    return load_text(yaml);
}

/* 60-minute service, priority to food. The lane is never idle (the water backlog grows by
 * 16 a day), so it completes exactly 24 services a day. The day's 20 food trucks arrive
 * 01:00-02:00; the lane finishes the water truck it has (by 02:00 at the latest) and then
 * serves the 20 food trucks back to back, done by 22:00: 20 food a day, so 24 - 20 = 4 water.
 * Under fcfs the food would wait behind the water backlog and get about 12 a day. */
static void test_priority_serves_food_first(void **state)
{
    (void)state;
    af_scenario *s = network("service: 60 min, discipline: priority");
    af_result *r = run_rep(s, 13, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 20, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 1)->trucks_delivered, 4, 0, 0);
        af_assert_close(station_day(r, d, "gate")->served, 24, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* Service 30 minutes, but 15 minutes for water: a day's work is 20 x 30 + 20 x 15 = 900 lane-
 * minutes, started at 01:00 and done by 16:00, so nothing carries over midnight and the
 * utilisation of every day is 900 / 1440 = 0.625; everything is delivered the same day. */
static void test_service_by_category(void **state)
{
    (void)state;
    af_scenario *s = network("service: 30 min, service_by_category: {water: 15 min}");
    af_result *r = run_rep(s, 13, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->utilisation, 900.0 / 1440, 1e-12, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 20, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 1)->trucks_delivered, 20, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_priority_serves_food_first),
        cmocka_unit_test(test_service_by_category),
    };
    return cmocka_run_group_tests_name("priority", tests, NULL, NULL);
}
