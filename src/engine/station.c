/* Multi-server stations on the af_sim calendar.
 *
 * All state changes go through refresh(), which brings the station in line with "now":
 * while open it resumes suspended services, starts waiting entities and arms the closing
 * event; while closed it suspends work under AF_WIP_SUSPEND and arms the wake-up at the next
 * opening. Events (completion, wake-up, closing) and public calls only change the station's
 * inputs and then call refresh(), so the rules live in one place.
 *
 * Order of hooks (deterministic): at a completion the lane is freed, the next waiting
 * entities start (their `started` hooks run), and only then does `done` run for the entity
 * that finished. Hooks may call back into the station (arrive, set_closed): a call made
 * while refresh() is running only records that another pass is needed, and the running
 * refresh() loops until nothing is left to do. No pointer into the station's arrays is held
 * across a hook call, since a reentrant arrival may reallocate them. Destroying the station
 * from a hook is not supported.
 *
 * Short ways skip refresh() where its answer is known (a plain station's arrivals, starts and
 * completions, and those of a station plain but for its schedule while it is open, plain_now;
 * at any station an arrival who starts at once, a completion whose lane goes
 * straight to the next in line, and calls that would find nothing to do): each does the
 * general way's steps in its order with the same numbers, which the twin tests check
 * against a station forced onto the general way (af_station_set_general_only).
 *
 * Storage grows by doubling and is reused, so arrivals allocate nothing in steady state.
 */
#include "aidflow/station.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/calendar_impl.h"
#include "engine/schedule_impl.h"
#include "engine/station_impl.h"
#include "engine/station_view.h"
#include "engine/stats_impl.h"

typedef af_station_entry entry;
typedef af_station_ring ring;
typedef af_station_heap heap;

typedef enum lane_state { LANE_FREE, LANE_ACTIVE, LANE_SUSPENDED } lane_state;

typedef struct lane {
    lane_state state;
    uint64_t entity;
    af_time t_queue;   /* for the sojourn time */
    af_time t_end;     /* completion time while active */
    double remaining;  /* service left while suspended */
    af_event_id ev;    /* completion event while active */
} lane;

struct af_station {
    /* First: what the model's inline queries read (engine/station_view.h): the clock, the
     * schedule and its memo, a forced closing, the queue and the upstream line. */
    af_station_view v;
    char *name;
    unsigned lanes_n;     /* lane slots: the most lanes the station has had */
    unsigned lanes_open;  /* lanes in use now (af_station_set_lanes); lanes at or above it
                             finish their service and are then retired */
    size_t queue_limit;
    uint32_t daily_cap;
    af_wip_policy wip;
    af_station_hooks hooks;

    lane *lanes;
    unsigned *free_lanes; /* stack of free lane indices; lowest index on top at first */
    unsigned free_n;
    unsigned active_n;
    unsigned suspended_n;

    uint64_t next_seq;

    double cap_day; /* day index that started_today counts */
    af_time day_until; /* times from now until it are surely in day cap_day (cover_day) */
    uint32_t started_today;

    af_event_id wake_ev;
    af_time wake_time;
    af_event_id closing_ev;
    af_time closing_time;

    bool in_refresh;
    bool again;
    /* A plain station: FCFS, no schedule, no daily cap, no queue limit, not forced closed, no
     * service hook (note_config keeps it). It is always open, never blocks and never arms a
     * wake-up or a closing, so arrivals and starts take the short way (refresh_once). */
    bool plain;
    /* Plain while open: what plain asks but the schedule, and work in progress finishing
     * (note_config keeps it). While its schedule is open (plain_now) such a station does
     * what a plain one does: it never blocks, has no cap and no service hook, and a closing
     * under AF_WIP_FINISH needs no event; closed, it takes the general way. */
    bool open_plain;
    /* Tests only (station_impl.h): the short ways of stations that are not plain are left
     * out, so that a twin shows they change nothing. */
    bool general_only;
    /* Tests only (station_impl.h): how often restart_general and arrive_start ran. */
    uint64_t short_restarts;
    uint64_t short_arrival_starts;
    /* Tests only: arrivals and completions that took the plain way at a station with a
     * schedule (plain_now). */
    uint64_t short_open_plain;

    af_station_stats stats;
};

/* ---- containers ---------------------------------------------------------------------- */

static __attribute__((noinline)) bool ring_grow(ring *r, size_t want);

/* Room for `want` entries: a test inline, the growth out of line. */
static inline bool ring_reserve(ring *r, size_t want)
{
    return want <= r->cap || ring_grow(r, want);
}

static bool ring_grow(ring *r, size_t want)
{
    size_t cap = r->cap ? r->cap : 16;
    while (cap < want) cap *= 2;
    entry *v = malloc(cap * sizeof *v);
    if (!v) return false;
    for (size_t i = 0; i < r->n; i++) v[i] = r->v[(r->head + i) & (r->cap - 1)];
    free(r->v);
    r->v = v;
    r->cap = cap;
    r->head = 0;
    return true;
}

/* Needs room (ring_reserve). */
static void ring_push(ring *r, const entry *e)
{
    r->v[(r->head + r->n) & (r->cap - 1)] = *e;
    r->n++;
}

/* Needs room (ring_reserve). The new last place, for the caller to fill in field by field: a
 * whole entry built elsewhere and copied in, then read back at once by a start, makes the
 * processor wait for the copy (stores of one width, loads of another). */
static entry *ring_push_slot(ring *r)
{
    entry *e = &r->v[(r->head + r->n) & (r->cap - 1)];
    r->n++;
    return e;
}

/* Removes the head (the ring is not empty). */
static inline void ring_drop(ring *r)
{
    r->head = (r->head + 1) & (r->cap - 1);
    r->n--;
}

static entry ring_pop(ring *r)
{
    entry e = r->v[r->head];
    r->head = (r->head + 1) & (r->cap - 1);
    r->n--;
    return e;
}

static __attribute__((noinline)) bool heap_grow(heap *h, size_t want);

static inline bool heap_reserve(heap *h, size_t want)
{
    return want <= h->cap || heap_grow(h, want);
}

static bool heap_grow(heap *h, size_t want)
{
    size_t cap = h->cap ? h->cap : 16;
    while (cap < want) cap *= 2;
    entry *v = realloc(h->v, cap * sizeof *v);
    if (!v) return false;
    h->v = v;
    h->cap = cap;
    return true;
}

static bool entry_before(const entry *a, const entry *b)
{
    return a->priority < b->priority || (a->priority == b->priority && a->seq < b->seq);
}

/* Needs room (heap_reserve). */
static void heap_push(heap *h, const entry *e)
{
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!entry_before(e, &h->v[p])) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = *e;
}

static entry heap_pop(heap *h)
{
    entry top = h->v[0];
    entry last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && entry_before(&h->v[c + 1], &h->v[c])) c++;
        if (!entry_before(&h->v[c], &last)) break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0) h->v[i] = last;
    return top;
}

