/* aidflow — the event calendar and the simulation clock.
 *
 * Time is a double counting minutes from the scenario's start (midnight of the start date).
 * Events are ordered by (time, insertion sequence): two events at the same time run in the
 * order they were scheduled, on every run and every machine.
 *
 * Event records come from a pool that grows by doubling and is recycled through a free list,
 * so scheduling allocates nothing once the pool is large enough (steady state).
 */
#ifndef AIDFLOW_CALENDAR_H
#define AIDFLOW_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef double af_time; /* minutes since the start of the run */

#define AF_MINUTES_PER_DAY 1440.0

/* Handle of a scheduled event: (pool slot, generation) packed so that a stale handle to a
 * recycled slot is recognised. 0 is never a valid handle. */
typedef uint64_t af_event_id;

typedef struct af_sim af_sim;

/* An event handler. `ctx` and `arg` are what was given to af_sim_schedule. */
typedef void (*af_event_fn)(af_sim *sim, void *ctx, uint64_t arg);

/* Creates a simulation with an empty calendar at time 0. `capacity_hint` pre-sizes the
 * event pool (0 for a small default). Returns NULL when out of memory. */
AF_API af_sim *af_sim_create(size_t capacity_hint);
AF_API void af_sim_destroy(af_sim *sim);

AF_API af_time af_sim_now(const af_sim *sim);

/* Schedules fn(sim, ctx, arg) at absolute time `t` (t >= now; an earlier t is an error:
 * returns 0 and nothing is scheduled). Returns the event's handle, or 0 when out of memory
 * or when t is before now or not finite. */
AF_API af_event_id af_sim_schedule_at(af_sim *sim, af_time t, af_event_fn fn, void *ctx,
                                      uint64_t arg);
/* The same at now + delay (delay >= 0). */
AF_API af_event_id af_sim_schedule(af_sim *sim, af_time delay, af_event_fn fn, void *ctx,
                                   uint64_t arg);

/* Cancels a pending event. Returns true if it was pending and is now removed; false if the
 * handle is 0, stale, or the event already ran or was cancelled. */
AF_API bool af_sim_cancel(af_sim *sim, af_event_id id);

/* Time of a pending event, or -1 if it is not pending. */
AF_API af_time af_sim_event_time(const af_sim *sim, af_event_id id);

/* Runs the next event. Returns false (and does nothing) when the calendar is empty or a stop
 * was requested. */
AF_API bool af_sim_step(af_sim *sim);

/* Runs every event with time <= t_end, then sets the clock to t_end (if it is later than
 * now). Returns AF_OK, or AF_INTERRUPTED if af_sim_stop was called by a handler (the clock
 * then stays at the time of the event that stopped it). */
AF_API af_status af_sim_run_until(af_sim *sim, af_time t_end);

/* Asks a running af_sim_run_until/af_sim_step loop to return after the current event. */
AF_API void af_sim_stop(af_sim *sim);

AF_API size_t af_sim_pending(const af_sim *sim);
AF_API uint64_t af_sim_events_run(const af_sim *sim);
/* Time of the next pending event, or INFINITY when there is none. */
AF_API af_time af_sim_next_time(const af_sim *sim);

#ifdef __cplusplus
}
#endif
#endif
