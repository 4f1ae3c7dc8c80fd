/* Tests of src/engine/station.c: hand-computed timelines recorded through the hooks. */
#include "af_test.h"

#include <stdlib.h>
#include <string.h>

#include "aidflow/station.h"
#include "engine/station_impl.h"
#include "engine/station_view.h"

#define DAY 1440.0
#define MAX_REC 1024

typedef struct rec {
    uint64_t entity;
    double t;
    double waited;
} rec;

typedef struct plan {
    double t;
    uint64_t entity;
    int priority;
    double service;
} plan;

typedef struct fx {
    af_sim *sim;
    af_station *st;
    rec starts[MAX_REC];
    size_t ns;
    rec dones[MAX_REC];
    size_t nd;
    char log[MAX_REC * 8]; /* "S<id> D<id> ..." in hook order */
    const plan *plans;
    /* Reentrancy tests: the done hook re-arrives entity + 1 while entity < rearrive_until. */
    uint64_t rearrive_until;
    uint64_t started_arrival; /* the started hook of this entity arrives entity + 1000 */
    uint64_t started_closes;  /* the started hook of this entity forces the station closed */
    uint64_t started_runs;    /* the started hook of this entity runs the calendar to now */
    uint32_t check_cap;       /* when set, every start must find the station open and the
                                 day's count within this cap */
} fx;

static void log_append(fx *f, char kind, uint64_t entity)
{
    size_t len = strlen(f->log);
    snprintf(f->log + len, sizeof f->log - len, "%c%llu ", kind, (unsigned long long)entity);
}

static void hook_started(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited)
{
    fx *f = ctx;
    assert_true(f->ns < MAX_REC);
    f->starts[f->ns++] = (rec){entity, af_sim_now(sim), waited};
    log_append(f, 'S', entity);
    if (f->check_cap) {
        assert_true(af_station_is_open(st));
        assert_true(af_station_started_today(st) <= f->check_cap);
    }
    if (f->started_arrival && entity == f->started_arrival)
        assert_int_equal(af_station_arrive(st, entity + 1000, 0, 5), AF_OK);
    if (f->started_closes && entity == f->started_closes) af_station_set_closed(st, true);
    if (f->started_runs && entity == f->started_runs)
        assert_int_equal(af_sim_run_until(sim, af_sim_now(sim)), AF_OK);
}

static void hook_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity)
{
    fx *f = ctx;
    assert_true(f->nd < MAX_REC);
    f->dones[f->nd++] = (rec){entity, af_sim_now(sim), 0};
    log_append(f, 'D', entity);
    if (entity < f->rearrive_until)
        assert_int_equal(af_station_arrive(st, entity + 1, 0, 10), AF_OK);
}

static void ev_arrive(af_sim *sim, void *ctx, uint64_t arg)
{
    fx *f = ctx;
    const plan *p = &f->plans[arg];
    assert_int_equal(af_station_arrive(f->st, p->entity, p->priority, p->service), AF_OK);
}

static void ev_close(af_sim *sim, void *ctx, uint64_t arg)
{
    fx *f = ctx;
    af_station_set_closed(f->st, arg != 0);
}

static af_station_config config(unsigned lanes)
{
    af_station_config c;
    memset(&c, 0, sizeof c);
    c.name = "test";
    c.lanes = lanes;
    c.discipline = AF_QUEUE_FCFS;
    c.wip = AF_WIP_FINISH;
    return c;
}

static fx *fx_new(const af_station_config *cfg, const plan *plans, size_t n)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->sim = af_sim_create(0);
    assert_non_null(f->sim);
    af_station_hooks hooks = {hook_started, hook_done, f, NULL, NULL};
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_station_create(&f->st, f->sim, cfg, &hooks, &err), AF_OK);
    f->plans = plans;
    for (size_t i = 0; i < n; i++)
        assert_true(af_sim_schedule_at(f->sim, plans[i].t, ev_arrive, f, i) != 0);
    return f;
}

static void fx_free(fx *f)
{
    af_station_destroy(f->st);
    af_sim_destroy(f->sim);
    free(f);
}

static void expect_starts(const fx *f, const uint64_t *ids, const double *times, size_t n)
{
    assert_int_equal(f->ns, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(f->starts[i].entity, ids[i]);
        af_assert_close(f->starts[i].t, times[i], 0, 1e-9);
    }
}

static void expect_dones(const fx *f, const uint64_t *ids, const double *times, size_t n)
{
    assert_int_equal(f->nd, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(f->dones[i].entity, ids[i]);
        af_assert_close(f->dones[i].t, times[i], 0, 1e-9);
    }
}

/* Mon-Fri 08:00-16:00, time 0 a Monday. */
static af_schedule *weekdays_8_to_16(void)
{
    af_schedule *s = af_schedule_create(AF_MONDAY);
    assert_non_null(s);
    for (int d = AF_MONDAY; d <= AF_FRIDAY; d++)
        assert_int_equal(af_schedule_add_hours(s, d, 480, 960, NULL), AF_OK);
    return s;
}

/* The inline queries of engine/station_view.h (what routing reads) against the public ones
 * and against a timeline by hand: one lane, queue limit 1, Mon-Fri 08:00-16:00 from a Monday,
 * under both disciplines. Trucks 1-3 arrive at 07:00 (closed: 1 queued, 2 and 3 blocked),
 * the station opens at 08:00 (1 starts for 120 minutes, 2 moves up, 3 is still blocked), and
 * a forced closing at 09:00 closes it with the schedule open. */
static void expect_views(const af_station *st, size_t queued, size_t blocked, bool open,
                         af_time next_open)
{
    assert_int_equal(af_station_queued(st), queued);
    assert_int_equal(af_station_queue_length(st), queued);
    assert_int_equal(af_station_blocked(st), blocked);
    assert_int_equal(af_station_blocked_count(st), blocked);
    assert_int_equal(af_station_open(st), open);
    assert_int_equal(af_station_is_open(st), open);
    af_assert_close(af_station_next_open(st), next_open, 0, 0);
    af_assert_close(af_station_next_scheduled_open(st), next_open, 0, 0);
}

static void test_inline_views_match_public_queries(void **state)
{
    (void)state;
    for (int d = 0; d < 2; d++) {
        af_schedule *sch = weekdays_8_to_16();
        af_sim *sim = af_sim_create(0);
        af_station_config c = config(1);
        c.schedule = sch;
        c.queue_limit = 1;
        c.discipline = d ? AF_QUEUE_PRIORITY : AF_QUEUE_FCFS;
        af_station *st = NULL;
        assert_int_equal(af_station_create(&st, sim, &c, NULL, NULL), AF_OK);
        expect_views(st, 0, 0, false, 480); /* 00:00 Monday */
        assert_int_equal(af_sim_run_until(sim, 420), AF_OK);
        for (uint64_t e = 1; e <= 3; e++) assert_int_equal(af_station_arrive(st, e, 0, 120), AF_OK);
        expect_views(st, 1, 2, false, 480);
        assert_int_equal(af_sim_run_until(sim, 480), AF_OK);
        expect_views(st, 1, 1, true, 480);
        assert_int_equal(af_sim_run_until(sim, 540), AF_OK);
        af_station_set_closed(st, true);
        expect_views(st, 1, 1, false, 540); /* the schedule is open: a forced closing is not in it */
        af_station_set_closed(st, false);
        /* Saturday noon: closed until Monday 08:00 (days 5 and 6 have no hours). */
        assert_int_equal(af_sim_run_until(sim, 5 * DAY + 720), AF_OK);
        expect_views(st, 0, 0, false, 7 * DAY + 480);
        af_station_destroy(st);
        af_sim_destroy(sim);
        af_schedule_destroy(sch);
    }
}

static void test_single_lane_deterministic(void **state)
{
    (void)state;
    static const plan p[] = {{0, 1, 0, 10}, {5, 2, 0, 10}, {30, 3, 0, 5}};
    af_station_config c = config(1);
    fx *f = fx_new(&c, p, 3);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    expect_starts(f, (uint64_t[]){1, 2, 3}, (double[]){0, 10, 30}, 3);
    expect_dones(f, (uint64_t[]){1, 2, 3}, (double[]){10, 20, 35}, 3);
    af_assert_close(f->starts[1].waited, 5, 0, 1e-12);
    af_assert_close(f->starts[2].waited, 0, 0, 1e-12);
    const af_station_stats *s = af_station_get_stats(f->st);
    assert_int_equal(s->arrivals, 3);
    assert_int_equal(s->started, 3);
    assert_int_equal(s->served, 3);
    af_assert_close(af_tally_mean(&s->wait), 5.0 / 3, 1e-12, 0);
    af_assert_close(af_tally_mean(&s->sojourn), (10 + 15 + 5) / 3.0, 1e-12, 0);
    af_assert_close(s->sojourn.max, 15, 0, 1e-12);
    af_assert_close(af_timeavg_area(&s->busy, 100), 25, 0, 1e-9);
    af_assert_close(af_timeavg_area(&s->queue, 100), 5, 0, 1e-9);
    assert_string_equal(af_station_name(f->st), "test");
    assert_int_equal(af_station_lanes(f->st), 1);
    assert_int_equal(af_station_busy(f->st), 0);
    fx_free(f);
}

static void test_c_lanes(void **state)
{
    (void)state;
    static const plan p[] = {
        {0, 0, 0, 10}, {0, 1, 0, 20}, {0, 2, 0, 30}, {0, 3, 0, 40}, {0, 4, 0, 50}};
    af_station_config c = config(2);
    fx *f = fx_new(&c, p, 5);
    assert_int_equal(af_sim_run_until(f->sim, 5), AF_OK);
    assert_int_equal(af_station_busy(f->st), 2);
    assert_int_equal(af_station_queue_length(f->st), 3);
    assert_int_equal(af_sim_run_until(f->sim, 200), AF_OK);
    expect_starts(f, (uint64_t[]){0, 1, 2, 3, 4}, (double[]){0, 0, 10, 20, 40}, 5);
    expect_dones(f, (uint64_t[]){0, 1, 2, 3, 4}, (double[]){10, 20, 40, 60, 90}, 5);
    const af_station_stats *s = af_station_get_stats(f->st);
    /* Busy: 2 lanes over [0, 60), 1 over [60, 90). */
    af_assert_close(af_timeavg_area(&s->busy, 200), 150, 0, 1e-9);
    af_assert_close(s->busy.max, 2, 0, 0);
    fx_free(f);
}

static void run_order(af_queue_discipline d, const uint64_t *want)
{
    static const plan p[] = {
        {0, 0, 5, 10}, {1, 1, 3, 10}, {2, 2, 1, 10}, {3, 3, 3, 10}, {4, 4, 1, 10}};
    af_station_config c = config(1);
    c.discipline = d;
    fx *f = fx_new(&c, p, 5);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    expect_starts(f, want, (double[]){0, 10, 20, 30, 40}, 5);
    fx_free(f);
}

