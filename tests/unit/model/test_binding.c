/* The binding constraint: the station, leg or Gaza side that held trucks back each day (the
 * most downstream of those with trucks waiting at midnight that were closed all day, worked
 * at 90% or more of their open lanes, or used up their daily capacity), and the share of
 * the horizon each bound. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 30

/* 24 food trucks a day leave `arish` at uniform random times between 06:00 and 12:00 and
 * drive 1 h to `gate` (10 lanes, 1 min: a day's trucks are through in minutes), then 1 h to
 * the hub. `gate_extra` and `out_extra` add to the crossing and the last leg. */
static af_scenario *gate_network(const char *gate_extra, const char *out_extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: binding\n"
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
             "      - {from: 2024-03-04, trucks: {food: 24}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 10, service: 1 min%s}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h%s}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, gate_extra, out_extra);
    return load_text(yaml);
}

/* The gate is closed 14-23 March, both ends included: reported days 10..19, 10 of the 30.
 * On each of them its trucks (24 more each day; the only route, so none can divert) wait at
 * midnight at a gate closed all day: it binds. On 24 March the 240 waiting are through in
 * 240 / 10 = 24 minutes, and on every other day a day's 24 trucks by about 13:01, so at
 * midnight nothing waits anywhere (the legs have no capacity: nothing waits at their start):
 * nothing binds on the other 20 days. Shares: gate 10/30, none 20/30, the legs 0. */
static void test_closed_gate_binds_for_the_closed_share(void **state)
{
    (void)state;
    af_scenario *s = gate_network(", closures: [[2024-03-14, 2024-03-23]]", "");
    af_result *r = run_rep(s, 5, 0);
    af_assert_close(metric(r, "station.gate.binding_share"), 10.0 / DAYS, 1e-12, 0);
    af_assert_close(metric(r, "binding.none_share"), 20.0 / DAYS, 1e-12, 0);
    af_assert_close(metric(r, "leg.in.binding_share"), 0, 0, 0);
    af_assert_close(metric(r, "leg.out.binding_share"), 0, 0, 0);
    /* It is no bottleneck by utilisation: it works a few minutes a day. */
    assert_true(metric(r, "station.gate.utilisation") < 0.1);
    /* The gate has no Gaza side: no share is reported for one. */
    assert_true(af_result_metric(r, "gaza_side.gate.binding_share") == (size_t)-1);
    af_result_free(r);
    af_scenario_free(s);
}

/* A convoy capacity of 20 a day on `out`, fed 24: 4 more trucks wait at its start every
 * midnight, so the leg binds on every day (share 1) and the gate, which serves all 24 in
 * minutes with nothing waiting, never. */
