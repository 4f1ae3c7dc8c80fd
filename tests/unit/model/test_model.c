/* The logistics model on small networks whose results can be derived by hand or by queueing
 * formulas: one origin, one or two stations, one hub. */
#include "af_test.h"

#include <stdlib.h>

#include "model_fixture.h"

/* 48 food trucks a day dispatched between 06:00 and 12:00, an hour's drive to a crossing with
 * one lane and 10-minute service, an hour to the hub: every truck is delivered the day it
 * leaves. 720,000 people needing 1 kg a day need 720 t, exactly 48 trucks of 15 t. */
static const char *exact_yaml =
    "name: exact\n"
    "start: 2024-03-04\n"
    "horizon: 20 d\n"
    "seed: 3\n"
    "replications: 1\n"
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
    "  - {name: gate, lanes: 1, service: 10 min}\n"
    "legs:\n"
    "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
    "  - {name: out, from: gate, to: hub, travel: 1 h}\n"
    "routes:\n"
    "  - {name: main, origin: arish, via: [gate], hub: hub}\n";

static void test_exact_daily_deliveries(void **state)
{
    (void)state;
    af_scenario *s = load_text(exact_yaml);
    af_result *r = run_rep(s, 3, 0);
    assert_int_equal(r->n_days, 20);
    for (int d = 0; d < 20; d++) {
        const af_daily_cell *c = &r->daily[d];
        af_assert_close(c->trucks_delivered, 48, 0, 1e-12);
        af_assert_close(c->tonnes_delivered, 720, 0, 1e-9);
        af_assert_close(c->need_tonnes, 720, 1e-12, 0);
        af_assert_close(c->consumed_tonnes, 720, 1e-12, 0);
        af_assert_close(c->unmet_tonnes, 0, 0, 1e-9);
        af_assert_close(c->stock_tonnes, 0, 0, 1e-9);
        const af_station_day *g = &r->stations[d];
        af_assert_close(g->served, 48, 0, 0);
        /* 48 x 10 minutes of a 1,440-minute open day. */
        af_assert_close(g->utilisation, 480.0 / 1440, 1e-12, 0);
        af_assert_close(g->open_hours, 24, 0, 0);
    }
    af_assert_close(metric(r, "trucks.dispatched"), 20 * 48, 0, 0);
    af_assert_close(metric(r, "trucks.delivered"), 20 * 48, 0, 0);
    af_assert_close(metric(r, "trucks_per_day.entered"), 48, 1e-12, 0);
    af_assert_close(metric(r, "coverage.food"), 1, 1e-12, 0);
    af_assert_close(metric(r, "unmet_person_days.food"), 0, 0, 1e-6);
    af_assert_close(metric(r, "days_to_target.food"), 1, 0, 0);
    af_assert_close(metric(r, "trucks.in_system"), 0, 0, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* The exact network with a 1,000 t warehouse and half the need (360 t a day): the hub never
 * holds more than 1,000 t, so after each day's consumption at most 640 t; trucks that find it
 * full wait loaded, in the system, and unload after consumption makes room. Over 20 days the
 * hub takes in at most 20 x 360 t consumed plus 1,000 t left in stock. */
static void test_full_warehouse_holds_trucks_back(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s", exact_yaml);
    char *p = strstr(yaml, "population: 720000");
    memcpy(p, "population: 360000", 18);
    p = strstr(yaml, "serves: [south]}");
    memmove(p + strlen("serves: [south], capacity: 1000 t}"), p + strlen("serves: [south]}"),
            strlen(p + strlen("serves: [south]}")) + 1);
    memcpy(p, "serves: [south], capacity: 1000 t}", strlen("serves: [south], capacity: 1000 t}"));
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 3, 0);
    double delivered = 0;
    for (int d = 0; d < 20; d++) {
        assert_true(r->daily[d].stock_tonnes <= 640 + 1e-9);
        af_assert_close(r->daily[d].consumed_tonnes, 360, 1e-12, 0);
        delivered += r->daily[d].tonnes_delivered;
    }
    assert_true(delivered <= 20 * 360 + 1000 + 1e-9);
    af_assert_close(metric(r, "tonnes.delivered"), delivered, 1e-12, 0);
    /* Everything dispatched and not unloaded is waiting at the hub. */
    af_assert_close(metric(r, "tonnes.in_system"), 20 * 720 - delivered, 1e-12, 0);
    af_assert_close(metric(r, "trucks.in_system"), (20 * 720 - delivered) / 15, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Per-run totals do not depend on keeping the daily tables (experiments drop them to save
 * memory): the metrics are bit-identical either way. */
static void test_totals_without_daily_tables(void **state)
{
    (void)state;
    af_scenario *s = load_text(exact_yaml);
    af_result *with = run_rep(s, 4, 2);
    af_model_options o = {.keep_daily = false};
    af_result *without = NULL;
    af_error err;
    assert_int_equal(af_model_run(s, 4, 2, &o, &without, &err), AF_OK);
    assert_null(without->daily);
    assert_int_equal(without->n_metrics, with->n_metrics);
    for (size_t k = 0; k < with->n_metrics; k++) {
        assert_string_equal(without->metric_names[k], with->metric_names[k]);
        if (memcmp(&without->metrics[k], &with->metrics[k], sizeof(double)) != 0)
            fail_msg("%s: %.17g without the tables, %.17g with", with->metric_names[k],
                     without->metrics[k], with->metrics[k]);
    }
    af_assert_close(metric(without, "need_met.food"), 1, 1e-12, 0);
    af_result_free(with);
    af_result_free(without);
    af_scenario_free(s);
}

/* The same network with the crossing open 08:00-16:00 and far more trucks than it can take:
 * throughput is lanes x open minutes / service time = 2 x 480 / 30 = 32 a day. */
static void test_saturated_crossing_throughput(void **state)
{
    (void)state;
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s",
             "name: saturated\n"
             "start: 2024-03-04\n"
             "horizon: 30 d\n"
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
             "      - {from: 2024-03-04, trucks: {food: 100}}\n"
             "crossings:\n"
             "  - name: gate\n"
             "    lanes: 2\n"
             "    service: 30 min\n"
             "    hours: {mon-sun: \"08:00-16:00\"}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 30 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n");
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 5, 0);
    for (int d = 0; d < 30; d++) {
        af_assert_close(r->stations[d].served, 32, 0, 0);
        af_assert_close(r->stations[d].open_hours, 8, 0, 1e-9);
        /* Deliveries: the 32 served by 16:00 arrive by 16:30 the same day. */
        af_assert_close(r->daily[d].trucks_delivered, 32, 0, 1e-12);
    }
    af_assert_close(metric(r, "coverage.food"), 32 * 15 / 720.0, 1e-12, 0);
    af_assert_close(metric(r, "need_met.food"), 32 * 15 / 720.0, 1e-12, 0);
    /* Unmet: (720 - 480) t a day for 30 days, at 1 kg a person-day. */
    af_assert_close(metric(r, "unmet_person_days.food"), 240.0 * 30 / 0.001, 1e-9, 0);
    /* Both lanes busy every open minute. */
    af_assert_close(metric(r, "bottleneck.utilisation"), 1, 1e-12, 0);
    af_assert_close(r->stations[3].utilisation, 1, 1e-12, 0);
    af_result_free(r);
    af_scenario_free(s);
}

/* Holds: every truck flagged; half cleared, a quarter partially offloaded (half the cargo), a
 * quarter rejected and written off. Delivered tonnes are 0.5 + 0.25 x 0.5 = 62.5% of what is
 * dispatched, and the truck fates follow the outcome probabilities. */
static void test_hold_outcomes(void **state)
{
    (void)state;
    const char *yaml =
        "name: holds\n"
        "start: 2024-03-04\n"
        "horizon: 60 d\n"
        "categories:\n"
        "  - {name: medical, tonnes_per_truck: 10 t, daily_need: 0.1 kg, dual_use: 1}\n"
        "regions:\n"
        "  - {name: all, population: 1000000}\n"
        "hubs:\n"
        "  - {name: hub, serves: [all]}\n"
        "origins:\n"
        "  - name: port\n"
        "    plan:\n"
        "      - {from: 2024-03-04, trucks: {medical: 50}}\n"
        "inspections:\n"
        "  - {name: scan, lanes: 4, service: 20 min, hold: dual}\n"
        "crossings:\n"
        "  - {name: gate, lanes: 4, service: 5 min}\n"
        "holds:\n"
        "  - name: dual\n"
        "    duration: {exponential: 3 h}\n"
        "    cleared: 0.5\n"
        "    partial: 0.25\n"
        "    rejected: 0.25\n"
        "    offload_fraction: 0.5\n"
        "    on_reject: write_off\n"
        "legs:\n"
        "  - {name: a, from: port, to: scan, travel: 2 h}\n"
        "  - {name: b, from: scan, to: gate, travel: 1 h}\n"
        "  - {name: c, from: gate, to: hub, travel: 1 h}\n"
        "routes:\n"
        "  - {name: r, origin: port, via: [scan, gate], hub: hub}\n";
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 11, 0);
    double held = metric(r, "trucks.held");
    double rejected = metric(r, "trucks.rejected");
    double dispatched = metric(r, "trucks.dispatched");
    /* Binomial bounds: 4 standard deviations. */
    double sd = sqrt(held * 0.25 * 0.75);
    af_assert_in_range(rejected, 0.25 * held - 4 * sd, 0.25 * held + 4 * sd);
    af_assert_close(metric(r, "trucks.written_off"), rejected, 0, 0);
    af_assert_in_range(held, dispatched - 60, dispatched); /* all flagged; a few still on the road */
    double off = metric(r, "tonnes.offloaded"), del = metric(r, "tonnes.delivered");
    double frac = del / (metric(r, "tonnes.dispatched") - metric(r, "tonnes.in_system"));
    af_assert_in_range(frac, 0.625 - 0.03, 0.625 + 0.03);
    af_assert_in_range(off / (10 * held), 0.125 - 0.02, 0.125 + 0.02);
    af_result_free(r);
    af_scenario_free(s);
}

