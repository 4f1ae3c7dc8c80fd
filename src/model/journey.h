/* A truck's journey from its origin to its hub, as one state machine (truck_state in
 * model_state.h). Nothing else moves a truck from one state to another. */
#ifndef AF_MODEL_JOURNEY_H
#define AF_MODEL_JOURNEY_H

#include "model/model_state.h"

/* A truck of `category` loaded with `tonnes` leaves origin `origin` now. */
void journey_dispatch(model *m, size_t origin, size_t category, double tonnes);

/* The engine's hook when a station finishes serving a truck (ctx is the mstation). */
void journey_station_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity);
/* The engine's service hook: the time to serve a truck that starts now (a new draw when its
 * station's service time changed on a date since it arrived). */
double journey_station_service(af_station *st, void *ctx, uint64_t entity, double drawn);

/* The engine's hook when a crossing with a Gaza side starts serving a truck: it takes a place
 * in the waiting area (ctx is the mstation). */
void journey_station_started(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited);

/* The engine's hook when a truck takes a place in a station's queue: it is no longer blocked,
 * and a truck from a yard gives up its place there when the queue has a limit (ctx is the
 * mstation). */
void journey_station_admitted(af_station *st, void *ctx, uint64_t entity);

/* The midnight phase may have given a hub room: every crossing with cargo waiting on its Gaza
 * side and no collection slot scheduled gets its next one. */
void journey_wake_collection(model *m);

/* Midnight: trucks waiting at full hubs unload, in their order, while there is room. */
void journey_unload_waiting(model *m);

/* Midnight: every leg's convoy slots are free again; trucks held back for want of them start
 * first, in their order. */
void journey_release_leg_queues(model *m);

/* Starts the hourly check that lets trucks queued at closed stations divert or return, when
 * any origin's on_closure is not `wait`. False when out of memory. */
bool journey_start_closure_checks(model *m);

#endif
