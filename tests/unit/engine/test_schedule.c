/* Tests of src/engine/schedule.c: weekly hours, closures, edges and brute-force agreement. */
#include "af_test.h"

#include <stdlib.h>

#include "aidflow/schedule.h"
#include "engine/schedule_impl.h"
#include "engine/week_split.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define DAY 1440.0
#define WEEK (7.0 * DAY)

/* Mon-Thu 08:00-16:00, Fri 08:00-12:00, closed Saturday and Sunday. */
static af_schedule *working_week(int start_weekday)
{
    af_schedule *s = af_schedule_create(start_weekday);
    assert_non_null(s);
    for (int d = AF_MONDAY; d <= AF_THURSDAY; d++)
        assert_int_equal(af_schedule_add_hours(s, d, 480, 960, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(s, AF_FRIDAY, 480, 720, NULL), AF_OK);
    return s;
}

static void test_weekday_arithmetic(void **state)
{
    (void)state;
    af_schedule *s = af_schedule_create(AF_WEDNESDAY);
    assert_non_null(s);
    assert_int_equal(af_schedule_weekday(s, 0), AF_WEDNESDAY);
    assert_int_equal(af_schedule_weekday(s, DAY - 0.001), AF_WEDNESDAY);
    assert_int_equal(af_schedule_weekday(s, DAY), AF_THURSDAY);
    assert_int_equal(af_schedule_weekday(s, 4 * DAY + 5), AF_SUNDAY);
    assert_int_equal(af_schedule_weekday(s, 5 * DAY), AF_MONDAY);
    assert_int_equal(af_schedule_weekday(s, 1000 * WEEK + 1), AF_WEDNESDAY);
    /* Before the start: the day before is a Tuesday. */
    assert_int_equal(af_schedule_weekday(s, -1), AF_TUESDAY);
    assert_int_equal(af_schedule_weekday(s, -DAY), AF_TUESDAY);
    assert_int_equal(af_schedule_weekday(s, -DAY - 1), AF_MONDAY);
    assert_int_equal(af_schedule_weekday(s, -3 * WEEK - 2 * DAY), AF_MONDAY);
    assert_int_equal(af_schedule_weekday(s, 1e12 * DAY), (AF_WEDNESDAY + (int)fmod(1e12, 7)) % 7);
    assert_int_equal(af_schedule_weekday(s, NAN), -1);
    assert_int_equal(af_schedule_weekday(s, INFINITY), -1);
    af_schedule_destroy(s);

    af_schedule *mon = af_schedule_create(AF_MONDAY);
    assert_int_equal(af_schedule_weekday(mon, -1), AF_SUNDAY);
    assert_int_equal(af_schedule_weekday(mon, -6 * DAY - 1), AF_MONDAY);
    assert_int_equal(af_schedule_weekday(mon, -7 * DAY - 1), AF_SUNDAY);
    af_schedule_destroy(mon);

    af_schedule *sun = af_schedule_create(AF_SUNDAY);
    assert_int_equal(af_schedule_weekday(sun, 0), AF_SUNDAY);
    assert_int_equal(af_schedule_weekday(sun, DAY), AF_MONDAY);
    af_schedule_destroy(sun);
}

static void test_working_week_hand_computed(void **state)
{
    (void)state;
    af_schedule *s = working_week(AF_MONDAY);
    for (int w = 0; w < 3; w++) {
        double b = w * WEEK;
        assert_false(af_schedule_is_open(s, b + 0));
        assert_false(af_schedule_is_open(s, b + 479.999));
        assert_true(af_schedule_is_open(s, b + 480));
        assert_true(af_schedule_is_open(s, b + 959.999));
        assert_false(af_schedule_is_open(s, b + 960)); /* half-open: closing minute is closed */
        assert_true(af_schedule_is_open(s, b + 3 * DAY + 900));   /* Thursday 15:00 */
        assert_true(af_schedule_is_open(s, b + 4 * DAY + 719));   /* Friday 11:59 */
        assert_false(af_schedule_is_open(s, b + 4 * DAY + 720));  /* Friday 12:00 */
        assert_false(af_schedule_is_open(s, b + 5 * DAY + 600));  /* Saturday */
        assert_false(af_schedule_is_open(s, b + 6 * DAY + 600));  /* Sunday */

        af_assert_close(af_schedule_next_change(s, b + 0), b + 480, 0, 0);
        af_assert_close(af_schedule_next_change(s, b + 479.5), b + 480, 0, 0);
        /* Strictly after: at the opening minute the next change is the closing. */
        af_assert_close(af_schedule_next_change(s, b + 480), b + 960, 0, 0);
        af_assert_close(af_schedule_next_change(s, b + 960), b + DAY + 480, 0, 0);
        af_assert_close(af_schedule_next_change(s, b + 4 * DAY + 500), b + 4 * DAY + 720, 0, 0);
        /* Friday noon to Monday 08:00 across the weekend and the week boundary. */
        af_assert_close(af_schedule_next_change(s, b + 4 * DAY + 720), b + WEEK + 480, 0, 0);
        af_assert_close(af_schedule_next_open(s, b + 5 * DAY), b + WEEK + 480, 0, 0);
        af_assert_close(af_schedule_next_open(s, b + 600), b + 600, 0, 0);

        af_assert_close(af_schedule_open_minutes(s, b, b + WEEK), 4 * 480 + 240, 0, 1e-9);
        af_assert_close(af_schedule_open_minutes(s, b + 500, b + DAY + 500), 460 + 20, 0, 1e-9);
        af_assert_close(af_schedule_open_minutes(s, b + 4 * DAY + 700, b + WEEK + 490), 30,
                        0, 1e-9);
    }
    af_assert_close(af_schedule_open_minutes(s, 0, 3 * WEEK), 3 * 2160, 0, 1e-9);
    af_assert_close(af_schedule_open_minutes(s, 600, 2 * WEEK + 600), 2 * 2160, 0, 1e-9);
    af_assert_close(af_schedule_open_minutes(s, 600, 600), 0, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, 700, 600), 0, 0, 0);
    /* Before time 0 the pattern repeats backwards: the previous Friday is open 08:00-12:00. */
    assert_true(af_schedule_is_open(s, -3 * DAY + 500));
    assert_false(af_schedule_is_open(s, -3 * DAY + 720));
    af_assert_close(af_schedule_next_change(s, -2 * DAY), 480, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, -WEEK, 0), 2160, 0, 1e-9);
    /* Whole weeks at once: a billion weeks is exact and immediate. */
    af_assert_close(af_schedule_open_minutes(s, 0, 1e9 * WEEK), 1e9 * 2160, 1e-12, 0);
    assert_true(af_schedule_open_minutes(s, 0, INFINITY) == INFINITY);
    /* An empty range has no open minutes, even at an infinite end. */
    af_assert_close(af_schedule_open_minutes(s, INFINITY, INFINITY), 0, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, -INFINITY, -INFINITY), 0, 0, 0);
    af_schedule_destroy(s);

    /* Time 0 on a Saturday: the first opening is Monday 08:00, two days later. */
    af_schedule *sat = working_week(AF_SATURDAY);
    assert_false(af_schedule_is_open(sat, 500));
    af_assert_close(af_schedule_next_change(sat, 0), 2 * DAY + 480, 0, 0);
    af_assert_close(af_schedule_next_change(sat, 2 * DAY + 480), 2 * DAY + 960, 0, 0);
    assert_true(af_schedule_is_open(sat, 6 * DAY + 700)); /* Friday */
    af_assert_close(af_schedule_next_change(sat, 6 * DAY + 700), 6 * DAY + 720, 0, 0);
    af_assert_close(af_schedule_next_change(sat, 6 * DAY + 720), 9 * DAY + 480, 0, 0);
    af_assert_close(af_schedule_open_minutes(sat, 0, 2 * DAY + 490), 10, 0, 1e-9);
    af_schedule_destroy(sat);
}

