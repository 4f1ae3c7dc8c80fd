/* A truck's journey along its route: legs (closures, convoy slots, escorts, travel, loss),
 * stations (inspection with dual-use holds, crossing, back-to-back transfer) and delivery at
 * the hub. */
#include <math.h>
#include <stdlib.h>

#include "model/model_internal.h"

static void fail(model *m)
{
    m->failed = true;
    af_sim_stop(m->sim);
}

/* The end of the closure of `periods` that covers t, or t itself when none does. Closures may
 * overlap or touch, so follow them until t is outside all. */
static af_time closed_until(const model *m, const af_scn_period *p, size_t n, af_time t)
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

static double hub_total_stock(const model *m, size_t hub)
{
    double sum = 0;
    for (size_t c = 0; c < m->scn->n_categories; c++) sum += m->hub_stock[hub * m->scn->n_categories + c];
    return sum;
}

static void unload(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    const af_scn_route *r = &m->scn->routes[t->route];
    size_t k = r->hub * m->scn->n_categories + t->category;
    m->hub_stock[k] += t->tonnes;
    m->hub_in_trucks[k] += 1;
    m->hub_in_tonnes[k] += t->tonnes;
    m->all.trucks_delivered++;
    m->all.tonnes_delivered += t->tonnes;
    model_free_truck(m, id);
}

/* A truck reaches its hub. A hub with a storage capacity takes it only while there is room;
 * otherwise the truck waits, loaded, until consumption makes room (what reports call cargo
 * left uncollected for want of warehouse space). */
static void deliver(model *m, uint32_t id)
{
    const truck *t = &m->trucks[id];
    size_t hub = m->scn->routes[t->route].hub;
    double cap = m->scn->hubs[hub].capacity;
    if (cap > 0 && (m->hub_wait[hub].len > 0 || hub_total_stock(m, hub) + t->tonnes > cap + 1e-9)) {
        if (!fifo_push(&m->hub_wait[hub], id)) fail(m);
        return;
    }
    unload(m, id);
}

void hubs_unload_waiting(model *m)
{
    for (size_t h = 0; h < m->scn->n_hubs; h++) {
        truck_fifo *f = &m->hub_wait[h];
        double cap = m->scn->hubs[h].capacity;
        while (f->len > 0 && hub_total_stock(m, h) + m->trucks[f->ids[f->head]].tonnes <= cap + 1e-9)
            unload(m, fifo_pop(f));
    }
}

static double service_time(model *m, const mstation *ms, const truck *t)
{
    const af_dist *d;
    if (ms->kind == MS_TRANSFER)
        d = &m->scn->crossings[ms->scn_index].transfer_service.dist;
    else
        d = &af_scn_station_service(ms->cfg, t->category)->dist;
    return af_dist_sample(d, ms->service_rng);
}

static void enter_station(model *m, size_t station, uint32_t id)
{
    mstation *ms = &m->stations[station];
    const truck *t = &m->trucks[id];
    int prio = m->scn->categories[t->category].priority;
    if (af_station_arrive(ms->st, id, prio, service_time(m, ms, t)) != AF_OK) fail(m);
}

static void ev_arrive(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    model *m = ctx;
    uint32_t id = (uint32_t)arg;
    truck *t = &m->trucks[id];
    t->pos++;
    if (t->lost_on_leg) {
        m->all.trucks_lost++;
        m->all.tonnes_lost += t->tonnes;
        model_free_truck(m, id);
        return;
    }
    const af_scn_route *r = &m->scn->routes[t->route];
    size_t node = r->nodes[t->pos];
    if (t->pos + 1 == r->n_nodes) {
        deliver(m, id);
        return;
    }
    size_t st = m->node_station[node];
    if (st == SIZE_MAX) {
        /* A hub or origin in the middle of a route: pass through. */
        move_depart(m, id);
        return;
    }
    enter_station(m, st, id);
}

static void leg_try_start(model *m, uint32_t id);

static void ev_leg_retry(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    leg_try_start(ctx, (uint32_t)arg);
}

