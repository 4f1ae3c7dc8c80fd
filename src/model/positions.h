/* Where the trucks are at a midnight: every truck in the system by node and state
 * (af_position), and the trucks each origin held back. */
#ifndef AF_MODEL_POSITIONS_H
#define AF_MODEL_POSITIONS_H

#include "model/model_state.h"

/* Fills the positions of reported day `day` (at the midnight that ends it). The counts of
 * the states other than held back add up to the trucks in the system (asserted). O(nodes +
 * stations): it reads the counts trucks_moved keeps. */
void positions_record(model *m, int day);

/* Recounts where the trucks are truck by truck and checks the counts kept as they moved
 * (model.place_trucks, model.leg_waiting, each truck's place) and that the trucks blocked
 * before each station, on the road or in their origin's yard, are the station's blocked
 * count. A pass over the pool: debug builds call it now and then (replication.c). */
bool positions_check(const model *m);

#endif
