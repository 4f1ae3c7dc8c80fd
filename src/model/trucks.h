/* The truck pool, trucks waiting in arrival order, and the lines of trucks at stations. */
#ifndef AF_MODEL_TRUCKS_H
#define AF_MODEL_TRUCKS_H

#include "model/model_state.h"

/* A truck from the pool, zeroed and alive; NO_TRUCK when out of memory (or ids). */
uint32_t trucks_new(model *m);
/* Back to the pool; the truck must be alive. */
void trucks_free(model *m, uint32_t id);
/* Where a live truck t would be in state `state` (its other fields as they are; t->state
 * need not be set yet), by the rules of trucks_place. Inline, so that where the state is a
 * constant the compiler keeps only its case. */
static inline uint32_t trucks_place_as(const model *m, const truck *t, unsigned state,
                                       uint32_t *leg)
{
    *leg = NO_PLACE;
    const af_scenario *s = m->scn;
    const af_scn_route *r = &s->routes[t->route];
    size_t node;
    int position;
    switch (state) {
    case TRUCK_DISPATCHED:
    case TRUCK_AT_LEG_START:
        if (state == TRUCK_AT_LEG_START) *leg = (uint32_t)r->legs[t->pos];
        if (t->yard && (state == TRUCK_DISPATCHED || t->pos == 0)) {
            node = s->origins[t->origin].node;
            position = AF_POS_IN_YARD;
        } else {
            node = state == TRUCK_DISPATCHED ? s->origins[t->origin].node : r->nodes[t->pos];
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

/* Where truck t is (docs/OUTPUTS.md, positions.csv; positions.c has the rules): the cell
 * node * AF_N_POSITIONS + position, NO_PLACE for a truck not alive. An admitted truck at a
 * station is in service there (positions.c takes the queued out). *leg gets the leg it
 * waits at, for a truck at a leg's start, else NO_PLACE. */
static inline uint32_t trucks_place(const model *m, const truck *t, uint32_t *leg)
{
    if (!t->alive) {
        *leg = NO_PLACE;
        return NO_PLACE;
    }
    return trucks_place_as(m, t, t->state, leg);
}

/* Truck t, last counted at t->place and t->leg_waiting, is now at `place` waiting at `leg`:
 * its counts in model.place_trucks and model.leg_waiting move with it. */
static inline void trucks_count_at(model *m, truck *t, uint32_t place, uint32_t leg)
{
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

/* Truck `id` may have changed its state, route, position, yard place or blocked flag: its
 * counts in model.place_trucks and model.leg_waiting move with it. Called by whatever
 * changes one of those (journey.c, trucks_new and trucks_free), after the change. */
static inline void trucks_moved(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    uint32_t leg, place = trucks_place(m, t, &leg);
    trucks_count_at(m, t, place, leg);
}

/* Live truck t goes to state `state` (its other fields already set): the same as setting
 * t->state and calling trucks_moved, with the place worked out for a state the compiler
 * knows where the caller passes a constant. The state is stored last: a store to the byte
 * could alias anything, and would make the compiler read the rest again. */
static inline void trucks_set_state(model *m, truck *t, truck_state state)
{
    assert(t->alive && state != TRUCK_FREE);
    uint32_t leg, place = trucks_place_as(m, t, state, &leg);
    trucks_count_at(m, t, place, leg);
    t->state = (uint8_t)state;
}

/* Tonnes on live trucks, summed truck by truck (independent of the ledger). */
double trucks_tonnes_in_system(const model *m);

/* Puts truck `id` (its waiting_since set, no earlier than any in the line) in its place in
 * line `l`: after every truck that arrived before it or at the same time with a lower id. */
static inline void line_insert(model *m, truck_line *l, uint32_t id)
{
    truck *t = &m->trucks[id];
    /* Only trucks that arrived at the same time can be behind it: a short walk back. */
    uint32_t after = l->len ? l->tail : NO_TRUCK;
    while (after != NO_TRUCK) {
        const truck *a = &m->trucks[after];
        assert(a->waiting_since <= t->waiting_since);
        if (a->waiting_since < t->waiting_since || after < id) break;
        after = a->line_prev;
    }
    t->line_prev = after;
    if (after == NO_TRUCK) {
        t->line_next = l->len ? l->head : NO_TRUCK;
        l->head = id;
    } else {
        t->line_next = m->trucks[after].line_next;
        m->trucks[after].line_next = id;
    }
    if (t->line_next == NO_TRUCK)
        l->tail = id;
    else
        m->trucks[t->line_next].line_prev = id;
    l->len++;
}

/* Takes truck `id` out of line `l`, which it must be in. */
static inline void line_remove(model *m, truck_line *l, uint32_t id)
{
    assert(l->len > 0);
    truck *t = &m->trucks[id];
    if (t->line_prev == NO_TRUCK) {
        assert(l->head == id);
        l->head = t->line_next;
    } else {
        m->trucks[t->line_prev].line_next = t->line_next;
    }
    if (t->line_next == NO_TRUCK) {
        assert(l->tail == id);
        l->tail = t->line_prev;
    } else {
        m->trucks[t->line_next].line_prev = t->line_prev;
    }
    l->len--;
}
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

/* Makes room for one more in a full FIFO (doubling it); false when out of memory. */
bool fifo_grow(truck_fifo *f);
/* Appends a truck; false when out of memory (the FIFO is unchanged). */
static inline bool fifo_push(truck_fifo *f, uint32_t id)
{
    assert(f->len <= f->cap);
    if (f->len == f->cap && !fifo_grow(f)) return false;
    size_t at = f->head + f->len;
    f->ids[at < f->cap ? at : at - f->cap] = id;
    f->len++;
    assert(f->len <= f->cap && f->head < f->cap);
    return true;
}
/* The truck first in; the FIFO must not be empty. */
static inline uint32_t fifo_pop(truck_fifo *f)
{
    assert(f->len > 0 && f->len <= f->cap && f->head < f->cap);
    uint32_t id = f->ids[f->head];
    f->head = f->head + 1 < f->cap ? f->head + 1 : 0;
    f->len--;
    return id;
}
/* The truck first in, left in place; the FIFO must not be empty. */
static inline uint32_t fifo_head(const truck_fifo *f)
{
    assert(f->len > 0 && f->len <= f->cap && f->head < f->cap);
    return f->ids[f->head];
}

#endif
