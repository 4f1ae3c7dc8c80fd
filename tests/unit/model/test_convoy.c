/* Convoy capacity of a leg: at most `capacity` trucks a day may start it; the rest wait at its
 * start, in arrival order, and go first the next day.
 *
 * The network: 48 food trucks a day leave `arish` at uniform random times between 06:00 and
 * 12:00, drive 1 h to `gate` (10 lanes, 10 min: never a queue), then 1 h on `out` to the hub.
 * Every number below follows from counting slots; none depends on the random times. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

static af_scenario *network(const char *in_extra, const char *out_extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: convoy\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 48}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 10, service: 10 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h%s}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h%s}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, in_extra, out_extra);
    return load_text(yaml);
}

/* Capacity 30 on `out`, fed 48 a day. Day 0: the first 30 to reach it start, 18 wait. Each
 * later midnight the waiting trucks take the day's 30 slots first (they start at 00:00 and
 * arrive at 01:00), and every day's new trucks join the back of the line. So exactly 30 are
 * delivered every day, the line grows by 48 - 30 = 18 a day, and at the end 18 x DAYS trucks
 * are still waiting (in the system). The crossing is not held back: it serves 48 a day. */
static void test_capacity_caps_daily_deliveries(void **state)
{
    (void)state;
    af_scenario *s = network("", ", capacity: 30");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 30, 0, 0);
        af_assert_close(station_day(r, d, "gate")->served, 48, 0, 0);
    }
    af_assert_close(metric(r, "trucks.delivered"), 30 * DAYS, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 18 * DAYS, 0, 0);
    af_assert_close(metric(r, "tonnes.in_system"), 15 * 18 * DAYS, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Capacity 30 on the first leg instead: trucks wait at the origin, so the crossing itself
 * sees (and serves) exactly 30 a day, and delivers 30 a day. */
static void test_capacity_on_the_first_leg(void **state)
{
    (void)state;
    af_scenario *s = network(", capacity: 30", "");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->arrivals, 30, 0, 0);
        af_assert_close(station_day(r, d, "gate")->served, 30, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 30, 0, 0);
    }
    af_assert_close(metric(r, "trucks.in_system"), 18 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A capacity above the flow (60 slots for 48 trucks) changes nothing: 48 a day, none left. */
static void test_capacity_above_the_flow_does_not_bind(void **state)
{
    (void)state;
    af_scenario *s = network("", ", capacity: 60");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 0; d < DAYS; d++) af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 48, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_caps_daily_deliveries),
        cmocka_unit_test(test_capacity_on_the_first_leg),
        cmocka_unit_test(test_capacity_above_the_flow_does_not_bind),
    };
    return cmocka_run_group_tests_name("convoy", tests, NULL, NULL);
}