bool fifo_push(truck_fifo *f, uint32_t id)
{
    if (f->len == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        uint32_t *w = malloc(cap * sizeof *w);
        if (!w) return false;
        for (size_t i = 0; i < f->len; i++) w[i] = f->ids[(f->head + i) % f->cap];
        free(f->ids);
        f->ids = w;
        f->cap = cap;
        f->head = 0;
    }
    f->ids[(f->head + f->len) % f->cap] = id;
    f->len++;
    return true;
}

uint32_t fifo_pop(truck_fifo *f)
{
    uint32_t id = f->ids[f->head];
    f->head = (f->head + 1) % f->cap;
    f->len--;
    return id;
}

static void leg_try_start(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    const af_scn_route *r = &m->scn->routes[t->route];
    size_t leg = r->legs[t->pos];
    leg_state *l = &m->legs[leg];
    const af_scn_leg *cfg = l->cfg;
    af_time now = af_sim_now(m->sim);
    af_time open_at = closed_until(m, cfg->closures, cfg->n_closures, now);
    if (open_at > now) {
        if (!isfinite(open_at)) {
            /* Closed for good: the truck waits at the leg's start for ever (in the system). */
            return;
        }
        if (!af_sim_schedule_at(m->sim, open_at, ev_leg_retry, m, id)) fail(m);
        return;
    }
    if (cfg->capacity && l->started_today >= cfg->capacity) {
        if (!fifo_push(&l->wait, id)) fail(m);
        return;
    }
    l->started_today++;
    double delay = af_dist_sample(&cfg->travel.dist, l->travel_rng);
    if (cfg->has_escort) delay += af_dist_sample(&cfg->escort_wait.dist, l->travel_rng);
    if (delay < 0) delay = 0;
    /* One uniform per trip on a lossy leg, whatever the outcome. */
    t->lost_on_leg = cfg->loss > 0 && af_rng_uniform(l->loss_rng) < cfg->loss;
    if (!af_sim_schedule(m->sim, delay, ev_arrive, m, id)) fail(m);
}

void move_depart(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    const af_scn_route *r = &m->scn->routes[t->route];
    if (t->pos + 1 >= r->n_nodes) {
        deliver(m, id);
        return;
    }
    leg_try_start(m, id);
}

void legs_start_day(model *m)
{
    for (size_t i = 0; i < m->scn->n_legs; i++) {
        leg_state *l = &m->legs[i];
        l->started_today = 0;
        /* Trucks held back for want of convoy slots go first, in their order. */
        while (l->wait.len > 0 && (!l->cfg->capacity || l->started_today < l->cfg->capacity))
            leg_try_start(m, fifo_pop(&l->wait));
    }
}

static void ev_repacked(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    model *m = ctx;
    uint32_t id = (uint32_t)arg;
    m->all.trucks_redispatched++;
    if (!route_choose(m, id)) {
        truck *t = &m->trucks[id];
        m->all.trucks_written_off++;
        m->all.tonnes_written_off += t->tonnes;
        model_free_truck(m, id);
        return;
    }
    move_depart(m, id);
}

static void ev_hold_end(af_sim *sim, void *ctx, uint64_t arg)
{
    mstation *ms = ctx;
    model *m = ms->m;
    uint32_t id = (uint32_t)arg;
    truck *t = &m->trucks[id];
    const af_scn_hold *h = &m->scn->holds[m->scn->inspections[ms->scn_index].hold];
    double u = af_rng_uniform(ms->flag_rng);
    if (u < h->cleared) {
        m->all.trucks_cleared_after_hold++;
        move_depart(m, id);
    } else if (u < h->cleared + h->partial) {
        double off = t->tonnes * h->offload_fraction;
        t->tonnes -= off;
        m->all.tonnes_offloaded += off;
        m->all.trucks_cleared_after_hold++;
        move_depart(m, id);
    } else {
        m->all.trucks_rejected++;
        ms->rejected_today++;
        if (h->on_reject == AF_SCN_WRITE_OFF) {
            m->all.trucks_written_off++;
            m->all.tonnes_written_off += t->tonnes;
            model_free_truck(m, id);
        } else {
            double delay = af_dist_sample(&h->repack.dist, m->repack_rngs[t->origin]);
            if (!af_sim_schedule(sim, delay > 0 ? delay : 0, ev_repacked, m, id)) fail(m);
        }
    }
}

