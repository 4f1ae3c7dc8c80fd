/* The truck pool: trucks are recycled through a free list, so a run allocates only when more
 * trucks are on their way at once than ever before. And the FIFO of trucks waiting for a
 * convoy slot or for room at a hub: a ring buffer that grows by doubling. And the line of
 * trucks at each station, linked through the trucks. */
#include <stdlib.h>
#include <string.h>

#include "model/trucks.h"

uint32_t trucks_new(model *m)
{
    if (m->free_truck == NO_TRUCK) {
        uint64_t cap = m->n_trucks_cap ? (uint64_t)m->n_trucks_cap * 2 : 1024;
        if (cap >= NO_TRUCK) return NO_TRUCK;
        truck *t = realloc(m->trucks, (size_t)cap * sizeof *t);
        if (!t) return NO_TRUCK;
        m->trucks = t;
        for (uint64_t i = cap; i-- > m->n_trucks_cap;) {
            t[i].alive = false;
            t[i].place = t[i].leg_waiting = NO_PLACE;
            t[i].next_free = m->free_truck;
            m->free_truck = (uint32_t)i;
        }
        m->n_trucks_cap = (uint32_t)cap;
    }
    uint32_t id = m->free_truck;
    truck *t = &m->trucks[id];
    assert(!t->alive);
    m->free_truck = t->next_free;
    memset(t, 0, sizeof *t);
    t->alive = true;
    t->state = TRUCK_DISPATCHED;
    t->place = t->leg_waiting = NO_PLACE; /* counted once its origin is set (journey.c) */
    m->live_trucks++;
    return id;
}

void trucks_free(model *m, uint32_t id)
{
    assert(id < m->n_trucks_cap);
    truck *t = &m->trucks[id];
    assert(t->alive && m->live_trucks > 0);
    if (t->yard) {
        /* Leaving before its first station (lost, returned): its yard place is free again. */
        assert(m->yard_held[t->origin] > 0);
        m->yard_held[t->origin]--;
        t->yard = false;
        t->yard_again = false;
    }
    t->alive = false;
    t->state = TRUCK_FREE;
    trucks_count_at(m, t, NO_PLACE, NO_PLACE); /* trucks_place of a truck not alive */
    t->tonnes = 0;
    t->next_free = m->free_truck;
    m->free_truck = id;
    m->live_trucks--;
}

/* Tonnes on trucks still on their way, summed truck by truck: an independent count that the
 * conservation check sets against the ledger. */
double trucks_tonnes_in_system(const model *m)
{
    double sum = 0;
    for (uint32_t i = 0; i < m->n_trucks_cap; i++)
        if (m->trucks[i].alive) sum += m->trucks[i].tonnes;
    return sum;
}

void trucks_by_stage(const model *m, double trucks[TRUCK_STAGES], double tonnes[TRUCK_STAGES])
{
    for (int k = 0; k < TRUCK_STAGES; k++) trucks[k] = tonnes[k] = 0;
    for (uint32_t i = 0; i < m->n_trucks_cap; i++) {
        const truck *t = &m->trucks[i];
        if (!t->alive) continue;
        int k;
        switch (t->state) {
        case TRUCK_DISPATCHED:
        case TRUCK_AT_LEG_START: k = STAGE_AT_LEG_START; break;
        case TRUCK_ON_LEG: k = STAGE_ON_LEG; break;
        case TRUCK_AT_STATION: k = STAGE_AT_STATION; break;
        case TRUCK_HELD: k = STAGE_HELD; break;
        case TRUCK_REPACKING: k = STAGE_REPACKING; break;
        case TRUCK_OFFLOADED: k = STAGE_AWAITING_COLLECTION; break;
        case TRUCK_AT_HUB: k = STAGE_AT_HUB; break;
        case TRUCK_TURNING_BACK: k = STAGE_TURNING_BACK; break;
        default: k = -1; break;
        }
        if (k < 0) continue;
        trucks[k] += 1;
        tonnes[k] += t->tonnes;
    }
}

const char *trucks_stage_name(int stage)
{
    static const char *const names[TRUCK_STAGES] = {
        "at_leg_start", "on_leg", "at_station", "held", "repacking", "awaiting_collection",
        "at_hub", "turning_back"};
    return stage >= 0 && stage < TRUCK_STAGES ? names[stage] : "";
}

bool fifo_grow(truck_fifo *f)
{
    assert(f->len == f->cap);
    size_t cap = f->cap ? f->cap * 2 : 64;
    uint32_t *w = malloc(cap * sizeof *w);
    if (!w) return false;
    for (size_t i = 0; i < f->len; i++) w[i] = f->ids[(f->head + i) % f->cap];
    free(f->ids);
    f->ids = w;
    f->cap = cap;
    f->head = 0;
    return true;
}

_Static_assert(sizeof ((model *)0)->start_stage_trucks == TRUCK_STAGES * sizeof(double) &&
                   sizeof ((model *)0)->start_stage_tonnes == TRUCK_STAGES * sizeof(double),
               "model_state.h keeps the backlog of every stage");
