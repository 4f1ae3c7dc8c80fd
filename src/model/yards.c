/* Holding yards. A truck of an origin with a yard holds a place from its dispatch until it is
 * admitted to the queue of a station with a queue limit (the engine's `admitted` hook), or
 * leaves the pool before that (trucks_free gives the place back). While every place is
 * taken, origins.c holds planned trucks back instead of dispatching them.
 *
 * A truck that comes to a later limited station without a place (the next limited station on
 * its way, or one it diverted to after a closure) takes one again until that station admits
 * it (journey.c). It waits on the road before that station, and positions.c shows it blocked
 * there, but it counts against the yard as if it had driven back to it.
 *
 * So the trucks in the yard (blocked before its first limited station, or waiting at a leg's
 * start on the way) never exceed its capacity, and the trucks waiting before any later limited
 * station exceed it only by those that came back while it was full, which the queues, lanes
 * and roads between its limited stations bound. Trucks driving, or queued at a station
 * without a limit, hold their place on the way. */
#include "model/yards.h"

void yards_take(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    if (!m->scn->origins[t->origin].has_yard) return;
    t->yard = true;
    m->yard_held[t->origin]++;
}

void yards_take_again(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    assert(!t->yard);
    if (!m->scn->origins[t->origin].has_yard) return;
    yards_take(m, id);
    t->yard_again = true;
}

void yards_leave(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    if (!t->yard) return;
    assert(m->yard_held[t->origin] > 0);
    t->yard = false;
    t->yard_again = false;
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
