/* A truck's journey: the one state machine of the model.
 *
 *   DISPATCHED --route--> AT_LEG_START --slot, open--> ON_LEG --arrive--> next node:
 *       a station:            AT_STATION --service done--> (inspection: flagged? HELD)
 *                             --> AT_LEG_START of the next leg (a crossing with a transfer
 *                             stage sends it through the stage first)
 *       a hub or origin inside the route: passed through, AT_LEG_START of the next leg
 *       its hub:              unloaded (delivered) or AT_HUB waiting for room
 *   ON_LEG --arrive, lost on the way--> lost
 *   HELD --hold ends--> cleared or partially offloaded: AT_LEG_START of the next leg;
 *                       rejected: written off, or REPACKING --repacked--> DISPATCHED
 *   DISPATCHED with no route for its category: written off
 *   a crossing with a Gaza side: entered --> returned (freed) or OFFLOADED --collection slot,
 *                        approved--> collected: intercepted (lost) or AT_LEG_START of the next leg
 *
 * Delivered, lost and written-off trucks go back to the pool. Every count of the ledger is
 * taken here, where the state changes. The decisions are asked of the layers below: routing
 * (which route), holds (flagged, how long, how it ends), legs (a slot, the trip), hubs (room),
 * closures (is the leg open). */
#include <math.h>

#include <stdlib.h>

#include "engine/station_view.h"
#include "model/closures.h"
#include "model/gaza_side.h"
#include "model/divert.h"
#include "model/holds.h"
#include "model/hubs.h"
#include "model/journey.h"
#include "model/legs.h"
#include "model/routing.h"
#include "model/times.h"
#include "model/trucks.h"
#include "model/yards.h"

static const af_scn_route *route_of(const model *m, const truck *t)
{
    return &m->scn->routes[t->route];
}

static void write_off(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    LEDGER_COUNT(m, t, trucks_written_off);
    LEDGER_ADD(m, t, tonnes_written_off, t->tonnes);
    trucks_free(m, id);
}

/* What of a truck's cargo goes into its hub's stock, towards need: all of it for humanitarian
 * cargo; for commercial cargo its origin's share reaches_people of the category. */
static double stored_tonnes(const model *m, const truck *t)
{
    const double *reach = m->scn->origins[t->origin].reaches_people;
    return reach && reach[t->category] < 1 ? t->tonnes * reach[t->category] : t->tonnes;
}

static void unload(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    double stored = stored_tonnes(m, t);
    hubs_store(m, route_of(m, t)->hub, t->category, stored);
    LEDGER_COUNT(m, t, trucks_delivered);
    LEDGER_ADD(m, t, tonnes_delivered, t->tonnes);
    /* Commercial cargo beyond its share reaches_people: sold outside the need modelled. */
    if (stored < t->tonnes) LEDGER_ADD(m, t, tonnes_outside_need, t->tonnes - stored);
    times_delivered(m, t);
    trucks_free(m, id);
}

/* At its hub: unloaded, or waiting loaded for room. */
static void reach_hub(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    size_t hub = route_of(m, t)->hub;
    if (!hubs_admits(m, hub, stored_tonnes(m, t))) {
        trucks_set_state(m, t, TRUCK_AT_HUB);
        if (!fifo_push(&m->hub_wait[hub], id)) model_fail(m);
        return;
    }
    unload(m, id);
}

static void ev_arrive(af_sim *sim, void *ctx, uint64_t arg);
static void ev_leg_retry(af_sim *sim, void *ctx, uint64_t arg);
static void ev_turned_back(af_sim *sim, void *ctx, uint64_t arg);

/* Leaves a closure: drives back to node plan.at of plan.route (diverted), or to its origin
 * (returned, when `returning`). The arg of the event carries the id and whether it returns. */
static void turn_back(model *m, uint32_t id, divert_plan plan, bool returning)
{
    truck *t = &m->trucks[id];
    t->route = (uint32_t)plan.route;
    t->pos = (uint32_t)plan.at;
    trucks_set_state(m, t, TRUCK_TURNING_BACK);
    if (!returning) {
        LEDGER_COUNT(m, t, trucks_diverted);
        m->heading[plan.route]++;
    }
    uint64_t arg = (uint64_t)id | (returning ? (uint64_t)1 << 32 : 0);
    if (!af_sim_schedule(m->sim, plan.back_minutes, ev_turned_back, m, arg)) model_fail(m);
}