/* Removes entry i of the ring (in order from the head), closing the gap; O(n). */
static entry ring_remove_at(ring *r, size_t i)
{
    entry e = r->v[(r->head + i) & (r->cap - 1)];
    for (size_t k = i; k + 1 < r->n; k++)
        r->v[(r->head + k) & (r->cap - 1)] = r->v[(r->head + k + 1) & (r->cap - 1)];
    r->n--;
    return e;
}

/* The last entry of `entity` in [lo, p), or NULL: from the back, four entries a step (a
 * closure at the largest scenario's crossings scans thousands), then one by one. */
static const entry *scan_back(const entry *lo, const entry *p, uint64_t entity)
{
    while (p - lo >= 4) {
        if (p[-1].entity == entity) return p - 1;
        if (p[-2].entity == entity) return p - 2;
        if (p[-3].entity == entity) return p - 3;
        if (p[-4].entity == entity) return p - 4;
        p -= 4;
    }
    while (p != lo)
        if ((--p)->entity == entity) return p;
    return NULL;
}

/* The position of the last entry of `entity`. From the back: those who leave a queue are
 * mostly its latest (a closure's last in line decide first), and ring_remove_at moves only
 * the entries behind. */
static bool ring_find(const ring *r, uint64_t entity, size_t *at)
{
    if (r->n == 0) return false;
    /* The ring as its two runs in memory, each scanned with a plain pointer: entries
     * 0 .. first - 1 from the head to the end of the array, the rest wrapped round to its
     * start. */
    size_t first = r->cap - r->head < r->n ? r->cap - r->head : r->n;
    const entry *lo = r->v, *p = scan_back(lo, r->v + (r->n - first), entity);
    if (p) {
        *at = first + (size_t)(p - lo);
        return true;
    }
    lo = r->v + r->head;
    p = scan_back(lo, lo + first, entity);
    if (p) {
        *at = (size_t)(p - lo);
        return true;
    }
    return false;
}

/* Removes element i of the heap and restores the heap order: the last element takes its
 * place and moves up or down. */
static entry heap_remove_at(heap *h, size_t i)
{
    entry out = h->v[i];
    entry last = h->v[--h->n];
    if (i == h->n) return out;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!entry_before(&last, &h->v[p])) break;
        h->v[i] = h->v[p];
        i = p;
    }
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && entry_before(&h->v[c + 1], &h->v[c])) c++;
        if (!entry_before(&h->v[c], &last)) break;
        h->v[i] = h->v[c];
        i = c;
    }
    h->v[i] = last;
    return out;
}

/* ---- queue (whichever discipline) ------------------------------------------------------ */

static size_t queue_len(const af_station *st)
{
    return af_station_queued(st);
}

static bool queue_reserve(af_station *st, size_t want)
{
    return st->v.discipline == AF_QUEUE_PRIORITY ? heap_reserve(&st->v.prio, want)
                                               : ring_reserve(&st->v.fifo, want);
}

static void queue_push(af_station *st, const entry *e)
{
    if (st->v.discipline == AF_QUEUE_PRIORITY)
        heap_push(&st->v.prio, e);
    else
        ring_push(&st->v.fifo, e);
}

/* The entry that starts next (the queue is not empty). */
static const entry *queue_head(const af_station *st)
{
    return st->v.discipline == AF_QUEUE_PRIORITY ? &st->v.prio.v[0] : &st->v.fifo.v[st->v.fifo.head];
}

/* Removes queue_head(). */
static void queue_drop_head(af_station *st)
{
    if (st->v.discipline == AF_QUEUE_PRIORITY)
        (void)heap_pop(&st->v.prio);
    else
        ring_drop(&st->v.fifo);
}

static bool queue_full(const af_station *st)
{
    return st->queue_limit > 0 && queue_len(st) >= st->queue_limit;
}

/* ---- state ------------------------------------------------------------------------------ */

static af_time now_of(const af_station *st)
{
    return af_sim_clock(st->v.sim);
}

/* Brings the schedule memo to cover `now` (its recomputation, af_station_memo_fill, out of
 * line: most calls fall inside the memo). The memo is not part of the station's observable
 * state (it caches a pure function of the schedule), so const callers may refresh it. */
static inline __attribute__((always_inline)) void sched_cover(const af_station *cst,
                                                              af_time now)
{
    if (now >= cst->v.state_from && now < cst->v.state_until) return;
    af_station_memo_fill(cst, now);
}

__attribute__((noinline)) void af_station_memo_fill(const af_station *cst, af_time now)
{
    af_station *st = (af_station *)cst;
    bool open;
    st->v.state_until = af_schedule_state(st->v.schedule, now, &open);
    st->v.open_state = open;
    st->v.state_from = now;
    if (!(st->v.state_until > now)) st->v.state_until = now; /* NaN or no progress: no memo */
}

/* Whether the schedule is open at now (no schedule: always). */
static inline bool sched_open(const af_station *st, af_time now)
{
    return af_station_view_sched_open(st, now);
}

/* af_schedule_next_change(schedule, now), from the memo. */
static inline af_time sched_next_change(const af_station *st, af_time now)
{
    return af_station_view_next_change(st, now);
}

/* af_schedule_next_open(schedule, now), from the memo. */
static inline af_time sched_next_open(const af_station *st, af_time now)
{
    return sched_open(st, now) ? now : sched_next_change(st, now);
}

static inline __attribute__((always_inline)) bool open_now(const af_station *st)
{
    if (st->v.forced_closed) return false;
    return sched_open(st, now_of(st));
}

/* Whether refresh() would do nothing now, outside a refresh, at a station that is closed:
 * no service in progress to suspend, and either a forced closing (which arms nothing) or a
 * closing by the schedule, known from the memo, with the wake-up already armed no later than
 * the opening that ends it (state_until, which want_wake would then leave alone). The steps
 * of refresh_once's closed branch, each found to change nothing. */
static inline bool closed_and_armed(const af_station *st, af_time now)
{
    if (!st->v.forced_closed) {
        if (!st->v.schedule) return false; /* open */
        sched_cover(st, now);
        if (st->v.open_state || !(now < st->v.state_until) || !st->wake_ev ||
            st->wake_time > st->v.state_until)
            return false;
    }
    return !st->general_only && (st->wip == AF_WIP_FINISH || st->active_n == 0);
}

/* Whether refresh() would do nothing after a completion, outside a refresh, at a station that
 * is not plain: no one waits in the queue (so no one starts) and no service is suspended or,
 * under AF_WIP_SUSPEND, in progress (so none resumes, is suspended or needs the closing), and
 * a wake-up is wanted only for those. Open or closed, refresh_once's steps all find nothing
 * (they start no one, so they admit no one blocked). Most completions at the model's
 * stations, which have room to spare by day. */
static inline bool idle_after_completion(const af_station *st)
{
    return !st->in_refresh && queue_len(st) == 0 && st->suspended_n == 0 &&
           (st->wip == AF_WIP_FINISH || st->active_n == 0) && !st->general_only;
}

