/* aidflow — opening schedules: weekly hours plus dated closures.
 *
 * Times are minutes since the run's start, which is midnight of a known weekday. A schedule
 * with no weekly hours at all is open around the clock (apart from its closures); once any
 * weekly interval is given, the station is open only inside the intervals given.
 */
#ifndef AIDFLOW_SCHEDULE_H
#define AIDFLOW_SCHEDULE_H

#include <stdbool.h>

#include "aidflow/calendar.h"
#include "aidflow/error.h"
#include "aidflow/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct af_schedule af_schedule;

/* Weekdays as ISO 8601 minus one: 0 = Monday ... 6 = Sunday. */
enum { AF_MONDAY, AF_TUESDAY, AF_WEDNESDAY, AF_THURSDAY, AF_FRIDAY, AF_SATURDAY, AF_SUNDAY };

/* A schedule open around the clock. `start_weekday` is the weekday of time 0. */
AF_API af_schedule *af_schedule_create(int start_weekday);
AF_API void af_schedule_destroy(af_schedule *s);
/* Deep copy; NULL when out of memory. */
AF_API af_schedule *af_schedule_clone(const af_schedule *s);

/* Adds the interval [open_min, close_min) of minutes after midnight on `weekday`
 * (0 <= open_min < close_min <= 1440). Overlapping intervals merge. AF_RANGE on bad
 * arguments. */
AF_API af_status af_schedule_add_hours(af_schedule *s, int weekday, double open_min,
                                       double close_min, af_error *err);
/* Adds a closure over the absolute interval [from, to) (from < to). Overlaps merge. */
AF_API af_status af_schedule_add_closure(af_schedule *s, af_time from, af_time to,
                                         af_error *err);

AF_API bool af_schedule_is_open(const af_schedule *s, af_time t);
/* The first time strictly after t at which is_open changes value; INFINITY if never. */
AF_API af_time af_schedule_next_change(const af_schedule *s, af_time t);
/* The first time >= t at which the schedule is open; INFINITY if never. */
AF_API af_time af_schedule_next_open(const af_schedule *s, af_time t);
/* Minutes open within [from, to). */
AF_API double af_schedule_open_minutes(const af_schedule *s, af_time from, af_time to);
/* Weekday (0 = Monday) of the day containing t. */
AF_API int af_schedule_weekday(const af_schedule *s, af_time t);

#ifdef __cplusplus
}
#endif
#endif
