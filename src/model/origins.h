/* Origins: dispatch plans and stock. */
#ifndef AF_MODEL_ORIGINS_H
#define AF_MODEL_ORIGINS_H

#include "model/model_state.h"

/* Sets up one dispatcher per origin and category, with its random stream. */
af_status origins_init(model *m);

/* Midnight starting simulation day `sim_day`: stock is replenished (not on day 0), and each
 * dispatcher follows today's plan step (Poisson: restarts when the rate changes; window:
 * today's trucks at uniform times in the window). */
void origins_start_day(model *m, int sim_day);

#endif