/* Recomputes st->plain and st->open_plain; every setter of a field they read calls it. */
static void note_config(af_station *st)
{
    bool like_plain = st->v.discipline == AF_QUEUE_FCFS && st->daily_cap == 0 &&
                      st->queue_limit == 0 && !st->v.forced_closed && !st->hooks.service;
    st->plain = like_plain && !st->v.schedule;
    st->open_plain = st->plain || (like_plain && st->wip == AF_WIP_FINISH);
}

/* Whether the station takes the plain way now: it is plain, or plain while open
 * (open_plain) with its schedule open at now and not forced onto the general way (tests).
 * What the general way does beyond the plain one at such a station, and why each finds
 * nothing to do while it is open: the priority heap (FCFS), the queue limit and the upstream
 * line (no limit, so no one blocks: set_queue_limit admits them all when the limit goes, and
 * an arrival with anyone still upstream takes the general way), the daily cap and its
 * wake-up (no cap), the service hook (none), the closing event and the suspension of work
 * (AF_WIP_FINISH arms none and suspends none), a forced closing (none) and the wake-up at the
 * next opening (armed only while closed, by the general way, and firing only refresh()). The
 * time does not move within a refresh, and only a setter changes the answer there, which asks
 * for another pass, so each pass may ask once. The entry's seq, priority and t_block, which the
 * plain way does not write, order only the priority heap and the upstream line, which an FCFS
 * queue never feeds. */
static inline __attribute__((always_inline)) bool plain_now(const af_station *st, af_time now)
{
    if (st->plain) return true;
    return st->open_plain && !st->general_only && sched_open(st, now);
}

/* A count of entries held in memory as a double: below 2^63, where the signed conversion
 * gives the same double as the unsigned one without its test of the top bit. */
static inline double count_d(size_t n)
{
    return (double)(int64_t)n;
}

static inline void note_queue(af_station *st, af_time now)
{
    af_timeavg_set_inline(&st->stats.queue, now, count_d(queue_len(st)));
}

/* note_queue for a queue that just grew by one (fifo): the same as af_timeavg_set_inline
 * without its minimum, which a value above the last one leaves as it was (the last value is
 * never below the minimum: every value set is taken into it). */
static inline void note_queue_up(af_station *st, af_time now)
{
    af_timeavg *a = &st->stats.queue;
    double v = count_d(st->v.fifo.n);
    if (now > a->t_last) {
        a->area += a->value * (now - a->t_last);
        a->t_last = now;
    }
    a->value = v;
    double hi = a->max;
    a->max = v > hi ? v : hi;
}

static inline void note_blocked(af_station *st, af_time now)
{
    af_timeavg_set_inline(&st->stats.blocked, now, count_d(st->v.blocked.n));
}

static inline void note_busy(af_station *st, af_time now)
{
    af_timeavg_set_inline(&st->stats.busy, now, (double)st->active_n);
}

/* note_busy with active_n - 1 and then with active_n, at one time (a lane that ends and
 * starts again), in one step with the same result: the first accumulates the area and moves
 * t_last to now, so the second adds nothing and the value ends as active_n, which is
 * note_busy itself; the minimum can also take active_n - 1. */
static inline void note_busy_dip(af_station *st, af_time now)
{
    note_busy(st, now);
    af_timeavg *a = &st->stats.busy;
    double lo = (double)(st->active_n - 1), mn = a->min;
    a->min = lo < mn ? lo : mn;
}

static void on_complete(af_sim *sim, void *ctx, uint64_t arg);
static void on_wake(af_sim *sim, void *ctx, uint64_t arg);

/* Schedules lane li's completion at t = now + service, service >= 0 (checked at the arrival,
 * or by the service hook's caller), so t >= now and only t < INFINITY is left to check. */
static inline __attribute__((always_inline)) af_event_id schedule_completion(af_station *st,
                                                                           af_time t,
                                                                           unsigned li)
{
    if (!(t < INFINITY)) return 0;
    return af_sim_push(st->v.sim, t, on_complete, st, li);
}
static void on_closing(af_sim *sim, void *ctx, uint64_t arg);

static void refresh(af_station *st);

/* Keeps at most one wake-up pending, the earliest needed: a wake-up that fires early just
 * runs refresh(), which arms the next one. A time not after now would fire again at once
 * and forever, so it is refused. */
static __attribute__((noinline)) void want_wake_arm(af_station *st, af_time t);

static inline void want_wake(af_station *st, af_time t)
{
    af_time now = now_of(st);
    if (!(t > now) || !isfinite(t)) return;
    if (st->wake_ev && st->wake_time <= t) return; /* the usual case: already armed */
    want_wake_arm(st, t);
}

/* want_wake's (re)arming, out of line. */
static void want_wake_arm(af_station *st, af_time t)
{
    if (st->wake_ev) {
        af_sim_cancel(st->v.sim, st->wake_ev);
        st->wake_ev = 0;
    }
    st->wake_ev = af_sim_schedule_at(st->v.sim, t, on_wake, st, 0);
    st->wake_time = t;
}

/* Under AF_WIP_SUSPEND, active services must hear about the next closing of the schedule.
 * Forced closings come through af_station_set_closed and need no event. */
static __attribute__((noinline)) void arm_closing_at(af_station *st, af_time now);

static inline void arm_closing(af_station *st, af_time now)
{
    if (st->wip != AF_WIP_SUSPEND || !st->v.schedule || st->active_n == 0) return;
    arm_closing_at(st, now);
}

/* arm_closing for a station that needs the event, out of line. */
static void arm_closing_at(af_station *st, af_time now)
{
    af_time t = sched_next_change(st, now);
    if (!(t > now) || !isfinite(t)) return;
    if (st->closing_ev) {
        if (st->closing_time == t) return;
        af_sim_cancel(st->v.sim, st->closing_ev);
        st->closing_ev = 0;
    }
    st->closing_ev = af_sim_schedule_at(st->v.sim, t, on_closing, st, 0);
    st->closing_time = t;
}

/* Moves blocked entities into the queue while it has places. */
static void admit_blocked(af_station *st, af_time now)
{
    if (st->v.blocked.n == 0) return;
    bool moved = false;
    while (st->v.blocked.n > 0 && !queue_full(st)) {
        if (!queue_reserve(st, queue_len(st) + 1)) break; /* stays blocked; retried later */
        entry e = ring_pop(&st->v.blocked);
        af_tally_add_inline(&st->stats.blocked_wait, now - e.t_block);
        e.t_queue = now;
        queue_push(st, &e);
        moved = true;
        if (st->hooks.admitted) st->hooks.admitted(st, st->hooks.ctx, e.entity);
    }
    if (moved) {
        note_blocked(st, now);
        note_queue(st, now);
    }
}

/* Sets day_until to a time before which every time from now on has day index cap_day, set
 * from now (cover_day runs where cap_day = floor(now / 1440)): a minute before the day's end,
 * well clear of rounding up to cap_day + 1 for any day index below 10^12. The clock never goes
 * back, and a later time's day index is at least cap_day (division is monotone), so no lower
 * bound is needed. */
