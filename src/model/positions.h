/* Where the trucks are at a midnight: every truck in the system by node and state
 * (af_position), and the trucks each origin held back. */
#ifndef AF_MODEL_POSITIONS_H
#define AF_MODEL_POSITIONS_H

#include "model/model_state.h"

/* Fills the positions of reported day `day` (at the midnight that ends it). The counts of
 * the states other than held back add up to the trucks in the system (asserted). */
void positions_record(model *m, int day);

#endif
