/* Holding yards (an origin's `yard: {capacity: N}`) and where the trucks are (positions).
 *
 * The network: `arish` plans 100 food trucks a day at uniform random times over the whole day
 * (window 00:00-24:00), 1 min to `gate` (1 lane, 60 min a truck: 24 a day, open all day,
 * queue_limit 10), 1 min to the hub. No warm-up. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 10

static af_scenario *network(const char *yard)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: yards\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 0 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 00:00-24:00\n"
             "    %s\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 100}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 1, service: 60 min, queue_limit: 10}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 min}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, yard);
    return load_text(yaml);
}

static size_t node_index(const af_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_nodes; i++)
        if (!strcmp(r->node_names[i], name)) return i;
    fail_msg("no node %s", name);
    return 0;
}

/* Trucks at `node` in `state` at the midnight ending reported day `day` (0-based). */
static double at(const af_result *r, int day, const char *node, int state)
{
    return r->positions[((size_t)day * r->n_nodes + node_index(r, node)) * AF_N_POSITIONS + (size_t)state];
}

/* Trucks in the system at the midnight ending `day`: every state but held_back, every node. */
static double in_system(const af_result *r, int day)
{
    double sum = 0;
    for (size_t n = 0; n < r->n_nodes; n++)
        for (int k = 0; k < AF_N_POSITIONS; k++)
            if (k != AF_POS_HELD_BACK) sum += r->positions[((size_t)day * r->n_nodes + n) * AF_N_POSITIONS + (size_t)k];
    return sum;
}

/* A full yard stops dispatch. The gate holds 1 truck in service and 10 queued, and the yard
 * 50 more: 61 trucks plus those served. By the end of day 2 200 trucks were due against at
 * most 48 served, so the yard is full from then on (it fills at about 19 h on day 1: 100 t
 * dispatched against 24 t served by time t, 76 t / 1440 = 61).
 *
 * From then on the gate starts a service every 60 minutes without a break (its queue never
 * empties): exactly 24 served a day, 1 in service and 10 queued at every midnight. Each start
 * admits the first truck of the yard to the queue and frees its place, which the next planned
 * truck takes; so the yard (in_yard, plus the trucks on the 1-minute drive) holds 50 less the
 * places freed since the day's last dispatch: with 100 dispatches a day, 0 or 1, 2 when the
 * day's last dispatch came more than an hour before midnight (probability (1-1/24)^100 =
 * 1.4%), never more than 50. The day's dispatches are the 24 places freed, corrected by the
 * change of those unfilled places, so the trucks held back grow by 100 - 24 = 76 a day, within
 * the change of 0 to 3 unfilled places between two midnights.
 *
 * Conservation, truck by truck, at every midnight (exact): the 100 d trucks planned by the end
 * of day d = held back + delivered so far + in the system (nothing is lost or written off). */
