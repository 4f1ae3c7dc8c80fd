/* Where the trucks are. Each live truck is put at a node in a state from its journey state
 * (docs/OUTPUTS.md, positions.csv):
 *
 *   at a leg's start      in_yard at its origin for its first leg while it holds a yard place,
 *                         else waiting_leg at the leg's start node
 *   on a leg              travelling, at the node it is driving to
 *   at a station          not yet admitted to its queue: in_yard at its origin while it holds
 *                         the yard place it was dispatched with, else blocked at the station's
 *                         node (also when it took a place again, yards.c); admitted: queued
 *                         or in_service there (a station knows how many it has queued; the
 *                         rest of its admitted trucks are in service). A crossing and its
 *                         transfer stage share the crossing's node.
 *   held, repacking       at the inspection, at its origin
 *   offloaded             awaiting_collection at the crossing
 *   at its hub            awaiting_storage at the hub
 *   turning back          turning_back, at the node it drives back to
 *
 * and each origin's trucks held back since the horizon began are held_back at its node. */
#include <string.h>

#include "model/positions.h"

static const char *const names[AF_N_POSITIONS] = {
    "held_back", "in_yard",  "waiting_leg", "travelling",           "queued",           "blocked",
    "in_service", "held",    "repacking",   "awaiting_collection", "awaiting_storage", "turning_back"};

const char *af_position_name(int position)
{
    return position >= 0 && position < AF_N_POSITIONS ? names[position] : NULL;
}

/* The node of a station: its own, or its crossing's for a transfer stage. */
static size_t station_node(const model *m, const mstation *ms)
{
    return ms->kind == MS_TRANSFER ? m->scn->crossings[ms->scn_index].st.node : ms->cfg->node;
}

void positions_record(model *m, int day)
{
    const af_scenario *s = m->scn;
    size_t nn = s->n_nodes;
    double *p = &m->res->positions[(size_t)day * nn * AF_N_POSITIONS];
    double *yard_blocked = m->positions_scratch;
    memset(yard_blocked, 0, nn * sizeof *yard_blocked);
#define AT(node, state) p[(node) * AF_N_POSITIONS + (state)]
    for (uint32_t id = 0; id < m->n_trucks_cap; id++) {
        const truck *t = &m->trucks[id];
        if (!t->alive) continue;
        const af_scn_route *r = &s->routes[t->route];
        size_t origin = s->origins[t->origin].node;
        size_t here = t->state == TRUCK_DISPATCHED ? origin : r->nodes[t->pos];
        switch (t->state) {
        case TRUCK_FREE:
            break;
        case TRUCK_DISPATCHED:
        case TRUCK_AT_LEG_START:
            if (t->yard && (t->state == TRUCK_DISPATCHED || t->pos == 0)) AT(origin, AF_POS_IN_YARD)++;
            else AT(here, AF_POS_WAITING_LEG)++;
            break;
        case TRUCK_ON_LEG:
            AT(r->nodes[t->pos + 1], AF_POS_TRAVELLING)++;
            break;
        case TRUCK_AT_STATION:
            if (t->blocked && t->yard && !t->yard_again) {
                AT(origin, AF_POS_IN_YARD)++;
                yard_blocked[here]++;
            } else if (t->blocked) {
                AT(here, AF_POS_BLOCKED)++;
            } else {
                AT(here, AF_POS_IN_SERVICE)++; /* the queued are taken out below */
            }
            break;
        case TRUCK_HELD:
            AT(here, AF_POS_HELD)++;
            break;
        case TRUCK_REPACKING:
            AT(origin, AF_POS_REPACKING)++;
            break;
        case TRUCK_OFFLOADED:
            AT(here, AF_POS_AWAITING_COLLECTION)++;
            break;
        case TRUCK_AT_HUB:
            AT(r->nodes[r->n_nodes - 1], AF_POS_AWAITING_STORAGE)++;
            break;
        case TRUCK_TURNING_BACK:
            AT(here, AF_POS_TURNING_BACK)++;
            break;
        }
    }
    for (size_t i = 0; i < m->n_stations; i++) {
        const mstation *ms = &m->stations[i];
        size_t node = station_node(m, ms);
        AT(node, AF_POS_QUEUED) += (double)af_station_queue_length(ms->st);
        yard_blocked[node] -= (double)af_station_blocked_count(ms->st);
    }
    double in_system = 0;
    for (size_t n = 0; n < nn; n++) {
        AT(n, AF_POS_IN_SERVICE) -= AT(n, AF_POS_QUEUED);
        /* Truck by truck and station by station, the same trucks wait upstream. */
        assert(yard_blocked[n] + AT(n, AF_POS_BLOCKED) == 0 && AT(n, AF_POS_IN_SERVICE) >= 0);
        for (int k = 0; k < AF_N_POSITIONS; k++)
            if (k != AF_POS_HELD_BACK) in_system += AT(n, k);
    }
    assert(in_system == (double)m->live_trucks);
    (void)in_system;
    for (size_t o = 0; o < s->n_origins; o++)
        AT(s->origins[o].node, AF_POS_HELD_BACK) = m->held_back[o] - m->held_back[s->n_origins + o];
#undef AT
}