static void test_closures_overlapping_hours(void **state)
{
    (void)state;
    af_schedule *s = working_week(AF_MONDAY);
    /* Tuesday 10:00 to Wednesday 09:00. */
    assert_int_equal(af_schedule_add_closure(s, DAY + 600, 2 * DAY + 540, NULL), AF_OK);
    assert_true(af_schedule_is_open(s, DAY + 599));
    assert_false(af_schedule_is_open(s, DAY + 600));
    assert_false(af_schedule_is_open(s, 2 * DAY + 539));
    assert_true(af_schedule_is_open(s, 2 * DAY + 540));
    af_assert_close(af_schedule_next_change(s, DAY + 500), DAY + 600, 0, 0);
    af_assert_close(af_schedule_next_change(s, DAY + 600), 2 * DAY + 540, 0, 0);
    af_assert_close(af_schedule_next_open(s, DAY + 1000), 2 * DAY + 540, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, 0, WEEK), 2160 - 360 - 60, 0, 1e-9);
    af_assert_close(af_schedule_open_minutes(s, 0, 2 * WEEK), 2 * 2160 - 420, 0, 1e-9);

    /* A closure from Friday 10:00 over the weekend to Tuesday 09:00 of the second week: the
     * change after Friday 10:00 skips Monday's hours entirely. */
    double fri = 4 * DAY;
    assert_int_equal(af_schedule_add_closure(s, fri + 600, WEEK + DAY + 540, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(s, fri + 500), fri + 600, 0, 0);
    af_assert_close(af_schedule_next_change(s, fri + 600), WEEK + DAY + 540, 0, 0);
    af_assert_close(af_schedule_next_change(s, WEEK + 400), WEEK + DAY + 540, 0, 0);
    /* A closure ending outside hours: the change is the next opening, not the closure end. */
    assert_int_equal(af_schedule_add_closure(s, 2 * WEEK + 500, 2 * WEEK + 1000, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(s, 2 * WEEK + 490), 2 * WEEK + 500, 0, 0);
    af_assert_close(af_schedule_next_change(s, 2 * WEEK + 500), 2 * WEEK + DAY + 480, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, 2 * WEEK, 3 * WEEK), 2160 - 460, 0, 1e-9);
    af_schedule_destroy(s);
}