/* A truck at the start of a leg closed until open_at (INFINITY: for good): turns back when
 * the closure is known to outlast its patience and its origin's action finds a way out. */
static bool leave_closed_leg(model *m, uint32_t id, af_time open_at)
{
    truck *t = &m->trucks[id];
    double patience;
    af_scn_on_closure action = divert_action(m, t->origin, &patience);
    double stay = open_at - af_sim_clock(m->sim);
    if (action == AF_SCN_CLOSURE_WAIT || !(stay > patience)) return false;
    divert_plan p = divert_best(m, t->origin, t->category, t->route, t->pos, true,
                                isfinite(stay) ? stay : INFINITY, action);
    if (!p.go) return false;
    turn_back(m, id, p, action == AF_SCN_CLOSURE_RETURN);
    return true;
}

/* At the start of the leg from node pos: wait for it to open, or for a convoy slot, or go. */
static void leg_try_start(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    const af_scn_route *r = route_of(m, t);
    assert(t->alive && t->pos + 1 < r->n_nodes);
    size_t leg = r->legs[t->pos];
    af_time now = af_sim_clock(m->sim);
    af_time open_at = closures_leg_open_at(m, leg, now);
    if (open_at > now) {
        t->state = TRUCK_AT_LEG_START;
        if (leave_closed_leg(m, id, open_at)) return;
        trucks_set_state(m, t, TRUCK_AT_LEG_START); /* waits at the leg's start */
        if (!isfinite(open_at)) {
            /* Closed for good: the truck waits at the leg's start for ever (in the system). */
            return;
        }
        if (!af_sim_schedule_at(m->sim, open_at, ev_leg_retry, m, id)) model_fail(m);
        return;
    }
    if (!legs_has_slot(m, leg)) {
        trucks_set_state(m, t, TRUCK_AT_LEG_START); /* waits for a convoy slot */
        if (!fifo_push(&m->legs[leg].wait, id)) model_fail(m);
        return;
    }
    leg_trip trip = legs_start_trip(m, leg);
    t->lost_on_leg = trip.lost;
    trucks_set_state(m, t, TRUCK_ON_LEG);
    if (!af_sim_schedule(m->sim, trip.minutes, ev_arrive, m, id)) model_fail(m);
}

static void ev_leg_retry(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    leg_try_start(ctx, (uint32_t)arg);
}

/* Leaves the node it is at: the next leg, or its hub when this is the last node. */
static void depart(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    if (t->pos + 1 >= route_of(m, t)->n_nodes) {
        reach_hub(m, id);
        return;
    }
    /* Where its origin's routes part, the truck chooses its way again (routing.c). */
    if (t->pos > 0) t->route = (uint32_t)routing_at_node(m, t);
    leg_try_start(m, id);
}

/* A loaded truck at its origin takes a route and leaves, or is written off when no route
 * carries its category. */
static void take_route(model *m, uint32_t id)
{
    truck *t = &m->trucks[id];
    t->state = TRUCK_DISPATCHED;
    size_t route = routing_choose(m, t);
    if (route == SIZE_MAX) {
        /* The loader guarantees a route for every category an origin plans; a scenario built
         * in C might not. Such cargo never leaves: count it as written off. */
        write_off(m, id);
        return;
    }
    t->route = (uint32_t)route;
    t->pos = 0;
    depart(m, id);
}

void journey_dispatch(model *m, size_t origin, size_t category, double tonnes)
{
    uint32_t id = trucks_new(m);
    if (id == NO_TRUCK) {
        model_fail(m);
        return;
    }
    truck *t = &m->trucks[id];
    t->category = (uint32_t)category;
    t->origin = (uint32_t)origin;
    t->tonnes = tonnes;
    t->sender = (uint8_t)m->scn->origins[origin].sender;
    LEDGER_COUNT(m, t, trucks_dispatched);
    LEDGER_ADD(m, t, tonnes_dispatched, tonnes);
    yards_take(m, id);
    t->dispatched_at = af_sim_clock(m->sim);
    take_route(m, id);
}

/* The service distribution of a truck at a station, in the scenario in force. */
static const af_scn_dist *service_dist(const model *m, const mstation *ms, const truck *t)
{
    if (ms->kind == MS_TRANSFER) return &m->scn->crossings[ms->scn_index].transfer_service;
    return af_scn_station_service(ms->cfg, t->category);
}

