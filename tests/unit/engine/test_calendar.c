/* Unit tests of the event calendar (src/engine/calendar.c). */
#include "af_test.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aidflow/calendar.h"

/* Records the order in which events ran. */
typedef struct trace {
    uint64_t args[64];
    af_time times[64];
    size_t n;
} trace;

static void record(af_sim *sim, void *ctx, uint64_t arg)
{
    trace *t = ctx;
    if (t->n < 64) {
        t->args[t->n] = arg;
        t->times[t->n] = af_sim_now(sim);
    }
    t->n++;
}

static void test_runs_in_time_order(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    assert_non_null(sim);
    trace tr = {0};
    const double times[] = {5, 1, 3, 2, 4};
    for (size_t i = 0; i < 5; i++)
        assert_int_not_equal(af_sim_schedule_at(sim, times[i], record, &tr, (uint64_t)times[i]), 0);
    assert_int_equal(af_sim_pending(sim), 5);
    assert_int_equal(af_sim_run_until(sim, 100), AF_OK);
    assert_int_equal(tr.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(tr.args[i], i + 1);
        af_assert_close(tr.times[i], (double)(i + 1), 0, 0);
    }
    af_assert_close(af_sim_now(sim), 100, 0, 0);
    assert_int_equal(af_sim_events_run(sim), 5);
    af_sim_destroy(sim);
}

static void test_ties_break_by_insertion_order(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    trace tr = {0};
    for (uint64_t i = 0; i < 40; i++) af_sim_schedule_at(sim, 7.0, record, &tr, i);
    af_sim_schedule_at(sim, 6.0, record, &tr, 1000);
    af_sim_run_until(sim, 7.0);
    assert_int_equal(tr.n, 41);
    assert_int_equal(tr.args[0], 1000);
    for (uint64_t i = 0; i < 40; i++) assert_int_equal(tr.args[i + 1], i);
    af_sim_destroy(sim);
}

/* The heap orders times by their bits (calendar_impl.h): -0.0 must tie with 0.0 (and break
 * by insertion, running at the time it was given), and the smallest subnormal, the largest
 * finite double and times a bit apart must still come in numeric order. */
static void test_zero_signs_tie_and_extremes_order(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    trace tr = {0};
    const double t[] = {DBL_MAX, 0.0, 1.0, -0.0, DBL_MIN, 0x1p-1074, 0.0, nextafter(1.0, 2.0),
                        -0.0, 1e300};
    for (uint64_t i = 0; i < 10; i++)
        assert_int_not_equal(af_sim_schedule_at(sim, t[i], record, &tr, i), 0);
    /* By hand: the four zeros in insertion order (1, 3, 6, 8), then 2^-1074, DBL_MIN, 1, the
     * next double after 1, 1e300, DBL_MAX. */
    const uint64_t want[] = {1, 3, 6, 8, 5, 4, 2, 7, 9, 0};
    af_assert_close(af_sim_next_time(sim), 0.0, 0, 0);
    assert_int_equal(af_sim_run_until(sim, INFINITY), AF_OK);
    assert_int_equal(tr.n, 10);
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(tr.args[i], want[i]);
        /* The clock shows each event's own time, -0.0 as given. */
        assert_true(memcmp(&tr.times[i], &t[want[i]], sizeof(double)) == 0);
    }
    af_sim_destroy(sim);
}

static void test_run_until_stops_at_horizon(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    trace tr = {0};
    af_sim_schedule_at(sim, 10, record, &tr, 1);
    af_sim_schedule_at(sim, 20, record, &tr, 2);
    af_sim_run_until(sim, 15);
    assert_int_equal(tr.n, 1);
    af_assert_close(af_sim_now(sim), 15, 0, 0);
    af_assert_close(af_sim_next_time(sim), 20, 0, 0);
    /* The clock never goes backwards: scheduling in the past fails. */
    assert_int_equal(af_sim_schedule_at(sim, 14, record, &tr, 3), 0);
    assert_int_equal(af_sim_schedule(sim, -1, record, &tr, 3), 0);
    assert_int_equal(af_sim_schedule(sim, NAN, record, &tr, 3), 0);
    assert_int_equal(af_sim_schedule_at(sim, INFINITY, record, &tr, 3), 0);
    assert_int_equal(af_sim_pending(sim), 1);
    af_sim_destroy(sim);
}