static void cover_day(af_station *st)
{
    if (fabs(st->cap_day) < 1e12)
        st->day_until = st->cap_day * AF_MINUTES_PER_DAY + (AF_MINUTES_PER_DAY - 1.0);
    else
        st->day_until = -INFINITY; /* always divide */
}

static inline void roll_day(af_station *st, af_time now)
{
    if (now < st->day_until) return; /* still day cap_day */
    double day = floor(now / AF_MINUTES_PER_DAY);
    if (day != st->cap_day) {
        st->cap_day = day;
        st->started_today = 0;
    }
    cover_day(st);
}

/* Lane l takes entity, queued since t_queue, from now until now + service with completion
 * ev, and the start is counted (started today, started, the wait); returns the wait. The
 * caller has made l active (a free lane taken off the free stack, or the lane its completion
 * just freed, which stays active) and keeps busy and the queue's collectors itself. */
static inline __attribute__((always_inline)) double lane_take(af_station *st, lane *l,
                                                              uint64_t entity, af_time t_queue,
                                                              af_time now, double service,
                                                              af_event_id ev)
{
    l->entity = entity;
    l->t_queue = t_queue;
    l->t_end = now + service;
    l->ev = ev;
    st->started_today++;
    st->stats.started++;
    double waited = now - t_queue;
    af_tally_add_inline(&st->stats.wait, waited);
    return waited;
}

/* A lane's end without a start: lane li is free again (on the free stack unless it was
 * retired, li >= lanes_open), one fewer active, the service counted as served, and the busy
 * count's change noted. */
static inline __attribute__((always_inline)) void lane_release(af_station *st, lane *l,
                                                               unsigned li, af_time now)
{
    l->state = LANE_FREE;
    l->ev = 0;
    if (li < st->lanes_open) st->free_lanes[st->free_n++] = li; /* else: retired */
    st->active_n--;
    st->stats.served++;
    note_busy(st, now);
}

/* Starts the head of the queue on a free lane. Returns false (and changes nothing) if the
 * completion event cannot be scheduled. Calls the `started` hook last. `plain` (a constant
 * at each call) is st->plain: the queue is the FCFS ring, there is no service hook, no one is
 * blocked behind a limit and no closing is armed, so those steps are left out. */
static inline __attribute__((always_inline)) bool start_head(af_station *st, af_time now,
                                                             bool plain)
{
    /* The head is read in place and removed once its completion is scheduled (the service
     * hook may not call the station, so nothing moves it meanwhile). */
    const entry *head = plain ? &st->v.fifo.v[st->v.fifo.head] : queue_head(st);
    uint64_t entity = head->entity;
    double service = head->service;
    af_time t_queue = head->t_queue;
    if (!plain && st->hooks.service) {
        double t = st->hooks.service(st, st->hooks.ctx, entity, service);
        if (t >= 0 && isfinite(t)) service = t;
    }
    unsigned li = st->free_lanes[st->free_n - 1];
    af_event_id ev = schedule_completion(st, now + service, li);
    if (!ev) return false; /* still at the head */
    if (plain)
        ring_drop(&st->v.fifo);
    else
        queue_drop_head(st);
    st->free_n--;
    lane *l = &st->lanes[li];
    l->state = LANE_ACTIVE;
    st->active_n++;
    double waited = lane_take(st, l, entity, t_queue, now, service, ev);
    if (plain)
        af_timeavg_set_inline(&st->stats.queue, now, count_d(st->v.fifo.n));
    else
        note_queue(st, now);
    note_busy(st, now);
    /* A plain station has no queue limit, so no one is blocked (af_station_set_queue_limit
     * admits them all when the limit goes), and no schedule, so no closing to arm. */
    if (!plain) {
        admit_blocked(st, now);
        arm_closing(st, now);
    }
    if (st->hooks.started) st->hooks.started(st->v.sim, st, st->hooks.ctx, entity, waited);
    return true;
}

static bool start_one(af_station *st, af_time now)
{
    return start_head(st, now, false);
}

static void resume_all(af_station *st, af_time now)
{
    if (st->suspended_n == 0) return;
    for (unsigned i = 0; i < st->lanes_n; i++) {
        lane *l = &st->lanes[i];
        if (l->state != LANE_SUSPENDED) continue;
        af_event_id ev = af_sim_schedule_at(st->v.sim, now + l->remaining, on_complete, st, i);
        if (!ev) continue; /* stays suspended; the next refresh retries */
        l->state = LANE_ACTIVE;
        l->t_end = now + l->remaining;
        l->ev = ev;
        st->suspended_n--;
        st->active_n++;
    }
    note_busy(st, now);
}

static void suspend_all(af_station *st, af_time now)
{
    if (st->active_n == 0) return;
    for (unsigned i = 0; i < st->lanes_n; i++) {
        lane *l = &st->lanes[i];
        /* A service ending exactly at closing is complete; its event is still due now. */
        if (l->state != LANE_ACTIVE || l->t_end <= now) continue;
        af_sim_cancel(st->v.sim, l->ev);
        l->ev = 0;
        l->remaining = l->t_end - now;
        l->state = LANE_SUSPENDED;
        st->active_n--;
        st->suspended_n++;
    }
    note_busy(st, now);
}

/* refresh_once for a plain station, or one plain while open that is open (plain_now): it
 * has nothing to arm. A hook that changes what makes the station plain (or closes it) calls a
 * setter, which asks refresh() for another pass, so the loop only stops when plain_now goes,
 * and that pass takes the general way. */
static inline __attribute__((always_inline)) void refresh_plain(af_station *st, af_time now)
{
    resume_all(st, now);
    while (st->v.fifo.n > 0 && st->free_n > 0 && plain_now(st, now)) {
        roll_day(st, now);
        if (!start_head(st, now, true)) break;
    }
}

/* refresh_once's steps at a station that is open, after resume_all: starts while someone
 * waits and a lane is free, up to the daily cap, then arms the closing. Open stays open
 * within a pass unless a hook called a setter (set_closed, set_schedule), which asks for
 * another pass (st->again, false when the pass began): the time does not move, and the memo
 * caches a pure function of the schedule. */
static void open_starts(af_station *st, af_time now)
{
    while (queue_len(st) > 0 && st->free_n > 0 && (!st->again || open_now(st))) {
        roll_day(st, now);
        if (st->daily_cap > 0 && st->started_today >= st->daily_cap) {
            want_wake(st, (st->cap_day + 1.0) * AF_MINUTES_PER_DAY);
            break;
        }
        if (!start_one(st, now)) break;
    }
    arm_closing(st, now);
}

static void refresh_once(af_station *st)
{
    af_time now = now_of(st);
    if (st->plain) {
        refresh_plain(st, now);
        return;
    }
    if (open_now(st)) {
        resume_all(st, now);
        open_starts(st, now);
        return;
    }
    if (st->wip == AF_WIP_SUSPEND) suspend_all(st, now);
    /* A forced closing ends only by af_station_set_closed(false), which refreshes. */
    if (!st->v.forced_closed && st->v.schedule && (queue_len(st) > 0 || st->suspended_n > 0))
        want_wake(st, sched_next_open(st, now));
}