static double service_time(model *m, const mstation *ms, truck *t)
{
    t->service_from = service_dist(m, ms, t);
    return af_dist_sample(&t->service_from->dist, ms->service_rng);
}

static bool same_dist(const af_scn_dist *a, const af_scn_dist *b)
{
    if (a == b) return true;
    if (a->kind != b->kind || a->n != b->n) return false;
    for (int i = 0; i < 3; i++)
        if (a->param[i] != b->param[i]) return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->values[i] != b->values[i] || a->weights[i] != b->weights[i]) return false;
    return true;
}

double journey_station_service(af_station *st, void *ctx, uint64_t entity, double drawn)
{
    (void)st;
    mstation *ms = ctx;
    model *m = ms->m;
    truck *t = &m->trucks[entity];
    const af_scn_dist *now = service_dist(m, ms, t);
    /* Without dated changes the pointers are the same; with them, a truck that arrived
     * before a change of its service time is served with the time in force when it starts,
     * drawn from a stream of its own so that the station's arrival draws stay in step. */
    if (same_dist(now, t->service_from)) return drawn;
    if (!ms->redraw_rng) {
        ms->redraw_rng = model_stream(m, "service_redraw", ms->name, NULL);
        if (!ms->redraw_rng) {
            model_fail(m);
            return drawn;
        }
    }
    t->service_from = now;
    return af_dist_sample(&now->dist, ms->redraw_rng);
}

/* The line of the trucks at station ms: its own, or for a crossing's transfer stage the
 * crossing's (the station at the node the truck is at). */
static truck_line *station_line(model *m, mstation *ms)
{
    truck_line *l = ms->kind == MS_TRANSFER
                        ? &m->stations[m->node_station[m->scn->crossings[ms->scn_index].st.node]].line
                        : &ms->line;
    return l;
}

#ifndef NDEBUG
/* The station whose line a truck at a station is in: the one at its node. */
static truck_line *line_of(model *m, const truck *t)
{
    return &m->stations[m->node_station[route_of(m, t)->nodes[t->pos]]].line;
}
#endif

static void enter_station(model *m, size_t station, uint32_t id)
{
    mstation *ms = &m->stations[station];
    truck *t = &m->trucks[id];
    t->waiting_since = af_sim_clock(m->sim);
    if (m->lines_kept) {
        truck_line *line = station_line(m, ms);
        assert(line == line_of(m, t));
        line_insert(m, line, id);
    }
    t->blocked = true; /* until the station admits it to its queue (at once, unless full) */
    /* A truck that gave up its yard place at an earlier limited station and comes to another
     * (the next on its way, or one it diverted to) takes a place in its origin's yard again,
     * which the admission frees at once when there is room. So the trucks waiting before
     * every limited station of a yard's origin are bounded by that yard (yards.c). */
    if (ms->cfg && ms->cfg->queue_limit > 0 && !t->yard) yards_take_again(m, id);
    int prio = m->scn->categories[t->category].priority;
    af_status rc = af_station_arrive(ms->st, id, prio, service_time(m, ms, t));
    /* Admitted to the queue at once, the usual case: the admitted hook, called inside
     * af_station_arrive, put it in state AT_STATION and counted it in service there. Else it
     * waits upstream, and is counted so here (once, not once blocked and again admitted). */
    t = &m->trucks[id];
    if (t->blocked) trucks_set_state(m, t, TRUCK_AT_STATION);
    if (rc != AF_OK) model_fail(m);
}

static void ev_arrive(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    model *m = ctx;
    uint32_t id = (uint32_t)arg;
    truck *t = &m->trucks[id];
    assert(t->alive && t->state == TRUCK_ON_LEG);
    t->pos++;
    if (t->lost_on_leg) {
        LEDGER_COUNT(m, t, trucks_lost);
        LEDGER_ADD(m, t, tonnes_lost, t->tonnes);
        trucks_free(m, id);
        return;
    }
    const af_scn_route *r = route_of(m, t);
    assert(t->pos < r->n_nodes);
    size_t node = r->nodes[t->pos];
    if (t->pos + 1 == r->n_nodes) {
        reach_hub(m, id);
        return;
    }
    size_t st = m->node_station[node];
    if (st == SIZE_MAX) {
        /* A hub or origin in the middle of a route: pass through. */
        depart(m, id);
        return;
    }
    enter_station(m, st, id);
}