void move_station_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity)
{
    (void)st;
    mstation *ms = ctx;
    model *m = ms->m;
    uint32_t id = (uint32_t)entity;
    truck *t = &m->trucks[id];
    switch (ms->kind) {
    case MS_INSPECTION: {
        const af_scn_inspection *in = &m->scn->inspections[ms->scn_index];
        double p = in->flag[t->category];
        /* One uniform per inspected truck, flagged or not. */
        if (p > 0 && af_rng_uniform(ms->flag_rng) < p && in->hold != AF_SCN_NONE) {
            m->all.trucks_held++;
            ms->flagged_today++;
            const af_scn_hold *h = &m->scn->holds[in->hold];
            double d = af_dist_sample(&h->duration.dist, ms->flag_rng);
            if (!af_sim_schedule(sim, d > 0 ? d : 0, ev_hold_end, ms, id)) fail(m);
            return;
        }
        move_depart(m, id);
        return;
    }
    case MS_CROSSING:
        if (ms->transfer != SIZE_MAX) {
            enter_station(m, ms->transfer, id);
            return;
        }
        m->all.trucks_entered++;
        move_depart(m, id);
        return;
    case MS_TRANSFER:
        m->all.trucks_entered++;
        move_depart(m, id);
        return;
    }
}

static void ev_closure_end(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mstation *ms = ctx;
    if (--ms->closed_depth == 0) {
        /* Only the minutes it would have been open count as lost to the closure. */
        ms->closed_minutes_today += af_schedule_open_minutes(ms->sched, ms->closed_since, af_sim_now(sim));
        af_station_set_closed(ms->st, false);
    }
}

void move_random_closure_start(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mstation *ms = ctx;
    const af_scn_station *cfg = ms->cfg;
    if (ms->closed_depth++ == 0) {
        ms->closed_since = af_sim_now(sim);
        af_station_set_closed(ms->st, true);
    }
    double d = af_dist_sample(&cfg->closure_duration.dist, ms->closure_rng);
    double gap = -log(af_rng_uniform_pos(ms->closure_rng)) * AF_MINUTES_PER_DAY / cfg->closure_rate;
    if (!af_sim_schedule(sim, d > 0 ? d : 0, ev_closure_end, ms, 0) ||
        !af_sim_schedule(sim, gap, move_random_closure_start, ms, 0))
        fail(ms->m);
}

bool node_or_leg_closed(const model *m, size_t route, af_time t)
{
    const af_scn_route *r = &m->scn->routes[route];
    for (size_t i = 0; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        if (ms->closed_depth > 0) return true;
        if (closed_until(m, ms->cfg->closures, ms->cfg->n_closures, t) > t) return true;
    }
    for (size_t i = 0; i + 1 < r->n_nodes; i++) {
        const af_scn_leg *l = &m->scn->legs[r->legs[i]];
        if (closed_until(m, l->closures, l->n_closures, t) > t) return true;
    }
    return false;
}

double route_expected_delay(const model *m, size_t route, size_t category)
{
    const af_scn_route *r = &m->scn->routes[route];
    af_time now = af_sim_now(m->sim);
    double delay = 0;
    for (size_t i = 0; i < r->n_nodes; i++) {
        size_t st = m->node_station[r->nodes[i]];
        if (st == SIZE_MAX) continue;
        const mstation *ms = &m->stations[st];
        double mean = af_dist_mean(&af_scn_station_service(ms->cfg, category)->dist);
        double ahead = (double)(af_station_queue_length(ms->st) + af_station_blocked_count(ms->st));
        delay += ahead * mean / ms->lanes + mean;
        if (!af_station_is_open(ms->st)) {
            af_time open = af_schedule_next_open(ms->sched, now);
            delay += isfinite(open) ? open - now : 1e12;
        }
    }
    for (size_t i = 0; i + 1 < r->n_nodes; i++) {
        const af_scn_leg *l = &m->scn->legs[r->legs[i]];
        delay += af_dist_mean(&l->travel.dist);
        if (l->has_escort) delay += af_dist_mean(&l->escort_wait.dist);
    }
    return delay;
}