static void test_full_yard_holds_back(void **state)
{
    (void)state;
    af_scenario *s = network("yard: {capacity: 50}");
    af_result *r = run_rep(s, 11, 0);
    double delivered = 0;
    for (int d = 0; d < DAYS; d++) {
        delivered += daily_cell(r, d, 0, 0)->trucks_delivered;
        double yard = at(r, d, "arish", AF_POS_IN_YARD), driving = at(r, d, "gate", AF_POS_TRAVELLING);
        double held_back = at(r, d, "arish", AF_POS_HELD_BACK);
        assert_true(yard + driving <= 50);
        af_assert_close(100.0 * (d + 1), held_back + delivered + in_system(r, d), 0, 0);
        assert_true(at(r, d, "gate", AF_POS_BLOCKED) == 0); /* all blocked trucks are in the yard */
        if (d < 1) continue;
        assert_true(yard + driving >= 47);
        af_assert_close(station_day(r, d, "gate")->served, 24, 0, 0);
        af_assert_close(at(r, d, "gate", AF_POS_QUEUED), 10, 0, 0);
        af_assert_close(at(r, d, "gate", AF_POS_IN_SERVICE), 1, 0, 0);
        double grew = held_back - at(r, d - 1, "arish", AF_POS_HELD_BACK);
        if (d >= 2) assert_true(grew >= 76 - 3 && grew <= 76 + 3);
    }
    /* Over days 3..10 the growth is 8 x 76 within the 0-3 places unfilled at both ends. */
    double grew = at(r, DAYS - 1, "arish", AF_POS_HELD_BACK) - at(r, 1, "arish", AF_POS_HELD_BACK);
    assert_true(grew >= 8 * 76 - 3 && grew <= 8 * 76 + 3);
    af_assert_close(metric(r, "trucks.held_back"), at(r, DAYS - 1, "arish", AF_POS_HELD_BACK), 0, 0);
    af_assert_close(metric(r, "trucks.in_yard"), at(r, DAYS - 1, "arish", AF_POS_IN_YARD), 0, 0);
    af_assert_close(metric(r, "trucks.dispatched") + metric(r, "trucks.held_back"), 100.0 * DAYS, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), in_system(r, DAYS - 1), 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Without a yard the same plan is all dispatched and the trucks wait blocked before the gate:
 * 100 d planned = delivered + in the system, 76 more a day, none held back; the positions
 * still add up to the trucks in the system and split them exactly: 1 in service, 10 queued,
 * the rest blocked on the road (or on the 1-minute drive). */
static void test_without_yard_the_road_holds_the_backlog(void **state)
{
    (void)state;
    af_scenario *s = network("policy: fixed_shares");
    af_result *r = run_rep(s, 11, 0);
    double delivered = 0;
    for (int d = 0; d < DAYS; d++) {
        delivered += daily_cell(r, d, 0, 0)->trucks_delivered;
        af_assert_close(at(r, d, "arish", AF_POS_HELD_BACK), 0, 0, 0);
        af_assert_close(at(r, d, "arish", AF_POS_IN_YARD), 0, 0, 0);
        af_assert_close(in_system(r, d) + delivered, 100.0 * (d + 1), 0, 0);
        if (d < 1) continue;
        af_assert_close(at(r, d, "gate", AF_POS_IN_SERVICE), 1, 0, 0);
        af_assert_close(at(r, d, "gate", AF_POS_QUEUED), 10, 0, 0);
        af_assert_close(at(r, d, "gate", AF_POS_BLOCKED) + at(r, d, "gate", AF_POS_TRAVELLING),
                        in_system(r, d) - 11 - at(r, d, "hub", AF_POS_TRAVELLING), 0, 0);
    }
    af_assert_close(metric(r, "trucks.in_system"), in_system(r, DAYS - 1), 0, 0);
    assert_int_equal(af_result_metric(r, "trucks.held_back"), (size_t)-1); /* no yard, no metric */
    af_result_free(r);
    af_scenario_free(s);
}

/* The yard network with an inspection `screen` (given as its flow mapping) between
 * arish and the gate, 1 minute from each. */
static af_scenario *screen_network(const char *screen)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: yards through a screen\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "warmup: 0 d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 00:00-24:00\n"
             "    yard: {capacity: 50}\n"
             "    plan:\n"
             "      - {from: 2024-03-01, trucks: {food: 100}}\n"
             "inspections:\n"
             "  - %s\n"
             "crossings:\n"
             "  - {name: gate, lanes: 1, service: 60 min, queue_limit: 10}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: screen, travel: 1 min}\n"
             "  - {name: on, from: screen, to: gate, travel: 1 min}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [screen, gate], hub: hub}\n",
             DAYS, screen);
    return load_text(yaml);
}

/* The place is kept through a station without a queue limit. Before the gate the trucks pass
 * `screen` (an inspection of 2 lanes of 30 minutes: 96 a day, no queue limit, 1 minute from
 * arish and from the gate). A truck gives up its yard place only when the gate's limited queue
 * admits it, so the gate's 24 a day still set the dispatches: the trucks held back grow by
 * 100 - 24 = 76 a day as before (within the 0-3 unfilled places, see above), the trucks
 * waiting for the gate are all in the yard (none blocked on the road), and the yard's 50
 * places hold them, those at the screen (its 24 a day take 30 minutes each: at most a couple
 * at a midnight) and those driving. Were the place given up at the screen's queue, 96 a day
 * would be dispatched, 72 a day would pile up blocked before the gate on the road, and only 4
 * a day would be held back. */
