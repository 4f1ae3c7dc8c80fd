/* What station.c offers the engine's tests beyond aidflow/station.h. Not a public header. */
#ifndef AF_ENGINE_STATION_IMPL_H
#define AF_ENGINE_STATION_IMPL_H

#include <stdbool.h>

#include "aidflow/station.h"

/* With `on`, the station leaves out the short ways of stations that are not plain (an
 * arrival at a closed station whose wake-up is armed, and a completion that leaves no one
 * waiting and nothing to suspend or resume, skip refresh()), taking the general way
 * instead: the same hooks at the same times with the same statistics, which a twin test
 * checks. */
void af_station_set_general_only(af_station *st, bool on);

#endif
