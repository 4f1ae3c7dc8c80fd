/* Closures and schedules. Dated closures and opening dates come from the scenario (stations
 * and legs); this file builds a station's engine schedule from its hours, opening date and
 * closures, and answers "is it closed now, and until when" for legs and for the routing
 * policy. Random closures of a station open and
 * close it through the engine (af_station_set_closed); overlapping ones nest. */
#include <math.h>
#include <stdlib.h>

#include "engine/calendar_impl.h"
#include "model/closures.h"

/* The engine schedule of a station: weekly hours and dated closures, shifted by the warm-up. */
af_schedule *closures_build_schedule(const model *m, const af_scn_station *cfg, af_error *err)
{
    int wd0 = ((m->scn->start_weekday - m->scn->warmup_days) % 7 + 7) % 7;
    af_schedule *s = af_schedule_create(wd0);
    if (!s) return NULL;
    if (cfg && cfg->hours.weekly) {
        bool any = false;
        for (int d = 0; d < 7; d++) {
            for (size_t i = 0; i < cfg->hours.n[d]; i++) {
                const af_scn_interval *iv = &cfg->hours.intervals[d][i];
                if (af_schedule_add_hours(s, d, iv->open, iv->close, err) != AF_OK) goto fail;
                any = true;
            }
        }
        /* Closed every day of the week: a closure over all time says so. */
        if (!any && af_schedule_add_closure(s, -INFINITY, INFINITY, err) != AF_OK) goto fail;
    }
    /* Closed before its opening date. */
    if (cfg && cfg->has_opens &&
        af_schedule_add_closure(s, -INFINITY, model_sim_time_of_scn_minutes(m, cfg->opens), err) != AF_OK)
        goto fail;
    for (size_t i = 0; cfg && i < cfg->n_closures; i++) {
        af_time from = model_sim_time_of_scn_minutes(m, cfg->closures[i].from);
        af_time to = model_sim_time_of_scn_minutes(m, cfg->closures[i].to);
        if (af_schedule_add_closure(s, from, to, err) != AF_OK) goto fail;
    }
    return s;
fail:
    af_schedule_destroy(s);
    return NULL;
}

af_time closures_closed_until(const model *m, const af_scn_period *p, size_t n, af_time t)
{
    bool moved = true;
    while (moved) {
        moved = false;
        for (size_t i = 0; i < n; i++) {
            af_time from = model_sim_time_of_scn_minutes(m, p[i].from);
            af_time to = model_sim_time_of_scn_minutes(m, p[i].to);
            if (t >= from && t < to) {
                t = to;
                moved = true;
            }
        }
    }
    return t;
}

/* The first time from t on that is after the opening date (if any) and outside the closures. */
static af_time open_from(const model *m, bool has_opens, double opens, const af_scn_period *p,
                         size_t n, af_time t)
{
    if (has_opens) {
        af_time o = model_sim_time_of_scn_minutes(m, opens);
        if (t < o) t = o;
    }
    return closures_closed_until(m, p, n, t);
}

af_time closures_leg_open_dated(const model *m, size_t leg, af_time t)
{
    const af_scn_leg *cfg = m->legs[leg].cfg;
    return open_from(m, cfg->has_opens, cfg->opens, cfg->closures, cfg->n_closures, t);
}


/* closures_route_closed_from, working each closure out as it goes. */
static bool route_closed_from_general(const model *m, size_t route, size_t from, af_time t)
{
    const af_scn_route *r = &m->scn->routes[route];
    for (size_t i = from + 1; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        if (ms->closed_depth > 0) return true;
        const af_scn_station *c = ms->cfg;
        if (open_from(m, c->has_opens, c->opens, c->closures, c->n_closures, t) > t) return true;
    }
    for (size_t i = from; i + 1 < r->n_nodes; i++)
        if (closures_leg_open_at(m, r->legs[i], t) > t) return true;
    return false;
}

/* What closures_route_closed_from asks of the scenario in force, laid out once for each
 * route and node `from` (again after a dated change puts another scenario in force): the
 * stations after the node, whose random closures are looked up as they are, and every dated
 * period closing a station after it or a leg from it on, in simulation time (an opening date
 * o as the period before o). A time is dated-closed exactly when it falls in one of them:
 * open_from moves t on only from inside a closure, or from before the opening date. */