static void test_fcfs_vs_priority(void **state)
{
    (void)state;
    run_order(AF_QUEUE_FCFS, (uint64_t[]){0, 1, 2, 3, 4});
    run_order(AF_QUEUE_PRIORITY, (uint64_t[]){0, 2, 4, 1, 3});
}

/* Many equal and unequal priorities through the heap and the ring (growth, wrap-around). */
static void test_queue_growth_and_ties(void **state)
{
    (void)state;
    enum { N = 300 };
    plan *p = calloc(N, sizeof *p);
    assert_non_null(p);
    for (int i = 0; i < N; i++) p[i] = (plan){i * 0.5, (uint64_t)i, (i * 7) % 3, 1.0};
    for (int disc = 0; disc < 2; disc++) {
        af_station_config c = config(1);
        c.discipline = disc ? AF_QUEUE_PRIORITY : AF_QUEUE_FCFS;
        fx *f = fx_new(&c, p, N);
        assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
        assert_int_equal(f->ns, N);
        /* Entity 0 starts alone; by t = 1 the queue holds the next ones. */
        for (int i = 1; i < N; i++) {
            const rec *a = &f->starts[i - 1], *b = &f->starts[i];
            af_assert_close(b->t, a->t + 1.0, 0, 1e-9);
            if (!disc) {
                assert_int_equal(b->entity, a->entity + 1);
            }
        }
        if (disc) {
            /* Whatever was waiting when a lane freed: lowest priority first, FCFS among equals.
             * Check by replaying the queue contents at each start time. */
            bool *done = calloc(N, sizeof *done);
            for (int i = 0; i < N; i++) {
                double t = f->starts[i].t;
                int best = -1;
                for (int j = 0; j < N; j++) {
                    if (done[j] || p[j].t > t) continue;
                    if (best < 0 || p[j].priority < p[best].priority) best = j;
                }
                assert_int_equal(f->starts[i].entity, (uint64_t)best);
                done[best] = true;
            }
            free(done);
        }
        fx_free(f);
    }
    free(p);
}

static void test_queue_limit_blocking(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 10}, {0, 1, 0, 10}, {0, 2, 0, 10},
                             {0, 3, 0, 10}, {0, 4, 0, 10}, {0, 5, 0, 10}};
    af_station_config c = config(1);
    c.queue_limit = 2;
    fx *f = fx_new(&c, p, 6);
    assert_int_equal(af_sim_run_until(f->sim, 0), AF_OK);
    assert_int_equal(af_station_queue_length(f->st), 2);
    assert_int_equal(af_station_blocked_count(f->st), 3);
    assert_int_equal(af_sim_run_until(f->sim, 15), AF_OK);
    assert_int_equal(af_station_queue_length(f->st), 2);
    assert_int_equal(af_station_blocked_count(f->st), 2);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    expect_starts(f, (uint64_t[]){0, 1, 2, 3, 4, 5}, (double[]){0, 10, 20, 30, 40, 50}, 6);
    const af_station_stats *s = af_station_get_stats(f->st);
    assert_int_equal(s->arrivals, 6);
    assert_int_equal(s->blocked_arrivals, 3);
    /* Entities 3, 4, 5 move into the queue at 10, 20, 30. */
    assert_int_equal(s->blocked_wait.n, 3);
    af_assert_close(af_tally_mean(&s->blocked_wait), 20, 0, 1e-9);
    af_assert_close(s->blocked_wait.min, 10, 0, 1e-9);
    af_assert_close(s->blocked_wait.max, 30, 0, 1e-9);
    /* Queue waits: 0, 10, 20, then 20 each for the three that were blocked. */
    af_assert_close(af_tally_mean(&s->wait), 90.0 / 6, 1e-12, 0);
    af_assert_close(f->starts[3].waited, 20, 0, 1e-9);
    /* Blocked: 3 over [0,10), 2 over [10,20), 1 over [20,30). Queue: 2 over [0,40), 1 to 50. */
    af_assert_close(af_timeavg_area(&s->blocked, 100), 60, 0, 1e-9);
    af_assert_close(af_timeavg_area(&s->queue, 100), 90, 0, 1e-9);
    fx_free(f);
}

/* Raising the queue limit (af_station_set_queue_limit, as a dated change does): one lane,
 * service 10, six arrivals at 0 with a queue limit of 2 leave 2 queued and 3 blocked upstream;
 * lifting the limit (0: none) at once admits the 3 blocked into the queue (5 queued, none
 * blocked), and the order of service is unchanged: 0..5 at 0, 10, ..., 50. */
static void test_queue_limit_raised(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 10}, {0, 1, 0, 10}, {0, 2, 0, 10},
                             {0, 3, 0, 10}, {0, 4, 0, 10}, {0, 5, 0, 10}};
    af_station_config c = config(1);
    c.queue_limit = 2;
    fx *f = fx_new(&c, p, 6);
    assert_int_equal(af_sim_run_until(f->sim, 0), AF_OK);
    assert_int_equal(af_station_queue_length(f->st), 2);
    assert_int_equal(af_station_blocked_count(f->st), 3);
    af_station_set_queue_limit(f->st, 0);
    assert_int_equal(af_station_queue_length(f->st), 5);
    assert_int_equal(af_station_blocked_count(f->st), 0);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    expect_starts(f, (uint64_t[]){0, 1, 2, 3, 4, 5}, (double[]){0, 10, 20, 30, 40, 50}, 6);
    fx_free(f);
}

/* Withdrawing: one lane, service 10, six arrivals at 0, queue limit 2. At 5, entity 1 (queued)
 * leaves: entity 3 moves up from the upstream line; entity 4 (blocked) leaves too; entity 0
 * (in service) cannot. The rest are served in order 0, 2, 3, 5 at 0, 10, 20, 30. Under
 * PRIORITY, withdrawing from the middle of the heap keeps the order of the rest. */
static void ev_withdraw(af_sim *sim, void *ctx, uint64_t arg)
{
    fx *f = ctx;
    double waited = -1;
    assert_int_equal(af_station_withdraw(f->st, arg, &waited), AF_OK);
    af_assert_close(waited, af_sim_now(sim), 0, 1e-9); /* all arrived at 0 */
}

static void test_withdraw(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 10}, {0, 1, 0, 10}, {0, 2, 0, 10},
                             {0, 3, 0, 10}, {0, 4, 0, 10}, {0, 5, 0, 10}};
    af_station_config c = config(1);
    c.queue_limit = 2;
    fx *f = fx_new(&c, p, 6);
    assert_true(af_sim_schedule_at(f->sim, 5, ev_withdraw, f, 1) != 0);
    assert_true(af_sim_schedule_at(f->sim, 5, ev_withdraw, f, 4) != 0);
    assert_int_equal(af_sim_run_until(f->sim, 5), AF_OK);
    assert_int_equal(af_station_queue_length(f->st), 2); /* 2 and 3 */
    assert_int_equal(af_station_blocked_count(f->st), 1); /* 5 */
    assert_int_equal(af_station_withdraw(f->st, 0, NULL), AF_NOTFOUND); /* in service */
    assert_int_equal(af_station_withdraw(f->st, 99, NULL), AF_NOTFOUND);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    expect_starts(f, (uint64_t[]){0, 2, 3, 5}, (double[]){0, 10, 20, 30}, 4);
    const af_station_stats *s = af_station_get_stats(f->st);
    assert_int_equal(s->withdrawn, 2);
    assert_int_equal(s->served, 4);
    /* Entity 3 was blocked [0,5); 5 was blocked [0,10). */
    assert_int_equal(s->blocked_wait.n, 2);
    af_assert_close(af_tally_mean(&s->blocked_wait), 7.5, 0, 1e-9);
    fx_free(f);

    /* Priority: entities 0..6 at 0 with priorities 0,5,1,4,2,3,0: 0 in service; withdraw 3
     * (priority 4) at 1, then 2 (priority 1): the rest start by (priority, arrival). */
    static const plan q[] = {{0, 0, 0, 10}, {0, 1, 5, 10}, {0, 2, 1, 10}, {0, 3, 4, 10},
                             {0, 4, 2, 10}, {0, 5, 3, 10}, {0, 6, 0, 10}};
    af_station_config d = config(1);
    d.discipline = AF_QUEUE_PRIORITY;
    f = fx_new(&d, q, 7);
    assert_int_equal(af_sim_run_until(f->sim, 0), AF_OK);
    assert_int_equal(af_station_withdraw(f->st, 3, NULL), AF_OK);
    assert_int_equal(af_station_withdraw(f->st, 2, NULL), AF_OK);
    assert_int_equal(af_station_withdraw(f->st, 2, NULL), AF_NOTFOUND);
    assert_int_equal(af_station_queue_length(f->st), 4);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    expect_starts(f, (uint64_t[]){0, 6, 4, 5, 1}, (double[]){0, 10, 20, 30, 40}, 5);
    fx_free(f);

    /* Withdrawing where the last entry must move up: 0 in service, then 1..7 with priorities
     * 7, 20, 18, 16, 12, 9, 6 queue as the heap [6, 12, 7, 20, 16, 18, 9] (by priority;
     * pushes move up past larger parents). Withdrawing 2 (priority 20, place 3, under 12 in
     * place 1) puts the last entry, 6 (priority 9), in place 3, below 12: it must rise above
     * it, or 5 (priority 12) starts before 6. The rest start by priority: 7 1 6 5 4 3. */
    static const plan up[] = {{0, 0, 0, 10},  {0, 1, 7, 10},  {0, 2, 20, 10}, {0, 3, 18, 10},
                              {0, 4, 16, 10}, {0, 5, 12, 10}, {0, 6, 9, 10},  {0, 7, 6, 10}};
    f = fx_new(&d, up, 8);
    assert_int_equal(af_sim_run_until(f->sim, 0), AF_OK);
    assert_int_equal(af_station_withdraw(f->st, 2, NULL), AF_OK);
    assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
    expect_starts(f, (uint64_t[]){0, 7, 1, 6, 5, 4, 3}, (double[]){0, 10, 20, 30, 40, 50, 60},
                  7);
    fx_free(f);
}

/* Withdrawing from a queue whose ring has wrapped round its array (16 places at first): one
 * lane, service 1. Entities 100-115 arrive at 0 (100 starts; 101-115 take places 1-15), 101-110
 * start at 1..10, so at 10.5 the queue is 111-115 in places 11-15, and 116-125 then take places
 * 0-9. Withdrawn at 10.5: 113 and 111 (the first run), 120 and 125 (the wrapped one); 110 is in
 * service and 113 already gone. The rest start one a minute from 11 in arrival order. */
static void ev_withdraw_wrapped(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    fx *f = ctx;
    static const uint64_t ok[] = {113, 120, 125, 111};
    double waited = -1;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(af_station_withdraw(f->st, ok[i], &waited), AF_OK);
        af_assert_close(waited, ok[i] < 116 ? 10.5 : 0.0, 0, 0);
    }
    assert_int_equal(af_station_withdraw(f->st, 110, NULL), AF_NOTFOUND);
    assert_int_equal(af_station_withdraw(f->st, 113, NULL), AF_NOTFOUND);
    assert_int_equal(af_station_queue_length(f->st), 11);
    (void)arg;
}

