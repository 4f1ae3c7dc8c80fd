/* Dated closures of stations and legs: a closed station serves nobody (trucks queue in front
 * of it), a closed leg lets nobody start it (trucks wait at its start); both resume at the end
 * of the closure. Whole days close midnight to midnight, both ends included; a closure given
 * to the minute excludes its end.
 *
 * The network: 48 food trucks a day leave between 06:00 and 12:00, 1 h on `in` to `gate` (10
 * lanes, 10 min: no queue while open), 1 h on `out` to the hub. Start 2024-03-04 is day 0, so
 * 2024-03-09..11 are days 5, 6 and 7. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"
#include "model/closures.h" /* closures_any_station_may_close: an internal test, below */

#define DAYS 15

/* The network below with `tail` appended to the text (top-level keys: changes). */
static af_scenario *network_with(const char *gate_extra, const char *in_extra,
                                 const char *out_extra, const char *tail)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: closures\n"
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
             "  - {name: gate, lanes: 10, service: 10 min%s}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h%s}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h%s}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n%s",
             DAYS, gate_extra, in_extra, out_extra, tail);
    return load_text(yaml);
}

static af_scenario *network(const char *gate_extra, const char *in_extra, const char *out_extra)
{
    return network_with(gate_extra, in_extra, out_extra, "");
}

/* The crossing closed on days 5-7 and on day 2 until 12:00.
 * Days 5-7: 48 arrive each day and queue; none served, none delivered, open 0 h; the queue at
 * midnight is 48, 96, and 144 less the 10 that the reopening at that same instant may already
 * have put into service. Day 8: the 144 are served from 00:00 (10 lanes x 10 min: done by
 * 02:30) and the day's 48 as usual: 192 served and delivered.
 * Day 2: trucks arriving 07:00-12:00 wait until noon and are cleared by 10 lanes within the
 * hour; all 48 are served and delivered that day; open 12 h. */
