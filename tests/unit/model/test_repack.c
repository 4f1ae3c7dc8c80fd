/* Repack delay: a truck rejected at the end of a hold with `on_reject: redispatch` is repacked
 * at its origin and leaves again after the hold's `repack` delay, on a route chosen afresh,
 * and is inspected again.
 *
 * The network: 200 food trucks leave `port` on day 0 only, between 06:00 and 12:00; the road to
 * the inspection `scan` takes no time; scan has 20 lanes of 1 minute; every truck is flagged
 * and held for a constant 1 day; half are cleared and half rejected; a rejected truck leaves
 * again after a constant 3-day repack. After the hold: 1 h to `gate` (20 lanes, 5 min), 1 h to
 * the hub. So a truck's life is a cycle of 4 days (hold 1 + repack 3), a few minutes later each
 * time: trucks reach the hub only on days 1, 5, 9, ..., (4k + 1), and reach the scan only on
 * days 0, 4, 8, ... */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

static void test_rejected_trucks_come_back_after_the_repack(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: repack\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg, dual_use: 1}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: port\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 200}}\n"
             "      - {from: 2024-03-05, trucks: {food: 0}}\n"
             "inspections:\n"
             "  - {name: scan, lanes: 20, service: 1 min, hold: dual}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 20, service: 5 min}\n"
             "holds:\n"
             "  - name: dual\n"
             "    duration: 1 d\n"
             "    cleared: 0.5\n"
             "    rejected: 0.5\n"
             "    on_reject: redispatch\n"
             "    repack: 3 d\n"
             "legs:\n"
             "  - {name: a, from: port, to: scan, travel: 0 min}\n"
             "  - {name: b, from: scan, to: gate, travel: 1 h}\n"
             "  - {name: c, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: r, origin: port, via: [scan, gate], hub: hub}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 12, 0);
    double redispatched = 0, delivered = 0;
    for (int d = 0; d < DAYS; d++) {
        const af_station_day *sc = station_day(r, d, "scan");
        double got = daily_cell(r, d, 0, 0)->trucks_delivered;
        delivered += got;
        if (d % 4 == 1) {
            /* Out of the holds today: the trucks that arrived at the scan yesterday; those not
             * rejected reach the hub. */
            double out = station_day(r, d - 1, "scan")->arrivals;
            af_assert_close(got + sc->rejected, out, 0, 0);
            /* Each cycle halves the cohort: Binomial(out, 1/2), at 4 sd (8 cycles: Bonferroni
             * 8 x 6e-5 = 5e-4). */
            assert_binomial(got, out, 0.5, 4);
        } else {
            af_assert_close(got, 0, 0, 0);
            af_assert_close(sc->rejected, 0, 0, 0);
        }
        /* Arrivals at the scan: 200 on day 0, then on day 4k those rejected on day 4k - 3. */
        double arrive = d == 0 ? 200 : d % 4 == 0 ? station_day(r, d - 3, "scan")->rejected : 0;
        af_assert_close(sc->arrivals, arrive, 0, 0);
        /* Rejections before day 27 have been repacked and sent again within the run. */
        if (d + 3 < DAYS) redispatched += sc->rejected;
    }
    af_assert_close(metric(r, "trucks.dispatched"), 200, 0, 0);
    af_assert_close(metric(r, "trucks.redispatched"), redispatched, 0, 0);
    /* Rejected by day 25 (7 cycles): 200 (1 - 2^-7) = 198.4 on average, sd under 8. */
    assert_true(redispatched >= 150);
    af_assert_close(metric(r, "trucks.written_off"), 0, 0, 0);
    /* Nothing is lost: every truck is delivered or still cycling. */
    af_assert_close(delivered + metric(r, "trucks.in_system"), 200, 0, 0);
    af_assert_close(metric(r, "trucks.delivered"), delivered, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rejected_trucks_come_back_after_the_repack),
    };
    return cmocka_run_group_tests_name("repack", tests, NULL, NULL);
}