static void test_leg_at_capacity_binds(void **state)
{
    (void)state;
    af_scenario *s = gate_network("", ", capacity: 20");
    af_result *r = run_rep(s, 5, 0);
    af_assert_close(metric(r, "leg.out.binding_share"), 1, 0, 0);
    af_assert_close(metric(r, "station.gate.binding_share"), 0, 0, 0);
    af_assert_close(metric(r, "binding.none_share"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Poisson arrivals at `check` (1 lane, constant 12 min: 120 a day) and then `gate` (1 lane,
 * constant 20 min: 72 a day), M/D/1 queues in tandem, 2 warm-up days. */
static af_scenario *tandem(int per_day, const char *check_service)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: tandem\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 2 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    plan:\n"
             "      - {from: 2024-02-01, trucks: {food: %d}}\n"
             "inspections:\n"
             "  - {name: check, lanes: 1, service: %s}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 1, service: 20 min}\n"
             "legs:\n"
             "  - {name: a, from: arish, to: check, travel: 30 min}\n"
             "  - {name: b, from: check, to: gate, travel: 30 min}\n"
             "  - {name: c, from: gate, to: hub, travel: 30 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [check, gate], hub: hub}\n",
             DAYS, per_day, check_service);
    return load_text(yaml);
}

/* 100 trucks a day: `check` at rho = 100 x 10 / 1440 = 0.69 (10 min) is not saturated; the
 * gate gets the same 100 a day for 72 a day of service, rho = 1.39: its queue grows by about
 * 28 a day (some 56 after the warm-up) and a drift of +28 against a day-to-day sd of about
 * 10 never empties it, so it is busy all of every reported day with trucks waiting: it
 * binds on all 30 days (and even on a day the check were busy enough, the gate is downstream
 * of it). */
static void test_saturated_station_downstream_of_an_unsaturated_one(void **state)
{
    (void)state;
    af_scenario *s = tandem(100, "10 min");
    af_result *r = run_rep(s, 9, 0);
    af_assert_close(metric(r, "station.gate.utilisation"), 1, 1e-9, 0);
    af_assert_close(metric(r, "station.gate.binding_share"), 1, 0, 0);
    af_assert_close(metric(r, "station.check.binding_share"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* 300 trucks a day: both are saturated and hold trucks at every midnight, the check the more
 * (its queue grows by 300 - 120 = 180 a day, the gate's by 120 - 72 = 48). The gate is
 * downstream: what waits at the check waits for it too, so the gate binds on every day,
 * though the check has more trucks waiting. */
static void test_the_downstream_one_binds_when_both_are_saturated(void **state)
{
    (void)state;
    af_scenario *s = tandem(300, "12 min");
    af_result *r = run_rep(s, 9, 0);
    af_assert_close(metric(r, "station.check.utilisation"), 1, 1e-9, 0);
    af_assert_close(metric(r, "station.gate.binding_share"), 1, 0, 0);
    af_assert_close(metric(r, "station.check.binding_share"), 0, 0, 0);
    /* Nothing waits at the start of a leg without a capacity. */
    af_assert_close(metric(r, "leg.b.binding_share"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* test_gaza_side.c's network: 48 trucks a day from 06:00-12:00, 1 h to `gate` (10 lanes, 10
 * min), whose Gaza side collects 12 a day in slots at 01:00, 03:00, ..., 23:00 into a waiting
 * area of 30. The area fills on day 0 (48 arrive, more than 30 + 8 collected) and after every
 * collection one more truck enters and fills it again: it is full at some time of every day,
 * and 30 trucks await collection at every midnight. The Gaza side binds on every day. The
 * gate, shut behind it, has trucks queued at midnight but serves 12 a day x 10 min on 10
 * lanes, under 1% of its open lane-minutes: no candidate, and upstream of the Gaza side. */
static void test_full_gaza_side_binds(void **state)
{
    (void)state;
    af_scenario *s = load_text("name: gaza binding\n"
                               "start: 2024-03-04\n"
                               "horizon: 20 d\n"
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
                               "  - name: gate\n"
                               "    lanes: 10\n"
                               "    service: 10 min\n"
                               "    gaza_side:\n"
                               "      collection: 12\n"
                               "      waiting_area: 30\n"
                               "legs:\n"
                               "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
                               "  - {name: out, from: gate, to: hub, travel: 30 min}\n"
                               "routes:\n"
                               "  - {name: main, origin: arish, via: [gate], hub: hub}\n");
    af_result *r = run_rep(s, 11, 0);
    af_assert_close(metric(r, "trucks.awaiting_collection"), 30, 0, 0);
    af_assert_close(metric(r, "gaza_side.gate.binding_share"), 1, 0, 0);
    af_assert_close(metric(r, "station.gate.binding_share"), 0, 0, 0);
    af_assert_close(metric(r, "binding.none_share"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_gate_binds_for_the_closed_share),
        cmocka_unit_test(test_leg_at_capacity_binds),
        cmocka_unit_test(test_saturated_station_downstream_of_an_unsaturated_one),
        cmocka_unit_test(test_the_downstream_one_binds_when_both_are_saturated),
        cmocka_unit_test(test_full_gaza_side_binds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