static void test_withdraw_from_wrapped_ring(void **state)
{
    (void)state;
    static plan p[26];
    for (size_t i = 0; i < 26; i++)
        p[i] = (plan){.t = i < 16 ? 0.0 : 10.5, .entity = 100 + i, .priority = 0, .service = 1};
    af_station_config c = config(1);
    fx *f = fx_new(&c, p, 26);
    assert_true(af_sim_schedule_at(f->sim, 10.5, ev_withdraw_wrapped, f, 0) != 0);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    static const uint64_t ids[] = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
                                   112, 114, 115, 116, 117, 118, 119, 121, 122, 123, 124};
    double times[22];
    for (size_t i = 0; i < 22; i++) times[i] = (double)i;
    expect_starts(f, ids, times, 22);
    assert_int_equal(af_station_get_stats(f->st)->withdrawn, 4);
    fx_free(f);
}

/* Withdrawing from FCFS queues of every length from 2 to 40, ring wrapped or not (the ring
 * has grown to 64 places and its head moved 40 on; a queue of more than 24 wraps round), at
 * every position: entity 7 waits twice, at positions j < k, and leaves from its later place
 * first (its wait tells which: the entity at position i arrived at minute 100 + i), then from
 * the earlier, then is not found; the others stay in order. */
static void test_withdraw_every_position(void **state)
{
    (void)state;
    for (size_t n = 2; n <= 40; n++)
        for (size_t k = 1; k < n; k++) {
            size_t j = (7 * n + 3) % k; /* 0 .. k - 1, varied */
            af_sim *sim = af_sim_create(0);
            assert_non_null(sim);
            af_station *st;
            af_station_config c = config(1);
            assert_int_equal(af_station_create(&st, sim, &c, NULL, NULL), AF_OK);
            assert_int_equal(af_station_arrive(st, 1, 0, 5), AF_OK);
            for (uint64_t i = 0; i < 40; i++)
                assert_int_equal(af_station_arrive(st, 1000 + i, 0, 0), AF_OK);
            assert_int_equal(af_sim_run_until(sim, 50), AF_OK);
            assert_int_equal(af_station_queue_length(st), 0);
            assert_int_equal(af_station_arrive(st, 2, 0, 1e6), AF_OK); /* in service */
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(af_sim_run_until(sim, 100 + (double)i), AF_OK);
                uint64_t id = i == j || i == k ? 7 : 10 + i;
                assert_int_equal(af_station_arrive(st, id, 0, 1), AF_OK);
            }
            assert_int_equal(af_sim_run_until(sim, 200), AF_OK);
            double waited = -1;
            assert_int_equal(af_station_withdraw(st, 7, &waited), AF_OK);
            assert_true(waited == 100 - (double)k);
            assert_int_equal(af_station_withdraw(st, 7, &waited), AF_OK);
            assert_true(waited == 100 - (double)j);
            assert_int_equal(af_station_withdraw(st, 7, NULL), AF_NOTFOUND);
            assert_int_equal(af_station_withdraw(st, 2, NULL), AF_NOTFOUND);
            assert_int_equal(af_station_queue_length(st), n - 2);
            /* The others are all still there, each where it arrived. */
            for (size_t i = n; i-- > 0;) {
                if (i == j || i == k) continue;
                assert_int_equal(af_station_withdraw(st, 10 + i, &waited), AF_OK);
                assert_true(waited == 100 - (double)i);
            }
            assert_int_equal(af_station_queue_length(st), 0);
            af_station_destroy(st);
            af_sim_destroy(sim);
        }
}

static void test_closed_station_starts_at_opening(void **state)
{
    (void)state;
    af_schedule *sch = weekdays_8_to_16();
    static const plan p[] = {{100, 0, 0, 30}, {200, 1, 0, 30}, {470, 2, 0, 30},
                             {970, 3, 0, 30}, {940, 4, 0, 30}};
    af_station_config c = config(2);
    c.schedule = sch;
    fx *f = fx_new(&c, p, 5);
    assert_int_equal(af_sim_run_until(f->sim, 479), AF_OK);
    assert_false(af_station_is_open(f->st));
    assert_int_equal(f->ns, 0);
    assert_int_equal(af_station_queue_length(f->st), 3);
    assert_int_equal(af_sim_run_until(f->sim, 480), AF_OK);
    assert_true(af_station_is_open(f->st));
    /* Two lanes open at 480 together; the third waits for the first to finish. Entity 4
     * arrives at 940 and starts; entity 3 arrives after closing and waits for Tuesday. */
    assert_int_equal(af_sim_run_until(f->sim, 3 * DAY), AF_OK);
    expect_starts(f, (uint64_t[]){0, 1, 2, 4, 3},
                  (double[]){480, 480, 510, 940, DAY + 480}, 5);
    af_assert_close(f->starts[0].waited, 380, 0, 1e-9);
    af_assert_close(f->starts[2].waited, 40, 0, 1e-9);
    af_assert_close(f->starts[4].waited, DAY + 480 - 970, 0, 1e-9);
    fx_free(f);
    af_schedule_destroy(sch);
}

/* A 60-minute service started 30 minutes before closing (16:00). */
static void run_wip(af_wip_policy wip, double want_done0, double want_start1,
                    double want_done1, double want_busy_area_at_1000)
{
    af_schedule *sch = weekdays_8_to_16();
    static const plan p[] = {{930, 0, 0, 60}, {940, 1, 0, 10}};
    af_station_config c = config(1);
    c.schedule = sch;
    c.wip = wip;
    fx *f = fx_new(&c, p, 2);
    assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
    const af_station_stats *s = af_station_get_stats(f->st);
    af_assert_close(af_timeavg_area(&s->busy, 1000), want_busy_area_at_1000, 0, 1e-9);
    assert_int_equal(af_station_busy(f->st), 0);
    assert_int_equal(af_sim_run_until(f->sim, 3 * DAY), AF_OK);
    expect_starts(f, (uint64_t[]){0, 1}, (double[]){930, want_start1}, 2);
    expect_dones(f, (uint64_t[]){0, 1}, (double[]){want_done0, want_done1}, 2);
    af_assert_close(af_tally_mean(&s->sojourn),
                    ((want_done0 - 930) + (want_done1 - 940)) / 2, 1e-12, 0);
    af_assert_close(af_timeavg_area(&s->busy, 3 * DAY), 70, 0, 1e-9);
    fx_free(f);
    af_schedule_destroy(sch);
}

static void test_wip_finish_vs_suspend(void **state)
{
    (void)state;
    /* FINISH: done at closing + 30; the waiting one starts at Tuesday's opening. */
    run_wip(AF_WIP_FINISH, 990, DAY + 480, DAY + 490, 60);
    /* SUSPEND: 30 minutes done, 30 more from Tuesday 08:00; it keeps its lane, so the
     * waiting one starts only after it. Suspended time is not busy time. */
    run_wip(AF_WIP_SUSPEND, DAY + 510, DAY + 510, DAY + 520, 30);
}

/* Suspended on Friday, resumed on Monday; a service ending exactly at closing completes. */
static void test_suspend_over_weekend(void **state)
{
    (void)state;
    af_schedule *sch = weekdays_8_to_16();
    double fri = 4 * DAY;
    const plan p[] = {{fri + 900, 0, 0, 100}, {fri + 940, 1, 0, 20}};
    af_station_config c = config(2);
    c.schedule = sch;
    c.wip = AF_WIP_SUSPEND;
    fx *f = fx_new(&c, p, 2);
    assert_int_equal(af_sim_run_until(f->sim, 8 * DAY), AF_OK);
    expect_dones(f, (uint64_t[]){1, 0}, (double[]){fri + 960, 7 * DAY + 480 + 40}, 2);
    fx_free(f);
    af_schedule_destroy(sch);
}

static void test_daily_cap(void **state)
{
    (void)state;
    plan p[10];
    for (int i = 0; i < 10; i++) p[i] = (plan){0, (uint64_t)i, 0, 10};
    af_station_config c = config(1);
    c.daily_cap = 3;
    fx *f = fx_new(&c, p, 10);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    assert_int_equal(af_station_started_today(f->st), 3);
    assert_int_equal(af_station_queue_length(f->st), 7);
    assert_int_equal(af_sim_run_until(f->sim, 10 * DAY), AF_OK);
    double want[10];
    for (int i = 0; i < 10; i++) want[i] = (i / 3) * DAY + (i % 3) * 10;
    expect_starts(f, (uint64_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, want, 10);
    af_assert_close(f->starts[3].t, 1440, 0, 0);
    af_assert_close(f->starts[9].waited, 3 * DAY, 0, 1e-9);
    fx_free(f);

    /* With opening hours: the midnight wake-up finds the station closed and waits for 08:00. */
    af_schedule *sch = weekdays_8_to_16();
    af_station_config c2 = config(2);
    c2.daily_cap = 1;
    c2.schedule = sch;
    fx *g = fx_new(&c2, p, 3);
    assert_int_equal(af_sim_run_until(g->sim, 5 * DAY), AF_OK);
    expect_starts(g, (uint64_t[]){0, 1, 2}, (double[]){480, DAY + 480, 2 * DAY + 480}, 3);
    fx_free(g);
    af_schedule_destroy(sch);
}

static void run_forced(af_wip_policy wip, const double *want_starts, const double *want_dones)
{
    static const plan p[] = {{0, 0, 0, 100}, {60, 1, 0, 10}};
    af_station_config c = config(1);
    c.wip = wip;
    fx *f = fx_new(&c, p, 2);
    assert_true(af_sim_schedule_at(f->sim, 50, ev_close, f, 1) != 0);
    assert_true(af_sim_schedule_at(f->sim, 200, ev_close, f, 0) != 0);
    assert_int_equal(af_sim_run_until(f->sim, 150), AF_OK);
    assert_false(af_station_is_open(f->st));
    assert_int_equal(af_station_queue_length(f->st), 1);
    assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
    assert_true(af_station_is_open(f->st));
    expect_starts(f, (uint64_t[]){0, 1}, want_starts, 2);
    expect_dones(f, (uint64_t[]){0, 1}, want_dones, 2);
    fx_free(f);
}

static void test_forced_closure(void **state)
{
    (void)state;
    run_forced(AF_WIP_FINISH, (double[]){0, 200}, (double[]){100, 210});
    run_forced(AF_WIP_SUSPEND, (double[]){0, 250}, (double[]){250, 260});

    /* Forced closed from inside the started hook, mid-dispatch: two wait for the 08:00
     * opening; the first starts and closes the station, so it is suspended at once (SUSPEND)
     * and the second lane starts nothing until the reopening at 600. */
    af_schedule *sch = weekdays_8_to_16();
    static const plan p[] = {{0, 7, 0, 10}, {1, 8, 0, 10}};
    af_station_config c = config(2);
    c.wip = AF_WIP_SUSPEND;
    c.schedule = sch;
    fx *f = fx_new(&c, p, 2);
    f->started_closes = 7;
    assert_true(af_sim_schedule_at(f->sim, 600, ev_close, f, 0) != 0);
    assert_int_equal(af_sim_run_until(f->sim, 500), AF_OK);
    assert_int_equal(af_station_busy(f->st), 0);
    assert_int_equal(af_station_queue_length(f->st), 1);
    assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
    expect_starts(f, (uint64_t[]){7, 8}, (double[]){480, 600}, 2);
    expect_dones(f, (uint64_t[]){7, 8}, (double[]){610, 610}, 2);
    af_assert_close(af_timeavg_area(&af_station_get_stats(f->st)->busy, 1000), 20, 0, 1e-9);
    fx_free(f);
    af_schedule_destroy(sch);
}

static void test_reset_stats(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 100}, {0, 1, 0, 100}, {0, 2, 0, 100}};
    af_station_config c = config(1);
    fx *f = fx_new(&c, p, 3);
    assert_int_equal(af_sim_run_until(f->sim, 50), AF_OK);
    af_station_reset_stats(f->st);
    const af_station_stats *s = af_station_get_stats(f->st);
    assert_int_equal(s->arrivals, 0);
    assert_int_equal(s->started, 0);
    assert_int_equal(s->wait.n, 0);
    af_assert_close(s->queue.value, 2, 0, 0);
    af_assert_close(s->busy.value, 1, 0, 0);
    af_assert_close(s->queue.t_start, 50, 0, 0);
    assert_int_equal(af_sim_run_until(f->sim, 150), AF_OK);
    assert_int_equal(s->started, 1);
    assert_int_equal(s->served, 1);
    assert_int_equal(s->wait.n, 1);
    af_assert_close(af_tally_mean(&s->wait), 100, 0, 1e-9);
    /* Queue over [50, 150]: 2 until 100, then 1. */
    af_assert_close(af_timeavg_area(&s->queue, 150), 150, 0, 1e-9);
    af_assert_close(af_timeavg_mean(&s->queue, 150), 1.5, 1e-12, 0);
    af_assert_close(af_timeavg_mean(&s->busy, 150), 1, 1e-12, 0);
    fx_free(f);
}

