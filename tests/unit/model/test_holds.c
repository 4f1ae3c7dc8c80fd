/* Holds: an inspection flags each truck of a category with its probability (the site's
 * `flags`, else the category's `dual_use`); a flagged truck is held for the hold's duration,
 * then cleared (continues), partially offloaded (a fraction of its cargo removed, the rest
 * continues) or rejected (here written off), with the hold's probabilities.
 *
 * The network: 50 medical trucks of 10 t a day leave `port` between 06:00 and 12:00 on days
 * 0-19 and none after, 1 h to the inspection `scan` (4 lanes, 20 min: 12 an hour against about
 * 8 arriving), a constant 1-day hold, 1 h to `gate` (4 lanes, 5 min), 1 h to the hub. The run
 * lasts 30 days, so every truck has met its fate by the end: nothing is left in the system. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30
#define TRUCKS 1000.0 /* 50 a day for 20 days */

static af_scenario *network(const char *category_extra, const char *scan_extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: holds\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: medical, tonnes_per_truck: 10 t, daily_need: 0.1 kg%s}\n"
             "regions:\n"
             "  - {name: all, population: 1000000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [all]}\n"
             "origins:\n"
             "  - name: port\n"
             "    dispatch: 06:00-12:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {medical: 50}}\n"
             "      - {from: 2024-03-24, trucks: {medical: 0}}\n"
             "inspections:\n"
             "  - {name: scan, lanes: 4, service: 20 min, hold: dual%s}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 4, service: 5 min}\n"
             "holds:\n"
             "  - name: dual\n"
             "    duration: 1 d\n"
             "    cleared: 0.5\n"
             "    partial: 0.3\n"
             "    rejected: 0.2\n"
             "    offload_fraction: 0.4\n"
             "    on_reject: write_off\n"
             "legs:\n"
             "  - {name: a, from: port, to: scan, travel: 1 h}\n"
             "  - {name: b, from: scan, to: gate, travel: 1 h}\n"
             "  - {name: c, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: r, origin: port, via: [scan, gate], hub: hub}\n",
             DAYS, category_extra, scan_extra);
    return load_text(yaml);
}

/* The site flags every truck (`flags: {medical: 1}` over a category dual_use of 0).
 * Exact: all 1,000 are held, 50 a day on days 0-19; nothing is delivered on day 0 (the 1-day
 * hold), 50 trucks a day come out of the holds on days 1-20. With n_c cleared, n_p partially
 * offloaded and n_r rejected: the hub receives n_c + n_p trucks and 10 n_c + 6 n_p tonnes
 * (which gives n_c and n_p), cleared_after_hold = n_c + n_p, offloaded = 0.4 x 10 x n_p
 * tonnes exactly, rejected = written off = n_r, n_c + n_p + n_r = 1,000.
 * Random: n_c, n_p, n_r are the counts of a multinomial(1000; 0.5, 0.3, 0.2); each is checked
 * against its binomial interval at 4 sd (three checks: at most 1.9e-4 false alarms). */
static void test_hold_outcomes(void **state)
{
    (void)state;
    af_scenario *s = network("", ", flags: {medical: 1}");
    af_result *r = run_rep(s, 17, 0);
    af_assert_close(metric(r, "trucks.dispatched"), TRUCKS, 0, 0);
    af_assert_close(metric(r, "trucks.held"), TRUCKS, 0, 0);
    for (int d = 0; d < DAYS; d++)
        af_assert_close(station_day(r, d, "scan")->flagged, d < 20 ? 50 : 0, 0, 0);
    af_assert_close(daily_cell(r, 0, 0, 0)->trucks_delivered, 0, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);

    /* n_c and n_p from what reached the hub: n_c + n_p trucks carrying 10 n_c + 6 n_p t. */
    double trucks = DAILY_SUM(r, 0, 0, trucks_delivered, 0, DAYS);
    double tonnes = DAILY_SUM(r, 0, 0, tonnes_delivered, 0, DAYS);
    double n_p = (10 * trucks - tonnes) / 4, n_c = trucks - n_p;
    double n_r = metric(r, "trucks.rejected");
    af_assert_close(n_p, round(n_p), 0, 1e-9); /* a whole number of partial offloads */
    af_assert_close(n_c + n_p + n_r, TRUCKS, 0, 0);
    af_assert_close(metric(r, "trucks.cleared_after_hold"), n_c + n_p, 0, 0);
    af_assert_close(metric(r, "tonnes.offloaded"), 0.4 * 10 * n_p, 1e-12, 1e-9);
    af_assert_close(metric(r, "trucks.written_off"), n_r, 0, 0);
    af_assert_close(metric(r, "tonnes.written_off"), 10 * n_r, 1e-12, 0);
    af_assert_close(metric(r, "trucks.delivered"), trucks, 0, 0);
    af_assert_close(metric(r, "tonnes.delivered"), tonnes, 1e-12, 0);
    af_assert_close(STATION_SUM(r, "scan", rejected, 0, DAYS), n_r, 0, 0);
    assert_binomial(n_c, TRUCKS, 0.5, 4);
    assert_binomial(n_p, TRUCKS, 0.3, 4);
    assert_binomial(n_r, TRUCKS, 0.2, 4);
    af_result_free(r);
    af_scenario_free(s);
}

/* A constant 1-day hold shifts every delivery by exactly a day: trucks leaving on day d are
 * inspected 07:00-14:00 or so, leave the hold at the same time on day d + 1, and reach the hub
 * two hours later. So what reaches the hub on day d + 1 is what left the holds on day d + 1:
 * the trucks flagged on day d less those rejected. Days 21 on: nothing. */
static void test_hold_duration_shifts_deliveries(void **state)
{
    (void)state;
    af_scenario *s = network("", ", flags: {medical: 1}");
    af_result *r = run_rep(s, 17, 0);
    for (int d = 1; d < DAYS; d++) {
        double out = station_day(r, d - 1, "scan")->flagged - station_day(r, d, "scan")->rejected;
        af_assert_close(daily_cell(r, d, 0, 0)->trucks_delivered, out, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* Without `flags` at the site, the category's dual_use (25%) applies: held ~ Binomial(1000,
 * 0.25), checked at 4 sd; every truck is inspected (scan serves all 1,000). */
static void test_category_dual_use_is_the_default_flag(void **state)
{
    (void)state;
    af_scenario *s = network(", dual_use: 25%", "");
    af_result *r = run_rep(s, 18, 0);
    af_assert_close(STATION_SUM(r, "scan", served, 0, DAYS), TRUCKS, 0, 0);
    assert_binomial(metric(r, "trucks.held"), TRUCKS, 0.25, 4);
    af_assert_close(STATION_SUM(r, "scan", flagged, 0, DAYS), metric(r, "trucks.held"), 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hold_outcomes),
        cmocka_unit_test(test_hold_duration_shifts_deliveries),
        cmocka_unit_test(test_category_dual_use_is_the_default_flag),
    };
    return cmocka_run_group_tests_name("holds", tests, NULL, NULL);
}
