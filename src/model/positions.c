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
 * and each origin's trucks held back since the horizon began are held_back at its node.
 *
 * The rules are trucks_place's (trucks.c); the counts are kept as the trucks move
 * (trucks_moved), so that a midnight costs O(nodes + stations), not a pass over the pool.
 * positions_check recounts them truck by truck. */
#include <stdlib.h>
#include <string.h>

#include "model/positions.h"
#include "model/trucks.h"

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
#define AT(node, state) p[(node) * AF_N_POSITIONS + (state)]
    /* The counts kept as the trucks moved (trucks_moved), every admitted truck at a station
     * in service there: the queued are taken out below. */
    for (size_t i = 0; i < nn * AF_N_POSITIONS; i++) p[i] = (double)m->place_trucks[i];
    for (size_t i = 0; i < m->n_stations; i++) {
        const mstation *ms = &m->stations[i];
        AT(station_node(m, ms), AF_POS_QUEUED) += (double)af_station_queue_length(ms->st);
    }
    double in_system = 0;
    for (size_t n = 0; n < nn; n++) {
        AT(n, AF_POS_IN_SERVICE) -= AT(n, AF_POS_QUEUED);
        assert(AT(n, AF_POS_IN_SERVICE) >= 0);
        for (int k = 0; k < AF_N_POSITIONS; k++)
            if (k != AF_POS_HELD_BACK) in_system += AT(n, k);
    }
    assert(in_system == (double)m->live_trucks);
    (void)in_system;
    for (size_t o = 0; o < s->n_origins; o++)
        AT(s->origins[o].node, AF_POS_HELD_BACK) = m->held_back[o] - m->held_back[s->n_origins + o];
#undef AT
}

bool positions_check(const model *m)
{
    const af_scenario *s = m->scn;
    size_t nn = s->n_nodes, cells = nn * AF_N_POSITIONS;
    /* Counts of places, of legs waited at, and of yard trucks blocked before each node's
     * station, recounted truck by truck. */
    size_t *place = calloc(cells + s->n_legs + nn + 1, sizeof *place);
    if (!place) return true; /* nothing to compare with: no verdict */
    size_t *leg = place + cells, *yard_blocked = leg + s->n_legs;
    for (uint32_t id = 0; id < m->n_trucks_cap; id++) {
        const truck *t = &m->trucks[id];
        uint32_t l, c = trucks_place(m, t, &l);
        if (c != t->place || l != t->leg_waiting) {
            free(place);
            return false;
        }
        if (c != NO_PLACE) place[c]++;
        if (l != NO_PLACE) leg[l]++;
        if (t->alive && t->state == TRUCK_AT_STATION && t->blocked && t->yard && !t->yard_again)
            yard_blocked[s->routes[t->route].nodes[t->pos]]++;
    }
    bool ok = !memcmp(place, m->place_trucks, cells * sizeof *place) &&
              !memcmp(leg, m->leg_waiting, s->n_legs * sizeof *leg);
    /* Truck by truck and station by station, the same trucks wait upstream: those blocked
     * on the road and those in their origin's yard. */
    for (size_t n = 0; ok && n < nn; n++)
        yard_blocked[n] += m->place_trucks[n * AF_N_POSITIONS + AF_POS_BLOCKED];
    for (size_t i = 0; ok && i < m->n_stations; i++) {
        const mstation *ms = &m->stations[i];
        size_t node = station_node(m, ms), blocked = af_station_blocked_count(ms->st);
        ok = yard_blocked[node] >= blocked;
        if (ok) yard_blocked[node] -= blocked;
    }
    for (size_t n = 0; ok && n < nn; n++) ok = yard_blocked[n] == 0;
    free(place);
    return ok;
}
