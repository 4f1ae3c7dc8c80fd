/* The Gaza side of a crossing (gaza_side.h has the contract). */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/closures.h"
#include "model/gaza_side.h"
#include "model/trucks.h"

af_status gaza_side_build(model *m)
{
    const af_scenario *s = m->scn;
    m->gaza = calloc(s->n_crossings + 1, sizeof *m->gaza);
    if (!m->gaza) return AF_NOMEM;
    for (size_t i = 0; i < s->n_crossings; i++) {
        const af_scn_crossing *cx = &s->crossings[i];
        gaza_side *g = &m->gaza[i];
        if (!cx->has_gaza_side) continue;
        g->on = true;
        g->wait = calloc(s->n_hubs, sizeof *g->wait);
        g->order = calloc(s->n_hubs, sizeof *g->order);
        if (!g->wait || !g->order) return AF_NOMEM;
        g->station = m->node_station[cx->st.node];
        const char *name = s->nodes[cx->st.node].name;
        g->return_rng = model_stream(m, "gaza_return", name, NULL);
        g->denial_rng = model_stream(m, "gaza_denial", name, NULL);
        g->intercept_rng = model_stream(m, "gaza_interception", name, NULL);
        if (!g->return_rng || !g->denial_rng || !g->intercept_rng) return AF_NOMEM;
    }
    return AF_OK;
}

void gaza_side_destroy(model *m)
{
    if (!m->gaza) return;
    for (size_t i = 0; i < m->scn->n_crossings; i++) {
        gaza_side *g = &m->gaza[i];
        af_rng_destroy(g->return_rng);
        af_rng_destroy(g->denial_rng);
        af_rng_destroy(g->intercept_rng);
        for (size_t h = 0; g->wait && h < m->scn->n_hubs; h++) free(g->wait[h].ids);
        for (size_t h = 0; g->order && h < m->scn->n_hubs; h++) free(g->order[h].ids);
        free(g->wait);
        free(g->order);
    }
    free(m->gaza);
    m->gaza = NULL;
}

/* Shuts the crossing while every place is taken, opens it when one is free (unless a random
 * closure holds it: closures.c opens it when that ends, and reads gate_shut). */
static void update_gate(model *m, size_t crossing)
{
    gaza_side *g = &m->gaza[crossing];
    size_t room = m->scn->crossings[crossing].gs_waiting_area;
    mstation *ms = &m->stations[g->station];
    bool full = room > 0 && g->waiting + g->committed >= room;
    if (full == ms->gate_shut) return;
    ms->gate_shut = full;
    if (full) g->shut_today = true; /* binding.c */
    if (ms->closed_depth == 0) af_station_set_closed(ms->st, full);
}

void gaza_side_reserve(model *m, size_t crossing)
{
    m->gaza[crossing].committed++;
    update_gate(m, crossing);
}

bool gaza_side_offload(model *m, size_t crossing, uint32_t id, size_t hub)
{
    gaza_side *g = &m->gaza[crossing];
    assert(g->committed > 0);
    g->committed--;
    double r = m->scn->crossings[crossing].gs_return;
    if (r > 0 && af_rng_uniform(g->return_rng) < r) {
        update_gate(m, crossing);
        return true;
    }
    if (!fifo_push(&g->wait[hub], id) || !fifo_push(&g->order[hub], g->arrivals)) model_fail(m);
    g->arrivals++;
    g->waiting++;
    update_gate(m, crossing);
    return false;
}

/* Slot i's time with k slots a day. */
static af_time slot_time(uint64_t i, double k)
{
    return ((double)i + 0.5) * AF_MINUTES_PER_DAY / k;
}

af_time gaza_side_next_slot(model *m, size_t crossing, af_time now)
{
    gaza_side *g = &m->gaza[crossing];
    double k = m->scn->crossings[crossing].gs_collection;
    uint64_t i = g->slot;
    if (!(slot_time(i, k) > now)) {
        /* Slots passed while nobody waited (or k changed): the first one after now. */
        double x = floor(now * k / AF_MINUTES_PER_DAY - 0.5) + 1;
        if (x > (double)i) i = (uint64_t)x;
        while (!(slot_time(i, k) > now)) i++;
    }
    g->slot = i + 1;
    return slot_time(i, k);
}

bool gaza_side_paused(const model *m, size_t crossing, af_time now)
{
    const af_scn_crossing *cx = &m->scn->crossings[crossing];
    return closures_closed_until(m, cx->gs_pauses, cx->gs_n_pauses, now) > now;
}

bool gaza_side_denied(model *m, size_t crossing, int sender)
{
    const af_scn_crossing *cx = &m->scn->crossings[crossing];
    double p = sender == AF_SCN_COMMERCIAL ? cx->gs_denial_commercial : cx->gs_denial;
    return p > 0 && af_rng_uniform(m->gaza[crossing].denial_rng) < p;
}

bool gaza_side_before(const model *m, size_t crossing, size_t a, size_t b)
{
    const gaza_side *g = &m->gaza[crossing];
    assert(g->wait[a].len > 0 && g->wait[b].len > 0);
    /* Arrival numbers wrap modulo 2^32; those waiting span far less than 2^31. */
    return (int32_t)(fifo_head(&g->order[a]) - fifo_head(&g->order[b])) < 0;
}

uint32_t gaza_side_collect(model *m, size_t crossing, size_t hub)
{
    gaza_side *g = &m->gaza[crossing];
    assert(g->waiting > 0 && g->wait[hub].len > 0);
    uint32_t id = fifo_pop(&g->wait[hub]);
    (void)fifo_pop(&g->order[hub]);
    g->waiting--;
    update_gate(m, crossing);
    return id;
}

bool gaza_side_intercepted(model *m, size_t crossing)
{
    double q = m->scn->crossings[crossing].gs_interception;
    return q > 0 && af_rng_uniform(m->gaza[crossing].intercept_rng) < q;
}

size_t gaza_side_waiting(const model *m)
{
    size_t n = 0;
    for (size_t i = 0; m->gaza && i < m->scn->n_crossings; i++) n += m->gaza[i].waiting;
    return n;
}
