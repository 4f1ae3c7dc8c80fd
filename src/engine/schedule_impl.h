/* What schedule.c offers the station beyond aidflow/schedule.h. Not a public header. */
#ifndef AF_ENGINE_SCHEDULE_IMPL_H
#define AF_ENGINE_SCHEDULE_IMPL_H

#include <stdbool.h>

#include "aidflow/schedule.h"

/* af_schedule_next_change(s, t), with *open set to af_schedule_is_open(s, t), which it works
 * out on the way: the station's memo of its schedule wants both, and asking for them apart
 * works the state at t out twice. */
af_time af_schedule_state(const af_schedule *s, af_time t, bool *open);

#endif