static void ev_repacked(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    model *m = ctx;
    uint32_t id = (uint32_t)arg;
    assert(m->trucks[id].alive && m->trucks[id].state == TRUCK_REPACKING);
    LEDGER_COUNT(m, &m->trucks[id], trucks_redispatched);
    take_route(m, id);
}

static void ev_hold_end(af_sim *sim, void *ctx, uint64_t arg)
{
    mstation *ms = ctx;
    model *m = ms->m;
    uint32_t id = (uint32_t)arg;
    truck *t = &m->trucks[id];
    assert(t->alive && t->state == TRUCK_HELD);
    hold_end e = holds_end(m, ms, t);
    switch (e.kind) {
    case HOLD_CLEARED:
        LEDGER_COUNT(m, t, trucks_cleared_after_hold);
        depart(m, id);
        return;
    case HOLD_PARTIAL:
        t->tonnes -= e.offloaded;
        LEDGER_ADD(m, t, tonnes_offloaded, e.offloaded);
        LEDGER_COUNT(m, t, trucks_cleared_after_hold);
        depart(m, id);
        return;
    case HOLD_REJECT_WRITE_OFF:
        LEDGER_COUNT(m, t, trucks_rejected);
        ms->rejected_today++;
        write_off(m, id);
        return;
    case HOLD_REJECT_REPACK:
        LEDGER_COUNT(m, t, trucks_rejected);
        ms->rejected_today++;
        trucks_set_state(m, t, TRUCK_REPACKING);
        if (!af_sim_schedule(sim, e.repack_minutes, ev_repacked, m, id)) model_fail(m);
        return;
    }
}

/* Through the crossing (the Israeli count of entries): on to the next leg, or, at a crossing
 * with a Gaza side, offloaded there (or returned). */
static void arm_collection(model *m, size_t cx);

static void cross(model *m, size_t crossing, uint32_t id)
{
    truck *t = &m->trucks[id];
    LEDGER_COUNT(m, t, trucks_entered);
    times_entered(m, t);
    size_t hub = route_of(m, t)->hub;
    /* Today's counts of its hub and category (model_count_basis), looked up once. */
    double *basis = &m->hub_day_basis[(hub * m->scn->n_categories + t->category) * N_BASES];
    basis[BASIS_ENTERED] += 1;
    if (!gaza_side_of(m, crossing)) {
        /* No Gaza side modelled: offloaded and collected as it crosses. */
        LEDGER_COUNT(m, t, trucks_offloaded);
        LEDGER_COUNT(m, t, trucks_collected);
        basis[BASIS_OFFLOADED] += 1;
        basis[BASIS_COLLECTED] += 1;
        depart(m, id);
        return;
    }
    if (gaza_side_offload(m, crossing, id, hub)) {
        LEDGER_COUNT(m, t, trucks_returned);
        LEDGER_ADD(m, t, tonnes_returned, t->tonnes);
        trucks_free(m, id);
        return;
    }
    trucks_set_state(m, t, TRUCK_OFFLOADED);
    LEDGER_COUNT(m, t, trucks_offloaded);
    basis[BASIS_OFFLOADED] += 1;
    arm_collection(m, crossing);
}

void journey_station_done(af_sim *sim, af_station *st, void *ctx, uint64_t entity)
{
    (void)st;
    mstation *ms = ctx;
    model *m = ms->m;
    uint32_t id = (uint32_t)entity;
    truck *t = &m->trucks[id];
    assert(t->alive && t->state == TRUCK_AT_STATION);
    if (m->lines_kept) {
        assert(station_line(m, ms) == line_of(m, t));
        line_remove(m, station_line(m, ms), id);
    }
    switch (ms->kind) {
    case MS_INSPECTION: {
        LEDGER_COUNT(m, t, trucks_inspected);
        model_count_basis(m, t, BASIS_INSPECTED);
        double held = holds_flag(m, ms, t);
        if (held >= 0) {
            LEDGER_COUNT(m, t, trucks_held);
            ms->flagged_today++;
            trucks_set_state(m, t, TRUCK_HELD);
            if (!af_sim_schedule(sim, held, ev_hold_end, ms, id)) model_fail(m);
            return;
        }
        depart(m, id);
        return;
    }
    case MS_CROSSING:
        if (ms->transfer != SIZE_MAX) {
            enter_station(m, ms->transfer, id);
            return;
        }
        cross(m, ms->scn_index, id);
        return;
    case MS_TRANSFER:
        cross(m, ms->scn_index, id);
        return;
    }
}

