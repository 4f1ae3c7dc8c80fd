/* Validation of opening hours: a station open 8 hours a day serves no truck while closed, and
 * when saturated its daily throughput is lanes x open minutes / service time. */
#include "af_test.h"

#include <stdlib.h>

#include "mmc_model.h"

typedef struct starts {
    const af_schedule *sched;
    uint64_t count;
    uint64_t while_closed;
} starts;

static void on_start(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited)
{
    (void)st, (void)entity, (void)waited;
    starts *s = ctx;
    s->count++;
    if (!af_schedule_is_open(s->sched, af_sim_now(sim))) s->while_closed++;
}

/* 08:00-16:00 every day of the week. */
static af_schedule *eight_hours(void)
{
    af_schedule *s = af_schedule_create(AF_MONDAY);
    assert_non_null(s);
    for (int d = 0; d < 7; d++) assert_int_equal(af_schedule_add_hours(s, d, 480, 960, NULL), AF_OK);
    return s;
}

static void test_no_service_while_closed_and_exact_saturated_throughput(void **state)
{
    (void)state;
    af_schedule *sched = eight_hours();
    af_sim *sim = af_sim_create(0);
    starts st_rec = {.sched = sched};
    af_station_config cfg = {.name = "crossing", .lanes = 3, .schedule = sched,
                             .wip = AF_WIP_FINISH};
    af_station_hooks hooks = {.started = on_start, .ctx = &st_rec};
    af_station *st;
    assert_int_equal(af_station_create(&st, sim, &cfg, &hooks, NULL), AF_OK);
    /* Saturated: 2,000 trucks waiting from time 0, 30-minute deterministic service. */
    for (uint64_t i = 0; i < 2000; i++) assert_int_equal(af_station_arrive(st, i, 0, 30), AF_OK);
    for (int day = 0; day < 20; day++) {
        af_sim_run_until(sim, (day + 1) * AF_MINUTES_PER_DAY);
        const af_station_stats *s = af_station_get_stats(st);
        /* 3 lanes x 480 open minutes / 30 minutes = 48 a day, exactly. */
        assert_int_equal(s->served, 48);
        assert_int_equal(s->started, 48);
        af_station_reset_stats(st);
    }
    assert_int_equal(st_rec.count, 20 * 48);
    assert_int_equal(st_rec.while_closed, 0);
    af_station_destroy(st);
    af_sim_destroy(sim);
    af_schedule_destroy(sched);
}

/* Random service and Poisson arrivals above capacity, exponential service (mean 45 min),
 * 4 lanes open 480 minutes a day. Under AF_WIP_SUSPEND the lanes work only while open and
 * service is memoryless, so completions form a Poisson process while open: 4 x 480 / 45 a day.
 * Under AF_WIP_FINISH each lane starts a service at the opening and again at every completion
 * before closing: 1 + 480/45 starts per lane per day (renewal count plus the first). */
static void check_saturated(af_wip_policy wip, double theory)
{
    af_schedule *sched = eight_hours();
    af_dist service;
    assert_int_equal(af_dist_exponential(&service, 45, NULL), AF_OK);
    enum { REPS = 20, DAYS = 200 };
    double per_day[REPS];
    for (int rep = 0; rep < REPS; rep++) {
        qmodel m;
        /* 60 trucks a day arrive, well above capacity. */
        assert_int_equal(qmodel_init(&m, 4, 60.0 / AF_MINUTES_PER_DAY, &service, 99, (uint64_t)rep,
                                     sched, wip), 0);
        af_sim_run_until(m.sim, 10 * AF_MINUTES_PER_DAY);
        af_station_reset_stats(m.st);
        af_sim_run_until(m.sim, (10 + DAYS) * AF_MINUTES_PER_DAY);
        const af_station_stats *s = af_station_get_stats(m.st);
        per_day[rep] = (double)s->started / DAYS;
        /* The queue kept growing: saturated all along. */
        assert_true(af_station_queue_length(m.st) > 1000);
        qmodel_free(&m);
    }
    /* Two such checks in this file: simultaneous 95% intervals (Bonferroni), as in
     * test_queueing.c. */
    double mean, half;
    af_confidence_interval(per_day, REPS, 1 - 0.05 / 2, &mean, &half);
    printf("# saturated starts (%s): theory %.3f/day, simulated %.3f +- %.3f\n",
           wip == AF_WIP_SUSPEND ? "suspend" : "finish", theory, mean, half);
    af_assert_in_range(theory, mean - half, mean + half);
    af_dist_free(&service);
    af_schedule_destroy(sched);
}

static void test_saturated_random_throughput_suspend(void **state)
{
    (void)state;
    check_saturated(AF_WIP_SUSPEND, 4 * 480.0 / 45);
}

static void test_saturated_random_throughput_finish(void **state)
{
    (void)state;
    check_saturated(AF_WIP_FINISH, 4 * (1 + 480.0 / 45));
}

/* Arrivals while closed are all started at the opening minute, in arrival order. */
static void test_start_at_opening(void **state)
{
    (void)state;
    af_schedule *sched = eight_hours();
    af_sim *sim = af_sim_create(0);
    starts st_rec = {.sched = sched};
    af_station_config cfg = {.name = "gate", .lanes = 2, .schedule = sched};
    af_station_hooks hooks = {.started = on_start, .ctx = &st_rec};
    af_station *st;
    assert_int_equal(af_station_create(&st, sim, &cfg, &hooks, NULL), AF_OK);
    af_sim_run_until(sim, 17 * 60); /* 17:00, closed */
    assert_int_equal(af_station_arrive(st, 1, 0, 10), AF_OK);
    assert_int_equal(af_station_arrive(st, 2, 0, 10), AF_OK);
    af_sim_run_until(sim, AF_MINUTES_PER_DAY + 480 - 1);
    assert_int_equal(st_rec.count, 0);
    af_sim_run_until(sim, AF_MINUTES_PER_DAY + 480);
    assert_int_equal(st_rec.count, 2);
    const af_station_stats *s = af_station_get_stats(st);
    /* Both waited from 17:00 to 08:00 next day: 15 hours. */
    af_assert_close(af_tally_mean(&s->wait), 15 * 60, 1e-12, 0);
    assert_int_equal(st_rec.while_closed, 0);
    af_station_destroy(st);
    af_sim_destroy(sim);
    af_schedule_destroy(sched);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_service_while_closed_and_exact_saturated_throughput),
        cmocka_unit_test(test_saturated_random_throughput_suspend),
        cmocka_unit_test(test_saturated_random_throughput_finish),
        cmocka_unit_test(test_start_at_opening),
    };
    return cmocka_run_group_tests_name("opening_hours", tests, NULL, NULL);
}
