/* Dispatch plans: each origin sends trucks of each category at the rate of the plan step in
 * force (the last step begun; before the first, the first if it begins by `start`, else none),
 * either as a Poisson process over the day or as the day's trucks at uniform random times in
 * a window (a fractional rate sends the whole part and one more with the fraction's
 * probability).
 *
 * The network: 1 h to `gate` (20 lanes, 5 min), 1 h to the hub. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

static af_scenario *network(const char *dispatch, const char *steps, const char *warmup)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: plan\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: %s\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: %s\n"
             "    plan:\n"
             "%s"
             "crossings:\n"
             "  - {name: gate, lanes: 20, service: 5 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, warmup, dispatch, steps);
    return load_text(yaml);
}

/* Window dispatch 06:00-12:00: 48 a day, 24 a day from 2024-03-14 (day 10), none from
 * 2024-03-24 (day 20). Every truck is delivered the day it leaves. The first step begins on
 * 2024-03-01, three days before the start: it is in force from day 0, and during the
 * three-day warm-up, which is not reported. */
static void test_plan_steps_change_the_rate_on_their_dates(void **state)
{
    (void)state;
    af_scenario *s = network("06:00-12:00",
                             "      - {from: 2024-03-01, trucks: {food: 48}}\n"
                             "      - {from: 2024-03-14, trucks: {food: 24}}\n"
                             "      - {from: 2024-03-24, trucks: {food: 0}}\n",
                             "3 d");
    af_result *r = run_rep(s, 19, 0);
    for (int d = 0; d < DAYS; d++)
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, d < 10 ? 48 : d < 20 ? 24 : 0, 0, 0);
    af_assert_close(metric(r, "trucks.dispatched"), 10 * 48 + 10 * 24, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A plan whose first step begins after `start` (an origin that opens on a date: 2024-03-14,
 * day 10): nothing is dispatched before it, in the warm-up or the reported days, and 48 a day
 * from it (every truck delivered the day it leaves). Were the first step used before it (as
 * it is in the warm-up of a plan that begins by `start`), 48 a day would leave from day 0. */
static void test_plan_beginning_after_start(void **state)
{
    (void)state;
    af_scenario *s = network("06:00-12:00", "      - {from: 2024-03-14, trucks: {food: 48}}\n", "3 d");
    af_result *r = run_rep(s, 19, 0);
    for (int d = 0; d < DAYS; d++)
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, d < 10 ? 0 : 48, 0, 0);
    af_assert_close(metric(r, "trucks.dispatched"), 20 * 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A fractional window rate, 10.5 a day: each day sends 10, or 11 with probability 0.5; over
 * 30 days the extras are Binomial(30, 0.5), mean 15, sd 2.74, checked at 4 sd (4 to 26: never
 * none and never all), and every day is 10 or 11. */
static void test_fractional_window_rate(void **state)
{
    (void)state;
    af_scenario *s = network("06:00-12:00", "      - {from: 2024-03-04, trucks: {food: 10.5}}\n", "0 d");
    af_result *r = run_rep(s, 20, 0);
    for (int d = 0; d < DAYS; d++) {
        double n = daily_cell(r, d, 0, 0)->trucks_delivered;
        assert_true(n == 10 || n == 11);
    }
    assert_binomial(metric(r, "trucks.dispatched") - 10 * DAYS, DAYS, 0.5, 4);
    af_result_free(r);
    af_scenario_free(s);
}

/* Poisson dispatch at 100 a day, 60 a day from 2024-03-19 (day 15). The crossing sees each
 * truck 1 h after it leaves, so its arrivals on days 0-14 are the dispatches in [0, 15 d - 1 h):
 * Poisson with mean 100 x (15 - 1/24) = 1,495.8; on days 15-29 those in [15 d - 1 h, 30 d - 1 h):
 * mean 100 / 24 + 60 x (15 - 1/24) = 901.7; both are increments of a Poisson process over
 * disjoint intervals, hence independent; each is checked at 4 sd, as is the total dispatched
 * (mean 2,400). */
static void test_poisson_dispatch(void **state)
{
    (void)state;
    af_scenario *s = network("poisson",
                             "      - {from: 2024-03-04, trucks: {food: 100}}\n"
                             "      - {from: 2024-03-19, trucks: {food: 60}}\n",
                             "0 d");
    af_result *r = run_rep(s, 21, 0);
    double total = metric(r, "trucks.dispatched");
    af_assert_in_range(total, 2400 - 4 * sqrt(2400), 2400 + 4 * sqrt(2400));
    double first = STATION_SUM(r, "gate", arrivals, 0, 15), second = STATION_SUM(r, "gate", arrivals, 15, DAYS);
    double m1 = 100 * (15 - 1 / 24.0), m2 = 100 / 24.0 + 60 * (15 - 1 / 24.0);
    af_assert_in_range(first, m1 - 4 * sqrt(m1), m1 + 4 * sqrt(m1));
    af_assert_in_range(second, m2 - 4 * sqrt(m2), m2 + 4 * sqrt(m2));
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_steps_change_the_rate_on_their_dates),
        cmocka_unit_test(test_plan_beginning_after_start),
        cmocka_unit_test(test_fractional_window_rate),
        cmocka_unit_test(test_poisson_dispatch),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