/* A reset after a completion and an admission from the blocked line clears every tally, the
 * sojourn and blocked-wait ones included, and they count only what follows. One lane, a
 * queue of one: at 0 entity 0 starts, 1 queues, 2 is blocked; at 100 entity 0 is done
 * (sojourn 100), 1 starts and 2 moves into the queue (blocked 100). Reset at 150; at 200
 * entity 1 is done after a sojourn of 200 and 2 starts after a queue wait of 100. */
static void test_reset_clears_every_tally(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 100}, {0, 1, 0, 100}, {0, 2, 0, 100}};
    af_station_config c = config(1);
    c.queue_limit = 1;
    fx *f = fx_new(&c, p, 3);
    assert_int_equal(af_sim_run_until(f->sim, 150), AF_OK);
    const af_station_stats *s = af_station_get_stats(f->st);
    assert_int_equal(s->sojourn.n, 1);
    assert_int_equal(s->blocked_wait.n, 1);
    af_station_reset_stats(f->st);
    assert_int_equal(s->sojourn.n, 0);
    assert_int_equal(s->blocked_wait.n, 0);
    assert_int_equal(s->wait.n, 0);
    assert_int_equal(s->served, 0);
    assert_int_equal(s->blocked_arrivals, 0);
    assert_int_equal(af_sim_run_until(f->sim, 250), AF_OK);
    assert_int_equal(s->sojourn.n, 1);
    af_assert_close(af_tally_mean(&s->sojourn), 200, 0, 1e-9);
    assert_int_equal(s->wait.n, 1);
    af_assert_close(af_tally_mean(&s->wait), 100, 0, 1e-9);
    assert_int_equal(s->blocked_wait.n, 0);
    fx_free(f);
}

/* Destroying a station takes its pending events out of the calendar: a service in progress,
 * the closing it must hear about (WIP suspend), and a wake-up for the next opening. Monday
 * 08:00-16:00: entity 0 starts at 500 for 1000 minutes, so at 600 its completion (1500) and
 * the closing (960) are pending. Entity 1 arrives at 1000, after closing, and waits for
 * Tuesday 08:00 with a wake-up pending. Nothing of the station may be left behind. */
static void test_destroy_cancels_pending_events(void **state)
{
    (void)state;
    af_schedule *sch = weekdays_8_to_16();
    static const plan p[] = {{500, 0, 0, 1000}};
    af_station_config c = config(1);
    c.schedule = sch;
    c.wip = AF_WIP_SUSPEND;
    fx *f = fx_new(&c, p, 1);
    assert_int_equal(af_sim_run_until(f->sim, 600), AF_OK);
    assert_int_equal(af_sim_pending(f->sim), 2);
    af_station_destroy(f->st);
    f->st = NULL;
    assert_int_equal(af_sim_pending(f->sim), 0);
    fx_free(f);

    static const plan q[] = {{1000, 1, 0, 10}};
    c.wip = AF_WIP_FINISH;
    f = fx_new(&c, q, 1);
    assert_int_equal(af_sim_run_until(f->sim, 1100), AF_OK);
    assert_int_equal(af_station_queue_length(f->st), 1);
    assert_int_equal(af_sim_pending(f->sim), 1);
    assert_int_equal(af_sim_next_time(f->sim), DAY + 480);
    af_station_destroy(f->st);
    f->st = NULL;
    assert_int_equal(af_sim_pending(f->sim), 0);
    fx_free(f);
    af_schedule_destroy(sch);
}

/* An arrival to a closed station whose lanes are all busy arms the wake-up at the next
 * opening at once (the arrival's refresh, not the completion's, arms it). Open 08:00-16:00 on
 * weekdays, work in progress finishes. Entity 1 arrives Monday 15:00 (900) for 120 minutes and
 * finishes at 17:00 (1020), after closing; entity 2 arrives at 1000, closed, the lane busy:
 * pending then are entity 1's completion (1020) and the wake-up at Tuesday 08:00 (1440 + 480).
 * After the completion only the wake-up is left, and entity 2 starts at it. */
static void test_arrival_when_closed_and_busy_arms_the_wake(void **state)
{
    (void)state;
    af_schedule *sch = weekdays_8_to_16();
    static const plan p[] = {{900, 1, 0, 120}, {1000, 2, 0, 10}};
    af_station_config c = config(1);
    c.schedule = sch;
    fx *f = fx_new(&c, p, 2);
    assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
    assert_int_equal(af_sim_pending(f->sim), 2);
    assert_int_equal(af_sim_next_time(f->sim), 1020);
    assert_int_equal(af_sim_run_until(f->sim, 1500), AF_OK);
    assert_int_equal(af_sim_pending(f->sim), 1);
    assert_int_equal(af_sim_next_time(f->sim), DAY + 480);
    assert_int_equal(af_sim_run_until(f->sim, 2 * DAY), AF_OK);
    expect_starts(f, (uint64_t[]){1, 2}, (double[]){900, DAY + 480}, 2);
    fx_free(f);
    af_schedule_destroy(sch);
}

/* At most one wake-up is pending, the earliest needed. Open every day 00:00-10:00 and
 * 15:00-24:00, one start a day. Entity 0 starts at 0 and is done at 10; entity 1 then waits
 * for midnight (wake-up at 1440). Entity 2 arrives at 700, while closed: the station now
 * needs to wake at 15:00 (900), earlier, and the midnight wake-up is replaced, not added. */
static void test_earlier_wake_replaces_later_one(void **state)
{
    (void)state;
    af_schedule *sch = af_schedule_create(AF_MONDAY);
    assert_non_null(sch);
    for (int d = AF_MONDAY; d <= AF_SUNDAY; d++) {
        assert_int_equal(af_schedule_add_hours(sch, d, 0, 600, NULL), AF_OK);
        assert_int_equal(af_schedule_add_hours(sch, d, 900, 1440, NULL), AF_OK);
    }
    static const plan p[] = {{0, 0, 0, 10}, {0, 1, 0, 10}, {700, 2, 0, 10}};
    af_station_config c = config(1);
    c.schedule = sch;
    c.daily_cap = 1;
    fx *f = fx_new(&c, p, 3);
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    assert_int_equal(af_sim_pending(f->sim), 2); /* entity 2's arrival, the midnight wake */
    assert_int_equal(af_sim_run_until(f->sim, 700), AF_OK);
    assert_int_equal(af_sim_pending(f->sim), 1);
    assert_int_equal(af_sim_next_time(f->sim), 900);
    assert_int_equal(af_sim_run_until(f->sim, 4 * DAY), AF_OK);
    expect_starts(f, (uint64_t[]){0, 1, 2}, (double[]){0, DAY, 2 * DAY}, 3);
    fx_free(f);
    af_schedule_destroy(sch);
}

/* A service whose end cannot be scheduled (1e308 + 1e308 overflows to infinity, a time the
 * calendar refuses) does not start: the entity stays at the head of the queue, in either
 * discipline, and no lane is taken. */
static void test_unschedulable_service_stays_queued(void **state)
{
    (void)state;
    static const plan p[] = {{1e308, 0, 3, 1e308}};
    for (int k = 0; k < 2; k++) {
        af_station_config c = config(1);
        c.discipline = k ? AF_QUEUE_PRIORITY : AF_QUEUE_FCFS;
        fx *f = fx_new(&c, p, 1);
        assert_int_equal(af_sim_run_until(f->sim, 1e308), AF_OK);
        assert_int_equal(af_station_queue_length(f->st), 1);
        assert_int_equal(af_station_busy(f->st), 0);
        assert_int_equal(f->ns, 0);
        assert_int_equal(af_station_get_stats(f->st)->started, 0);
        fx_free(f);
    }
}

static void ev_withdraw_any(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    fx *f = ctx;
    assert_int_equal(af_station_withdraw(f->st, arg, NULL), AF_OK);
}

/* The same at a station that is not plain (a schedule open all week), by its short ways
 * (an arrival who finds a lane free and no one waiting starts at once; a completion with
 * someone waiting restarts its lane) and by the general way. Entity 0 starts at once: its
 * end, 1e308 + 1, rounds to 1e308. Entity 1, queued behind it, cannot start at that
 * completion: it stays at the head and the lane is free, as entity 2 finds it once 1 has
 * been withdrawn (it starts at once and ends at once, 1.5e308 + 1 rounding to 1.5e308).
 * Entity 3 then finds the lane free but cannot start: it stays in the queue. Both ways end
 * with the same statistics. */
