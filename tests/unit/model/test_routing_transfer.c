/* Fixed bug (found by this test, which failed before the fix in routing.c):
 *
 * shortest_delay does not see the queue at a crossing's back-to-back transfer stage. A route's
 * expected delay counts the trucks queued at each station of its nodes (inspections and
 * crossings), but a crossing's transfer stage is a station of its own that is no node, so the
 * trucks waiting for transfer lanes, and the transfer's service time, are left out. Where the
 * transfer is the bottleneck (as at Kerem Shalom), the policy keeps sending every truck to it.
 *
 * The network: 40 trucks a day (Poisson) to two crossings. Route via_a: crossing `a` with 10
 * lanes of 5 minutes (never a queue) and a transfer stage of 1 lane of 60 minutes (24 a day).
 * Route via_b: crossing `b`, 1 lane of 60 minutes (24 a day), 30 minutes further from the hub.
 * The two routes each have one 60-minute server; counted correctly, this is the loaded case
 * of test_routing.c (join the shorter queue, ties to a): both servers work, b takes the
 * overflow, at least a quarter of the trucks. Before the fix, the delay via a is 5 min
 * + travel whatever the transfer queue, so every truck goes via a, b serves none, and a's
 * transfer queue grows by 40 - 24 = 16 a day. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

static void test_shortest_delay_counts_the_transfer_queue(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: shortest delay and transfer\n"
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
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 40}}\n"
             "crossings:\n"
             "  - {name: a, lanes: 10, service: 5 min, transfer: {lanes: 1, service: 60 min}}\n"
             "  - {name: b, lanes: 1, service: 60 min}\n"
             "legs:\n"
             "  - {from: arish, to: a, travel: 0 min}\n"
             "  - {from: a, to: hub, travel: 30 min}\n"
             "  - {from: arish, to: b, travel: 0 min}\n"
             "  - {from: b, to: hub, travel: 60 min}\n"
             "routes:\n"
             "  - {name: via_a, origin: arish, via: [a], hub: hub}\n"
             "  - {name: via_b, origin: arish, via: [b], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 42, 0);
    double a = STATION_SUM(r, "a.transfer", served, 0, DAYS), b = STATION_SUM(r, "b", served, 0, DAYS);
    double dispatched = metric(r, "trucks.dispatched");
    printf("# shortest_delay with a transfer stage: %g via a, %g via b of %g\n", a, b, dispatched);
    assert_true(b >= 0.25 * (a + b));
    af_assert_in_range(a + b, dispatched - 40, dispatched);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortest_delay_counts_the_transfer_queue),
    };
    return cmocka_run_group_tests_name("routing_transfer", tests, NULL, NULL);
}
