/* Closures. Dated closures come from the scenario (stations and legs); the engine's schedule
 * of a station already keeps the station's own, and this file answers "is it closed now, and
 * until when" for legs and for the routing policy. Random closures of a station open and
 * close it through the engine (af_station_set_closed); overlapping ones nest. */
#include <math.h>

#include "model/closures.h"

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

af_time closures_leg_open_at(const model *m, size_t leg, af_time t)
{
    const af_scn_leg *cfg = m->legs[leg].cfg;
    return closures_closed_until(m, cfg->closures, cfg->n_closures, t);
}

bool closures_route_closed(const model *m, size_t route, af_time t)
{
    return closures_route_closed_from(m, route, 0, t);
}

bool closures_route_closed_from(const model *m, size_t route, size_t from, af_time t)
{
    const af_scn_route *r = &m->scn->routes[route];
    for (size_t i = from + 1; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        if (ms->closed_depth > 0) return true;
        if (closures_closed_until(m, ms->cfg->closures, ms->cfg->n_closures, t) > t) return true;
    }
    for (size_t i = from; i + 1 < r->n_nodes; i++) {
        const af_scn_leg *l = &m->scn->legs[r->legs[i]];
        if (closures_closed_until(m, l->closures, l->n_closures, t) > t) return true;
    }
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
        af_station_set_closed(ms->st, false);
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
    af_time now = af_sim_now(sim);
    open_station(ms, now);
    if (tr) open_station(tr, now);
}

static void ev_closure_start(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mstation *ms = ctx, *tr = transfer_of(ms);
    const af_scn_station *cfg = ms->cfg;
    af_time now = af_sim_now(sim);
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
    af_time now = af_sim_now(m->sim);
    for (size_t i = 0; i < m->n_stations; i++) {
        mstation *ms = &m->stations[i];
        if (ms->closed_depth > 0) {
            ms->closed_minutes_today += af_schedule_open_minutes(ms->sched, ms->closed_since, now);
            ms->closed_since = now;
        }
    }
}
