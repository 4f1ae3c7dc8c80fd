/* Hubs and need: storage at hubs, what regions consume from them, and population shifts. */
#ifndef AF_MODEL_HUBS_H
#define AF_MODEL_HUBS_H

#include "model/model_state.h"

/* Whether a truck with `tonnes` arriving now at `hub` unloads at once: the hub has no storage
 * limit, or nobody is waiting before it and its cargo fits. */
bool hubs_admits(const model *m, size_t hub, double tonnes);

/* Whether `tonnes` more fit in `hub`'s storage now (for the truck first in its queue). */
bool hubs_has_room(const model *m, size_t hub, double tonnes);

/* Puts a truck's cargo in stock and counts it in today's deliveries. */
void hubs_store(model *m, size_t hub, size_t category, double tonnes);

/* What a person of `region` gets of `category` a day other than by truck (its local_supply,
 * at most the need). */
double hubs_local_per_person(const model *m, size_t region, size_t category);

/* The day's consumption of `category` at `hub`: the need the regions it serves put on it (their
 * need less their local supply), and what was used (that need, or the stock if less), taken
 * from stock. */
void hubs_consume(model *m, size_t hub, size_t category, double *need, double *used);

/* At the end of simulation day `sim_day`, after consumption: stock of category c at hub h
 * past its shelf life is spoiled (shelf_life.c), counted tonnes_spoiled. */
void hubs_spoil(model *m, size_t hub, size_t c, int sim_day);

/* Forgets today's deliveries and counting bases (after they are recorded). */
void hubs_clear_day(model *m);

/* Moves people between regions by the shifts dated scenario day `scn_day`. */
void hubs_apply_shifts(model *m, int scn_day);

#endif