static void test_unschedulable_service_stays_queued_general(void **state)
{
    (void)state;
    static const plan p[] = {{1e308, 0, 0, 1},
                             {1e308, 1, 0, 1e308},
                             {1.5e308, 2, 0, 1},
                             {1.6e308, 3, 0, 1e308}};
    af_schedule *always = af_schedule_create(AF_MONDAY);
    assert_non_null(always);
    for (int d = AF_MONDAY; d <= AF_SUNDAY; d++)
        assert_int_equal(af_schedule_add_hours(always, d, 0, 1440, NULL), AF_OK);
    for (int k = 0; k < 2; k++) {
        af_station_stats seen[2];
        for (int general = 0; general < 2; general++) {
            af_station_config c = config(1);
            c.discipline = k ? AF_QUEUE_PRIORITY : AF_QUEUE_FCFS;
            c.schedule = always;
            fx *f = fx_new(&c, p, 4);
            af_station_set_general_only(f->st, general);
            assert_true(af_sim_schedule_at(f->sim, 1.2e308, ev_withdraw_any, f, 1) != 0);
            assert_int_equal(af_sim_run_until(f->sim, INFINITY), AF_OK);
            assert_int_equal(af_station_queue_length(f->st), 1);
            assert_int_equal(af_station_busy(f->st), 0);
            expect_starts(f, (uint64_t[]){0, 2}, (double[]){1e308, 1.5e308}, 2);
            expect_dones(f, (uint64_t[]){0, 2}, (double[]){1e308, 1.5e308}, 2);
            seen[general] = *af_station_get_stats(f->st);
            assert_int_equal(seen[general].started, 2);
            assert_int_equal(seen[general].served, 2);
            assert_int_equal(seen[general].arrivals, 4);
            assert_int_equal(seen[general].withdrawn, 1);
            assert_true(seen[general].queue.value == 1);
            assert_true(seen[general].queue.max == 1);
            uint64_t restarts, arrival_starts;
            af_station_short_way_counts(f->st, &restarts, &arrival_starts);
            assert_int_equal(restarts, 0);
            assert_int_equal(arrival_starts, general ? 0 : 2); /* entities 0 and 2 */
            fx_free(f);
        }
        assert_memory_equal(&seen[0].queue, &seen[1].queue, sizeof seen[0].queue);
        assert_memory_equal(&seen[0].busy, &seen[1].busy, sizeof seen[0].busy);
        assert_memory_equal(&seen[0].wait, &seen[1].wait, sizeof seen[0].wait);
        assert_memory_equal(&seen[0].sojourn, &seen[1].sojourn, sizeof seen[0].sojourn);
    }
    af_schedule_destroy(always);
}

/* At 1440 * 2^56 minutes, day + 1 rounds back to the same day (doubles are 16 apart there),
 * so the daily cap's wake-up "next midnight" falls at now. It must be refused, not fire at
 * once and forever: with one start a day, entity 1 waits and the calendar empties. */
static void test_cap_wake_at_now_is_refused(void **state)
{
    (void)state;
    double t = ldexp(1440.0, 56);
    const plan p[] = {{t, 0, 0, 10}, {t, 1, 0, 10}};
    af_station_config c = config(1);
    c.daily_cap = 1;
    fx *f = fx_new(&c, p, 2);
    for (int i = 0; i < 100 && af_sim_pending(f->sim) > 0; i++) af_sim_step(f->sim);
    assert_int_equal(af_sim_pending(f->sim), 0);
    assert_int_equal(f->ns, 1);
    assert_int_equal(af_station_queue_length(f->st), 1);
    fx_free(f);
}

/* Under WIP suspend a closing matters only to services in progress. Monday 08:00-16:00, no
 * entity at all: a forced closing at 500 and the reopening at 510 leave the calendar empty
 * (no closing event for 16:00 is armed for nobody). */
static void test_reopening_idle_station_arms_no_closing(void **state)
{
    (void)state;
    af_schedule *sch = weekdays_8_to_16();
    af_station_config c = config(1);
    c.schedule = sch;
    c.wip = AF_WIP_SUSPEND;
    fx *f = fx_new(&c, NULL, 0);
    assert_true(af_sim_schedule_at(f->sim, 500, ev_close, f, 1) != 0);
    assert_true(af_sim_schedule_at(f->sim, 510, ev_close, f, 0) != 0);
    assert_int_equal(af_sim_run_until(f->sim, 600), AF_OK);
    assert_true(af_station_is_open(f->st));
    assert_int_equal(af_sim_pending(f->sim), 0);
    fx_free(f);
    af_schedule_destroy(sch);
}

typedef struct watch {
    fx *f;
    unsigned busy_seen;
    size_t queue_seen;
} watch;

static void ev_watch(af_sim *sim, void *ctx, uint64_t arg)
{
    watch *w = ctx;
    w->busy_seen = af_station_busy(w->f->st);
    w->queue_seen = af_station_queue_length(w->f->st);
}

static void ev_plant_watch(af_sim *sim, void *ctx, uint64_t arg)
{
    assert_true(af_sim_schedule_at(sim, DAY, ev_watch, ctx, 0) != 0);
}

/* Asking again for a wake-up already pending at the same time keeps it in its place among
 * events at that time (the calendar runs simultaneous events in the order they were
 * scheduled). One start a day: entity 0 runs 0-10, entity 1 then waits for the midnight
 * wake-up, asked for at 10. A watcher for midnight is scheduled at 15; entity 2 arrives at
 * 20, which asks for the midnight wake-up again. At midnight the wake-up runs first, so the
 * watcher sees entity 1 in service and entity 2 waiting. */
static void test_same_wake_keeps_its_place(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 10}, {0, 1, 0, 10}, {20, 2, 0, 10}};
    af_station_config c = config(1);
    c.daily_cap = 1;
    fx *f = fx_new(&c, p, 3);
    watch w = {f, 99, 99};
    assert_true(af_sim_schedule_at(f->sim, 15, ev_plant_watch, &w, 0) != 0);
    assert_int_equal(af_sim_run_until(f->sim, DAY), AF_OK);
    assert_int_equal(w.busy_seen, 1);
    assert_int_equal(w.queue_seen, 1);
    expect_starts(f, (uint64_t[]){0, 1}, (double[]){0, DAY}, 2);
    fx_free(f);
}

static void test_time_average_queue(void **state)
{
    (void)state;
    static const plan p[] = {{0, 0, 0, 10}, {2, 1, 0, 10}, {4, 2, 0, 10}};
    af_station_config c = config(1);
    fx *f = fx_new(&c, p, 3);
    assert_int_equal(af_sim_run_until(f->sim, 30), AF_OK);
    const af_station_stats *s = af_station_get_stats(f->st);
    /* 0 on [0,2), 1 on [2,4), 2 on [4,10), 1 on [10,20), 0 on [20,30]. */
    af_assert_close(af_timeavg_area(&s->queue, 30), 2 + 12 + 10, 0, 1e-9);
    af_assert_close(af_timeavg_mean(&s->queue, 30), 24.0 / 30, 1e-12, 0);
    af_assert_close(s->queue.max, 2, 0, 0);
    af_assert_close(af_timeavg_mean(&s->busy, 30), 1, 1e-12, 0);
    fx_free(f);
}

static void test_reentrant_hooks(void **state)
{
    (void)state;
    /* The done hook re-arrives entity + 1 until entity 3; entity 10 is already waiting, so it
     * goes first at each completion (the re-arrival joins the back). The started hook of
     * entity 10 arrives entity 1010 from inside the dispatch. */
    static const plan p[] = {{0, 0, 0, 10}, {1, 10, 0, 10}};
    af_station_config c = config(1);
    fx *f = fx_new(&c, p, 2);
    f->rearrive_until = 3;
    f->started_arrival = 10;
    assert_int_equal(af_sim_run_until(f->sim, 1000), AF_OK);
    expect_starts(f, (uint64_t[]){0, 10, 1010, 1, 2, 3}, (double[]){0, 10, 20, 25, 35, 45},
                  6);
    /* At each completion the next waiting entity starts before the finished one's done hook;
     * with nobody waiting, the re-arrival from the done hook starts at once (D1 S2). */
    assert_string_equal(f->log, "S0 S10 D0 S1010 D10 S1 D1010 D1 S2 D2 S3 D3 ");
    fx_free(f);
}

static void test_zero_service_and_bad_arguments(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    af_station *st = NULL;
    af_station_config c = config(0);
    af_error err;
    af_error_clear(&err);
    /* A refused create sets *out to NULL, whatever it held. */
    static char stale;
    st = (af_station *)(void *)&stale;
    assert_int_equal(af_station_create(&st, sim, &c, NULL, &err), AF_RANGE);
    assert_null(st);
    assert_true(err.message[0] != '\0');
    c = config(1);
    c.name = NULL;
    assert_int_equal(af_station_create(&st, sim, &c, NULL, NULL), AF_INVAL);
    assert_int_equal(af_station_create(&st, NULL, &c, NULL, NULL), AF_INVAL);

    /* The name is copied. */
    char name[] = "gate";
    c.name = name;
    /* A valid configuration without a simulation is refused too, and makes nothing. */
    st = (af_station *)(void *)&stale;
    assert_int_equal(af_station_create(&st, NULL, &c, NULL, NULL), AF_INVAL);
    assert_null(st);
    assert_int_equal(af_station_create(&st, sim, &c, NULL, NULL), AF_OK);
    name[0] = 'x';
    assert_string_equal(af_station_name(st), "gate");
    assert_int_equal(af_station_arrive(st, 1, 0, -1), AF_RANGE);
    assert_int_equal(af_station_arrive(st, 1, 0, NAN), AF_RANGE);
    assert_int_equal(af_station_arrive(st, 1, 0, INFINITY), AF_RANGE);
    assert_int_equal(af_station_get_stats(st)->arrivals, 0);
    af_station_destroy(st);

    static const plan p[] = {{5, 1, 0, 0}, {5, 2, 0, 0}};
    c = config(1);
    fx *f = fx_new(&c, p, 2);
    assert_int_equal(af_sim_run_until(f->sim, 5), AF_OK);
    expect_starts(f, (uint64_t[]){1, 2}, (double[]){5, 5}, 2);
    expect_dones(f, (uint64_t[]){1, 2}, (double[]){5, 5}, 2);
    assert_int_equal(af_station_get_stats(f->st)->served, 2);
    fx_free(f);
    af_sim_destroy(sim);
}

static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x >> 8;
}

