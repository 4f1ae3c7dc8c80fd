/* Re-routing on closure (policy reroute_on_closure): a truck picks a route by the shares; if a
 * node of that route is closed at dispatch (a dated closure, or a random closure in force) or
 * one of its legs is closed (a dated closure), it picks again among the routes that are open,
 * by their shares. Weekly hours do not count as a closure.
 *
 * The network: one origin, crossings `a` and `b` (10 lanes of 10 minutes each, no queue),
 * routes via_a and via_b with shares 0.5 / 0.5, to one hub. Start 2024-03-04 is day 0. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

static af_scenario *network(const char *dispatch, int trucks, const char *a_extra,
                            const char *a_out_extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: reroute\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "routing: {policy: reroute_on_closure}\n"
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
             "      - {from: 2024-03-04, trucks: {food: %d}}\n"
             "crossings:\n"
             "  - {name: a, lanes: 10, service: 10 min%s}\n"
             "  - {name: b, lanes: 10, service: 10 min}\n"
             "legs:\n"
             "  - {from: arish, to: a, travel: 0 min}\n"
             "  - {from: a, to: hub, travel: 1 h%s}\n"
             "  - {from: arish, to: b, travel: 0 min}\n"
             "  - {from: b, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: via_a, origin: arish, via: [a], hub: hub, share: 0.5}\n"
             "  - {name: via_b, origin: arish, via: [b], hub: hub, share: 0.5}\n",
             DAYS, dispatch, trucks, a_extra, a_out_extra);
    return load_text(yaml);
}

/* `a` closed on days 5-7 and 12:00-24:00 on day 2. Trucks leave 06:00-12:00 and reach the
 * crossings at once. Days 5-7: none go to `a`, all 48 to `b`. Day 2: every truck leaves before
 * the closure starts, so the split is the usual one. Other days: by shares, Binomial(48 x 17,
 * 0.5) to `a` in all, at 4 sd. */
static void test_dated_station_closure(void **state)
{
    (void)state;
    af_scenario *s = network("06:00-12:00", 48,
                             ", closures: [[2024-03-09, 2024-03-11], "
                             "{from: 2024-03-06 12:00, to: 2024-03-07 00:00}]",
                             "");
    af_result *r = run_rep(s, 51, 0);
    double a_open = 0;
    for (int d = 0; d < DAYS; d++) {
        double a = station_day(r, d, "a")->arrivals, b = station_day(r, d, "b")->arrivals;
        af_assert_close(a + b, 48, 0, 0);
        if (d >= 5 && d <= 7)
            af_assert_close(a, 0, 0, 0);
        else
            a_open += a;
    }
    assert_binomial(a_open, 48 * 17, 0.5, 4);
    /* Everyone is delivered the day they leave: no truck waited at the closed crossing. */
    for (int d = 0; d < DAYS; d++) af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The leg from `a` to the hub closed on days 5-7: the route via a is closed though `a`
 * itself is open, so on those days no truck goes to `a`. */
static void test_dated_leg_closure(void **state)
{
    (void)state;
    af_scenario *s = network("06:00-12:00", 48, "", ", closures: [[2024-03-09, 2024-03-11]]");
    af_result *r = run_rep(s, 52, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 5, 8), 0, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 5, 8), 3 * 48, 0, 0);
    assert_binomial(STATION_SUM(r, "a", arrivals, 0, 5), 5 * 48, 0.5, 4);
    af_result_free(r);
    af_scenario_free(s);
}

/* Random closures of `a` (2 a day, 3 h each) with Poisson dispatch, 100 trucks a day. Given
 * the closure process, the trucks dispatched while `a` is open form a Poisson process of rate
 * 100 a day over a's open time, half of which go to `a`; those dispatched while it is closed
 * all go to `b`. So a's arrivals over the run are Poisson with mean 50 x (a's open days),
 * where the open days are read from a's daily open hours; checked at 4 sd. Without
 * re-routing the mean would be 50 x 20 = 1000 against about 50 x 20 x e^-0.25 = 779 (the
 * fraction open is e^-(rate x duration), see test_random_closures.c): 7 sd apart. */
static void test_random_closure(void **state)
{
    (void)state;
    af_scenario *s = network("poisson", 100, ", random_closures: {rate: 2 /d, duration: 3 h}", "");
    af_result *r = run_rep(s, 53, 0);
    double open_days = STATION_SUM(r, "a", open_hours, 0, DAYS) / 24;
    double a = STATION_SUM(r, "a", arrivals, 0, DAYS);
    double mean = 50 * open_days;
    assert_true(open_days < DAYS - 2); /* the closures took a real part of the time */
    af_assert_in_range(a, mean - 4 * sqrt(mean), mean + 4 * sqrt(mean));
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dated_station_closure),
        cmocka_unit_test(test_dated_leg_closure),
        cmocka_unit_test(test_random_closure),
    };
    return cmocka_run_group_tests_name("reroute", tests, NULL, NULL);
}