typedef struct closed_span {
    af_time from, to;
} closed_span;

struct closure_tables {
    const af_scenario *scn; /* the scenario in force they were made for */
    size_t max_nodes;       /* the most nodes of a route */
    size_t *st_at;          /* [route * max_nodes + from .. + 1]: stations after node from, */
    size_t *st;             /*   st[st_at[k] .. st_at[k + 1]) */
    size_t *span_at;        /* the same for the periods */
    closed_span *span;
};

void closures_destroy(model *m)
{
    struct closure_tables *c = m->closure_tables;
    if (!c) return;
    free(c->st_at);
    free(c->st);
    free(c->span_at);
    free(c->span);
    free(c);
    m->closure_tables = NULL;
}

/* Adds the periods of one station or leg (its opening date and dated closures) at span[*n]
 * (NULL: only counts them). */
static void add_spans(const model *m, bool has_opens, double opens, const af_scn_period *p,
                      size_t np, closed_span *span, size_t *n)
{
    if (has_opens) {
        if (span) span[*n] = (closed_span){-INFINITY, model_sim_time_of_scn_minutes(m, opens)};
        (*n)++;
    }
    for (size_t i = 0; i < np; i++) {
        if (span)
            span[*n] = (closed_span){model_sim_time_of_scn_minutes(m, p[i].from),
                                     model_sim_time_of_scn_minutes(m, p[i].to)};
        (*n)++;
    }
}

/* Lays out the route's stations and periods from each node (span NULL: counts them). */
static void lay_out_route(const model *m, struct closure_tables *c, size_t r, size_t *n_st,
                          size_t *n_span)
{
    const af_scn_route *rt = &m->scn->routes[r];
    for (size_t from = 0; from < c->max_nodes; from++) {
        size_t k = r * c->max_nodes + from;
        if (c->st_at) {
            c->st_at[k] = *n_st;
            c->span_at[k] = *n_span;
        }
        for (size_t i = from + 1; i < rt->n_nodes; i++) {
            size_t st = m->node_station[rt->nodes[i]];
            if (st == SIZE_MAX) continue;
            if (c->st) c->st[*n_st] = st;
            (*n_st)++;
            const af_scn_station *cfg = m->stations[st].cfg;
            add_spans(m, cfg->has_opens, cfg->opens, cfg->closures, cfg->n_closures, c->span, n_span);
        }
        for (size_t i = from; i + 1 < rt->n_nodes; i++) {
            const af_scn_leg *cfg = m->legs[rt->legs[i]].cfg;
            add_spans(m, cfg->has_opens, cfg->opens, cfg->closures, cfg->n_closures, c->span, n_span);
        }
    }
}

/* The tables for the scenario in force, made when first needed; NULL when out of memory
 * (closures_route_closed_from then works it out as it goes). */
static const struct closure_tables *closure_tables(model *m)
{
    struct closure_tables *c = m->closure_tables;
    if (c && c->scn == m->scn) return c;
    closures_destroy(m);
    const af_scenario *s = m->scn;
    c = calloc(1, sizeof *c);
    if (!c) return NULL;
    for (size_t r = 0; r < s->n_routes; r++)
        if (s->routes[r].n_nodes > c->max_nodes) c->max_nodes = s->routes[r].n_nodes;
    size_t n_st = 0, n_span = 0, rn = s->n_routes * c->max_nodes;
    for (size_t r = 0; r < s->n_routes; r++) lay_out_route(m, c, r, &n_st, &n_span);
    c->st_at = malloc((rn + 1) * sizeof *c->st_at);
    c->span_at = malloc((rn + 1) * sizeof *c->span_at);
    c->st = malloc((n_st + 1) * sizeof *c->st);
    c->span = malloc((n_span + 1) * sizeof *c->span);
    m->closure_tables = c;
    if (!c->st_at || !c->span_at || !c->st || !c->span) {
        closures_destroy(m);
        return NULL;
    }
    n_st = n_span = 0;
    for (size_t r = 0; r < s->n_routes; r++) lay_out_route(m, c, r, &n_st, &n_span);
    c->st_at[rn] = n_st;
    c->span_at[rn] = n_span;
    c->scn = s;
    return c;
}