/* Everything at once, randomly: hours, a closure, forced closures, a cap, a queue limit. */
static void test_random_invariants(void **state)
{
    (void)state;
    enum { N = 400 };
    af_schedule *sch = weekdays_8_to_16();
    assert_int_equal(af_schedule_add_hours(sch, AF_SATURDAY, 480, 720, NULL), AF_OK);
    assert_int_equal(af_schedule_add_closure(sch, 3 * DAY + 600, 5 * DAY, NULL), AF_OK);
    plan *p = calloc(N, sizeof *p);
    assert_non_null(p);
    for (int run = 0; run < 4; run++) {
        uint32_t x = 12345u + (uint32_t)run;
        double total_service = 0;
        for (int i = 0; i < N; i++) {
            double service = (double)(lcg(&x) % 91);
            p[i] = (plan){(double)(lcg(&x) % (uint32_t)(14 * DAY)), (uint64_t)i,
                          (int)(lcg(&x) % 4), service};
            total_service += service;
        }
        af_station_config c = config(3);
        c.schedule = sch;
        c.daily_cap = 40;
        c.queue_limit = 5;
        c.wip = run & 1 ? AF_WIP_SUSPEND : AF_WIP_FINISH;
        c.discipline = run & 2 ? AF_QUEUE_PRIORITY : AF_QUEUE_FCFS;
        fx *f = fx_new(&c, p, N);
        f->check_cap = c.daily_cap;
        for (int k = 0; k < 20; k++) {
            double t = (double)(lcg(&x) % (uint32_t)(14 * DAY));
            assert_true(af_sim_schedule_at(f->sim, t, ev_close, f, 1) != 0);
            assert_true(af_sim_schedule_at(f->sim, t + (double)(lcg(&x) % 600), ev_close, f,
                                           0) != 0);
        }
        assert_true(af_sim_schedule_at(f->sim, 15 * DAY, ev_close, f, 0) != 0);
        assert_int_equal(af_sim_run_until(f->sim, 60 * DAY), AF_OK);
        const af_station_stats *s = af_station_get_stats(f->st);
        assert_int_equal(s->arrivals, N);
        assert_int_equal(s->started, N);
        assert_int_equal(s->served, N);
        assert_int_equal(f->nd, N);
        assert_true(s->blocked_arrivals > 0);
        assert_int_equal(s->blocked_wait.n, s->blocked_arrivals);
        bool *seen = calloc(N, sizeof *seen);
        for (size_t i = 0; i < f->nd; i++) {
            assert_false(seen[f->dones[i].entity]);
            seen[f->dones[i].entity] = true;
        }
        free(seen);
        assert_int_equal(af_station_queue_length(f->st), 0);
        assert_int_equal(af_station_blocked_count(f->st), 0);
        assert_int_equal(af_station_busy(f->st), 0);
        /* Suspended time is not busy time, so under both policies the lanes were busy for
         * exactly the total service time. */
        af_assert_close(af_timeavg_area(&s->busy, 60 * DAY), total_service, 1e-12, 1e-9);
        af_assert_close(s->queue.value, 0, 0, 0);
        af_assert_close(s->blocked.value, 0, 0, 0);
        fx_free(f);
    }
    free(p);
    af_schedule_destroy(sch);
}

/* ---- the plain station's short way against the general way ----------------------------- */

/* One of two stations fed the same arrivals in their own calendars. The hooks' calls back
 * into the station depend only on the entity, so twins that behave alike make the same
 * calls; `trace` folds every hook (kind, entity, time, wait) in order. */
typedef struct twin {
    af_sim *sim;
    af_station *st;
    uint64_t trace;
    size_t hooks;
} twin;

static void twin_fold(twin *w, uint64_t kind, uint64_t entity, double t, double waited)
{
    uint64_t bits[2];
    memcpy(&bits[0], &t, sizeof t);
    memcpy(&bits[1], &waited, sizeof waited);
    uint64_t v[4] = {kind, entity, bits[0], bits[1]};
    for (int i = 0; i < 4; i++) w->trace = (w->trace ^ v[i]) * UINT64_C(1099511628211);
    w->hooks++;
}

/* Keeps the drawn time: a station with this hook is not plain and takes the general way. */
static double twin_keep_service(af_station *st, void *ctx, uint64_t entity, double drawn)
{
    (void)st, (void)ctx, (void)entity;
    return drawn;
}

static void twin_reopen(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim, (void)arg;
    af_station_set_closed(((twin *)ctx)->st, false);
}

/* What the hooks see of the statistics on the way, not only at the end. */
static void twin_fold_stats(twin *w, const af_station *st)
{
    const af_station_stats *s = af_station_get_stats(st);
    twin_fold(w, s->started, s->served, s->busy.min, s->busy.area);
    twin_fold(w, s->arrivals, s->wait.n, s->queue.max, s->wait.mean);
    /* And the calendar: a wake-up or closing armed on one way and not the other shows. */
    twin_fold(w, 'P', af_sim_pending(w->sim), 0, 0);
}

static void twin_started(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited)
{
    twin *w = ctx;
    twin_fold(w, 'S', entity, af_sim_now(sim), waited);
    twin_fold_stats(w, st);
    /* From inside a refresh: an arrival, and now and then a forced closing for 30 minutes. */
    if (entity % 11 == 3 && entity < 100000)
        assert_int_equal(af_station_arrive(st, entity + 100000, 0, (double)(entity % 5)), AF_OK);
    if (entity % 97 == 5) {
        af_station_set_closed(st, true);
        assert_true(af_sim_schedule(sim, 30, twin_reopen, w, 0) != 0);
    }
}

static void twin_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity)
{
    twin *w = ctx;
    twin_fold(w, 'D', entity, af_sim_now(sim), 0);
    twin_fold_stats(w, st);
    if (entity % 7 == 0 && entity < 200000)
        assert_int_equal(af_station_arrive(st, entity + 200000, 0, 1.5), AF_OK);
}

typedef struct twin_plan {
    double t;
    int what; /* 0 arrival, 1 close, 2 open, 3 limit 3, 4 no limit, 5 cap 30, 6 no cap,
                 7 two lanes, 8 one lane, 9 the schedule, 10 no schedule, 11 reset stats */
    uint64_t entity;
    double service;
} twin_plan;

typedef struct twin_ev {
    twin *w;
    const twin_plan *p;
    const af_schedule *always;
} twin_ev;

static void twin_event(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    const twin_ev *e = ctx;
    const twin_plan *p = &e->p[arg];
    af_station *st = e->w->st;
    switch (p->what) {
    case 0: assert_int_equal(af_station_arrive(st, p->entity, 0, p->service), AF_OK); break;
    case 1: af_station_set_closed(st, true); break;
    case 2: af_station_set_closed(st, false); break;
    case 3: af_station_set_queue_limit(st, 3); break;
    case 4: af_station_set_queue_limit(st, 0); break;
    case 5: af_station_set_daily_cap(st, 30); break;
    case 6: af_station_set_daily_cap(st, 0); break;
    case 7: assert_int_equal(af_station_set_lanes(st, 2), AF_OK); break;
    case 8: assert_int_equal(af_station_set_lanes(st, 1), AF_OK); break;
    case 9: af_station_set_schedule(st, e->always); break;
    case 10: af_station_set_schedule(st, NULL); break;
    default: af_station_reset_stats(st); break;
    }
}

static void expect_same_tally(const af_tally *a, const af_tally *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(&a->mean, &b->mean, sizeof a->mean);
    assert_memory_equal(&a->m2, &b->m2, sizeof a->m2);
    assert_memory_equal(&a->min, &b->min, sizeof a->min);
    assert_memory_equal(&a->max, &b->max, sizeof a->max);
}

static void expect_same_timeavg(const af_timeavg *a, const af_timeavg *b)
{
    assert_memory_equal(&a->t_last, &b->t_last, sizeof a->t_last);
    assert_memory_equal(&a->value, &b->value, sizeof a->value);
    assert_memory_equal(&a->area, &b->area, sizeof a->area);
    assert_memory_equal(&a->min, &b->min, sizeof a->min);
    assert_memory_equal(&a->max, &b->max, sizeof a->max);
}

/* The plan both twin tests feed: n_arrivals arrivals at whole minutes in [0, 8000) with
 * services of (0 .. service_tenths - 1) / 10 minutes (seeded by `seed`), and n_windows
 * windows every 400 minutes from minute 100, each of one setter and its undoing (from[],
 * until[], lasting length[] minutes), with, 50 minutes before each, a statistics reset for
 * the first 15 and `late` (a setter) for the others. */
static twin_plan *twin_plan_make(int n_arrivals, int n_windows, uint32_t seed,
                                 unsigned service_tenths, int late)
{
    static const int from[5] = {1, 3, 5, 7, 9}, until[5] = {2, 4, 6, 8, 10};
    static const double length[5] = {20, 60, 120, 90, 50};
    twin_plan *p = calloc((size_t)(n_arrivals + 3 * n_windows), sizeof *p);
    assert_non_null(p);
    uint32_t x = seed;
    for (int i = 0; i < n_arrivals; i++)
        p[i] = (twin_plan){(double)(lcg(&x) % 8000), 0, (uint64_t)i,
                           (double)(lcg(&x) % service_tenths) / 10.0};
    for (int j = 0; j < n_windows; j++) {
        double t = 100 + 400 * j;
        p[n_arrivals + 3 * j] = (twin_plan){t, from[j % 5], 0, 0};
        p[n_arrivals + 3 * j + 1] = (twin_plan){t + length[j % 5], until[j % 5], 0, 0};
        p[n_arrivals + 3 * j + 2] = (twin_plan){t - 50, j < 15 ? 11 : late, 0, 0};
    }
    return p;
}

/* Runs a twin through its plan, then with everything back to plain, so that the queue
 * drains. */
static void twin_run_and_drain(twin *w)
{
    assert_int_equal(af_sim_run_until(w->sim, 8100), AF_OK);
    af_station_set_closed(w->st, false);
    af_station_set_queue_limit(w->st, 0);
    af_station_set_daily_cap(w->st, 0);
    af_station_set_schedule(w->st, NULL);
    assert_int_equal(af_sim_run_until(w->sim, 1e9), AF_OK);
}

/* The two twins ran the same hooks in the same order at the same times and end drained,
 * with the same statistics to the bit (some arrivals having been blocked). */
static void expect_same_twins(const twin w[2])
{
    assert_int_equal(w[0].hooks, w[1].hooks);
    assert_true(w[0].trace == w[1].trace);
    const af_station_stats *a = af_station_get_stats(w[0].st), *b = af_station_get_stats(w[1].st);
    assert_int_equal(a->arrivals, b->arrivals);
    assert_int_equal(a->started, b->started);
    assert_int_equal(a->served, b->served);
    assert_int_equal(af_station_queue_length(w[0].st), 0);
    assert_int_equal(af_station_busy(w[0].st), 0);
    assert_int_equal(a->blocked_arrivals, b->blocked_arrivals);
    assert_true(a->blocked_arrivals > 0);
    assert_int_equal(a->withdrawn, b->withdrawn);
    expect_same_tally(&a->wait, &b->wait);
    expect_same_tally(&a->blocked_wait, &b->blocked_wait);
    expect_same_tally(&a->sojourn, &b->sojourn);
    expect_same_timeavg(&a->queue, &b->queue);
    expect_same_timeavg(&a->blocked, &b->blocked);
    expect_same_timeavg(&a->busy, &b->busy);
    assert_int_equal(af_station_started_today(w[0].st), af_station_started_today(w[1].st));
}

/* A plain station (FCFS, no schedule, cap, limit, forced closing or service hook) takes a
 * short way through arrivals, starts and completions. Its twin has a service hook that keeps
 * the drawn time, which changes nothing but makes it take the general way. Fed the same
 * arrivals (ties and zero services among them), with hooks that call back and with setters
 * that make the first station plain and not plain in turn, both must run the same hooks in
 * the same order at the same times with the same waits, and end with the same statistics to
 * the bit. A note_config call left out of a setter, or a step of the short way dropped or
 * reordered, shows here. */
