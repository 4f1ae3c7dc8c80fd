/* Escorts: a truck waits for an escort before it starts a leg, and the wait adds to its
 * travel. shortest_delay counts the mean escort wait as part of a route's expected delay.
 *
 * The network: 48 food trucks a day leave between 06:00 and 12:00, 1 h to `gate` (10 lanes,
 * 10 min: never a queue), 1 h to the hub. Without an escort every truck is delivered the day
 * it leaves (by 14:10 at the latest). */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

/* A constant 2-day escort wait on `in`: a truck that leaves on day d reaches the gate on day
 * d + 2 between 07:00 and 13:00 and the hub by 14:10. So nothing is delivered on days 0 and 1,
 * exactly 48 a day from day 2, and the last two days' 96 trucks are still on the road. */
static void test_escort_wait_delays_deliveries_by_days(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: escort\n"
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
             "  - {name: in, from: arish, to: gate, travel: 1 h, escort: {wait: 2 d}}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 3, 0);
    for (int d = 0; d < DAYS; d++) {
        double want = d < 2 ? 0 : 48;
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, want, 0, 0);
        af_assert_close(station_day(r, d, "gate")->arrivals, want, 0, 0);
    }
    af_assert_close(metric(r, "trucks.in_system"), 96, 0, 0);
    /* days_to_target: coverage first reaches 1 on day 3 (the third reported day). */
    af_assert_close(metric(r, "days_to_target.food"), 3, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* shortest_delay with two identical routes except a 1 h escort on the way to crossing `a`:
 * the expected delay of the route through `a` is 60 minutes longer, and queues never make up
 * the difference (a queued truck at `b` adds 10 min / 10 lanes = 1 min; it would take 60 of
 * them, and 10 lanes of 10 min clear 48 trucks spread over six hours without a queue). So
 * every truck goes through `b`: `a` serves none, `b` serves 48 a day. Route `a` is listed
 * first, so a tie (an escort wait left out of the delay) would send every truck to `a`. */
static void test_shortest_delay_avoids_the_escorted_route(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: escort routing\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "routing: {policy: shortest_delay}\n"
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
             "  - {name: a, lanes: 10, service: 10 min}\n"
             "  - {name: b, lanes: 10, service: 10 min}\n"
             "legs:\n"
             "  - {from: arish, to: a, travel: 1 h, escort: {wait: 1 h}}\n"
             "  - {from: a, to: hub, travel: 1 h}\n"
             "  - {from: arish, to: b, travel: 1 h}\n"
             "  - {from: b, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: via_a, origin: arish, via: [a], hub: hub}\n"
             "  - {name: via_b, origin: arish, via: [b], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 3, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 0, DAYS), 0, 0, 0);
    for (int d = 0; d < DAYS; d++) af_assert_close(station_day(r, d, "b")->served, 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escort_wait_delays_deliveries_by_days),
        cmocka_unit_test(test_shortest_delay_avoids_the_escorted_route),
    };
    return cmocka_run_group_tests_name("escort", tests, NULL, NULL);
}
