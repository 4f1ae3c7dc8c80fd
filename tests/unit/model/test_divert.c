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

#include "aidflow/stats.h"
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

/* on_closure and patience of the routing block, a's and leg i->a's extra keys, the line of
 * route via_b ("" for none) and more categories after food ("" for none). */
static af_scenario *network_with(const char *routing, const char *a_extra, const char *leg_extra,
                                 const char *b_route, const char *more_categories)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: divert\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "routing: {policy: fixed_shares%s}\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "%s"
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
             DAYS, routing, more_categories, a_extra, leg_extra, b_route);
    return load_text(yaml);
}

static af_scenario *network(const char *routing, const char *a_extra, const char *leg_extra,
                            bool with_b)
{
    return network_with(routing, a_extra, leg_extra,
                        with_b ? "  - {name: via_b, origin: arish, via: [i, b], hub: hub, share: 0}\n"
                               : "",
                        "");
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
    af_assert_close(metric(r, "trucks.diverted"), 7 * 48, 0, 0); /* each once, days 5-11 */
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

/* A route that does not carry the truck's category is no alternative: via_b carries medical
 * supplies only (and takes all of them; none are sent), so the food trucks at a wait there as
 * with no route via b at all: 7 days of 48 still at a, none at b, none diverted. */
static void test_route_not_carrying_the_category_is_no_alternative(void **state)
{
    (void)state;
    af_scenario *s = network_with(
        ", on_closure: divert, patience: 6 h", closed_to_end, "",
        "  - {name: via_b, origin: arish, via: [i, b], hub: hub, share: 1, categories: [medical]}\n",
        "  - {name: medical, tonnes_per_truck: 10 t, daily_need: 1 kg}\n");
    assert_non_null(s);
    af_result *r = run_checked(s, 52);
    af_assert_close(STATION_SUM(r, "a", served, 5, DAYS), 0, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 0, 0, 0);
    af_assert_close(station_day(r, DAYS - 1, "a")->queue_midnight, 7 * 48, 0, 0);
    af_assert_close(metric(r, "trucks.diverted"), 0, 0, 0);
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
    af_assert_close(metric(r, "trucks.diverted"), 0, 0, 0);
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

/* The hourly check walks a scheduled closure's line from the last truck, and may stop early
 * only when no truck ahead can expect a longer stay: a slow category ahead of fast ones is
 * still asked. a (1 lane, 1 min; water 300 min) is closed all of day 5; patience 1000 min.
 * Two water trucks leave wsrc at 06:00-06:10 and ten food trucks fsrc at 06:15-06:25, all
 * reach a (1 h, i, 30 min) between 07:31 and 07:56: at the 08:00 check a opens in 960 min
 * and the line is water, water, then food. The food trucks expect 960 + n * 1 <= 971 min
 * and stay; the second water truck expects 960 + 300 > 1000 and turns back to b (2 hours
 * to the hub); the first, 960, stays. Later checks find shorter stays: one truck diverted,
 * on day 5, the only arrival at b. */
static void test_slow_truck_ahead_is_asked(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: divert_categories\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "routing: {policy: fixed_shares, on_closure: divert, patience: 1000 min}\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "  - {name: water, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: wsrc\n"
             "    dispatch: 06:00-06:10\n"
             "    plan:\n"
             "      - {from: 2024-03-09, trucks: {water: 2}}\n"
             "  - name: fsrc\n"
             "    dispatch: 06:15-06:25\n"
             "    plan:\n"
             "      - {from: 2024-03-09, trucks: {food: 10}}\n"
             "inspections:\n"
             "  - {name: i, lanes: 20, service: 1 min}\n"
             "crossings:\n"
             "  - {name: a, lanes: 1, service: 1 min, service_by_category: {water: 300 min},\n"
             "     closures: [[2024-03-09, 2024-03-09]]}\n"
             "  - {name: b, lanes: 20, service: 1 min}\n"
             "legs:\n"
             "  - {from: wsrc, to: i, travel: 1 h}\n"
             "  - {from: fsrc, to: i, travel: 1 h}\n"
             "  - {from: i, to: a, travel: 30 min}\n"
             "  - {from: i, to: b, travel: 30 min}\n"
             "  - {from: a, to: hub, travel: 1 h}\n"
             "  - {from: b, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: w_a, origin: wsrc, via: [i, a], hub: hub, share: 1}\n"
             "  - {name: w_b, origin: wsrc, via: [i, b], hub: hub, share: 0}\n"
             "  - {name: f_a, origin: fsrc, via: [i, a], hub: hub, share: 1}\n"
             "  - {name: f_b, origin: fsrc, via: [i, b], hub: hub, share: 0}\n",
             DAYS);
    af_scenario *s = load_text(yaml);
    af_result *r = run_checked(s, 57);
    af_assert_close(metric(r, "trucks.diverted"), 1, 0, 0);
    af_assert_close(station_day(r, 5, "b")->arrivals, 1, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 1, 0, 0);
    af_assert_close(station_day(r, 5, "a")->served, 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The planner's what-if: "close a on 2024-03-24 and open b". Inspection i, 1 h from arish,
 * serves one truck every 30 minutes (48 a day); 50 trucks a day leave (Poisson), so a backlog
 * grows at i and entries are i's 48 a day whichever crossing is open (one lane of 20 minutes
 * each, 72 a day). The switch: a open, b closed until 2024-03-23; from 2024-03-24 a closed to
 * the end and b open. Without the switch: a closed and b open for the whole 60 days. Routes
 * part at i (reroute_on_closure, shares 0.5 / 0.5, on_closure divert). After a transient of
 * five days the entries a day must agree, within the 95% interval of the paired differences
 * over 10 replications (common random numbers), and no truck may be left at the closed gate.
 * Deciding at dispatch, about half of i's backlog on the 24th (40 trucks or so) would have
 * been committed to a and stranded there: 0.6 fewer entries a day over the 35 days. */
static af_scenario *what_if(const char *a_closures, const char *b_closures)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: switch\n"
             "start: 2024-03-04\n"
             "horizon: 60 d\n"
             "replications: 10\n"
             "routing: {policy: reroute_on_closure, on_closure: divert, patience: 6 h}\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 50}}\n"
             "inspections:\n"
             "  - {name: i, lanes: 1, service: 30 min}\n"
             "crossings:\n"
             "  - {name: a, lanes: 1, service: 20 min, closures: [%s]}\n"
             "  - {name: b, lanes: 1, service: 20 min, closures: [%s]}\n"
             "legs:\n"
             "  - {from: arish, to: i, travel: 1 h}\n"
             "  - {from: i, to: a, travel: 30 min}\n"
             "  - {from: i, to: b, travel: 30 min}\n"
             "  - {from: a, to: hub, travel: 1 h}\n"
             "  - {from: b, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: via_a, origin: arish, via: [i, a], hub: hub, share: 0.5}\n"
             "  - {name: via_b, origin: arish, via: [i, b], hub: hub, share: 0.5}\n",
             a_closures, b_closures);
    return load_text(yaml);
}

static double entries_after(const af_result *r, int from, int to)
{
    return (STATION_SUM(r, "a", served, from, to) + STATION_SUM(r, "b", served, from, to)) /
           (to - from);
}

static void test_switch_agrees_with_the_swap(void **state)
{
    (void)state;
    af_scenario *sw = what_if("[2024-03-24, 2024-05-30]", "[2024-03-04, 2024-03-23]");
    af_scenario *swap = what_if("[2024-03-04, 2024-05-30]", "");
    enum { REPS = 10 };
    af_tally diff;
    af_tally_reset(&diff);
    for (unsigned k = 0; k < REPS; k++) {
        af_result *x = run_rep(sw, 61, k), *y = run_rep(swap, 61, k);
        af_tally_add(&diff, entries_after(x, 25, 60) - entries_after(y, 25, 60));
        /* Nobody is left at a: every truck there on the 24th went back to i and on to b. */
        af_assert_close(station_day(x, 59, "a")->queue_midnight, 0, 0, 0);
        af_assert_close(STATION_SUM(x, "a", served, 21, 60), 0, 0, 0);
        af_result_free(x);
        af_result_free(y);
    }
    double hw = af_t_quantile(0.95, REPS) * sqrt(af_tally_variance(&diff) / REPS);
    printf("# switch - swap, entries a day after the transient: %+.3f +- %.3f\n",
           af_tally_mean(&diff), hw);
    assert_true(fabs(af_tally_mean(&diff)) <= hw + 1e-9);
    af_scenario_free(sw);
    af_scenario_free(swap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_divert_to_the_alternative),
        cmocka_unit_test(test_no_alternative_waits),
        cmocka_unit_test(test_route_not_carrying_the_category_is_no_alternative),
        cmocka_unit_test(test_short_closure_is_waited_out),
        cmocka_unit_test(test_wait_strands),
        cmocka_unit_test(test_return_to_origin),
        cmocka_unit_test(test_closed_leg_diverts_where_the_truck_is),
        cmocka_unit_test(test_slow_truck_ahead_is_asked),
        cmocka_unit_test(test_switch_agrees_with_the_swap),
    };
    return cmocka_run_group_tests_name("divert", tests, NULL, NULL);
}
