/* Fixed bug (found by this test, which failed before the fix in closures.c):
 *
 * A crossing's random closures did not close its back-to-back transfer stage. The stage keeps
 * the crossing's weekly hours and dated closures (test_transfer.c), because it is built on
 * the same schedule, but a random closure only closes the crossing's own station: trucks
 * already waiting for transfer lanes keep being transferred into Gaza while the crossing is
 * closed. Where the transfer is the bottleneck (Kerem Shalom), random closures then cost no
 * throughput at all.
 *
 * The network: 48 trucks a day (Poisson) into `gate` (10 lanes of 5 minutes: never the
 * limit) and its transfer stage (1 lane of 60 minutes, 24 a day, `at_closing: suspend`),
 * with random closures of the crossing (1 a day, 12 h each: about 39% of the time closed, see
 * test_random_closures.c). Two days of warm-up saturate the transfer lane. If the stage
 * closed with the crossing, its lane could work only while the crossing is open, and serve
 * at most one truck per open hour (plus the one under way at the start): served <= open
 * hours + 1 over the horizon. As the model stands it serves 24 a day whatever the closures. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 100

static void test_random_closures_close_the_transfer_stage(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: transfer and random closures\n"
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
             "    lanes: 10\n"
             "    service: 5 min\n"
             "    at_closing: suspend\n"
             "    random_closures: {rate: 1 /d, duration: 12 h}\n"
             "    transfer: {lanes: 1, service: 60 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 0 min}\n"
             "  - {name: out, from: gate, to: hub, travel: 0 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 61, 0);
    double open_h = STATION_SUM(r, "gate", open_hours, 0, DAYS);
    double transferred = STATION_SUM(r, "gate.transfer", served, 0, DAYS);
    printf("# crossing open %.1f h of %d; transfer served %g (at most %.1f if it closed too)\n",
           open_h, 24 * DAYS, transferred, open_h + 1);
    assert_true(open_h < 0.8 * 24 * DAYS); /* the closures took a real part of the time */
    assert_true(transferred <= open_h + 1);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_closures_close_the_transfer_stage),
    };
    return cmocka_run_group_tests_name("transfer_random_closures", tests, NULL, NULL);
}
