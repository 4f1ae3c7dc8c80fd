/* Dated changes (`changes:`), opening dates (`opens:`) and open-ended closures, on small
 * networks whose answers follow by hand; and the scenario language's side of them (errors with
 * their place, writing back, --set into a change).
 *
 * The saturated network: 200 food trucks a day leave `arish` between 00:00 and 01:00, 1 h on
 * `in` to `gate`, then 1 h on `out` to the hub. `gate` has 2 lanes and a constant service of
 * 60 min, always open: from day 1 on its queue never empties (200 arrive a day, at most 96 are
 * served), so each lane completes a service every 60 min, 24 a day: 48 a day. Start
 * 2024-03-04 is day 0; 2024-03-09 is day 5. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

#define DAYS 12

/* The saturated network with `service` as the gate's service time. */
static af_scenario *saturated_service(const char *service, const char *gate_extra,
                                      const char *in_extra, const char *tail)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: changes\n"
             "start: 2024-03-04\n"
             "horizon: %d d\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "holds:\n"
             "  - {name: check, duration: 1 h, cleared: 1}\n"
             "origins:\n"
             "  - name: arish\n"
             "    dispatch: 00:00-01:00\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 200}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 2, service: %s%s}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h%s}\n"
             "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n"
             "%s",
             DAYS, service, gate_extra, in_extra, tail);
    return load_text(yaml);
}

static af_scenario *saturated(const char *gate_extra, const char *in_extra, const char *tail)
{
    return saturated_service("60 min", gate_extra, in_extra, tail);
}

/* Lanes 2 -> 4 from 2024-03-09 (day 5). Days 1-4: 48 served a day. At midnight of day 5 the
 * two new lanes start at once (00:00) and complete at 01:00, ..., 23:00 that day (23 each; the
 * 24th, at 24:00, counts on day 6) while the old two complete 24 each: 94 on day 5, then 96 a
 * day (4 x 24): the throughput doubles from the day after the change's first. The same network
 * without the change serves 48 a day throughout, and its daily rows before day 5 are the same
 * bits (common random numbers). */
static void test_lane_change_doubles_throughput(void **state)
{
    (void)state;
    af_scenario *base = saturated("", "", "");
    af_scenario *s = saturated("", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.lanes: 4}}\n");
    af_result *r0 = run_rep(base, 7, 0), *r = run_rep(s, 7, 0);
    for (int d = 1; d < DAYS; d++) {
        double want = d < 5 ? 48 : d == 5 ? 94 : 96;
        af_assert_close(station_day(r, d, "gate")->served, want, 0, 0);
        af_assert_close(station_day(r0, d, "gate")->served, 48, 0, 0);
    }
    for (int d = 0; d < 5; d++) {
        assert_memory_equal(station_day(r, d, "gate"), station_day(r0, d, "gate"),
                            sizeof(af_station_day));
        assert_memory_equal(daily_cell(r, d, 0, 0), daily_cell(r0, d, 0, 0),
                            sizeof(af_daily_cell));
    }
    /* Day 5 onwards differs: the change is not a no-op. */
    assert_true(station_day(r, 6, "gate")->served != station_day(r0, 6, "gate")->served);
    af_result_free(r);
    af_result_free(r0);
    af_scenario_free(s);
    af_scenario_free(base);
}

/* Fewer lanes, 2 -> 1, from day 5: the lane given up finishes the service it has at midnight
 * (its phase is in (0, 60) min into the day), the other keeps 24 a day: day 5 serves 25, then
 * 24 a day. */