static void test_station_closure(void **state)
{
    (void)state;
    af_scenario *s = network(", closures: [[2024-03-09, 2024-03-11], "
                             "{from: 2024-03-06 00:00, to: 2024-03-06 12:00}]",
                             "", "");
    af_result *r = run_rep(s, 4, 0);
    for (int d = 0; d < DAYS; d++) {
        const af_station_day *g = station_day(r, d, "gate");
        bool closed = d >= 5 && d <= 7;
        double served = closed ? 0 : d == 8 ? 192 : 48;
        af_assert_close(g->arrivals, 48, 0, 0);
        af_assert_close(g->served, served, 0, 0);
        af_assert_close(g->open_hours, closed ? 0 : d == 2 ? 12 : 24, 0, 1e-9);
        if (d == 5 || d == 6 || !closed) af_assert_close(g->queue_midnight, closed ? 48.0 * (d - 4) : 0, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, served, 0, 0);
    }
    af_assert_in_range(station_day(r, 7, "gate")->queue_midnight, 134, 144);
    /* On day 2 trucks waited for the noon opening: a positive mean wait (it is 0 otherwise). */
    assert_true(station_day(r, 2, "gate")->wait_mean_min > 0);
    af_assert_close(station_day(r, 1, "gate")->wait_mean_min, 0, 0, 0);
    af_assert_close(metric(r, "trucks.delivered"), 48 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The road to the crossing closed on days 5-7: trucks wait at the origin end of `in`, so the
 * crossing sees no arrivals on those days (no entries, no deliveries). At 00:00 on day 8 the
 * 144 waiting start, reach the gate at 01:00 and are through by 03:30: 192 arrive, are served
 * and are delivered that day. */
static void test_leg_closure_before_the_crossing(void **state)
{
    (void)state;
    af_scenario *s = network("", ", closures: [[2024-03-09, 2024-03-11]]", "");
    af_result *r = run_rep(s, 4, 0);
    for (int d = 0; d < DAYS; d++) {
        bool closed = d >= 5 && d <= 7;
        double n = closed ? 0 : d == 8 ? 192 : 48;
        af_assert_close(station_day(r, d, "gate")->arrivals, n, 0, 0);
        af_assert_close(station_day(r, d, "gate")->served, n, 0, 0);
        af_assert_close(station_day(r, d, "gate")->open_hours, 24, 0, 1e-9);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, n, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* The road from the crossing to the hub closed on day 5 only: the crossing works as usual (48
 * entries), but nothing reaches the hub that day; at 00:00 on day 6 the 48 start and arrive at
 * 01:00, with the day's own 48: 96 delivered on day 6. */
static void test_leg_closure_after_the_crossing(void **state)
{
    (void)state;
    af_scenario *s = network("", "", ", closures: [2024-03-09]");
    af_result *r = run_rep(s, 4, 0);
    for (int d = 0; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->served, 48, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, d == 5 ? 0 : d == 6 ? 96 : 48, 0, 0);
    }
    af_assert_close(metric(r, "trucks.entered"), 48 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Two closures of the road to the crossing given to the minute, the second starting at the
 * very minute the first ends: [03-09 00:00, 03-10 00:00) and [03-10 00:00, 03-11 00:00). A
 * truck waiting for the first to end finds the second starting at that instant (a closure
 * includes its start), so it waits for the second as well: nothing reaches the gate on days 5
 * and 6, and at 00:00 on day 7 the 96 waiting start, with the day's own 48: 144 arrive, are
 * served and delivered on day 7. */
static void test_adjacent_leg_closures(void **state)
{
    (void)state;
    af_scenario *s = network("", ", closures: [{from: 2024-03-09 00:00, to: 2024-03-10 00:00}, "
                                 "{from: 2024-03-10 00:00, to: 2024-03-11 00:00}]", "");
    af_result *r = run_rep(s, 4, 0);
    for (int d = 0; d < DAYS; d++) {
        double n = d == 5 || d == 6 ? 0 : d == 7 ? 144 : 48;
        af_assert_close(station_day(r, d, "gate")->arrivals, n, 0, 0);
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, n, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* Whether a station can ever close, as the model works it out to leave the hourly closure
 * check (and the lines of trucks it reads) out of runs where it would find every station open:
 * each way a station can close says so, in the base scenario or from a dated change on; a
 * closed leg closes no station. The network open around the clock then runs with the check
 * anyway in the debug build, which asserts every hour that it finds no station closed with
 * trucks at it: 48 a day, each delivered the day it leaves. */
static void test_which_stations_may_close(void **state)
{
    (void)state;
    struct {
        const char *gate, *in, *tail;
        bool may_close;
    } cases[] = {
        {"", "", "", false},
        {"", ", closures: [[2024-03-09, 2024-03-11]]", "", false},
        {", hours: \"08:00-18:00\"", "", "", true},
        {", closures: [[2024-03-09, 2024-03-11]]", "", "", true},
        {", opens: 2024-03-06", "", "", true},
        {", random_closures: {rate: 1 /d, duration: 2 h}", "", "", true},
        {", gaza_side: {collection: 100, waiting_area: 50}", "", "", true},
        {", gaza_side: {collection: 100}", "", "", false},
        {"", "", "changes:\n  - {at: 2024-03-09, set: {crossings.gate.hours: \"08:00-18:00\"}}\n", true},
        {"", "", "changes:\n  - {at: 2024-03-09, set: {crossings.gate.lanes: 4}}\n", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        af_scenario *s = network_with(cases[i].gate, cases[i].in, "", cases[i].tail);
        if (closures_any_station_may_close(s) != cases[i].may_close)
            fail_msg("case %zu: may close %d, expected %d", i, !cases[i].may_close,
                     cases[i].may_close);
        af_scenario_free(s);
    }
    af_scenario *s = network("", "", "");
    af_result *r = run_rep(s, 4, 0);
    for (int d = 0; d < DAYS; d++) af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A station open around the clock, with or without hours that say so, is the same station:
 * without hours (or an opening date, or dated closures) the engine is given no schedule and
 * takes its short way for such a station, with hours it takes its general way. The crossing
 * with a transfer stage of 1 lane, 20 min a truck, for 48 trucks in 6 hours (a queue every
 * day, gone by midnight), with and without random closures (the engine's station closed and opened by the model): every
 * metric, every station's day and every position is the same, bit for bit. */
static void test_open_around_the_clock_by_hours_or_without(void **state)
{
    (void)state;
    const char *extra[] = {"", ", random_closures: {rate: 2 /d, duration: 3 h}"};
    for (size_t v = 0; v < 2; v++) {
        char plain[512], hours[600];
        snprintf(plain, sizeof plain, ", transfer: {lanes: 1, service: {exponential: 20 min}}%s",
                 extra[v]);
        snprintf(hours, sizeof hours, "%s, hours: \"00:00-24:00\"", plain);
        af_scenario *a = network(plain, "", ""), *b = network(hours, "", "");
        af_result *ra = run_rep(a, 11, 0), *rb = run_rep(b, 11, 0);
        assert_true(metric(ra, "trucks.delivered") > 0);
        assert_int_equal(ra->n_metrics, rb->n_metrics);
        assert_memory_equal(ra->metrics, rb->metrics, ra->n_metrics * sizeof *ra->metrics);
        assert_int_equal(ra->n_stations, rb->n_stations);
        assert_memory_equal(ra->stations, rb->stations,
                            (size_t)ra->n_days * ra->n_stations * sizeof *ra->stations);
        assert_non_null(ra->positions);
        assert_memory_equal(ra->positions, rb->positions,
                            (size_t)ra->n_days * ra->n_nodes * AF_N_POSITIONS * sizeof *ra->positions);
        af_result_free(ra);
        af_result_free(rb);
        af_scenario_free(a);
        af_scenario_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_station_closure),
        cmocka_unit_test(test_leg_closure_before_the_crossing),
        cmocka_unit_test(test_leg_closure_after_the_crossing),
        cmocka_unit_test(test_adjacent_leg_closures),
        cmocka_unit_test(test_which_stations_may_close),
        cmocka_unit_test(test_open_around_the_clock_by_hours_or_without),
    };
    return cmocka_run_group_tests_name("closures", tests, NULL, NULL);
}
