/* Opening schedules: weekly hours plus dated closures.
 *
 * The weekly hours are kept twice: per weekday as the caller gave them (so that clone and
 * later additions are simple), and flattened into one sorted, merged list of intervals in
 * "week minutes" measured from midnight of the run's start weekday, [0, 10080). The
 * flattened form makes the pattern periodic with period P = 10080 starting at time 0, so that
 * a time t reduces to (week base, position in week) exactly (fmod's answer, worked out
 * without fmod for the times of a run: engine/week_split.h). It also merges
 * intervals that meet across midnight (Sunday 24:00 and Monday 00:00 become one stretch), so
 * that midnight is not reported as a change.
 *
 * Closures are a sorted, merged list of absolute intervals. The schedule is open at t when
 * the weekly pattern is open and no closure contains t.
 *
 * Every array is reserved before the schedule is modified, so a failed allocation leaves the
 * schedule as it was.
 */
#include "aidflow/schedule.h"
#include "engine/schedule_impl.h"
#include "engine/week_split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WEEK_MINUTES AF_WEEK_MINUTES

/* Beyond this many minutes (about 1.9 billion years) from time 0 the spacing of doubles is
 * too coarse to place weekly boundaries; the weekly pattern is then treated as frozen, which
 * keeps next_change terminating for huge inputs. */
#define SCHEDULE_HORIZON 1e15

typedef struct span {
    double a; /* inclusive */
    double b; /* exclusive */
} span;

typedef struct span_vec {
    span *v;
    size_t n;
    size_t cap;
} span_vec;

struct af_schedule {
    int start_weekday;
    bool has_hours;
    span_vec day[7];   /* per calendar weekday (0 = Monday), minutes after midnight */
    span_vec week;     /* flattened pattern, week minutes from the start weekday */
    double *prefix;    /* prefix[i]: open minutes of week before week.v[i] */
    size_t prefix_cap;
    double week_total; /* open minutes per week */
    double *points;    /* times in [0, P) at which the weekly state changes, ascending */
    size_t points_n;
    size_t points_cap;
    span_vec closures;
};

static bool vec_reserve(span_vec *s, size_t want)
{
    if (want <= s->cap) return true;
    size_t cap = s->cap ? s->cap : 4;
    while (cap < want) cap *= 2;
    span *v = realloc(s->v, cap * sizeof *v);
    if (!v) return false;
    s->v = v;
    s->cap = cap;
    return true;
}

static bool doubles_reserve(double **p, size_t *cap, size_t want)
{
    if (want <= *cap) return true;
    size_t c = *cap ? *cap : 8;
    while (c < want) c *= 2;
    double *q = realloc(*p, c * sizeof *q);
    if (!q) return false;
    *p = q;
    *cap = c;
    return true;
}

/* Inserts [a, b) keeping the list sorted and merged; touching intervals merge too, because
 * [a, b) and [b, c) together are the single interval [a, c). Needs room for one more. */
static void vec_insert_merge(span_vec *s, double a, double b)
{
    size_t i = 0;
    while (i < s->n && s->v[i].b < a) i++;
    size_t j = i;
    while (j < s->n && s->v[j].a <= b) j++;
    if (i == j) {
        memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof *s->v);
        s->v[i] = (span){a, b};
        s->n++;
        return;
    }
    span m = {fmin(a, s->v[i].a), fmax(b, s->v[j - 1].b)};
    s->v[i] = m;
    memmove(s->v + i + 1, s->v + j, (s->n - j) * sizeof *s->v);
    s->n -= j - i - 1;
}