void journey_station_admitted(af_station *st, void *ctx, uint64_t entity)
{
    (void)st;
    mstation *ms = ctx;
    model *m = ms->m;
    truck *t = &m->trucks[entity];
    t->blocked = false;
    /* A place in a limited queue: the truck no longer needs its yard place. */
    if (t->yard && ms->cfg && ms->cfg->queue_limit > 0) yards_leave(m, (uint32_t)entity);
    trucks_set_state(m, t, TRUCK_AT_STATION);
}

void journey_station_started(af_sim *sim, af_station *st, void *ctx, uint64_t entity, double waited)
{
    (void)sim;
    (void)st;
    (void)entity;
    (void)waited;
    mstation *ms = ctx;
    assert(ms->kind == MS_CROSSING);
    gaza_side_reserve(ms->m, ms->scn_index);
}

/* One collection slot at a crossing's Gaza side: the first truck waiting is collected unless
 * collection is paused, its hub is full or the movement is denied. */
static void ev_collect(af_sim *sim, void *ctx, uint64_t arg)
{
    model *m = ctx;
    size_t cx = (size_t)arg;
    gaza_side *g = gaza_side_of(m, cx);
    af_time now = af_sim_clock(sim);
    g->armed = false;
    if (g->waiting > 0 && !gaza_side_paused(m, cx, now)) {
        /* The first truck in whose hub can take it: cargo for a full hub waits without
         * holding up cargo for the others behind it (each hub's trucks are still taken in
         * the order they came). Each hub keeps its own line, so only the hubs' first trucks
         * are compared. */
        size_t hub = SIZE_MAX, n_hubs = m->scn->n_hubs;
        for (size_t h = 0; h < n_hubs; h++) {
            if (g->wait[h].len == 0) continue;
            if (hub != SIZE_MAX && !gaza_side_before(m, cx, h, hub)) continue;
            if (hubs_admits(m, h, stored_tonnes(m, &m->trucks[fifo_head(&g->wait[h])])))
                hub = h;
        }
        /* Every hub with cargo waiting is full: no slot takes a truck until a hub has room
         * again, which only the midnight phase gives (consumption, spoilage and unloading
         * are its work; a hub's capacity cannot change on a date), or until a truck for
         * another hub is offloaded. Those arm the next slot (journey_wake_collection,
         * cross): the slots between would all find the same. */
        if (hub == SIZE_MAX) return;
        truck *t = &m->trucks[fifo_head(&g->wait[hub])];
        if (gaza_side_denied(m, cx, t->sender)) {
            LEDGER_COUNT(m, t, trucks_denied);
        } else {
            uint32_t id = gaza_side_collect(m, cx, hub);
            assert(m->trucks[id].alive && m->trucks[id].state == TRUCK_OFFLOADED);
            assert(&m->trucks[id] == t);
            LEDGER_COUNT(m, t, trucks_collected);
            model_count_basis(m, t, BASIS_COLLECTED);
            if (gaza_side_intercepted(m, cx)) {
                LEDGER_COUNT(m, t, trucks_intercepted);
                LEDGER_COUNT(m, t, trucks_lost);
                LEDGER_ADD(m, t, tonnes_lost, t->tonnes);
                trucks_free(m, id);
            } else {
                depart(m, id);
            }
        }
    }
    /* The next slot, while trucks wait; the next offload arms it again. */
    arm_collection(m, cx);
}

void journey_wake_collection(model *m)
{
    for (size_t i = 0; m->gaza && i < m->scn->n_crossings; i++)
        if (gaza_side_of(m, i)) arm_collection(m, i);
}

static void arm_collection(model *m, size_t cx)
{
    gaza_side *g = gaza_side_of(m, cx);
    if (g->armed || g->waiting == 0) return;
    af_time at = gaza_side_next_slot(m, cx, af_sim_clock(m->sim));
    if (!af_sim_schedule_at(m->sim, at, ev_collect, m, cx)) model_fail(m);
    g->armed = true;
}

