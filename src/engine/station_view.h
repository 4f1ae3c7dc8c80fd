/* The part of a station that the model's hot queries read, and those queries as inline
 * functions, for the engine and src/model (the layers let the model include the engine's
 * headers). Routing asks each station of every candidate route how many wait and whether it
 * is open, over a million times in a year's run, and a call for each answer cost more than
 * the reads (the default year: 19 M instructions in af_station_is_open and its three
 * companions, besides the calls). Not a public header: outside these two modules a station
 * is the opaque af_station of aidflow/station.h, whose functions give the same answers.
 *
 * station.c keeps these fields as the first member of struct af_station, so a station's
 * address is its view's (C17 6.7.2.1: a pointer to a structure, converted, points to its first
 * member). They are the station's own state, not copies: nothing outside station.c writes
 * them, except the schedule memo that an inline query brings up to date through
 * af_station_memo_fill, as station.c's own queries do.
 */
#ifndef AF_ENGINE_STATION_VIEW_H
#define AF_ENGINE_STATION_VIEW_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/station.h"
#include "engine/calendar_impl.h"

typedef struct af_station_entry {
    uint64_t entity;
    uint64_t seq;    /* arrival order at this station: the FCFS tie-break */
    double service;  /* minutes of service */
    af_time t_queue; /* entered the queue */
    af_time t_block; /* started waiting upstream (blocked entries only) */
    int priority;
} af_station_entry;

/* A growable ring buffer of entries (FCFS queue and the blocked line). */
typedef struct af_station_ring {
    af_station_entry *v;
    size_t cap; /* 0 or a power of two */
    size_t head;
    size_t n;
} af_station_ring;

/* A binary min-heap of entries keyed (priority, seq). */
typedef struct af_station_heap {
    af_station_entry *v;
    size_t cap;
    size_t n;
} af_station_heap;

typedef struct af_station_view {
    af_sim *sim;
    const af_schedule *schedule;
    /* A memo of the schedule: it is open_state throughout [state_from, state_until), the
     * stretch between two changes that contains the last time asked about. Most lookups fall
     * inside it, which saves af_schedule_is_open's fmod and searches. The schedule object must
     * not be modified while the station uses it (station.h says so); af_station_set_schedule
     * replaces it and empties the memo. */
    af_time state_from;
    af_time state_until;
    bool open_state;
    bool forced_closed;
    af_queue_discipline discipline;
    af_station_ring fifo;    /* the queue under FCFS */
    af_station_heap prio;    /* the queue under PRIORITY */
    af_station_ring blocked; /* upstream line when the queue is full */
} af_station_view;

static inline const af_station_view *af_station_view_of(const af_station *st)
{
    return (const af_station_view *)(const void *)st;
}

/* Brings the memo to cover `now` (station.c; out of line, most lookups fall inside it). The
 * memo caches a pure function of the schedule, so a const caller may bring it up to date. */
void af_station_memo_fill(const af_station *st, af_time now);

/* Whether the schedule is open at now (no schedule: always). */
static inline bool af_station_view_sched_open(const af_station *st, af_time now)
{
    const af_station_view *v = af_station_view_of(st);
    if (!v->schedule) return true;
    if (!(now >= v->state_from && now < v->state_until)) af_station_memo_fill(st, now);
    return v->open_state;
}

/* af_station_queue_length, af_station_blocked_count, af_station_is_open and
 * af_station_next_scheduled_open for a station that is not NULL. */
static inline size_t af_station_queued(const af_station *st)
{
    const af_station_view *v = af_station_view_of(st);
    return v->discipline == AF_QUEUE_PRIORITY ? v->prio.n : v->fifo.n;
}

static inline size_t af_station_blocked(const af_station *st)
{
    return af_station_view_of(st)->blocked.n;
}

static inline bool af_station_open(const af_station *st)
{
    const af_station_view *v = af_station_view_of(st);
    if (v->forced_closed) return false;
    return af_station_view_sched_open(st, af_sim_clock(v->sim));
}

/* af_schedule_next_change(schedule, now) for a station with a schedule, from the memo. */
static inline af_time af_station_view_next_change(const af_station *st, af_time now)
{
    const af_station_view *v = af_station_view_of(st);
    if (!(now >= v->state_from && now < v->state_until)) af_station_memo_fill(st, now);
    return v->state_until > now ? v->state_until : af_schedule_next_change(v->schedule, now);
}

static inline af_time af_station_next_open(const af_station *st)
{
    const af_station_view *v = af_station_view_of(st);
    af_time now = af_sim_clock(v->sim);
    if (!v->schedule || af_station_view_sched_open(st, now)) return now;
    return af_station_view_next_change(st, now);
}

#endif