static void test_cancel(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    trace tr = {0};
    af_event_id a = af_sim_schedule_at(sim, 1, record, &tr, 1);
    af_event_id b = af_sim_schedule_at(sim, 2, record, &tr, 2);
    af_event_id c = af_sim_schedule_at(sim, 3, record, &tr, 3);
    af_assert_close(af_sim_event_time(sim, b), 2, 0, 0);
    assert_true(af_sim_cancel(sim, b));
    assert_false(af_sim_cancel(sim, b)); /* twice */
    af_assert_close(af_sim_event_time(sim, b), -1, 0, 0);
    assert_false(af_sim_cancel(sim, 0));
    assert_false(af_sim_cancel(sim, (af_event_id)1 << 40));
    af_sim_run_until(sim, 10);
    assert_int_equal(tr.n, 2);
    assert_int_equal(tr.args[0], 1);
    assert_int_equal(tr.args[1], 3);
    /* Handles of events that ran are stale, even after their slots are reused. */
    assert_false(af_sim_cancel(sim, a));
    af_event_id d = af_sim_schedule_at(sim, 20, record, &tr, 4);
    assert_false(af_sim_cancel(sim, c));
    assert_true(af_sim_cancel(sim, d));
    assert_int_equal(af_sim_pending(sim), 0);
    af_sim_destroy(sim);
}

/* A handler that schedules and cancels from inside the loop, and stops it. */
typedef struct chain {
    int count;
    af_event_id victim;
} chain;

static void victim(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)ctx;
    (void)arg;
    fail_msg("a cancelled event ran");
}

static void link_fn(af_sim *sim, void *ctx, uint64_t arg)
{
    chain *c = ctx;
    c->count++;
    if (c->victim) assert_true(af_sim_cancel(sim, c->victim));
    c->victim = 0;
    if (arg < 9) {
        /* The next link runs first and cancels this victim. */
        c->victim = af_sim_schedule(sim, 0.5, victim, c, 0);
        af_sim_schedule(sim, 0.25, link_fn, c, arg + 1);
    }
    if (arg == 5) af_sim_stop(sim);
}

static void test_handlers_schedule_cancel_and_stop(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    chain c = {0};
    af_sim_schedule_at(sim, 0, link_fn, &c, 0);
    assert_int_equal(af_sim_run_until(sim, 100), AF_INTERRUPTED);
    assert_int_equal(c.count, 6);
    af_assert_close(af_sim_now(sim), 1.25, 0, 0);
    assert_int_equal(af_sim_run_until(sim, 100), AF_OK);
    assert_int_equal(c.count, 10);
    assert_int_equal(af_sim_pending(sim), 0);
    af_sim_destroy(sim);
}

/* The reference: a plain array of (time, seq, arg) kept unsorted; its minimum is the next
 * event. Slow but obviously right. */
typedef struct ref_ev {
    double time;
    uint64_t seq;
    uint64_t arg;
    af_event_id id;
} ref_ev;

static size_t ref_min(const ref_ev *r, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (r[i].time < r[best].time || (r[i].time == r[best].time && r[i].seq < r[best].seq))
            best = i;
    return best;
}

typedef struct popped {
    uint64_t arg;
    int ran;
} popped;

static void pop_record(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    popped *p = ctx;
    p->arg = arg;
    p->ran++;
}

/* A million random operations (schedule, cancel, step) compared against the reference.
 * The pending set is kept small (<= 2000) so the O(n) reference stays cheap. */
static void test_random_operations_match_reference(void **state)
{
    (void)state;
    enum { OPS = 1000000, CAP = 2000 };
    af_sim *sim = af_sim_create(0);
    ref_ev *ref = malloc(CAP * sizeof *ref);
    assert_non_null(ref);
    size_t n = 0;
    uint64_t seq = 0, rng = 0x9e3779b97f4a7c15u;
    popped p = {0};
    for (long op = 0; op < OPS; op++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        unsigned choice = (unsigned)(rng % 10);
        if ((choice < 5 && n < CAP) || n == 0) {
            /* Coarse times so that ties are common. */
            double t = af_sim_now(sim) + (double)((rng >> 20) % 50);
            af_event_id id = af_sim_schedule_at(sim, t, pop_record, &p, seq);
            assert_int_not_equal(id, 0);
            ref[n++] = (ref_ev){t, seq, seq, id};
            seq++;
        } else if (choice < 7) {
            size_t k = (size_t)((rng >> 24) % n);
            assert_true(af_sim_cancel(sim, ref[k].id));
            ref[k] = ref[--n];
        } else {
            size_t k = ref_min(ref, n);
            int before = p.ran;
            assert_true(af_sim_step(sim));
            assert_int_equal(p.ran, before + 1);
            assert_int_equal(p.arg, ref[k].arg);
            af_assert_close(af_sim_now(sim), ref[k].time, 0, 0);
            ref[k] = ref[--n];
        }
        if (af_sim_pending(sim) != n) fail_msg("pending %zu, reference %zu", af_sim_pending(sim), n);
    }
    while (n > 0) {
        size_t k = ref_min(ref, n);
        assert_true(af_sim_step(sim));
        assert_int_equal(p.arg, ref[k].arg);
        ref[k] = ref[--n];
    }
    assert_false(af_sim_step(sim));
    free(ref);
    af_sim_destroy(sim);
}