void journey_unload_waiting(model *m)
{
    for (size_t h = 0; h < m->scn->n_hubs; h++) {
        truck_fifo *f = &m->hub_wait[h];
        while (f->len > 0 && hubs_has_room(m, h, stored_tonnes(m, &m->trucks[fifo_head(f)]))) {
            uint32_t id = fifo_pop(f);
            assert(m->trucks[id].alive && m->trucks[id].state == TRUCK_AT_HUB);
            unload(m, id);
        }
    }
}

void journey_release_leg_queues(model *m)
{
    for (size_t i = 0; i < m->scn->n_legs; i++) {
        legs_new_day(m, i);
        truck_fifo *f = &m->legs[i].wait;
        while (f->len > 0 && legs_has_slot(m, i)) {
            uint32_t id = fifo_pop(f);
            assert(m->trucks[id].alive && m->trucks[id].state == TRUCK_AT_LEG_START);
            leg_try_start(m, id);
        }
    }
}

static void ev_turned_back(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    model *m = ctx;
    uint32_t id = (uint32_t)(arg & 0xffffffffu);
    truck *t = &m->trucks[id];
    assert(t->alive && t->state == TRUCK_TURNING_BACK);
    if (arg >> 32) {
        /* Back at its origin: unloaded into the origin's stock, if it keeps one. */
        LEDGER_COUNT(m, t, trucks_returned_to_origin);
        LEDGER_ADD(m, t, tonnes_returned_to_origin, t->tonnes);
        const af_scn_origin *org = &m->scn->origins[t->origin];
        if (org->has_stock) m->origin_stock[t->origin * m->scn->n_categories + t->category] += t->tonnes;
        trucks_free(m, id);
        return;
    }
    depart(m, id);
}

/* Every hour: trucks queued (or blocked upstream) at a closed station that have had enough
 * of it leave the queue and turn back (divert.c decides). The n-th truck in line expects to
 * stay until the station opens (a scheduled closure: known; a random one: its mean
 * duration) plus n services shared among the lanes. A truck waits for a closure it knows
 * ends within its patience, and for a random one until it has waited its patience. The
 * last in line decide first; trucks already turning back towards an alternative count as
 * queued there, so that a queue does not all leave at once for a way that cannot take it;
 * once one truck stays, those ahead of it stay too.
 *
 * Two shortcuts that change no decision: the origins' patience is looked up only when a
 * station needs it, and at a station closed by its schedule the walk stops at a truck that
 * waits when no truck ahead of it can expect to stay longer than the least patience
 * (closed_for + (n - 1) * the station's longest mean service / lanes: each truck ahead
 * expects no more, rounding included, as the sums only grow with n and the mean). */