static void test_merging(void **state)
{
    (void)state;
    af_schedule *s = af_schedule_create(AF_MONDAY);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 480, 600, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 540, 720, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 720, 780, NULL), AF_OK); /* touches */
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 900, 960, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 500, 520, NULL), AF_OK); /* inside */
    af_assert_close(af_schedule_next_change(s, 480), 780, 0, 0);
    af_assert_close(af_schedule_next_change(s, 780), 900, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, 0, DAY), 300 + 60, 0, 1e-9);
    /* Bridging the gap merges three pieces into one. */
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 770, 910, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(s, 480), 960, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, 0, WEEK), 480, 0, 1e-9);

    /* Sunday 22:00-24:00 meets Monday 00:00-02:00: midnight is no change. */
    assert_int_equal(af_schedule_add_hours(s, AF_SUNDAY, 1320, 1440, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 0, 120, NULL), AF_OK);
    assert_true(af_schedule_is_open(s, WEEK - 1));
    assert_true(af_schedule_is_open(s, WEEK));
    assert_true(af_schedule_is_open(s, 0));
    assert_true(af_schedule_is_open(s, -1));
    af_assert_close(af_schedule_next_change(s, WEEK - 60), WEEK + 120, 0, 0);
    af_assert_close(af_schedule_next_change(s, -1), 120, 0, 0);
    af_assert_close(af_schedule_next_change(s, 6 * DAY + 1000), 6 * DAY + 1320, 0, 0);
    af_schedule_destroy(s);

    /* The same across a week boundary that falls mid-pattern: start on Wednesday. */
    af_schedule *w = af_schedule_create(AF_WEDNESDAY);
    assert_int_equal(af_schedule_add_hours(w, AF_TUESDAY, 1380, 1440, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(w, AF_WEDNESDAY, 0, 60, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(w, 0), 60, 0, 0);
    af_assert_close(af_schedule_next_change(w, 60), WEEK - 60, 0, 0);
    af_assert_close(af_schedule_next_change(w, WEEK - 60), WEEK + 60, 0, 0);
    af_schedule_destroy(w);

    /* Closures merge, including ones that only touch. */
    af_schedule *c = af_schedule_create(AF_MONDAY);
    assert_int_equal(af_schedule_add_closure(c, 100, 200, NULL), AF_OK);
    assert_int_equal(af_schedule_add_closure(c, 300, 400, NULL), AF_OK);
    assert_int_equal(af_schedule_add_closure(c, 150, 300, NULL), AF_OK);
    assert_int_equal(af_schedule_add_closure(c, 1000, 1100, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(c, 50), 100, 0, 0);
    af_assert_close(af_schedule_next_change(c, 100), 400, 0, 0);
    af_assert_close(af_schedule_next_change(c, 400), 1000, 0, 0);
    af_assert_close(af_schedule_open_minutes(c, 0, 2000), 2000 - 300 - 100, 0, 1e-9);

    /* A clone is deep: changing it leaves the original alone. */
    af_schedule *d = af_schedule_clone(c);
    assert_non_null(d);
    assert_int_equal(af_schedule_add_hours(d, AF_MONDAY, 0, 60, NULL), AF_OK);
    assert_true(af_schedule_is_open(c, 500));
    assert_false(af_schedule_is_open(d, 500));
    af_assert_close(af_schedule_next_change(d, 100), 1440 * 7, 0, 0);
    af_schedule_destroy(d);
    af_schedule_destroy(c);
}

/* A time a little before 0 (1e-13, under half the spacing of doubles near one week, 10080
 * minutes) lies, in week arithmetic, at the start of the week, not at its end: its position
 * in the week rounds to 0, never to 10080, which is outside every interval. So it answers as
 * t = 0 does, Monday 00:00, where this schedule is open until 01:00. */
static void test_tiny_negative_time_is_the_start_of_the_week(void **state)
{
    (void)state;
    af_schedule *s = af_schedule_create(AF_MONDAY);
    assert_non_null(s);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 0, 60, NULL), AF_OK);
    assert_true(af_schedule_is_open(s, 0));
    assert_true(af_schedule_is_open(s, -1e-13));
    af_assert_close(af_schedule_next_change(s, -1e-13), 60, 0, 0);
    af_schedule_destroy(s);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_null(af_schedule_create(-1));
    assert_null(af_schedule_create(7));
    af_schedule *s = af_schedule_create(AF_MONDAY);
    af_error err;
    af_error_clear(&err);
    assert_int_equal(af_schedule_add_hours(s, -1, 0, 60, &err), AF_RANGE);
    assert_int_equal(err.status, AF_RANGE);
    assert_true(err.message[0] != '\0');
    assert_int_equal(af_schedule_add_hours(s, 7, 0, 60, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(s, 0, -1, 60, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(s, 0, 60, 60, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(s, 0, 90, 60, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(s, 0, 0, 1441, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(s, 0, NAN, 60, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(s, 0, 0, NAN, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_closure(s, 10, 10, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_closure(s, 20, 10, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_closure(s, NAN, 10, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_closure(s, 0, NAN, NULL), AF_RANGE);
    assert_int_equal(af_schedule_add_hours(NULL, 0, 0, 60, NULL), AF_INVAL);
    /* Rejected calls changed nothing: still open around the clock. */
    assert_true(af_schedule_is_open(s, 12345));
    assert_true(isinf(af_schedule_next_change(s, 0)));
    /* Odd inputs answer without hanging. */
    assert_false(af_schedule_is_open(s, NAN));
    assert_true(isnan(af_schedule_next_change(s, NAN)));
    bool open = true;
    assert_true(isnan(af_schedule_state(s, NAN, &open)));
    assert_false(open);
    open = true;
    assert_true(isnan(af_schedule_state(NULL, 0, &open)));
    assert_false(open);
    open = false;
    assert_true(af_schedule_state(s, INFINITY, &open) == INFINITY);
    assert_true(open == af_schedule_is_open(s, INFINITY));
    assert_true(isnan(af_schedule_next_open(s, NAN)));
    assert_true(isnan(af_schedule_open_minutes(s, NAN, 10)));
    af_schedule_destroy(s);

    af_schedule *w = working_week(AF_MONDAY);
    assert_true(af_schedule_next_change(w, 1e300) > 1e300);
    assert_true(af_schedule_next_change(w, -1e300) > -1e300);
    assert_true(af_schedule_next_change(w, -1e14) > -1e14);
    assert_true(isinf(af_schedule_next_change(w, INFINITY)));
    af_assert_close(af_schedule_open_minutes(w, -1e12, 1e12), 2e12 * 2160 / WEEK, 1e-6, 0);
    assert_true(af_schedule_open_minutes(w, -INFINITY, 0) == INFINITY);
    af_schedule_destroy(w);
}

static void test_always_open(void **state)
{
    (void)state;
    af_schedule *s = af_schedule_create(AF_THURSDAY);
    assert_true(af_schedule_is_open(s, 0));
    assert_true(af_schedule_is_open(s, -5000));
    assert_true(isinf(af_schedule_next_change(s, 0)));
    af_assert_close(af_schedule_next_open(s, 77), 77, 0, 0);
    af_assert_close(af_schedule_open_minutes(s, 10, 3 * WEEK), 3 * WEEK - 10, 0, 1e-9);

    /* A closure in the future: two changes, then none. */
    assert_int_equal(af_schedule_add_closure(s, 5000, 6000, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(s, 0), 5000, 0, 0);
    af_assert_close(af_schedule_next_change(s, 5000), 6000, 0, 0);
    assert_true(isinf(af_schedule_next_change(s, 6000)));
    /* Closed for good from 10000: never opens again. */
    assert_int_equal(af_schedule_add_closure(s, 10000, INFINITY, NULL), AF_OK);
    af_assert_close(af_schedule_next_change(s, 6000), 10000, 0, 0);
    assert_true(isinf(af_schedule_next_change(s, 10000)));
    assert_true(isinf(af_schedule_next_open(s, 20000)));
    af_assert_close(af_schedule_open_minutes(s, 0, INFINITY), 10000 - 1000, 0, 1e-9);
    af_schedule_destroy(s);

    /* Hours covering every minute of every day are open around the clock too. */
    af_schedule *full = af_schedule_create(AF_MONDAY);
    for (int d = 0; d < 7; d++) {
        assert_int_equal(af_schedule_add_hours(full, d, 0, 720, NULL), AF_OK);
        assert_int_equal(af_schedule_add_hours(full, d, 720, 1440, NULL), AF_OK);
    }
    assert_true(isinf(af_schedule_next_change(full, 0)));
    assert_true(isinf(af_schedule_next_change(full, -3 * DAY)));
    af_assert_close(af_schedule_open_minutes(full, 0, 2 * WEEK), 2 * WEEK, 0, 1e-9);
    /* ... and answer as a schedule without hours does, even at infinite times. */
    af_schedule *none = af_schedule_create(AF_MONDAY);
    assert_true(af_schedule_is_open(none, INFINITY) && af_schedule_is_open(none, -INFINITY));
    assert_true(af_schedule_is_open(full, INFINITY));
    assert_true(af_schedule_is_open(full, -INFINITY));
    af_schedule_destroy(none);
    af_schedule_destroy(full);
}

/* A clone of a schedule with weekly hours and a closure answers as the original does at
 * every hour of three weeks, and changing the clone leaves the original alone. */
static void test_clone_with_hours(void **state)
{
    (void)state;
    af_schedule *w = working_week(AF_WEDNESDAY);
    assert_int_equal(af_schedule_add_closure(w, 2 * DAY + 600, 3 * DAY, NULL), AF_OK);
    af_schedule *c = af_schedule_clone(w);
    assert_non_null(c);
    for (double t = -WEEK; t < 2 * WEEK; t += 60) {
        assert_int_equal(af_schedule_is_open(c, t), af_schedule_is_open(w, t));
        af_assert_close(af_schedule_next_change(c, t), af_schedule_next_change(w, t), 0, 0);
    }
    /* Time 0 is a Wednesday; the closure takes 10:00-12:00 off Friday's 08:00-12:00. */
    af_assert_close(af_schedule_open_minutes(c, 0, WEEK), 2160 - 120, 0, 1e-9);
    assert_int_equal(af_schedule_weekday(c, 0), AF_WEDNESDAY);
    /* Saturday (day 3) is closed in both until the clone opens it. */
    assert_int_equal(af_schedule_add_hours(c, AF_SATURDAY, 0, 1440, NULL), AF_OK);
    assert_true(af_schedule_is_open(c, 3 * DAY + 100));
    assert_false(af_schedule_is_open(w, 3 * DAY + 100));
    af_schedule_destroy(c);
    af_schedule_destroy(w);
}

/* A small LCG so that the random-ish schedule is the same on every platform. */
static uint32_t lcg(uint32_t *x)
{
    *x = *x * 1664525u + 1013904223u;
    return *x >> 8;
}

static void test_brute_force_next_change(void **state)
{
    (void)state;
    for (uint32_t seed = 1; seed <= 4; seed++) {
        uint32_t x = seed * 7919u;
        af_schedule *s = af_schedule_create((int)(lcg(&x) % 7));
        for (int d = 0; d < 7; d++) {
            int pieces = (int)(lcg(&x) % 4);
            for (int k = 0; k < pieces; k++) {
                double a = (double)(lcg(&x) % 1440);
                double b = a + 1 + (double)(lcg(&x) % 400);
                if (lcg(&x) % 5 == 0) a = 0;    /* exercise midnight edges */
                if (b > 1440 || lcg(&x) % 6 == 0) b = 1440;
                assert_int_equal(af_schedule_add_hours(s, d, a, b, NULL), AF_OK);
            }
        }
        for (int k = 0; k < 6; k++) {
            double a = (double)(lcg(&x) % (int)(3 * WEEK)) - DAY;
            double b = a + 1 + (double)(lcg(&x) % 3000);
            assert_int_equal(af_schedule_add_closure(s, a, b, NULL), AF_OK);
        }

        /* Edges are whole minutes, so the state is constant on [m, m+1). */
        const int lo = -(int)DAY, hi = (int)(3 * WEEK);
        size_t n = (size_t)(hi - lo) + 1;
        bool *open = malloc(n * sizeof *open);
        double *next = malloc(n * sizeof *next);
        assert_non_null(open);
        assert_non_null(next);
        for (size_t i = 0; i < n; i++) open[i] = af_schedule_is_open(s, lo + (double)i);
        next[n - 1] = NAN; /* unknown beyond the window */
        for (size_t i = n - 1; i-- > 0;)
            next[i] = open[i + 1] != open[i] ? lo + (double)(i + 1) : next[i + 1];
        double cum = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            double t = lo + (double)i;
            assert_true(af_schedule_is_open(s, t + 0.5) == open[i]);
            double got = af_schedule_next_change(s, t);
            double got_mid = af_schedule_next_change(s, t + 0.25);
            /* The station's memo asks for both at once (engine/schedule_impl.h). */
            bool o = !open[i], o_mid = !open[i];
            double both = af_schedule_state(s, t, &o);
            double both_mid = af_schedule_state(s, t + 0.25, &o_mid);
            assert_memory_equal(&both, &got, sizeof got);
            assert_memory_equal(&both_mid, &got_mid, sizeof got);
            assert_true(o == open[i] && o_mid == open[i]);
            if (isnan(next[i])) {
                assert_true(got >= hi);
                assert_true(got_mid >= hi);
            } else {
                af_assert_close(got, next[i], 0, 0);
                af_assert_close(got_mid, next[i], 0, 0);
            }
            double want_open = open[i] ? t : next[i];
            if (!isnan(want_open)) af_assert_close(af_schedule_next_open(s, t), want_open, 0, 0);
            af_assert_close(af_schedule_open_minutes(s, lo, t), cum, 0, 1e-6);
            cum += open[i] ? 1.0 : 0.0;
        }
        /* A few random sub-ranges, including fractional ends. */
        for (int k = 0; k < 200; k++) {
            size_t i = lcg(&x) % (n - 1), j = lcg(&x) % (n - 1);
            if (i > j) {
                size_t tmp = i;
                i = j;
                j = tmp;
            }
            double want = 0;
            for (size_t m = i; m < j; m++) want += open[m] ? 1.0 : 0.0;
            want += (open[j] ? 0.5 : 0.0) - (open[i] ? 0.25 : 0.0);
            af_assert_close(af_schedule_open_minutes(s, lo + (double)i + 0.25,
                                                     lo + (double)j + 0.5),
                            want, 0, 1e-6);
        }
        free(open);
        free(next);
        af_schedule_destroy(s);
    }
}

/* Hours that run across the week's boundary, Sunday 20:00 to Monday 08:00 (time 0 is a
 * Monday midnight): one stretch, so the boundary is no change. From Sunday 21:00 the next
 * change is Monday 08:00 of the next week, and from Monday 08:00 it is Sunday 20:00. */
static void test_hours_across_the_week_boundary(void **state)
{
    (void)state;
    af_schedule *s = af_schedule_create(AF_MONDAY);
    assert_non_null(s);
    assert_int_equal(af_schedule_add_hours(s, AF_SUNDAY, 1200, 1440, NULL), AF_OK);
    assert_int_equal(af_schedule_add_hours(s, AF_MONDAY, 0, 480, NULL), AF_OK);
    assert_true(af_schedule_is_open(s, 6 * DAY + 1260));
    assert_true(af_schedule_is_open(s, WEEK));
    af_assert_close(af_schedule_next_change(s, 6 * DAY + 1260), WEEK + 480, 0, 0);
    af_assert_close(af_schedule_next_change(s, 480), 6 * DAY + 1200, 0, 0);
    af_assert_close(af_schedule_next_change(s, WEEK - 1), WEEK + 480, 0, 0);
    af_schedule_destroy(s);
}

/* The split without fmod gives fmod's two doubles, bit for bit, over every kind of time: both
 * results are compared as bit patterns (so -0.0 against +0.0 would fail). */
static void split_agrees(double t, size_t *fast)
{
    double b_new, b_old;
    double u_new = af_week_split(t, &b_new);
    double u_old = af_week_split_fmod(t, &b_old);
    if (memcmp(&u_new, &u_old, sizeof u_new) != 0 || memcmp(&b_new, &b_old, sizeof b_new) != 0)
        fail_msg("t = %a: u %a against %a, base %a against %a", t, u_new, u_old, b_new, b_old);
    if (t >= 0.0 && t < 0x1p42) ++*fast;
}

static void test_week_split_is_fmods(void **state)
{
    (void)state;
    size_t fast = 0;
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (long k = -3000; k <= 3000; k++) {
        /* Whole weeks, days and minutes, and their neighbours an ulp or a few away. */
        double edges[] = {k * WEEK, k * DAY, k * 60.0, (double)k, k * 0.1, k * WEEK * 1e5};
        for (size_t e = 0; e < sizeof edges / sizeof *edges; e++) {
            double t = edges[e];
            split_agrees(t, &fast);
            double up = t, down = t;
            for (int i = 0; i < 4; i++) {
                up = nextafter(up, INFINITY);
                down = nextafter(down, -INFINITY);
                split_agrees(up, &fast);
                split_agrees(down, &fast);
            }
        }
    }
    for (long i = 0; i < 2000000; i++) {
        /* Random times: uniform over a year and a century, and random bit patterns (every
         * exponent, both signs, subnormals, huge), NaN and infinities left out. */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double u01 = (double)(x >> 11) * 0x1p-53;
        split_agrees(u01 * 365 * DAY, &fast);
        split_agrees(u01 * 36500 * DAY, &fast);
        split_agrees(-u01 * 365 * DAY, &fast);
        double bits;
        memcpy(&bits, &x, sizeof bits);
        if (isfinite(bits)) split_agrees(bits, &fast);
    }
    double specials[] = {0.0, -0.0, 0x1p-1074, -0x1p-1074, 0x1p-1022, 0x1p42, nextafter(0x1p42, 0),
                         0x1p53, 1e15, -1e15, DBL_MAX, -DBL_MAX, WEEK, -WEEK, -1e-300};
    for (size_t i = 0; i < sizeof specials / sizeof *specials; i++) split_agrees(specials[i], &fast);
    assert_true(fast > 4000000); /* most of them took the way without fmod */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekday_arithmetic),
        cmocka_unit_test(test_hours_across_the_week_boundary),
        cmocka_unit_test(test_working_week_hand_computed),
        cmocka_unit_test(test_closures_overlapping_hours),
        cmocka_unit_test(test_merging),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_tiny_negative_time_is_the_start_of_the_week),
        cmocka_unit_test(test_always_open),
        cmocka_unit_test(test_week_split_is_fmods),
        cmocka_unit_test(test_clone_with_hours),
        cmocka_unit_test(test_brute_force_next_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
