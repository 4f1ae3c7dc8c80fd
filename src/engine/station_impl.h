/* What station.c offers the engine's tests beyond aidflow/station.h. Not a public header. */
#ifndef AF_ENGINE_STATION_IMPL_H
#define AF_ENGINE_STATION_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "aidflow/station.h"

/* With `on`, the station leaves out the short ways of stations that are not plain (the plain
 * way of a station with a schedule while it is open (plain_now), an
 * arrival at a closed station whose wake-up is armed, and a completion that leaves no one
 * waiting and nothing to suspend or resume, skip refresh(); a completion with someone
 * waiting restarts its lane at once, restart_general; an arrival who finds a lane free and no
 * one waiting starts at once, arrive_start; an arrival at an open station refreshes through
 * refresh_open), taking the general way instead: the same hooks at the same times with the
 * same statistics, which the twin tests check. */
void af_station_set_general_only(af_station *st, bool on);

/* How many completions restarted their lane at once at a station that is not plain
 * (restart_general), and how many arrivals at one started at once (arrive_start): for tests
 * that show those short ways were taken. */
void af_station_short_way_counts(const af_station *st, uint64_t *restarts,
                                 uint64_t *arrival_starts);

/* How many arrivals and completions at a station with a schedule took the plain way while it
 * was open (plain_now: FCFS, no daily cap, no queue limit, no service hook, work in progress
 * finishing, not forced closed); a station forced onto the general way takes none. */
uint64_t af_station_open_plain_count(const af_station *st);

#endif