static void test_plain_station_matches_general_way(void **state)
{
    (void)state;
    /* 6,000 arrivals over 8,000 minutes against one lane of mean service 1.1 (load 0.83),
     * and every 400 minutes, for a while, one of: a forced closing, a queue limit of 3, a
     * daily cap of 30, a second lane, a schedule open all week but for 20 minutes; and the
     * statistics reset 50 minutes before each of the first 15 windows, lanes busy or not
     * (before the last five, a setter that changes nothing instead, so that a window with a
     * queue limit comes after the last reset). */
    enum { N_ARRIVALS = 6000, N_WINDOWS = 20, N = N_ARRIVALS + 3 * N_WINDOWS };
    twin_plan *p = twin_plan_make(N_ARRIVALS, N_WINDOWS, 777u, 23, 10);
    af_schedule *always = af_schedule_create(AF_MONDAY);
    assert_non_null(always);
    for (int d = AF_MONDAY; d <= AF_SUNDAY; d++)
        assert_int_equal(af_schedule_add_hours(always, d, 0, 1440, NULL), AF_OK);
    for (int j = 4; j < N_WINDOWS; j += 5)
        assert_int_equal(af_schedule_add_closure(always, 110 + 400 * j, 130 + 400 * j, NULL),
                         AF_OK);
    twin w[2];
    twin_ev ev[2];
    for (int k = 0; k < 2; k++) {
        w[k] = (twin){.sim = af_sim_create(0), .trace = UINT64_C(14695981039346656037)};
        assert_non_null(w[k].sim);
        af_station_config c = config(1);
        af_station_hooks hooks = {twin_started, twin_done, &w[k], NULL, NULL};
        if (k == 1) hooks.service = twin_keep_service;
        assert_int_equal(af_station_create(&w[k].st, w[k].sim, &c, &hooks, NULL), AF_OK);
        ev[k] = (twin_ev){&w[k], p, always};
        for (int i = 0; i < N; i++)
            assert_true(af_sim_schedule_at(w[k].sim, p[i].t, twin_event, &ev[k],
                                           (uint64_t)i) != 0);
    }
    for (int k = 0; k < 2; k++) twin_run_and_drain(&w[k]);
    assert_true(w[0].hooks > 3 * N);
    expect_same_twins(w);
    for (int k = 0; k < 2; k++) {
        af_station_destroy(w[k].st);
        af_sim_destroy(w[k].sim);
    }
    af_schedule_destroy(always);
    free(p);
}

/* ---- the general station's short ways against the general way itself ------------------- */

typedef struct twin2_ev {
    twin *w;
    const twin_plan *p;
    const af_schedule *hours; /* the station's own schedule */
    const af_schedule *other; /* open all week: what=9 swaps it in, 10 back */
    size_t closed_arrivals;   /* arrivals that found the station closed */
    size_t limit;             /* the queue limit and daily cap that what=4 and 6 restore */
    uint32_t cap;
} twin2_ev;

static void twin2_event(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    twin2_ev *e = ctx;
    const twin_plan *p = &e->p[arg];
    af_station *st = e->w->st;
    switch (p->what) {
    case 0:
        if (!af_station_is_open(st)) e->closed_arrivals++;
        assert_int_equal(af_station_arrive(st, p->entity, (int)(p->entity % 3), p->service),
                         AF_OK);
        break;
    case 1: af_station_set_closed(st, true); break;
    case 2: af_station_set_closed(st, false); break;
    case 3: af_station_set_queue_limit(st, 3); break;
    case 4: af_station_set_queue_limit(st, e->limit); break;
    case 5: af_station_set_daily_cap(st, 30); break;
    case 6: af_station_set_daily_cap(st, e->cap); break;
    case 7: assert_int_equal(af_station_set_lanes(st, 3), AF_OK); break;
    case 8: assert_int_equal(af_station_set_lanes(st, 2), AF_OK); break;
    case 9: af_station_set_schedule(st, e->other); break;
    case 10: af_station_set_schedule(st, e->hours); break;
    default: af_station_reset_stats(st); break;
    }
}

/* The model's other two hooks, folded into the trace: a place in the queue, and the service
 * time asked for at the start (doubled for one entity in four, refused for one in four, so
 * that the drawn time is kept). Neither calls the station. */
static void twin_admitted(af_station *st, void *ctx, uint64_t entity)
{
    (void)st;
    twin *w = ctx;
    twin_fold(w, 'A', entity, af_sim_now(w->sim), 0);
}

static double twin_redraw_service(af_station *st, void *ctx, uint64_t entity, double drawn)
{
    (void)st;
    twin *w = ctx;
    twin_fold(w, 'V', entity, af_sim_now(w->sim), drawn);
    switch (entity % 4) {
    case 0: return 2 * drawn;
    case 1: return -1;
    default: return drawn;
    }
}

/* A station like the model's: opening hours with closures, a daily cap, a queue limit (so
 * arrivals block), under either work-in-progress policy, in the given discipline and with or
 * without the admitted and service hooks. Its short ways (an arrival at a station closed for
 * the night, or closed by force, whose wake-up is armed skips refresh; a completion with
 * someone waiting restarts its lane at once; an arrival who finds a lane free starts at once)
 * against a twin forced onto the general way (af_station_set_general_only): fed the same
 * arrivals (ties, zero services, three priorities), with hooks that call back (arrivals and
 * forced closings from inside a refresh) and windows that close it by force, lower the limit
 * and the cap, add a lane or swap the schedule, both must run the same hooks in the same
 * order at the same times with the same waits and statistics along the way, and end with
 * the same statistics to the bit. The short ways must have been taken, by the first twin
 * only. */
typedef struct general_case {
    af_queue_discipline discipline;
    bool admitted, service; /* the model's two hooks */
    size_t limit;           /* queue limit and daily cap outside the windows */
    uint32_t cap;
    unsigned service_tenths; /* the longest service, in tenths of a minute */
} general_case;

static void general_twins_match(general_case gc)
{
    /* 1,200 arrivals over 8,000 minutes (0.15 a minute) against two lanes of mean service
     * 2.3 minutes, open 06:00-22:00 every day but for two closures: the queue builds up each
     * night behind a limit of 6 and drains in the morning under a cap of 150 a day. */
    enum { N_ARRIVALS = 1200, N_WINDOWS = 20, N = N_ARRIVALS + 3 * N_WINDOWS };
    twin_plan *p = twin_plan_make(N_ARRIVALS, N_WINDOWS, 4242u, gc.service_tenths, 6);
    af_schedule *hours = af_schedule_create(AF_MONDAY), *other = af_schedule_create(AF_MONDAY);
    assert_non_null(hours);
    assert_non_null(other);
    for (int d = AF_MONDAY; d <= AF_SUNDAY; d++) {
        assert_int_equal(af_schedule_add_hours(hours, d, 360, 1320, NULL), AF_OK);
        assert_int_equal(af_schedule_add_hours(other, d, 0, 1440, NULL), AF_OK);
    }
    assert_int_equal(af_schedule_add_closure(hours, 2000, 2300, NULL), AF_OK);
    assert_int_equal(af_schedule_add_closure(hours, 5000, 5010, NULL), AF_OK);
    for (int wip = 0; wip < 2; wip++) {
        twin w[2];
        twin2_ev ev[2];
        for (int k = 0; k < 2; k++) {
            w[k] = (twin){.sim = af_sim_create(0), .trace = UINT64_C(14695981039346656037)};
            assert_non_null(w[k].sim);
            af_station_config c = config(2);
            c.discipline = gc.discipline;
            c.queue_limit = gc.limit;
            c.daily_cap = gc.cap;
            c.schedule = hours;
            c.wip = wip ? AF_WIP_SUSPEND : AF_WIP_FINISH;
            af_station_hooks hooks = {twin_started, twin_done, &w[k], NULL, NULL};
            if (gc.admitted) hooks.admitted = twin_admitted;
            if (gc.service) hooks.service = twin_redraw_service;
            assert_int_equal(af_station_create(&w[k].st, w[k].sim, &c, &hooks, NULL), AF_OK);
            if (k == 1) af_station_set_general_only(w[k].st, true);
            ev[k] = (twin2_ev){&w[k], p, hours, other, 0, gc.limit, gc.cap};
            for (int i = 0; i < N; i++)
                assert_true(af_sim_schedule_at(w[k].sim, p[i].t, twin2_event, &ev[k],
                                               (uint64_t)i) != 0);
        }
        for (int k = 0; k < 2; k++) twin_run_and_drain(&w[k]);
        /* The short ways were there to take: many arrivals found the station closed, and
         * the first twin restarted lanes and started arrivals at once, the general one
         * never. */
        assert_true(ev[0].closed_arrivals > N_ARRIVALS / 10);
        assert_int_equal(ev[0].closed_arrivals, ev[1].closed_arrivals);
        assert_true(w[0].hooks > 3 * N_ARRIVALS);
        uint64_t restarts[2], arrival_starts[2];
        for (int k = 0; k < 2; k++)
            af_station_short_way_counts(w[k].st, &restarts[k], &arrival_starts[k]);
        /* The plain way while open (FCFS, no limit, no cap, no service hook, work in progress
         * finishing) was taken by the first twin where the station is like that, outside the
         * windows that give it a limit or a cap or close it by force, and never elsewhere:
         * not under AF_WIP_SUSPEND, not with a limit, a cap or a service hook, and not by
         * the general twin. Its completions restart their lane on the plain way
         * (restart_lane), so restart_general's count is not asked of it. About 218 arrivals
         * a day against a cap of 150 keep the queue mostly full, so fewer find it empty than
         * find it closed. */
        bool open_plain = gc.discipline == AF_QUEUE_FCFS && !gc.service && gc.limit == 0 &&
                          gc.cap == 0 && !wip;
        if (!open_plain) assert_true(restarts[0] > N_ARRIVALS / 10);
        assert_true(arrival_starts[0] > N_ARRIVALS / 40);
        assert_int_equal(restarts[1], 0);
        assert_int_equal(arrival_starts[1], 0);
        if (open_plain)
            assert_true(af_station_open_plain_count(w[0].st) > N_ARRIVALS / 4);
        else
            assert_int_equal(af_station_open_plain_count(w[0].st), 0);
        assert_int_equal(af_station_open_plain_count(w[1].st), 0);
        expect_same_twins(w);
        for (int k = 0; k < 2; k++) {
            af_station_destroy(w[k].st);
            af_sim_destroy(w[k].sim);
        }
    }
    af_schedule_destroy(hours);
    af_schedule_destroy(other);
    free(p);
}

static void test_general_station_short_ways_match(void **state)
{
    (void)state;
    general_twins_match((general_case){AF_QUEUE_PRIORITY, false, false, 6, 150, 47});
}

