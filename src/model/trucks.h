/* The truck pool, trucks waiting in arrival order, and the lines of trucks at stations. */
#ifndef AF_MODEL_TRUCKS_H
#define AF_MODEL_TRUCKS_H

#include "model/model_state.h"

/* A truck from the pool, zeroed and alive; NO_TRUCK when out of memory (or ids). */
uint32_t trucks_new(model *m);
/* Back to the pool; the truck must be alive. */
void trucks_free(model *m, uint32_t id);
/* Where truck t is (docs/OUTPUTS.md, positions.csv; positions.c has the rules): the cell
 * node * AF_N_POSITIONS + position, NO_PLACE for a truck not alive. An admitted truck at a
 * station is in service there (positions.c takes the queued out). *leg gets the leg it
 * waits at, for a truck at a leg's start, else NO_PLACE. */
uint32_t trucks_place(const model *m, const truck *t, uint32_t *leg);
/* Truck `id` may have changed its state, route, position, yard place or blocked flag: its
 * counts in model.place_trucks and model.leg_waiting move with it. Called by whatever
 * changes one of those (journey.c, trucks_new and trucks_free), after the change. */
void trucks_moved(model *m, uint32_t id);
/* Tonnes on live trucks, summed truck by truck (independent of the ledger). */
double trucks_tonnes_in_system(const model *m);

/* Puts truck `id` (its waiting_since set, no earlier than any in the line) in its place in
 * line `l`: after every truck that arrived before it or at the same time with a lower id. */
void line_insert(model *m, truck_line *l, uint32_t id);
/* Takes truck `id` out of line `l`, which it must be in. */
void line_remove(model *m, truck_line *l, uint32_t id);
/* Where the trucks in the system are, by stage of their journey (the backlog the measured
 * period starts with when taken at the end of the warm-up): counts and tonnes of the live
 * trucks in each stage, TRUCK_STAGES of them, named by trucks_stage_name. A truck state
 * without a stage of its own counts in no stage (only in the totals of live trucks). */
enum {
    STAGE_AT_LEG_START,      /* just loaded, or at the start of a leg (closed, convoy slot) */
    STAGE_ON_LEG,            /* travelling */
    STAGE_AT_STATION,        /* queued, blocked upstream or in service at a station */
    STAGE_HELD,              /* held after a dual-use flag */
    STAGE_REPACKING,         /* rejected, being repacked */
    STAGE_AWAITING_COLLECTION, /* offloaded on a crossing's Gaza side, not collected */
    STAGE_AT_HUB,            /* loaded at its hub, waiting for room */
    STAGE_TURNING_BACK,      /* driving back from a closure */
    TRUCK_STAGES
};
void trucks_by_stage(const model *m, double trucks[TRUCK_STAGES], double tonnes[TRUCK_STAGES]);
const char *trucks_stage_name(int stage);

/* Appends a truck; false when out of memory (the FIFO is unchanged). */
bool fifo_push(truck_fifo *f, uint32_t id);
/* The truck first in; the FIFO must not be empty. */
uint32_t fifo_pop(truck_fifo *f);
/* The truck first in, left in place; the FIFO must not be empty. */
uint32_t fifo_head(const truck_fifo *f);

#endif