static void test_fewer_lanes_finish_their_service(void **state)
{
    (void)state;
    af_scenario *s = saturated("", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.lanes: 1}}\n");
    af_result *r = run_rep(s, 7, 0);
    af_assert_close(station_day(r, 4, "gate")->served, 48, 0, 0);
    af_assert_close(station_day(r, 5, "gate")->served, 25, 0, 0);
    for (int d = 6; d < DAYS; d++) af_assert_close(station_day(r, d, "gate")->served, 24, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Service 60 -> 120 min from day 5: each lane finishes the 60-min service it has at midnight
 * (at phase phi in (0, 60) min), then serves the queued trucks (which drew 60 min when they
 * arrived) with the time in force when they start, completing at phi + 120, ..., phi + 1320:
 * 12 a lane on day 5 (phi and 11 more), 12 a day after: 24 in all, half of 48. */
static void test_service_change_halves_throughput(void **state)
{
    (void)state;
    af_scenario *s = saturated("", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.service: 120 min}}\n");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 1; d < DAYS; d++)
        af_assert_close(station_day(r, d, "gate")->served, d < 5 ? 48 : 24, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The same change as above with the service times as empirical tables, one value each: 60 min
 * ([[60, 1]]) -> 120 min from day 5. The queued trucks drew 60 min from the old table when
 * they arrived; starting after the change they are served with the new table's 120 min, so the
 * answer is the one above: 48 a day, then 24. (Served with what they drew, the queue of some
 * 600 trucks that drew 60 min would keep the station at 48 a day to the horizon.) */
static void test_empirical_service_change_halves_throughput(void **state)
{
    (void)state;
    af_scenario *s = saturated_service("{empirical: [[60, 1]]}", "", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.service: "
                               "{empirical: [[120, 1]]}}}\n");
    assert_non_null(s);
    af_result *r = run_rep(s, 7, 0);
    for (int d = 1; d < DAYS; d++)
        af_assert_close(station_day(r, d, "gate")->served, d < 5 ? 48 : 24, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A change to an empirical table equal to the one in force ([[30, 1], [90, 1]], written out
 * again) is no change: the trucks keep the times they drew, no time is drawn again, and every
 * day's station and delivery figures are the same bits as without it. A redraw at the start
 * (from the station's redraw stream) would give other times of the two and other days. */
static void test_equal_empirical_change_is_no_change(void **state)
{
    (void)state;
    const char *table = "{empirical: [[30, 1], [90, 1]]}";
    af_scenario *base = saturated_service(table, "", "", "");
    af_scenario *s = saturated_service(table, "", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.service: "
                               "{empirical: [[30, 1], [90, 1]]}}}\n");
    assert_non_null(base);
    assert_non_null(s);
    af_result *r0 = run_rep(base, 7, 0), *r = run_rep(s, 7, 0);
    double served = 0;
    for (int d = 0; d < DAYS; d++) {
        assert_memory_equal(station_day(r, d, "gate"), station_day(r0, d, "gate"),
                            sizeof(af_station_day));
        assert_memory_equal(daily_cell(r, d, 0, 0), daily_cell(r0, d, 0, 0),
                            sizeof(af_daily_cell));
        served += station_day(r, d, "gate")->served;
    }
    /* Two lanes at a mean of 60 min: some 48 a day, so the tables were drawn from. */
    assert_true(served > 40.0 * DAYS && served < 56.0 * DAYS);
    af_result_free(r);
    af_result_free(r0);
    af_scenario_free(s);
    af_scenario_free(base);
}

/* Hours "00:00-12:00" every day from day 5 (open around the clock before). Day 5: each lane
 * finishes the service it has at midnight (at phi in (0, 60) min), starts services at phi,
 * phi + 60, ..., phi + 660 (the last start before 12:00) and, closing under `finish`, completes
 * the one under way at 12:00: 13 a lane, 26. From day 6 the lanes start at 00:00 and complete
 * at 01:00, ..., 12:00: 12 a lane, 24 a day; open 12 h. */
static void test_hours_change(void **state)
{
    (void)state;
    af_scenario *s = saturated("", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.hours: \"00:00-12:00\"}}\n");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 1; d < DAYS; d++) {
        af_assert_close(station_day(r, d, "gate")->served, d < 5 ? 48 : d == 5 ? 26 : 24, 0, 0);
        af_assert_close(station_day(r, d, "gate")->open_hours, d < 5 ? 24 : 12, 0, 1e-9);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* A daily cap of 30 from day 5 on, lifted (none) from day 9. */
static void test_daily_cap_change(void **state)
{
    (void)state;
    af_scenario *s = saturated("", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {crossings.gate.daily_cap: 30}}\n"
                               "  - {at: 2024-03-13, set: {crossings.gate.daily_cap: none}}\n");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 1; d < DAYS; d++) {
        /* Day 5: the 2 services under way at midnight finish (started on day 4), then 30
         * start (all done by 15:00): 32. Days 6-8: 30, the lanes idle at midnight. Day 9,
         * the cap lifted: both lanes start at 00:00 and complete at 01:00, ..., 23:00 (the
         * 24th at 24:00 counts on day 10): 46; then 48. */
        double want = d < 5 ? 48 : d == 5 ? 32 : d < 9 ? 30 : d == 9 ? 46 : 48;
        af_assert_close(station_day(r, d, "gate")->served, want, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* `opens: 2024-03-09`: the gate is closed on days 0-4 (nobody served, open 0 h, the trucks
 * queue: 200 a day), and opens at 00:00 on day 5, serving 48 a day from its 800-truck queue
 * (2 lanes x 24; the first services start at 00:00, the 24th of each lane ends at 24:00 and
 * counts on day 6: 46 on day 5). */
static void test_opening_date(void **state)
{
    (void)state;
    af_scenario *s = saturated(", opens: 2024-03-09", "", "");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 0; d < 5; d++) {
        af_assert_close(station_day(r, d, "gate")->served, 0, 0, 0);
        af_assert_close(station_day(r, d, "gate")->open_hours, 0, 0, 0);
        /* The queue at the midnight it opens may already have lost the 2 put into service
         * at that same instant. */
        if (d < 4) af_assert_close(station_day(r, d, "gate")->queue_midnight, 200.0 * (d + 1), 0, 0);
    }
    af_assert_in_range(station_day(r, 4, "gate")->queue_midnight, 998, 1000);
    af_assert_close(station_day(r, 5, "gate")->served, 46, 0, 0);
    for (int d = 6; d < DAYS; d++) af_assert_close(station_day(r, d, "gate")->served, 48, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* An open-ended closure from 2024-03-09: 48 a day until day 4; on day 5 the 2 services under
 * way at midnight finish (at_closing: finish), then nothing to the end. The
 * leg version: a road that opens on day 5 lets nobody start before it. */
static void test_open_ended_closure(void **state)
{
    (void)state;
    af_scenario *s = saturated(", closures: [{from: 2024-03-09}]", "", "");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 1; d < DAYS; d++)
        af_assert_close(station_day(r, d, "gate")->served, d < 5 ? 48 : d == 5 ? 2 : 0, 0, 0);
    for (int d = 5; d < DAYS; d++) af_assert_close(station_day(r, d, "gate")->open_hours, 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);

    s = saturated("", ", opens: 2024-03-09", "");
    r = run_rep(s, 7, 0);
    for (int d = 0; d < 5; d++) af_assert_close(station_day(r, d, "gate")->arrivals, 0, 0, 0);
    /* The 1,000 trucks held at the road's start leave at 00:00 on day 5 and arrive at 01:00. */
    af_assert_close(station_day(r, 5, "gate")->arrivals, 1200, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* A leg's capacity 10 -> 30 a day from day 5: the gate sees 10 arrivals a day (the day's
 * slots, with a growing backlog at the road's start), then 30. */
static void test_leg_capacity_change(void **state)
{
    (void)state;
    af_scenario *s = saturated("", ", capacity: 10",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {legs.in.capacity: 30}}\n");
    af_result *r = run_rep(s, 7, 0);
    for (int d = 0; d < DAYS; d++)
        af_assert_close(station_day(r, d, "gate")->arrivals, d < 5 ? 10 : 30, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* An escort added to the road from the gate to the hub by a change on day 5 (a constant wait of
 * 1 d; the leg had none, so the model has no escort stream for it until the change). Trucks
 * leave the saturated gate at 2 an hour (48 a day). Without the escort a truck reaches the hub
 * 1 h after leaving the gate; with it, a truck leaving from day 5 on arrives 1 d later. Over the
 * 12-day horizon the run with the change therefore delivers one day of the gate's output
 * fewer: those leaving in [11 d - 1 h, 12 d - 1 h), 48 trucks (give or take the 2 that leave at
 * the change's own minute, midnight of day 5, on either side of it). */
static void test_escort_added_by_a_change(void **state)
{
    (void)state;
    af_scenario *base = saturated("", "", "");
    af_scenario *s = saturated("", "",
                               "changes:\n"
                               "  - {at: 2024-03-09, set: {legs.out.escort: {wait: 1 d}}}\n");
    af_result *r0 = run_rep(base, 7, 0), *r = run_rep(s, 7, 0);
    double fewer = metric(r0, "trucks.delivered") - metric(r, "trucks.delivered");
    assert_true(fewer >= 46 && fewer <= 50);
    /* Day 5: with the escort only the trucks that left the gate in the last hour of day 4 (2)
     * arrive; without it, a day's output (48, give or take the 2 at midnight). */
    assert_true(daily_cell(r, 5, 0, 0)->trucks_delivered <= 2);
    assert_true(daily_cell(r0, 5, 0, 0)->trucks_delivered >= 46);
    af_result_free(r);
    af_result_free(r0);
    af_scenario_free(s);
    af_scenario_free(base);
}

/* A gate that opens only after the horizon serves nobody: its utilisation is 0 (no open
 * lane-minutes: 0, not 0/0), and so is the busiest station's, `bottleneck.utilisation` (a
 * number, not NaN: there are stations, they were just never busy). */
static void test_gate_opening_after_the_horizon(void **state)
{
    (void)state;
    af_scenario *s = saturated(", opens: 2024-03-20", "", "");
    af_result *r = run_rep(s, 7, 0);
    af_assert_close(metric(r, "trucks.delivered"), 0, 0, 0);
    af_assert_close(metric(r, "station.gate.utilisation"), 0, 0, 0);
    af_assert_close(metric(r, "bottleneck.utilisation"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* days_to_target counts the first day a category's deliveries reach the coverage target of
 * its need; a category nobody needs (commercial goods, daily need 0) has no target to reach, so
 * it reports the horizon + 1 ("never", 7 here), however much of it arrives. */
static void test_days_to_target_of_a_category_nobody_needs(void **state)
{
    (void)state;
    const char *yaml =
        "name: no-need\n"
        "start: 2024-03-04\n"
        "horizon: 6 d\n"
        "categories:\n"
        "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
        "  - {name: commercial, tonnes_per_truck: 15 t, daily_need: 0 kg}\n"
        "regions:\n"
        "  - {name: south, population: 720000}\n"
        "hubs:\n"
        "  - {name: hub, serves: [south]}\n"
        "origins:\n"
        "  - {name: arish, dispatch: 00:00-01:00, plan: [{from: 2024-03-04, trucks: {food: 48, commercial: 10}}]}\n"
        "crossings:\n"
        "  - {name: gate, lanes: 50, service: 10 min}\n"
        "legs:\n"
        "  - {from: arish, to: gate, travel: 1 h}\n"
        "  - {from: gate, to: hub, travel: 1 h}\n"
        "routes:\n"
        "  - {name: main, origin: arish, via: [gate], hub: hub}\n";
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 7, 0);
    assert_true(metric(r, "trucks.delivered") > 0);
    af_assert_close(metric(r, "days_to_target.commercial"), 7, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* An inspection's flag rate 0 -> 1 from day 5: nobody is flagged before, every truck
 * inspected from day 5 on is (a flag is drawn for each inspected truck whatever the rate). The
 * inspection (`scan`, 20 lanes, 10 min) is never saturated: its served count is its arrivals. */
static void test_flag_rate_change(void **state)
{
    (void)state;
    const char *yaml =
        "name: flags\n"
        "start: 2024-03-04\n"
        "horizon: 10 d\n"
        "categories:\n"
        "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
        "regions:\n"
        "  - {name: south, population: 720000}\n"
        "hubs:\n"
        "  - {name: hub, serves: [south]}\n"
        "holds:\n"
        "  - {name: check, duration: 1 h, cleared: 1}\n"
        "origins:\n"
        "  - {name: arish, dispatch: 06:00-12:00, plan: [{from: 2024-03-04, trucks: {food: 48}}]}\n"
        "inspections:\n"
        "  - {name: scan, lanes: 20, service: 10 min, flags: {food: 0}, hold: check}\n"
        "crossings:\n"
        "  - {name: gate, lanes: 20, service: 10 min}\n"
        "legs:\n"
        "  - {from: arish, to: scan, travel: 1 h}\n"
        "  - {from: scan, to: gate, travel: 1 h}\n"
        "  - {from: gate, to: hub, travel: 1 h}\n"
        "routes:\n"
        "  - {name: main, origin: arish, via: [scan, gate], hub: hub}\n"
        "changes:\n"
        "  - {at: 2024-03-09, set: {inspections.scan.flags: {food: 1}}}\n";
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 3, 0);
    for (int d = 0; d < 10; d++) {
        const af_station_day *scan = station_day(r, d, "scan");
        af_assert_close(scan->served, 48, 0, 0);
        af_assert_close(scan->flagged, d < 5 ? 0 : 48, 0, 0);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* A planner's what-if: crossing X closes for good on 2024-03-14 (day 10) and crossing Y opens
 * that day; the origin's shares move from X to Y on the same date (reroute_on_closure, so
 * trucks dispatched from then on avoid X). The same network with the swap made for the whole
 * period sends every truck to Y from the start. 60 trucks a day (Poisson) against Y's 6 lanes
 * of 20 min (432 a day: never saturated), so once the trucks dispatched before the switch are
 * out of the way (the ones queued at or travelling to X stay there: routes are fixed at
 * dispatch), Y's entries a day are the dispatch rate in both. Over days 12-29 (after a 2-day
 * transient) the paired difference of the mean entries a day over 20 replications has a 95%
 * Student t interval that must contain 0; and the switch does move the entries (Y serves
 * nobody before day 10). */
static af_scenario *switch_network(bool swap_all_period)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: switch\n"
             "start: 2024-03-04\n"
             "horizon: 30 d\n"
             "routing: {policy: reroute_on_closure}\n"
             "categories:\n"
             "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
             "regions:\n"
             "  - {name: south, population: 720000}\n"
             "hubs:\n"
             "  - {name: hub, serves: [south]}\n"
             "origins:\n"
             "  - {name: arish, plan: [{from: 2024-03-04, trucks: {food: 60}}]}\n"
             "crossings:\n"
             "  - {name: x, lanes: 6, service: {exponential: 20 min}%s}\n"
             "  - {name: y, lanes: 6, service: {exponential: 20 min}%s}\n"
             "legs:\n"
             "  - {from: arish, to: x, travel: {uniform: [2 h, 4 h]}}\n"
             "  - {from: arish, to: y, travel: {uniform: [2 h, 4 h]}}\n"
             "  - {from: x, to: hub, travel: 1 h}\n"
             "  - {from: y, to: hub, travel: 1 h}\n"
             "routes:\n"
             "  - {name: via_x, origin: arish, via: [x], hub: hub, share: %s}\n"
             "  - {name: via_y, origin: arish, via: [y], hub: hub, share: %s}\n"
             "%s",
             swap_all_period ? "" : ", closures: [{from: 2024-03-14}]",
             swap_all_period ? "" : ", opens: 2024-03-14", swap_all_period ? "0" : "1",
             swap_all_period ? "1" : "0",
             swap_all_period ? ""
                             : "changes:\n"
                               "  - at: 2024-03-14\n"
                               "    set: {routes.via_x.share: 0, routes.via_y.share: 1}\n");
    return load_text(yaml);
}

static void test_switch_matches_swap(void **state)
{
    (void)state;
    af_scenario *sw = switch_network(false), *all = switch_network(true);
    enum { R = 20, FROM = 12, TO = 30 };
    af_tally diff;
    af_tally_reset(&diff);
    double y_before = 0;
    for (unsigned rep = 0; rep < R; rep++) {
        af_result *a = run_rep(sw, 11, rep), *b = run_rep(all, 11, rep);
        double ea = STATION_SUM(a, "y", served, FROM, TO) / (TO - FROM);
        double eb = STATION_SUM(b, "y", served, FROM, TO) / (TO - FROM);
        af_tally_add(&diff, ea - eb);
        y_before += STATION_SUM(a, "y", served, 0, 10);
        af_result_free(a);
        af_result_free(b);
    }
    af_assert_close(y_before, 0, 0, 0);
    double half = af_t_quantile(0.95, R - 1) * sqrt(af_tally_variance(&diff) / R);
    double mean = af_tally_mean(&diff);
    if (!(fabs(mean) <= half))
        fail_msg("switch - swap: %.3f entries a day, 95%% interval +- %.3f excludes 0", mean,
                 half);
    af_scenario_free(sw);
    af_scenario_free(all);
}

/* ---- the language -------------------------------------------------------------------------- */

static const char *const base_yaml =
    "name: lang\n"
    "start: 2024-03-04\n"
    "horizon: 10 d\n"
    "categories:\n"
    "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
    "regions:\n"
    "  - {name: south, population: 720000}\n"
    "hubs:\n"
    "  - {name: hub, serves: [south]}\n"
    "origins:\n"
    "  - {name: arish, plan: [{from: 2024-03-04, trucks: {food: 48}}]}\n"
    "crossings:\n"
    "  - {name: gate, lanes: 2, service: 60 min, opens: 2024-03-05}\n"
    "legs:\n"
    "  - {from: arish, to: gate, travel: 1 h, closures: [{from: \"2024-03-12 06:00\"}]}\n"
    "  - {from: gate, to: hub, travel: 1 h}\n"
    "routes:\n"
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n";

/* Loads base_yaml followed by `tail` and --set overrides; returns the status and, in *first,
 * the first error's "line:col: message". */
static af_status load_with(const char *tail, const char *const *sets, size_t n_sets,
                           af_scenario **out, char *first, size_t size)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s%s", base_yaml, tail);
    af_diagnostics *d = af_diagnostics_create(0);
    af_status st = af_scenario_load_buffer("t.yaml", yaml, strlen(yaml), sets, n_sets,
                                           AF_LOAD_NO_FILES, out, d);
    first[0] = '\0';
    for (size_t i = 0; i < af_diagnostics_count(d); i++) {
        const af_diagnostic *g = af_diagnostics_get(d, i);
        if (g->severity != AF_DIAG_ERROR) continue;
        snprintf(first, size, "%d:%d: %s", g->line, g->column, g->message);
        break;
    }
    af_diagnostics_destroy(d);
    return st;
}

static void expect_error(const char *tail, const char *want_prefix)
{
    af_scenario *s = NULL;
    char first[512];
    af_status st = load_with(tail, NULL, 0, &s, first, sizeof first);
    if (st != AF_PARSE) fail_msg("loaded; expected the error %s", want_prefix);
    if (strncmp(first, want_prefix, strlen(want_prefix)))
        fail_msg("first error '%s', expected one starting '%s'", first, want_prefix);
}

/* The lines of base_yaml are 1-18; the tail starts on line 19. */
static void test_change_errors_have_places(void **state)
{
    (void)state;
    /* unknown key in the path, column of the key's own segment: 7 + "crossings.gate." */
    expect_error("changes:\n  - at: 2024-03-06\n    set:\n      crossings.gate.lanse: 3\n",
                 "22:22: unknown key 'lanse' in crossings.gate; did you mean 'lanes'?");
    /* wrong type: the value's place */
    expect_error("changes:\n  - at: 2024-03-06\n    set:\n      crossings.gate.lanes: many\n",
                 "22:29: lanes: expected a whole number");
    /* a date outside the simulated days (no warm-up; 10 days from 2024-03-04) */
    expect_error("changes:\n  - at: 2024-03-14\n    set:\n      crossings.gate.lanes: 3\n",
                 "20:9: at: the change is outside the simulated days");
    expect_error("changes:\n  - at: 2024-03-01\n    set:\n      crossings.gate.lanes: 3\n",
                 "20:9: at: the change is outside the simulated days");
    /* two changes of one path at one time */
    expect_error("changes:\n"
                 "  - {at: 2024-03-06, set: {crossings.gate.lanes: 3}}\n"
                 "  - {at: 2024-03-06, set: {crossings.gate.lanes: 4}}\n",
                 "21:28: set: crossings.gate.lanes already changes at this time");
    /* a key that cannot change on a date */
    expect_error("changes:\n  - {at: 2024-03-06, set: {crossings.gate.discipline: priority}}\n",
                 "20:28: set: 'crossings.gate.discipline' cannot change on a date");
    /* an unknown name */
    expect_error("changes:\n  - {at: 2024-03-06, set: {crossings.gaet.lanes: 3}}\n",
                 "20:38: no crossing is named 'gaet'");
}

/* Written back: the changes (sorted by date, values as written), the opening date, the
 * open-ended closure; the text loads to an equal scenario and writes the same bytes. */
static void test_round_trip(void **state)
{
    (void)state;
    af_scenario *s = NULL;
    char first[512];
    af_status st = load_with("changes:\n"
                             "  - at: \"2024-03-08 06:00\"\n"
                             "    set:\n"
                             "      crossings.gate.service: {lognormal: {mean: 30 min, sd: 10 min}}\n"
                             "      legs.arish_to_gate.capacity: none\n"
                             "  - {at: 2024-03-06, set: {crossings.gate.lanes: 3}}\n",
                             NULL, 0, &s, first, sizeof first);
    if (st != AF_OK) fail_msg("did not load: %s", first);
    assert_int_equal(s->n_changes, 2);
    af_assert_close(s->changes[0].at, 2 * 1440, 0, 0);
    af_assert_close(s->changes[1].at, 4 * 1440 + 360, 0, 0);
    assert_int_equal(s->changes[0].in_force->crossings[0].st.lanes, 3);
    assert_int_equal(s->changes[1].in_force->crossings[0].st.lanes, 3); /* still in force */
    af_assert_close(s->changes[1].in_force->crossings[0].st.service.param[0], 30, 0, 0);
    assert_int_equal(s->crossings[0].st.lanes, 2);
    size_t len;
    char *text = af_scenario_to_yaml(s, &len);
    assert_non_null(strstr(text, "    opens: 2024-03-05\n"));
    assert_non_null(strstr(text, "      - {from: \"2024-03-12 06:00\"}\n"));
    assert_non_null(strstr(text, "changes:\n  - at: 2024-03-06\n    set:\n"
                                 "      crossings.gate.lanes: 3\n"
                                 "  - at: \"2024-03-08 06:00\"\n    set:\n"
                                 "      crossings.gate.service: {lognormal: {mean: 30 min, sd: "
                                 "10 min}}\n      legs.arish_to_gate.capacity: none\n"));
    af_scenario *back = NULL;
    af_diagnostics *d = af_diagnostics_create(0);
    st = af_scenario_load_buffer("back.yaml", text, len, NULL, 0, AF_LOAD_NO_FILES, &back, d);
    if (st != AF_OK) af_diagnostics_print(d, stderr);
    af_diagnostics_destroy(d);
    assert_int_equal(st, AF_OK);
    assert_true(af_scenario_equal(s, back));
    size_t len2;
    char *text2 = af_scenario_to_yaml(back, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, text2, len);
    free(text);
    free(text2);
    af_scenario_free(back);
    af_scenario_free(s);
}

/* --set reaches a change's date and a value inside it. */
static void test_set_into_changes(void **state)
{
    (void)state;
    const char *sets[] = {"changes.0.at=2024-03-07", "changes.0.set.crossings.gate.lanes=5",
                          "changes.0.set.crossings.gate.daily_cap=40"};
    af_scenario *s = NULL;
    char first[512];
    af_status st = load_with("changes:\n  - {at: 2024-03-06, set: {crossings.gate.lanes: 3}}\n",
                             sets, 3, &s, first, sizeof first);
    if (st != AF_OK) fail_msg("did not load: %s", first);
    af_assert_close(s->changes[0].at, 3 * 1440, 0, 0);
    assert_int_equal(s->changes[0].n_set, 2);
    assert_int_equal(s->changes[0].in_force->crossings[0].st.lanes, 5);
    assert_int_equal(s->changes[0].in_force->crossings[0].st.daily_cap, 40);
    af_scenario_free(s);
    /* A mistake in the --set value points into the argument. */
    const char *bad[] = {"changes.0.set.crossings.gate.lanes=lots"};
    st = load_with("changes:\n  - {at: 2024-03-06, set: {crossings.gate.lanes: 3}}\n", bad, 1,
                   &s, first, sizeof first);
    assert_int_equal(st, AF_PARSE);
    assert_string_equal(first, "1:36: lanes: expected a whole number from 1 to 10000, found "
                               "'lots'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lane_change_doubles_throughput),
        cmocka_unit_test(test_fewer_lanes_finish_their_service),
        cmocka_unit_test(test_service_change_halves_throughput),
        cmocka_unit_test(test_empirical_service_change_halves_throughput),
        cmocka_unit_test(test_equal_empirical_change_is_no_change),
        cmocka_unit_test(test_daily_cap_change),
        cmocka_unit_test(test_hours_change),
        cmocka_unit_test(test_opening_date),
        cmocka_unit_test(test_open_ended_closure),
        cmocka_unit_test(test_leg_capacity_change),
        cmocka_unit_test(test_escort_added_by_a_change),
        cmocka_unit_test(test_gate_opening_after_the_horizon),
        cmocka_unit_test(test_days_to_target_of_a_category_nobody_needs),
        cmocka_unit_test(test_flag_rate_change),
        cmocka_unit_test(test_switch_matches_swap),
        cmocka_unit_test(test_change_errors_have_places),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_set_into_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
