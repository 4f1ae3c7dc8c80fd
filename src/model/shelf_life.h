/* Shelf life at hubs: the stock of a category with a shelf_life is kept in lots by the day it
 * was delivered, first in first out. Consumption takes the oldest lots first; what is left of
 * a lot after the consumption at the end of its last day (delivered on day a with a shelf
 * life of L days: days a to a + L - 1) is spoiled. A hub's stock at the start is one lot of
 * day 0 (the first simulated day). Categories without a shelf life keep no lots. */
#ifndef AF_MODEL_SHELF_LIFE_H
#define AF_MODEL_SHELF_LIFE_H

#include "model/model_state.h"

/* Sets up the lots (after the hubs' stock is set); AF_NOMEM when out of memory. */
af_status shelf_life_build(model *m);
void shelf_life_destroy(model *m);

/* `tonnes` of category c delivered to hub h on simulation day `day`. */
void shelf_life_add(model *m, size_t hub, size_t c, int day, double tonnes);

/* `tonnes` of category c consumed at hub h: taken from the oldest lots. */
void shelf_life_take(model *m, size_t hub, size_t c, double tonnes);

/* At the end of simulation day `day`, after consumption: removes what has passed its shelf
 * life from the lots and from the hub's stock, and returns the tonnes spoiled. */
double shelf_life_expire(model *m, size_t hub, size_t c, int day);

#endif