static void closure_check(model *m)
{
    enum { CHECK_ORIGINS = 16 };
    af_time now = af_sim_clock(m->sim);
    /* The least patience of the origins whose trucks act on a closure (NaN if one is NaN,
     * which then skips nothing), and the least that is a number (a truck whose patience is
     * NaN never leaves a scheduled closure); worked out when first needed. */
    bool patience_known = false;
    double least_patience = INFINITY, least_number = INFINITY;
    /* divert_action's answers for the first CHECK_ORIGINS origins, kept from that lookup
     * (the scenario in force does not change during the check). */
    af_scn_on_closure origin_action[CHECK_ORIGINS];
    double origin_patience[CHECK_ORIGINS];
    for (size_t st = 0; st < m->n_stations; st++) {
        mstation *ms = &m->stations[st];
        /* The engine's inline queries (engine/station_view.h): af_station_is_open,
         * af_station_queue_length and af_station_blocked_count's answers. */
        if (ms->kind == MS_TRANSFER || af_station_open(ms->st) ||
            af_station_queued(ms->st) + af_station_blocked(ms->st) == 0)
            continue;
        /* The release build keeps no lines and runs no check when no station can close
         * (journey_start_closure_checks): the debug build runs it to find none closed. */
        assert(closures_any_station_may_close(m->base));
        if (!patience_known) {
            for (size_t o = 0; o < m->scn->n_origins; o++) {
                double p;
                af_scn_on_closure a = divert_action(m, o, &p);
                if (o < CHECK_ORIGINS) {
                    origin_action[o] = a;
                    origin_patience[o] = p;
                }
                if (a == AF_SCN_CLOSURE_WAIT) continue;
                if (!(p >= least_patience)) least_patience = p;
                if (p < least_number) least_number = p;
            }
            patience_known = true;
        }
        /* The trucks at it in arrival order (queued, blocked or in service), from the last. */
        truck_line *line = &ms->line;
        bool random = ms->closed_depth > 0;
        /* A random closure younger than every patience: every truck there waits on. */
        if (random && now - ms->closed_since < least_patience) continue;
        double closed_for;
        if (random) {
            closed_for = af_dist_mean(&ms->cfg->closure_duration.dist);
        } else {
            /* Closed by its schedule: it opens at the same time as when last asked, if that
             * was during this closure. The station answers af_schedule_next_open of its
             * schedule (ms->sched) now, mostly from its memo (af_station_next_open:
             * af_station_next_scheduled_open's answer, inline). */
            if (!ms->open_known || !(ms->open_asked <= now && now <= ms->open_at)) {
                ms->open_asked = now;
                ms->open_at = af_station_next_open(ms->st);
                ms->open_known = true;
            }
            af_time open = ms->open_at;
            closed_for = isfinite(open) ? open - now : INFINITY;
        }
        /* The station's longest mean service over the categories (NaN: one is not a number
         * >= 0, and the walk is not cut short), worked out when first needed. */
        double longest = -1;
        uint32_t prev = line->len ? line->tail : NO_TRUCK;
        for (size_t i = line->len; i-- > 0;) {
            uint32_t id = prev;
            truck *t = &m->trucks[id];
            prev = t->line_prev;
            double patience;
            af_scn_on_closure action;
            if (t->origin < CHECK_ORIGINS) {
                action = origin_action[t->origin];
                patience = origin_patience[t->origin];
            } else {
                action = divert_action(m, t->origin, &patience);
            }
            if (action == AF_SCN_CLOSURE_WAIT) continue;
            /* routing_service_mean: af_dist_mean of its service, from the routing cache. */
            double stay = closed_for + (double)i * routing_service_mean(m, st, t->category) / ms->lanes;
            if (random) {
                af_time since = ms->closed_since > t->waiting_since ? ms->closed_since : t->waiting_since;
                if (now - since < patience) continue;
            } else if (!(stay > patience)) {
                if (i == 0) continue;
                if (longest < 0) {
                    longest = 0;
                    for (size_t k = 0; k < m->scn->n_categories; k++) {
                        double x = routing_service_mean(m, st, k);
                        if (!(x >= 0)) longest = NAN;
                        if (x > longest) longest = x;
                    }
                }
                if (closed_for + (double)(i - 1) * longest / ms->lanes <= least_number) break;
                continue;
            }
            divert_plan p = divert_best(m, t->origin, t->category, t->route, t->pos, false,
                                        isfinite(stay) ? stay : INFINITY, action);
            if (!p.go) break;
            /* In service: it stays. */
            if (af_station_withdraw(ms->st, id, NULL) != AF_OK) continue;
            line_remove(m, line, id);
            turn_back(m, id, p, action == AF_SCN_CLOSURE_RETURN);
        }
    }
}

static void ev_closure_check(af_sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    model *m = ctx;
    closure_check(m);
    if (af_sim_clock(sim) + 60 < (double)m->total_days * AF_MINUTES_PER_DAY &&
        !af_sim_schedule(sim, 60, ev_closure_check, m, 0))
        model_fail(m);
}

bool journey_start_closure_checks(model *m)
{
    bool acts = m->scn->on_closure != AF_SCN_CLOSURE_WAIT;
    for (size_t o = 0; o < m->scn->n_origins; o++)
        if (divert_action(m, o, NULL) != AF_SCN_CLOSURE_WAIT) acts = true;
    /* When no station can ever close, the check finds every station open every hour and
     * does nothing: neither it nor the lines it reads are needed. The debug build keeps
     * both, and the check asserts that it finds no station closed with trucks at it. The
     * check draws no random numbers and its events order nothing else, so leaving them out
     * changes no output. */
    bool may_close = closures_any_station_may_close(m->base);
#ifndef NDEBUG
    may_close = true;
#endif
    m->lines_kept = acts && may_close;
    return !m->lines_kept || af_sim_schedule(m->sim, 60, ev_closure_check, m, 0) != 0;
}