/* A leg with 40 convoy slots a day and a 10% loss rate, fed 60 trucks a day: at most 40 start
 * it each day, and about 10% of those are lost. */
static void test_leg_capacity_and_loss(void **state)
{
    (void)state;
    const char *yaml =
        "name: leg\n"
        "start: 2024-03-04\n"
        "horizon: 100 d\n"
        "categories:\n"
        "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
        "regions:\n"
        "  - {name: north, population: 500000}\n"
        "hubs:\n"
        "  - {name: hub, serves: [north]}\n"
        "origins:\n"
        "  - name: o\n"
        "    plan:\n"
        "      - {from: 2024-03-04, trucks: {food: 60}}\n"
        "crossings:\n"
        "  - {name: gate, lanes: 10, service: 5 min}\n"
        "legs:\n"
        "  - {name: a, from: o, to: gate, travel: 1 h}\n"
        "  - {name: b, from: gate, to: hub, travel: 2 h, capacity: 40, loss: 0.1}\n"
        "routes:\n"
        "  - {name: r, origin: o, via: [gate], hub: hub}\n";
    af_scenario *s = load_text(yaml);
    af_result *r = run_rep(s, 2, 0);
    double delivered = 0;
    for (int d = 0; d < 100; d++) {
        assert_true(r->daily[d].trucks_delivered <= 40);
        delivered += r->daily[d].trucks_delivered;
    }
    double lost = metric(r, "trucks.lost");
    double started = delivered + lost;
    /* The leg is saturated: 40 a day start it (give or take the first and last day). */
    af_assert_in_range(started, 40 * 100 - 80, 40 * 100);
    double sd = sqrt(started * 0.1 * 0.9);
    af_assert_in_range(lost, 0.1 * started - 4 * sd, 0.1 * started + 4 * sd);
    af_assert_close(metric(r, "tonnes.lost"), 15 * lost, 1e-12, 0);
    /* The rest waits at the gate side of the leg: in the system. */
    assert_true(metric(r, "trucks.in_system") > 1500);
    af_result_free(r);
    af_scenario_free(s);
}