static void refresh(af_station *st)
{
    if (st->in_refresh) {
        st->again = true;
        return;
    }
    st->in_refresh = true;
    do {
        st->again = false;
        refresh_once(st);
    } while (st->again);
    st->in_refresh = false;
}

/* refresh() for a plain station when no refresh is running: its first pass is
 * refresh_plain, inlined into the caller, and any further pass (a hook called back) is
 * refresh_once as in refresh(). */
static inline __attribute__((always_inline)) void refresh_plain_outer(af_station *st,
                                                                      af_time now)
{
    st->in_refresh = true;
    st->again = false;
    refresh_plain(st, now);
    while (st->again) {
        st->again = false;
        refresh_once(st);
    }
    st->in_refresh = false;
}

/* refresh_plain_outer, out of line: an arrival that finds a lane free (on_complete has its
 * own copy inline). */
static __attribute__((noinline)) void refresh_plain_arrival(af_station *st, af_time now)
{
    refresh_plain_outer(st, now);
}

/* A completion on lane li of a plain station (or of one plain while open, open), outside any
 * refresh, with someone waiting and no other lane free: the lane goes straight to the head of the queue. What on_complete's
 * general way does (free the lane, push it on the free stack, refresh_plain_outer, whose start
 * pops it again), with the same numbers in the same collectors, the same event scheduled and
 * the `started` hook inside the refresh as there, without the round trip through the stack
 * and the checks whose answers are known here. Returns false, having changed nothing, when the
 * completion cannot be scheduled; the general way then finds the same. */
static inline __attribute__((always_inline)) bool restart_lane(af_station *st, af_time now,
                                                               unsigned li)
{
    const entry *head = &st->v.fifo.v[st->v.fifo.head];
    uint64_t entity = head->entity;
    double service = head->service;
    af_time t_queue = head->t_queue;
    af_event_id ev = schedule_completion(st, now + service, li);
    if (!ev) return false;
    st->stats.served++;
    /* The lane's end and its start at the same time: busy falls by one and rises again (both
     * steps in one, note_busy_dip). */
    note_busy_dip(st, now);
    st->in_refresh = true;
    st->again = false;
    roll_day(st, now);
    ring_drop(&st->v.fifo);
    double waited = lane_take(st, &st->lanes[li], entity, t_queue, now, service, ev);
    af_timeavg_set_inline(&st->stats.queue, now, count_d(st->v.fifo.n));
    if (st->hooks.started) st->hooks.started(st->v.sim, st, st->hooks.ctx, entity, waited);
    /* The rest of refresh_plain_outer: its loop goes on and a hook that called back asks for
     * more passes. No lane was free, and only a hook that calls back frees one (through a
     * setter, which asks for another pass), so without that the loop has nothing to do. */
    if (st->again) {
        while (st->v.fifo.n > 0 && st->free_n > 0 && plain_now(st, now)) {
            roll_day(st, now);
            if (!start_head(st, now, true)) break;
        }
        while (st->again) {
            st->again = false;
            refresh_once(st);
        }
    }
    st->in_refresh = false;
    return true;
}

/* refresh() at a station that is not plain, outside any refresh, found open with no service
 * suspended: its first pass is refresh_once's open branch, whose resume_all finds no one to
 * resume, so it is open_starts; any further pass (a hook called back) is refresh_once as in
 * refresh(). An arrival that may start at once takes it, skipping the calls and checks whose
 * answers are known. */
static void refresh_open(af_station *st, af_time now)
{
    st->in_refresh = true;
    st->again = false;
    open_starts(st, now);
    while (st->again) {
        st->again = false;
        refresh_once(st);
    }
    st->in_refresh = false;
}

/* The end of a refresh whose first pass, at a station that is not plain, started one entity
 * with no lane left free or no one left waiting and then ran its `started` hook: the rest of
 * that pass (open_starts) and any further pass. Only a hook that calls back frees a lane or
 * queues someone, through a call that asks for another pass, so without that the pass's loop
 * has nothing to do and it only arms the closing. */
static inline void finish_pass(af_station *st, af_time now)
{
    if (st->again) {
        open_starts(st, now);
        while (st->again) {
            st->again = false;
            refresh_once(st);
        }
    } else {
        arm_closing(st, now);
    }
    st->in_refresh = false;
}

/* Whether refresh_once's open branch, at a station that is not plain, would start someone
 * now on a lane that is free: the station open and the day's cap not reached. roll_day is the
 * branch's own first step before the cap, and taking it again changes nothing. */
static inline bool may_start_now(af_station *st, af_time now)
{
    if (!open_now(st)) return false;
    roll_day(st, now);
    return st->daily_cap == 0 || st->started_today < st->daily_cap;
}

/* restart_lane for a station that is not plain: a completion on lane li, outside any
 * refresh, with someone waiting, no other lane free, none suspended and may_start_now. What
 * on_complete's general way does (free the lane, push it on the free stack, refresh(), whose
 * first pass finds the station open, resumes no one and starts the head of the queue on the
 * lane it pops, li), in the same order with the same numbers in the same collectors, without
 * the round trip through the stack and the calls and checks whose answers are known: the
 * busy count's fall and rise in one update (note_busy_dip), then the rest of that pass
 * (open_starts) and any further pass. The service hook, which must not call the station,
 * runs before the lane's release is written. If the completion cannot be scheduled the
 * general way's start fails the same way, and its pass ends by arming the closing. */
static __attribute__((noinline)) void restart_general(af_station *st, af_time now, unsigned li)
{
    const entry *head = queue_head(st);
    uint64_t entity = head->entity;
    double service = head->service;
    af_time t_queue = head->t_queue;
    if (st->hooks.service) {
        double t = st->hooks.service(st, st->hooks.ctx, entity, service);
        if (t >= 0 && isfinite(t)) service = t;
    }
    lane *l = &st->lanes[li];
    af_event_id ev = schedule_completion(st, now + service, li);
    if (!ev) {
        lane_release(st, l, li, now);
        arm_closing(st, now);
        return;
    }
    st->stats.served++;
    note_busy_dip(st, now);
    st->short_restarts++;
    st->in_refresh = true;
    st->again = false;
    queue_drop_head(st);
    double waited = lane_take(st, l, entity, t_queue, now, service, ev);
    note_queue(st, now);
    admit_blocked(st, now);
    arm_closing(st, now);
    if (st->hooks.started) st->hooks.started(st->v.sim, st, st->hooks.ctx, entity, waited);
    finish_pass(st, now);
}

/* ---- events ----------------------------------------------------------------------------- */

static __attribute__((noinline)) void complete_general(af_sim *sim, af_station *st,
                                                        unsigned li);

