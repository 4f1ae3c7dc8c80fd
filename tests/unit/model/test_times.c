/* End-to-end times: from first dispatch to entry (passing the crossing) and to delivery
 * (unloading at the hub), with blocked time included, and the station wait with the time
 * blocked upstream beside it.
 *
 * The network (a D/D/1 queue): every day 20 food trucks leave `arish` at uniform random
 * times in the one minute 06:00-06:01, drive 1 h to `gate` (1 lane, 50 min a truck), then
 * 10 min on `out` to the hub. Truck k of a day (k = 0..19 in dispatch order, dispatched at
 * 06:00 + u_k, 0 <= u_0 <= ... <= u_k < 1 min) arrives at 07:00 + u_k. The gate serves them
 * in arrival order back to back: truck k starts at 07:00 + u_0 + 50k (it is there: u_k -
 * u_0 < 1 < 50) and crosses at 07:00 + u_0 + 50(k+1). So its dispatch-to-entry time is
 *     60 + 50(k+1) + (u_0 - u_k) minutes, within (60 + 50(k+1) - 1, 60 + 50(k+1)],
 * increasing in k, and dispatch to delivery is 10 min more. The last truck crosses at 23:40
 * and unloads at 23:50 + u_0: every truck of a day enters and is delivered that day, and
 * the gate is idle from then to 07:00, so the days do not interact. Every check below is
 * within 1 minute of a value derived from this; the 50-minute steps between ranks (and the
 * 2.5 minutes between the nearest rank and a linear interpolation) make a wrong order
 * statistic fail. */
#include "af_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_fixture.h"
#include "model/times.h" /* times_sort: the one internal function tested here */

#define DAYS 10
#define MIN_H (1.0 / 60) /* one minute, in hours */

static af_scenario *network(const char *gate_extra)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "name: times\n"
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
             "    dispatch: 06:00-06:01\n"
             "    plan:\n"
             "      - {from: 2024-03-04, trucks: {food: 20}}\n"
             "crossings:\n"
             "  - {name: gate, lanes: 1, service: 50 min%s}\n"
             "legs:\n"
             "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
             "  - {name: out, from: gate, to: hub, travel: 10 min}\n"
             "routes:\n"
             "  - {name: main, origin: arish, via: [gate], hub: hub}\n",
             DAYS, gate_extra);
    return load_text(yaml);
}

/* Within one minute below x (the u terms only ever make a time shorter, by under 1 min). */
static void assert_just_below(double got_h, double want_min)
{
    af_assert_close(got_h, want_min / 60 - MIN_H / 2, 0, MIN_H / 2 + 1e-9);
}

/* Each day: mean of 60 + 50(k+1) over k = 0..19 is 60 + 50 x 10.5 = 585 min; the 95th
 * percentile by nearest rank is the ceil(0.95 x 20) = 19th smallest, k = 18: 60 + 950 =
 * 1010 min (the largest, k = 19, is 1060). Delivery: 595 and 1020 min. */
static void test_daily_mean_and_p95(void **state)
{
    (void)state;
    af_scenario *s = network("");
    af_result *r = run_rep(s, 11, 0);
    for (int d = 0; d < DAYS; d++) {
        const af_daily_cell *c = daily_cell(r, d, 0, 0);
        af_assert_close(c->trucks_delivered, 20, 0, 0);
        assert_just_below(c->entry_time_mean_h, 585);
        assert_just_below(c->entry_time_p95_h, 1010);
        assert_just_below(c->delivery_time_mean_h, 595);
        assert_just_below(c->delivery_time_p95_h, 1020);
    }
    af_result_free(r);
    af_scenario_free(s);
}

/* Over the horizon: 200 trucks, 10 of each k. The ceil(0.95 x 200) = 190th smallest is the
 * last of the 10 at k = 18 (ranks 181..190): 1010 min again; the mean is 585 min. */
static void test_horizon_mean_and_p95(void **state)
{
    (void)state;
    af_scenario *s = network("");
    af_result *r = run_rep(s, 11, 0);
    assert_just_below(metric(r, "time.dispatch_to_entry.mean"), 585);
    assert_just_below(metric(r, "time.dispatch_to_entry.p95"), 1010);
    assert_just_below(metric(r, "time.dispatch_to_delivery.mean"), 595);
    assert_just_below(metric(r, "time.dispatch_to_delivery.p95"), 1020);
    af_result_free(r);
    af_scenario_free(s);
}

/* A queue limit of 5 at the gate: truck 0 is served, 1..5 queue, 6..19 wait upstream,
 * blocked. Truck k >= 6 enters the queue when truck k - 6 leaves service, at 07:00 + u_0 +
 * 50(k-5), and starts at 07:00 + u_0 + 50k: 250 min in the queue, 50(k-5) blocked (less
 * u_k - u_0). Trucks k <= 5 queue 50k and are never blocked. The order of service does not
 * change, so the end-to-end times stay as above: blocked time is in them.
 *   queue wait mean   (50 (0+1+...+5) + 14 x 250) / 20 = (750 + 3500) / 20 = 212.5 min
 *   blocked mean      50 (1+2+...+14) / 20 = 50 x 105 / 20 = 262.5 min per truck served
 *   wait with blocked 212.5 + 262.5 = 475 min = 50 x mean(k), the wait without a limit. */
