/* The binding constraint, day by day (binding.h has the definition). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/binding.h"

struct binding_log {
    size_t n;         /* stations + legs + crossings */
    bool *after;      /* [n * n]: after[a * n + b], b lies downstream of a on some route */
    bool *on_route;   /* [n]: on some route */
    double *days;     /* [n]: days bound */
    double *waiting;  /* [n]: scratch, trucks waiting at midnight */
    bool *cand;       /* [n]: scratch, held trucks back today */
    double none_days;
};

size_t binding_count(const model *m) { return m->binding->n; }
double binding_none_days(const model *m) { return m->binding->none_days; }

af_status binding_init(model *m)
{
    const af_scenario *s = m->scn;
    struct binding_log *b = calloc(1, sizeof *b);
    if (!b) return AF_NOMEM;
    m->binding = b;
    b->n = m->n_stations + s->n_legs + s->n_crossings;
    b->after = calloc(b->n * b->n + 1, sizeof *b->after);
    b->on_route = calloc(b->n + 1, sizeof *b->on_route);
    b->days = calloc(b->n + 1, sizeof *b->days);
    b->waiting = calloc(b->n + 1, sizeof *b->waiting);
    b->cand = calloc(b->n + 1, sizeof *b->cand);
    size_t *seq = malloc((3 * s->n_nodes + s->n_legs + 1) * sizeof *seq);
    if (!b->after || !b->on_route || !b->days || !b->waiting || !b->cand || !seq) {
        free(seq);
        return AF_NOMEM;
    }
    size_t legs0 = m->n_stations, gaza0 = legs0 + s->n_legs;
    /* Each route in the order a truck meets its elements: at each node its station, the
     * crossing's transfer stage and Gaza side, then the leg to the next node. */
    for (size_t r = 0; r < s->n_routes; r++) {
        const af_scn_route *rt = &s->routes[r];
        size_t k = 0;
        for (size_t p = 0; p < rt->n_nodes; p++) {
            size_t st = m->node_station[rt->nodes[p]];
            if (st != SIZE_MAX) {
                const mstation *ms = &m->stations[st];
                seq[k++] = st;
                if (ms->transfer != SIZE_MAX) seq[k++] = ms->transfer;
                if (ms->kind == MS_CROSSING) seq[k++] = gaza0 + ms->scn_index;
            }
            if (p + 1 < rt->n_nodes) seq[k++] = legs0 + rt->legs[p];
        }
        for (size_t i = 0; i < k; i++) {
            b->on_route[seq[i]] = true;
            for (size_t j = i + 1; j < k; j++) b->after[seq[i] * b->n + seq[j]] = true;
        }
    }
    free(seq);
    return AF_OK;
}

void binding_destroy(model *m)
{
    if (!m->binding) return;
    free(m->binding->after);
    free(m->binding->on_route);
    free(m->binding->days);
    free(m->binding->waiting);
    free(m->binding->cand);
    free(m->binding);
    m->binding = NULL;
}

/* Whether station i held trucks back today (binding.h); *waiting gets its trucks waiting.
 * The day's open minutes are those results_record_stations just took (ms->open_today). */
static bool station_binds(const model *m, size_t i, af_time now, double *waiting)
{
    const mstation *ms = &m->stations[i];
    *waiting = (double)(af_station_queue_length(ms->st) + af_station_blocked_count(ms->st));
    if (*waiting < 1) return false;
    const af_station_stats *st = af_station_get_stats(ms->st);
    double open = ms->open_today;
    if (!(open > 0)) return true; /* closed all day with trucks waiting */
    double util = af_timeavg_area(&st->busy, now) / (ms->lanes * open);
    uint32_t cap = ms->kind == MS_TRANSFER ? 0 : ms->cfg->daily_cap;
    return util >= 0.9 || (cap > 0 && (double)st->served >= cap);
}

void binding_close_day(model *m, int day)
{
    struct binding_log *b = m->binding;
    const af_scenario *s = m->scn;
    size_t legs0 = m->n_stations, gaza0 = legs0 + s->n_legs;
    if (day >= 0) {
        af_time now = af_sim_now(m->sim);
        bool *cand = b->cand;
        for (size_t i = 0; i < b->n; i++) {
            b->waiting[i] = 0;
            cand[i] = false;
        }
        for (size_t i = 0; i < m->n_stations; i++) cand[i] = station_binds(m, i, now, &b->waiting[i]);
        /* Trucks at a leg's start: waiting for a convoy slot or for the leg to open (counted
         * as they move, trucks_moved). */
        for (size_t l = 0; l < s->n_legs; l++) {
            b->waiting[legs0 + l] = (double)m->leg_waiting[l];
            cand[legs0 + l] = b->waiting[legs0 + l] >= 1;
        }
        for (size_t c = 0; c < s->n_crossings; c++) {
            const gaza_side *g = &m->gaza[c];
            if (!g->on) continue;
            b->waiting[gaza0 + c] = (double)g->waiting;
            cand[gaza0 + c] = g->waiting > 0 && g->shut_today;
        }
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < b->n; i++) {
            if (!cand[i] || !b->on_route[i]) continue;
            bool downstream_binds = false;
            for (size_t j = 0; j < b->n && !downstream_binds; j++)
                downstream_binds = cand[j] && b->after[i * b->n + j] && !b->after[j * b->n + i];
            if (downstream_binds) continue;
            if (best == SIZE_MAX || b->waiting[i] > b->waiting[best]) best = i;
        }
        if (best == SIZE_MAX) b->none_days++;
        else b->days[best]++;
    }
    /* The new day starts with the area's state at midnight. */
    for (size_t c = 0; m->gaza && c < s->n_crossings; c++)
        m->gaza[c].shut_today = m->gaza[c].on && m->stations[m->gaza[c].station].gate_shut;
}

bool binding_element(const model *m, size_t i, double *days, char *buf, size_t len)
{
    const struct binding_log *b = m->binding;
    const af_scenario *s = m->scn;
    size_t legs0 = m->n_stations, gaza0 = legs0 + s->n_legs;
    *days = b->days[i];
    if (i < legs0) {
        snprintf(buf, len, "station.%s.binding_share", m->stations[i].name);
    } else if (i < gaza0) {
        snprintf(buf, len, "leg.%s.binding_share", s->legs[i - legs0].name);
    } else {
        if (!m->gaza || !m->gaza[i - gaza0].on) return false;
        snprintf(buf, len, "gaza_side.%s.binding_share", s->nodes[s->crossings[i - gaza0].st.node].name);
    }
    return true;
}