/* on_complete at a plain station, or at one plain while open (open_plain), which goes on
 * here while it is open (plain_now) and takes complete_general otherwise; out of line like
 * complete_general, so that each way keeps
 * a frame of its own (the plain one's inline restart holds many values across its hooks). */
static __attribute__((noinline)) void complete_plain(af_sim *sim, af_station *st, unsigned li)
{
    af_time now = af_sim_clock(sim);
    if (!st->plain) {
        /* Plain while open: closed (or forced onto the general way), the general way. */
        if (!plain_now(st, now)) {
            complete_general(sim, st, li);
            return;
        }
        st->short_open_plain++;
    }
    lane *l = &st->lanes[li];
    uint64_t entity = l->entity;
    af_tally_add_inline(&st->stats.sojourn, now - l->t_queue);
    if (!st->in_refresh && st->v.fifo.n > 0 && st->free_n == 0 && st->suspended_n == 0 &&
        li < st->lanes_open && restart_lane(st, now, li)) {
        if (st->hooks.done) st->hooks.done(sim, st, st->hooks.ctx, entity);
        return;
    }
    lane_release(st, l, li, now);
    if (!st->in_refresh)
        refresh_plain_outer(st, now);
    else if (!idle_after_completion(st))
        refresh(st);
    if (st->hooks.done) st->hooks.done(sim, st, st->hooks.ctx, entity);
}

/* on_complete at a station that is not plain. */
static __attribute__((noinline)) void complete_general(af_sim *sim, af_station *st, unsigned li)
{
    af_time now = af_sim_clock(sim);
    lane *l = &st->lanes[li];
    uint64_t entity = l->entity;
    af_tally_add_inline(&st->stats.sojourn, now - l->t_queue);
    if (!st->in_refresh && st->free_n == 0 && st->suspended_n == 0 && li < st->lanes_open &&
        queue_len(st) > 0 && !st->general_only && may_start_now(st, now)) {
        restart_general(st, now, li);
        if (st->hooks.done) st->hooks.done(sim, st, st->hooks.ctx, entity);
        return;
    }
    lane_release(st, l, li, now);
    if (!idle_after_completion(st)) refresh(st);
    if (st->hooks.done) st->hooks.done(sim, st, st->hooks.ctx, entity);
}

/* A completion: each way is a jump from here. */
static void on_complete(af_sim *sim, void *ctx, uint64_t arg)
{
    af_station *st = ctx;
    if (st->open_plain)
        complete_plain(sim, st, (unsigned)arg);
    else
        complete_general(sim, st, (unsigned)arg);
}

static void on_wake(af_sim *sim, void *ctx, uint64_t arg)
{
    af_station *st = ctx;
    st->wake_ev = 0;
    refresh(st);
}

static void on_closing(af_sim *sim, void *ctx, uint64_t arg)
{
    af_station *st = ctx;
    st->closing_ev = 0;
    refresh(st);
}

/* ---- public API ------------------------------------------------------------------------- */

void af_station_set_general_only(af_station *st, bool on)
{
    if (st) st->general_only = on;
}

void af_station_short_way_counts(const af_station *st, uint64_t *restarts,
                                 uint64_t *arrival_starts)
{
    *restarts = st->short_restarts;
    *arrival_starts = st->short_arrival_starts;
}

uint64_t af_station_open_plain_count(const af_station *st)
{
    return st->short_open_plain;
}

static void stats_init(af_station *st, af_time now)
{
    memset(&st->stats, 0, sizeof st->stats);
    af_tally_reset(&st->stats.wait);
    af_tally_reset(&st->stats.blocked_wait);
    af_tally_reset(&st->stats.sojourn);
    af_timeavg_init(&st->stats.queue, now, 0.0);
    af_timeavg_init(&st->stats.blocked, now, 0.0);
    af_timeavg_init(&st->stats.busy, now, 0.0);
}

af_status af_station_create(af_station **out, af_sim *sim, const af_station_config *cfg,
                            const af_station_hooks *hooks, af_error *err)
{
    if (out) *out = NULL;
    if (!out || !sim || !cfg)
        return af_error_set(err, AF_INVAL, "af_station_create needs out, sim and cfg");
    if (!cfg->name) return af_error_set(err, AF_INVAL, "a station needs a name");
    if (cfg->lanes < 1)
        return af_error_set(err, AF_RANGE, "station '%s': lanes must be >= 1, got %u",
                            cfg->name, cfg->lanes);
    if (cfg->discipline != AF_QUEUE_FCFS && cfg->discipline != AF_QUEUE_PRIORITY)
        return af_error_set(err, AF_INVAL, "station '%s': unknown queue discipline %d",
                            cfg->name, (int)cfg->discipline);
    if (cfg->wip != AF_WIP_FINISH && cfg->wip != AF_WIP_SUSPEND)
        return af_error_set(err, AF_INVAL, "station '%s': unknown work-in-progress policy %d",
                            cfg->name, (int)cfg->wip);

    af_station *st = calloc(1, sizeof *st);
    if (!st) return af_error_set(err, AF_NOMEM, "out of memory creating a station");
    size_t name_len = strlen(cfg->name) + 1;
    st->name = malloc(name_len);
    st->lanes = calloc(cfg->lanes, sizeof *st->lanes);
    st->free_lanes = malloc(cfg->lanes * sizeof *st->free_lanes);
    if (!st->name || !st->lanes || !st->free_lanes) {
        af_station_destroy(st);
        return af_error_set(err, AF_NOMEM, "out of memory creating station '%s'", cfg->name);
    }
    memcpy(st->name, cfg->name, name_len);
    st->v.sim = sim;
    st->lanes_n = cfg->lanes;
    st->lanes_open = cfg->lanes;
    st->v.discipline = cfg->discipline;
    st->queue_limit = cfg->queue_limit;
    st->daily_cap = cfg->daily_cap;
    st->v.schedule = cfg->schedule;
    st->v.state_from = INFINITY; /* the memo is empty */
    st->v.state_until = -INFINITY;
    st->wip = cfg->wip;
    if (hooks) st->hooks = *hooks;
    note_config(st);
    /* Pushed highest first so that lane 0 is used first. */
    for (unsigned i = 0; i < cfg->lanes; i++) st->free_lanes[i] = cfg->lanes - 1 - i;
    st->free_n = cfg->lanes;
    af_time now = af_sim_clock(sim);
    st->cap_day = floor(now / AF_MINUTES_PER_DAY);
    cover_day(st);
    stats_init(st, now);
    *out = st;
    return AF_OK;
}

void af_station_destroy(af_station *st)
{
    if (!st) return;
    if (st->v.sim && st->lanes) {
        for (unsigned i = 0; i < st->lanes_n; i++)
            if (st->lanes[i].ev) af_sim_cancel(st->v.sim, st->lanes[i].ev);
        if (st->wake_ev) af_sim_cancel(st->v.sim, st->wake_ev);
        if (st->closing_ev) af_sim_cancel(st->v.sim, st->closing_ev);
    }
    free(st->v.fifo.v);
    free(st->v.prio.v);
    free(st->v.blocked.v);
    free(st->lanes);
    free(st->free_lanes);
    free(st->name);
    free(st);
}

