/* A station's limits as the model passes them on: `daily_cap` (most services started per day,
 * midnight to midnight) and `queue_limit` (most trucks waiting; the others wait upstream,
 * blocked, counted where they wait).
 *
 * The network: 48 food trucks a day leave between 06:00 and 12:00, 1 h to `gate`, 1 h to the
 * hub. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 20

static af_scenario *network(const char *gate, const char *warmup)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: station limits\n"
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
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 48}}\n"
             "crossings:\n"
             "  - {name: gate, %s}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, warmup, gate);
    return load_text(yaml);
}

/* A daily cap of 30 on a crossing that could serve 10 x 1440 / 10 = 1,440: 30 services start
 * each day (day 0: the first 30 arrivals; later days: 30 of the backlog from 00:00, done by
 * 00:30 with 10 lanes), each done 10 minutes later the same day, delivered an hour after that.
 * So exactly 30 served and 30 delivered a day, and the backlog grows by 18 a day. */
static void test_daily_cap(void **state)
{
    (void)state;
    af_scenario *s = network("lanes: 10, service: 10 min, daily_cap: 30", "0 d");
    af_result *r = run_rep(s, 9, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->served, 30, 0, 0);
        af_assert_close(station_day(r, d, "gate")->queue_midnight, 18.0 * (d + 1), 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 30, 0, 0);
    }
    af_assert_close(metric(r, "trucks.in_system"), 18 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A queue limit of 5 at a crossing of 1 lane of 60 minutes (24 a day) fed 48 a day. After a
 * day of warm-up the queue never drops below 5 (the backlog only grows), so every arrival
 * finds it full and is blocked: 48 blocked a day; the queue holds exactly 5 at every moment
 * (time-average 5); the blocked trucks count in the midnight figure, which grows by
 * 48 - 24 = 24 a day; the lane serves 24 a day. */
static void test_queue_limit_blocks_upstream(void **state)
{
    (void)state;
    af_scenario *s = network("lanes: 1, service: 60 min, queue_limit: 5", "1 d");
    af_result *r = run_rep(s, 9, 0);
    for (int d = 0; d < DAYS; d++) {
        const af_station_day *g = station_day(r, d, "gate");
        af_assert_close(g->arrivals, 48, 0, 0);
        af_assert_close(g->blocked, 48, 0, 0);
        af_assert_close(g->served, 24, 0, 0);
        af_assert_close(g->queue_mean, 5, 1e-12, 0);
        if (d > 0) af_assert_close(g->queue_midnight - station_day(r, d - 1, "gate")->queue_midnight, 24, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daily_cap),
        cmocka_unit_test(test_queue_limit_blocks_upstream),
    };
    return cmocka_run_group_tests_name("station_limits", tests, NULL, NULL);
}