static void test_blocked_time_beside_the_wait(void **state)
{
    (void)state;
    af_scenario *s = network(", queue_limit: 5");
    af_result *r = run_rep(s, 11, 0);
    af_assert_close(metric(r, "station.gate.wait_mean_min"), 212.5 - 0.5, 0, 0.5 + 1e-9);
    af_assert_close(metric(r, "station.gate.blocked_mean_min"), 262.5 - 0.5, 0, 0.5 + 1e-9);
    af_assert_close(metric(r, "station.gate.wait_incl_blocked_mean_min"), 475 - 0.5, 0, 0.5 + 1e-9);
    assert_just_below(metric(r, "time.dispatch_to_entry.mean"), 585);
    assert_just_below(metric(r, "time.dispatch_to_entry.p95"), 1010);
    af_result_free(r);

    /* Without the limit nothing is blocked and the whole 475 min is queue wait. */
    af_scenario *u = network("");
    r = run_rep(u, 11, 0);
    af_assert_close(metric(r, "station.gate.blocked_mean_min"), 0, 0, 0);
    af_assert_close(metric(r, "station.gate.wait_incl_blocked_mean_min"), 475 - 0.5, 0, 0.5 + 1e-9);
    af_result_free(r);
    af_scenario_free(u);
    af_scenario_free(s);
}

/* A day on which no truck entered has no times: empty (NaN), not 0. The plan stops after
 * the fifth day. */
static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* times_sort against qsort on lists either side of its thresholds (32 by insertion, buckets
 * above, about n / 16 coarse ones), the same doubles in the same order, bit for bit: for
 * random minutes, for duplicates, for minutes with few bits (whole numbers), for mixed
 * signs, and for a crowd (nine in ten within one minute, the rest spread over a million),
 * which leaves many keys in some buckets and makes the sort take its second pass over
 * them. */
static void test_sort_as_qsort(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 2, 16, 17, 32, 33, 100, 1023, 1024, 1025, 5000, 70000};
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int lists = 0;
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        for (int kind = 0; kind < 5; kind++) {
            size_t n = sizes[si];
            /* Exactly n (one for n = 0): the sanitizer build then sees a write past them. */
            size_t room = n ? n : 1;
            double *v = malloc(room * sizeof *v), *w = malloc(room * sizeof *w);
            assert_non_null(v);
            assert_non_null(w);
            for (size_t i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                double u = (double)(x >> 11) / 9007199254740992.0;
                v[i] = kind == 0   ? u * 100000
                       : kind == 1 ? (double)(x % 7) * 60
                       : kind == 2 ? floor(u * 3000)
                       : kind == 3 ? (u - 0.5) * 1e6
                       : i % 10    ? 50000 + u
                                   : u * 1e6;
                if (kind == 3 && i % 50 == 0) v[i] = i % 100 ? -0.0 : 0.0;
            }
            memcpy(w, v, n * sizeof *v);
            times_sort(v, n);
            qsort(w, n, sizeof *w, by_value);
            for (size_t i = 0; i < n; i++) {
                /* -0 and 0 compare equal, and qsort may put them in either order */
                if (v[i] == 0 && w[i] == 0) continue;
                assert_memory_equal(&v[i], &w[i], sizeof *v);
            }
            free(v);
            free(w);
            lists++;
        }
    }
    assert_int_equal(lists, 65);
}

static void test_no_trucks_no_times(void **state)
{
    (void)state;
    af_scenario *s = load_text("name: times\n"
                               "start: 2024-03-04\n"
                               "horizon: 8 d\n"
                               "categories:\n"
                               "  - {name: food, tonnes_per_truck: 15 t, daily_need: 1 kg}\n"
                               "regions:\n"
                               "  - {name: south, population: 720000}\n"
                               "hubs:\n"
                               "  - {name: hub, serves: [south]}\n"
                               "origins:\n"
                               "  - name: arish\n"
                               "    dispatch: 06:00-06:01\n"
                               "    plan:\n"
                               "      - {from: 2024-03-04, trucks: {food: 20}}\n"
                               "      - {from: 2024-03-09, trucks: {food: 0}}\n"
                               "crossings:\n"
                               "  - {name: gate, lanes: 1, service: 50 min}\n"
                               "legs:\n"
                               "  - {name: in, from: arish, to: gate, travel: 1 h}\n"
                               "  - {name: out, from: gate, to: hub, travel: 10 min}\n"
                               "routes:\n"
                               "  - {name: main, origin: arish, via: [gate], hub: hub}\n");
    af_result *r = run_rep(s, 11, 0);
    for (int d = 0; d < 8; d++) {
        const af_daily_cell *c = daily_cell(r, d, 0, 0);
        if (d < 5) {
            assert_just_below(c->entry_time_p95_h, 1010);
        } else {
            assert_true(isnan(c->entry_time_mean_h) && isnan(c->entry_time_p95_h));
            assert_true(isnan(c->delivery_time_mean_h) && isnan(c->delivery_time_p95_h));
        }
    }
    af_result_free(r);
    af_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daily_mean_and_p95),
        cmocka_unit_test(test_horizon_mean_and_p95),
        cmocka_unit_test(test_blocked_time_beside_the_wait),
        cmocka_unit_test(test_no_trucks_no_times),
        cmocka_unit_test(test_sort_as_qsort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