/* Writes a new arrival's entry at q, numbered st->next_seq (the caller then counts it), field
 * by field (ring_push_slot says why in place). */
static inline void entry_fill(entry *q, const af_station *st, uint64_t entity, int priority,
                              double service_time, af_time now)
{
    q->entity = entity;
    q->seq = st->next_seq;
    q->service = service_time;
    q->t_queue = now;
    q->t_block = now;
    q->priority = priority;
}

/* Queues a new arrival at the end of the FCFS ring (which has room). */
static inline void fifo_push_new(af_station *st, uint64_t entity, int priority,
                                 double service_time, af_time now)
{
    entry_fill(ring_push_slot(&st->v.fifo), st, entity, priority, service_time, now);
}

/* fifo_push_new for the short way: only the fields that an entry of the FCFS queue is read
 * for (a start takes entity, service and t_queue; a withdrawal t_queue). Its seq and priority
 * order only the priority heap, and t_block only the upstream line, which a plain station's
 * queue never feeds (a station's discipline is fixed at its creation). */
static inline void fifo_push_plain(af_station *st, uint64_t entity, double service_time,
                                   af_time now)
{
    entry *q = ring_push_slot(&st->v.fifo);
    q->entity = entity;
    q->service = service_time;
    q->t_queue = now;
}

/* note_queue twice at one time, with a queue that was empty, grows to one and is empty again
 * (an arrival who starts at once): in one update with the same result. The first accumulates
 * the area and moves t_last to now, so the second adds nothing; the value ends at zero; the
 * maximum takes one (zero never raises it above one), and the minimum zero (one never lowers
 * it below zero). */
static inline void note_queue_blip(af_station *st, af_time now)
{
    af_timeavg *a = &st->stats.queue;
    if (now > a->t_last) {
        a->area += a->value * (now - a->t_last);
        a->t_last = now;
    }
    a->value = 0.0;
    double lo = a->min, hi = a->max;
    a->min = 0.0 < lo ? 0.0 : lo;
    a->max = 1.0 > hi ? 1.0 : hi;
}

/* An arrival at a station that is not plain, outside any refresh, with no one waiting or
 * blocked, none suspended, a lane free and may_start_now: the general way queues it, calls
 * the admitted hook, counts it, and refresh()'s first pass (the station open, no one to
 * resume) starts it at once on the lane on top of the free stack. The same steps here in the
 * same order with the same numbers in the same collectors, without the entry's round trip
 * through the queue: the queue's rise to one and fall back in one update (note_queue_blip),
 * and then the rest of that pass (open_starts) and any further pass. The admitted and
 * service hooks, which must not call the station, run first; if the completion cannot be
 * scheduled, the entry is queued as the general way leaves it (its start failed, and its
 * pass ends by arming the closing). */
static __attribute__((noinline)) af_status arrive_start(af_station *st, uint64_t entity,
                                                        int priority, double service_time,
                                                        af_time now)
{
    if (!queue_reserve(st, 1)) return AF_NOMEM;
    if (st->hooks.admitted) st->hooks.admitted(st, st->hooks.ctx, entity);
    double service = service_time;
    if (st->hooks.service) {
        double t = st->hooks.service(st, st->hooks.ctx, entity, service);
        if (t >= 0 && isfinite(t)) service = t;
    }
    unsigned li = st->free_lanes[st->free_n - 1];
    af_event_id ev = schedule_completion(st, now + service, li);
    if (!ev) {
        if (st->v.discipline == AF_QUEUE_FCFS) {
            fifo_push_new(st, entity, priority, service_time, now);
        } else {
            entry e;
            entry_fill(&e, st, entity, priority, service_time, now);
            heap_push(&st->v.prio, &e);
        }
        note_queue(st, now);
        st->next_seq++;
        st->stats.arrivals++;
        arm_closing(st, now);
        return AF_OK;
    }
    st->next_seq++;
    st->stats.arrivals++;
    note_queue_blip(st, now);
    st->short_arrival_starts++;
    st->in_refresh = true;
    st->again = false;
    st->free_n--;
    lane *l = &st->lanes[li];
    l->state = LANE_ACTIVE;
    st->active_n++;
    double waited = lane_take(st, l, entity, now, now, service, ev);
    note_busy(st, now);
    /* No one was blocked, so admit_blocked finds no one. */
    arm_closing(st, now);
    if (st->hooks.started) st->hooks.started(st->v.sim, st, st->hooks.ctx, entity, waited);
    finish_pass(st, now);
    return AF_OK;
}

/* af_station_arrive after its checks, for every station: the general way. */
static __attribute__((noinline)) af_status arrive_general(af_station *st, uint64_t entity,
                                                          int priority, double service_time)
{
    af_time now = now_of(st);
    /* Most arrivals find every lane busy: that test first. */
    if (st->free_n > 0 && !st->in_refresh && !st->plain && st->suspended_n == 0 &&
        st->v.blocked.n == 0 && queue_len(st) == 0 && !st->general_only &&
        may_start_now(st, now))
        return arrive_start(st, entity, priority, service_time, now);
    /* Once anyone waits upstream, later arrivals line up behind them. The entry is written
     * in place in either ring (only the priority heap takes a copy). */
    bool blocked = st->v.blocked.n > 0 || queue_full(st);
    if (blocked) {
        if (!ring_reserve(&st->v.blocked, st->v.blocked.n + 1)) return AF_NOMEM;
        entry_fill(ring_push_slot(&st->v.blocked), st, entity, priority, service_time, now);
        st->stats.blocked_arrivals++;
        note_blocked(st, now);
    } else {
        if (!queue_reserve(st, queue_len(st) + 1)) return AF_NOMEM;
        if (st->v.discipline == AF_QUEUE_FCFS) {
            fifo_push_new(st, entity, priority, service_time, now);
        } else {
            entry e;
            entry_fill(&e, st, entity, priority, service_time, now);
            heap_push(&st->v.prio, &e);
        }
        note_queue(st, now);
        if (st->hooks.admitted) st->hooks.admitted(st, st->hooks.ctx, entity);
    }
    st->next_seq++;
    st->stats.arrivals++;
    /* With every lane busy, none suspended, the station open and no closing to arm (work in
     * progress finishes, or no schedule), refresh() would find nothing to do: it would resume
     * no one, start no one (no free lane) and arm nothing. Most arrivals to a busy station. */
    if (!st->in_refresh && st->free_n == 0 && st->suspended_n == 0 &&
        (st->wip == AF_WIP_FINISH || !st->v.schedule) && open_now(st))
        return AF_OK;
    /* A station closed for the night with its wake-up armed: most of the other arrivals (not
     * at a completion, where it was measured to cost more than it saved). */
    if (!st->in_refresh && closed_and_armed(st, now)) return AF_OK;
    /* Open, with a lane free or someone suspended: refresh_open when none is suspended. */
    if (!st->in_refresh && !st->plain && st->suspended_n == 0 && !st->general_only &&
        open_now(st)) {
        refresh_open(st, now);
        return AF_OK;
    }
    refresh(st);
    return AF_OK;
}

