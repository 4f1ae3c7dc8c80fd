/* Random closures of a station: closures start as a Poisson process of rate `rate` (per day)
 * and each lasts `duration`; the next start is drawn from the start of the last, so closures
 * may overlap, and the station is closed while any is in force. Minutes lost to them are
 * taken off the day's open hours.
 *
 * The fraction of time closed. With a constant duration D, the station is open at t when no
 * closure started in (t - D, t]: a Poisson count with mean rate x D, zero with probability
 * exp(-rate x D). So the fraction of open time lost is 1 - exp(-rate x D). (It is not
 * rate D / (1 + rate D), the alternating-renewal answer, which would hold if no closure could
 * start while the station is closed.) Here rate = 1 a day and D = 12 h: 1 - e^-0.5 = 0.3935,
 * against 0.3333 for the other formula.
 *
 * The spread. The open indicator O(t) has covariance exp(-rate (D + tau)) - exp(-2 rate D) for
 * lags tau < D and 0 beyond, so over T days the open fraction has variance
 *   (2 / T) [exp(-rate D) (1 - exp(-rate D)) / rate - D exp(-2 rate D)] = 0.10943 / T,
 * sd 0.0234 for T = 200 days; the mean of 20 independent replications has sd 0.00523, and it
 * is checked within 4 of those (+-0.021, false alarm 6e-5), which excludes 0.3333 (11 sd). */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 200
#define REPS 20

/* One lane of 60 minutes, fed 48 trucks a day (twice what it can serve): the lane is busy every
 * minute the station is open, and with `at_closing: suspend` a service in progress stops when
 * a closure starts and resumes when it ends. */
static af_scenario *network(void)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: random closures\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 2 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 48}}\n"
             "crossings:\n"
             "  - name: gate\n"
             "    lanes: 1\n"
             "    service: 60 min\n"
             "    at_closing: suspend\n"
             "    random_closures: {rate: 1 /d, duration: 12 h}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 0 min}\n"
             "  - {name: out, from: gate, to: hub, travel: 0 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS);
    return load_text(yaml);
}

static void test_fraction_of_open_time_lost(void **state)
{
    (void)state;
    af_scenario *s = network();
    double sum = 0;
    for (unsigned i = 0; i < REPS; i++) {
        af_result *r = run_rep(s, 31, i);
        double open_h = STATION_SUM(r, "gate", open_hours, 0, DAYS);
        double served = STATION_SUM(r, "gate", served, 0, DAYS);
        sum += 1 - open_h / (24.0 * DAYS);
        /* Throughput follows the open time: the lane works every open minute and nothing
         * else, so it completes one truck per open hour, give or take the one in progress at
         * each end of the horizon. */
        af_assert_in_range(served, open_h - 1, open_h + 1);
        af_result_free(r);
    }
    double lost = sum / REPS;
    double theory = 1 - exp(-0.5);
    double sd = sqrt(2 * (exp(-0.5) * (1 - exp(-0.5)) - 0.5 * exp(-1.0)) / DAYS / REPS);
    printf("# random closures: fraction of open time lost %.4f, theory %.4f +- %.4f\n", lost,
           theory, 4 * sd);
    af_assert_in_range(lost, theory - 4 * sd, theory + 4 * sd);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fraction_of_open_time_lost),
    };
    return cmocka_run_group_tests_name("random_closures", tests, NULL, NULL);
}
