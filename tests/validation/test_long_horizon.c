/* A hundred years: the longest horizon the language allows (36,500 days), compressed from the
 * 10,000 trucks a day of the question to 100 a day so that it runs in seconds. On a
 * network where every truck is delivered the day it leaves, every day's deliveries, need,
 * consumption and station work are the same, so the last day must equal the first to the bit: time arithmetic at 5.3e7 minutes loses nothing, counters do not wrap, sums of millions
 * of trucks stay exact. The counters that would reach 10,000 trucks a day for a century
 * (3.65e8 trucks, 5.5e9 tonnes) are 64-bit integers or doubles, exact to 2^53 = 9e15. */
#include "af_test.h"

#include <stddef.h>
#include <string.h>

#include "aidflow/model.h"
#include "aidflow/scenario.h"

static const char *yaml =
    "name: century\n"
    "start: 2024-01-01\n"
    "horizon: 36500 d\n"
    "categories:\n"
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
    "regions:\n"
    "  - {name: r, population: 1500000}\n"
    "hubs:\n"
    "  - {name: hub, serves: [r]}\n"
    "origins:\n"
    "  - name: o\n"
    "    dispatch: 06:00-10:00\n"
    "    plan:\n"
    "      - {from: 2024-01-01, trucks: {food: 100}}\n"
    "crossings:\n"
    "  - {name: gate, lanes: 4, service: 10 min}\n"
    "legs:\n"
    "  - {name: a, from: o, to: gate, travel: 1 h}\n"
    "  - {name: b, from: gate, to: hub, travel: 1 h}\n"
    "routes:\n"
    "  - {name: main, origin: o, via: [gate], hub: hub}\n";

static void test_a_century_stays_exact(void **state)
{
    (void)state;
    af_diagnostics *d = af_diagnostics_create(0);
    af_scenario *s = NULL;
    if (af_scenario_load_buffer("century.yaml", yaml, strlen(yaml), NULL, 0, AF_LOAD_NO_FILES, &s, d) != AF_OK) {
        af_diagnostics_print(d, stderr);
        fail_msg("does not load");
    }
    af_diagnostics_destroy(d);
    af_model_options o = {.keep_daily = true};
    af_result *r = NULL;
    af_error err;
    assert_int_equal(af_model_run(s, 1, 0, &o, &r, &err), AF_OK);
    assert_int_equal(r->n_days, 36500);
    const af_daily_cell *first = &r->daily[0], *last = &r->daily[36499];
    af_assert_close(first->trucks_delivered, 100, 0, 0);
    /* Every count and tonne is the same to the bit; the end-to-end times that follow them in
     * the cell depend on the random dispatch times, and stay within what the window allows:
     * 1 h to the gate, at most 100 x 10 / 4 min of queue, 10 min of service, 1 h on. */
    assert_memory_equal(first, last, offsetof(af_daily_cell, entry_time_mean_h));
    af_assert_in_range(last->entry_time_p95_h, 70.0 / 60, (70 + 250.0) / 60);
    af_assert_in_range(last->delivery_time_mean_h, 130.0 / 60, (130 + 250.0) / 60);
    const af_station_day *g0 = &r->stations[0], *g1 = &r->stations[36499];
    af_assert_close(g1->served, 100, 0, 0);
    af_assert_close(g1->utilisation, g0->utilisation, 0, 0);
    /* Dispatch times within the window are random, so waits differ day to day; they stay
     * within what 100 trucks in 4 hours on 4 lanes can produce. */
    af_assert_in_range(g1->wait_mean_min, 0, 100 * 10 / 4.0);
    af_assert_close(r->metrics[af_result_metric(r, "trucks.dispatched")], 3650000, 0, 0);
    af_assert_close(r->metrics[af_result_metric(r, "tonnes.delivered")], 3650000.0 * 15, 0, 0);
    af_assert_close(r->metrics[af_result_metric(r, "coverage.food")], 1, 0, 0);
    printf("# 100 years, %llu events: last day equals the first\n", (unsigned long long)r->events);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_century_stays_exact),
    };
    return cmocka_run_group_tests_name("long_horizon", tests, NULL, NULL);
}
