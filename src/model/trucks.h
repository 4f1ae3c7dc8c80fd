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
static inline uint32_t trucks_place(const model *m, const truck *t, uint32_t *leg)
{
    *leg = NO_PLACE;
    if (!t->alive) return NO_PLACE;
    const af_scenario *s = m->scn;
    const af_scn_route *r = &s->routes[t->route];
    size_t node;
    int position;
    switch (t->state) {
    case TRUCK_DISPATCHED:
    case TRUCK_AT_LEG_START:
        if (t->state == TRUCK_AT_LEG_START) *leg = (uint32_t)r->legs[t->pos];
        if (t->yard && (t->state == TRUCK_DISPATCHED || t->pos == 0)) {
            node = s->origins[t->origin].node;
            position = AF_POS_IN_YARD;
        } else {
            node = t->state == TRUCK_DISPATCHED ? s->origins[t->origin].node : r->nodes[t->pos];
            position = AF_POS_WAITING_LEG;
        }
        break;
    case TRUCK_ON_LEG:
        node = r->nodes[t->pos + 1];
        position = AF_POS_TRAVELLING;
        break;
    case TRUCK_AT_STATION:
        if (t->blocked && t->yard && !t->yard_again) {
            node = s->origins[t->origin].node;
            position = AF_POS_IN_YARD;
        } else {
            node = r->nodes[t->pos];
            position = t->blocked ? AF_POS_BLOCKED : AF_POS_IN_SERVICE;
        }
        break;
    case TRUCK_HELD:
        node = r->nodes[t->pos];
        position = AF_POS_HELD;
        break;
    case TRUCK_REPACKING:
        node = s->origins[t->origin].node;
        position = AF_POS_REPACKING;
        break;
    case TRUCK_OFFLOADED:
        node = r->nodes[t->pos];
        position = AF_POS_AWAITING_COLLECTION;
        break;
    case TRUCK_AT_HUB:
        node = r->nodes[r->n_nodes - 1];
        position = AF_POS_AWAITING_STORAGE;
        break;
    case TRUCK_TURNING_BACK:
        node = r->nodes[t->pos];
        position = AF_POS_TURNING_BACK;
        break;
    case TRUCK_FREE:
    default: return NO_PLACE;
    }
    return (uint32_t)(node * AF_N_POSITIONS + (size_t)position);
}

/* Truck `id` may have changed its state, route, position, yard place or blocked flag: its
 * counts in model.place_trucks and model.leg_waiting move with it. Called by whatever
 * changes one of those (journey.c, trucks_new and trucks_free), after the change. Inline,
 * so that where the caller has just set the state the compiler keeps only that case. */
static inline void trucks_moved(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    uint32_t leg, place = trucks_place(m, t, &leg);
    if (place != t->place) {
        if (t->place != NO_PLACE) {
            assert(m->place_trucks[t->place] > 0);
            m->place_trucks[t->place]--;
        }
        if (place != NO_PLACE) m->place_trucks[place]++;
        t->place = place;
    }
    if (leg != t->leg_waiting) {
        if (t->leg_waiting != NO_PLACE) {
            assert(m->leg_waiting[t->leg_waiting] > 0);
            m->leg_waiting[t->leg_waiting]--;
        }
        if (leg != NO_PLACE) m->leg_waiting[leg]++;
        t->leg_waiting = leg;
    }
}

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
