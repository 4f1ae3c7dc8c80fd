/* aidflow — multi-server stations: lanes, a waiting queue, opening hours, caps, blocking.
 *
 * An entity (a truck, identified by a uint64_t the model chooses) arrives with its service
 * time already drawn, so that the model controls which random stream each draw comes from.
 * It starts service at once if the station is open, a lane is free and the daily cap allows;
 * otherwise it waits in the queue. When the queue is at its limit, further arrivals wait
 * upstream ("blocked"), in arrival order, and move into the queue as places free; their
 * blocked time is counted separately from the queue wait, where it happens.
 *
 * While a station is closed (its schedule, or af_station_set_closed) no service starts.
 * Service in progress at closing either finishes (AF_WIP_FINISH) or is suspended and resumes
 * with its remaining time at the next opening (AF_WIP_SUSPEND), holding its lane meanwhile.
 */
#ifndef AIDFLOW_STATION_H
#define AIDFLOW_STATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/calendar.h"
#include "aidflow/error.h"
#include "aidflow/export.h"
#include "aidflow/schedule.h"
#include "aidflow/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_station af_station;

typedef enum af_queue_discipline {
    AF_QUEUE_FCFS,    /* first come, first served */
    AF_QUEUE_PRIORITY /* lowest priority value first; FCFS among equals */
} af_queue_discipline;

typedef enum af_wip_policy {
    AF_WIP_FINISH, /* service under way at closing time finishes */
    AF_WIP_SUSPEND /* it stops and resumes, with its remaining time, at the next opening */
} af_wip_policy;

typedef struct af_station_config {
    const char *name;               /* copied */
    unsigned lanes;                 /* servers, >= 1 */
    af_queue_discipline discipline;
    size_t queue_limit;             /* max entities waiting (not in service); 0 = no limit */
    uint32_t daily_cap;             /* max services started per day (midnight to midnight);
                                       0 = no cap */
    const af_schedule *schedule;    /* NULL = always open; not owned, must outlive the station
                                       and must not be modified while the station uses it (the
                                       station remembers the stretch between two changes it is
                                       in); af_station_set_schedule replaces it */
    af_wip_policy wip;
} af_station_config;

/* What the model hears from a station. Any member may be NULL. */
typedef struct af_station_hooks {
    /* An entity starts service after waiting `waited` minutes in the queue. */
    void (*started)(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited);
    /* An entity finished service; the station no longer holds it. */
    void (*done)(af_sim *sim, af_station *st, void *ctx, uint64_t entity);
    void *ctx;
    /* An entity is about to start service with the time drawn at its arrival: returns the
     * time to serve it (>= 0; `drawn` keeps it). A model whose service times change on a
     * date redraws here for entities that arrived before. It must not call the station. */
    double (*service)(af_station *st, void *ctx, uint64_t entity, double drawn);
    /* An entity takes a place in the queue: on arrival when it is not blocked, or when it
     * moves up from the upstream line. It must not call the station. */
    void (*admitted)(af_station *st, void *ctx, uint64_t entity);
} af_station_hooks;

typedef struct af_station_stats {
    uint64_t arrivals;    /* every arrival, blocked or not */
    uint64_t started;     /* services started */
    uint64_t served;      /* services completed */
    uint64_t blocked_arrivals; /* arrivals that found the queue full */
    af_tally wait;        /* minutes from entering the queue to starting service */
    af_tally blocked_wait;/* minutes spent blocked upstream, per entity that was blocked */
    af_tally sojourn;     /* minutes from entering the queue to completing service */
    af_timeavg queue;     /* number waiting in the queue (not counting blocked ones) */
    af_timeavg blocked;   /* number waiting upstream */
    af_timeavg busy;      /* lanes serving (a suspended service does not count) */
    uint64_t withdrawn;   /* entities taken out of the queue or the upstream line */
} af_station_stats;

/* Creates a station in `sim`. AF_INVAL/AF_RANGE for a bad configuration, AF_NOMEM. */
AF_API af_status af_station_create(af_station **out, af_sim *sim, const af_station_config *cfg,
                                   const af_station_hooks *hooks, af_error *err);
AF_API void af_station_destroy(af_station *st);

/* An entity arrives now. priority: lower first under AF_QUEUE_PRIORITY, ignored under FCFS.
 * service_time >= 0 minutes. Returns AF_OK, AF_RANGE for a negative or non-finite service
 * time, AF_NOMEM. */
AF_API af_status af_station_arrive(af_station *st, uint64_t entity, int priority,
                                   double service_time);

/* Takes a waiting entity (in the queue or blocked upstream, not in service) out of the
 * station now, as when a truck leaves a closed crossing's queue for another way. Its wait so
 * far is stored in *waited (may be NULL) and counts in no tally; the place it frees in the
 * queue goes to the head of the upstream line. AF_NOTFOUND when the entity is not waiting
 * there (in service, or never arrived). An entity waiting twice leaves from its later place.
 * The cost is the number of entities behind it in its line. */
AF_API af_status af_station_withdraw(af_station *st, uint64_t entity, double *waited);

/* Forces the station closed (true) or lifts that (false): random closures. While forced
 * closed it behaves as if its schedule were closed. */
AF_API void af_station_set_closed(af_station *st, bool closed);
/* Open now: the schedule is open and it is not forced closed (the daily cap is not
 * considered). */
AF_API bool af_station_is_open(const af_station *st);
/* The first time >= now at which the station's schedule is open (forced closings are not
 * considered): af_schedule_next_open(schedule, now), answered mostly from the station's memo
 * of its schedule. now when it has no schedule; INFINITY if the schedule never opens. */
AF_API af_time af_station_next_scheduled_open(const af_station *st);

/* Dated changes. More lanes start waiting entities at once. Fewer lanes: services under way
 * on the lanes given up finish (or, suspended, resume and finish), as at a real crossing
 * where a lane is closed to new trucks; those lanes then take no one. AF_RANGE for 0 lanes,
 * AF_NOMEM. */
AF_API af_status af_station_set_lanes(af_station *st, unsigned lanes);
/* A new daily cap (0 = none), counted against today's starts so far. */
AF_API void af_station_set_daily_cap(af_station *st, uint32_t daily_cap);
/* A new queue limit (0 = none): more room admits blocked entities at once; less room keeps
 * those already queued, and later arrivals wait upstream. */
AF_API void af_station_set_queue_limit(af_station *st, size_t queue_limit);

/* Another schedule from now on (opening hours that change on a date); NULL = always open. Not
 * owned: it must outlive the station or the next call. */
AF_API void af_station_set_schedule(af_station *st, const af_schedule *schedule);

AF_API const char *af_station_name(const af_station *st);
AF_API unsigned af_station_lanes(const af_station *st);
AF_API size_t af_station_queue_length(const af_station *st);
AF_API size_t af_station_blocked_count(const af_station *st);
AF_API unsigned af_station_busy(const af_station *st);
/* Services started so far today (what the daily cap counts). */
AF_API uint32_t af_station_started_today(const af_station *st);

AF_API const af_station_stats *af_station_get_stats(const af_station *st);
/* Zeroes counts and tallies and restarts time averages at now (end of warm-up, a new day). */
AF_API void af_station_reset_stats(af_station *st);

#ifdef __cplusplus
}
#endif
#endif
