/* Routing policies: how each truck picks one of its origin's routes.
 *   fixed_shares        at random, by the routes' shares;
 *   shortest_delay      the route with the least expected delay at dispatch (trucks queued at
 *                       its stations x service time / lanes, plus service and travel times);
 *   reroute_on_closure  by shares, but away from a route with a closed node or leg
 *                       (test_reroute.c tests the closures one by one).
 *
 * The network: one origin, two crossings `a` and `b`, one hub; routes via_a and via_b. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

/* The network with `tail` (dated changes, say) after the routes. */
static af_scenario *network_tail(const char *policy, const char *dispatch, int trucks,
                                 const char *a_station, const char *b_station, const char *a_out,
                                 const char *b_out, const char *a_share, const char *b_share,
                                 const char *a_extra, const char *tail)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: routing\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "routing: {policy: %s}\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: %s\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: %d}}\n"
             "crossings:\n"
             "  - {name: a, %s%s}\n"
             "  - {name: b, %s}\n"
             "legs:\n"
             "  - {from: arish, to: a, travel: 0 min}\n"
             "  - {from: a, to: hub, travel: %s}\n"
             "  - {from: arish, to: b, travel: 0 min}\n"
             "  - {from: b, to: hub, travel: %s}\n"
             "routes:\n"
             "  - {name: via_a, origin: arish, via: [a], hub: hub%s}\n"
             "  - {name: via_b, origin: arish, via: [b], hub: hub%s}\n"
             "%s",
             DAYS, policy, dispatch, trucks, a_station, a_extra, b_station, a_out, b_out,
             a_share, b_share, tail);
    return load_text(yaml);
}

static af_scenario *network(const char *policy, const char *dispatch, int trucks,
                            const char *a_station, const char *b_station, const char *a_out,
                            const char *b_out, const char *a_share, const char *b_share,
                            const char *a_extra)
{
    return network_tail(policy, dispatch, trucks, a_station, b_station, a_out, b_out, a_share,
                        b_share, a_extra, "");
}

/* Fixed shares 0.3 / 0.7, 100 trucks a day for 30 days, ample lanes: the trucks through `a`
 * are Binomial(3000, 0.3): mean 900, sd 25.1, checked at 4 sd. Exactly, every truck goes
 * one way or the other. */
static void test_fixed_shares(void **state)
{
    (void)state;
    af_scenario *s = network("fixed_shares", "06:00-12:00", 100, "lanes: 20, service: 5 min",
                             "lanes: 20, service: 5 min", "1 h", "1 h", ", share: 0.3",
                             ", share: 0.7", "");
    af_result *r = run_rep(s, 41, 0);
    double a = STATION_SUM(r, "a", arrivals, 0, DAYS), b = STATION_SUM(r, "b", arrivals, 0, DAYS);
    af_assert_close(a + b, 100 * DAYS, 0, 0);
    assert_binomial(a, 100 * DAYS, 0.3, 4);
    af_result_free(r);
    af_scenario_free(s);
}

/* shortest_delay, empty queues: with 20 lanes of 5 minutes at both crossings nobody queues
 * (100 trucks over 6 hours), so the expected delays are 5 + 90 min via a and 5 + 60 min via
 * b: every truck goes via b. Route a is listed first, so a policy that took the first route
 * (or ignored travel times, leaving a tie) would send every truck via a. */
static void test_shortest_delay_takes_the_faster_route(void **state)
{
    (void)state;
    af_scenario *s = network("shortest_delay", "06:00-12:00", 100, "lanes: 20, service: 5 min",
                             "lanes: 20, service: 5 min", "90 min", "60 min", "", "", "");
    af_result *r = run_rep(s, 41, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 0, DAYS), 0, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 100 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* shortest_delay after a dated change: as above (5 + 90 min via a, 5 + 60 min via b, nobody
 * queued) until 2024-03-14 (day 10), when b's service becomes 60 min: 60 + 60 = 120 min via
 * b against 95 via a, so every truck dispatched from then on goes via a. The trucks leave
 * 06:00-12:00 and reach their crossing at once, so the days split cleanly: 100 a day via b
 * on days 0-9, via a from day 10. Routing that kept the expected delays of the scenario it
 * started with would keep sending them via b. */
static void test_shortest_delay_follows_a_change(void **state)
{
    (void)state;
    af_scenario *s = network_tail("shortest_delay", "06:00-12:00", 100,
                                  "lanes: 20, service: 5 min", "lanes: 20, service: 5 min",
                                  "90 min", "60 min", "", "", "",
                                  "changes:\n"
                                  "  - {at: 2024-03-14, set: {crossings.b.service: 60 min}}\n");
    assert_non_null(s);
    af_result *r = run_rep(s, 41, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 0, 10), 0, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, 10), 100 * 10, 0, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 10, DAYS), 100 * (DAYS - 10), 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 10, DAYS), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* shortest_delay, a tie: both ways take 5 + 60 min, with 20 lanes and nobody queued, the
 * same sums of the same numbers, so neither is less: the first listed (via_a) is kept, for
 * every truck. A route is passed over without working out its delay once its least possible
 * delay (no queue, every station open) is no less than the best so far; a policy that let
 * an equal later route win, or that dropped the first, would send trucks via b. */