/* The crossing as an M/M/c queue: Poisson dispatch, exponential service; the mean wait over the
 * horizon matches Erlang C within its confidence interval over replications. */
static double erlang_c_wait(unsigned c, double lambda, double mean_service)
{
    double a = lambda * mean_service, b = 1;
    for (unsigned k = 1; k <= c; k++) b = a * b / (k + a * b);
    double rho = a / c;
    double pw = b / (1 - rho + rho * b);
    return pw * mean_service / (c - a);
}

static void test_crossing_is_an_mmc_queue(void **state)
{
    (void)state;
    const char *yaml =
        "name: mmc\n"
        "start: 2024-03-04\n"
        "horizon: 200 d\n"
        "warmup: 5 d\n"
        "categories:\n"
        "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
        "regions:\n"
        "  - {name: r, population: 100000}\n"
        "hubs:\n"
        "  - {name: hub, serves: [r]}\n"
        "origins:\n"
        "  - name: o\n"
        "    dispatch: poisson\n"
        "    plan:\n"
        "      - {from: 2024-03-04, trucks: {food: 120}}\n"
        "crossings:\n"
        "  - {name: gate, lanes: 3, service: {exponential: 30 min}}\n"
        "legs:\n"
        "  - {name: a, from: o, to: gate, travel: 0 min}\n"
        "  - {name: b, from: gate, to: hub, travel: 0 min}\n"
        "routes:\n"
        "  - {name: r, origin: o, via: [gate], hub: hub}\n";
    af_scenario *s = load_text(yaml);
    enum { REPS = 20 };
    double w[REPS];
    for (unsigned i = 0; i < REPS; i++) {
        af_result *r = run_rep(s, 9, i);
        w[i] = metric(r, "station.gate.wait_mean_min");
        af_result_free(r);
    }
    double mean, half;
    af_confidence_interval(w, REPS, 0.95, &mean, &half);
    /* 120 a day = 1/12 a minute; 3 lanes of 30 minutes: rho = 0.833. */
    double theory = erlang_c_wait(3, 120.0 / 1440, 30);
    printf("# M/M/3 through the model: Wq theory %.3f min, simulated %.3f +- %.3f\n", theory, mean, half);
    af_assert_in_range(theory, mean - half, mean + half);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_daily_deliveries),
        cmocka_unit_test(test_full_warehouse_holds_trucks_back),
        cmocka_unit_test(test_totals_without_daily_tables),
        cmocka_unit_test(test_saturated_crossing_throughput),
        cmocka_unit_test(test_hold_outcomes),
        cmocka_unit_test(test_leg_capacity_and_loss),
        cmocka_unit_test(test_crossing_is_an_mmc_queue),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