/* The same, FCFS and with the admitted and service hooks (the model's stations). */
static void test_general_station_short_ways_match_fcfs_hooks(void **state)
{
    (void)state;
    general_twins_match((general_case){AF_QUEUE_FCFS, true, true, 6, 150, 47});
}

/* The same at a station that is plain while open (FCFS, no limit, no cap, no service hook),
 * with the admitted hook: under AF_WIP_FINISH it takes the plain way while its schedule is
 * open, and the general way when closed, when forced closed, and in the windows that give it
 * a limit of 3 or a cap of 30 (a limit window, with longer services and so longer queues,
 * blocks arrivals); under AF_WIP_SUSPEND never. With the service hook, never either. */
static void test_open_plain_station_matches_general_way(void **state)
{
    (void)state;
    general_twins_match((general_case){AF_QUEUE_FCFS, true, false, 0, 0, 130});
    general_twins_match((general_case){AF_QUEUE_FCFS, true, true, 0, 0, 100});
    general_twins_match((general_case){AF_QUEUE_PRIORITY, true, false, 0, 0, 130});
}

/* ---- the short ways of the general station at their edges ------------------------------ */

typedef struct edge {
    af_station *st;
    const af_schedule *always;
    unsigned busy_seen;   /* af_station_busy at the probe */
    double started_at[8]; /* by entity */
} edge;

static void edge_started(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited)
{
    (void)st, (void)waited;
    edge *e = ctx;
    if (entity < 8) e->started_at[entity] = af_sim_now(sim);
}

static void edge_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity)
{
    (void)sim;
    edge *e = ctx;
    if (entity == 0) e->busy_seen = af_station_busy(st);
}

static void edge_arrive(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    edge *e = ctx;
    assert_int_equal(af_station_arrive(e->st, arg & 7, 0, (double)(arg >> 3)), AF_OK);
}

static void edge_probe(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim, (void)arg;
    edge *e = ctx;
    e->busy_seen = af_station_busy(e->st);
}

static void edge_always(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim, (void)arg;
    edge *e = ctx;
    af_station_set_schedule(e->st, e->always);
}

/* An arrival at a closed station skips refresh() only when refresh would do nothing; two
 * cases where it must not. Hours 06:00-22:00 (minutes 360-1320) every day.
 * (a) Work in progress suspends, daily cap 1, two lanes. Entity 0 arrives at 1000 with 1,000
 *     minutes of work and starts; entity 1 arrives at 1010 and waits for the cap, which arms
 *     the wake-up at midnight (1440). Entity 2 arrives at 1320, the closing instant, before the
 *     closing event (scheduled first); a probe right after it sees the station. The station
 *     is closed then and its wake-up armed (1440, before the opening at 1800), but entity 0 is
 *     still in service: the arrival's refresh suspends it, so the probe sees no lane busy.
 * (b) Work in progress finishes, one lane, no cap. Entity 0 arrives at 60 (closed) with 5
 *     minutes of work: the wake-up is armed for the opening at 360. At 100 the schedule becomes
 *     open all week, which starts entity 0 (to 105); the wake-up at 360 stays armed, no later
 *     than the new schedule's next change (none). Entity 1 arrives at 110 to a free lane of an
 *     open station and must start at once, not at 360.
 * And a completion that leaves the queue empty skips refresh() only when refresh would do
 * nothing; (c) a case where it must not. Work in progress suspends, two lanes: entities 0 and
 * 1 arrive at 1000 and start, 0 with 320 minutes of work (it ends at 1320, the closing
 * instant: its completion comes before the closing event, both scheduled at its start), 1
 * with 1,000. At 0's completion the station is closed and nobody waits, but 1 is still in
 * service: the completion's refresh suspends it, so 0's `done` hook sees no lane busy. */
static void test_short_ways_at_their_edges(void **state)
{
    (void)state;
    af_schedule *hours = af_schedule_create(AF_MONDAY), *always = af_schedule_create(AF_MONDAY);
    assert_non_null(hours);
    assert_non_null(always);
    for (int d = AF_MONDAY; d <= AF_SUNDAY; d++) {
        assert_int_equal(af_schedule_add_hours(hours, d, 360, 1320, NULL), AF_OK);
        assert_int_equal(af_schedule_add_hours(always, d, 0, 1440, NULL), AF_OK);
    }
    {
        af_sim *sim = af_sim_create(0);
        assert_non_null(sim);
        edge e = {.always = always};
        af_station_config c = config(2);
        c.schedule = hours;
        c.daily_cap = 1;
        c.wip = AF_WIP_SUSPEND;
        af_station_hooks hooks = {edge_started, NULL, &e, NULL, NULL};
        assert_int_equal(af_station_create(&e.st, sim, &c, &hooks, NULL), AF_OK);
        e.busy_seen = 99;
        assert_true(af_sim_schedule_at(sim, 1000, edge_arrive, &e, 0 | 1000 << 3) != 0);
        assert_true(af_sim_schedule_at(sim, 1010, edge_arrive, &e, 1 | 10 << 3) != 0);
        assert_true(af_sim_schedule_at(sim, 1320, edge_arrive, &e, 2 | 10 << 3) != 0);
        assert_true(af_sim_schedule_at(sim, 1320, edge_probe, &e, 0) != 0);
        assert_int_equal(af_sim_run_until(sim, 1320), AF_OK);
        assert_int_equal(e.busy_seen, 0);
        assert_int_equal(af_station_busy(e.st), 0);
        af_station_destroy(e.st);
        af_sim_destroy(sim);
    }
    {
        af_sim *sim = af_sim_create(0);
        assert_non_null(sim);
        edge e = {.always = always};
        af_station_config c = config(1);
        c.schedule = hours;
        af_station_hooks hooks = {edge_started, NULL, &e, NULL, NULL};
        assert_int_equal(af_station_create(&e.st, sim, &c, &hooks, NULL), AF_OK);
        for (int i = 0; i < 8; i++) e.started_at[i] = -1;
        assert_true(af_sim_schedule_at(sim, 60, edge_arrive, &e, 0 | 5 << 3) != 0);
        assert_true(af_sim_schedule_at(sim, 100, edge_always, &e, 0) != 0);
        assert_true(af_sim_schedule_at(sim, 110, edge_arrive, &e, 1 | 5 << 3) != 0);
        assert_int_equal(af_sim_run_until(sim, 200), AF_OK);
        af_assert_close(e.started_at[0], 100, 0, 0);
        af_assert_close(e.started_at[1], 110, 0, 0);
        af_station_destroy(e.st);
        af_sim_destroy(sim);
    }
    {
        af_sim *sim = af_sim_create(0);
        assert_non_null(sim);
        edge e = {.always = always};
        af_station_config c = config(2);
        c.schedule = hours;
        c.wip = AF_WIP_SUSPEND;
        af_station_hooks hooks = {edge_started, edge_done, &e, NULL, NULL};
        assert_int_equal(af_station_create(&e.st, sim, &c, &hooks, NULL), AF_OK);
        e.busy_seen = 99;
        assert_true(af_sim_schedule_at(sim, 1000, edge_arrive, &e, 0 | 320 << 3) != 0);
        assert_true(af_sim_schedule_at(sim, 1000, edge_arrive, &e, 1 | 1000 << 3) != 0);
        assert_int_equal(af_sim_run_until(sim, 1320), AF_OK);
        assert_int_equal(e.busy_seen, 0);
        assert_int_equal(af_station_busy(e.st), 0);
        af_station_destroy(e.st);
        af_sim_destroy(sim);
    }
    af_schedule_destroy(hours);
    af_schedule_destroy(always);
}

/* A completion inside a refresh: one lane; 1 arrives at 0 for 10 min, 2 at 1 with no service,
 * 3 at 2 for 5 min. At 10, 1's completion hands the lane to 2, whose completion is due at
 * once; 2's `started` hook runs the calendar to now, so that completion runs inside the
 * station's refresh and frees the lane there. The refresh must then start 3 at 10 (done at 15):
 * nothing else would, as no other event is left for the station. */
static void test_completion_inside_a_refresh_starts_the_next(void **state)
{
    (void)state;
    static const plan plans[] = {{0, 1, 0, 10}, {1, 2, 0, 0}, {2, 3, 0, 5}};
    af_station_config cfg = config(1);
    fx *f = fx_new(&cfg, plans, 3);
    f->started_runs = 2;
    assert_int_equal(af_sim_run_until(f->sim, 100), AF_OK);
    /* 2's completion (inside its own start) and 3's start come before 1's `done` hook, which
     * runs when 1's completion has handed its lane on. */
    assert_string_equal(f->log, "S1 S2 D2 S3 D1 D3 ");
    expect_starts(f, (const uint64_t[]){1, 2, 3}, (const double[]){0, 10, 10}, 3);
    expect_dones(f, (const uint64_t[]){2, 1, 3}, (const double[]){10, 10, 15}, 3);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_lane_deterministic),
        cmocka_unit_test(test_completion_inside_a_refresh_starts_the_next),
        cmocka_unit_test(test_c_lanes),
        cmocka_unit_test(test_fcfs_vs_priority),
        cmocka_unit_test(test_queue_growth_and_ties),
        cmocka_unit_test(test_queue_limit_blocking),
        cmocka_unit_test(test_queue_limit_raised),
        cmocka_unit_test(test_withdraw),
        cmocka_unit_test(test_withdraw_from_wrapped_ring),
        cmocka_unit_test(test_withdraw_every_position),
        cmocka_unit_test(test_closed_station_starts_at_opening),
        cmocka_unit_test(test_wip_finish_vs_suspend),
        cmocka_unit_test(test_suspend_over_weekend),
        cmocka_unit_test(test_daily_cap),
        cmocka_unit_test(test_forced_closure),
        cmocka_unit_test(test_reset_stats),
        cmocka_unit_test(test_reset_clears_every_tally),
        cmocka_unit_test(test_destroy_cancels_pending_events),
        cmocka_unit_test(test_earlier_wake_replaces_later_one),
        cmocka_unit_test(test_arrival_when_closed_and_busy_arms_the_wake),
        cmocka_unit_test(test_unschedulable_service_stays_queued),
        cmocka_unit_test(test_unschedulable_service_stays_queued_general),
        cmocka_unit_test(test_cap_wake_at_now_is_refused),
        cmocka_unit_test(test_reopening_idle_station_arms_no_closing),
        cmocka_unit_test(test_same_wake_keeps_its_place),
        cmocka_unit_test(test_time_average_queue),
        cmocka_unit_test(test_reentrant_hooks),
        cmocka_unit_test(test_zero_service_and_bad_arguments),
        cmocka_unit_test(test_random_invariants),
        cmocka_unit_test(test_plain_station_matches_general_way),
        cmocka_unit_test(test_general_station_short_ways_match),
        cmocka_unit_test(test_general_station_short_ways_match_fcfs_hooks),
        cmocka_unit_test(test_open_plain_station_matches_general_way),
        cmocka_unit_test(test_short_ways_at_their_edges),
        cmocka_unit_test(test_inline_views_match_public_queries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