static void test_shortest_delay_tie_keeps_the_first(void **state)
{
    (void)state;
    af_scenario *s = network("shortest_delay", "06:00-12:00", 100, "lanes: 20, service: 5 min",
                             "lanes: 20, service: 5 min", "60 min", "60 min", "", "", "");
    af_result *r = run_rep(s, 43, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 0, DAYS), 100 * DAYS, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* shortest_delay, loaded: one lane of 60 minutes at each crossing (24 a day each, 48 in all),
 * 40 trucks a day arriving as a Poisson process, b 30 minutes further from the hub. The
 * expected delay is 60 q + 60 + 30 via a and 60 q' + 60 + 60 via b for q, q' trucks queued:
 * a truck joins a unless a's queue is longer than b's. This is join-the-shortest-queue with
 * ties to a: the two queues stay level (a's never more than one longer than b's when a truck
 * arrives), the pair is stable at load 40/48, and both lanes work: b takes the overflow.
 * Checked: b serves at least a quarter of the trucks (it would serve none if queues were
 * ignored: a would take every truck, serve 24 a day, and its queue would grow by 16 a day);
 * a's queue at midnight never exceeds b's by more than 2 (one arrival and one completion of
 * margin); and nearly all trucks get through: at most a day's worth (40) are left. */
static void test_shortest_delay_picks_the_less_loaded(void **state)
{
    (void)state;
    af_scenario *s = network("shortest_delay", "poisson", 40, "lanes: 1, service: 60 min",
                             "lanes: 1, service: 60 min", "30 min", "60 min", "", "", "");
    af_result *r = run_rep(s, 42, 0);
    double a = STATION_SUM(r, "a", served, 0, DAYS), b = STATION_SUM(r, "b", served, 0, DAYS);
    double dispatched = metric(r, "trucks.dispatched");
    printf("# shortest_delay under load: %g via a, %g via b of %g\n", a, b, dispatched);
    assert_true(b >= 0.25 * (a + b));
    af_assert_in_range(a + b, dispatched - 40, dispatched);
    for (int d = 0; d < DAYS; d++)
        assert_true(station_day(r, d, "a")->queue_midnight <= station_day(r, d, "b")->queue_midnight + 2);
    af_result_free(r);
    af_scenario_free(s);
}

/* reroute_on_closure against fixed_shares, with `a` closed on days 5-7 (2024-03-09..11) and
 * shares 0.5 / 0.5, 48 trucks a day: under fixed shares about half of each closed day's
 * trucks still go to `a` and queue there (Binomial(144, 0.5) in all: 0 with probability
 * 2^-144); rerouted, none do, and `b` takes all 48 of each of those days. */
static void test_reroute_on_closure_avoids_the_closed_crossing(void **state)
{
    (void)state;
    const char *closure = ", closures: [[2024-03-09, 2024-03-11]]";
    af_scenario *fixed = network("fixed_shares", "06:00-12:00", 48, "lanes: 10, service: 10 min",
                                 "lanes: 10, service: 10 min", "1 h", "1 h", ", share: 0.5",
                                 ", share: 0.5", closure);
    af_scenario *reroute = network("reroute_on_closure", "06:00-12:00", 48,
                                   "lanes: 10, service: 10 min", "lanes: 10, service: 10 min",
                                   "1 h", "1 h", ", share: 0.5", ", share: 0.5", closure);
    af_result *rf = run_rep(fixed, 43, 0), *rr = run_rep(reroute, 43, 0);
    assert_binomial(STATION_SUM(rf, "a", arrivals, 5, 8), 144, 0.5, 4);
    af_assert_close(STATION_SUM(rr, "a", arrivals, 5, 8), 0, 0, 0);
    for (int d = 5; d < 8; d++) af_assert_close(station_day(rr, d, "b")->arrivals, 48, 0, 0);
    af_result_free(rf);
    af_result_free(rr);
    af_scenario_free(fixed);
    af_scenario_free(reroute);
}

/* shares_within: routes via a (5 min service + 60 min travel) and via b (5 + 90 min), ample
 * lanes, nobody queues (100 trucks over 6 hours on 20 lanes of 5 minutes). With a tolerance
 * of 20 minutes only a is within it of the least delay: every truck goes via a. With 45
 * minutes both are, and the shares 0.3 / 0.7 decide: a takes Binomial(3000, 0.3). */
static void test_shares_within_tolerance(void **state)
{
    (void)state;
    af_scenario *narrow = network("shares_within, tolerance: 20 min", "06:00-12:00", 100,
                                  "lanes: 20, service: 5 min", "lanes: 20, service: 5 min",
                                  "60 min", "90 min", ", share: 0.3", ", share: 0.7", "");
    af_scenario *wide = network("shares_within, tolerance: 45 min", "06:00-12:00", 100,
                                "lanes: 20, service: 5 min", "lanes: 20, service: 5 min",
                                "60 min", "90 min", ", share: 0.3", ", share: 0.7", "");
    af_result *rn = run_rep(narrow, 44, 0), *rw = run_rep(wide, 44, 0);
    af_assert_close(STATION_SUM(rn, "a", arrivals, 0, DAYS), 100 * DAYS, 0, 0);
    af_assert_close(STATION_SUM(rn, "b", arrivals, 0, DAYS), 0, 0, 0);
    double a = STATION_SUM(rw, "a", arrivals, 0, DAYS), b = STATION_SUM(rw, "b", arrivals, 0, DAYS);
    af_assert_close(a + b, 100 * DAYS, 0, 0);
    assert_binomial(a, 100 * DAYS, 0.3, 4);
    af_result_free(rn);
    af_result_free(rw);
    af_scenario_free(narrow);
    af_scenario_free(wide);
}

/* An origin's own policy overrides the scenario's: the scenario says fixed_shares (0.5 / 0.5),
 * the origin shortest_delay, with b 30 minutes nearer the hub: every truck goes via b. */
static void test_origin_policy_overrides(void **state)
{
    (void)state;
    af_scenario *s = network("fixed_shares", "06:00-12:00\n    policy: shortest_delay", 100,
                             "lanes: 20, service: 5 min", "lanes: 20, service: 5 min", "90 min",
                             "60 min", ", share: 0.5", ", share: 0.5", "");
    af_result *r = run_rep(s, 45, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 0, DAYS), 0, 0, 0);
    af_assert_close(STATION_SUM(r, "b", arrivals, 0, DAYS), 100 * DAYS, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The choice is made where the routes part, with the state there: both routes pass the
 * inspection `i`, 18 hours from the origin, and part there for crossings a and b. Crossing a
 * is closed on 2024-03-09..11 (days 5-7). 48 trucks leave between 06:00 and 12:00 each day
 * and reach `i` between 00:00 and 06:00 the next day. Under reroute_on_closure the trucks of
 * day 4 leave while a is still open, but reach `i` on day 5, when it is closed: deciding at
 * `i`, every truck that reaches it on days 5-7 goes via b (48 a day, none to a). Deciding at
 * dispatch would send about half of day 4's trucks to the closed gate (Binomial(48, 0.5):
 * none with probability 2^-48). From day 8 both take their shares again. */
static void test_decided_where_the_routes_part(void **state)
{
    (void)state;
    af_scenario *s = load_text(
        "name: parting\n"
        "start: 2024-03-04\n"
        "horizon: 12 d\n"
        "routing: {policy: reroute_on_closure}\n"
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
        "  - {name: a, lanes: 20, service: 1 min, closures: [[2024-03-09, 2024-03-11]]}\n"
        "  - {name: b, lanes: 20, service: 1 min}\n"
        "legs:\n"
        "  - {from: arish, to: i, travel: 18 h}\n"
        "  - {from: i, to: a, travel: 0 min}\n"
        "  - {from: i, to: b, travel: 0 min}\n"
        "  - {from: a, to: hub, travel: 1 h}\n"
        "  - {from: b, to: hub, travel: 1 h}\n"
        "routes:\n"
        "  - {name: via_a, origin: arish, via: [i, a], hub: hub, share: 0.5}\n"
        "  - {name: via_b, origin: arish, via: [i, b], hub: hub, share: 0.5}\n");
    af_result *r = run_rep(s, 46, 0);
    af_assert_close(STATION_SUM(r, "a", arrivals, 5, 8), 0, 0, 0);
    for (int d = 5; d < 8; d++) af_assert_close(station_day(r, d, "b")->arrivals, 48, 0, 0);
    double a = STATION_SUM(r, "a", arrivals, 8, 12);
    af_assert_close(a + STATION_SUM(r, "b", arrivals, 8, 12), 4 * 48, 0, 0);
    assert_binomial(a, 4 * 48, 0.5, 4);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_shares),
        cmocka_unit_test(test_shortest_delay_takes_the_faster_route),
        cmocka_unit_test(test_shortest_delay_tie_keeps_the_first),
        cmocka_unit_test(test_shortest_delay_follows_a_change),
        cmocka_unit_test(test_shortest_delay_picks_the_less_loaded),
        cmocka_unit_test(test_reroute_on_closure_avoids_the_closed_crossing),
        cmocka_unit_test(test_shares_within_tolerance),
        cmocka_unit_test(test_origin_policy_overrides),
        cmocka_unit_test(test_decided_where_the_routes_part),
    };
    return cmocka_run_group_tests_name("routing", tests, NULL, NULL);
}