static void test_place_kept_through_an_unlimited_station(void **state)
{
    (void)state;
    af_scenario *s = screen_network("{name: screen, lanes: 2, service: 30 min}");
    af_result *r = run_rep(s, 5, 0);
    for (int d = 1; d < DAYS; d++) {
        double yard = at(r, d, "arish", AF_POS_IN_YARD);
        assert_true(yard <= 50 && yard >= 44);
        af_assert_close(at(r, d, "gate", AF_POS_BLOCKED), 0, 0, 0);
        af_assert_close(at(r, d, "gate", AF_POS_QUEUED), 10, 0, 0);
        if (d < 2) continue;
        double grew = at(r, d, "arish", AF_POS_HELD_BACK) - at(r, d - 1, "arish", AF_POS_HELD_BACK);
        assert_true(grew >= 76 - 3 && grew <= 76 + 3);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* Two limited stations in a row: `screen` (an inspection of 1 lane, 30 minutes a truck: 48 a
 * day, queue_limit 5) and then the gate (24 a day, queue_limit 10), 1 minute apart. The yard's
 * place is given up when the screen's queue admits a truck; at the gate, a truck that finds the
 * queue full takes a place again (it waits on the road before the gate, shown blocked there).
 *
 * Let Y be the places taken and K the trucks between the two queues' admissions (in the
 * screen's queue or lane, or on the 1-minute drive to the gate: at most 5 + 1 + 1 = 7). A
 * dispatch adds 1 to Y and happens only while Y < 50; the screen's admission moves a truck
 * from Y to K; a truck reaching the gate leaves K and either enters the gate's queue or takes
 * a place again (Y + 1); the gate's admission of such a truck frees its place. So Y + K grows
 * only by dispatches, made while Y + K < 50 + 7: the trucks in the yard, driving to the
 * screen and blocked before the gate never exceed 57. In the long run the places freed are
 * the screen's admissions less the places taken again plus those freed at the gate, that is
 * the gate's 24 a day: the trucks held back grow by 100 - 24 = 76 a day (within a few places
 * unfilled at a midnight, as above).
 *
 * Were no place taken again, the yard would only see the screen: 48 a day dispatched, 52 a
 * day held back, and 24 a day piling up on the road before the gate, 200 or so by day 10. */
static void test_place_taken_again_before_a_later_limited_station(void **state)
{
    (void)state;
    af_scenario *s = screen_network("{name: screen, lanes: 1, service: 30 min, queue_limit: 5}");
    af_result *r = run_rep(s, 5, 0);
    double delivered = 0;
    for (int d = 0; d < DAYS; d++) {
        delivered += daily_cell(r, d, 0, 0)->trucks_delivered;
        double yard = at(r, d, "arish", AF_POS_IN_YARD), to_screen = at(r, d, "screen", AF_POS_TRAVELLING);
        double road = at(r, d, "gate", AF_POS_BLOCKED);
        print_message("day %d: in yard %g, driving to the screen %g, blocked before the gate %g, held back %g\n", d,
                      yard, to_screen, road, at(r, d, "arish", AF_POS_HELD_BACK));
        assert_true(yard + to_screen <= 50);
        assert_true(yard + to_screen + road <= 57);
        af_assert_close(100.0 * (d + 1), at(r, d, "arish", AF_POS_HELD_BACK) + delivered + in_system(r, d), 0, 0);
        if (d < 2) continue;
        af_assert_close(station_day(r, d, "gate")->served, 24, 0, 0);
        double grew = at(r, d, "arish", AF_POS_HELD_BACK) - at(r, d - 1, "arish", AF_POS_HELD_BACK);
        assert_true(grew >= 76 - 3 && grew <= 76 + 3);
    }
    /* The trucks that came back wait before the gate, not in the yard. */
    assert_true(at(r, DAYS - 1, "gate", AF_POS_BLOCKED) > 0);
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_yard_holds_back),
        cmocka_unit_test(test_without_yard_the_road_holds_the_backlog),
        cmocka_unit_test(test_place_kept_through_an_unlimited_station),
        cmocka_unit_test(test_place_taken_again_before_a_later_limited_station),
    };
    return cmocka_run_group_tests_name("yards", tests, NULL, NULL);
}
