/* Holding yards. A truck of an origin with a yard holds a place from its dispatch until it is
 * admitted to the queue of a station with a queue limit (the engine's `admitted` hook), or
 * leaves the pool before that (trucks_free gives the place back). While every place is
 * taken, origins.c holds planned trucks back instead of dispatching them. So the trucks
 * waiting in the yard (blocked before that station, or waiting at a leg's start on the way)
 * never exceed its capacity; those driving, or queued at a station without a limit, hold
 * their place on the way. */
#include "model/yards.h"

bool yards_full(const model *m, size_t o)
{
    const af_scn_origin *org = &m->scn->origins[o];
    return org->has_yard && m->yard_held[o] >= org->yard_capacity;
}

void yards_take(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    if (!m->scn->origins[t->origin].has_yard) return;
    t->yard = true;
    m->yard_held[t->origin]++;
}

void yards_leave(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    if (!t->yard) return;
    assert(m->yard_held[t->origin] > 0);
    t->yard = false;
    m->yard_held[t->origin]--;
}

bool yards_any(const model *m)
{
    for (size_t o = 0; o < m->base->n_origins; o++)
        if (m->base->origins[o].has_yard || m->scn->origins[o].has_yard) return true;
    for (size_t k = 0; k < m->base->n_changes; k++) {
        const af_scenario *s = m->base->changes[k].in_force;
        for (size_t o = 0; s && o < s->n_origins; o++)
            if (s->origins[o].has_yard) return true;
    }
    return false;
}