af_status af_station_arrive(af_station *st, uint64_t entity, int priority, double service_time)
{
    if (!st) return AF_INVAL;
    /* >= 0 also rejects NaN, and < INFINITY is then isfinite. */
    if (!(service_time >= 0.0 && service_time < INFINITY)) return AF_RANGE;
    /* The short way: a plain station (no queue limit, so no one blocked) with room in its
     * ring. The same steps as arrive_general, which the other arrivals take, and refresh()
     * only when it would have something to do: a lane free or one suspended. The arrival's
     * number (next_seq) orders only the priority heap: a plain station, FCFS, leaves it. */
    if (!st->open_plain || st->v.blocked.n != 0 || st->v.fifo.n == st->v.fifo.cap)
        return arrive_general(st, entity, priority, service_time);
    af_time now = now_of(st);
    if (!st->plain) {
        /* Plain while open (plain_now): an arrival who may start now takes the general way's
         * own short way, arrive_start, which skips the queue (arrive_general's conditions for
         * it: none is suspended or blocked under AF_WIP_FINISH with no limit, and
         * may_start_now is the open schedule and roll_day, with no cap); the others queue
         * here. */
        if (!plain_now(st, now)) return arrive_general(st, entity, priority, service_time);
        if (st->free_n > 0 && !st->in_refresh) {
            if (st->v.fifo.n != 0) return arrive_general(st, entity, priority, service_time);
            roll_day(st, now);
            return arrive_start(st, entity, priority, service_time, now);
        }
        st->short_open_plain++;
    }
    fifo_push_plain(st, entity, service_time, now);
    note_queue_up(st, now);
    if (st->hooks.admitted) st->hooks.admitted(st, st->hooks.ctx, entity);
    st->stats.arrivals++;
    if (st->in_refresh)
        refresh(st); /* asks the running refresh for another pass */
    else if (st->free_n > 0 || st->suspended_n > 0)
        refresh_plain_arrival(st, now);
    return AF_OK;
}

af_status af_station_withdraw(af_station *st, uint64_t entity, double *waited)
{
    if (!st) return AF_INVAL;
    af_time now = now_of(st);
    size_t at;
    entry e;
    if (st->v.discipline == AF_QUEUE_PRIORITY) {
        bool found = false;
        for (at = 0; at < st->v.prio.n; at++)
            if (st->v.prio.v[at].entity == entity) {
                found = true;
                break;
            }
        if (found) {
            e = heap_remove_at(&st->v.prio, at);
            goto from_queue;
        }
    } else if (ring_find(&st->v.fifo, entity, &at)) {
        e = ring_remove_at(&st->v.fifo, at);
        goto from_queue;
    }
    if (ring_find(&st->v.blocked, entity, &at)) {
        e = ring_remove_at(&st->v.blocked, at);
        st->stats.withdrawn++;
        note_blocked(st, now);
        if (waited) *waited = now - e.t_block;
        return AF_OK;
    }
    return AF_NOTFOUND;
from_queue:
    st->stats.withdrawn++;
    if (waited) *waited = now - e.t_queue;
    note_queue(st, now);
    admit_blocked(st, now);
    refresh(st);
    return AF_OK;
}

void af_station_set_closed(af_station *st, bool closed)
{
    if (!st || st->v.forced_closed == closed) return;
    st->v.forced_closed = closed;
    note_config(st);
    refresh(st);
}

bool af_station_is_open(const af_station *st)
{
    return st && af_station_open(st);
}

af_time af_station_next_scheduled_open(const af_station *st)
{
    return st ? af_station_next_open(st) : NAN;
}

const char *af_station_name(const af_station *st)
{
    return st ? st->name : NULL;
}

unsigned af_station_lanes(const af_station *st)
{
    return st ? st->lanes_open : 0;
}

af_status af_station_set_lanes(af_station *st, unsigned lanes)
{
    if (!st) return AF_INVAL;
    if (lanes < 1) return AF_RANGE;
    if (lanes > st->lanes_n) {
        lane *nl = realloc(st->lanes, lanes * sizeof *nl);
        if (!nl) return AF_NOMEM;
        st->lanes = nl;
        unsigned *nf = realloc(st->free_lanes, lanes * sizeof *nf);
        if (!nf) return AF_NOMEM;
        st->free_lanes = nf;
        memset(st->lanes + st->lanes_n, 0, (lanes - st->lanes_n) * sizeof *nl);
        st->lanes_n = lanes;
    }
    /* Rebuild the stack of free lanes from the lanes in use, lowest index on top, so that
     * the result does not depend on the order of earlier changes. */
    st->lanes_open = lanes;
    st->free_n = 0;
    for (unsigned i = lanes; i-- > 0;)
        if (st->lanes[i].state == LANE_FREE) st->free_lanes[st->free_n++] = i;
    refresh(st);
    return AF_OK;
}

void af_station_set_daily_cap(af_station *st, uint32_t daily_cap)
{
    if (!st) return;
    st->daily_cap = daily_cap;
    note_config(st);
    refresh(st);
}

void af_station_set_schedule(af_station *st, const af_schedule *schedule)
{
    if (!st) return;
    st->v.schedule = schedule;
    st->v.state_from = INFINITY; /* the memo described the old schedule: empty it */
    note_config(st);
    /* A wake-up or closing event armed from the old schedule only runs refresh(): harmless. */
    refresh(st);
}

void af_station_set_queue_limit(af_station *st, size_t queue_limit)
{
    if (!st) return;
    st->queue_limit = queue_limit;
    note_config(st);
    admit_blocked(st, now_of(st));
    refresh(st);
}

size_t af_station_queue_length(const af_station *st)
{
    return st ? af_station_queued(st) : 0;
}

size_t af_station_blocked_count(const af_station *st)
{
    return st ? af_station_blocked(st) : 0;
}

unsigned af_station_busy(const af_station *st)
{
    return st ? st->active_n : 0;
}

uint32_t af_station_started_today(const af_station *st)
{
    if (!st) return 0;
    return floor(now_of(st) / AF_MINUTES_PER_DAY) == st->cap_day ? st->started_today : 0;
}

const af_station_stats *af_station_get_stats(const af_station *st)
{
    return st ? &st->stats : NULL;
}

void af_station_reset_stats(af_station *st)
{
    if (!st) return;
    af_time now = now_of(st);
    st->stats.arrivals = 0;
    st->stats.started = 0;
    st->stats.served = 0;
    st->stats.blocked_arrivals = 0;
    st->stats.withdrawn = 0;
    af_tally_reset(&st->stats.wait);
    af_tally_reset(&st->stats.blocked_wait);
    af_tally_reset(&st->stats.sojourn);
    af_timeavg_reset(&st->stats.queue, now);
    af_timeavg_reset(&st->stats.blocked, now);
    af_timeavg_reset(&st->stats.busy, now);
}