bool closures_route_closed_from(model *m, size_t route, size_t from, af_time t)
{
    const struct closure_tables *c = closure_tables(m);
    if (!c) return route_closed_from_general(m, route, from, t);
    size_t k = route * c->max_nodes + from;
    bool closed = false;
    for (size_t i = c->st_at[k]; i < c->st_at[k + 1] && !closed; i++)
        closed = m->stations[c->st[i]].closed_depth > 0;
    for (size_t i = c->span_at[k]; i < c->span_at[k + 1] && !closed; i++)
        closed = t >= c->span[i].from && t < c->span[i].to;
    /* The debug build checks the tables' answer against the closures one by one. */
    assert(closed == route_closed_from_general(m, route, from, t));
    return closed;
}

static bool station_may_close(const af_scn_station *c)
{
    return c->hours.weekly || c->has_opens || c->n_closures > 0 || c->has_random_closures;
}

/* closures_any_station_may_close for one scenario in force, its changes aside. */
static bool may_close_in_force(const af_scenario *s)
{
    for (size_t i = 0; i < s->n_inspections; i++)
        if (station_may_close(&s->inspections[i].st)) return true;
    for (size_t i = 0; i < s->n_crossings; i++) {
        const af_scn_crossing *cx = &s->crossings[i];
        if (station_may_close(&cx->st) || (cx->has_gaza_side && cx->gs_waiting_area > 0))
            return true;
    }
    return false;
}

bool closures_any_station_may_close(const af_scenario *s)
{
    if (may_close_in_force(s)) return true;
    for (size_t i = 0; i < s->n_changes; i++)
        if (may_close_in_force(s->changes[i].in_force)) return true;
    return false;
}

/* One random closure begins or ends at one station. Overlapping closures nest: the station
 * closes at the first and opens again after the last; only the minutes it would have been open
 * count as lost to the closure. */
static void close_station(mstation *ms, af_time now)
{
    if (ms->closed_depth++ == 0) {
        ms->closed_since = now;
        af_station_set_closed(ms->st, true);
    }
}

static void open_station(mstation *ms, af_time now)
{
    assert(ms->closed_depth > 0);
    if (--ms->closed_depth == 0) {
        ms->closed_minutes_today += af_schedule_open_minutes(ms->sched, ms->closed_since, now);
        /* A crossing whose Gaza-side waiting area is full stays shut (gaza_side.c). */
        af_station_set_closed(ms->st, ms->gate_shut);
    }
}

/* A crossing's back-to-back transfer stage is part of the crossing: it closes with it, as it
 * keeps the crossing's weekly hours and dated closures. */
static mstation *transfer_of(mstation *ms)
{
    return ms->transfer != SIZE_MAX ? &ms->m->stations[ms->transfer] : NULL;
}

static void ev_closure_end(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mstation *ms = ctx, *tr = transfer_of(ms);
    af_time now = af_sim_clock(sim);
    open_station(ms, now);
    if (tr) open_station(tr, now);
}

static void ev_closure_start(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mstation *ms = ctx, *tr = transfer_of(ms);
    const af_scn_station *cfg = ms->cfg;
    af_time now = af_sim_clock(sim);
    close_station(ms, now);
    if (tr) close_station(tr, now);
    double d = af_dist_sample(&cfg->closure_duration.dist, ms->closure_rng);
    double gap = -log(af_rng_uniform_pos(ms->closure_rng)) * AF_MINUTES_PER_DAY / cfg->closure_rate;
    if (!af_sim_schedule(sim, d > 0 ? d : 0, ev_closure_end, ms, 0) ||
        !af_sim_schedule(sim, gap, ev_closure_start, ms, 0))
        model_fail(ms->m);
}

af_status closures_start_random(model *m, mstation *ms)
{
    if (ms->kind == MS_TRANSFER || !ms->cfg->has_random_closures || !(ms->cfg->closure_rate > 0))
        return AF_OK;
    double gap = -log(af_rng_uniform_pos(ms->closure_rng)) * AF_MINUTES_PER_DAY / ms->cfg->closure_rate;
    return af_sim_schedule(m->sim, gap, ev_closure_start, ms, 0) ? AF_OK : AF_NOMEM;
}

void closures_day_end(model *m)
{
    af_time now = af_sim_clock(m->sim);
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        if (ms->closed_depth > 0) {
            ms->closed_minutes_today += af_schedule_open_minutes(ms->sched, ms->closed_since, now);
            ms->closed_since = now;
        }
    }
}