/* The world of test_handlers_match_reference: the reference set and a small generator. */
typedef struct ref_world {
    ref_ev *ref;
    size_t n, cap;
    uint64_t seq, rng, ran, cancelled;
    size_t peak;
} ref_world;

static uint64_t world_next(ref_world *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static void world_event(af_sim *sim, void *ctx, uint64_t arg);

/* Schedules one event at now + a coarse delay (ties common, delay 0 included) in both. */
static void world_schedule(af_sim *sim, ref_world *w)
{
    double t = af_sim_now(sim) + (double)(world_next(w) % 40);
    af_event_id id = af_sim_schedule_at(sim, t, world_event, w, w->seq);
    assert_int_not_equal(id, 0);
    assert_true(w->n < w->cap);
    w->ref[w->n++] = (ref_ev){t, w->seq, w->seq, id};
    w->seq++;
    if (w->n > w->peak) w->peak = w->n;
}

/* An event: it must be the reference's minimum; it then schedules some events (its first
 * schedule fills the root it left, the others sift up) and cancels some pending ones. The
 * number it schedules swings with the phase of its sequence number, so that the calendar
 * grows to some thousands of events (the pool and the heap growing under it) and drains to
 * none, again and again. */
static void world_event(af_sim *sim, void *ctx, uint64_t arg)
{
    ref_world *w = ctx;
    size_t k = ref_min(w->ref, w->n);
    assert_int_equal(arg, w->ref[k].arg);
    af_assert_close(af_sim_now(sim), w->ref[k].time, 0, 0);
    w->ref[k] = w->ref[--w->n];
    w->ran++;
    bool growing = (arg / 20000) % 2 == 0;
    unsigned r = (unsigned)(world_next(w) % 8);
    unsigned children = growing ? (r < 4 ? 2 : r < 7 ? 1 : 0) : (r < 5 ? 0 : 1);
    if (w->n > w->cap - 8) children = 0;
    for (unsigned i = 0; i < children; i++) world_schedule(sim, w);
    if (w->n > 0 && world_next(w) % 4 == 0) {
        size_t c = (size_t)(world_next(w) % w->n);
        assert_true(af_sim_cancel(sim, w->ref[c].id));
        w->ref[c] = w->ref[--w->n];
        w->cancelled++;
    }
}

/* Events that schedule and cancel as they run, against the reference: the order (time, then
 * insertion) of every event is checked as it runs, a cancelled event never runs, and the
 * calendar holds what the reference holds between horizons. The calendar empties many times
 * (run_until must then stop on the empty heap and move the clock to the horizon) and is
 * restarted each time from outside. */
static void test_handlers_match_reference(void **state)
{
    (void)state;
    enum { CAP = 6000 };
    af_sim *sim = af_sim_create(0);
    ref_world w = {.cap = CAP, .rng = 0x2545f4914f6cdd1du};
    w.ref = malloc(CAP * sizeof *w.ref);
    assert_non_null(w.ref);
    int emptied = 0;
    for (double horizon = 50; w.ran < 400000; horizon += 50) {
        if (w.n == 0) {
            for (int i = 0; i < 3; i++) world_schedule(sim, &w);
        }
        assert_int_equal(af_sim_run_until(sim, horizon), AF_OK);
        assert_int_equal(af_sim_pending(sim), w.n);
        if (w.n == 0) {
            emptied++;
            af_assert_close(af_sim_now(sim), horizon, 0, 0);
            assert_true(isinf(af_sim_next_time(sim)));
        } else {
            af_assert_close(af_sim_next_time(sim), w.ref[ref_min(w.ref, w.n)].time, 0, 0);
        }
    }
    /* The run covered what it is for: a heap of thousands, emptied often, many cancels. */
    assert_true(w.peak > 1000);
    assert_true(emptied > 3);
    assert_true(w.cancelled > 10000);
    free(w.ref);
    af_sim_destroy(sim);
}

/* Tracks the handles a self-rescheduling event gets back. */
typedef struct slots_seen {
    uint64_t max_slot;
    uint64_t max_gen;
} slots_seen;

static void noop(af_sim *sim, void *ctx, uint64_t arg)
{
    slots_seen *seen = ctx;
    af_event_id id = af_sim_schedule(sim, 1.0 + (double)(arg % 7), noop, seen, arg + 1);
    assert_int_not_equal(id, 0);
    if ((id & 0xffffffffu) > seen->max_slot) seen->max_slot = id & 0xffffffffu;
    if ((id >> 32) > seen->max_gen) seen->max_gen = id >> 32;
}

/* Steady state allocates nothing: with 1,000 events in flight, every handle handed out over
 * a long run names one of the first 1,024 slots (the pool never grew), and the slots were
 * recycled over and over (their generation counters climbed). */
static void test_pool_is_recycled(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(1000);
    slots_seen seen = {0, 0};
    for (uint64_t i = 0; i < 1000; i++) af_sim_schedule_at(sim, (double)i / 1000.0, noop, &seen, i);
    af_sim_run_until(sim, 5000);
    assert_true(seen.max_slot <= 1024);
    assert_true(seen.max_gen > 500);
    assert_int_equal(af_sim_pending(sim), 1000);
    af_sim_destroy(sim);
}

/* Cancelled events leave the calendar's storage: with one event pending at time 1, 100,000
 * events scheduled far later and cancelled at once never pile up (they are dropped when the
 * dead outnumber the live), so every handle names one of the first 1,024 slots; the one live
 * event still runs, alone. */
static void test_cancelled_events_are_reclaimed(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(1000);
    trace tr = {0};
    assert_int_not_equal(af_sim_schedule_at(sim, 1, record, &tr, 7), 0);
    uint64_t max_slot = 0;
    for (int i = 0; i < 100000; i++) {
        af_event_id id = af_sim_schedule_at(sim, 1e6 + i, record, &tr, 1000);
        assert_int_not_equal(id, 0);
        if ((id & 0xffffffffu) > max_slot) max_slot = id & 0xffffffffu;
        assert_true(af_sim_cancel(sim, id));
        assert_int_equal(af_sim_pending(sim), 1);
    }
    assert_true(max_slot <= 1024);
    af_assert_close(af_sim_next_time(sim), 1, 0, 0);
    af_sim_run_until(sim, 1e9);
    assert_int_equal(tr.n, 1);
    assert_int_equal(tr.args[0], 7);
    af_sim_destroy(sim);
}

/* Cancelling most of a thousand events leaves the others in (time, insertion) order. Times
 * repeat every 10 events (i % 10), so ties are many: the survivors, every seventh event, must
 * run by time and, at one time, by i. */
static void test_cancel_most_keeps_order(void **state)
{
    (void)state;
    af_sim *sim = af_sim_create(0);
    static af_event_id ids[1000];
    popped p = {0};
    for (uint64_t i = 0; i < 1000; i++) ids[i] = af_sim_schedule_at(sim, (double)(i % 10), pop_record, &p, i);
    for (uint64_t i = 0; i < 1000; i++)
        if (i % 7 != 0) assert_true(af_sim_cancel(sim, ids[i]));
    assert_int_equal(af_sim_pending(sim), 143); /* 0, 7, ..., 994 */
    uint64_t last_time = 0, last_i = 0;
    bool first = true;
    size_t ran = 0;
    while (af_sim_step(sim)) {
        uint64_t t = (uint64_t)af_sim_now(sim);
        assert_int_equal(p.arg % 7, 0);
        assert_int_equal(p.arg % 10, t);
        if (!first) assert_true(t > last_time || (t == last_time && p.arg > last_i));
        first = false;
        last_time = t;
        last_i = p.arg;
        ran++;
    }
    assert_int_equal(ran, 143);
    af_sim_destroy(sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_in_time_order),
        cmocka_unit_test(test_ties_break_by_insertion_order),
        cmocka_unit_test(test_zero_signs_tie_and_extremes_order),
        cmocka_unit_test(test_run_until_stops_at_horizon),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_handlers_schedule_cancel_and_stop),
        cmocka_unit_test(test_random_operations_match_reference),
        cmocka_unit_test(test_handlers_match_reference),
        cmocka_unit_test(test_pool_is_recycled),
        cmocka_unit_test(test_cancelled_events_are_reclaimed),
        cmocka_unit_test(test_cancel_most_keeps_order),
    };
    return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