/* Index of the last interval with a <= t, or (size_t)-1 if none. */
static size_t vec_find(const span_vec *s, double t)
{
    size_t lo = 0, hi = s->n; /* first index with a > t lies in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->v[mid].a <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

static bool vec_contains(const span_vec *s, double t)
{
    size_t i = vec_find(s, t);
    return i != (size_t)-1 && t < s->v[i].b;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static bool week_always_open(const af_schedule *s)
{
    return !s->has_hours ||
           (s->week.n == 1 && s->week.v[0].a <= 0.0 && s->week.v[0].b >= WEEK_MINUTES);
}

/* Rebuilds the flattened week; the caller has reserved every array for `total` intervals. */
static void rebuild_week(af_schedule *s)
{
    s->week.n = 0;
    for (int d = 0; d < 7; d++) {
        double off = (double)((d - s->start_weekday + 7) % 7) * AF_MINUTES_PER_DAY;
        for (size_t i = 0; i < s->day[d].n; i++)
            vec_insert_merge(&s->week, off + s->day[d].v[i].a, off + s->day[d].v[i].b);
    }
    double acc = 0.0;
    for (size_t i = 0; i < s->week.n; i++) {
        s->prefix[i] = acc;
        acc += s->week.v[i].b - s->week.v[i].a;
    }
    s->week_total = acc;

    s->points_n = 0;
    if (week_always_open(s)) return;
    /* An interval reaching the end of the week and one starting at its beginning are one
     * stretch across the week boundary: neither edge is a change. */
    bool wrap = s->week.n > 0 && s->week.v[0].a <= 0.0 &&
                s->week.v[s->week.n - 1].b >= WEEK_MINUTES;
    for (size_t i = 0; i < s->week.n; i++) {
        double a = s->week.v[i].a, b = s->week.v[i].b;
        if (!(wrap && i == 0)) s->points[s->points_n++] = a;
        if (!(wrap && i == s->week.n - 1)) s->points[s->points_n++] = b >= WEEK_MINUTES ? 0.0 : b;
    }
    qsort(s->points, s->points_n, sizeof *s->points, cmp_double);
}

af_schedule *af_schedule_create(int start_weekday)
{
    if (start_weekday < AF_MONDAY || start_weekday > AF_SUNDAY) return NULL;
    af_schedule *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->start_weekday = start_weekday;
    return s;
}

void af_schedule_destroy(af_schedule *s)
{
    if (!s) return;
    for (int d = 0; d < 7; d++) free(s->day[d].v);
    free(s->week.v);
    free(s->prefix);
    free(s->points);
    free(s->closures.v);
    free(s);
}

static bool vec_copy(span_vec *dst, const span_vec *src)
{
    *dst = (span_vec){NULL, 0, 0};
    if (src->n == 0) return true;
    if (!vec_reserve(dst, src->n)) return false;
    memcpy(dst->v, src->v, src->n * sizeof *src->v);
    dst->n = src->n;
    return true;
}

af_schedule *af_schedule_clone(const af_schedule *src)
{
    if (!src) return NULL;
    af_schedule *s = af_schedule_create(src->start_weekday);
    if (!s) return NULL;
    s->has_hours = src->has_hours;
    bool ok = true;
    size_t total = 0;
    for (int d = 0; d < 7; d++) {
        ok = ok && vec_copy(&s->day[d], &src->day[d]);
        total += src->day[d].n;
    }
    ok = ok && vec_copy(&s->closures, &src->closures);
    ok = ok && vec_reserve(&s->week, total + 1) &&
         doubles_reserve(&s->prefix, &s->prefix_cap, total + 1) &&
         doubles_reserve(&s->points, &s->points_cap, 2 * total + 2);
    if (!ok) {
        af_schedule_destroy(s);
        return NULL;
    }
    rebuild_week(s);
    return s;
}

af_status af_schedule_add_hours(af_schedule *s, int weekday, double open_min, double close_min,
                                af_error *err)
{
    if (!s) return af_error_set(err, AF_INVAL, "schedule is NULL");
    if (weekday < AF_MONDAY || weekday > AF_SUNDAY)
        return af_error_set(err, AF_RANGE, "weekday must be 0 (Monday) to 6 (Sunday), got %d",
                            weekday);
    /* The negated form also rejects NaN. */
    if (!(open_min >= 0.0 && open_min < close_min && close_min <= AF_MINUTES_PER_DAY))
        return af_error_set(err, AF_RANGE,
                            "opening hours need 0 <= open < close <= 1440 minutes, got "
                            "[%g, %g)",
                            open_min, close_min);
    size_t total = 1;
    for (int d = 0; d < 7; d++) total += s->day[d].n;
    if (!vec_reserve(&s->day[weekday], s->day[weekday].n + 1) ||
        !vec_reserve(&s->week, total + 1) ||
        !doubles_reserve(&s->prefix, &s->prefix_cap, total + 1) ||
        !doubles_reserve(&s->points, &s->points_cap, 2 * total + 2))
        return af_error_set(err, AF_NOMEM, "out of memory adding opening hours");
    vec_insert_merge(&s->day[weekday], open_min, close_min);
    s->has_hours = true;
    rebuild_week(s);
    return AF_OK;
}

af_status af_schedule_add_closure(af_schedule *s, af_time from, af_time to, af_error *err)
{
    if (!s) return af_error_set(err, AF_INVAL, "schedule is NULL");
    /* Infinite ends are allowed: "closed until further notice" is a closure to +inf. */
    if (isnan(from) || isnan(to) || !(from < to))
        return af_error_set(err, AF_RANGE, "a closure needs from < to, got [%g, %g)", from, to);
    if (!vec_reserve(&s->closures, s->closures.n + 1))
        return af_error_set(err, AF_NOMEM, "out of memory adding a closure");
    vec_insert_merge(&s->closures, from, to);
    return AF_OK;
}

/* Splits finite t into base + u with base a whole number of weeks and u in [0, P), as fmod
 * does it, without fmod for the times of a run (engine/week_split.h has the proof). */
static double week_split(double t, double *base)
{
    return af_week_split(t, base);
}

static bool week_open_at(const af_schedule *s, double u)
{
    return vec_contains(&s->week, u);
}

static bool week_open(const af_schedule *s, af_time t)
{
    if (week_always_open(s)) return true;
    if (!isfinite(t)) return false;
    double base;
    return week_open_at(s, week_split(t, &base));
}

bool af_schedule_is_open(const af_schedule *s, af_time t)
{
    if (!s || isnan(t)) return false;
    return week_open(s, t) && !vec_contains(&s->closures, t);
}

/* The first time > t at which the weekly state changes; INFINITY if it never does. The
 * result is nudged up by ulps where rounding left it on the old side of the boundary, so
 * that callers that re-evaluate week_open() there see the new state and make progress. */
static af_time week_next_change(const af_schedule *s, af_time t)
{
    if (week_always_open(s) || s->points_n == 0 || isnan(t) || t >= SCHEDULE_HORIZON)
        return INFINITY;
    if (t < -SCHEDULE_HORIZON) t = -SCHEDULE_HORIZON;
    double base;
    double u = week_split(t, &base);
    size_t n = s->points_n;
    size_t idx = 0;
    while (idx < n && s->points[idx] <= u) idx++;
    /* n + 1 candidates always include one a whole week ahead, which is > t. */
    for (size_t k = 0; k <= n; k++) {
        size_t j = (idx + k) % n;
        double wraps = (double)((idx + k) / n);
        double p = s->points[j];
        double c = base + wraps * WEEK_MINUTES + p;
        if (!(c > t)) continue;
        bool after = week_open_at(s, p);
        for (int nudge = 0; nudge < 8 && week_open(s, c) != after; nudge++)
            c = nextafter(c, INFINITY);
        return c;
    }
    return INFINITY;
}

af_time af_schedule_next_change(const af_schedule *s, af_time t)
{
    bool open;
    return af_schedule_state(s, t, &open);
}

af_time af_schedule_state(const af_schedule *s, af_time t, bool *open)
{
    bool s0 = af_schedule_is_open(s, t);
    *open = s0;
    if (!s || isnan(t)) return NAN;
    if (t == INFINITY) return INFINITY;
    af_time x = t;
    /* Each step passes one closure or one weekly boundary outside closures, and only a run
     * of closures inside weekly-closed time can take more than two steps; the bound is a
     * guard against rounding surprises, not a limit reached in practice. */
    size_t guard = 2 * s->closures.n + 2 * s->points_n + 16;
    for (size_t step = 0; step < guard; step++) {
        af_time y;
        size_t i = vec_find(&s->closures, x);
        if (i != (size_t)-1 && x < s->closures.v[i].b) {
            y = s->closures.v[i].b; /* closed throughout the closure */
        } else {
            size_t next = i + 1; /* first closure starting after x */
            y = week_next_change(s, x);
            if (next < s->closures.n && s->closures.v[next].a < y) y = s->closures.v[next].a;
        }
        if (!(y > x) || y == INFINITY) return INFINITY;
        if (af_schedule_is_open(s, y) != s0) return y;
        x = y;
    }
    return INFINITY;
}

af_time af_schedule_next_open(const af_schedule *s, af_time t)
{
    if (!s || isnan(t)) return NAN;
    if (af_schedule_is_open(s, t)) return t;
    return af_schedule_next_change(s, t);
}

/* Open minutes of week in [0, u). */
static double week_cumulative(const af_schedule *s, double u)
{
    size_t i = vec_find(&s->week, u);
    if (i == (size_t)-1) return 0.0;
    const span *w = &s->week.v[i];
    return s->prefix[i] + fmin(u, w->b) - w->a;
}

/* Weekly open minutes in finite [a, b), a <= b: whole weeks at once, then the two ends. */
static double week_integral(const af_schedule *s, double a, double b)
{
    if (!(b > a)) return 0.0;
    if (week_always_open(s)) return b - a;
    double base_a, base_b;
    double ua = week_split(a, &base_a);
    double ub = week_split(b, &base_b);
    double weeks = (base_b - base_a) / WEEK_MINUTES;
    return weeks * s->week_total + week_cumulative(s, ub) - week_cumulative(s, ua);
}

double af_schedule_open_minutes(const af_schedule *s, af_time from, af_time to)
{
    if (!s || isnan(from) || isnan(to)) return NAN;
    if (!(to > from)) return 0.0;
    const span_vec *c = &s->closures;
    /* Open time always exists in each week (hours are non-empty intervals), so an unbounded
     * range has infinitely many open minutes unless a closure covers its unbounded end. */
    if (to == INFINITY) {
        if (c->n == 0 || c->v[c->n - 1].b != INFINITY) return INFINITY;
        to = c->v[c->n - 1].a;
    }
    if (from == -INFINITY) {
        if (c->n == 0 || c->v[0].a != -INFINITY) return INFINITY;
        from = c->v[0].b;
    }
    if (!(to > from)) return 0.0;
    double total = week_integral(s, from, to);
    size_t i = vec_find(c, from);
    if (i == (size_t)-1) i = 0;
    for (; i < c->n && c->v[i].a < to; i++) {
        double a = fmax(c->v[i].a, from), b = fmin(c->v[i].b, to);
        total -= week_integral(s, a, b);
    }
    return total > 0.0 ? total : 0.0;
}

int af_schedule_weekday(const af_schedule *s, af_time t)
{
    if (!s || !isfinite(t)) return -1;
    double r = fmod(floor(t / AF_MINUTES_PER_DAY), 7.0);
    if (r < 0.0) r += 7.0;
    return (s->start_weekday + (int)r) % 7;
}
