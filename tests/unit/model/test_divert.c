/* Closures: wait, divert or return (src/model/divert.c and the journey's closure check).
 *
 * The network: origin arish, 1 h to inspection i, where routes part for crossings a and b
 * (30 min each), then 1 h to the hub; 20 lanes of 1 minute everywhere, so nobody queues. 48
 * trucks leave between 06:00 and 12:00 every day of 12 and all take via_a (shares 1 / 0,
 * fixed_shares). From 2024-03-09 (day 5) a is closed to the end of the horizon. Each truck
 * reaches a between 07:30 and 13:30; the hourly check finds it queued at a closure that never
 * ends, so (on_closure: divert) it drives back 30 minutes to i and goes via b the same day:
 * exactly 48 arrivals at b on each of days 5-11, none served at a, every truck delivered.
 * Every midnight's conservation residual is zero. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 12

typedef struct residuals {
    int midnights;
    double worst;
} residuals;

static void on_midnight(void *ctx, int day, double tonnes, double stock)
{
    (void)day;
    residuals *r = ctx;
    r->midnights++;
    if (fabs(tonnes) > r->worst) r->worst = fabs(tonnes);
    if (fabs(stock) > r->worst) r->worst = fabs(stock);
}

static af_result *run_checked(const af_scenario *s, uint64_t seed)
{
    residuals res = {0};
    af_model_options o = {.keep_daily = true, .on_midnight = on_midnight, .ctx = &res};
    af_result *r = NULL;
    af_error err;
    af_error_clear(&err);
    if (af_model_run(s, seed, 0, &o, &r, &err) != AF_OK) fail_msg("run failed: %s", err.message);
    assert_int_equal(res.midnights, DAYS);
    af_assert_close(res.worst, 0, 0, 1e-6);
    return r;
}

/* on_closure and patience of the routing block, a's and leg i->a's extra keys, and whether
 * route via_b exists. */
static af_scenario *network(const char *routing, const char *a_extra, const char *leg_extra,
                            bool with_b)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: divert\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "routing: {policy: fixed_shares%s}\n"
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
             "inspections:\n"
             "  - {name: i, lanes: 20, service: 1 min}\n"
             "crossings:\n"
             "  - {name: a, lanes: 20, service: 1 min%s}\n"
             "  - {name: b, lanes: 20, service: 1 min}\n"
             "legs:\n"
             "  - {from: arish, to: i, travel: 1 h}\n"
             "  - {from: i, to: a, travel: 30 min%s}\n"
             "  - {from: i, to: b, travel: 30 min}\n"
             "  - {from: a, to: hub, travel: 1 h}\n"
             "  - {from: b, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: via_a, origin: arish, via: [i, a], hub: hub, share: 1}\n"
             "%s",
             DAYS, routing, a_extra, leg_extra,
             with_b ? "  - {name: via_b, origin: arish, via: [i, b], hub: hub, share: 0}\n" : "");
    return load_text(yaml);
}

static const char *const closed_to_end = ", closures: [[2024-03-09, 2024-03-30]]";

static void test_divert_to_the_alternative(void **state)
{
    (void)state;
    af_scenario *s = network(", on_closure: divert, patience: 6 h", closed_to_end, "", true);
    af_result *r = run_checked(s, 51);
    for (int d = 0; d < 5; d++) {
        af_assert_close(station_day(r, d, "a")->served, 48, 0, 0);
        af_assert_close(station_day(r, d, "b")->arrivals, 0, 0, 0);
    }
    for (int d = 5; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "a")->served, 0, 0, 0);
        af_assert_close(station_day(r, d, "b")->arrivals, 48, 0, 0);
    }
    af_assert_close(metric(r, "trucks.delivered"), 48 * DAYS, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* With no alternative (no route via b) the trucks wait at a: 7 days of 48 are still there. */
static void test_no_alternative_waits(void **state)
{
    (void)state;
    af_scenario *s = network(", on_closure: divert, patience: 6 h", closed_to_end, "", false);
    af_result *r = run_checked(s, 52);
    af_assert_close(STATION_SUM(r, "a", served, 5, DAYS), 0, 0, 0);
    af_assert_close(station_day(r, DAYS - 1, "a")->queue_midnight, 7 * 48, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 7 * 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A closure known to end within the patience is waited out: a closed on day 5 only (24 h)
 * and a patience of 2 days: nobody goes via b, and a serves days 5 and 6's trucks on day 6. */
static void test_short_closure_is_waited_out(void **state)
{
    (void)state;
    af_scenario *s = network(", on_closure: divert, patience: 2 d",
                             ", closures: [[2024-03-09, 2024-03-09]]", "", true);
    af_result *r = run_checked(s, 53);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 0, 0, 0);
    af_assert_close(station_day(r, 5, "a")->served, 0, 0, 0);
    af_assert_close(station_day(r, 6, "a")->served, 96, 0, 0);
    af_assert_close(metric(r, "trucks.delivered"), 48 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* wait: the trucks stay at the closed gate, as before this setting existed. */
static void test_wait_strands(void **state)
{
    (void)state;
    af_scenario *s = network(", on_closure: wait", closed_to_end, "", true);
    af_result *r = run_checked(s, 54);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 0, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 7 * 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* return: the trucks drive back to arish (90 minutes) and are unloaded there: neither
 * delivered nor in the system; the residual stays zero (returned tonnes are counted). */
static void test_return_to_origin(void **state)
{
    (void)state;
    af_scenario *s = network(", on_closure: return, patience: 6 h", closed_to_end, "", true);
    af_result *r = run_checked(s, 55);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 0, 0, 0);
    af_assert_close(metric(r, "trucks.delivered"), 5 * 48, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A closed leg: i -> a closed from day 5 to the end. The trucks at i, at the start of the
 * closed leg, take the other leg from i at once (no drive back): 48 a day at b, none at a. */
static void test_closed_leg_diverts_where_the_truck_is(void **state)
{
    (void)state;
    af_scenario *s = network(", on_closure: divert, patience: 6 h", "", closed_to_end, true);
    af_result *r = run_checked(s, 56);
    for (int d = 5; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "a")->arrivals, 0, 0, 0);
        af_assert_close(station_day(r, d, "b")->arrivals, 48, 0, 0);
    }
    af_assert_close(metric(r, "trucks.delivered"), 48 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_divert_to_the_alternative),
        cmocka_unit_test(test_no_alternative_waits),
        cmocka_unit_test(test_short_closure_is_waited_out),
        cmocka_unit_test(test_wait_strands),
        cmocka_unit_test(test_return_to_origin),
        cmocka_unit_test(test_closed_leg_diverts_where_the_truck_is),
    };
    return cmocka_run_group_tests_name("divert", tests, NULL, NULL);
}
