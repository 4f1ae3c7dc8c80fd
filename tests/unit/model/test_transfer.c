/* The back-to-back transfer stage of a crossing: after the crossing's own service each truck's
 * cargo is moved to a Gaza-side truck on one of the transfer lanes; the stage keeps the
 * crossing's hours. A truck has entered Gaza when its transfer is done.
 *
 * The network: 100 food trucks a day leave between 06:00 and 12:00, 1 h to `gate` (10 lanes,
 * 5 min: capacity 10 x 1440 / 5 = 2,880 a day, never the limit), then the transfer stage
 * (2 lanes, 60 min, constant), then 30 min to the hub. Two days of warm-up fill the transfer
 * queue, which then only grows (100 in, at most 48 out a day), so both lanes are busy all the
 * time the stage is open. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

static af_scenario *network(const char *hours, const char *closures)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: transfer\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 2 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 1500000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 100}}\n"
             "crossings:\n"
             "  - name: gate\n"
             "    lanes: 10\n"
             "    service: 5 min\n"
             "    hours: %s\n"
             "    closures: %s\n"
             "    transfer: {lanes: 2, service: 60 min}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 30 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, hours, closures);
    return load_text(yaml);
}

/* Open around the clock: each busy lane finishes a transfer every 60 minutes, so in any day
 * exactly 1440 / 60 = 24 per lane, 48 in all: the capacity is min(2,880, 2 x 24) = 48 a day.
 * The crossing itself serves all 100 a day; 48 a day enter Gaza and reach the hub (30 min
 * after their transfer: still 24 per lane in any 24 hours). */
static void test_transfer_limits_throughput(void **state)
{
    (void)state;
    af_scenario *s = network("always", "[]");
    af_result *r = run_rep(s, 8, 0);
    assert_int_equal(r->n_stations, 2);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->served, 100, 0, 0);
        af_assert_close(station_day(r, d, "gate.transfer")->served, 48, 0, 0);
        af_assert_close(station_day(r, d, "gate.transfer")->utilisation, 1, 1e-12, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 48, 0, 0);
    }
    af_assert_close(metric(r, "trucks_per_day.entered"), 48, 1e-12, 0);
    af_assert_close(metric(r, "station.gate.transfer.served_per_day"), 48, 1e-12, 0);
    /* The backlog waits at the transfer stage and grows by 100 - 48 = 52 every day. */
    for (int d = 1; d < DAYS; d++)
        af_assert_close(station_day(r, d, "gate.transfer")->queue_midnight -
                            station_day(r, d - 1, "gate.transfer")->queue_midnight,
                        52, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Open 08:00-16:00: the stage keeps the crossing's hours. Its lanes start at 08:00 on the
 * backlog and finish at 09:00, ..., 16:00: 8 per lane, 16 a day. The crossing still serves
 * all 100 (arriving 07:00-13:00, 10 lanes of 5 minutes clear them by 13:05). */
static void test_transfer_keeps_the_crossing_hours(void **state)
{
    (void)state;
    af_scenario *s = network("\"08:00-16:00\"", "[]");
    af_result *r = run_rep(s, 8, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->served, 100, 0, 0);
        af_assert_close(station_day(r, d, "gate.transfer")->served, 16, 0, 0);
        af_assert_close(station_day(r, d, "gate.transfer")->open_hours, 8, 0, 1e-9);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 16, 0, 0);
    }
    af_assert_close(metric(r, "trucks_per_day.entered"), 16, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A dated closure of the crossing closes its transfer stage too. Closed from 00:00 on day 5
 * (2024-03-09) to 23:15 on day 7: at 00:00 on day 5 each lane finishes the transfer it has
 * under way (`at_closing: finish`, the default) within the hour, so 2 are served that day and
 * none on day 6 or 7 (open 0 h, 0 h and 0.75 h). At 23:15 on day 7 both lanes restart on the
 * backlog and finish at 00:15, 01:15, ..., 23:15 on day 8 and every day after: 48 a day,
 * each delivered 30 minutes later the same day. */
static void test_transfer_keeps_the_crossing_closures(void **state)
{
    (void)state;
    af_scenario *s = network("always", "[{from: 2024-03-09 00:00, to: 2024-03-11 23:15}]");
    af_result *r = run_rep(s, 8, 0);
    for (int d = 0; d < DAYS; d++) {
        double served = d == 5 ? 2 : d == 6 || d == 7 ? 0 : 48;
        double open = d == 5 || d == 6 ? 0 : d == 7 ? 0.75 : 24;
        af_assert_close(station_day(r, d, "gate.transfer")->served, served, 0, 0);
        af_assert_close(station_day(r, d, "gate.transfer")->open_hours, open, 0, 1e-9);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, served, 0, 0);
    }
    af_assert_close(metric(r, "trucks.entered"), 48 * (DAYS - 3) + 2, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer_limits_throughput),
        cmocka_unit_test(test_transfer_keeps_the_crossing_hours),
        cmocka_unit_test(test_transfer_keeps_the_crossing_closures),
    };
    return cmocka_run_group_tests_name("transfer", tests, NULL, NULL);
}
