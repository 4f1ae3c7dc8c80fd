/* The Gaza side of a crossing: where cargo that crossed is offloaded and waits to be collected.
 *
 * A crossing with a gaza_side block has a waiting area of a given room (truckloads). A truck
 * takes a place in it when it starts service at the crossing (so that trucks in service
 * always find room); when every place is taken the crossing is shut (its station forced
 * closed) and opens again as collection frees places: the pressure reaches the crossing's
 * queue, the legs before it, inspection and the origins. At offloading the cargo is returned
 * with the return rate. Collection has k movements a day, evenly spaced; a movement is denied
 * with the denial probability of its cargo's sender class (the truck stays first in line),
 * does not run during a pause, and is not started when the truck's hub is full; a collected truck is intercepted on the
 * road with the interception probability (counted lost).
 *
 * These functions decide and keep the waiting area; journey.c moves the trucks. */
#ifndef AF_MODEL_GAZA_SIDE_H
#define AF_MODEL_GAZA_SIDE_H

#include "model/model_state.h"

/* Sets up the Gaza side of every crossing that has one (after the stations are built). */
af_status gaza_side_build(model *m);
void gaza_side_destroy(model *m);

/* The crossing's Gaza side, or NULL when it has none. */
static inline gaza_side *gaza_side_of(model *m, size_t crossing)
{
    return m->gaza && m->gaza[crossing].on ? &m->gaza[crossing] : NULL;
}

/* A truck started service at the crossing: it takes a place in the waiting area. */
void gaza_side_reserve(model *m, size_t crossing);

/* The truck that took a place reaches the waiting area: true when its cargo is returned (the
 * place is given up), false when it is offloaded there (it keeps the place until collected),
 * in the line of `hub`, the hub its cargo goes to. The truck is not moved: journey.c puts it
 * in state OFFLOADED. */
bool gaza_side_offload(model *m, size_t crossing, uint32_t id, size_t hub);

/* The simulation time of the crossing's first collection slot after `now` that is not yet
 * taken (and counts it and those before it taken). Slots are only scheduled while trucks wait
 * (journey.c): one that finds nobody would do nothing, so the slots passed while the area was
 * empty are skipped. */
af_time gaza_side_next_slot(model *m, size_t crossing, af_time now);

/* Whether collection is paused now. */
bool gaza_side_paused(const model *m, size_t crossing, af_time now);

/* One movement's approval for cargo of sender class `sender` (af_scn_sender): true when
 * denied (the denial probability of its class). */
bool gaza_side_denied(model *m, size_t crossing, int sender);

/* Whether the first truck waiting for hub a came before the first waiting for hub b (both
 * have trucks waiting). Each hub's trucks wait in the order they came. */
bool gaza_side_before(const model *m, size_t crossing, size_t a, size_t b);

/* Takes the first truck waiting for `hub` off the waiting area (its place is freed; the
 * crossing reopens when it was shut and no random closure holds it). */
uint32_t gaza_side_collect(model *m, size_t crossing, size_t hub);

/* A collected truck's road to the hub: true when it is intercepted. */
bool gaza_side_intercepted(model *m, size_t crossing);

/* Trucks offloaded and waiting at every crossing. */
size_t gaza_side_waiting(const model *m);

#endif
